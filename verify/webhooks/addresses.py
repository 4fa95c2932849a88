"""Where a webhook may be sent: public addresses only, unless the operator allows a network.

A webhook URL is typed by a platform, and the service sends to it from inside the operator's
network: without care it reaches the metadata service, the database or an admin port (SSRF).
So a URL is taken only with ``https`` (``http`` where the operator allows it), without
credentials, with a well-formed host and port; and every address a delivery would go to —
written in the URL in any spelling, or resolved from its name at the moment of sending
(verify.webhooks.sending) — must lie outside the non-public networks below, or inside one the
operator allows (``VERIFY_WEBHOOK_ALLOWED_NETWORKS``). The table is explicit: Python 3.11.7's
``ipaddress.is_private``/``is_global`` predate the CVE-2024-4032 fix and get some ranges wrong.
An IPv4-mapped IPv6 address (``::ffff:127.0.0.1``) is judged by the IPv4 address it carries.

IPv4 in URLs is read the way ``inet_aton`` (and so ``getaddrinfo``) reads it: one to four parts,
each decimal, octal (leading ``0``) or hex (``0x``), the last part filling the remaining bytes —
``127.1``, ``2130706433``, ``0x7f.1`` and ``0177.0.0.1`` are all 127.0.0.1.

>>> non_public_range(parse_ipv4("2130706433"))
'loopback'
>>> Policy().check_url("https://hooks.example.com/verify").host_header
'hooks.example.com'
>>> Policy().check_url("https://127.1/")
Traceback (most recent call last):
...
verify.errors.WebhookUrlRefused: The URL's address 127.0.0.1 is not public (loopback).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from urllib.parse import urlsplit

from verify.errors import WebhookUrlRefused

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network

#: Networks a webhook never goes to (IANA special-purpose registries), most specific first.
NON_PUBLIC: tuple[tuple[Network, str], ...] = tuple((ip_network(cidr), name) for cidr, name in (
    ("0.0.0.0/8", "this network"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "shared address space (CGNAT)"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "IETF protocol assignments"),
    ("192.0.2.0/24", "documentation"),
    ("192.88.99.0/24", "6to4 relay anycast"),
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved and broadcast"),
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("::/96", "IPv4-compatible"),
    ("::ffff:0:0:0/96", "IPv4-translated"),
    ("64:ff9b::/96", "NAT64"),
    ("64:ff9b:1::/48", "local NAT64"),
    ("100::/64", "discard-only"),
    ("2001:db8::/32", "documentation"),
    ("2001::/23", "IETF protocol assignments (Teredo, benchmarking, ORCHID)"),
    ("2002::/16", "6to4"),
    ("3fff::/20", "documentation"),
    ("5f00::/16", "SRv6"),
    ("fc00::/7", "unique local"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local"),
    ("ff00::/8", "multicast"),
))
LOCAL_NAMES = ("localhost",)  # RFC 6761: it and every name under it are the machine itself
_HOST_NAME = re.compile(r"(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?")
_DEFAULT_PORTS = {"https": 443, "http": 80}
_DIGITS = {8: frozenset("01234567"), 10: frozenset("0123456789"), 16: frozenset("0123456789abcdef")}


def parse_ipv4(text: str) -> IPv4Address | None:
    """``text`` as ``inet_aton`` reads an IPv4 address, or None when it is not one.

    >>> parse_ipv4("127.1"), parse_ipv4("0x7f.0.0.1"), parse_ipv4("10.1.2")
    (IPv4Address('127.0.0.1'), IPv4Address('127.0.0.1'), IPv4Address('10.1.0.2'))
    >>> parse_ipv4("256.0.0.1") is None, parse_ipv4("hooks.example.com") is None
    (True, True)
    """
    parts = text.lower().split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values = []
    for part in parts:
        if part.startswith("0x"):
            digits, base = part[2:], 16
        elif len(part) > 1 and part.startswith("0"):
            digits, base = part[1:], 8
        else:
            digits, base = part, 10
        if not digits or not set(digits) <= _DIGITS[base]:
            return None
        values.append(int(digits, base))
    last, leading = values[-1], values[:-1]
    if any(value > 0xFF for value in leading) or last >= 1 << 8 * (4 - len(leading)):
        return None
    number = 0
    for value in leading:
        number = number << 8 | value
    return IPv4Address(number << 8 * (4 - len(leading)) | last)


def unmapped(address: Address) -> Address:
    """The IPv4 address an IPv4-mapped IPv6 address carries; any other address as it is."""
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def non_public_range(address: Address) -> str | None:
    """The name of the non-public network ``address`` lies in, or None for a public address."""
    address = unmapped(address)
    for network, name in NON_PUBLIC:
        if address.version == network.version and address in network:
            return name
    return None


def literal_address(host: str) -> Address | None:
    """The address a URL's host spells out (IPv6, or IPv4 in any ``inet_aton`` spelling), None for a name."""
    try:
        return ip_address(host)
    except ValueError:
        return parse_ipv4(host.removesuffix("."))


