"""The reviewers' console with the test client: sign-in, cookie, CSRF, the case page, decisions."""

from __future__ import annotations

import hashlib
import io
from typing import Any
from urllib.parse import unquote

import pytest
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from tests.certificates import make_certificate, render_image, render_pdf, to_png
from tests.conftest import bearer, new_key, process_all
from tests.hand_made import TYPED_PDF, submit_read_as
from tests.review_cases import MISMATCHED_NAME, item_of, needs_review
from tests.uploads import holder_form, submit
from tests.web.console import csrf_of, post, sign_in
from verify.services.context import Services
from verify.services.keys import revoke_key
from verify.store.models import AuditEvent, Verification


def _set_cookie(answer: Any) -> str:
    cookies = [v for k, v in answer.headers.items() if k == "Set-Cookie" and v.startswith("verify_review=")]
    assert cookies, "no session cookie set"
    return cookies[-1]


def test_sign_in_sets_a_strict_http_only_cookie_secure_only_under_https(
    client: FlaskClient, reviewer_key: str
) -> None:
    for base, secure in (("http://localhost", False), ("https://localhost", True)):
        client.delete_cookie("verify_review", path="/review")
        token = csrf_of(client.get("/review/login", base_url=base).text)
        answer = client.post("/review/login", base_url=base,
                             data={"api_key": reviewer_key, "csrf_token": token, "next": "/review/"})
        assert answer.status_code == 303 and answer.headers["Location"] == "/review/"
        cookie = _set_cookie(answer)
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/review" in cookie
        assert ("Secure" in cookie) is secure
        assert reviewer_key not in cookie


def test_platform_and_unknown_keys_cannot_sign_in(client: FlaskClient, platform_key: str) -> None:
    token = csrf_of(client.get("/review/login").text)
    refused = client.post("/review/login", data={"api_key": platform_key, "csrf_token": token})
    assert refused.status_code == 403 and "不是审核员密钥" in refused.text
    unknown = client.post("/review/login", data={"api_key": "vk_0000000000000000_" + "x" * 43, "csrf_token": token})
    assert unknown.status_code == 401
    assert client.get("/review/").status_code == 302


