"""What the machine approves on its own: only what a careful reviewer would approve (issue 11).

Through the API, with generated certificates: typed and signed PDFs, the platform's real-name
data, a certificate or picture another account already uses, an issuer that contradicts the
number's region, and a platform that has every case reviewed. What the document's reading and
provenance decide goes through the real pipeline (marked ``reading``); what follows reading is
recorded from an exact reading (tests.hand_made).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.certificates import Certificate, make_certificate, make_forgery, render_image, render_pdf, to_jpeg
from tests.conftest import bearer, new_key, process_all
from tests.hand_made import submit_read_as
from tests.signing import append_after_signing, flip_signed_byte, sign_pdf
from tests.uploads import holder_form, signed_pdf, submit
from verify.services.context import Services
from verify.store.models import ImagePrint, Label

DOCTOR = make_certificate("physician_practice", seed=51)


def _done(client: FlaskClient, key: str, answer: Any) -> dict[str, Any]:
    assert answer.status_code == 202, answer.json
    return client.get(answer.headers["Location"], headers=bearer(key)).json


def _run(client: FlaskClient, services: Services, key: str, data: bytes, **form: Any) -> dict[str, Any]:
    """``data`` submitted and read by the real pipeline; the verification."""
    answer = submit(client, key, data, **form)
    process_all(services)
    return _done(client, key, answer)


def _as_read(client: FlaskClient, services: Services, key: str, cert: Certificate, **form: Any) -> dict[str, Any]:
    """``cert`` as a signed PDF, recorded as read exactly (tests.hand_made): for tests of what follows reading."""
    return _done(client, key, submit_read_as(client, services, key, cert, signed=True, **form))


# --- typed and signed documents -------------------------------------------------------------------------------------
@pytest.mark.reading
def test_a_typed_pdf_is_read_and_checked_but_goes_to_a_reviewer(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    done = _run(client, services, platform_key, render_pdf(DOCTOR), **holder_form(DOCTOR))
    assert (done["status"], done["reasons"], done["label"]) == ("needs_review", ["unsigned_digital_document"], None)
    assert done["credential"]["number"] == DOCTOR.fields["number"]  # read all the same
    assert done["checks"] and all(check["status"] == "pass" for check in done["checks"])


@pytest.mark.reading
def test_a_typed_pdf_that_breaks_a_hard_rule_is_still_rejected(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    forged = make_forgery("physician_practice", "serial_zero", 52)
    done = _run(client, services, platform_key, render_pdf(forged.cert), holder_name=forged.holder_name,
                holder_id_number=forged.holder_id_number)
    assert (done["status"], done["reasons"]) == ("rejected", ["number.serial"])


@pytest.mark.reading
def test_a_pdf_signed_by_a_trusted_issuer_may_approve(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    done = _run(client, services, platform_key, signed_pdf(DOCTOR), **holder_form(DOCTOR))
    assert done["status"] == "approved", done["reasons"]
    assert done["label"]["display"].startswith("医疗卫生 · ")


@pytest.mark.reading
@pytest.mark.parametrize(("change", "reasons"), [
    # changed after signing: a white box over the page, so the page no longer shows its text layer either
    (append_after_signing, ["unsigned_digital_document", "signature_invalid", "text_layer_mismatch"]),
    (flip_signed_byte, ["unsigned_digital_document", "signature_invalid"]),  # one signed byte changed
    (lambda _signed: sign_pdf(render_pdf(DOCTOR), "forger"), ["unsigned_digital_document"]),  # untrusted signer
])
def test_a_signed_pdf_altered_after_signing_or_signed_by_a_stranger_is_not_approved(
    client: FlaskClient, services: Services, platform_key: str, change: Any, reasons: list[str]
) -> None:
    done = _run(client, services, platform_key, change(signed_pdf(DOCTOR)), **holder_form(DOCTOR))
    assert (done["status"], done["reasons"]) == ("needs_review", reasons)


# --- real-name data ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("sent", [{}, {"holder_name"}, {"holder_id_number"}])
def test_without_the_holders_name_and_id_number_nothing_is_approved(
    client: FlaskClient, services: Services, platform_key: str, sent: set[str]
) -> None:
    form = {name: value for name, value in holder_form(DOCTOR).items() if name in sent}
    done = _as_read(client, services, platform_key, DOCTOR, **form)
    assert (done["status"], done["reasons"]) == ("needs_review", ["holder_unknown"])


def test_a_malformed_holder_id_number_goes_to_review_not_to_rejection(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    typo = DOCTOR.fields["id_number"][:-1] + ("0" if DOCTOR.fields["id_number"][-1] != "0" else "1")
    done = _as_read(client, services, platform_key, DOCTOR, holder_name=DOCTOR.fields["name"],
                holder_id_number=typo)
    assert (done["status"], done["reasons"]) == ("needs_review", ["holder_id_invalid"])


def test_another_holders_certificate_is_not_approved(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    other = make_certificate("physician_practice", seed=53)
    done = _as_read(client, services, platform_key, DOCTOR, **holder_form(other))
    assert done["status"] == "rejected"
    assert "id_number.matches_holder" in done["reasons"]


def test_a_name_written_with_spaces_or_a_middle_dot_matches_in_the_check_and_the_console(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    spaced = " ".join(DOCTOR.fields["name"])
    done = _as_read(client, services, platform_key, DOCTOR, holder_name=spaced,
                holder_id_number=DOCTOR.fields["id_number"].lower())
    assert done["status"] == "approved", done["reasons"]


# --- reuse ------------------------------------------------------------------------------------------------------
@pytest.mark.reading
def test_a_certificate_labelled_for_one_account_goes_to_review_for_another_on_the_same_platform(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    first = _run(client, services, platform_key, signed_pdf(DOCTOR), **holder_form(DOCTOR))
    assert first["status"] == "approved"
    again = _run(client, services, platform_key, signed_pdf(DOCTOR), account_id="acct-2", **holder_form(DOCTOR))
    assert (again["status"], again["reasons"]) == ("needs_review", ["credential_in_use", "document_in_use"])
    assert "acct-1" not in json.dumps(again)  # the platform's answer does not point at the other account
    renewed = _run(client, services, platform_key, signed_pdf(DOCTOR), **holder_form(DOCTOR))
    assert renewed["status"] == "approved"  # the same account again: a renewal, not a reuse

    item = client.get("/v1/review/items?state=open", headers=bearer(reviewer_key)).json["items"][0]
    case = client.get(f"/v1/review/items/{item['id']}", headers=bearer(reviewer_key)).json
    assert [(found["reason"], found["where"], found["account_id"]) for found in case["reuse"]] == [
        ("credential_in_use", "this_platform", "acct-1"), ("document_in_use", "this_platform", "acct-1")]


def test_across_platforms_the_same_holder_is_approved_and_a_different_holder_is_held(
    client: FlaskClient, services: Services, platform_key: str, other_platform_key: str
) -> None:
    assert _as_read(client, services, platform_key, DOCTOR, **holder_form(DOCTOR))["status"] == "approved"
    same_person = _as_read(client, services, other_platform_key, DOCTOR, **holder_form(DOCTOR))
    assert same_person["status"] == "approved", same_person["reasons"]  # one doctor on two platforms is normal

    impostor = make_certificate("physician_practice", seed=54)  # another person, the first doctor's number
    borrowed = make_certificate("physician_practice", seed=54, **{
        name: DOCTOR.fields[name] for name in ("number", "level", "category", "scope", "issuer")})
    third = new_key(services, "third-live", "platform")
    held = _as_read(client, services, third, borrowed, **holder_form(impostor))
    assert (held["status"], held["reasons"]) == ("needs_review", ["credential_in_use"])


def test_the_lookup_keeps_no_plaintext_number(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    _as_read(client, services, platform_key, DOCTOR, **holder_form(DOCTOR))
    database = services.settings.data_dir / "verify.db"
    with contextlib.closing(sqlite3.connect(database)) as connection:
        rows = connection.execute("select credential_digest, holder_digest, token from labels").fetchall()
        digests = connection.execute("select credential_digest, holder_digest from verifications").fetchall()
    [(credential, holder, token)] = rows
    assert len(credential) == len(holder) == 64 and digests == [(credential, holder)]
    for secret in (DOCTOR.fields["number"], DOCTOR.fields["id_number"]):
        assert secret not in credential + holder + token
    assert credential != hashlib.sha256(DOCTOR.fields["number"].encode()).hexdigest()  # keyed, not a bare hash


@pytest.mark.reading
def test_the_same_picture_for_another_account_is_noticed_even_where_the_number_is_misread(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    cert = make_certificate("physician_practice", seed=3)
    photo = render_image(cert)  # uploads under 500 KB (JPEG quality 50): the test client keeps them in memory
    first = _run(client, services, platform_key, to_jpeg(photo, 50), filename="a.jpg", mimetype="image/jpeg",
                 **holder_form(cert))
    assert first["status"] == "approved", first["reasons"]
    with services.store.write() as session:  # as if the number had been read differently the first time
        session.scalars(select(Label)).one().credential_digest = None
    smaller = photo.resize((photo.width * 2 // 3, photo.height * 2 // 3))
    again = _run(client, services, platform_key, to_jpeg(smaller.convert("L"), 40), filename="b.jpg",
                 mimetype="image/jpeg", account_id="acct-2", **holder_form(cert))
    assert (again["status"], again["reasons"]) == ("needs_review", ["document_in_use"])
    other = make_certificate("physician_practice", seed=4)  # the same template, another certificate
    unrelated = _run(client, services, platform_key, to_jpeg(render_image(other), 50), filename="c.jpg",
                     mimetype="image/jpeg", account_id="acct-3", **holder_form(other))
    assert unrelated["status"] == "approved", unrelated["reasons"]
    with services.store.read() as session:
        assert len(session.scalars(select(ImagePrint)).all()) == 2  # one per labelled page


# --- the issuing authority ----------------------------------------------------------------------------------------
def test_an_issuer_of_another_region_than_the_number_goes_to_review(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    forged = make_forgery("physician_practice", "issuer_region_mismatch", 55)
    done = _as_read(client, services, platform_key, forged.cert, holder_name=forged.holder_name,
                holder_id_number=forged.holder_id_number)
    assert (done["status"], done["reasons"]) == ("needs_review", ["issuer.region_matches"])


# --- the platform's policy ----------------------------------------------------------------------------------------
def test_a_review_all_platform_gets_nothing_approved_by_the_machine(
    client: FlaskClient, services: Services, platform_key: str, other_platform_key: str, reviewer_key: str
) -> None:
    admin = new_key(services, "operator", "admin")
    assert client.get("/v1/platforms/acme-video/policy", headers=bearer(platform_key)).json == {
        "platform": "acme-video", "approval": "auto"}
    refused = client.put("/v1/platforms/acme-video/policy", json={"approval": "review_all"},
                         headers=bearer(platform_key))
    assert refused.status_code == 403
    assert client.get("/v1/platforms/acme-video/policy", headers=bearer(other_platform_key)).status_code == 404
    bad = client.put("/v1/platforms/acme-video/policy", json={"approval": "sometimes"}, headers=bearer(admin))
    assert bad.status_code == 422
    assert client.put("/v1/platforms/nobody/policy", json={"approval": "auto"}, headers=bearer(admin)).status_code \
        == 404
    changed = client.put("/v1/platforms/acme-video/policy", json={"approval": "review_all"}, headers=bearer(admin))
    assert changed.json == {"platform": "acme-video", "approval": "review_all"}

    done = _as_read(client, services, platform_key, DOCTOR, **holder_form(DOCTOR))
    assert (done["status"], done["reasons"], done["label"]) == ("needs_review", ["review_all_policy"], None)
    other = _as_read(client, services, other_platform_key, DOCTOR, **holder_form(DOCTOR))
    assert other["status"] == "approved"  # the policy is the platform's own

    item = client.get("/v1/review/items?state=open", headers=bearer(reviewer_key)).json["items"][0]
    client.post(f"/v1/review/items/{item['id']}/claim", headers=bearer(reviewer_key))
    decided = client.post(f"/v1/review/items/{item['id']}/decision", headers=bearer(reviewer_key),
                          json={"decision": "approve", "reason_code": "documents_consistent"})
    assert decided.status_code == 200, decided.json
    assert client.get(f"/v1/verifications/{done['id']}", headers=bearer(platform_key)).json["label"] is not None


def test_the_policy_from_the_command_line(client: FlaskClient, services: Services, platform_key: str,
                                          app: Any) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["platforms", "policy", "acme-video"]).output.strip() == "acme-video: auto"
    assert runner.invoke(args=["platforms", "policy", "acme-video", "review_all"]).output.strip() == \
        "acme-video: review_all"
    assert runner.invoke(args=["platforms", "policy", "nobody", "auto"]).exit_code != 0
    done = _as_read(client, services, platform_key, DOCTOR, **holder_form(DOCTOR))
    assert done["status"] == "needs_review"
