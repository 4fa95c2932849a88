"""Fuzz targets: each takes raw bytes and may only fail with the errors its contract names.

The shape follows pdfminer.six's own OSS-Fuzz harnesses: input the service really gets,
a page cap (``max_pages`` 10), and every exception outside the documented family is a
bug. Hangs and memory blow-ups are caught by libFuzzer's ``-timeout`` and
``-rss_limit_mb`` (in production the isolated job process bounds them).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace

import atheris

from verify.config import Limits
from verify.domain import CredentialKind
from verify.errors import DocumentError, VerifyError
from verify.fields import detect_kind, extract_fields
from verify.kinds import DOCUMENTS, KINDS
from verify.reading import PageText, read_document
from verify.reading.intake import check_part
from verify.reading.ocr import NullEngine, OcrLine
from verify.registry.exceptions import RegistryError

LIMITS = replace(Limits(), max_pages=10)
_DECLARED = ["", "application/pdf", "image/png", "image/jpeg", "image/tiff", "image/webp", "image/heic", "scan.pdf",
             "x.png", "IMG_0001.HEIC", "application/octet-stream", "text/html", "a.jpg.php"]
_KINDS = sorted(KINDS, key=lambda kind: kind.value)  # every number kind (registry validators)
_DOCUMENTS = sorted(DOCUMENTS, key=lambda kind: kind.value)  # the kinds that are printed documents


def intake(data: bytes) -> None:
    """Upload intake: size, magic bytes and the declared type. Only our upload refusals may escape."""
    provider = atheris.FuzzedDataProvider(data)
    declared = _DECLARED[provider.ConsumeIntInRange(0, len(_DECLARED) - 1)]
    with contextlib.suppress(VerifyError):
        check_part(provider.ConsumeBytes(provider.remaining_bytes()), LIMITS, declared or None)


def pdf_text(data: bytes) -> None:
    """A PDF (or any upload) to page texts, no OCR. Only DocumentError may escape."""
    with contextlib.suppress(DocumentError):
        read_document([data], ocr=NullEngine(), limits=LIMITS)


def fields(data: bytes) -> None:
    """Page text to a credential kind and its fields: must never raise."""
    provider = atheris.FuzzedDataProvider(data)
    source = "ocr" if provider.ConsumeBool() else "text"
    pages = []
    for index in range(provider.ConsumeIntInRange(1, 3)):
        text = provider.ConsumeUnicodeNoSurrogates(provider.ConsumeIntInRange(0, 600))
        lines = [OcrLine(line, provider.ConsumeFloatInRange(0.0, 1.0)) for line in text.splitlines()]
        pages.append(PageText(index, text, source, lines))  # type: ignore[arg-type]
    kind = detect_kind(pages, None)
    for candidate in (kind, _DOCUMENTS[provider.ConsumeIntInRange(0, len(_DOCUMENTS) - 1)]):
        if candidate is not None:
            extract_fields(candidate, pages)


def registry(kind: CredentialKind | None = None) -> Callable[[bytes], None]:
    """One validator (or, with no kind, each in turn): only RegistryError may escape ``validate``."""

    def target(data: bytes) -> None:
        provider = atheris.FuzzedDataProvider(data)
        chosen = kind or _KINDS[provider.ConsumeIntInRange(0, len(_KINDS) - 1)]
        module = KINDS[chosen].number_rules
        number = provider.ConsumeUnicodeNoSurrogates(provider.ConsumeIntInRange(0, 40))
        compacted = module.compact(number)
        assert isinstance(compacted, str)
        valid = module.is_valid(number)
        assert valid in (True, False)
        try:
            parsed = module.validate(number)
        except RegistryError:
            assert not valid, f"is_valid and validate disagree on {number!r}"
            return
        assert valid, f"is_valid and validate disagree on {number!r}"
        parsed.as_dict()
        assert module.compact(module.format(compacted)) == compacted

    return target


TARGETS: dict[str, Callable[[bytes], None]] = {
    "intake": intake,
    "pdf": pdf_text,
    "fields": fields,
    "registry": registry(),
    **{f"registry-{kind.value}": registry(kind) for kind in _KINDS},
}
