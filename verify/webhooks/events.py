"""The events a platform is told of, and what their ``data`` may hold: ids, states and codes, never personal data.

Webhooks go to URLs a platform typed, are retried for a day, and sit in our delivery log and in
the receiver's logs and queues: so a body carries what lets the receiver act — which
verification or label, of which of its accounts, what state it is in now, why (reason codes),
who decided — and nothing about the person (no name, ID number, credential number, document
content, reviewer note or free text). The receiver fetches the rest through the API
(``GET /v1/verifications/{id}``), which also settles the order of events: none is promised.
Each builder below lists the only fields its event has.

>>> body("label.revoked", datetime(2026, 1, 1, tzinfo=UTC), {"label_id": "l1"})
b'{"type":"label.revoked","timestamp":"2026-01-01T00:00:00.000000Z","data":{"label_id":"l1"}}'
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

VERIFICATION_EVENTS = ("verification.approved", "verification.rejected", "verification.needs_review")
LABEL_EVENTS = ("label.revoked", "label.suspended", "label.resumed", "label.expired")
TEST_EVENT = "webhook.test"
EVENT_TYPES = (*VERIFICATION_EVENTS, *LABEL_EVENTS, TEST_EVENT)
DECIDED_BY = ("machine", "reviewer")
#: Why a label changed: a newer label of the account in the same domain, the platform or an admin asked,
#: its lifetime ended.
LABEL_REASONS = ("superseded", "requested", "lifetime_ended")


def body(event_type: str, at: datetime, data: dict[str, Any]) -> bytes:
    """The JSON body of an event, as sent on every attempt: ``{type, timestamp, data}``."""
    timestamp = at.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    return json.dumps({"type": event_type, "timestamp": timestamp, "data": data}, ensure_ascii=False,
                      separators=(",", ":")).encode()


def verification_data(*, verification_id: str, account_id: str, profession: str, status: str,
                      reasons: Sequence[str], label_id: str | None, decided_by: str) -> dict[str, Any]:
    """A decision: ``decided_by`` is ``machine`` (the pipeline) or ``reviewer`` (a person)."""
    assert decided_by in DECIDED_BY
    return {"verification_id": verification_id, "account_id": account_id, "profession": profession,
            "status": status, "reasons": list(reasons), "label_id": label_id, "decided_by": decided_by}


def label_data(*, label_id: str, verification_id: str, account_id: str, kind: str, domain: str, status: str,
               reason_code: str) -> dict[str, Any]:
    """A label's change of state (``status`` is its state after it)."""
    assert reason_code in LABEL_REASONS
    return {"label_id": label_id, "verification_id": verification_id, "account_id": account_id, "kind": kind,
            "domain": domain, "status": status, "reason_code": reason_code}


def endpoint_test_data(endpoint_id: str) -> dict[str, Any]:
    """``webhook.test``: sent to one endpoint on request."""
    return {"endpoint_id": endpoint_id}
