"""Hostile files made on the spot: bombs, floods, loops, truncations and spoofs.

Nothing is downloaded; every sample is built here from a few lines of PDF, PNG or TIFF
structure so the tests show exactly what is in it.
"""

from __future__ import annotations

import contextlib
import io
import random
import resource
import struct
import zlib
from collections.abc import Sequence

from PIL import Image

# --- PDF -------------------------------------------------------------------------------------


def pdf(objects: Sequence[bytes], *, root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF whose object N (from 1) is ``objects[N - 1]``, with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, root, trailer_extra, xref))
    return out.getvalue()


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _one_page(content: bytes, resources: bytes = b"<< >>") -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources %s >>" % resources,
        content,
    ]


def zeros_deflated(size: int, *, times: int = 1) -> bytes:
    """``size`` zero bytes (a multiple of 1 MiB) as a zlib stream, deflated ``times`` times over.

    Built without ever holding or compressing ``size`` bytes: after a full flush, every
    MiB of zeros compresses to the same block, so the block is repeated, and the Adler-32
    of n zeros is ``(n mod 65521) << 16 | 1``.
    """
    chunk = bytes(1 << 20)
    compressor = zlib.compressobj(9)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = compressor.flush(zlib.Z_FINISH)[:-4]
    data = first + block * (size // len(chunk) - 1) + final + struct.pack(">I", (size % 65521) << 16 | 1)
    for _ in range(times - 1):
        data = zlib.compress(data, 9)
    return data


def flate_bomb_pdf(expanded: int = 4 << 30) -> bytes:
    """One page whose content stream, under two nested /FlateDecode filters, expands to ``expanded`` bytes."""
    body = zeros_deflated(expanded, times=2)
    return pdf(_one_page(stream(body, b"/Filter [/FlateDecode /FlateDecode] ")))


def circular_xobject_pdf() -> bytes:
    """A page drawing Form XObject /X, which draws itself (pdfminer.six #1113)."""
    return pdf([
        *_one_page(stream(b"/X Do"), b"<< /XObject << /X 5 0 R >> >>"),
        stream(b"/X Do", b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X 5 0 R >> >> "),
    ])


def page_tree_cycle_pdf() -> bytes:
    """A page tree node whose kids include itself (a never-ending tree, pdfminer.six #909 class)."""
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ])


def page_flood_pdf(pages: int = 5000) -> bytes:
    """``pages`` empty pages sharing one content stream: a few hundred KB."""
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        stream(b"BT ET"),
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * pages
    return pdf(objects)


def truncated_flate_pdf(size: int = 1_400_000) -> bytes:
    """A content stream of ``size`` compressed bytes cut off before its end (pdfminer.six #1163)."""
    noise = random.Random(1163).randbytes(size + size // 8)  # incompressible: the stream stays this long
    data = zlib.compress(noise, 1)[:size]
    return pdf(_one_page(stream(data, b"/Filter /FlateDecode ")))


def cmap_path_pdf(cmap_name: str) -> bytes:
    """A Type0 font whose /Encoding names a CMap by an attacker-chosen path (CVE-2025-64512 class)."""
    font = (b"<< /Type /Font /Subtype /Type0 /BaseFont /F /Encoding /%s /DescendantFonts [6 0 R] >>"
            % cmap_name.encode())
    return pdf([
        *_one_page(stream(b"BT /F1 12 Tf 72 720 Td <0001> Tj ET"), b"<< /Font << /F1 5 0 R >> >>"),
        font,
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /F /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1)"
        b" /Supplement 0 >> >>",
    ])


# --- images ----------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims ``width`` x ``height`` with a token of pixel data (a pixel flood)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + _png_chunk(b"IEND", b""))


def png_text_bomb(expanded: int = 100 << 20) -> bytes:
    """A small valid PNG with a zTXt chunk that inflates to ``expanded`` bytes."""
    image = io.BytesIO()
    Image.new("L", (8, 8), 255).save(image, "PNG")
    raw = image.getvalue()
    ztxt = _png_chunk(b"zTXt", b"Comment\0\0" + zeros_deflated(expanded))
    return raw[:33] + ztxt + raw[33:]  # after the signature (8) and IHDR (25)


def tiff_frames(count: int) -> bytes:
    out = io.BytesIO()
    frames = [Image.new("L", (4, 4), i % 256) for i in range(count)]
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:])
    return out.getvalue()


def tiff_ifd_loop() -> bytes:
    """A one-frame TIFF whose next-IFD offset points back at its own IFD."""
    out = io.BytesIO()
    Image.new("L", (4, 4), 0).save(out, "TIFF")
    data = bytearray(out.getvalue())
    ifd = struct.unpack("<I", data[4:8])[0]
    entries = struct.unpack("<H", data[ifd:ifd + 2])[0]
    next_at = ifd + 2 + 12 * entries
    data[next_at:next_at + 4] = struct.pack("<I", ifd)
    return bytes(data)


def jpeg(size: tuple[int, int] = (640, 480), **save: object) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 64).convert("RGB").save(out, "JPEG", quality=85, **save)
    return out.getvalue()


def peak_memory_reading(data: bytes, cap: int) -> int:
    """Read ``data`` with streams capped at ``cap`` bytes (in an isolated job process); how far the
    process's peak RSS rose above its size when it began (the job process carries the OCR models it
    was forked with, whatever the reading costs).

    It lives in this small module so that the job process, which imports it to run it, measures the
    reading and not the imports of a test module.
    """
    from verify.config import Limits
    from verify.errors import ResourceLimit
    from verify.reading import read_document
    from verify.reading.ocr import NullEngine

    before = _resident_bytes()
    with contextlib.suppress(ResourceLimit):
        read_document([data], ocr=NullEngine(), limits=Limits(max_stream_bytes=cap))
    return max(0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before)


def _resident_bytes() -> int:
    """This process's resident set now (``/proc/self/statm``'s second field, in pages)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()
