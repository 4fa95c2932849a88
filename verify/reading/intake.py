"""Accept or refuse an uploaded part before anything decodes it.

The type is decided by magic bytes only; a declared content type or file name is
checked against them, never trusted. Raises ``FileTooLarge``, ``TypeNotAllowed`` or
``TypeMismatch`` (verify.errors).

>>> sniff(b"%PDF-1.7 ...")
<MediaType.PDF: 'application/pdf'>
"""

from __future__ import annotations

from enum import StrEnum

from verify.config import Limits
from verify.errors import FileTooLarge, TypeMismatch, TypeNotAllowed


class MediaType(StrEnum):
    """The accepted upload types, by their MIME names."""

    PDF = "application/pdf"
    JPEG = "image/jpeg"
    PNG = "image/png"
    TIFF = "image/tiff"
    WEBP = "image/webp"
    HEIC = "image/heic"

    @property
    def pillow_format(self) -> str:
        """The one Pillow decoder allowed to open this type (``""`` for PDF)."""
        return _PILLOW_FORMATS[self]


_PILLOW_FORMATS = {
    MediaType.PDF: "",
    MediaType.JPEG: "JPEG",
    MediaType.PNG: "PNG",
    MediaType.TIFF: "TIFF",
    MediaType.WEBP: "WEBP",
    MediaType.HEIC: "HEIF",  # pillow-heif's decoder (libheif), registered by verify.reading.images
}

#: ISO base media file brands (the ``ftyp`` box's major brand) of HEIF still images and sequences,
#: HEVC-coded (``heic``/``heix``... as iPhones write them) or generic (``mif1``, ``msf1``).
HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"})

#: Declared content types and file extensions, lower-case, mapped to the type they claim.
_DECLARED: dict[str, MediaType] = {
    "application/pdf": MediaType.PDF,
    "application/x-pdf": MediaType.PDF,
    "pdf": MediaType.PDF,
    "image/jpeg": MediaType.JPEG,
    "image/jpg": MediaType.JPEG,
    "image/pjpeg": MediaType.JPEG,
    "jpg": MediaType.JPEG,
    "jpeg": MediaType.JPEG,
    "jpe": MediaType.JPEG,
    "image/png": MediaType.PNG,
    "png": MediaType.PNG,
    "image/tiff": MediaType.TIFF,
    "tif": MediaType.TIFF,
    "tiff": MediaType.TIFF,
    "image/webp": MediaType.WEBP,
    "webp": MediaType.WEBP,
    "image/heic": MediaType.HEIC,
    "image/heif": MediaType.HEIC,
    "image/heic-sequence": MediaType.HEIC,
    "image/heif-sequence": MediaType.HEIC,
    "heic": MediaType.HEIC,
    "heif": MediaType.HEIC,
    "hif": MediaType.HEIC,
}

#: Declarations that say nothing about the type.
_UNINFORMATIVE = {"", "application/octet-stream", "binary/octet-stream"}


def sniff(data: bytes) -> MediaType:
    """The media type of ``data`` by its magic bytes; anything else raises ``TypeNotAllowed``.

    >>> sniff(b"\\x89PNG\\r\\n\\x1a\\n....")
    <MediaType.PNG: 'image/png'>
    >>> sniff(b"RIFF\\x00\\x00\\x00\\x00WEBPVP8 ")
    <MediaType.WEBP: 'image/webp'>
    >>> sniff(b"\\x00\\x00\\x00\\x18ftypheic\\x00\\x00\\x00\\x00mif1heic")
    <MediaType.HEIC: 'image/heic'>
    >>> sniff(b"<html>%PDF-1.4")
    Traceback (most recent call last):
    ...
    verify.errors.TypeNotAllowed: Only PDF, JPEG, PNG, TIFF, WebP and HEIC are accepted
    """
    if data.startswith(b"%PDF-"):
        return MediaType.PDF
    if data.startswith(b"\xff\xd8\xff"):
        return MediaType.JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return MediaType.PNG
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return MediaType.TIFF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return MediaType.WEBP
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return MediaType.HEIC
    raise TypeNotAllowed()


def declared_media_type(declared: str) -> MediaType | None:
    """What a content type (``image/png; charset=x``) or file name (``scan.PNG``) claims.

    ``None`` when the declaration says nothing (``application/octet-stream``, no extension);
    an unknown declaration raises ``TypeNotAllowed``.

    >>> declared_media_type("Scan 1.JPG")
    <MediaType.JPEG: 'image/jpeg'>
    >>> declared_media_type("image/png; foo=bar")
    <MediaType.PNG: 'image/png'>
    >>> declared_media_type("application/octet-stream") is None
    True
    """
    text = declared.split(";", 1)[0].strip().lower()
    if text in _UNINFORMATIVE:
        return None
    if text in _DECLARED:
        return _DECLARED[text]
    if "/" in text and "." not in text:
        raise TypeNotAllowed()
    _, dot, extension = text.rpartition(".")
    if not dot:
        return None
    if extension not in _DECLARED:
        raise TypeNotAllowed()
    return _DECLARED[extension]


def check_part(data: bytes, limits: Limits, declared_type: str | None = None) -> MediaType:
    """Check one uploaded part's size, type and declared type; return its media type.

    Raises ``FileTooLarge`` over ``limits.max_upload_bytes``, ``TypeNotAllowed`` for a
    type outside the allowlist (by magic bytes) and ``TypeMismatch`` when the declared
    type names another allowed type. Nothing is decoded here.

    >>> check_part(b"%PDF-1.7", Limits(), "certificate.pdf")
    <MediaType.PDF: 'application/pdf'>
    >>> check_part(b"%PDF-1.7", Limits(), "image/png")
    Traceback (most recent call last):
    ...
    verify.errors.TypeMismatch: The file's content does not match its declared type
    """
    if len(data) > limits.max_upload_bytes:
        raise FileTooLarge(f"Uploads are limited to {limits.max_upload_bytes} bytes.")
    actual = sniff(data)
    if declared_type is not None:
        try:
            claimed = declared_media_type(declared_type)
        except TypeNotAllowed:
            raise TypeMismatch() from None
        if claimed is not None and claimed != actual:
            raise TypeMismatch()
    return actual
