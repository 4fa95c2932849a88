"""Catalogue cases that had no test of their own (docs/security-catalogue.md).

12 and 8 (the review derivative drops EXIF and trailers), 13 (a revoked key), 17 (the
platform routes' authorization matrix), 18 (mass assignment), 21 (the label-check cache
across tenants), 23 (keys in URLs never reach the access log), 54 (a flood of unknown
``kid`` values), 58 (a status-list token is no label), 64 (token structure), 91 (the lease
heartbeat) and 100 (a restart with jobs in every state replays nothing twice).
"""

from __future__ import annotations

import io
import random
import socket
import sqlite3
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select

from tests.certificates import make_certificate, render_image, render_pdf, to_jpeg
from tests.conftest import bearer, make_app, new_key, process_all
from tests.labels.helpers import ISSUER, NOW, forge, good_claims, good_header
from tests.labels.helpers import issue as issue_token
from tests.labels.test_tokens import _structure_cases
from tests.review_cases import MISMATCHED_NAME, item_of
from tests.security.client import submit
from tests.serving import Server
from tests.test_api_labels import issue as issue_label
from tests.uploads import holder_form, signed_pdf
from tests.web.console import sign_in
from verify.labels import Keyring, check_label
from verify.labels import keyring as keyring_module
from verify.services.context import Services
from verify.services.processing import claim_next, complete, run_job
from verify.store.models import AuditEvent, Document, Label, ReviewItem, Verification

PDF = render_pdf(make_certificate("physician_practice", 71))


