"""Sealing what older versions stored in the clear (``flask db upgrade`` and ``flask setup`` run it).

Versions before issue 13 sealed only the ``name``, ``id_number`` and ``number`` entries of
``verifications.fields``; the others (birth date, gender, ethnicity, institution, qualification
number ... and the text as read, ``raw``) were plain JSON. Now every entry is sealed
(``verify.crypto.at_rest``) and a plain one does not open (``integrity_error``), so the upgrade
seals them in place, a batch per transaction, with the associated data a fresh write would use.
Running it again finds nothing left.

A plain ``name``, ``id_number`` or ``number`` was never written by any version: it is tampering,
and is left for the integrity check to refuse rather than sealed (and so vouched for) here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from verify.crypto.at_rest import FIELD_PARTS, field_attribute, value_aad
from verify.crypto.envelope import Envelope, is_sealed_text
from verify.store.db import Store
from verify.store.models import Verification

#: Fields every version sealed.
ALWAYS_SEALED = frozenset({"name", "id_number", "number"})
_BATCH = 200


def _sealed_fields(envelope: Envelope, platform_id: str, verification_id: str,
                   fields: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """``fields`` with every part left in the clear sealed, and how many were."""
    sealed, count = {}, 0
    for name, entry in fields.items():
        if isinstance(entry, dict) and name not in ALWAYS_SEALED:
            entry = {**entry}
            for part in FIELD_PARTS:
                value = entry.get(part)
                if isinstance(value, str) and not is_sealed_text(value):
                    entry[part] = envelope.seal_text(
                        value, value_aad(platform_id, verification_id, field_attribute(name, part)))
                    count += 1
        sealed[name] = entry
    return sealed, count


def seal_clear_fields(store: Store, envelope: Envelope) -> int:
    """Seal every field value an older version stored in the clear; returns how many were."""
    query = (select(Verification.id, Verification.platform_id, Verification.fields)
             .order_by(Verification.id).limit(_BATCH))
    done, after = 0, ""
    while True:
        with store.write() as session:
            rows = session.execute(query.where(Verification.id > after)).all()
            for verification_id, platform_id, fields in rows:
                sealed, count = _sealed_fields(envelope, platform_id, verification_id, fields or {})
                if count:
                    session.execute(update(Verification).where(Verification.id == verification_id)
                                    .values(fields=sealed), execution_options={"synchronize_session": False})
                    done += count
        if len(rows) < _BATCH:
            return done
        after = rows[-1][0]
