"""What a document is, besides what it says: typed or signed, and whether its text layer shows.

Paper certificates reach us as photos and scans. A PDF whose certificate page has a text layer
was typed by someone, perhaps by anyone: it never approves on its own (``unsigned_digital_
document``) unless a signer the operator trusts signed the whole file (verify.reading.signatures).
A text layer can also say something other than what the page shows (invisible or white text,
text under an image): each such page is rendered and read by OCR as a person would see it, and
the decisive fields of the two readings compared (``text_layer_mismatch``).

Runs inside the isolated job process, like the rest of the pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from PIL import Image

from verify.config import Limits
from verify.domain import CredentialKind, Extraction
from verify.fields.extract import extract_located
from verify.fields.reread import reread_fields
from verify.reading import PageText, ocr_page, pdf
from verify.reading.ocr import NullEngine, OcrEngine
from verify.reading.prints import ImagePrint, page_print
from verify.reading.signatures import SignatureState, check_signatures
from verify.reasons import Reason

#: The fields a text layer must show as it says them: who, and which credential.
COMPARED_FIELDS = ("name", "id_number", "number")


@dataclass(frozen=True)
class Provenance:
    """``holds``: reasons to keep the case from approval; ``prints``: one per credential page."""

    holds: tuple[Reason, ...] = ()
    prints: tuple[ImagePrint, ...] = ()


def examine(
    parts: Sequence[bytes], kind: CredentialKind, pages: Sequence[PageText], written: Extraction, *,
    ocr: OcrEngine, limits: Limits, trust_roots: Sequence[bytes], now: datetime, floor: float,
) -> Provenance:
    """The provenance of the credential ``pages`` of a submission whose fields read ``written``."""
    holds: list[Reason] = []
    verdicts = {number: check_signatures(parts[number], trust_roots, now) for number in {p.part for p in pages}}
    if any(v.state is SignatureState.BROKEN for v in verdicts.values()):
        holds.append(Reason.SIGNATURE_INVALID)
    typed = [page for page in pages if page.source == "text"]
    if any(verdicts[page.part].state is not SignatureState.TRUSTED for page in typed):
        holds.insert(0, Reason.UNSIGNED_DIGITAL_DOCUMENT)
    renderings = {page.index: pdf.render(parts[page.part], page.part_page, limits) for page in typed}
    if typed and not isinstance(ocr, NullEngine) and not shows_what_it_says(
            written, _read_as_shown(kind, [renderings[page.index] for page in typed], ocr, limits, floor), floor):
        holds.append(Reason.TEXT_LAYER_MISMATCH)
    prints = tuple(page_print(renderings[page.index]) if page.index in renderings else page.image_print
                   for page in pages)
    return Provenance(tuple(holds), tuple(p for p in prints if p is not None))


def _read_as_shown(kind: CredentialKind, images: Sequence[Image.Image], ocr: OcrEngine, limits: Limits,
                   floor: float) -> Extraction:
    """The compared fields as OCR reads the rendered pages, settled like the pipeline's own readings:
    Tesseract misreads a name's character with high confidence, so each field is re-read from its
    region by the other readers, and a field they disagree on ends below ``floor`` (no evidence)."""
    pages = [replace(ocr_page(image, ocr, limits), index=index) for index, image in enumerate(images)]
    extraction, located = extract_located(kind, pages)
    return reread_fields(kind, extraction, located, pages, ocr.rereaders, decisive=frozenset(COMPARED_FIELDS),
                         floor=floor)[0]


def shows_what_it_says(written: Extraction, shown: Extraction, floor: float) -> bool:
    """Whether the page as drawn shows the decisive fields its text layer holds.

    A field read from the drawing below ``floor`` proves nothing either way; a drawing that
    shows none of the fields the layer holds is a mismatch (the layer is invisible).

    >>> from verify.domain import FieldValue as F
    >>> layer = Extraction(None, {"name": F("张三", "张三"), "number": F("110101", "110101")})
    >>> shows_what_it_says(layer, Extraction(None, {"number": F("110101", "110101", 0.95, "ocr")}), 0.8)
    True
    >>> shows_what_it_says(layer, Extraction(None, {"number": F("110109", "110109", 0.95, "ocr")}), 0.8)
    False
    >>> shows_what_it_says(layer, Extraction(None, {}), 0.8)
    False
    """
    held = [name for name in COMPARED_FIELDS if name in written.fields]
    both = [name for name in held if name in shown.fields]
    if held and not both:
        return False
    for name in both:
        drawn = shown.fields[name]
        if drawn.confidence >= floor and _compact(drawn.value) != _compact(written.fields[name].value):
            return False
    return True


def _compact(value: str) -> str:
    return "".join(value.split()).upper()
