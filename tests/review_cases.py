"""Review cases for tests: recorded as read (tests.hand_made) or through the real pipeline, then cheap copies.

Processing a document costs seconds; the permission matrix needs a fresh case per cell, so
``copy_case`` clones a processed needs_review verification (its documents too) straight in the
store and queues it like the pipeline does.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.certificates import make_certificate, render_pdf
from tests.conftest import bearer, process_all
from tests.hand_made import submit_read_as
from tests.uploads import submit
from verify.services.context import Services
from verify.services.review.queue import open_review_item
from verify.store.models import Document, Platform, ReviewItem, Verification

MISMATCHED_NAME = "王小明"


def needs_review(client: FlaskClient, services: Services, key: str, *, seed: int = 8, account_id: str = "acct-1",
                 **form: Any) -> str:
    """A 医师资格证书 PDF whose holder name differs from the platform's, recorded as read (tests.hand_made).

    The verification id; ``needs_review_read`` makes the same case by reading the document.
    """
    cert = make_certificate("physician_qualification", seed=seed)
    answer = submit_read_as(client, services, key, cert, account_id=account_id,
                            **{"holder_name": MISMATCHED_NAME, **form})
    return _in_review(client, key, answer)


def needs_review_read(client: FlaskClient, services: Services, key: str, *, seed: int = 8,
                      account_id: str = "acct-1", **form: Any) -> str:
    """``needs_review`` through the real pipeline: the document is read."""
    cert = make_certificate("physician_qualification", seed=seed)
    answer = submit(client, key, render_pdf(cert), account_id=account_id, **{"holder_name": MISMATCHED_NAME, **form})
    assert answer.status_code == 202, answer.json
    process_all(services)
    return _in_review(client, key, answer)


def _in_review(client: FlaskClient, key: str, answer: Any) -> str:
    done = client.get(answer.headers["Location"], headers=bearer(key)).json
    assert done["status"] == "needs_review", done["reasons"]
    return answer.json["id"]


def item_of(services: Services, verification_id: str) -> str:
    with services.store.read() as session:
        item_id = session.scalars(select(ReviewItem.id).where(ReviewItem.verification_id == verification_id)).one()
    return item_id


def copy_case(services: Services, verification_id: str, platform: str | None = None) -> str:
    """A new queued copy of a processed case (on ``platform`` by name, else the same); its review item id."""
    now = services.clock()
    with services.store.write() as session:
        original = session.get(Verification, verification_id)
        assert original is not None
        platform_id = original.platform_id
        if platform is not None:
            platform_id = session.scalars(select(Platform.id).where(Platform.name == platform)).one()
        columns = {c.key: getattr(original, c.key) for c in Verification.__table__.columns}
        copy = Verification(**{**columns, "id": uuid.uuid4().hex, "platform_id": platform_id, "created_at": now,
                               "updated_at": now})
        session.add(copy)
        session.flush()
        for document in session.scalars(select(Document).where(Document.verification_id == verification_id)):
            columns = {c.key: getattr(document, c.key) for c in Document.__table__.columns}
            session.add(Document(**{**columns, "id": uuid.uuid4().hex, "verification_id": copy.id}))
        open_review_item(session, copy, now)
        copy_id = copy.id
    return item_of(services, copy_id)


def set_status(services: Services, verification_id: str, status: str) -> None:
    """Force a verification's status (to build resubmission chains without processing each link)."""
    with services.store.write() as session:
        verification = session.get(Verification, verification_id)
        assert verification is not None
        verification.status = status
