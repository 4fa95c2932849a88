"""Labels: issuing, checking, suspending, resuming, revoking, and the Token Status Lists.

Lifecycle. A label is issued when a verification is approved (automatically or by a
reviewer); it expires after ``label_lifetime_days``. A new label supersedes the older live
labels of the same account on the same platform *in the same domain* (a renewed 医师执业证书
replaces the old medical label; a teacher label does not touch a legal one): they are
revoked with reason ``superseded``. The owning platform or an admin may suspend a label
(reversible: resume) or revoke it (final). Every issue, revocation, suspension and
resumption is written to the audit log in the same transaction.

Status lists. Each label gets a random, never reused global ``status_index`` (the unique
column makes a double allocation fail; a savepoint retries it) and carries
``status.status_list {idx, uri}``. ``GET /v1/status-lists/<n>`` serves list ``n`` as a signed
``statuslist+jwt`` with 2 bits per label (0 valid, 1 revoked or suspended: what the check
answers), rebuilt at most every ``status_list_ttl_seconds``: a change shows in the list within
that ttl.

The check hot path reads no database: the signature step is cached per token
(:class:`~verify.labels.cache.VerifiedTokens`), the label shown comes from the token's claims,
and revoked or suspended labels come from an in-process
:class:`~verify.labels.cache.StatusBoard`. Every label change (and a withdrawn signing key)
bumps the machine's :class:`~verify.labels.changes.ChangeCounter` after its commit and before
the call that made it answers; each check compares that counter with what its board last read
and reads the audit log's label events (and reloads the keyring) only when it moved. So a
change is answered by every process on the machine as soon as its call has answered. Changes
the counter cannot carry (made on another machine) arrive with the board's timed read, every
``label_status_refresh_seconds``. A suspended label is answered ``revoked`` (the contract's
reasons are fixed); its state shows as ``suspended`` in the account's labels.
"""

from __future__ import annotations

import hashlib
import random
import secrets
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Row, bindparam, event, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from verify import audit
from verify.domain import CredentialKind
from verify.errors import Conflict, NotFound
from verify.labels.cache import Entries, StatusBoard, Verified, VerifiedTokens
from verify.labels.changes import FILE_NAME as CHANGES_FILE
from verify.labels.changes import ChangeCounter
from verify.labels.status_list import (
    Status,
    build_status_list,
    issue_status_list,
    locate,
    public_status,
    status_list_uri,
)
from verify.labels.table import UnknownLabel, label_text
from verify.labels.tokens import MAX_TOKEN_BYTES, Reason, issue_label, judge_claims, resign, verify_token
from verify.services import reuse, webhooks
from verify.services.context import Services
from verify.services.keys import Principal
from verify.store.db import Store
from verify.store.models import AuditEvent, Label, Platform, Verification

SUPERSEDED = "superseded"
SUBJECT = "label"  # audit_events.subject_type of every label change
_INDEX_PICKS = 8  # random picks in one status list before trying the next list
_INSERT_TRIES = 3
_CHUNK = 500
_RECOUNT_SECONDS = 1.0  # how often an unknown list number may make us count the lists again
_random = secrets.SystemRandom()
_creating = threading.Lock()


@dataclass(frozen=True)
class LabelCheck:
    """The answer to a check: ``label`` (the label as shown) only when valid."""

    valid: bool
    reason: str | None
    label: dict[str, Any] | None


@dataclass(frozen=True)
class PublishedList:
    """A signed status list as served, built at ``built_at`` (epoch seconds).

    ``etag`` names its content (signing key and statuses, not its ``iat``): a rebuild with nothing
    changed, or the same list built by another worker, has the same tag.
    """

    token: str
    built_at: float
    ttl: int
    etag: str

    def fresh(self, now: float) -> bool:
        return self.built_at <= now < self.built_at + self.ttl

    def max_age(self, now: float) -> int:
        """Seconds an HTTP cache may keep it: what is left of its ttl."""
        return max(0, int(self.built_at + self.ttl - now))


