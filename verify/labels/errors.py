"""The labels package's own errors, part of the service's one error family.

>>> issubclass(WrongSecret, KeyringError) and issubclass(KeyringError, LabelError)
True
"""

from __future__ import annotations

from verify.errors import VerifyError


class LabelError(VerifyError):
    """Base class for keyring, token and label table failures."""

    status, type_slug, title = 500, "label_error", "Label error"


class KeyringError(LabelError):
    """The signing-key directory cannot be read, written or trusted."""

    status, type_slug, title = 503, "signing_unavailable", "The signing keys are not available"


class WrongSecret(KeyringError):
    """A private key does not decrypt with the configured secret (``VERIFY_SECRET_KEY``)."""

    title = "The signing key cannot be decrypted with the configured secret"


class UnknownLabel(LabelError):
    """The label table has no label for this credential: send it to manual review, never invent one."""

    status, type_slug, title = 422, "unknown_label", "No label in the vocabulary for this credential"
