"""Small files built on the spot for the reading tests: every allowed type, and hostile ones."""

from __future__ import annotations

import io
import struct
import zlib

import pillow_heif
from PIL import Image
from reportlab.pdfgen.canvas import Canvas


def image_bytes(fmt: str, size: tuple[int, int] = (40, 30), mode: str = "RGB", **save: object) -> bytes:
    """A small image saved by Pillow in ``fmt`` (``PNG``, ``JPEG``, ``TIFF``, ``WEBP``, ``GIF`` ...)."""
    out = io.BytesIO()
    Image.new(mode, size, "white").save(out, fmt, **save)
    return out.getvalue()


def heic(size: tuple[int, int] = (64, 64), quality: int = 50) -> bytes:
    """A small white HEIC (HEVC in HEIF, brand ``heic``) made with pillow-heif, as an iPhone saves one."""
    out = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", size, "white")).save(out, quality=quality)
    return out.getvalue()


def heic_claiming(width: int, height: int) -> bytes:
    """A small HEIC whose image size boxes (``ispe``) claim ``width`` × ``height`` (64 × 64 needs no
    ``clap`` box, which would crop the size back)."""
    data = bytearray(heic())
    start = data.find(b"ispe")
    while start != -1:  # box type, version and flags (4 bytes), then width and height
        data[start + 8:start + 16] = struct.pack(">II", width, height)
        start = data.find(b"ispe", start + 1)
    return bytes(data)


def tiff_frames(count: int, size: tuple[int, int] = (20, 10)) -> bytes:
    frames = [Image.new("L", size, 255) for _ in range(count)]
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:])
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` (its pixel data is a few bytes)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


def png_text_bomb(expanded: int = 4 << 20) -> bytes:
    """A valid 1×1 PNG with a zTXt chunk that inflates to ``expanded`` bytes."""
    png = image_bytes("PNG", (1, 1))
    bomb = _png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(bytes(expanded), 9))
    return png[:33] + bomb + png[33:]


def pdf_pages(count: int, text: str = "") -> bytes:
    """A PDF of ``count`` pages, each with ``text`` in Helvetica (ASCII only)."""
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    for _ in range(count):
        if text:
            canvas.drawString(72, 720, text)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def encrypted_pdf(user_password: str = "secret") -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1, encrypt=user_password)
    canvas.drawString(72, 720, "locked")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


CORRUPT_PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R\nstartxref\n999999\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body>%PDF-1.4</body></html>"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(40)
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