# --- 13: a revoked key is refused ----------------------------------------------------------------
def test_13_a_revoked_key_is_401_on_every_route(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", ocr_engine="none", auth_cache_seconds=0.0)
    try:
        runner, client = app.test_cli_runner(), app.test_client()
        key = new_key(app.extensions["verify"], "acme-video", "platform")
        assert client.get("/v1/verifications", headers=bearer(key)).status_code == 200
        assert runner.invoke(args=["keys", "revoke", key.split("_")[1]]).exit_code == 0
        for answer in (client.get("/v1/verifications", headers=bearer(key)),
                       submit(client, key, PDF),
                       client.post("/v1/labels/check", json={"token": "x"}, headers=bearer(key))):
            assert answer.status_code == 401 and answer.json["type"].endswith("/unauthorized")
        with app.extensions["verify"].store.read() as session:
            assert session.query(Verification).count() == 0
    finally:
        app.extensions["verify"].store.dispose()


# --- 18: mass assignment --------------------------------------------------------------------------
def test_18_server_owned_fields_in_a_request_are_refused_or_ignored(
    client: FlaskClient, services: Services, platform_key: str, other_platform_key: str
) -> None:
    chosen_id = "f" * 32
    answer = submit(client, platform_key, PDF, status="approved", id=chosen_id, platform_id="rival-live",
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


# --- 21: the label-check cache across tenants ------------------------------------------------------
def test_21_a_label_cached_for_one_platform_answers_another_exactly_as_a_cold_cache_does(
    client: FlaskClient, services: Services, platform_key: str, other_platform_key: str
) -> None:
    """The verified-token cache is keyed by the token's hash; the tenant is judged on every hit.

    A's check fills the cache; B's check of the same token must then be the answer B gets
    from a cold cache (``wrong_platform``, no label), never A's cached answer.
    """
    mine = issue_label(services, "shared-account")  # acme-video's label
    theirs = issue_label(services, "shared-account", platform="rival-live")

    def check(key: str, token: str, account: str | None = "shared-account") -> Any:
        body = {"token": token} | ({"account_id": account} if account else {})
        answer = client.post("/v1/labels/check", json=body, headers=bearer(key))
        assert answer.status_code == 200
        return answer.get_data(as_text=True), answer.json

    caches = services.label_caches
    caches.tokens._entries.clear()
    cold_b = [check(other_platform_key, mine["token"], account) for account in ("shared-account", None)]
    assert all(json["valid"] is False and json["reason"] == "wrong_platform" and json["label"] is None
               for _, json in cold_b)

    caches.tokens._entries.clear()
    warm_a = check(platform_key, mine["token"])
    assert warm_a[1]["valid"] is True and warm_a[1]["label"]["id"] == mine["id"]
    assert caches.tokens.lookup(mine["token"])[1] is not None  # A's answer is in the cache now
    warm_b = [check(other_platform_key, mine["token"], account) for account in ("shared-account", None)]
    assert warm_b == cold_b  # byte for byte: the cache gave B nothing of A's
    assert mine["id"] not in warm_b[0][0] and mine["id"] not in warm_b[1][0]

    # and the other way round: B's own label, cached for B, is no good to A
    assert check(other_platform_key, theirs["token"])[1]["valid"] is True
    assert check(platform_key, theirs["token"])[1] == {"valid": False, "reason": "wrong_platform", "label": None}


# --- 54: a flood of unknown kids -------------------------------------------------------------------
def test_54_ten_thousand_unknown_kids_read_no_key_set_and_open_no_socket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring = Keyring.open(tmp_path / "keys", None, now=NOW - timedelta(days=1))
    loads = []
    real_load = keyring_module._load

    def counting_load(*args: Any) -> Any:
        loads.append(args)
        return real_load(*args)

    def no_network(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("network access during a label check")

    monkeypatch.setattr(keyring_module, "_load", counting_load)
    for name in ("socket", "create_connection", "getaddrinfo"):
        monkeypatch.setattr(socket, name, no_network)
    rng = random.Random(54)

    def flood(count: int) -> None:
        for _ in range(count):
            kid = "".join(rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", k=43))
            token = forge({**good_header(keyring), "kid": kid}, good_claims(), keyring.current.private_key)
            result = check_label(keyring, token, issuer=ISSUER, now=NOW)
            assert (result.valid, result.reason) == (False, "unknown_key")

    flood(5_000)
    assert loads == []  # nothing changed on disk: no key-set reload at all
    Keyring.open(tmp_path / "keys", None).rotate(NOW)  # `flask signing rotate` in another process
    loads.clear()
    flood(5_000)
    assert len(loads) == 1  # one reload for the one change, however many unknown kids follow


# --- 58: a status-list token is not a label -----------------------------------------------------------
def test_58_a_status_list_token_signed_by_our_key_is_refused_as_a_label(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    issue_label(services, "typed-1")
    status_list = client.get("/v1/status-lists/1")
    assert status_list.status_code == 200
    token = status_list.get_data(as_text=True)
    answer = client.post("/v1/labels/check", json={"token": token}, headers=bearer(platform_key)).json
    assert answer == {"valid": False, "reason": "malformed", "label": None}
    assert client.get("/v1/verifications", headers=bearer(token)).status_code == 401  # nor an API key


# --- 64: structure ----------------------------------------------------------------------------------
def test_64_every_malformed_structure_is_refused_as_malformed(tmp_path: Path) -> None:
    keyring = Keyring.open(tmp_path / "keys", None, now=NOW - timedelta(days=1))
    label = issue_token(keyring)
    assert check_label(keyring, label, issuer=ISSUER, now=NOW).valid
    reasons = {name: check_label(keyring, token, issuer=ISSUER, now=NOW).reason
               for name, token in _structure_cases(label).items()}
    assert reasons == dict.fromkeys(reasons, "malformed")


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
    answer = submit(client, platform_key, _photo_with_exif_and_trailer(), filename="photo.jpg",
                    mimetype="image/jpeg", holder_name=MISMATCHED_NAME)
    assert answer.status_code == 202, answer.json
    process_all(services)
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


# --- 91: a slow but alive worker keeps its lease ---------------------------------------------------
def test_91_a_job_running_past_its_lease_keeps_it_by_heartbeat(tmp_path: Path) -> None:
    lease = 0.6
    app = make_app(tmp_path / "data", job_lease_seconds=lease)
    services: Services = app.extensions["verify"]
    try:
        key = new_key(services, "acme-video", "platform")
        page = to_jpeg(render_image(make_certificate("physician_practice", 91)), 85)  # seconds of OCR per page
        from werkzeug.datastructures import FileStorage, MultiDict

        from tests.security.client import post_multipart
        answer = post_multipart(app.test_client(), key, MultiDict([
            ("account_id", "acct-91"), ("profession", "doctor"),
            *(("document", FileStorage(io.BytesIO(page), f"p{i}.jpg", "image/jpeg")) for i in range(3))]))
        assert answer.status_code == 202, answer.json
        claim = claim_next(services)
        assert claim is not None
        results: list[Any] = []
        worker = threading.Thread(target=lambda: results.append(run_job(services, claim)))
        started = time.monotonic()
        worker.start()
        stolen = []
        while worker.is_alive():
            time.sleep(lease / 4)
            other = claim_next(services)  # another runner looking for lapsed leases
            if other is not None:
                stolen.append(time.monotonic() - started)
        worker.join()
        ran = time.monotonic() - started
        assert ran > 3 * lease, f"the job took {ran:.1f} s, too short to outlive its lease"
        assert stolen == [], f"the lease was taken over after {stolen[0]:.1f} s of a {ran:.1f} s job"
        assert complete(services, claim, results[0]) is True
        with services.store.read() as session:
            verification = session.get(Verification, answer.json["id"])
            assert verification.attempts == 1 and verification.status in ("approved", "needs_review", "rejected")
    finally:
        services.store.dispose()


# --- 100: a restart with jobs in every state ----------------------------------------------------------
def _snapshot(data_dir: Path) -> dict[str, Any]:
    """Every verification's processing state, its labels and review items, and the label-issue events."""
    app = make_app(data_dir)
    store = app.extensions["verify"].store
    try:
        with store.read() as session:
            rows = {v.id: (v.status, tuple(v.reasons), v.attempts, v.finished_at, v.updated_at, v.lease_token)
                    for v in session.scalars(select(Verification))}
            labels = {v: sorted(session.scalars(select(Label.id).where(Label.verification_id == v))) for v in rows}
            items = {v: session.scalar(select(func.count()).select_from(ReviewItem)
                                       .where(ReviewItem.verification_id == v)) for v in rows}
            issued = sorted(session.scalars(select(AuditEvent.subject_id).where(AuditEvent.action == "label.issue")))
            documents = session.scalar(select(func.count()).select_from(Document))
        return {"rows": rows, "labels": labels, "items": items, "issued": issued, "documents": documents}
    finally:
        store.dispose()


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_100_a_restart_with_jobs_in_every_state_reruns_nothing_done_and_loses_nothing_pending(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    app = make_app(data_dir)
    services: Services = app.extensions["verify"]
    client = app.test_client()
    key = new_key(services, "acme-video", "platform")

    def send(seed: int, account: str) -> str:
        cert = make_certificate("physician_practice", seed)
        answer = submit(client, key, signed_pdf(cert), account_id=account, **holder_form(cert))
        assert answer.status_code == 202, answer.json
        return answer.json["id"]

    # dead-lettered: its worker died on every attempt, so it went to review with processing_failed
    dead = send(101, "dead")
    start = services.clock()
    for attempt in range(services.settings.job_max_attempts):
        moment = start + timedelta(seconds=(services.settings.job_lease_seconds + 1) * attempt)
        services.clock.set(moment)
        assert claim_next(services) is not None
    services.clock.set(start + timedelta(minutes=10))
    assert process_all(services) == 1
    services.clock.release()
    done = send(102, "done")  # done: approved, with its label
    assert process_all(services) == 1
    leased = send(103, "leased")  # leased by a worker that then died with the stack
    claim = claim_next(services)
    assert claim is not None and claim.verification_id == leased
    queued = send(104, "queued")  # queued, never claimed
    services.store.dispose()

    before = _snapshot(data_dir)
    assert before["rows"][dead][:3] == ("needs_review", ("processing_failed",), services.settings.job_max_attempts + 1)
    assert before["rows"][done][0] == "approved" and len(before["labels"][done]) == 1
    assert before["rows"][leased][0] == "processing" and before["rows"][queued][0] == "pending"

    server = Server(data_dir, env={"VERIFY_JOB_LEASE_SECONDS": "3"})
    try:
        server.start()
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            with sqlite3.connect(data_dir / "verify.db") as connection:
                states = dict(connection.execute("select id, status from verifications").fetchall())
            connection.close()
            if states[leased] not in ("pending", "processing") and states[queued] not in ("pending", "processing"):
                break
            time.sleep(0.5)
        time.sleep(2)  # the runners poll on: give a replay the chance to show
        server.stop()
        after = _snapshot(data_dir)

        for finished in (dead, done):  # nothing that was done runs again
            assert after["rows"][finished] == before["rows"][finished]
            assert after["labels"][finished] == before["labels"][finished]
            assert after["items"][finished] == before["items"][finished]
        for pending in (leased, queued):  # nothing pending is lost
            assert after["rows"][pending][0] == "approved", after["rows"][pending]
            assert after["rows"][pending][5] is None  # no lease left behind
            assert len(after["labels"][pending]) == 1 and after["items"][pending] == 0
        assert after["rows"][leased][2] == 2 and after["rows"][queued][2] == 1  # the dead worker's try, and one more
        assert after["items"][dead] == 1
        assert sorted(after["issued"]) == sorted(label for v in (done, leased, queued) for label in after["labels"][v])
        assert after["documents"] == before["documents"] == 4

        server.start()  # and a second, clean restart changes nothing at all
        time.sleep(5)
        server.stop()
        assert _snapshot(data_dir) == after
    finally:
        server.kill()


# --- 23: credentials in URLs --------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.timeout(180)
def test_23_a_key_in_the_query_string_is_refused_and_never_reaches_the_logs(tmp_path: Path) -> None:
    import requests

    log = tmp_path / "gunicorn.log"
    server = Server(tmp_path / "data", log=log)
    try:
        server.start()
        key = server.create_key("acme-video")
        for path in ("/v1/verifications", "/v1/labels/check", "/healthz"):
            answer = requests.get(f"{server.url}{path}?api_key={key}&access_token={key}", timeout=10)
            assert answer.status_code in (200, 401, 405), (path, answer.status_code)
            assert path == "/healthz" or answer.status_code in (401, 405)
        listed = requests.get(f"{server.url}/v1/verifications?account_id=acct-CANARY-23", timeout=10,
                              headers={"Authorization": f"Bearer {key}"})
        assert listed.status_code == 200
        server.stop()
        text = log.read_text(errors="replace")
        assert "/v1/verifications" in text  # the access log is on, and it is this file
        assert key not in text and key.split("_")[-1] not in text
        assert "CANARY" not in text
    finally:
        server.kill()


# --- 17: the platform routes' authorization matrix ---------------------------------------------------
PLATFORM_MATRIX = """
route                                   | nobody | owner | other_platform | reviewer | admin | own_admin | other_admin
GET    /v1/verifications                | 401    | 200   | 200*           | 200      | 200   | 200       | 200*
POST   /v1/verifications                | 401    | 202   | 202*           | 403      | 202*  | 202*      | 202*
GET    /v1/verifications/{verification} | 401    | 200   | 404            | 200      | 200   | 200       | 404
DELETE /v1/verifications/{verification} | 401    | 200   | 404            | 403      | 200   | 200       | 404
POST   /v1/credentials/validate         | 401    | 200   | 200            | 200      | 200   | 200       | 200
POST   /v1/labels/check                 | 401    | 200   | 200*           | 403      | 200*  | 200       | 200*
POST   /v1/labels/{label}/revoke        | 401    | 200   | 404            | 403      | 200   | 200       | 404
POST   /v1/labels/{label}/suspend       | 401    | 200   | 404            | 403      | 200   | 200       | 404
POST   /v1/labels/{label}/resume        | 401    | 200   | 404            | 403      | 200   | 200       | 404
GET    /v1/accounts/{account}/labels    | 401    | 200   | 200*           | 403      | 200   | 200       | 200*
"""
# ``*``: a 2xx that must show nothing of the owner's object (its ids, its label as valid). ``admin`` is an admin key
# of a third platform made with ``--all-platforms``: it may call every route across platforms (README); an admin's
# upload is filed under the admin's own platform. ``own_admin`` and ``other_admin`` are admin keys scoped to the
# owner's platform and to another one: a scoped admin sees its platform's objects only.


def test_17_every_platform_route_by_every_role_on_its_own_and_a_foreign_object(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", ocr_engine="none", limits={"account_uploads_per_day": 0, "uploads_per_minute": 0})
    services: Services = app.extensions["verify"]
    client = app.test_client()
    try:
        keys = {"nobody": None, "owner": new_key(services, "acme-video", "platform"),
                "other_platform": new_key(services, "rival-live", "platform"),
                "reviewer": new_key(services, "acme-video", "reviewer"),
                "admin": new_key(services, "operator", "admin", all_platforms=True),
                "own_admin": new_key(services, "acme-video", "admin", all_platforms=False),
                "other_admin": new_key(services, "rival-live", "admin", all_platforms=False)}
        header, *rows = PLATFORM_MATRIX.strip().splitlines()
        actors = [cell.strip() for cell in header.split("|")[1:]]
        wrong = []
        for number, row in enumerate(rows):
            route, *cells = [cell.strip() for cell in row.split("|")]
            method, path = route.split()
            for actor, expected in zip(actors, cells, strict=True):
                account = f"m{number}-{actor}"
                label = issue_label(services, account)  # a fresh object of the owner's for every cell
                with services.store.write() as session:  # the fields as the pipeline writes them
                    verification = session.scalars(select(Label.verification_id).where(Label.id == label["id"])).one()
                    session.get(Verification, verification).fields = {"category": {
                        "value": "专职律师", "raw": "专职律师", "confidence": 1.0, "source": "text"}}
                if path.endswith("/resume"):
                    client.post(f"/v1/labels/{label['id']}/suspend", json={}, headers=bearer(keys["owner"]))
                url = path.format(verification=verification, label=label["id"], account=account)
                headers = bearer(keys[actor]) if keys[actor] else {}
                if url == "/v1/verifications" and method == "POST":
                    answer = submit(client, keys[actor] or "", PDF, account_id=account) if keys[actor] else \
                        client.post(url)
                elif url == "/v1/labels/check":
                    answer = client.post(url, json={"token": label["token"]}, headers=headers)
                elif url == "/v1/credentials/validate":
                    answer = client.post(url, json={"kind": "resident_id", "number": "11010519491231002X"},
                                         headers=headers)
                elif method == "POST":
                    answer = client.post(url, json={"reason": "matrix"}, headers=headers)
                else:
                    answer = client.open(url, method=method, headers=headers)
                status, must_hide = int(expected.rstrip("*")), expected.endswith("*")
                body = answer.get_data(as_text=True)
                if answer.status_code != status:
                    wrong.append(f"{route} as {actor}: {answer.status_code}, expected {status}")
                elif must_hide and (verification in body or label["id"] in body
                                    or (url == "/v1/labels/check" and answer.json["valid"])):
                    wrong.append(f"{route} as {actor}: {answer.status_code} shows the owner's object")
        assert wrong == [], "\n".join(wrong)
    finally:
        services.store.dispose()


# --- 78: masked by default for reviewers too ---------------------------------------------------------
def test_78_a_reviewer_reading_a_verification_sees_the_id_number_masked_without_an_audited_reveal(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    cert = make_certificate("physician_practice", 78)
    answer = submit(client, platform_key, render_pdf(cert), holder_id_number=cert.fields["id_number"])
    process_all(services)
    with services.store.read() as session:
        events = session.scalar(select(func.count()).select_from(AuditEvent))
    for path in (answer.headers["Location"], "/v1/verifications"):
        seen = client.get(path, headers=bearer(reviewer_key))
        assert seen.status_code == 200
        assert cert.fields["id_number"] not in seen.get_data(as_text=True), path
    with services.store.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == events
