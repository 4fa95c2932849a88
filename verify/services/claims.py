"""The claim scan for the API and the CLI: accounts in, each account's claims covered by its labels.

Scanning is stateless: nothing about a scanned account is stored or logged. Labels are read
only for accounts that make a claim, in one query per 500 accounts, and only valid ones (not
revoked, suspended or expired) of the given platform count (``verify.claims.coverage``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select

from verify.claims import Account, LabelView, ScanResult, find, judge
from verify.config import Limits
from verify.errors import InvalidRequest, NotFound
from verify.services.context import Services
from verify.services.labels import reading
from verify.store.models import Label, Platform

_SCOPE = re.compile(r"（([^（）]+)）$")


def label_view(label: Label | Row[Any]) -> LabelView:
    """A stored label as coverage reads it; ``scope`` is the bracketed qualifier of its display (临床, 中医)."""
    scope = _SCOPE.search(label.display)
    return LabelView(label.id, label.domain, label.title, label.kind, scope.group(1) if scope else None)


def scan_accounts(services: Services, platform_id: str | None, accounts: Sequence[Account]) -> list[ScanResult]:
    """Every account's claims, covered by the valid labels of its account on ``platform_id`` (None: no coverage)."""
    found = [find(account) for account in accounts]
    claimed = [account.account_id for account, claims in zip(accounts, found, strict=True) if claims]
    held: dict[str, list[Row[Any]]] = {}
    if claimed and platform_id is not None:
        held = reading.valid_for_accounts(services, platform_id, claimed, services.clock())
    return [judge(account.account_id, claims, [label_view(label) for label in held.get(account.account_id, ())])
            for account, claims in zip(accounts, found, strict=True)]


def platform_id(services: Services, name: str) -> str:
    """The id of the platform called ``name``; ``NotFound`` if there is none."""
    with services.store.read() as session:
        found = session.scalar(select(Platform.id).where(Platform.name == name))
    if found is None:
        raise NotFound(f"No platform called {name!r}.")
    return found


def input_errors(limits: Limits, body: dict[str, object], prefix: str = "") -> dict[str, list[str]]:
    """Each field longer than its limit, or with text that is not valid Unicode (a lone surrogate), by name."""
    errors: dict[str, list[str]] = {}
    for name, most in (("account_id", None), ("name", limits.claim_name_chars), ("handle", limits.claim_handle_chars),
                       ("bio", limits.claim_bio_chars)):
        value = body.get(name)
        if not isinstance(value, str):
            continue
        if most is not None and len(value) > most:
            errors[prefix + name] = [f"At most {most} characters (VERIFY_LIMITS_CLAIM_{name.upper()}_CHARS)."]
        elif not _encodable(value):
            errors[prefix + name] = ["Not valid Unicode text (a lone surrogate)."]
    return errors


def check_input(limits: Limits, bodies: Sequence[dict[str, object]], *, batch: bool) -> None:
    """422 naming every field over its limit (``accounts.3.bio`` in a batch)."""
    errors: dict[str, list[str]] = {}
    for index, body in enumerate(bodies):
        errors.update(input_errors(limits, body, f"accounts.{index}." if batch else ""))
    if errors:
        raise InvalidRequest("A field is too long or not valid text.", errors=errors)


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
