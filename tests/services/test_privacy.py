"""Personal data at rest: envelope encryption, integrity errors, the canary scan, DELETE and retention.

Catalogue cases 71-81 of docs/security-catalogue.md#storage-and-privacy.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from tests.certificates import make_certificate, printed_date, render_pdf
from tests.conftest import bearer, new_key, process_all
from tests.hand_made import TYPED_PDF, submit_read_as
from tests.review_cases import item_of
from tests.uploads import holder_form, signed_pdf, submit
from verify.crypto.at_rest import document_aad, value_aad
from verify.crypto.envelope import Envelope, SealBroken, Sealed, derive_kek
from verify.masking import mask_id_number
from verify.services.context import Services
from verify.services.privacy import purge_expired
from verify.services.review.reasons import REASONS
from verify.store.models import AuditEvent, Document, Label, Verification


def _signed(seed: int) -> bytes:
    """A 医师执业证书 that can be approved automatically: signed by the tests' trusted issuer."""
    return signed_pdf(make_certificate("physician_practice", seed))


def _holder(seed: int) -> dict[str, str]:
    return holder_form(make_certificate("physician_practice", seed))


def _decided(client: FlaskClient, services: Services, key: str, seed: int, **form: Any) -> str:
    """``_signed(seed)`` submitted with ``form`` and recorded as read (tests.hand_made); its id."""
    return submit_read_as(client, services, key, make_certificate("physician_practice", seed), signed=True,
                          **form).json["id"]


OTHER_NAME = "欧阳明"  # differs from every generated holder, so the case goes to a reviewer


def _needs_review(client: FlaskClient, services: Services, key: str, seed: int, *, send_id: bool = False,
                  **form: Any) -> tuple[str, Any]:
    """A 医师资格证书 (its number embeds the ID number) whose holder name differs, recorded as read: in review.

    ``send_id``: the platform also sends the holder's ID number (as its real-name check knows it).
    """
    cert = make_certificate("physician_qualification", seed=seed)
    if send_id:
        form["holder_id_number"] = cert.fields["id_number"]
    answer = submit_read_as(client, services, key, cert, holder_name=OTHER_NAME, **form)
    body = client.get(answer.headers["Location"], headers=bearer(key)).json
    assert body["status"] == "needs_review", body["reasons"]
    return answer.json["id"], cert


def _approve(client: FlaskClient, reviewer: str, verification_id: str) -> None:
    items = client.get("/v1/review/items?state=open", headers=bearer(reviewer)).json["items"]
    item = next(i for i in items if i["verification_id"] == verification_id)
    fencing = client.post(f"/v1/review/items/{item['id']}/claim", headers=bearer(reviewer)).json["fencing"]
    decided = client.post(f"/v1/review/items/{item['id']}/decision", headers=bearer(reviewer), json={
        "decision": "approve", "reason_code": "name_difference_explained", "fencing": fencing})
    assert decided.status_code == 200, decided.json


