"""Domain labels: the signing keyring, the label table and the signed label tokens.

Pure library code (no Flask, no database): the service passes in the keyring, the
issuer, the time and the ids.
"""

from verify.labels.errors import KeyringError, LabelError, UnknownLabel, WrongSecret
from verify.labels.keyring import KeyRecord, Keyring, SigningKey
from verify.labels.table import (
    LABEL_TABLE,
    LABEL_TABLE_VERSION,
    LabelRow,
    LabelText,
    label_text,
    table_document,
)
from verify.labels.tokens import (
    LABEL_TYP,
    LABEL_VCT,
    MAX_TOKEN_BYTES,
    Reason,
    TokenCheck,
    check_label,
    issue_label,
)

__all__ = [
    "LABEL_TABLE",
    "LABEL_TABLE_VERSION",
    "LABEL_TYP",
    "LABEL_VCT",
    "MAX_TOKEN_BYTES",
    "KeyRecord",
    "Keyring",
    "KeyringError",
    "LabelError",
    "LabelRow",
    "LabelText",
    "Reason",
    "SigningKey",
    "TokenCheck",
    "UnknownLabel",
    "WrongSecret",
    "check_label",
    "issue_label",
    "label_text",
    "table_document",
]
