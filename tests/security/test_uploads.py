"""The upload surface against hostile input (catalogue 1-13, 35-42, 46-47).

Every refusal is a documented problem type at the upload, or a verification that ends
with a clear reason after the isolated job ran: never a 500, never a hang.
"""

from __future__ import annotations

import functools
import io
import time
import zipfile
from typing import Any

import pytest
from flask.testing import FlaskClient
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict

from tests.certificates import make_certificate, render_pdf
from tests.conftest import bearer, process_all
from tests.reading import samples
from tests.security import hostile
from tests.security.client import post_multipart, submit
from verify.services.context import Services
from verify.store.models import Document, Verification

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _count(services: Services) -> tuple[int, int]:
    with services.store.read() as session:
        return session.query(Verification).count(), session.query(Document).count()


def _problem(answer: Any, status: int, slug: str) -> None:
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.content_type == "application/problem+json"
    assert answer.json["type"] == "https://verify.example/problems/" + slug


def test_01_oversize_with_content_length_is_413_before_reading_and_stores_nothing(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    limit = services.settings.limits.max_upload_bytes
    answer = post_multipart(client, platform_key, {"account_id": "a", "profession": "doctor", "document": FileStorage(
        io.BytesIO(b"%PDF-1.4\n" + bytes(limit)), "big.pdf", "application/pdf")})
    _problem(answer, 413, "file_too_large")
    assert _count(services) == (0, 0)


def test_03_a_flood_of_form_parts_is_413_in_well_under_a_second(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    parts = MultiDict([("account_id", "a"), ("profession", "doctor"), *((f"x{i}", "") for i in range(5000))])
    started = time.perf_counter()
    answer = post_multipart(client, platform_key, parts)
    assert time.perf_counter() - started < 1.0
    _problem(answer, 413, "file_too_large")


def test_03_too_many_document_parts_is_413(client: FlaskClient, services: Services, platform_key: str) -> None:
    pdf = render_pdf(make_certificate("physician_practice", 1))
    many = services.settings.limits.max_parts + 1
    answer = post_multipart(client, platform_key, MultiDict([
        ("account_id", "a"), ("profession", "doctor"),
        *(("document", FileStorage(io.BytesIO(pdf), f"p{i}.pdf", "application/pdf")) for i in range(many))]))
    assert answer.status_code == 413 and _count(services) == (0, 0)


def test_04_an_oversized_text_field_is_413(client: FlaskClient, platform_key: str) -> None:
    form = {"account_id": "a", "profession": "doctor", "holder_name": "x" * 600_000}
    answer = post_multipart(client, platform_key, form)
    _problem(answer, 413, "file_too_large")


HOSTILE_NAMES = ["../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/cron.d/x.pdf", "a.pdf%00.php",
                 "a.pdf\x00.php", "scan.jpg.php", "x" * 300 + ".pdf", "a\r\nContent-Type: text/html\r\n\r\n.pdf",
                 "\u202efdp.exe", "cert.pdf"]


def test_05_hostile_file_names_are_never_paths_and_never_stored(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    data_dir = services.settings.data_dir
    pdf = render_pdf(make_certificate("physician_practice", 2))
    before = {p for p in data_dir.parent.rglob("*")}
    accepted = []
    for number, name in enumerate(HOSTILE_NAMES):
        answer = submit(client, platform_key, pdf, filename=name, account_id=f"acct-{number}")
        assert answer.status_code in (202, 415, 422), (name, answer.status_code)
        if answer.status_code == 202:
            accepted.append(name)
        else:
            assert answer.content_type == "application/problem+json"
    assert "cert.pdf" in accepted and "scan.jpg.php" not in accepted and "a.pdf%00.php" not in accepted
    created = {p for p in data_dir.parent.rglob("*")} - before
    assert {p.name for p in created} <= {"verify.db-wal", "verify.db-shm", "audit-head.json", "audit-head.lock"}
    database = b"".join(p.read_bytes() for p in data_dir.glob("verify.db*"))
    for name in ("passwd", "win.ini", "cron.d", "fdp.exe", "x" * 300):
        assert name.encode() not in database
    with services.store.read() as session:  # stored under server-made ids only
        assert all(len(d.id) == 32 and d.id.isalnum() for d in session.query(Document))


@pytest.mark.parametrize(("data", "filename", "mimetype", "slug"), [
    (b"%PDF-1.7\n%%EOF", "cert.png", "image/png", "type_mismatch"),  # a PDF declared and named PNG
    (b"%PDF-1.7\n%%EOF", "cert.png", "application/octet-stream", "type_mismatch"),  # the extension alone
    (b"\x89PNG\r\n\x1a\n" + bytes(32), "cert.jpg", "image/jpeg", "type_mismatch"),
    (b"\x7fELF\x02\x01\x01" + bytes(64), "cert.png", "image/png", "type_not_allowed"),  # ELF
    (b"PK\x03\x04" + bytes(64), "cert.png", "image/png", "type_not_allowed"),  # ZIP
], ids=["pdf-as-png", "pdf-named-png", "png-as-jpeg", "elf", "zip"])
def test_06_type_spoofing_is_415(client: FlaskClient, services: Services, platform_key: str, data: bytes,
                                 filename: str, mimetype: str, slug: str) -> None:
    _problem(submit(client, platform_key, data, filename=filename, mimetype=mimetype), 415, slug)
    assert _count(services) == (0, 0)


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, kind)
    return out.getvalue()


NOT_ALLOWED = {
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml"),
    "html": (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "text/html"),
    "gif": (_image("GIF"), "image/gif"),
    "bmp": (_image("BMP"), "image/bmp"),
    "docx": (_docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "zip": (_docx(), "application/zip"),
    "fits": (b"SIMPLE  =                    T" + b" " * 50, "image/png"),  # 40: exotic decoders, renamed
    "psd": (b"8BPS\x00\x01" + bytes(64), "image/png"),
    "eps": (b"%!PS-Adobe-3.0 EPSF-3.0\n", "image/png"),
    "jp2": (b"\x00\x00\x00\x0cjP  \r\n\x87\n" + bytes(32), "image/png"),
    "eicar": (EICAR, "application/pdf"),  # 10: no virus scanner, but not a PDF either
}


@pytest.mark.parametrize("kind", sorted(NOT_ALLOWED))
def test_07_10_40_types_off_the_allowlist_are_415(client: FlaskClient, platform_key: str, kind: str) -> None:
    data, mimetype = NOT_ALLOWED[kind]
    _problem(submit(client, platform_key, data, filename=f"cert.{kind}", mimetype=mimetype), 415, "type_not_allowed")


def test_09_storage_is_not_reachable_over_http(client: FlaskClient, services: Services, platform_key: str) -> None:
    submit(client, platform_key, render_pdf(make_certificate("physician_practice", 3)))
    for path in ("/instance/verify.db", "/data/verify.db", "/verify.db", "/secret.key", "/keys/",
                 "/v1/verifications/../../verify.db", "/review/static/../../verify.db", "/static/verify.db"):
        assert client.get(path).status_code == 404, path


def test_13_missing_and_unknown_keys_are_401_and_roles_are_403(
    client: FlaskClient, platform_key: str, reviewer_key: str
) -> None:
    for headers in ({}, bearer("vk_0000000000000000_" + "A" * 43), {"Authorization": platform_key},
                    {"X-API-Key": platform_key}):
        assert client.post("/v1/verifications", headers=headers).status_code == 401
    assert client.get(f"/v1/verifications?api_key={platform_key}").status_code == 401  # 23: never in URLs
    assert client.get("/v1/review/items", headers=bearer(platform_key)).status_code == 403
    assert client.post("/v1/verifications", headers=bearer(reviewer_key)).status_code == 403


# --- decoded in the isolated job: each ends with its reason ------------------------------------
def _polyglot(trailer: bytes) -> bytes:
    return hostile.jpeg() + trailer


@functools.cache
def hostile_documents() -> dict[str, tuple[bytes, str, str, str]]:
    """name: (bytes, declared type, expected status, expected reason); built when a test needs them (seconds)."""
    return {
        "35 pixel flood 50000x50000": (hostile.png_header_only(50_000, 50_000), "image/png", "rejected",
                                       "pixel_limit"),
        "36 60 MP under Pillow's own cap": (hostile.png_header_only(7746, 7746), "image/png", "rejected",
                                            "pixel_limit"),
        "37 long strip 40000x100": (hostile.png_header_only(40_000, 100), "image/png", "rejected", "pixel_limit"),
        "38 TIFF with 1000 frames": (hostile.tiff_frames(1000), "image/tiff", "rejected", "too_many_pages"),
        "39 PNG zTXt bomb": (hostile.png_text_bomb(), "image/png", "rejected", "parse_error"),
        "41 truncated JPEG": (hostile.jpeg()[:20_000], "image/jpeg", "rejected", "parse_error"),
        "30 5000-page PDF": (hostile.page_flood_pdf(), "application/pdf", "rejected", "too_many_pages"),
        "29 PDF with its xref cut off": (render_pdf(make_certificate("physician_practice", 4))[:1500],
                                         "application/pdf", "rejected", "parse_error"),
    }


def test_35_to_41_hostile_documents_end_with_their_reason(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    ids = {}
    for number, (name, (data, mimetype, _, _)) in enumerate(hostile_documents().items()):
        answer = submit(client, platform_key, data, filename="upload", mimetype=mimetype, account_id=f"h{number}")
        assert answer.status_code == 202, (name, answer.json)
        ids[name] = answer.json["id"]
    started = time.monotonic()
    process_all(services)
    assert time.monotonic() - started < 60
    for name, (_, _, status, reason) in hostile_documents().items():
        body = client.get(f"/v1/verifications/{ids[name]}", headers=bearer(platform_key)).json
        assert (body["status"], body["reasons"]) == (status, [reason]), name


HOSTILE_HEICS: dict[str, tuple[bytes, str]] = {
    # name: (bytes, expected reason); each passes intake (a HEIF brand) and is refused in the job
    "pixel flood 50000x50000": (samples.heic_claiming(50_000, 50_000), "pixel_limit"),
    "60 MP under Pillow's own cap": (samples.heic_claiming(7746, 7746), "pixel_limit"),
    "long strip 40000x100": (samples.heic_claiming(40_000, 100), "pixel_limit"),
    "truncated": (samples.heic((128, 128))[:200], "parse_error"),
    "brand only, zeros after": (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(32), "parse_error"),
}


def test_42_heic_is_accepted_and_held_to_the_same_limits(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    ids = {}
    for number, (name, (data, _)) in enumerate(HOSTILE_HEICS.items()):
        answer = submit(client, platform_key, data, filename="IMG_0001.HEIC", mimetype="image/heic",
                        account_id=f"heic{number}")
        assert answer.status_code == 202, (name, answer.json)
        ids[name] = answer.json["id"]
    started = time.monotonic()
    process_all(services)
    assert time.monotonic() - started < 60
    for name, (_, reason) in HOSTILE_HEICS.items():
        body = client.get(f"/v1/verifications/{ids[name]}", headers=bearer(platform_key)).json
        assert (body["status"], body["reasons"]) == ("rejected", [reason]), name


def test_38_a_tiff_whose_ifd_points_at_itself_does_not_loop(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    verification_id = submit(client, platform_key, hostile.tiff_ifd_loop(), filename="loop.tif",
                             mimetype="image/tiff").json["id"]
    process_all(services)
    body = client.get(f"/v1/verifications/{verification_id}", headers=bearer(platform_key)).json
    assert body["status"] in ("rejected", "needs_review")  # read as one blank frame, or refused


@pytest.mark.parametrize("trailer", [b"<html><script>alert(1)</script></html>", b"PK\x05\x06" + bytes(18)],
                         ids=["html", "zip"])
def test_08_a_jpeg_polyglot_is_read_as_a_jpeg_and_never_served_back(
    client: FlaskClient, services: Services, platform_key: str, trailer: bytes
) -> None:
    answer = submit(client, platform_key, _polyglot(trailer), filename="photo.jpg", mimetype="image/jpeg")
    assert answer.status_code == 202
    process_all(services)
    body = client.get(answer.headers["Location"], headers=bearer(platform_key))
    assert body.status_code == 200 and body.content_type == "application/json"
    assert body.json["status"] in ("rejected", "needs_review")  # noise, not a certificate
    assert b"<script>" not in body.get_data()


def test_47_the_standards_sample_id_passes_its_checksum_and_a_wrong_digit_does_not(
    client: FlaskClient, platform_key: str
) -> None:
    def validate(number: str) -> Any:
        return client.post("/v1/credentials/validate", headers=bearer(platform_key),
                           json={"kind": "resident_id", "number": number}).json

    assert validate("11010519491231002X")["valid"] is True
    wrong = validate("110105194912310021")
    assert wrong["valid"] is False and wrong["errors"]
