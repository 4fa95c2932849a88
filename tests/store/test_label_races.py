"""Label changes racing each other, on SQLite and on a real PostgreSQL server: the row is locked.

Two threads change one label at once (revoke against resume, revoke against revoke, a superseding
label against resume). To make the race happen every time, each thread waits right after reading
the label for the other one to have read it too (at most a second: a thread whose read is held by
the other's row lock never gets there). Whatever the order, the label must end revoked, answer
``revoked``, and its audit entries must chain: each one starts from the state the previous one left,
and nothing happens to a label after its revocation.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from tests.api.test_labels import issue
from tests.conftest import make_app, new_key
from verify.errors import Conflict
from verify.services.context import Services
from verify.services.keys import Principal, authenticate
from verify.services.labels import changes, checking
from verify.store.models import AuditEvent, Label

#: The reads that decide a change: the label by its id (revoke, suspend, resume) or by its account (supersede).
_DECIDING_READS = ("labels.id = ", "labels.account_id = ")


@pytest.fixture(params=["sqlite", "postgresql"])
def services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Services]:
    overrides: dict[str, Any] = {"ocr_engine": "none"}
    if request.param == "postgresql":
        overrides["database_url"] = request.getfixturevalue("postgres_url")
    services = make_app(tmp_path / "data", **overrides).extensions["verify"]
    yield services
    services.store.dispose()


def _race(services: Services, *changes: Callable[[], Any]) -> list[BaseException | None]:
    """Run ``changes`` in threads at once, each held after its deciding read until all have read; their errors."""
    racers: dict[int, bool] = {}
    all_read = threading.Barrier(len(changes))

    def held(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        ident = threading.get_ident()
        if (ident in racers and not racers[ident] and statement.lstrip().upper().startswith("SELECT")
                and "FROM labels" in statement and any(read in statement for read in _DECIDING_READS)):
            racers[ident] = True
            with contextlib.suppress(threading.BrokenBarrierError):  # the other waits for this one's row lock
                all_read.wait(timeout=1.0)

    errors: list[BaseException | None] = [None] * len(changes)

    def run(number: int) -> None:
        racers[threading.get_ident()] = False
        try:
            changes[number]()
        except BaseException as exc:
            errors[number] = exc

    event.listen(services.store.engine, "after_cursor_execute", held)
    try:
        threads = [threading.Thread(target=run, args=(n,)) for n in range(len(changes))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        event.remove(services.store.engine, "after_cursor_execute", held)
    return errors


def _assert_consistent(services: Services, principal: Principal, label: dict[str, Any]) -> list[str]:
    """The label ended revoked, is answered so, and its audit entries chain; returns their actions."""
    with services.store.read() as session:
        row = session.get(Label, label["id"])
        assert row is not None and row.revoked_at is not None
        events = session.scalars(select(AuditEvent).where(AuditEvent.subject_id == label["id"])
                                 .order_by(AuditEvent.id)).all()
    assert checking.check(services, principal, label["token"], None).reason == "revoked"
    for earlier, later in itertools.pairwise(events):
        assert earlier.after is not None and later.before is not None
        assert earlier.after["state"] != "revoked", f"{later.action} after the revocation"
        assert later.before["state"] == earlier.after["state"], f"{later.action} from a state the label was not in"
    return [e.action for e in events]


@pytest.mark.parametrize("other", ["resume", "revoke"])
def test_a_revoke_racing_another_change_leaves_one_revoked_label_and_a_true_audit_log(
    services: Services, other: str
) -> None:
    principal = authenticate(services.store, new_key(services, "acme-video", "platform"))
    assert principal is not None
    label = issue(services, "raced-1")
    changes.suspend(services, principal, label["id"], None)
    errors = _race(services, lambda: changes.revoke(services, principal, label["id"], "licence withdrawn"),
                   lambda: getattr(changes, other)(services, principal, label["id"], "again"))
    assert errors[0] is None
    assert errors[1] is None or isinstance(errors[1], Conflict)
    actions = _assert_consistent(services, principal, label)
    assert actions.count("label.revoke") == 1
    assert actions in (["label.issue", "label.suspend", "label.revoke"],
                       ["label.issue", "label.suspend", "label.resume", "label.revoke"])


def test_a_superseding_label_racing_a_resume_leaves_a_true_audit_log(services: Services) -> None:
    principal = authenticate(services.store, new_key(services, "acme-video", "platform"))
    assert principal is not None
    label = issue(services, "raced-2")
    changes.suspend(services, principal, label["id"], None)
    errors = _race(services, lambda: issue(services, "raced-2", category="兼职律师"),
                   lambda: changes.resume(services, principal, label["id"], None))
    assert errors[0] is None
    assert errors[1] is None or isinstance(errors[1], Conflict)
    assert _assert_consistent(services, principal, label)[-1] == "label.revoke"