@dataclass(frozen=True)
class Target:
    """A checked webhook URL: where to connect (``address`` when the URL names one) and what to ask for."""

    scheme: str
    host: str  # ASCII (IDNA), lower case, no brackets
    port: int
    request_target: str  # path and query
    address: Address | None

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == _DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


@dataclass(frozen=True)
class Policy:
    """What the operator allows: networks that may be reached although not public, and plain ``http``."""

    allowed: Sequence[Network] = ()
    allow_http: bool = False

    def permits(self, address: Address) -> bool:
        """Whether a delivery may connect to ``address``: public, or inside an allowed network."""
        address = unmapped(address)
        if any(address.version == network.version and address in network for network in self.allowed):
            return True
        return non_public_range(address) is None

    def check_address(self, address: Address) -> None:
        if not self.permits(address):
            raise WebhookUrlRefused(f"The URL's address {unmapped(address)} is not public "
                                    f"({non_public_range(address)}).", reason="address")

    def check_url(self, url: str) -> Target:
        """The URL as a ``Target``; ``WebhookUrlRefused`` (with its ``reason``) when it may not be used."""
        if not url.isprintable() or any(c.isspace() for c in url):
            raise WebhookUrlRefused("The URL must not contain spaces or control characters.", reason="url")
        parts = urlsplit(url)
        schemes = ("https", "http") if self.allow_http else ("https",)
        if parts.scheme not in schemes:
            raise WebhookUrlRefused("The URL must use https.", reason="scheme")
        if parts.username is not None or parts.password is not None:
            raise WebhookUrlRefused("The URL must not carry credentials; authenticate deliveries by their "
                                    "signature.", reason="credentials")
        try:
            port = _DEFAULT_PORTS[parts.scheme] if parts.port is None else parts.port
        except ValueError:
            port = 0
        if not 1 <= port <= 65535:
            raise WebhookUrlRefused("The URL's port must be 1 to 65535.", reason="port")
        host = _ascii_host(parts.hostname or "")
        address = literal_address(host)
        if address is not None:
            self.check_address(address)
            address = unmapped(address)
            host = str(address)
        elif host.removesuffix(".") in LOCAL_NAMES or host.removesuffix(".").endswith(".localhost"):
            raise WebhookUrlRefused("The URL names this machine (localhost).", reason="address")
        request_target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return Target(parts.scheme, host, port, request_target, address)


def _ascii_host(host: str) -> str:
    """The host in ASCII (IDNA for a non-ASCII name); ``WebhookUrlRefused`` when it is not a host at all."""
    if ":" in host:  # an IPv6 literal, brackets already removed by urlsplit; the zone index stays refused
        try:
            return str(IPv6Address(host))
        except ValueError as exc:
            raise WebhookUrlRefused("The URL's host is not a valid IPv6 address.", reason="host") from exc
    try:
        ascii_host = host.encode("idna").decode("ascii").lower() if not host.isascii() else host.lower()
    except UnicodeError as exc:
        raise WebhookUrlRefused("The URL's host is not a valid name.", reason="host") from exc
    if not _HOST_NAME.fullmatch(ascii_host.removesuffix(".")):
        raise WebhookUrlRefused("The URL needs a valid host name or address.", reason="host")
    return ascii_host
