"""The benchmark corpus: every layout and font, every upload condition, and the forged set.

The forgeries are checked twice: by assertions written here from docs/registry-rules.md (the
generator is an oracle of its own), and against ``verify.checks``, which must flag each one with
the rule it names while passing the genuine certificate it came from.
"""

from __future__ import annotations

import io
import re
from datetime import date

import numpy as np
import pdfplumber
import pytest
from PIL import Image, ImageOps

from tests.certificates import (
    CHAT_SIDE,
    EXIF_ORIENTATION,
    EXIF_ORIENTATION_TAG,
    FONTS,
    FORGERY_TYPES,
    LAYOUTS,
    QUARTER_TURNS,
    UPLOAD_CONDITIONS,
    forgeries,
    installed_fonts,
    make_certificate,
    make_forgery,
    make_upload,
    render_image,
    render_pdf,
)
from tests.test_certificates import KINDS, iso_mod_11_2, red_pixels
from verify.checks import check_credential
from verify.domain import CheckStatus, CredentialKind, Holder

TODAY = date(2026, 6, 1)
PDF_TEXT_FONTS = ("zenhei", "microhei", "uming", "ukai")
PHONE_SENT = ("rotated", "rotated_exif", "heic", "desk", "screenshot")  # the OCR pages are the page alone, upright


def text_lines(pdf: bytes, page: int = 0) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return (doc.pages[page].extract_text() or "").splitlines()


# ---------------------------------------------------------------------------------------------- layouts


def test_all_four_layouts_are_offered() -> None:
    assert LAYOUTS == ("table", "lines", "columns", "below")
    with pytest.raises(ValueError):
        render_image(make_certificate("teacher", 1), layout="poster")


@pytest.mark.parametrize("kind", KINDS)
def test_columns_layout_puts_short_pairs_side_by_side(kind: CredentialKind) -> None:
    cert = make_certificate(kind, 4)
    lines = text_lines(render_pdf(cert, layout="columns"))
    pairs = cert.printed()
    joined = {f"{label} {value}" for label, value in pairs}
    for label, value in pairs:
        assert any(f"{label} {value}" in line for line in lines), (label, value, lines)
    side_by_side = [line for line in lines if sum(pair in line for pair in joined) == 2]
    assert side_by_side, lines
    name, gender = pairs[0], pairs[1]
    assert f"{name[0]} {name[1]} {gender[0]} {gender[1]}" in lines


@pytest.mark.parametrize("kind", KINDS)
def test_below_layout_prints_each_value_under_its_label(kind: CredentialKind) -> None:
    cert = make_certificate(kind, 6)
    lines = text_lines(render_pdf(cert, layout="below"))
    for label, value in cert.printed():
        i = lines.index(label)
        assert lines[i + 1] == value


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_renders_with_seal_and_photo_box(layout: str) -> None:
    cert = make_certificate("lawyer", 2)
    img = render_image(cert, layout=layout, dpi=150)
    assert red_pixels(img) > 2_000
    assert img.getpixel((round(img.width * 0.85), round(img.height * 0.35))) != img.getpixel((20, 20))


def test_table_and_lines_layouts_keep_one_pair_a_line() -> None:
    """The layouts the rest of the suite relies on still print one label/value pair per line."""
    cert = make_certificate("physician_practice", 1)
    assert f"证书编码 {cert.fields['number']}" in text_lines(render_pdf(cert, layout="table"))
    assert f"证书编码：{cert.fields['number']}" in text_lines(render_pdf(cert, layout="lines"))


# ---------------------------------------------------------------------------------------------- fonts


def test_fonts_cover_song_kai_hei_and_noto() -> None:
    assert {"uming", "ukai", "zenhei", "microhei", "noto_sans", "noto_serif"} <= set(FONTS)
    assert set(installed_fonts()) <= set(FONTS)


