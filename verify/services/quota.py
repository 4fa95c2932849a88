"""Upload quota per platform account: submissions and document bytes over a sliding day.

Counted in the database inside the submission's write transaction, so it holds across
processes and concurrent uploads (SQLite serialises writers; on PostgreSQL the count runs
under the account's advisory lock). Another account of the same platform, or the same account
id on another platform, has its own quota.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from verify.config import Limits
from verify.errors import QuotaExceeded
from verify.store.db import hold_lock
from verify.store.models import Document, Verification

WINDOW = timedelta(days=1)


def check_account_quota(session: Session, platform_id: str, account_id: str, incoming_bytes: int, limits: Limits,
                        now: datetime) -> None:
    """Raise ``QuotaExceeded`` (429, with ``retry_after``) if this upload would pass the account's quota."""
    if limits.account_uploads_per_day <= 0:
        return
    hold_lock(session, f"quota:{platform_id}:{account_id}")  # concurrent uploads count one after the other
    since = now - WINDOW
    recent = (Verification.platform_id == platform_id, Verification.account_id == account_id,
              Verification.created_at > since)
    count, oldest = session.execute(
        select(func.count(Verification.id), func.min(Verification.created_at)).where(*recent)
    ).one()
    used_bytes = session.scalar(
        select(func.coalesce(func.sum(Document.size), 0))
        .join(Verification, Verification.id == Document.verification_id).where(*recent)
    ) or 0
    if count < limits.account_uploads_per_day and used_bytes + incoming_bytes <= limits.account_bytes_per_day:
        return
    retry_after = math.ceil(((oldest + WINDOW) - now).total_seconds()) if oldest else int(WINDOW.total_seconds())
    raise QuotaExceeded(
        f"This account may submit {limits.account_uploads_per_day} documents and "
        f"{limits.account_bytes_per_day} bytes a day.", retry_after=max(1, retry_after),
    )
