"""Domain labels: the signing keyring, the label vocabulary and the signed label tokens.

Pure library code (no Flask, no database): the service passes in the keyring, the
issuer, the time and the ids.
"""

from verify.labels.errors import KeyringError, LabelError, UnknownLabel, WrongSecret
from verify.labels.keyring import KeyRecord, Keyring, SigningKey
from verify.labels.tokens import (
    LABEL_TYP,
    LABEL_VCT,
    MAX_TOKEN_BYTES,
    Reason,
    TokenCheck,
    check_label,
    issue_label,
)
from verify.labels.vocabulary import (
    VOCABULARY,
    VOCABULARY_VERSION,
    Domain,
    LabelText,
    VocabularyRow,
    label_text,
    vocabulary_document,
)

__all__ = [
    "LABEL_TYP",
    "LABEL_VCT",
    "MAX_TOKEN_BYTES",
    "VOCABULARY",
    "VOCABULARY_VERSION",
    "Domain",
    "KeyRecord",
    "Keyring",
    "KeyringError",
    "LabelError",
    "LabelText",
    "Reason",
    "SigningKey",
    "TokenCheck",
    "UnknownLabel",
    "VocabularyRow",
    "WrongSecret",
    "check_label",
    "issue_label",
    "label_text",
    "vocabulary_document",
]