@pytest.mark.parametrize("font", list(FONTS))
def test_every_font_renders(font: str) -> None:
    if font not in installed_fonts():
        pytest.skip(f"{FONTS[font][0]} missing: make test installs it (fonts-noto-cjk)")
    img = render_image(make_certificate("teacher", 9), font=font, dpi=100, seal=False)
    assert int((np.asarray(img.convert("L")) < 100).sum()) > 2_000  # dark ink was drawn


@pytest.mark.parametrize("font", PDF_TEXT_FONTS)
def test_text_layer_in_each_truetype_font(font: str) -> None:
    cert = make_certificate("doctor", 3)
    assert f"证书编码 {cert.fields['number']}" in text_lines(render_pdf(cert, font=font))


def test_noto_cannot_be_a_text_layer_but_is_an_image_pdf() -> None:
    cert = make_certificate("doctor", 3)
    with pytest.raises(ValueError):
        render_pdf(cert, font="noto_sans")
    if "noto_sans" in installed_fonts():
        assert make_upload(cert, "pdf_text", font="noto_sans").data.startswith(b"%PDF")
        assert len(make_upload(cert, "pdf_image", font="noto_sans").ocr_images) == 1


# ---------------------------------------------------------------------------------------------- uploads


def test_upload_conditions() -> None:
    assert UPLOAD_CONDITIONS == ("pdf_text", "pdf_image", "pdf_two_page", "clean", "scan", "photo", "lowres",
                                 "rotated", "rotated_exif", "chat", "heic", "desk", "screenshot")
    with pytest.raises(ValueError):
        make_upload(make_certificate("lawyer", 1), "fax")


@pytest.mark.parametrize("condition", UPLOAD_CONDITIONS)
def test_each_upload_is_a_file_with_its_ocr_pages(condition: str) -> None:
    cert = make_certificate("lawyer", 5)
    up = make_upload(cert, condition, seed=1, layout="columns", font="ukai")
    assert up.condition == condition
    if up.suffix == ".pdf":
        assert up.data.startswith(b"%PDF")
        with pdfplumber.open(io.BytesIO(up.data)) as pdf:
            assert len(pdf.pages) == up.pages
            chars = len(pdf.pages[-1].chars)
        assert (chars > 0) == (not up.ocr_images)
    elif condition in PHONE_SENT:
        assert up.pages == 1 and len(up.ocr_images) == 1 and up.ocr_images != (up.data,)
    else:
        assert up.pages == 1 and up.ocr_images == (up.data,)
    for encoded in up.ocr_images:
        image = Image.open(io.BytesIO(encoded))
        if condition not in ("chat", "screenshot"):  # pixels of a screen, not of a page at some dpi
            dpi = round(image.info["dpi"][0])
            assert dpi == {"pdf_image": 200, "pdf_two_page": 200, "lowres": 150}.get(condition, 300)
        assert image.format == ("PNG" if condition in ("clean", "lowres", "screenshot") else "JPEG")


def test_a_desk_photo_is_twelve_megapixels_and_a_screenshot_a_phone_screen() -> None:
    cert = make_certificate("teacher", 3)
    desk = Image.open(io.BytesIO(make_upload(cert, "desk", seed=2).data))
    assert (desk.format, desk.width * desk.height) == ("JPEG", 4032 * 3024)
    shot = make_upload(cert, "screenshot", seed=2)
    screen = Image.open(io.BytesIO(shot.data))
    page = Image.open(io.BytesIO(shot.ocr_images[0]))
    assert screen.height > 2 * screen.width and page.width <= screen.width and page.height < screen.height / 2


