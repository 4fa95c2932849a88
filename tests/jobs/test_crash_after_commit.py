"""Catalogue 88, crash around the commit: SIGKILL right before or right after a commit, then restart.

Each crash runs in a process of its own (spawned, so the test process stays clean) on a real
SQLite file; a SQLAlchemy session hook SIGKILLs that process at the chosen point — the
"test hook" of the catalogue, added from outside, so the service carries no crash switch.
After the crash a fresh app on the same data dir (the restarted service) must find a state
that is whole: the job's result with its label, audit events, status-list entry and review
item, or none of them and the job still to do; an upload that committed is what a retry
with the same ``Idempotency-Key`` gets back, one that did not is created exactly once.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from tests.certificates import Certificate, make_certificate, render_pdf
from tests.conftest import bearer, make_app, new_key, process_all
from tests.hand_made import TYPED_PDF, read_as, record
from tests.review_cases import MISMATCHED_NAME
from tests.uploads import holder_form, signed_pdf, submit
from verify.domain import Holder
from verify.store.models import AuditEvent, Label, ReviewItem, Verification

FINAL = {"approved", "rejected", "needs_review"}


# (certificate, signed, form fields): a signed PDF with its holder's data; a typed one naming another holder, a
# case for review.
_APPROVED = make_certificate("physician_practice", 31)
CASES: dict[str, tuple[Certificate, bool, dict[str, str]]] = {
    "approved": (_APPROVED, True, holder_form(_APPROVED)),
    "needs_review": (make_certificate("physician_practice", 3), False, {"holder_name": MISMATCHED_NAME}),
}


def _document(outcome: str) -> tuple[bytes, dict[str, str]]:
    cert, signed, form = CASES[outcome]
    return (signed_pdf(cert) if signed else render_pdf(cert)), form


def _crash_when(moment: str, wanted: Callable[[Session], bool]) -> None:
    """SIGKILL this process just ``before`` (rows flushed, not committed) or ``after`` the commit of a
    transaction that ``wanted`` picks."""
    marked: set[int] = set()

    def flushed(session: Session, _context: Any) -> None:
        if wanted(session):
            if moment == "before":
                os.kill(os.getpid(), signal.SIGKILL)
            marked.add(id(session))

    def committed(session: Session) -> None:
        if id(session) in marked:
            os.kill(os.getpid(), signal.SIGKILL)

    event.listen(Session, "after_flush", flushed)
    event.listen(Session, "after_commit", committed)


def _writes_a_result(session: Session) -> bool:
    return any(isinstance(row, Verification) and row.status in FINAL for row in session.dirty)


def _adds_a_verification(session: Session) -> bool:
    return any(isinstance(row, Verification) for row in session.new)


def _complete_and_crash(data_dir: Path, verification_id: str, outcome: str) -> None:
    """In the crashing process: claim the pending job and complete it with its exact reading (tests.hand_made), as
    the job runner does; die right after its result commits."""
    services = make_app(data_dir).extensions["verify"]
    cert, signed, form = CASES[outcome]
    holder = Holder(name=form.get("holder_name"), id_number=form.get("holder_id_number"))
    result = read_as(services, cert, profession="doctor", holder=holder, holds=() if signed else TYPED_PDF)
    _crash_when("after", _writes_a_result)
    record(services, verification_id, result)
    raise SystemExit(3)  # not reached: the hook kills the process at the commit


def _upload_and_crash(data_dir: Path, key: str, moment: str) -> None:
    """In the crashing process: an upload with an Idempotency-Key that dies before or after its commit."""
    app = make_app(data_dir, ocr_engine="none")
    _crash_when(moment, _adds_a_verification)
    data, form = _document("approved")
    submit(app.test_client(), key, data, headers={"Idempotency-Key": "crash-88"}, **form)
    raise SystemExit(3)


def _in_a_process_that_dies(target: Callable[..., None], *args: Any) -> None:
    process = multiprocessing.get_context("spawn").Process(target=target, args=args)
    process.start()
    process.join(180)
    assert process.exitcode == -signal.SIGKILL, f"the crash hook did not fire (exit code {process.exitcode})"


@pytest.mark.timeout(300)
@pytest.mark.parametrize("outcome", ["approved", "needs_review"])
def test_88_a_crash_right_after_a_result_commits_leaves_it_whole(tmp_path: Path, outcome: str) -> None:
    data_dir = tmp_path / "data"
    app = make_app(data_dir)
    services, client = app.extensions["verify"], app.test_client()
    key = new_key(services, "acme-video", "platform")
    data, form = _document(outcome)
    answer = submit(client, key, data, **form)
    assert answer.status_code == 202, answer.json
    verification_id = answer.json["id"]

    _in_a_process_that_dies(_complete_and_crash, data_dir, verification_id, outcome)

    restarted = make_app(data_dir)  # the service after the crash: a new process on the same data
    services, client = restarted.extensions["verify"], restarted.test_client()
    with services.store.read() as session:
        verification = session.get(Verification, verification_id)
        assert verification.status == outcome, verification.reasons
        assert verification.lease_token is None and verification.attempts == 1
        labels = session.scalars(select(Label).where(Label.verification_id == verification_id)).all()
        reviews = session.scalars(select(ReviewItem).where(ReviewItem.verification_id == verification_id)).all()
        issued = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "label.issue"))
    assert process_all(services) == 0  # nothing is run again
    if outcome == "approved":
        assert len(labels) == 1 and not reviews and issued == 1
        answer = client.get(f"/v1/verifications/{verification_id}", headers=bearer(key)).json
        assert answer["label"]["id"] == labels[0].id
        check = client.post("/v1/labels/check", json={"token": labels[0].token}, headers=bearer(key)).json
        assert check["valid"] is True
        assert client.get("/v1/status-lists/1").status_code == 200  # the label's list exists after restart
        assert services.label_caches.board.status(labels[0].id).name == "VALID"
    else:
        assert not labels and len(reviews) == 1 and reviews[0].state == "open" and issued == 0


@pytest.mark.timeout(300)
@pytest.mark.parametrize("moment", ["before", "after"])
def test_88_a_crash_around_an_upload_commit_and_the_retry_with_the_same_key(tmp_path: Path, moment: str) -> None:
    data_dir = tmp_path / "data"
    services = make_app(data_dir, ocr_engine="none").extensions["verify"]
    key = new_key(services, "acme-video", "platform")

    _in_a_process_that_dies(_upload_and_crash, data_dir, key, moment)

    restarted = make_app(data_dir, ocr_engine="none")
    services = restarted.extensions["verify"]
    with services.store.read() as session:
        before_retry = session.scalars(select(Verification.id)).all()
    assert len(before_retry) == (0 if moment == "before" else 1)
    data, form = _document("approved")
    retry = submit(restarted.test_client(), key, data, headers={"Idempotency-Key": "crash-88"}, **form)
    assert retry.status_code == 202, retry.json
    with services.store.read() as session:
        after_retry = session.scalars(select(Verification.id)).all()
    assert len(after_retry) == 1  # exactly one submission, whichever side of the commit the crash fell
    assert retry.json["id"] == after_retry[0]
    if moment == "after":
        assert after_retry == before_retry  # the retry got the original submission back
    assert process_all(services) == 1
