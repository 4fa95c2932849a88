"""One delivery attempt: a POST to the address that was checked, within a deadline, never following a redirect.

The URL is checked (``addresses.Policy``), its name resolved once, and every address the name
gives must be allowed, or nothing is sent (``blocked_address``). The socket is then connected to
one of exactly those addresses: there is no second lookup for a rebinding DNS server to answer
differently. For ``https`` the TLS handshake still names and verifies the URL's host (SNI and
certificate), and the ``Host`` header is the URL's, so a receiver behind a shared front end sees
a normal request.

Why the standard library's ``http.client`` rather than requests or urllib3: we need to open the
socket ourselves (to the checked address) and to bound the *whole* attempt — connect, TLS,
sending, waiting, reading — by one deadline, which a per-read timeout does not do against an
answer dripping one byte at a time. ``http.client`` formats the request and parses the answer
over any object with ``sendall`` and ``makefile``: here a socket whose every read and write gets
what is left of the deadline as its timeout. It follows no redirect and keeps no connection pool,
so nothing else can reconnect by name; urllib3 could be bent the same way (``server_hostname``,
``assert_hostname``, retries and redirects off) but with more machinery to switch off than to use.

The answer is read up to ``read_limit`` bytes (the rest is never read) and its first
``EXCERPT_BYTES`` are kept for the delivery log. Errors are classes, never exception text:
``timeout``, ``dns_error``, ``blocked_address``, ``invalid_url``, ``connect_error``, ``tls_error``,
``bad_response``, ``redirect`` (any 3xx), ``http_status`` (any other non-2xx).
"""

from __future__ import annotations

import http.client
import io
import socket
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from ipaddress import ip_address

from verify.errors import WebhookUrlRefused
from verify.webhooks.addresses import Address, Policy, Target, unmapped

EXCERPT_BYTES = 4096  # of each answer, kept in the delivery log
READ_LIMIT = 64 * 1024  # bytes of an answer read at most
USER_AGENT = "verify-webhooks/1"

#: ``(host, port)`` -> ``[(address family, socket address), ...]``, like ``socket.getaddrinfo``.
Resolver = Callable[[str, int], list[tuple[int, tuple]]]


@dataclass(frozen=True)
class Attempt:
    """What one attempt came to; ``error`` is None exactly when the receiver answered 2xx."""

    status_code: int | None
    error: str | None
    duration_ms: float
    response: str = ""  # the first EXCERPT_BYTES of the answer's body, as text
    retry_after: float | None = None  # seconds, from the answer's Retry-After

    @property
    def ok(self) -> bool:
        return self.error is None