def test_turned_uploads_are_turned_with_and_without_exif() -> None:
    cert = make_certificate("doctor", 2)
    for seed, turn in enumerate(QUARTER_TURNS):
        upright = Image.open(io.BytesIO(make_upload(cert, "rotated", seed=seed).ocr_images[0]))
        bare = Image.open(io.BytesIO(make_upload(cert, "rotated", seed=seed).data))
        tagged = Image.open(io.BytesIO(make_upload(cert, "rotated_exif", seed=seed).data))
        assert bare.getexif().get(EXIF_ORIENTATION_TAG) is None
        assert tagged.getexif()[EXIF_ORIENTATION_TAG] == EXIF_ORIENTATION[turn]
        assert bare.size == (upright.size if turn == 180 else upright.size[::-1])
        assert _close(np.asarray(bare.rotate(-turn, expand=True).convert("L")), np.asarray(upright.convert("L")))
        assert _close(np.asarray(ImageOps.exif_transpose(tagged).convert("L")), np.asarray(upright.convert("L")))


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    """Same size and on average within a few grey levels (JPEG differs a little)."""
    return a.shape == b.shape and float(np.abs(a.astype(int) - b.astype(int)).mean()) < 6


def test_chat_upload_is_small_and_heavily_compressed() -> None:
    cert = make_certificate("teacher", 3)
    chat = make_upload(cert, "chat", seed=2)
    image = Image.open(io.BytesIO(chat.data))
    assert max(image.size) == CHAT_SIDE and image.format == "JPEG"
    assert len(chat.data) < len(make_upload(cert, "photo", seed=2).data) / 2


def test_heic_upload_decodes_to_the_photo() -> None:
    import pillow_heif

    up = make_upload(make_certificate("lawyer", 4), "heic", seed=1)
    assert up.data[4:12] == b"ftypheic" and up.suffix == ".heic"
    heif = pillow_heif.open_heif(up.data)
    decoded = np.asarray(heif.to_pillow().convert("L"))
    assert _close(decoded, np.asarray(Image.open(io.BytesIO(up.ocr_images[0])).convert("L")))


def test_two_page_pdf_has_the_certificate_on_page_two() -> None:
    cert = make_certificate("teacher", 2)
    with_text = make_upload(cert, "pdf_two_page", seed=2)
    scanned = make_upload(cert, "pdf_two_page", seed=3)
    assert (with_text.ocr_images, len(scanned.ocr_images)) == ((), 1)
    for up in (with_text, scanned):
        assert up.pages == 2
        assert cert.fields["number"] not in "".join(text_lines(up.data, 0))
    assert f"证书号码 {cert.fields['number']}" in text_lines(with_text.data, 1)
    assert text_lines(scanned.data, 1) == []


def test_scan_and_photo_are_degraded() -> None:
    cert = make_certificate("doctor", 8)
    clean = Image.open(io.BytesIO(make_upload(cert, "clean").data))
    scan = Image.open(io.BytesIO(make_upload(cert, "scan", seed=1).data)).convert("RGB")
    photo = Image.open(io.BytesIO(make_upload(cert, "photo", seed=1).data))
    r, g, b = scan.resize((64, 64)).split()
    assert r.tobytes() == g.tobytes() == b.tobytes()  # grey (JPEG keeps it grey)
    assert scan.size != clean.size  # rotated with expand
    assert photo.size[0] > clean.size[0]


# ---------------------------------------------------------------------------------------------- forged set


def test_forged_set_covers_the_rules() -> None:
    assert set(FORGERY_TYPES) >= {
        "id_checksum", "embedded_id_other_person", "impossible_region", "other_kind_number", "category_mismatch",
        "year_mismatch", "year_out_of_range", "issue_date_future", "underage", "gender_mismatch",
        "birth_date_mismatch", "sex_digit_mismatch", "serial_zero", "other_holder",
    }
    forged = forgeries([0], today=TODAY)
    assert len(forged) == sum(len(spec.kinds) for spec in FORGERY_TYPES.values())
    with pytest.raises(ValueError):
        make_forgery("lawyer", "serial_zero")
    with pytest.raises(ValueError):
        make_forgery("lawyer", "nonsense")


