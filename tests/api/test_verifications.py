"""The onboarding API end to end in-process: real SQLite, real pdfplumber, real signing."""

from __future__ import annotations

import io

import jwt
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.api.test_labels import issue as issue_label
from tests.certificates import make_certificate, render_pdf
from tests.conftest import bearer, process_all
from tests.hand_made import read_as, record
from tests.uploads import signed_pdf, submit
from verify.masking import mask_id_number
from verify.services.context import Services
from verify.services.processing import claimable_ids
from verify.store.models import Label, Verification


@pytest.fixture(scope="module")
def doctor_pdf() -> tuple[dict[str, str], bytes]:
    """An electronic 医师执业证书 signed by the tests' trusted issuer."""
    cert = make_certificate("physician_practice", seed=11)
    return cert.fields, signed_pdf(cert)


@pytest.mark.reading
def test_doctor_pdf_is_approved_with_a_label_any_jose_library_accepts(
    client: FlaskClient, services: Services, platform_key: str, doctor_pdf: tuple[dict[str, str], bytes]
) -> None:
    fields, pdf = doctor_pdf
    answer = submit(client, platform_key, pdf, holder_name=fields["name"], holder_id_number=fields["id_number"])
    assert answer.status_code == 202, answer.json
    assert answer.json["status"] == "pending"
    assert answer.headers["Location"] == f"/v1/verifications/{answer.json['id']}"

    assert process_all(services) == 1
    done = client.get(answer.headers["Location"], headers=bearer(platform_key)).json
    assert done["status"] == "approved", done["reasons"]
    assert done["credential"]["kind"] == "physician_practice"
    assert done["credential"]["number"] == fields["number"]
    assert done["credential"]["fields"]["name"] == fields["name"]
    assert done["credential"]["fields"]["id_number"] != fields["id_number"]  # masked for platforms
    assert done["credential"]["fields"]["id_number"] == "*" * 18  # nothing that narrows it (tests/test_masking.py)
    assert done["credential"]["fields"]["birth_date"] == fields["birth_date"][:4] + "-**-**"
    assert all(check["status"] == "pass" for check in done["checks"])

    label = done["label"]
    assert label["display"].startswith("医疗卫生 · ")
    jwks = client.get("/.well-known/jwks.json").json
    header = jwt.get_unverified_header(label["token"])
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    claims = jwt.decode(label["token"], jwt.PyJWK(key).key, algorithms=["EdDSA"], audience="acme-video")
    assert claims["sub"] == "acct-1"
    assert claims["jti"] == label["id"]
    assert claims["domain"] == "medical"
    assert claims["display"] == label["display"]
    assert fields["name"] not in str(claims) and fields["id_number"] not in str(claims)


@pytest.mark.reading
def test_holder_name_that_differs_goes_to_review(
    client: FlaskClient, services: Services, platform_key: str, doctor_pdf: tuple[dict[str, str], bytes]
) -> None:
    answer = submit(client, platform_key, doctor_pdf[1], holder_name="某某某",
                    holder_id_number=doctor_pdf[0]["id_number"])
    process_all(services)
    done = client.get(answer.headers["Location"], headers=bearer(platform_key)).json
    assert done["status"] == "needs_review"
    assert done["reasons"] == ["name.matches_holder"]
    assert done["label"] is None