def test_forms_need_the_sessions_csrf_token(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    item_id = item_of(services, needs_review(client, services, platform_key))
    assert client.post("/review/login", data={"api_key": reviewer_key}).status_code == 400
    csrf = sign_in(client, reviewer_key)
    assert client.post(f"/review/items/{item_id}/claim").status_code == 400
    assert post(client, f"/review/items/{item_id}/claim", "forged" + csrf).status_code == 400
    assert post(client, f"/review/items/{item_id}/claim", csrf).status_code == 303


def test_sign_in_returns_to_the_page_asked_for_and_only_inside_the_console(
    client: FlaskClient, reviewer_key: str
) -> None:
    anonymous = client.get("/review/items/abc")
    assert anonymous.status_code == 302
    assert unquote(anonymous.headers["Location"]) == "/review/login?next=/review/items/abc"
    token = csrf_of(client.get("/review/login?next=//evil.example/").text)
    answer = client.post("/review/login", data={"api_key": reviewer_key, "csrf_token": token,
                                                "next": "https://evil.example/review/"})
    assert answer.headers["Location"] == "/review/"


def test_a_revoked_key_ends_its_console_session(
    client: FlaskClient, services: Services, reviewer_key: str
) -> None:
    sign_in(client, reviewer_key)
    assert client.get("/review/").status_code == 200
    revoke_key(services.store, reviewer_key.split("_")[1], services.clock())
    answer = client.get("/review/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/review/login")


def test_the_case_page_shows_document_fields_checks_reasons_and_lookups(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    item_id = item_of(services, needs_review(client, services, platform_key))
    sign_in(client, reviewer_key)
    queue = client.get("/review/")
    assert f"/review/items/{item_id}" in queue.text and "name.matches_holder" in queue.text
    page = client.get(f"/review/items/{item_id}")
    assert page.status_code == 200
    html = page.text
    assert "医师资格证书" in html and MISMATCHED_NAME in html
    assert "检查存疑" in html and "badge-warn" in html and "badge-pass" in html
    assert "置信度" in html and "100%" in html
    assert "https://zgcx.nhc.gov.cn/doctor" in html and 'rel="noopener noreferrer"' in html
    assert f"/review/items/{item_id}/pages/1" in html and "第 <b data-page-no>1</b> / 1 页" in html
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["Cache-Control"] == "no-store"
    assert "<script>" not in html and "style=" not in html  # nothing inline: the CSP allows none


def test_id_numbers_are_masked_on_the_case_page_until_a_reveal_with_a_reason(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    holder_id = "110105198705131430"
    verification_id = needs_review(client, services, platform_key, holder_id_number=holder_id)
    item_id = item_of(services, verification_id)
    with services.store.read() as session:
        extracted = session.get(Verification, verification_id).fields["id_number"]["value"]
    csrf = sign_in(client, reviewer_key)
    page = client.get(f"/review/items/{item_id}").text
    assert holder_id not in page and extracted not in page
    assert "*" * 18 in page and "显示完整号码" in page
    assert post(client, f"/review/items/{item_id}/reveal", csrf, reason="").status_code == 422
    revealed = post(client, f"/review/items/{item_id}/reveal", csrf, reason="核对证书上的身份证号")
    assert revealed.status_code == 200 and revealed.headers["Cache-Control"] == "no-store"
    assert holder_id in revealed.text and extracted in revealed.text and "data-revealed" in revealed.text
    assert holder_id not in client.get(f"/review/items/{item_id}").text
    with services.store.read() as session:
        reveals = session.scalars(select(AuditEvent).where(AuditEvent.action == "review.reveal")).all()
    reason = hashlib.sha256("核对证书上的身份证号".encode()).hexdigest()
    assert [event.after["reason_sha256"] for event in reveals] == [reason]


def test_document_pages_are_pngs_served_as_attachments(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    cert = make_certificate("physician_qualification", seed=8)
    answer = submit_read_as(client, services, platform_key, cert, document=render_pdf(cert, cover_page=True),
                            holds=TYPED_PDF, holder_name=MISMATCHED_NAME)
    item_id = item_of(services, answer.json["id"])
    sign_in(client, reviewer_key)
    assert "/ 2 页" in client.get(f"/review/items/{item_id}").text
    for number in (1, 2):
        image = client.get(f"/review/items/{item_id}/pages/{number}")
        assert image.status_code == 200
        assert image.mimetype == "image/png" and image.data.startswith(b"\x89PNG")
        assert image.headers["X-Content-Type-Options"] == "nosniff"
        assert image.headers["Content-Disposition"] == f'attachment; filename="page-{number}.png"'
        assert "sandbox" in image.headers["Content-Security-Policy"]
    assert client.get(f"/review/items/{item_id}/pages/3").status_code == 404


@pytest.mark.reading  # the console's end-to-end test: a photo read by the pipeline, then shown
def test_an_image_upload_is_re_encoded_for_display(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    cert = make_certificate("physician_qualification", seed=8)
    answer = submit(client, platform_key, to_png(render_image(cert, dpi=150)), filename="cert.png",
                    mimetype="image/png", holder_name=MISMATCHED_NAME)
    process_all(services)
    status = client.get(answer.headers["Location"], headers=bearer(platform_key)).json["status"]
    assert status == "needs_review"
    sign_in(client, reviewer_key)
    image = client.get(f"/review/items/{item_of(services, answer.json['id'])}/pages/1")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")


def test_claim_and_approve_through_the_forms_shows_the_label(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    verification_id = needs_review(client, services, platform_key)
    item_id = item_of(services, verification_id)
    csrf = sign_in(client, reviewer_key)
    assert post(client, f"/review/items/{item_id}/claim", csrf).headers["Location"] == f"/review/items/{item_id}"
    page = client.get(f"/review/items/{item_id}").text
    assert 'id="approve-form"' in page and "租约剩余" in page
    fencing = page.split('name="fencing" value="')[1].split('"')[0]
    decided = post(client, f"/review/items/{item_id}/decision", csrf, decision="approve",
                   reason_code="name_difference_explained", fencing=fencing, note="", message="")
    assert decided.status_code == 303
    page = client.get(f"/review/items/{item_id}").text
    assert "已签发标签" in page and "医疗卫生 · " in page
    seen = client.get(f"/v1/verifications/{verification_id}", headers=bearer(platform_key)).json
    assert seen["status"] == "approved" and seen["label"]["display"] in page


def test_a_second_reviewer_sees_the_case_held_and_cannot_decide(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    item_id = item_of(services, needs_review(client, services, platform_key))
    client.post(f"/v1/review/items/{item_id}/claim", headers=bearer(reviewer_key))
    other = client.application.test_client()
    csrf = sign_in(other, new_key(services, "acme-video", "reviewer"))
    page = other.get(f"/review/items/{item_id}").text
    assert "处理中" in page and 'id="approve-form"' not in page
    refused = post(other, f"/review/items/{item_id}/decision", csrf, decision="reject", reason_code="unreadable")
    assert refused.status_code == 409 and "过期或不属于你" in refused.text
    assert post(other, f"/review/items/{item_id}/claim", csrf).status_code == 409


def test_next_claims_the_oldest_open_case(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    item_id = item_of(services, needs_review(client, services, platform_key))
    csrf = sign_in(client, reviewer_key)
    answer = post(client, "/review/next", csrf)
    assert answer.headers["Location"] == f"/review/items/{item_id}"
    empty = post(client, "/review/next", csrf)
    assert empty.headers["Location"] == "/review/"
    assert "没有待审核的案件" in client.get("/review/").text


def test_sign_out_ends_the_session(client: FlaskClient, reviewer_key: str) -> None:
    csrf = sign_in(client, reviewer_key)
    assert post(client, "/review/logout", csrf).status_code == 303
    assert client.get("/review/").status_code == 302


def test_only_the_console_opens_a_session_api_requests_skip_the_cookie_work(
    client: FlaskClient, reviewer_key: str
) -> None:
    from flask.sessions import NullSession

    app = client.application
    sign_in(client, reviewer_key)
    answer = client.get("/healthz")
    assert "Set-Cookie" not in answer.headers
    for path, null in (("/v1/labels/check", True), ("/healthz", True), ("/review/", False)):
        with app.test_request_context(path) as ctx:
            opened = app.session_interface.open_session(app, ctx.request)
            assert isinstance(opened, NullSession) is null, path


def test_a_reused_certificate_shows_the_other_account_and_a_spaced_name_is_not_marked_as_differing(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    cert = make_certificate("physician_practice", seed=57)
    holder = holder_form(cert)
    first = submit_read_as(client, services, platform_key, cert, signed=True, **holder)
    assert client.get(first.headers["Location"], headers=bearer(platform_key)).json["status"] == "approved"
    spaced = {**holder, "holder_name": " ".join(cert.fields["name"])}
    again = submit_read_as(client, services, platform_key, cert, signed=True, account_id="acct-9", **spaced)
    sign_in(client, reviewer_key)
    page = client.get(f"/review/items/{item_of(services, again.json['id'])}").text
    assert "data-reuse" in page and 'data-other-account>acct-1<' in page
    assert 'class="differs"' not in page  # 张 三 and 张三 are one name: the check's rule, not string equality


def test_the_fencing_field_takes_ascii_digits_only(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    """'²' made int() raise (a 500); '١' (Arabic-Indic one) was read as the current fencing 1 and decided."""
    item_id = item_of(services, needs_review(client, services, platform_key))
    csrf = sign_in(client, reviewer_key)
    post(client, f"/review/items/{item_id}/claim", csrf)
    for fencing in ("²", "١", "１", "1\u0661", "9" * 5000, "-1", " 1"):
        for action, form in (("decision", {"decision": "reject", "reason_code": "unreadable"}), ("release", {})):
            refused = post(client, f"/review/items/{item_id}/{action}", csrf, fencing=fencing, **form)
            assert refused.status_code == 422, (fencing, action, refused.status_code)
            assert "表单内容不完整或不正确" in refused.text
    assert client.get(f"/v1/review/items/{item_id}", headers=bearer(reviewer_key)).json["item"]["state"] == "claimed"


# --- 12 and 8: the review derivative carries no metadata and no trailer ------------------------------
SERIAL = "CANARY-SERIAL-0012"


def _photo_with_exif_and_trailer() -> bytes:
    image = render_image(make_certificate("physician_qualification", seed=8), dpi=150)
    exif = Image.Exif()
    exif[0x010F] = "CanaryCam"  # Make
    exif[0x0110] = "Model 12"  # Model
    exif[0xA431] = SERIAL  # BodySerialNumber (in the Exif IFD for real cameras; here in IFD0)
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 50.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    photo = out.getvalue()
    assert SERIAL.encode() in photo and b"CanaryCam" in photo
    return photo + b"<html><script>alert(12)</script></html>"


def test_12_08_the_review_derivative_drops_exif_gps_serial_and_any_trailer(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    answer = submit_read_as(client, services, platform_key, make_certificate("physician_qualification", seed=8),
                            document=_photo_with_exif_and_trailer(), filename="photo.jpg", mimetype="image/jpeg",
                            holder_name=MISMATCHED_NAME)
    assert client.get(answer.headers["Location"], headers=bearer(platform_key)).json["status"] == "needs_review"
    sign_in(client, reviewer_key)
    page = client.get(f"/review/items/{item_of(services, answer.json['id'])}/pages/1")
    assert page.status_code == 200 and page.mimetype == "image/png" and page.data.startswith(b"\x89PNG")
    assert page.headers["Content-Disposition"] == 'attachment; filename="page-1.png"'
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    for marker in (SERIAL.encode(), b"CanaryCam", b"<script>", b"<html>", b"Exif"):
        assert marker not in page.data, marker
    derivative = Image.open(io.BytesIO(page.data))
    assert "exif" not in derivative.info and len(derivative.getexif()) == 0
    assert page.data.endswith(b"IEND\xaeB`\x82")  # nothing after the PNG's last chunk