@pytest.mark.parametrize("seed", range(4))
def test_every_forgery_is_flagged_by_its_rule_and_the_genuine_one_is_not(seed: int) -> None:
    for forgery in forgeries([seed], today=TODAY):
        genuine = make_certificate(forgery.cert.kind, seed)
        holder = Holder(name=forgery.holder_name)
        assert not [c for c in check_credential(genuine.kind, genuine.fields, Holder(name=genuine.fields["name"]),
                                                TODAY) if c.status is not CheckStatus.PASS]
        flagged = {c.code for c in check_credential(forgery.cert.kind, forgery.cert.fields, holder, TODAY)
                   if c.status is not CheckStatus.PASS}
        assert flagged & set(forgery.forgery.rules), (forgery.forgery.name, forgery.cert.kind, flagged)


@pytest.mark.parametrize("seed", range(6))
def test_forgeries_look_fine(seed: int) -> None:
    """Printed values keep their shapes: digits where digits belong, real dates, known words."""
    for forgery in forgeries([seed], today=TODAY):
        genuine, forged = make_certificate(forgery.cert.kind, seed).fields, forgery.cert.fields
        assert set(forged) == set(genuine)
        assert re.fullmatch(r"\d{14,26}[\dX]", forged["number"])
        assert re.fullmatch(r"\d{17}[\dX]", forged["id_number"])
        for name in ("issue_date", "birth_date"):
            if name in forged:
                date.fromisoformat(forged[name])
        assert forged["gender"] in ("男", "女")
        assert forged["name"] == genuine["name"] and forged["category"] == genuine["category"]
        changed = {name for name in forged if forged[name] != genuine[name]}
        assert bool(changed) == (forgery.forgery.name != "other_holder")
        assert (forgery.holder_name == genuine["name"]) == (forgery.forgery.name != "other_holder")


def test_forgeries_break_what_they_say() -> None:
    """Independent of verify.checks: the broken rule, recomputed from docs/registry-rules.md."""
    f = make_forgery("physician_qualification", "id_checksum", 1, today=TODAY).cert.fields
    assert f["id_number"][17] != iso_mod_11_2(f["id_number"][:17]) and f["number"][9:] == f["id_number"]
    f = make_forgery("physician_qualification", "embedded_id_other_person", 1, today=TODAY).cert.fields
    assert f["number"][9:] != f["id_number"] and f["number"][-1] == iso_mod_11_2(f["number"][9:26])
    assert make_forgery("physician_practice", "impossible_region", 1).cert.fields["number"][3:5] == "99"
    assert make_forgery("teacher", "impossible_region", 1).cert.fields["number"][4:6] == "99"
    assert make_forgery("lawyer", "other_kind_number", 1).cert.fields["number"][0] != "1"
    f = make_forgery("lawyer", "year_mismatch", 1, today=TODAY).cert.fields
    assert int(f["issue_date"][:4]) < int(f["number"][5:9])
    f = make_forgery("teacher", "year_out_of_range", 1, today=TODAY).cert.fields
    assert int(f["number"][:4]) < 1996
    f = make_forgery("lawyer", "issue_date_future", 1, today=TODAY).cert.fields
    assert date.fromisoformat(f["issue_date"]) > TODAY
    f = make_forgery("physician_qualification", "underage", 1, today=TODAY).cert.fields
    assert int(f["number"][:4]) - int(f["birth_date"][:4]) == 12
    assert f["number"][9:] == f["id_number"] and f["id_number"][17] == iso_mod_11_2(f["id_number"][:17])
    f = make_forgery("lawyer", "sex_digit_mismatch", 1, today=TODAY).cert.fields
    assert f["number"][10] == ("1" if f["gender"] == "男" else "0")
    assert make_forgery("doctor", "serial_zero", 1).cert.fields["number"].endswith("000000")
    f = make_forgery("teacher", "gender_mismatch", 1).cert.fields
    assert f["gender"] != ("男" if int(f["id_number"][16]) % 2 else "女")