@dataclass
class LabelCaches:
    """This process's label state: verified tokens, the status board, the built status lists, the change counter."""

    tokens: VerifiedTokens
    board: StatusBoard
    counter: ChangeCounter
    lists: dict[int, PublishedList] = field(default_factory=dict)
    lists_in_use: tuple[int, float] = (0, float("-inf"))  # (count, when counted)
    building: threading.Lock = field(default_factory=threading.Lock)
    generation: int = 0  # grows with every local change; a list built across one is not kept

    def changed(self, label_id: str, status: Status, index: int | None) -> None:
        """A label change committed by this process: its checks and status lists see it at once, and the
        counter tells every other process on the machine to read it before their next check."""
        self.board.note(label_id, status, index)
        self.generation += 1
        self.lists.clear()
        self.counter.bump()


def label_caches(services: Services) -> LabelCaches:
    """The caches of this ``services`` (one per app instance), made on first use."""
    found = services.label_caches
    if found is None:
        with _creating:
            found = services.label_caches
            if found is None:
                settings = services.settings
                counter = ChangeCounter(settings.data_dir / CHANGES_FILE)
                board = StatusBoard(lambda: _load_all(services.store), lambda mark: _load_changes(services, mark),
                                    settings.label_status_refresh_seconds, changes=counter.value)
                found = services.label_caches = LabelCaches(VerifiedTokens(settings.label_cache_size), board, counter)
    return found


# --- issuing -----------------------------------------------------------------------------------------------


def issue_for_verification(services: Services, session: Session, verification: Verification, now: datetime,
                           *, actor: str = "system") -> Label | None:
    """Sign and store the label of an approved verification; None if the vocabulary has no label.

    Runs in the caller's write transaction: allocates a status index, supersedes the older
    live labels of the account on the platform in the same domain, and audits both as
    ``actor`` (an API key id, or ``system`` for automatic approval).
    """
    kind = CredentialKind(verification.kind)
    values = {name: item["value"] for name, item in verification.fields.items()}
    try:
        text = label_text(kind, values)
    except UnknownLabel:
        return None
    platform = session.get(Platform, verification.platform_id)
    assert platform is not None
    settings = services.settings
    issued_at = now.replace(microsecond=0)  # the token's iat is whole seconds; keep the row equal to it
    expires_at = issued_at + timedelta(days=settings.label_lifetime_days)
    label_id = uuid.uuid4().hex
    older = _live_in_domain(session, verification, text.domain, issued_at)
    for attempt in range(_INSERT_TRIES):
        index = allocate_status_index(session, settings.status_list_size)
        number, idx = locate(index, settings.status_list_size)
        token = issue_label(
            services.keyring, issuer=settings.issuer, platform=platform.name, account_id=verification.account_id,
            label_id=label_id, kind=kind, text=text, issued_at=issued_at, expires_at=expires_at,
            status={"status_list": {"idx": idx, "uri": status_list_uri(settings.issuer, number)}},
        )
        label = Label(
            id=label_id, verification_id=verification.id, platform_id=verification.platform_id,
            account_id=verification.account_id, kind=kind.value, domain=text.domain, title=text.title,
            display=text.display, token=token, kid=services.keyring.current.kid, issued_at=issued_at,
            expires_at=expires_at, status_index=index,
        )
        try:
            with session.begin_nested():
                session.add(label)
        except IntegrityError:  # another transaction took the index first (PostgreSQL); pick again
            if attempt == _INSERT_TRIES - 1:
                raise
            continue
        break
    audit.record(session, actor=actor, action="label.issue", subject_type=SUBJECT, subject_id=label.id,
                 now=issued_at, platform_id=label.platform_id, before=None, after={
                     "state": "active", "verification_id": verification.id, "kind": label.kind,
                     "display": label.display, "kid": label.kid, "status_index": index,
                     "expires_at": expires_at.isoformat(),
                 })
    _supersede(services, session, label, older, actor)
    reuse.remember(session, label, verification)
    return label


def allocate_status_index(session: Session, size: int, rng: random.Random = _random) -> int:
    """A random status index no label has: in list 1 while it has room, then in list 2, ...

    Random indices hide how many labels exist and their order (draft §12.5). A list is left
    once ``_INDEX_PICKS`` random picks in a row are taken (it is then about 3/4 full).
    """
    number = 0
    while True:
        low = number * size
        for _ in range(_INDEX_PICKS):
            candidate = low + rng.randrange(size)
            if session.scalar(select(Label.id).where(Label.status_index == candidate)) is None:
                return candidate
        number += 1