@pytest.mark.reading
def test_forged_number_is_rejected_with_its_reason(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    cert = make_certificate("lawyer_practice", seed=5)
    wrong_sex = "1" if cert.fields["number"][10] == "0" else "0"
    forged = cert.fields["number"][:10] + wrong_sex + cert.fields["number"][11:]
    pdf = render_pdf(make_certificate("lawyer_practice", seed=5, number=forged))
    answer = submit(client, platform_key, pdf, profession="lawyer")
    process_all(services)
    done = client.get(answer.headers["Location"], headers=bearer(platform_key)).json
    assert done["status"] == "rejected"
    assert any(code.startswith("gender") for code in done["reasons"]), done["reasons"]


def test_reviewers_see_the_id_number_masked_here_too(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str,
    doctor_pdf: tuple[dict[str, str], bytes],
) -> None:
    """Full numbers only through the review queue's audited reveal (catalogue 78)."""
    answer = submit(client, platform_key, doctor_pdf[1])
    record(services, answer.json["id"], read_as(services, make_certificate("physician_practice", seed=11)))
    seen = client.get(answer.headers["Location"], headers=bearer(reviewer_key)).json
    assert seen["credential"]["fields"]["id_number"] == mask_id_number(doctor_pdf[0]["id_number"])


def test_another_platforms_id_answers_exactly_like_a_missing_one(
    client: FlaskClient, platform_key: str, other_platform_key: str, doctor_pdf: tuple[dict[str, str], bytes]
) -> None:
    answer = submit(client, platform_key, doctor_pdf[1])
    foreign = client.get(answer.headers["Location"], headers=bearer(other_platform_key))
    missing = client.get("/v1/verifications/" + "0" * 32, headers=bearer(other_platform_key))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json["type"] == missing.json["type"]
    assert foreign.json["detail"] == missing.json["detail"]
    listed = client.get("/v1/verifications", headers=bearer(other_platform_key)).json
    assert listed["items"] == []


def test_idempotency_key_replays_the_first_answer_and_refuses_another_request(
    client: FlaskClient, services: Services, platform_key: str, doctor_pdf: tuple[dict[str, str], bytes]
) -> None:
    headers = {"Idempotency-Key": "req-42"}
    first = submit(client, platform_key, doctor_pdf[1], headers=headers)
    again = submit(client, platform_key, doctor_pdf[1], headers=headers)
    assert first.status_code == again.status_code == 202
    assert first.json == again.json
    other = submit(client, platform_key, doctor_pdf[1], headers=headers, account_id="someone-else")
    assert other.status_code == 409
    assert other.json["type"].endswith("/idempotency_key_reused")
    assert len(claimable_ids(services)) == 1  # one job, to run once


def test_list_is_paginated_and_filtered(
    client: FlaskClient, platform_key: str, doctor_pdf: tuple[dict[str, str], bytes]
) -> None:
    ids = {submit(client, platform_key, doctor_pdf[1], account_id=f"a{i % 2}").json["id"] for i in range(5)}
    first = client.get("/v1/verifications?limit=2", headers=bearer(platform_key)).json
    assert len(first["items"]) == 2 and first["next_cursor"]
    seen = [item["id"] for item in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = client.get(f"/v1/verifications?limit=2&cursor={cursor}", headers=bearer(platform_key)).json
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
    assert sorted(seen) == sorted(ids)
    only = client.get("/v1/verifications?account_id=a1&status=pending", headers=bearer(platform_key)).json
    assert {item["account_id"] for item in only["items"]} == {"a1"} and len(only["items"]) == 2


@pytest.mark.parametrize(("data", "filename", "mimetype", "status", "slug"), [
    (b"<html><body>hi</body></html>", "cert.pdf", "application/pdf", 415, "type_not_allowed"),
    (b"GIF89a" + b"\0" * 100, "cert.gif", "image/gif", 415, "type_not_allowed"),
    (b"%PDF-1.4\n%%EOF", "cert.png", "image/png", 415, "type_mismatch"),
])
def test_bad_uploads_get_a_problem_with_a_stable_type(
    client: FlaskClient, platform_key: str, data: bytes, filename: str, mimetype: str, status: int, slug: str
) -> None:
    answer = submit(client, platform_key, data, filename=filename, mimetype=mimetype)
    assert answer.status_code == status
    assert answer.content_type == "application/problem+json"
    assert answer.json["type"].endswith("/" + slug)


def test_oversized_upload_is_413(client: FlaskClient, services: Services, platform_key: str) -> None:
    data = b"%PDF-1.4\n" + b"0" * (services.settings.limits.max_upload_bytes + 1)
    # Encoded in memory: the test client would spool a body this big to a temp file.
    boundary, body = encode_multipart({"account_id": "a", "profession": "doctor",
                                       "document": FileStorage(io.BytesIO(data), "big.pdf", "document")})
    answer = client.post("/v1/verifications", data=body, headers=bearer(platform_key),
                         content_type=f"multipart/form-data; boundary={boundary}")
    assert answer.status_code == 413
    assert answer.json["type"].endswith("/file_too_large")


def test_missing_fields_and_documents_are_explained(client: FlaskClient, platform_key: str) -> None:
    no_profession = client.post("/v1/verifications", data={"account_id": "x"}, headers=bearer(platform_key))
    assert no_profession.status_code == 422
    assert "profession" in no_profession.json["errors"]
    no_document = client.post("/v1/verifications", data={"account_id": "x", "profession": "doctor"},
                              headers=bearer(platform_key))
    assert no_document.status_code == 400


def test_keys_and_roles(client: FlaskClient, reviewer_key: str) -> None:
    assert client.get("/v1/verifications").status_code == 401
    assert client.get("/v1/verifications", headers=bearer("vk_0000000000000000_" + "A" * 43)).status_code == 401
    assert client.get("/v1/verifications", headers=bearer("garbage")).status_code == 401
    answer = client.post("/v1/labels/check", json={"token": "x"}, headers=bearer(reviewer_key))
    assert answer.status_code == 403
    assert answer.json["type"].endswith("/forbidden")


def test_unknown_routes_and_methods_are_problems(client: FlaskClient) -> None:
    assert client.get("/nope").json["type"].endswith("/not_found")
    answer = client.delete("/healthz")
    assert answer.status_code == 405 and answer.content_type == "application/problem+json"


# --- 18: mass assignment --------------------------------------------------------------------------
def test_18_server_owned_fields_in_a_request_are_refused_or_ignored(
    client: FlaskClient, services: Services, platform_key: str, other_platform_key: str
) -> None:
    chosen_id = "f" * 32
    answer = submit(client, platform_key, render_pdf(make_certificate("physician_practice", 71)), status="approved",
                    id=chosen_id, platform_id="rival-live",
                    kind="lawyer_practice", reasons="[]", attempts="0", redacted_at="2020-01-01T00:00:00Z")
    assert answer.status_code in (202, 422), answer.json
    with services.store.read() as session:
        rows = session.scalars(select(Verification)).all()
        assert all(v.id != chosen_id for v in rows)
        if answer.status_code == 202:  # ignored: the server's own values only
            [row] = rows
            assert (row.status, row.kind, row.attempts) == ("pending", None, 0)
            assert row.id == answer.json["id"] and row.redacted_at is None
        else:
            assert rows == []
    assert client.get("/v1/verifications", headers=bearer(other_platform_key)).json["items"] == []

    label = issue_label(services, "mass-1")
    for body in ({"reason": "x", "state": "active"}, {"reason": "x", "revoked_at": None},
                 {"reason": "x", "account_id": "someone-else"}):
        changed = client.post(f"/v1/labels/{label['id']}/revoke", json=body, headers=bearer(platform_key))
        assert changed.status_code == 422 and changed.json["type"].endswith("/validation_error"), body
    with services.store.read() as session:
        stored = session.get(Label, label["id"])
        assert stored is not None and stored.revoked_at is None and stored.account_id == "mass-1"
