"""Where a webhook may go (verify.webhooks.addresses): every non-public spelling refused, unless allowed.

No connection is made here: a URL is judged by its scheme, its host and, for an address written
in the URL, the explicit table of non-public networks.
"""

from __future__ import annotations

from ipaddress import ip_address, ip_network

import pytest

from verify.errors import WebhookUrlRefused
from verify.webhooks.addresses import Policy, non_public_range, parse_ipv4

STRICT = Policy()
LOOPBACK_ALLOWED = Policy(allowed=(ip_network("127.0.0.0/8"),), allow_http=True)

#: Every spelling of a loopback or unspecified address a resolver or a socket would accept.
LOOPBACK_SPELLINGS = [
    "127.0.0.1", "127.1", "127.0.1", "2130706433", "0x7f000001", "0x7f.1", "0177.0.0.1", "017700000001",
    "127.255.255.254", "127.0.0.1.", "0.0.0.0", "0", "localhost", "LOCALHOST", "localhost.", "api.localhost",
    "[::1]", "[0:0:0:0:0:0:0:1]", "[::]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::127.0.0.1]",
]
OTHER_NON_PUBLIC = [
    "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1", "224.0.0.1", "255.255.255.255",
    "198.18.0.1", "192.0.2.10", "[fe80::1]", "[fd00::1]", "[ff02::1]", "[::ffff:10.0.0.1]", "[::ffff:169.254.169.254]",
    "[64:ff9b::a00:1]", "[2002:7f00:1::]", "[2001:db8::1]", "0xa9.0xfe.0xa9.0xfe", "167772161",
]


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS + OTHER_NON_PUBLIC)
def test_every_non_public_spelling_is_refused_by_default(host: str) -> None:
    with pytest.raises(WebhookUrlRefused) as refused:
        STRICT.check_url(f"https://{host}/hooks")
    assert refused.value.extra["reason"] == "address"


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1", "2130706433", "[::ffff:127.0.0.1]", "127.0.0.2"])
def test_an_allowed_network_lets_its_spellings_through(host: str) -> None:
    target = LOOPBACK_ALLOWED.check_url(f"http://{host}:8080/hooks?x=1")
    assert target.address is not None and str(target.address).startswith("127.")
    assert (target.port, target.request_target) == (8080, "/hooks?x=1")


def test_the_allowlist_does_not_open_other_ranges() -> None:
    for host in ("10.0.0.1", "[::1]", "169.254.169.254", "0.0.0.0"):
        with pytest.raises(WebhookUrlRefused):
            LOOPBACK_ALLOWED.check_url(f"http://{host}/")


@pytest.mark.parametrize(("url", "reason"), [
    ("http://hooks.example.com/", "scheme"),
    ("ftp://hooks.example.com/", "scheme"),
    ("file:///etc/passwd", "scheme"),
    ("https://user:secret@hooks.example.com/", "credentials"),
    ("https:///no-host", "host"),
    ("https://hooks.example.com:99999/", "port"),
    ("https://hooks.example.com:0/", "port"),
    ("https://exa mple.com/", "url"),
    ("https://exa$mple.com/", "host"),
    ("https://hooks.example.com/\r\nX-Injected: 1", "url"),
    ("https://hooks_example.com%00/", "host"),
])
def test_malformed_or_unsafe_urls_are_refused_with_their_reason(url: str, reason: str) -> None:
    with pytest.raises(WebhookUrlRefused) as refused:
        STRICT.check_url(url)
    assert refused.value.extra["reason"] == reason


def test_a_public_https_url_is_taken_with_its_host_header() -> None:
    target = STRICT.check_url("https://Hooks.Example.com/verify/events")
    assert (target.scheme, target.host, target.port, target.address) == ("https", "hooks.example.com", 443, None)
    assert (target.host_header, target.request_target) == ("hooks.example.com", "/verify/events")
    assert STRICT.check_url("https://[2606:4700::1111]:8443").host_header == "[2606:4700::1111]:8443"
    assert STRICT.check_url("https://例え.jp/").host == "xn--r8jz45g.jp"


def test_http_is_taken_only_where_the_operator_allows_it() -> None:
    assert Policy(allow_http=True).check_url("http://hooks.example.com/").port == 80


def test_the_network_table_names_each_range() -> None:
    assert non_public_range(ip_address("127.0.0.1")) == "loopback"
    assert non_public_range(ip_address("::ffff:192.168.0.1")) == "private"  # the embedded IPv4 address decides
    assert non_public_range(ip_address("100.100.0.1")) == "shared address space (CGNAT)"
    assert non_public_range(ip_address("8.8.8.8")) is None
    assert non_public_range(ip_address("2606:4700::1111")) is None
    assert non_public_range(ip_address("fe80::1%eth0")) == "link-local"


@pytest.mark.parametrize(("text", "address"), [
    ("127.1", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"),
    ("10.1.2", "10.1.0.2"), ("0", "0.0.0.0"), ("1.2.3.4", "1.2.3.4"),
])
def test_ipv4_spellings_parse_as_inet_aton_reads_them(text: str, address: str) -> None:
    assert parse_ipv4(text) == ip_address(address)


@pytest.mark.parametrize("text", ["1.2.3.4.5", "256.1.1.1", "1.2.3.256", "4294967296", "08.1", "0x", "1..2",
                                  "١٢٧.0.0.1", "example.com", ""])
def test_names_and_impossible_numbers_are_not_ipv4(text: str) -> None:
    assert parse_ipv4(text) is None
