"""The audit log: `flask audit verify` finds an edited, removed or rewritten entry and names it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import select, text

from tests.conftest import bearer, new_key, process_all
from tests.review_cases import item_of, needs_review
from verify import audit
from verify.keyfile import key_encryption_key
from verify.services.context import Services
from verify.store.models import AuditEvent, AuditHead

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def _flask_audit_verify(app: Flask) -> Result:
    return app.test_cli_runner().invoke(args=["audit", "verify"])


@pytest.fixture
def logged(services: Services) -> Iterator[Services]:
    """A log of five entries, each committed in its own transaction (as the services write them)."""
    for n in range(1, 6):
        with services.store.write() as session:
            audit.record(session, actor=f"key{n}", action="review.claim", subject_type="review_item",
                         subject_id=f"item{n}", now=NOW, platform_id="p1",
                         before={"state": "open"}, after={"state": "claimed", "fencing": n})
    yield services


def _sql(services: Services, statement: str, **params: Any) -> None:
    with services.store.write() as session:
        session.execute(text(statement), params)


def test_an_intact_log_verifies(app: Flask, logged: Services) -> None:
    result = _flask_audit_verify(app)
    assert result.exit_code == 0, result.output
    assert "intact: 5 entries" in result.output
    with logged.store.read() as session:  # the head lives in the database: no node needs a disk for it
        assert session.get(AuditHead, "head").entry_id == 5
    assert not (logged.settings.data_dir / audit.ANCHOR_FILE).exists()


def test_an_empty_log_verifies(app: Flask) -> None:
    assert _flask_audit_verify(app).exit_code == 0


def test_an_edited_row_is_named(app: Flask, logged: Services) -> None:
    _sql(logged, "UPDATE audit_events SET after = :after WHERE id = 3",
         after=json.dumps({"state": "claimed", "fencing": 99}))
    result = _flask_audit_verify(app)
    assert result.exit_code == 1
    assert "entry 3: content was changed" in result.output


def test_an_edited_actor_is_named(app: Flask, logged: Services) -> None:
    _sql(logged, "UPDATE audit_events SET actor = 'someone-else' WHERE id = 2")
    result = _flask_audit_verify(app)
    assert result.exit_code == 1 and "entry 2:" in result.output


def test_a_removed_row_is_named(app: Flask, logged: Services) -> None:
    _sql(logged, "DELETE FROM audit_events WHERE id = 2")
    result = _flask_audit_verify(app)
    assert result.exit_code == 1
    assert "entries 2..2 are missing" in result.output


def test_removing_the_last_entries_is_detected_by_the_anchored_head(app: Flask, logged: Services) -> None:
    _sql(logged, "DELETE FROM audit_events WHERE id >= 4")
    result = _flask_audit_verify(app)
    assert result.exit_code == 1
    assert "entries 4..5 were removed from the end" in result.output


def test_a_chain_rewritten_with_recomputed_hashes_is_detected(app: Flask, logged: Services) -> None:
    with logged.store.write() as session:  # what someone with database access and this code could do
        entries = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        entries[1].after = {"state": "claimed", "fencing": 42}
        prev = audit.GENESIS
        for entry in entries:
            entry.prev_hash = prev
            entry.hash = audit.entry_hash(prev, audit._content(entry))
            prev = entry.hash
    result = _flask_audit_verify(app)
    assert result.exit_code == 1
    assert "entry 5: differs from the anchored head" in result.output


def test_a_forged_anchor_is_detected(app: Flask, logged: Services) -> None:
    _sql(logged, "UPDATE audit_head SET entry_id = 2")
    result = _flask_audit_verify(app)
    assert result.exit_code == 1
    assert "head anchor" in result.output and "seal" in result.output


def test_a_rolled_back_entry_does_not_move_the_anchor(app: Flask, logged: Services) -> None:
    with pytest.raises(RuntimeError), logged.store.write() as session:
        audit.record(session, actor="key9", action="review.decide", subject_type="review_item", subject_id="x",
                     now=NOW)
        raise RuntimeError("the change it recorded failed")
    assert _flask_audit_verify(app).exit_code == 0
    with logged.store.write() as session:  # the next entry takes the free id and the anchor follows it
        assert audit.record(session, actor="key9", action="review.decide", subject_type="review_item",
                            subject_id="x", now=NOW).id == 6
    assert "intact: 6 entries" in _flask_audit_verify(app).output


def test_review_actions_keep_the_chain_intact(app: Flask, services: Services) -> None:
    client = app.test_client()
    platform, reviewer = new_key(services, "acme-video", "platform"), new_key(services, "acme-video", "reviewer")
    item_id = item_of(services, needs_review(client, services, platform))
    headers = bearer(reviewer)
    client.post(f"/v1/review/items/{item_id}/claim", headers=headers)
    client.post(f"/v1/review/items/{item_id}/decision", headers=headers,
                json={"decision": "approve", "reason_code": "documents_consistent"})
    assert process_all(services) == 0
    with services.store.read() as session:
        assert list(audit.verify_chain(session)) == []
        actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert {"review.claim", "review.decide"} <= set(actions)
    assert _flask_audit_verify(app).exit_code == 0


def test_the_head_an_older_version_kept_in_a_file_is_adopted_once(app: Flask, logged: Services) -> None:
    secret = key_encryption_key(logged.settings)
    anchor = audit.HeadAnchor(secret)
    with logged.store.write() as session:
        head = anchor.read(session)
        session.execute(text("DELETE FROM audit_head"))
    assert head is not None
    path = logged.settings.data_dir / audit.ANCHOR_FILE
    path.write_text(json.dumps({"id": head.id, "hash": head.hash, "mac": anchor.seal(head)}))
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert "audit head kept in audit-head.json is now kept in the database" in result.output, result.output
    with logged.store.read() as session:
        assert anchor.read(session) == head
    assert not audit.adopt_anchor_file(logged.store, path, secret)  # once: the database's head wins from now on


def test_a_head_file_whose_seal_does_not_open_is_not_adopted(logged: Services) -> None:
    _sql(logged, "DELETE FROM audit_head")
    path = logged.settings.data_dir / audit.ANCHOR_FILE
    path.write_text(json.dumps({"id": 5, "hash": "ab" * 32, "mac": "00" * 32}))
    assert not audit.adopt_anchor_file(logged.store, path, key_encryption_key(logged.settings))