def _raw(services: Services, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Bare SQL on the database file, past the ORM (what an attacker with the file sees)."""
    path = services.store.engine.url.database
    with sqlite3.connect(path) as connection:
        rows = connection.execute(sql, params).fetchall()
    connection.close()
    return rows


def _write_raw(services: Services, sql: str, *params: Any) -> None:
    services.store.engine.dispose()  # no pooled connection keeps an old view
    connection = sqlite3.connect(services.store.engine.url.database)
    with connection:
        connection.execute(sql, params)
    connection.close()


# --- 71-75: the envelope -----------------------------------------------------------------
def test_71_a_document_round_trips_under_its_own_data_key() -> None:
    envelope = Envelope.from_secret(b"a service secret for the tests")
    aad = document_aad("platform-a", "verification-1", "document-1")
    data = bytes(range(256)) * 1000
    first, second = envelope.seal(data, aad), envelope.seal(data, aad)
    assert envelope.open(first, aad) == data
    assert first.blob != second.blob and first.wrapped_key != second.wrapped_key  # a fresh key and nonce each time
    assert data[:64] not in first.blob


def test_the_kek_is_derived_with_its_own_info_string() -> None:
    secret = b"a service secret for the tests"
    assert derive_kek(secret) != derive_kek(secret + b"!")
    assert derive_kek(secret) not in (secret, secret[:32])


@pytest.mark.parametrize("aad", [
    document_aad("platform-b", "verification-1", "document-1"),  # another tenant
    document_aad("platform-a", "verification-2", "document-1"),  # another verification
    document_aad("platform-a", "verification-1", "document-2"),  # another document
])
def test_72_a_blob_moved_to_another_record_does_not_open(aad: bytes) -> None:
    envelope = Envelope.from_secret(b"a service secret for the tests")
    sealed = envelope.seal(b"%PDF-1.7 certificate", document_aad("platform-a", "verification-1", "document-1"))
    with pytest.raises(SealBroken):
        envelope.open(sealed, aad)


def test_73_one_flipped_byte_anywhere_fails_and_yields_nothing() -> None:
    envelope = Envelope.from_secret(b"a service secret for the tests")
    aad = b"platform|verification|document"
    sealed = envelope.seal(b"x" * 100, aad)
    for field in ("blob", "wrapped_key"):
        raw = getattr(sealed, field)
        for position in (0, 5, len(raw) // 2, len(raw) - 1):  # header, nonce, body, tag
            flipped = bytearray(raw)
            flipped[position] ^= 0x01
            broken = Sealed(**{**sealed.__dict__, field: bytes(flipped)})
            with pytest.raises(SealBroken):
                envelope.open(broken, aad)
    with pytest.raises(SealBroken):
        envelope.open(Sealed(sealed.wrapped_key, sealed.blob[:20]), aad)  # truncated
    with pytest.raises(SealBroken):
        Envelope.from_secret(b"another service secret entirely").open(sealed, aad)  # unknown KEK


def test_74_no_nonce_repeats_in_100000_seals() -> None:
    envelope = Envelope.from_secret(b"a service secret for the tests")
    nonces, wrap_nonces = set(), set()
    for _ in range(100_000):
        sealed = envelope.seal(b"1", b"aad")
        nonces.add(sealed.blob[2:14])
        wrap_nonces.add(sealed.wrapped_key[10:22])
    assert len(nonces) == len(wrap_nonces) == 100_000


def test_75_kek_rotation_rewraps_data_keys_and_the_old_kek_can_then_go() -> None:
    old_secret, new_secret = b"the old service secret, retiring", b"the new service secret, current"
    aad = b"platform|verification|document"
    sealed = Envelope.from_secret(old_secret).seal(b"certificate", aad)
    rotating = Envelope.from_secret(new_secret, previous=[old_secret])
    assert rotating.open(sealed, aad) == b"certificate" and not rotating.is_current(sealed.wrapped_key)
    rewrapped = Sealed(rotating.rewrap(sealed.wrapped_key, aad), sealed.blob)
    assert rotating.is_current(rewrapped.wrapped_key)
    assert Envelope.from_secret(new_secret).open(rewrapped, aad) == b"certificate"  # old KEK retired
    with pytest.raises(SealBroken):
        Envelope.from_secret(new_secret).open(sealed, aad)  # a key not re-wrapped fails loudly


# --- sealing at the store boundary -----------------------------------------------------------
def test_documents_and_id_numbers_are_ciphertext_in_the_database(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    verification_id, cert = _needs_review(client, services, platform_key, seed=31, send_id=True)
    id_number = cert.fields["id_number"]
    [(content, wrapped_key)] = _raw(services, "select content, wrapped_key from documents")
    assert wrapped_key and content[:2] == b"D1" and not content.startswith(b"%PDF")
    [(holder_id, number, fields)] = _raw(services, "select holder_id_number, number, fields from verifications")
    assert holder_id.startswith("enc1.") and number.startswith("enc1.")
    assert id_number not in holder_id + number + fields
    assert json.loads(fields)["id_number"]["value"].startswith("enc1.")
    with services.store.read() as session:  # the ORM hands out plaintext
        verification = session.get(Verification, verification_id)
        assert verification.holder_id_number == id_number
        assert verification.fields["id_number"]["value"] == id_number
        assert session.scalars(select(Document)).one().content.startswith(b"%PDF")


def test_72_swapped_sealed_values_answer_a_typed_integrity_error_and_log_no_content(
    client: FlaskClient, services: Services, platform_key: str, caplog: pytest.LogCaptureFixture
) -> None:
    first, cert = _needs_review(client, services, platform_key, seed=32, send_id=True, account_id="a1")
    second, _ = _needs_review(client, services, platform_key, seed=33, send_id=True, account_id="a2")
    [(sealed,)] = _raw(services, "select holder_id_number from verifications where id = ?", second)
    _write_raw(services, "update verifications set holder_id_number = ? where id = ?", sealed, first)
    caplog.set_level(logging.INFO)
    answer = client.get(f"/v1/verifications/{first}", headers=bearer(platform_key))
    assert answer.status_code == 409 and answer.content_type == "application/problem+json"
    assert answer.json["type"].endswith("/integrity_error")
    assert "integrity check failed" in caplog.text and cert.fields["id_number"] not in caplog.text
    assert client.get(f"/v1/verifications/{second}", headers=bearer(platform_key)).status_code == 200


def test_72_a_document_swapped_across_tenants_ends_the_job_for_review_not_in_a_crash(
    client: FlaskClient, services: Services, platform_key: str, other_platform_key: str
) -> None:
    theirs = _decided(client, services, other_platform_key, 35, **_holder(35))
    mine = submit(client, platform_key, _signed(34), **_holder(34)).json["id"]
    [(content, key)] = _raw(services, "select content, wrapped_key from documents where verification_id = ?", theirs)
    _write_raw(services, "update documents set content = ?, wrapped_key = ? where verification_id = ?",
               content, key, mine)
    process_all(services)
    body = client.get(f"/v1/verifications/{mine}", headers=bearer(platform_key)).json
    assert body["status"] == "needs_review" and body["reasons"] == ["integrity_error"]
    assert client.get(f"/v1/verifications/{theirs}", headers=bearer(other_platform_key)).json["status"] == "approved"


def test_73_a_flipped_byte_in_a_stored_document_is_caught(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    verification_id = submit(client, platform_key, _signed(36), **_holder(36)).json["id"]
    [(content,)] = _raw(services, "select content from documents")
    flipped = bytearray(content)
    flipped[len(flipped) // 2] ^= 0x40
    _write_raw(services, "update documents set content = ?", bytes(flipped))
    process_all(services)
    assert client.get(f"/v1/verifications/{verification_id}", headers=bearer(platform_key)).json["reasons"] == [
        "integrity_error"]


def test_a_damaged_holder_value_ends_the_job_for_review_instead_of_retrying_for_ever(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    verification_id = submit(client, platform_key, _signed(45),
                             holder_id_number="11010519491231002X").json["id"]
    _write_raw(services, "update verifications set holder_id_number = 'enc1.AAAA.AAAA'")
    assert process_all(services) == 1
    with services.store.read() as session:
        status, reasons = session.execute(
            select(Verification.status, Verification.reasons).where(Verification.id == verification_id)).one()
    assert (status, reasons) == ("needs_review", ["integrity_error"])


def test_a_plaintext_value_written_behind_the_services_back_is_refused(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    verification_id = submit(client, platform_key, _signed(37),
                             holder_id_number="11010519491231002X").json["id"]
    _write_raw(services, "update verifications set holder_id_number = '11010519491231002X'")
    answer = client.get(f"/v1/verifications/{verification_id}", headers=bearer(platform_key))
    assert answer.status_code == 409 and answer.json["type"].endswith("/integrity_error")


def test_fields_an_older_version_stored_in_the_clear_are_sealed_by_db_upgrade_and_setup(
    app: Any, client: FlaskClient, services: Services, platform_key: str
) -> None:
    cert = make_certificate("physician_practice", 48)
    verification_id = _decided(client, services, platform_key, 48, **_holder(48))
    before = client.get(f"/v1/verifications/{verification_id}", headers=bearer(platform_key)).json
    with services.store.read() as session:
        plain = session.get(Verification, verification_id).fields
    [(stored,)] = _raw(services, "select fields from verifications where id = ?", verification_id)
    legacy = {name: entry if name in ("name", "id_number", "number") else plain[name]  # as versions before 13 wrote
              for name, entry in json.loads(stored).items()}
    _write_raw(services, "update verifications set fields = ? where id = ?", json.dumps(legacy), verification_id)
    assert cert.fields["birth_date"] in _dump(services)
    assert client.get(f"/v1/verifications/{verification_id}", headers=bearer(platform_key)).status_code == 409

    upgraded = app.test_cli_runner().invoke(args=["db", "upgrade"])
    clear = sum(isinstance(entry.get(part), str) for name, entry in legacy.items()
                if name not in ("name", "id_number", "number") for part in ("value", "raw"))
    assert upgraded.exit_code == 0 and f"Sealed {clear} field value(s)" in upgraded.output, upgraded.output
    dump = _dump(services)
    assert cert.fields["birth_date"] not in dump and cert.fields["institution"] not in dump
    assert client.get(f"/v1/verifications/{verification_id}", headers=bearer(platform_key)).json == before
    assert "Sealed" not in app.test_cli_runner().invoke(args=["setup"]).output  # nothing left to seal

    tampered = {**json.loads(stored), "id_number": {**plain["id_number"]}}  # always sealed: plaintext is tampering
    _write_raw(services, "update verifications set fields = ? where id = ?", json.dumps(tampered), verification_id)
    assert "Sealed" not in app.test_cli_runner().invoke(args=["setup"]).output
    assert client.get(f"/v1/verifications/{verification_id}", headers=bearer(platform_key)).status_code == 409


def test_values_are_bound_to_their_attribute() -> None:
    envelope = Envelope.from_secret(b"a service secret for the tests")
    sealed = envelope.seal_text("11010519491231002X", value_aad("p", "v", "holder_id_number"))
    with pytest.raises(SealBroken):
        envelope.open_text(sealed, value_aad("p", "v", "fields.id_number.value"))


# --- 76: the canary --------------------------------------------------------------------------
def _forms(text: str) -> list[bytes]:
    """Every way ``text`` could sit in a file: UTF-8, JSON escapes, UTF-16."""
    escaped = json.dumps(text)[1:-1].encode()
    return sorted({text.encode(), escaped, text.encode("utf-16-le"), text.encode("utf-16-be")})


@pytest.mark.reading  # the privacy area's end-to-end test: its documents are read
@pytest.mark.timeout(120)
def test_76_the_canary_id_number_is_nowhere_in_plaintext(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    cert = make_certificate("physician_qualification", seed=77)
    canary, name = cert.fields["id_number"], cert.fields["name"]
    teacher = make_certificate("teacher_qualification", seed=77, ethnicity="鄂伦春族")
    lawyer = make_certificate("lawyer_practice", seed=77, institution="青藤湾律师事务所")
    for other, profession in ((teacher, "teacher"), (lawyer, "lawyer")):
        assert submit(client, platform_key, render_pdf(other), account_id=f"acct-{profession}",
                      profession=profession, **holder_form(other)).status_code == 202
    personal = [cert.fields["birth_date"], printed_date(cert.fields["birth_date"]), cert.fields["institution"],
                teacher.fields["birth_date"], "鄂伦春族", lawyer.fields["qualification_number"], "青藤湾律师事务所"]
    answer = submit(client, platform_key, render_pdf(cert), holder_name=OTHER_NAME, holder_id_number=canary,
                    headers={"Idempotency-Key": "canary-1"})
    assert answer.status_code == 202, answer.json
    process_all(services)  # the whole pipeline: every value is read from the documents
    verification_id = answer.json["id"]
    with services.store.read() as session:  # each was read: the values exist, in memory
        read = [{n: f["value"] for n, f in v.fields.items()} for v in session.scalars(select(Verification))]
    assert {"鄂伦春族", "青藤湾律师事务所", lawyer.fields["qualification_number"], cert.fields["birth_date"],
            cert.fields["institution"]} <= {value for fields in read for value in fields.values()}
    _approve(client, reviewer_key, verification_id)
    platform_view = client.get(f"/v1/verifications/{verification_id}", headers=bearer(platform_key))
    assert platform_view.json["status"] == "approved" and platform_view.json["label"]
    assert platform_view.json["credential"]["fields"]["id_number"] == mask_id_number(canary)
    assert canary not in platform_view.get_data(as_text=True)
    revealed = client.post(f"/v1/review/items/{item_of(services, verification_id)}/reveal",
                           headers=bearer(reviewer_key), json={"reason": "canary"}).json
    assert revealed["verification"]["credential"]["fields"]["id_number"] == canary  # the plaintext exists, in memory

    data_dir = services.settings.data_dir
    for moment in ("live, with the WAL", "after a checkpoint"):
        files = {path.name: path.read_bytes() for path in data_dir.rglob("*") if path.is_file()}
        assert "verify.db" in files and (moment != "live, with the WAL" or "verify.db-wal" in files)
        assert any(verification_id.encode() in content for content in files.values())  # the scan does see rows
        for file_name, content in files.items():
            for secret in (canary, canary[:17], name, *personal):
                assert not any(form in content for form in _forms(secret)), f"{secret!r} in {file_name}, {moment}"
        services.store.dispose()  # the last connection closing checkpoints the WAL into the file
    for secret in (canary, canary[:17], *personal):
        assert secret not in caplog.text
    label_claims = json.dumps(platform_view.json["label"], ensure_ascii=False)
    assert canary not in label_claims and name not in label_claims


# --- 78, 81: masked by default, no caching ------------------------------------------------------
def test_78_81_platforms_see_masked_ids_and_nothing_is_cached(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    verification_id, cert = _needs_review(client, services, platform_key, seed=38)
    answer = client.get(f"/v1/verifications/{verification_id}", headers=bearer(platform_key))
    assert answer.headers["Cache-Control"] == "no-store"
    assert cert.fields["id_number"] not in answer.get_data(as_text=True)
    assert answer.json["credential"]["number"].count("*") == 18  # the ID embedded in the number, masked
    listing = client.get("/v1/verifications", headers=bearer(platform_key))
    assert listing.headers["Cache-Control"] == "no-store"
    assert cert.fields["id_number"] not in listing.get_data(as_text=True)


# --- 80: DELETE ---------------------------------------------------------------------------------
def _assert_redacted(services: Services, verification_id: str) -> None:
    [(holder_name, holder_id, number, fields, redacted_at)] = _raw(
        services, "select holder_name, holder_id_number, number, fields, redacted_at from verifications where id = ?",
        verification_id)
    assert (holder_name, holder_id, number) == (None, None, None) and redacted_at is not None
    assert set(json.loads(fields)) <= {"level", "category", "scope", "subject", "issuer"}
    for content, wrapped_key, sha256, purged_at in _raw(
            services, "select content, wrapped_key, sha256, purged_at from documents where verification_id = ?",
            verification_id):
        assert content is None and wrapped_key is None and not sha256 and purged_at is not None
    for note, message in _raw(services, "select note, message from review_items where verification_id = ?",
                              verification_id):
        assert note is None and message is None
    assert not _raw(services, "select key from idempotency_keys where verification_id = ?", verification_id)


def _dump(services: Services) -> str:
    """Every row of every table of the database file, as SQL text (what a copy of the file gives away)."""
    services.store.dispose()
    connection = sqlite3.connect(services.store.engine.url.database)
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()


def test_a_reveal_reason_reaches_the_audit_log_only_as_a_digest(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    verification_id, cert = _needs_review(client, services, platform_key, seed=46, send_id=True)
    reason = f"持证人{cert.fields['name']}来电，核对身份证号{cert.fields['id_number']}"
    item_id = item_of(services, verification_id)
    assert client.post(f"/v1/review/items/{item_id}/reveal", headers=bearer(reviewer_key),
                       json={"reason": reason}).status_code == 200
    [(after,)] = _raw(services, "select after from audit_events where action = 'review.reveal'")
    assert json.loads(after) == {"verification_id": verification_id,
                                 "reason_sha256": hashlib.sha256(reason.encode()).hexdigest()}
    dump = _dump(services)
    assert reason not in dump and cert.fields["name"] + "来电" not in dump


def test_80_delete_leaves_no_text_a_reviewer_wrote_and_no_document_hash(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    cert = make_certificate("physician_qualification", seed=47)
    document = render_pdf(cert)
    answer = submit_read_as(client, services, platform_key, cert, document=document, holds=TYPED_PDF,
                            holder_name=OTHER_NAME, headers={"Idempotency-Key": "del-1"})
    verification_id = answer.json["id"]
    item_id = item_of(services, verification_id)
    note, message = "电话核实：本人曾用名欧阳明，住址北京市朝阳区某路", "已核实，您的曾用名与证书一致。"
    fencing = client.post(f"/v1/review/items/{item_id}/claim", headers=bearer(reviewer_key)).json["fencing"]
    assert client.post(f"/v1/review/items/{item_id}/decision", headers=bearer(reviewer_key), json={
        "decision": "approve", "reason_code": "name_difference_explained", "note": note, "message": message,
        "fencing": fencing}).status_code == 200
    review = client.get(f"/v1/verifications/{verification_id}", headers=bearer(platform_key)).json["review"]
    assert review["message"] == message
    written = (note, message, hashlib.sha256(document).hexdigest())
    assert all(text in _dump(services) for text in written)  # the dump does see them before

    after = client.delete(f"/v1/verifications/{verification_id}", headers=bearer(platform_key)).json
    assert after["review"]["reason_code"] == "name_difference_explained" and after["review"]["decision"] == "approve"
    assert after["review"]["message"] == REASONS["name_difference_explained"].message  # the code's own words
    _assert_redacted(services, verification_id)
    dump = _dump(services)
    for text in written:
        assert text not in dump


def test_80_delete_redacts_personal_data_and_keeps_decision_checks_and_label(
    client: FlaskClient, services: Services, platform_key: str, other_platform_key: str, reviewer_key: str
) -> None:
    verification_id, cert = _needs_review(client, services, platform_key, seed=39, send_id=True)
    assert client.delete(f"/v1/verifications/{verification_id}",
                         headers=bearer(platform_key)).json["type"].endswith("/not_decided")
    _approve(client, reviewer_key, verification_id)
    before = client.get(f"/v1/verifications/{verification_id}", headers=bearer(platform_key)).json

    foreign = client.delete(f"/v1/verifications/{verification_id}", headers=bearer(other_platform_key))
    missing = client.delete("/v1/verifications/" + "0" * 32, headers=bearer(other_platform_key))
    assert foreign.status_code == missing.status_code == 404
    assert {k: v for k, v in foreign.json.items() if k != "instance"} == {
        k: v for k, v in missing.json.items() if k != "instance"}
    assert client.delete(f"/v1/verifications/{verification_id}", headers=bearer(reviewer_key)).status_code == 403

    answer = client.delete(f"/v1/verifications/{verification_id}", headers=bearer(platform_key))
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    after = answer.json
    assert after["redacted_at"] and after["status"] == before["status"] == "approved"
    assert after["checks"] == before["checks"] and after["reasons"] == before["reasons"]
    assert after["label"] == before["label"]
    assert "name" not in after["credential"]["fields"] and "id_number" not in after["credential"]["fields"]
    assert after["credential"]["number"] is None
    assert cert.fields["name"] not in json.dumps(after["checks"], ensure_ascii=False)
    _assert_redacted(services, verification_id)
    check = client.post("/v1/labels/check", json={"token": after["label"]["token"]}, headers=bearer(platform_key))
    assert check.json["valid"] is True  # the label stays good
    again = client.delete(f"/v1/verifications/{verification_id}", headers=bearer(platform_key))
    assert again.status_code == 200 and again.json["redacted_at"] == after["redacted_at"]
    with services.store.read() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "verification.redact")).all()
    assert len(events) == 1 and events[0].after == {"reason": "request", "documents": 1}


def test_an_admin_may_redact_any_platforms_verification(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    verification_id = _decided(client, services, platform_key, 40, **_holder(40))
    admin = new_key(services, "operator", "admin")
    assert client.delete(f"/v1/verifications/{verification_id}", headers=bearer(admin)).status_code == 200
    _assert_redacted(services, verification_id)


# --- 79: retention -------------------------------------------------------------------------------
def test_79_retention_purges_after_the_decision_and_not_before(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    old = _decided(client, services, platform_key, 41, **_holder(41))
    decided = services.clock()
    fresh = submit(client, platform_key, _signed(42), **_holder(42),
                   account_id="acct-2").json["id"]
    pending = submit(client, platform_key, _signed(43), **_holder(43),
                     account_id="acct-3").json["id"]
    retention = timedelta(days=services.settings.retention_days)
    services.clock.set(decided + retention - timedelta(minutes=1))
    assert purge_expired(services) == 0
    with services.store.write() as session:  # ``fresh`` decided just now, ``pending`` never
        processed_later = session.get(Verification, fresh)
        processed_later.status, processed_later.finished_at = "rejected", decided + retention
    services.clock.set(decided + retention + timedelta(minutes=1))
    assert purge_expired(services) == 1
    _assert_redacted(services, old)
    with services.store.read() as session:
        assert session.get(Verification, fresh).redacted_at is None
        assert session.get(Verification, pending).redacted_at is None
        assert session.scalars(select(Label).where(Label.verification_id == old)).one().revoked_at is None
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "verification.redact")).all()
    assert event.actor == "retention" and event.subject_id == old
    assert purge_expired(services) == 0  # idempotent


def test_79_flask_purge_runs_the_same_purge(app: Any) -> None:
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0 and "Purged the personal data of 0 verification(s)" in result.output


def test_redaction_works_even_when_the_stored_values_are_damaged(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    verification_id = _decided(client, services, platform_key, 44, holder_id_number="11010519491231002X")
    _write_raw(services, "update verifications set holder_id_number = 'enc1.garbage.garbage'")
    assert client.get(f"/v1/verifications/{verification_id}", headers=bearer(platform_key)).status_code == 409
    with services.store.write() as session:  # the service redacts without opening anything
        session.execute(update(Verification).values(status="approved"))
    answer = client.delete(f"/v1/verifications/{verification_id}", headers=bearer(platform_key))
    assert answer.status_code == 200
    _assert_redacted(services, verification_id)