def _live_in_domain(session: Session, verification: Verification, domain: str, now: datetime) -> list[Label]:
    """The live labels a new label of ``verification`` in ``domain`` supersedes, locked as in :func:`_change`.

    Read before the new label's audit entry: rows first, then the audit log's lock, in every
    transaction, so a concurrent change of one of them waits instead of deadlocking.
    """
    return list(session.scalars(
        select(Label).where(
            Label.account_id == verification.account_id, Label.platform_id == verification.platform_id,
            Label.domain == domain, Label.revoked_at.is_(None), Label.expires_at > now,
        ).with_for_update()
    ))


def _supersede(services: Services, session: Session, new: Label, older: list[Label], actor: str) -> None:
    for label in older:
        before = state(label, new.issued_at)
        label.revoked_at, label.revoke_reason = new.issued_at, SUPERSEDED
        audit.record(session, actor=actor, action="label.revoke", subject_type=SUBJECT, subject_id=label.id,
                     now=new.issued_at, platform_id=label.platform_id, before={"state": before},
                     after={"state": "revoked", "reason": SUPERSEDED, "superseded_by": new.id})
        webhooks.label_changed(services, session, label, "revoke", now=new.issued_at, reason_code=SUPERSEDED)
        _after_commit(session, services, label)


def _after_commit(session: Session, services: Services, label: Label) -> None:
    """Tell this process's caches about ``label``'s new state once (and only if) the transaction commits."""
    change = (label.id, _status_of(label.revoked_at, label.suspended_at), label.status_index)

    def apply(_session: Session) -> None:
        label_caches(services).changed(*change)

    event.listen(session, "after_commit", apply, once=True)


# --- the check hot path ------------------------------------------------------------------------------------


def check(services: Services, principal: Principal, token: str, account_id: str | None) -> LabelCheck:
    """Is this label valid for the calling platform (and the account, if given)? No database read.

    First the board catches up with any change announced on this machine (a withdrawn signing key
    included, so the token is then judged with the keys as they are now).
    """
    if len(token) > MAX_TOKEN_BYTES:  # longer than any label we sign: not hashed, not parsed
        return LabelCheck(False, Reason.MALFORMED, None)
    caches = label_caches(services)
    now = services.clock().timestamp()
    caches.board.catch_up(now)
    key, verified = caches.tokens.lookup(token)
    if verified is None or services.keyring.public_key(verified.kid) is None:
        result = verify_token(services.keyring, token)
        if not result.valid:
            return LabelCheck(False, result.reason, None)
        assert result.claims is not None and result.kid is not None
        verified = Verified(result.claims, result.kid, _shown(token, result.claims))
        caches.tokens.put(key, verified)
    judged = judge_claims(verified.claims, verified.kid, issuer=services.settings.issuer, at=now,
                          account_id=account_id, platform=principal.platform_name)
    if not judged.valid:
        return LabelCheck(False, judged.reason, None)
    if caches.board.status(verified.claims["jti"]) is not Status.VALID:
        return LabelCheck(False, Reason.REVOKED, None)
    return LabelCheck(True, None, verified.label)


def _iso(seconds: Any) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def _shown(token: str, claims: dict[str, Any]) -> dict[str, Any]:
    """The label a valid check answers with, from the verified claims (the shape of :func:`describe`)."""
    return {
        "id": claims["jti"], "token": token, "display": claims.get("display"), "domain": claims.get("domain"),
        "title": claims.get("title"), "kind": claims.get("kind"), "account_id": claims["sub"],
        "issued_at": _iso(claims["iat"]), "expires_at": _iso(claims["exp"]), "state": "active",
        "revoked_at": None, "revoke_reason": None, "suspended_at": None,
    }


def _status_of(revoked_at: datetime | None, suspended_at: datetime | None) -> Status:
    if revoked_at is not None:
        return Status.INVALID
    return Status.SUSPENDED if suspended_at is not None else Status.VALID


def _load_all(store: Store) -> tuple[Entries, int]:
    """Every revoked or suspended label, and the audit log's last id (read first: changes after it are new)."""
    with store.read() as session:
        mark = session.scalar(select(func.max(AuditEvent.id))) or 0
        rows = session.execute(
            select(Label.id, Label.revoked_at, Label.suspended_at, Label.status_index)
            .where(or_(Label.revoked_at.is_not(None), Label.suspended_at.is_not(None)))
        ).all()
    return {row[0]: (_status_of(row[1], row[2]), row[3]) for row in rows}, mark


