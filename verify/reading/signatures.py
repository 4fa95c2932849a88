"""PDF signatures: is this file, as a whole, signed by a signer the operator trusts?

A typed PDF is not an official document: anyone can make one. Electronic certificates that
authorities issue as PDFs carry a digital signature (PAdES / ISO 32000 ``/Sig`` fields); where
the operator names the certificates it trusts (``VERIFY_TRUSTED_SIGNERS``, PEM files of
issuing CAs), a file whose signature validates to one of them and covers every byte of the
file may be approved like a paper original. pyHanko does the validation (CMS signature, the
certificate path to a trust root, the byte ranges; no network: revocation is not fetched).

The verdicts: ``unsigned`` (no signature), ``trusted`` (a signature valid, trusted and covering
the whole file), ``untrusted`` (intact, but no trusted path: e.g. no trust roots configured),
``broken`` (a signature whose bytes no longer match, or the file changed after signing).

pyHanko parses the file with no limits of its own: call this only in the isolated job process.
"""

from __future__ import annotations

import importlib
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

log = logging.getLogger(__name__)
# pyHanko logs every path it cannot build and every diff it cannot explain as a warning: for us these are
# findings about an uploaded file, reported as its verdict, not service problems.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).setLevel(logging.ERROR)

_SIGNATURE_MARK = b"/ByteRange"  # every signature dictionary has one; a file without it is unsigned


class SignatureState(StrEnum):
    UNSIGNED = "unsigned"
    TRUSTED = "trusted"
    UNTRUSTED = "untrusted"
    BROKEN = "broken"


@dataclass(frozen=True)
class SignatureVerdict:
    state: SignatureState
    detail: str = ""


def read_trust_roots(paths: Sequence[Path]) -> tuple[bytes, ...]:
    """The PEM files of ``VERIFY_TRUSTED_SIGNERS``, read and checked once at start.

    Raises ``ValueError`` (the service refuses to start) for a file that is missing or holds
    no certificate: a typo must not silently trust nothing.
    """
    blobs = []
    for path in paths:
        try:
            blob = path.read_bytes()
        except OSError as exc:
            raise ValueError(f"VERIFY_TRUSTED_SIGNERS: cannot read {path}: {exc.strerror}") from exc
        if not _certificates(blob):
            raise ValueError(f"VERIFY_TRUSTED_SIGNERS: no PEM certificate in {path}")
        blobs.append(blob)
    return tuple(blobs)


def _certificates(blob: bytes) -> list[asn1_x509.Certificate]:
    """The certificates in a PEM blob (none when it holds none, or only damaged ones).

    >>> _certificates(b"not a certificate")
    []
    """
    if not pem.detect(blob):
        return []
    found = []
    try:
        for kind, _headers, der in pem.unarmor(blob, multiple=True):
            if kind == "CERTIFICATE":
                certificate = asn1_x509.Certificate.load(der)
                certificate.native  # noqa: B018 - parse it all now: a damaged one fails here, not at first use
                found.append(certificate)
    except ValueError:  # bad base64 or DER
        return []
    return found


def import_validator() -> None:
    """Import pyHanko now (the job forkserver does, so that no job pays for it)."""
    for module in ("pyhanko.pdf_utils.reader", "pyhanko.sign.validation", "pyhanko_certvalidator"):
        importlib.import_module(module)


def check_signatures(data: bytes, trust_roots: Sequence[bytes], now: datetime) -> SignatureVerdict:
    """The verdict on a PDF's signatures at ``now`` against the PEM ``trust_roots``.

    pyHanko is imported only here, for a file that has a signature dictionary (it costs a process 0.5 s).
    """
    if _SIGNATURE_MARK not in data:
        return SignatureVerdict(SignatureState.UNSIGNED)
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception:  # a file pdfium and pdfminer read but pyHanko cannot: its signature cannot count
        log.info("PDF signatures could not be read", exc_info=True)
        return SignatureVerdict(SignatureState.BROKEN, "The signature structure could not be read.")
    if not signatures:  # a signature dictionary is there, but no signature field leads to it
        return SignatureVerdict(SignatureState.BROKEN, "A signature is present but cannot be found from the file.")
    roots = [certificate for blob in trust_roots for certificate in _certificates(blob)]
    context = ValidationContext(trust_roots=roots, allow_fetching=False,
                                revocation_mode="soft-fail", moment=now)
    verdict = SignatureVerdict(SignatureState.UNTRUSTED, "No signature leads to a trusted signer.")
    for signature in signatures:
        try:
            status = validate_pdf_signature(signature, context)
        except Exception:  # malformed CMS, unsupported algorithms ...: that signature proves nothing
            log.info("a PDF signature could not be validated", exc_info=True)
            return SignatureVerdict(SignatureState.BROKEN, "A signature could not be validated.")
        if not status.intact or not status.valid:
            return SignatureVerdict(SignatureState.BROKEN, "A signature does not match the signed bytes.")
        whole = status.coverage is SignatureCoverageLevel.ENTIRE_FILE
        if whole and status.bottom_line:
            verdict = SignatureVerdict(SignatureState.TRUSTED, "Signed by a trusted signer; covers the whole file.")
        elif whole is False and signature is signatures[-1]:
            return SignatureVerdict(SignatureState.BROKEN, "The file was changed after its last signature.")
    return verdict
