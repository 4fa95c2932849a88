"""Token Status List (draft-ietf-oauth-status-list): the signed, cacheable list of label states.

Every label carries ``status: {status_list: {idx, uri}}`` (§6.2). The list at ``uri`` is a
JWT with header ``typ`` ``statuslist+jwt`` and claims ``sub`` (= ``uri``), ``iat``, ``exp``,
``ttl`` and ``status_list: {bits, lst}`` (§5.1). ``lst`` is the base64url of the
ZLIB/DEFLATE-compressed byte array (§4.1) in which entry ``i`` occupies ``bits`` bits,
packed from the least significant bit of each byte. We use 2 bits and publish two of the
§7.1 values: 0 VALID and 1 INVALID, for a revoked *or a suspended* label (:func:`public_status`),
because the check API answers both ``revoked`` and a public list should not tell anyone more
(the draft's privacy considerations on SUSPENDED). A suspended label's entry goes back to 0 when
it resumes; the draft lets a status change. The service keeps one global ``status_index`` per
label; list ``n`` (from 1) holds indices ``(n - 1) * size`` to ``n * size - 1``.

The draft's own example (§4.1, §4.2), 16 one-bit entries:

>>> example = StatusList(16, bits=1)
>>> for index in (0, 3, 4, 5, 7, 8, 9, 13, 15):
...     example[index] = 1
>>> bytes(example.data).hex(), example.encode()
('b9a3', 'eNrbuRgAAhcBXQ')
>>> StatusList.decode("eNo76fITAAPfAgc", bits=2)[1]
2
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import datetime
from enum import IntEnum
from typing import Any

from verify.labels.errors import LabelError
from verify.labels.jwk import b64url_decode, b64url_encode
from verify.labels.keyring import Keyring
from verify.labels.tokens import sign_jwt

STATUS_LIST_TYP = "statuslist+jwt"
MEDIA_TYPE = "application/statuslist+jwt"
BITS = 2
#: A decoded list larger than this is refused (a decompression bomb, §11.1): 2^24 two-bit entries.
MAX_DECODED_BYTES = 4 * 1024 * 1024


class Status(IntEnum):
    """A label's entry in the list (§7.1)."""

    VALID = 0
    INVALID = 1
    SUSPENDED = 2


class StatusList:
    """``size`` entries of ``bits`` bits (1, 2, 4 or 8), all 0 (valid) at first.

    Raises ``IndexError`` for an index outside the list and ``ValueError`` for a value that
    does not fit in ``bits``.
    """

    def __init__(self, size: int, bits: int = BITS, data: bytes | bytearray | None = None) -> None:
        if bits not in (1, 2, 4, 8):
            raise ValueError("bits must be 1, 2, 4 or 8")
        if size < 0:
            raise ValueError("size must not be negative")
        self.bits = bits
        self.size = size
        length = (size * bits + 7) // 8
        self.data = bytearray(length) if data is None else bytearray(data)
        if len(self.data) != length:
            raise ValueError(f"{size} entries of {bits} bits need {length} bytes, not {len(self.data)}")

    def _place(self, index: int) -> tuple[int, int]:
        if not 0 <= index < self.size:
            raise IndexError(f"status index {index} is outside this list of {self.size}")
        position = index * self.bits
        return position // 8, position % 8

    def __getitem__(self, index: int) -> int:
        byte, shift = self._place(index)
        return (self.data[byte] >> shift) & ((1 << self.bits) - 1)

    def __setitem__(self, index: int, value: int) -> None:
        mask = (1 << self.bits) - 1
        if not 0 <= value <= mask:
            raise ValueError(f"status {value} does not fit in {self.bits} bits")
        byte, shift = self._place(index)
        self.data[byte] = (self.data[byte] & ~(mask << shift)) | (value << shift)

    def encode(self) -> str:
        """``lst``: base64url of the byte array compressed with ZLIB at the highest level (§4.1)."""
        return b64url_encode(zlib.compress(bytes(self.data), 9))

    def as_claim(self) -> dict[str, Any]:
        """The ``status_list`` claim: ``{"bits": ..., "lst": ...}`` (§4.2)."""
        return {"bits": self.bits, "lst": self.encode()}

    @classmethod
    def decode(cls, lst: str, bits: int) -> StatusList:
        """The list in ``lst``; its size is what the bytes hold (``len * 8 // bits``).

        Raises ``ValueError`` for text that is not base64url, not ZLIB, or decodes to more
        than ``MAX_DECODED_BYTES``.
        """
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(b64url_decode(lst), MAX_DECODED_BYTES)
        except zlib.error as exc:
            raise ValueError(f"lst is not ZLIB data: {exc}") from exc
        if inflater.unconsumed_tail or not inflater.eof:
            raise ValueError("lst is truncated or decodes to more than the size limit")
        return cls(len(data) * 8 // bits, bits, data)


def public_status(status: Status) -> Status:
    """The value the public list shows for ``status``: what the check API answers, suspended as invalid.

    >>> [public_status(s).name for s in Status]
    ['VALID', 'INVALID', 'INVALID']
    """
    return Status.VALID if status is Status.VALID else Status.INVALID


def build_status_list(entries: Iterable[tuple[int, Status]], *, number: int, size: int) -> StatusList:
    """List ``number`` (from 1) of ``size`` entries, from ``(global status index, status)`` pairs.

    Pairs whose index belongs to another list are skipped.

    >>> built = build_status_list([(1, Status.INVALID), (6, Status.SUSPENDED)], number=2, size=4)
    >>> [built[i] for i in range(4)]
    [0, 0, 2, 0]
    """
    status_list = StatusList(size)
    low = (number - 1) * size
    for index, status in entries:
        if low <= index < low + size:
            status_list[index - low] = int(status)
    return status_list


def locate(status_index: int, size: int) -> tuple[int, int]:
    """``(list number, idx)`` of a global status index: list numbers start at 1.

    >>> locate(5, 4)
    (2, 1)
    """
    return status_index // size + 1, status_index % size


def status_list_uri(base_url: str, number: int) -> str:
    """The ``uri`` of list ``number``, served by ``GET /v1/status-lists/<number>``.

    >>> status_list_uri("https://verify.example/", 1)
    'https://verify.example/v1/status-lists/1'
    """
    return f"{base_url.rstrip('/')}/v1/status-lists/{number}"


def issue_status_list(
    keyring: Keyring, *, issuer: str, uri: str, status_list: StatusList, issued_at: datetime,
    expires_at: datetime, ttl: int,
) -> str:
    """The Status List Token (§5.1), signed with the keyring's current key.

    Raises :class:`LabelError` for a naive or inverted time span or a ``ttl`` below 1.
    """
    if issued_at.tzinfo is None or expires_at.tzinfo is None:
        raise LabelError("Status list times must be timezone-aware.")
    iat, exp = int(issued_at.timestamp()), int(expires_at.timestamp())
    if exp <= iat or ttl < 1:
        raise LabelError("A status list must expire after it is issued and have a positive ttl.")
    claims = {"iss": issuer, "sub": uri, "iat": iat, "exp": exp, "ttl": ttl, "status_list": status_list.as_claim()}
    return sign_jwt(keyring, STATUS_LIST_TYP, claims)