def _load_changes(services: Services, mark: int) -> tuple[Entries, int]:
    """The current state of every label with an audit event after ``mark``, and the new mark.

    The keyring is reloaded first if its manifest changed: a signing key withdrawn by another
    process is one of the changes the counter announces.
    """
    services.keyring.reload_if_changed()
    with services.store.read() as session:
        latest = session.scalar(select(func.max(AuditEvent.id))) or 0
        if latest <= mark:
            return {}, mark
        ids = session.scalars(
            select(AuditEvent.subject_id).distinct()
            .where(AuditEvent.id > mark, AuditEvent.id <= latest, AuditEvent.subject_type == SUBJECT)
        ).all()
        changes: Entries = {}
        for start in range(0, len(ids), _CHUNK):
            rows = session.execute(
                select(Label.id, Label.revoked_at, Label.suspended_at, Label.status_index)
                .where(Label.id.in_(ids[start:start + _CHUNK]))
            ).all()
            changes.update({row[0]: (_status_of(row[1], row[2]), row[3]) for row in rows})
    return changes, latest


# --- revoke, suspend, resume -------------------------------------------------------------------------------


def revoke(services: Services, principal: Principal, label_id: str, reason: str) -> Label:
    """Revoke a label of the caller's platform (any for an admin key of every platform); final. Repeating it
    changes nothing."""
    return _change(services, principal, label_id, "revoke", reason)


def suspend(services: Services, principal: Principal, label_id: str, reason: str | None) -> Label:
    """Suspend a label until :func:`resume`; checks answer ``revoked`` meanwhile. 409 if it is revoked."""
    return _change(services, principal, label_id, "suspend", reason)


def resume(services: Services, principal: Principal, label_id: str, reason: str | None) -> Label:
    """Lift a suspension. 409 if the label is revoked (revocation is final)."""
    return _change(services, principal, label_id, "resume", reason)


def _apply_revoke(label: Label, now: datetime, reason: str | None) -> bool:
    if label.revoked_at is not None:
        return False
    label.revoked_at, label.revoke_reason = now, reason
    return True


def _apply_suspend(label: Label, now: datetime, reason: str | None) -> bool:
    if label.revoked_at is not None:
        raise Conflict("A revoked label cannot be suspended.")
    if label.suspended_at is not None:
        return False
    label.suspended_at = now
    return True


def _apply_resume(label: Label, now: datetime, reason: str | None) -> bool:
    if label.revoked_at is not None:
        raise Conflict("A revoked label cannot be resumed: revocation is final.")
    if label.suspended_at is None:
        return False
    label.suspended_at = None
    return True


_CHANGES: dict[str, Callable[[Label, datetime, str | None], bool]] = {
    "revoke": _apply_revoke, "suspend": _apply_suspend, "resume": _apply_resume,
}


def _change(services: Services, principal: Principal, label_id: str, action: str, reason: str | None) -> Label:
    """Apply ``action`` to the label and audit it, with the row locked from the read that decides to the commit.

    On PostgreSQL ``SELECT ... FOR UPDATE`` makes a concurrent change of the same label wait and
    then decide on the committed state (a resume after a revoke is a 409, not a resumed revoked
    label); SQLite's writers are serialised by ``BEGIN IMMEDIATE`` already.
    """
    now = services.clock()
    with services.store.write() as session:
        label = session.scalars(select(Label).where(Label.id == label_id).with_for_update()).first()
        if label is None or (not principal.sees_every_platform and label.platform_id != principal.platform_id):
            raise NotFound("No such label.")
        before = state(label, now)
        if _CHANGES[action](label, now, reason):
            after: dict[str, Any] = {"state": state(label, now)}
            if reason:
                after["reason_sha256"] = audit.digest(reason)  # free text: only its digest is logged
            audit.record(session, actor=principal.key_id, action=f"label.{action}", subject_type=SUBJECT,
                         subject_id=label.id, now=now, platform_id=label.platform_id, before={"state": before},
                         after=after)
            webhooks.label_changed(services, session, label, action, now=now)
            _after_commit(session, services, label)
        return label


# --- a compromised signing key -----------------------------------------------------------------------------


