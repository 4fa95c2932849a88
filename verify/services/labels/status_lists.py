"""The Token Status Lists: ``GET /v1/status-lists/<n>``, 2 bits per label (0 valid, 1 revoked or suspended).

List ``n`` is served as a signed ``statuslist+jwt``, rebuilt at most every ``status_list_ttl_seconds``
(a change shows within that ttl) and at once after a change made by this process.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from verify.errors import NotFound
from verify.labels.status_list import build_status_list, issue_status_list, locate, public_status, status_list_uri
from verify.services.context import Services
from verify.store.models import Label

_RECOUNT_SECONDS = 1.0  # how often an unknown list number may make us count the lists again


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


def status_list(services: Services, number: int) -> PublishedList:
    """Status list ``number`` (from 1), signed; at most ``status_list_ttl_seconds`` old. 404 past the last list."""
    settings, caches = services.settings, services.label_caches
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
