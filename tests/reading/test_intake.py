"""Intake: type by magic bytes, the allowlist, declared types and the size limit."""

from __future__ import annotations

import pytest

from tests.reading import samples
from verify.config import Limits
from verify.errors import FileTooLarge, TypeMismatch, TypeNotAllowed
from verify.reading.intake import MediaType, check_part, declared_media_type, sniff

LIMITS = Limits()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (samples.pdf_pages(1), MediaType.PDF),
        (samples.image_bytes("JPEG"), MediaType.JPEG),
        (samples.image_bytes("PNG"), MediaType.PNG),
        (samples.image_bytes("TIFF"), MediaType.TIFF),
        (samples.image_bytes("TIFF", tiffinfo={}, compression="tiff_deflate"), MediaType.TIFF),
        (b"MM\x00*" + bytes(20), MediaType.TIFF),
        (samples.image_bytes("WEBP"), MediaType.WEBP),
        (samples.heic(), MediaType.HEIC),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", MediaType.HEIC),
        (b"\x00\x00\x00\x18ftypheix\x00\x00\x00\x00mif1heix", MediaType.HEIC),
        (b"\x00\x00\x00\x18ftyphevc\x00\x00\x00\x00msf1hevc", MediaType.HEIC),
    ],
    ids=["pdf", "jpeg", "png", "tiff", "tiff-deflate", "tiff-big-endian", "webp", "heic", "heif-mif1", "heix",
         "hevc-sequence"],
)
def test_each_allowed_type_is_sniffed(data: bytes, expected: MediaType) -> None:
    assert sniff(data) is expected
    assert check_part(data, LIMITS) is expected


@pytest.mark.parametrize(
    ("data", "declared"),
    [
        (samples.HTML, "certificate.pdf"),
        (samples.ZIP, "application/zip"),
        (samples.image_bytes("GIF"), "image/gif"),
        (samples.SVG, "image/svg+xml"),
        (samples.image_bytes("BMP"), "scan.png"),
        (b"", None),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio.webp"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", "photo.heic"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1", "image/avif"),
    ],
    ids=["html-as-pdf", "zip", "gif", "svg", "bmp-as-png", "empty", "riff-wave", "mp4-as-heic", "avif"],
)
def test_types_outside_the_allowlist_are_refused(data: bytes, declared: str | None) -> None:
    with pytest.raises(TypeNotAllowed):
        check_part(data, LIMITS, declared)


@pytest.mark.parametrize("declared", ["image/png", "scan.png", "photo.JPG", "text/html", "page.html"])
def test_a_declared_type_that_disagrees_with_the_bytes_is_a_mismatch(declared: str) -> None:
    with pytest.raises(TypeMismatch):
        check_part(samples.pdf_pages(1), LIMITS, declared)


@pytest.mark.parametrize(
    "declared", ["application/pdf", "Certificate.PDF", "application/octet-stream", "", "no-extension"]
)
def test_a_matching_or_uninformative_declaration_is_accepted(declared: str) -> None:
    assert check_part(samples.pdf_pages(1), LIMITS, declared) is MediaType.PDF


def test_declared_types_are_read_from_mime_types_and_file_names() -> None:
    assert declared_media_type("image/jpeg; charset=binary") is MediaType.JPEG
    assert declared_media_type("scan.tif") is MediaType.TIFF
    assert declared_media_type("IMAGE/WEBP") is MediaType.WEBP
    assert declared_media_type("IMG_0042.HEIC") is declared_media_type("image/heif") is MediaType.HEIC
    assert declared_media_type("application/octet-stream") is None


def test_an_oversized_part_is_refused_before_its_type_is_looked_at() -> None:
    limits = Limits(max_upload_bytes=1000)
    with pytest.raises(FileTooLarge):
        check_part(b"<html>" + bytes(2000), limits)
    assert check_part(samples.image_bytes("PNG", (4, 4)), limits) is MediaType.PNG


def test_a_heic_declared_as_a_jpeg_is_a_mismatch() -> None:
    with pytest.raises(TypeMismatch):
        check_part(samples.heic(), LIMITS, "IMG_0042.jpg")
    assert check_part(samples.heic(), LIMITS, "IMG_0042.HEIC") is MediaType.HEIC
