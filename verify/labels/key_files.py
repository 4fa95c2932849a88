"""A keyring shelf in a directory: for tools and tests without a database, and the keys older versions kept.

Layout (versions before the keys moved to the database kept them in ``<data dir>/keys``)::

    keyring.json    manifest: per key kid, x, file, created_at, retired_at, encrypted, compromised_at
    keyring.lock    flock(2) target: exclusive while writing, shared while reading
    <kid>.pem       the current private key, PKCS8 PEM, encrypted with a key derived from the secret

Files are written 0600 (tmp file, fsync, ``os.replace``); updates run under the exclusive lock. The
stamp is the manifest's inode, modification time and size (one ``os.stat``).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from verify.durable import replace_file
from verify.labels.errors import KeyringError
from verify.labels.jwk import b64url_decode, thumbprint
from verify.labels.keyring import Edit, KeyRecord, Shelved, current_record

MANIFEST = "keyring.json"
LOCK = "keyring.lock"
_FORMAT = 1
_KID = re.compile(r"[A-Za-z0-9_-]{43}")


class DirectoryShelf:
    """The keys in ``directory`` (created on first update); see the module docstring."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.where = str(self.directory)

    def stamp(self) -> tuple[int, int, int] | None:
        try:
            return _stamp(os.stat(self.directory / MANIFEST))
        except OSError:
            return None

    def read(self) -> Shelved | None:
        if not (self.directory / MANIFEST).exists():
            return None
        try:
            with self._locked(fcntl.LOCK_SH):
                return self._read()
        except OSError as exc:
            raise KeyringError(f"The signing keys in {self.directory} cannot be read: {exc.strerror}.") from exc

    def update(self, edit: Edit) -> None:
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            with self._locked(fcntl.LOCK_EX):
                shelved = self._read()
                records, pems = edit(shelved.records if shelved else None)
                for kid, pem in pems.items():
                    replace_file(self.directory / f"{kid}.pem", pem)
                document = {"format": _FORMAT, "keys": [r.to_json() for r in records]}
                replace_file(self.directory / MANIFEST, json.dumps(document, indent=2).encode("utf-8") + b"\n")
                kept = {r.file for r in records if r.file}
                for record in shelved.records if shelved else ():
                    if record.file and record.file not in kept:
                        with contextlib.suppress(FileNotFoundError):
                            (self.directory / record.file).unlink()
        except OSError as exc:
            raise KeyringError(f"The signing keys in {self.directory} cannot be written: {exc.strerror}.") from exc

    def _read(self) -> Shelved | None:
        try:
            with open(self.directory / MANIFEST, "rb") as fh:
                stamp = _stamp(os.fstat(fh.fileno()))
                raw = fh.read()
        except FileNotFoundError:
            return None
        records = parse_manifest(raw, str(self.directory / MANIFEST))
        current = current_record(records, str(self.directory / MANIFEST))
        if current.file is None:
            raise KeyringError(f"The current key {current.kid} has no private key file.")
        return Shelved(records, (self.directory / current.file).read_bytes(), stamp)

    @contextlib.contextmanager
    def _locked(self, mode: int) -> Iterator[None]:
        fd = os.open(self.directory / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, mode)
            yield
        finally:
            os.close(fd)


def _stamp(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def parse_manifest(raw: bytes, where: str) -> tuple[KeyRecord, ...]:
    """The records of a ``keyring.json``; :class:`KeyringError` naming ``where`` if it is damaged."""
    try:
        document = json.loads(raw.decode("utf-8"))
        if document.get("format") != _FORMAT:
            raise ValueError("unknown format")
        records = tuple(_parse_record(item) for item in document["keys"])
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise KeyringError(f"{where} is damaged ({exc}).") from exc
    if len({r.kid for r in records}) != len(records):
        raise KeyringError(f"{where} lists a key twice.")
    return records


def _parse_record(item: dict[str, Any]) -> KeyRecord:
    kid, x, file = item["kid"], item["x"], item["file"]
    if not isinstance(kid, str) or not _KID.fullmatch(kid) or not isinstance(x, str):
        raise ValueError("bad kid or x")
    if len(b64url_decode(x)) != 32 or thumbprint(x) != kid:
        raise ValueError(f"kid {kid} is not the thumbprint of its key")
    if file is not None and file != f"{kid}.pem":
        raise ValueError(f"unexpected file name for {kid}")
    retired, compromised = item["retired_at"], item.get("compromised_at")
    return KeyRecord(
        kid=kid,
        x=x,
        created_at=_utc(datetime.fromisoformat(item["created_at"])),
        retired_at=_utc(datetime.fromisoformat(retired)) if retired is not None else None,
        file=file,
        encrypted=bool(item["encrypted"]),
        compromised_at=_utc(datetime.fromisoformat(compromised)) if compromised is not None else None,
    )


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("Times must be timezone-aware.")
    return moment.astimezone(UTC)


__all__ = ["LOCK", "MANIFEST", "DirectoryShelf", "parse_manifest"]
