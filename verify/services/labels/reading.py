"""Reading labels: an account's labels, and the valid labels of many accounts (the claim scan's coverage)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, select

from verify.services.context import Services
from verify.services.keys import Principal
from verify.store.models import Label

_CHUNK = 500


def for_account(services: Services, principal: Principal, account_id: str) -> list[Label]:
    """The account's labels on the caller's platform (every platform's for an admin key of all), newest first."""
    query = select(Label).where(Label.account_id == account_id).order_by(Label.issued_at.desc())
    if not principal.sees_every_platform:
        query = query.where(Label.platform_id == principal.platform_id)
    with services.store.read() as session:
        return list(session.scalars(query))


#: The valid labels of some accounts on one platform: built once (SQLAlchemy caches its compiled form too).
_VALID_FOR_ACCOUNTS = (
    select(Label.id, Label.account_id, Label.domain, Label.title, Label.kind, Label.display)
    .where(Label.platform_id == bindparam("platform_id"), Label.account_id.in_(bindparam("ids", expanding=True)),
           Label.revoked_at.is_(None), Label.suspended_at.is_(None), Label.expires_at > bindparam("now"))
    .order_by(Label.issued_at.desc())
)


def valid_for_accounts(services: Services, platform_id: str, account_ids: Iterable[str],
                       now: datetime) -> dict[str, list[Row[Any]]]:
    """The valid labels (``active``: not revoked, suspended or expired) of these accounts on one platform.

    Rows of ``id, account_id, domain, title, kind, display``, newest first, by account.
    """
    ids = sorted(set(account_ids))
    found: dict[str, list[Row[Any]]] = {}
    with services.store.rows() as connection:
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            rows = connection.execute(_VALID_FOR_ACCOUNTS, {"platform_id": platform_id, "ids": chunk, "now": now})
            for row in rows:
                found.setdefault(row.account_id, []).append(row)
    return found
