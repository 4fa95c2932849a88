"""Noticing a certificate, or a picture of one, that already backs another account's label.

A label promises that this account's holder holds the credential. The same credential number
behind a live label (active or suspended, not revoked or expired) of another account is noticed:

- on the same platform, whoever the holder: the case goes to review (``credential_in_use``) and
  the reviewer sees the other account;
- on another platform, only when that label's holder is a different person (the keyed digests
  of the two holders' ID numbers differ); the same person on two platforms is normal. The
  finding says only that: no platform learns another's accounts or data.

The same picture (verify.reading.prints) behind another account's live label is noticed the
same way (``document_in_use``). Numbers and ID numbers are compared as keyed digests
(verify.crypto.lookup): nothing here stores or reads them in the clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from verify.checks.person import holder_id
from verify.crypto.lookup import LookupKey
from verify.domain import Holder
from verify.reading.prints import ImagePrint as PagePrint
from verify.reading.prints import same_picture
from verify.reasons import Reason
from verify.store.models import ImagePrint, Label, Verification

THIS_PLATFORM, ANOTHER_PLATFORM = "this_platform", "another_platform"


@dataclass(frozen=True)
class Finding:
    """One reuse: the reason, where, and (same platform only) the other account and its label."""

    reason: Reason
    where: str
    account_id: str | None = None
    label_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        shown = {"reason": self.reason.value, "where": self.where}
        if self.where == THIS_PLATFORM:
            shown |= {"account_id": self.account_id, "label_id": self.label_id}
        return shown


def credential_digest(lookup: LookupKey, kind: str, number: str) -> str:
    return lookup.digest(f"credential:{kind}", "".join(number.split()).upper())


def holder_digest(lookup: LookupKey, holder: Holder, today: date) -> str | None:
    """The digest of the holder's ID number in its 18-digit form; None when absent or not valid."""
    parsed = holder_id(holder, today)
    return lookup.digest("holder", parsed.as_18) if parsed is not None else None


def _live(now: datetime) -> Any:
    return (Label.revoked_at.is_(None)) & (Label.expires_at > now)


def _finding(reason: Reason, label: Label, verification: Verification) -> Finding | None:
    if label.platform_id == verification.platform_id:
        if label.account_id == verification.account_id:
            return None  # the account's own earlier label: a renewal, superseded on issue
        return Finding(reason, THIS_PLATFORM, label.account_id, label.id)
    different = (label.holder_digest is not None and verification.holder_digest is not None
                 and label.holder_digest != verification.holder_digest)
    return Finding(reason, ANOTHER_PLATFORM) if different else None


def find(session: Session, verification: Verification, now: datetime) -> list[Finding]:
    """The live labels of other accounts that ``verification``'s credential or pictures already back."""
    found: list[Finding] = []
    if verification.credential_digest:
        labels = session.scalars(select(Label).where(
            Label.credential_digest == verification.credential_digest, _live(now)).order_by(Label.issued_at))
        found += [f for label in labels if (f := _finding(Reason.CREDENTIAL_IN_USE, label, verification))]
    for stored in verification.image_prints or ():
        ours = PagePrint.from_json(stored)
        bands = ours.bands
        rows = session.execute(
            select(ImagePrint.fine, Label).join(Label, Label.id == ImagePrint.label_id)
            .where(or_(ImagePrint.band0 == bands[0], ImagePrint.band1 == bands[1], ImagePrint.band2 == bands[2],
                       ImagePrint.band3 == bands[3]), _live(now))
        ).all()
        found += [f for fine, label in rows if same_picture(ours, PagePrint(ours.coarse, fine))
                  and (f := _finding(Reason.DOCUMENT_IN_USE, label, verification))]
    return list(dict.fromkeys(found))


def remember(session: Session, label: Label, verification: Verification) -> None:
    """Give a new label its verification's digests and page prints, for later cases to be compared with."""
    label.credential_digest, label.holder_digest = verification.credential_digest, verification.holder_digest
    for stored in verification.image_prints or ():
        page = PagePrint.from_json(stored)
        band0, band1, band2, band3 = page.bands
        session.add(ImagePrint(label_id=label.id, band0=band0, band1=band1, band2=band2, band3=band3,
                               fine=page.fine))