def withdraw_signing_key(services: Services, kid: str, *, actor: str = "cli") -> tuple[str, int]:
    """Withdraw a compromised signing key at once and sign its live labels again with the current key.

    The key leaves the JWKS and every check of every process on this machine before this returns
    (the change counter; processes elsewhere within the keyring's ``RELOAD_SECONDS``): its tokens
    answer ``unknown_key``. Each live label it signed (not revoked, not expired) keeps its id,
    status entry and text and gets a new token, which platforms read from the verification or the
    account's labels. Safe to run again after a failure. Returns the current
    kid and how many labels were signed again.
    """
    now = services.clock()
    with services.store.write() as session:  # the audit entries commit with the new tokens
        services.keyring.reload_if_changed()
        live = session.scalars(select(Label).where(Label.kid == kid, Label.revoked_at.is_(None),
                                                   Label.expires_at > now).with_for_update()).all()  # rows first
        current = services.keyring.compromise(kid, now)
        audit.record(session, actor=actor, action="signing.compromise", subject_type="signing_key", subject_id=kid,
                     now=now, before=None, after={"current": current})
        for label in live:
            label.token, label.kid = resign(services.keyring, label.token), current
            audit.record(session, actor=actor, action="label.resign", subject_type=SUBJECT, subject_id=label.id,
                         now=now, platform_id=label.platform_id, before={"kid": kid}, after={"kid": current})
    caches = label_caches(services)
    caches.tokens.clear()
    caches.lists.clear()  # signed by the withdrawn key, perhaps
    caches.generation += 1
    caches.counter.bump()  # every other process reloads the keys before its next check
    return current, len(live)


# --- reading -----------------------------------------------------------------------------------------------


def for_account(services: Services, principal: Principal, account_id: str) -> list[Label]:
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


def state(label: Label, now: datetime) -> str:
    """``revoked``, ``expired``, ``suspended`` or ``active`` (in that order of precedence)."""
    if label.revoked_at is not None:
        return "revoked"
    if label.expires_at <= now:
        return "expired"
    return "suspended" if label.suspended_at is not None else "active"


def describe(label: Label | None, now: datetime) -> dict[str, Any] | None:
    if label is None:
        return None
    return {
        "id": label.id, "token": label.token, "display": label.display, "domain": label.domain,
        "title": label.title, "kind": label.kind, "account_id": label.account_id,
        "issued_at": label.issued_at, "expires_at": label.expires_at, "state": state(label, now),
        "revoked_at": label.revoked_at, "revoke_reason": label.revoke_reason, "suspended_at": label.suspended_at,
    }


# --- status lists ------------------------------------------------------------------------------------------


def status_list(services: Services, number: int) -> PublishedList:
    """Status list ``number`` (from 1), signed; at most ``status_list_ttl_seconds`` old. 404 past the last list."""
    settings, caches = services.settings, label_caches(services)
    now = services.clock()
    at, ttl = now.timestamp(), settings.status_list_ttl_seconds
    published = caches.lists.get(number)
    if published is not None and published.fresh(at):
        return published
    count, counted_at = caches.lists_in_use
    if number < 1 or (number > count and counted_at <= at < counted_at + _RECOUNT_SECONDS):
        raise NotFound("No such status list.")  # a list just begun elsewhere is found within a second
    with caches.building:
        published = caches.lists.get(number)
        if published is not None and published.fresh(at):
            return published
        generation = caches.generation
        caches.board.refresh(at)
        with services.store.read() as session:
            highest = session.scalar(select(func.max(Label.status_index)))
        count = 1 if highest is None else locate(highest, settings.status_list_size)[0]
        caches.lists_in_use = (count, at)
        if number > count:
            raise NotFound("No such status list.")
        entries = ((index, public_status(status)) for index, status in caches.board.entries())
        built = build_status_list(entries, number=number, size=settings.status_list_size)
        token = issue_status_list(
            services.keyring, issuer=settings.issuer, uri=status_list_uri(settings.issuer, number),
            status_list=built, issued_at=now, expires_at=now + timedelta(seconds=settings.status_list_valid_seconds),
            ttl=ttl,
        )
        content = hashlib.sha256(f"{services.keyring.current.kid}:{number}:".encode() + bytes(built.data))
        published = PublishedList(token, at, ttl, content.hexdigest()[:32])
        if caches.generation == generation:
            caches.lists[number] = published
    return published
