"""A compromised signing key: withdrawn at once, and its live labels signed again with the current key."""

from __future__ import annotations

from sqlalchemy import select

from verify import audit
from verify.labels.tokens import resign
from verify.services.context import Services
from verify.services.labels.freshness import announce_label_changes
from verify.services.labels.state import SUBJECT
from verify.store.models import Label


def withdraw_signing_key(services: Services, kid: str, *, actor: str = "cli") -> tuple[str, int]:
    """Withdraw a compromised signing key at once and sign its live labels again with the current key.

    The key leaves the JWKS and every check of every process, on every node, before this returns
    (the change counters, verify.services.labels.freshness): its tokens
    answer ``unknown_key``. Each live label it signed (not revoked, not expired) keeps its id,
    status entry and text and gets a new token, which platforms read from the verification or the
    account's labels. The key is withdrawn first (its own commit), then the labels are signed again and
    audited: run it again after a failure in between and it finishes the second step. Returns the current
    kid and how many labels were signed again.
    """
    now = services.clock()
    services.keyring.reload_if_changed()
    current = services.keyring.compromise(kid, now)  # commits on its own: from here no check trusts the key
    with services.store.write() as session:  # the audit entries commit with the new tokens
        live = session.scalars(select(Label).where(Label.kid == kid, Label.revoked_at.is_(None),
                                                   Label.expires_at > now).with_for_update()).all()
        announce_label_changes(session)  # every node's checks reload the keys before their next answer
        audit.record(session, actor=actor, action="signing.compromise", subject_type="signing_key", subject_id=kid,
                     now=now, before=None, after={"current": current})
        for label in live:
            label.token, label.kid = resign(services.keyring, label.token), current
            audit.record(session, actor=actor, action="label.resign", subject_type=SUBJECT, subject_id=label.id,
                         now=now, platform_id=label.platform_id, before={"kid": kid}, after={"kid": current})
    services.label_caches.keys_changed()  # status lists it signed go too; other processes reload the keys
    return current, len(live)