def system_resolver(host: str, port: int) -> list[tuple[int, tuple]]:
    """Every TCP address of ``host`` (one ``getaddrinfo``)."""
    return [(family, address) for family, _type, _proto, _name, address
            in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


class _Deadline:
    """A connected socket whose every read and write must end by ``deadline`` (``time.monotonic``)."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock, self._deadline = sock, deadline

    def arm(self) -> None:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the attempt's deadline passed")
        self._sock.settimeout(left)

    def sendall(self, data: bytes) -> None:
        self.arm()
        self._sock.sendall(data)

    def recv_into(self, buffer: memoryview) -> int:
        self.arm()
        return self._sock.recv_into(buffer)

    def makefile(self, mode: str) -> io.BufferedReader:
        assert mode == "rb"
        return io.BufferedReader(_Reader(self))

    def close(self) -> None:
        self._sock.close()


class _Reader(io.RawIOBase):
    def __init__(self, sock: _Deadline) -> None:
        self._sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        return self._sock.recv_into(buffer)


def send(url: str, body: bytes, headers: Mapping[str, str], policy: Policy, *, connect_timeout: float,
         total_timeout: float, read_limit: int = READ_LIMIT, resolve: Resolver = system_resolver,
         tls: ssl.SSLContext | None = None) -> Attempt:
    """POST ``body`` with ``headers`` to ``url``; never raises for anything the network or receiver does.

    ``connect_timeout`` bounds each connection attempt, ``total_timeout`` the whole attempt;
    ``tls`` is the context for ``https`` (default: the system's CAs, hostname checked).
    """
    started = time.monotonic()
    deadline = started + total_timeout

    def ended(error: str | None, status: int | None = None, data: bytes = b"",
              retry_after: float | None = None) -> Attempt:
        return Attempt(status, error, round((time.monotonic() - started) * 1000, 3),
                       data[:EXCERPT_BYTES].decode("utf-8", "replace"), retry_after)

    try:
        target = policy.check_url(url)
    except WebhookUrlRefused as refused:
        return ended("blocked_address" if refused.extra.get("reason") == "address" else "invalid_url")
    try:
        addresses = _addresses(target, resolve)
    except (OSError, UnicodeError, ValueError):
        return ended("dns_error")
    if not addresses or not all(policy.permits(address) for _family, address, _sockaddr in addresses):
        return ended("blocked_address")
    sock: socket.socket | None = None
    phase = "connect"
    try:
        sock = _connect(addresses, connect_timeout, deadline)
        if target.scheme == "https":
            phase = "tls"
            sock.settimeout(max(0.001, deadline - time.monotonic()))
            sock = (tls or ssl.create_default_context()).wrap_socket(sock, server_hostname=target.host)
        phase = "exchange"
        status, data, retry_after = _exchange(_Deadline(sock, deadline), target, body, headers, read_limit)
    except TimeoutError:
        return ended("timeout")
    except (ssl.SSLError, ssl.CertificateError):
        return ended("tls_error" if phase != "exchange" else "connect_error")
    except http.client.HTTPException:
        return ended("bad_response")
    except OSError:
        return ended("connect_error")
    finally:
        if sock is not None:
            sock.close()
    if 200 <= status < 300:
        return ended(None, status, data)
    return ended("redirect" if 300 <= status < 400 else "http_status", status, data, retry_after)


def _addresses(target: Target, resolve: Resolver) -> list[tuple[int, Address, tuple]]:
    """Where ``target`` may be reached: its own address, or every address its name resolves to (one lookup)."""
    if target.address is not None:
        family = socket.AF_INET6 if target.address.version == 6 else socket.AF_INET
        return [(family, target.address, (str(target.address), target.port))]
    found = []
    for _family, sockaddr in resolve(target.host, target.port):
        address = unmapped(ip_address(sockaddr[0]))
        if address.version == 4:
            found.append((socket.AF_INET, address, (str(address), target.port)))
        else:
            found.append((socket.AF_INET6, address, (str(address), target.port, *sockaddr[2:])))
    return found


def _connect(addresses: list[tuple[int, Address, tuple]], connect_timeout: float, deadline: float) -> socket.socket:
    """A socket connected to the first of ``addresses`` that answers; the last failure otherwise."""
    failure: OSError = TimeoutError("no time left to connect")
    for family, _address, sockaddr in addresses:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(min(connect_timeout, left))
            sock.connect(sockaddr)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        except OSError as exc:
            sock.close()
            failure = exc
    raise failure


def _exchange(sock: _Deadline, target: Target, body: bytes, headers: Mapping[str, str],
              read_limit: int) -> tuple[int, bytes, float | None]:
    """Send the request over ``sock``; the answer's status, up to ``read_limit`` bytes of its body, Retry-After."""
    connection = http.client.HTTPConnection(target.host, target.port)  # formats and parses; never connects
    connection.sock = sock  # type: ignore[assignment]
    try:
        connection.request("POST", target.request_target, body=body, headers={
            **headers, "Host": target.host_header, "Content-Type": "application/json", "User-Agent": USER_AGENT,
            "Connection": "close"})
        answer = connection.getresponse()
        try:
            data = answer.read(read_limit)
            return answer.status, data, retry_after_seconds(answer.getheader("Retry-After"))
        finally:
            answer.close()
    finally:
        connection.close()


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A Retry-After header (seconds, or an HTTP date) as seconds from ``now``; None when absent or unreadable.

    >>> retry_after_seconds("120"), retry_after_seconds("soon")
    (120.0, None)
    >>> retry_after_seconds("Thu, 01 Jan 2026 00:01:00 GMT", datetime(2026, 1, 1, tzinfo=UTC))
    60.0
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
