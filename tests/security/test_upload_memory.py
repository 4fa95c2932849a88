"""Uploads never touch a disk unencrypted: the web process keeps file parts in memory (issue 13.1).

Werkzeug's form parser spools a file part over 500 kB to a temporary file in ``TMPDIR``
(unlinked at once, so it shows only among the process's open files); the service's request
class keeps it in memory instead, within the upload limit.
"""

from __future__ import annotations

import io
import os
import secrets
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from flask import Flask, request
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.serving import Server


def _document(size: int, marker: bytes) -> bytes:
    """A PDF by its magic bytes (it will not parse): ``marker`` first, then random bytes."""
    return b"%PDF-1.7\n%" + marker + b"\n" + secrets.token_bytes(size)


def test_a_large_file_part_is_parsed_into_memory(app: Flask) -> None:
    boundary, body = encode_multipart({"account_id": "a", "profession": "doctor", "document": FileStorage(
        io.BytesIO(_document(3 << 20, b"m")), "big.pdf", "application/pdf")})
    with app.test_request_context("/v1/verifications", method="POST", data=body,
                                  content_type=f"multipart/form-data; boundary={boundary}"):
        stream = request.files["document"].stream
        assert isinstance(stream, io.BytesIO), type(stream)
        assert len(stream.getvalue()) > 3 << 20


def _holding(folder: Path, marker: bytes) -> list[str]:
    """Files under ``folder`` holding ``marker`` (the OCR models' own caches live there too)."""
    return [str(path) for path in folder.rglob("*") if path.is_file() and marker in path.read_bytes()]


def _open_under(pid: int, folder: Path) -> list[str]:
    """Files ``pid`` holds open inside ``folder``, deleted ones included (a spooled part is unlinked at once)."""
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(folder)) and not Path(target).name.startswith("wgunicorn-"):
            found.append(target)  # (gunicorn's heartbeat file is not an upload)
    return found


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    server = Server(tmp_path / "data", env={"TMPDIR": str(scratch), "WEB_CONCURRENCY": "1"})
    with server:
        yield server, scratch


def _worker(server: Server) -> psutil.Process:
    assert server.process is not None
    workers = psutil.Process(server.process.pid).children()
    assert len(workers) == 1
    return workers[0]


def _slow_upload(server: Server, key: str, document: bytes, *, during: object) -> bytes:
    """POST ``document`` over a raw socket, pausing after the first 2 MB to call ``during()``; the raw answer."""
    boundary, body = encode_multipart({"account_id": f"acct-{secrets.token_hex(4)}", "profession": "doctor",
                                       "document": FileStorage(io.BytesIO(document), "big.pdf", "application/pdf")})
    head = (f"POST /v1/verifications HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as sock:
        sock.sendall(head + body[:2 << 20])
        time.sleep(1.0)  # the worker has parsed what it got: a spooled part would be on disk by now
        during()  # type: ignore[operator]
        sock.sendall(body[2 << 20:])
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.mark.slow
def test_an_upload_in_flight_leaves_nothing_in_tmpdir_and_memory_stays_bounded(
    server: tuple[Server, Path]
) -> None:
    serving, scratch = server
    key = serving.create_key("acme-video")
    worker = _worker(serving)
    seen: list[str] = []
    marker = secrets.token_hex(16).encode()

    def look() -> None:
        seen.extend(_open_under(worker.pid, scratch))
        seen.extend(_holding(scratch, marker))

    answer = _slow_upload(serving, key, _document(8 << 20, marker), during=look)
    assert answer.startswith(b"HTTP/1.1 202"), answer[:400]
    assert seen == [], seen
    baseline = worker.memory_info().rss
    for _ in range(5):
        assert _slow_upload(serving, key, _document(8 << 20, marker), during=look).startswith(b"HTTP/1.1 202")
    assert seen == [], seen
    growth = worker.memory_info().rss - baseline
    assert growth < 120 << 20, f"RSS grew {growth >> 20} MiB over five 8 MiB uploads"
    time.sleep(2)  # the job runner has taken the uploads up in its own processes
    assert _holding(scratch, marker) == []
