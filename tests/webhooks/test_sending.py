"""One delivery attempt (verify.webhooks.sending) against real receivers on this machine's loopback.

The connection goes to the address that was checked: the name is resolved once, every address
it gives is checked, and the socket connects to one of those (a resolver that answers differently
the second time, DNS rebinding, never gets a second question). Redirects are not followed,
answers are read up to a cap, the whole attempt ends at its deadline, and TLS verifies the URL's
host name although the socket was opened to an address.
"""

from __future__ import annotations

import socket
import ssl
import time
from ipaddress import ip_network
from pathlib import Path

import pytest

from tests.webhooks.receiver import Receiver, Reply, tls_files
from verify.webhooks.addresses import Policy
from verify.webhooks.sending import EXCERPT_BYTES, Resolver, send

LOOPBACK = Policy(allowed=(ip_network("127.0.0.0/8"),), allow_http=True)
BODY = b'{"type":"webhook.test","timestamp":"2026-01-01T00:00:00+00:00","data":{}}'
HEADERS = {"webhook-id": "evt1", "webhook-timestamp": "1767225600", "webhook-signature": "v1,abc="}


def resolving(*answers: str) -> tuple[Resolver, list[str]]:
    """A resolver that answers each question with the next address in ``answers`` (the last one repeats)."""
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[tuple[int, tuple]]:
        asked.append(host)
        address = answers[min(len(asked), len(answers)) - 1]
        return [(socket.AF_INET, (address, port))]

    return resolve, asked


def _send(url: str, policy: Policy = LOOPBACK, **options: object):  # type: ignore[no-untyped-def]
    return send(url, BODY, HEADERS, policy, **{"connect_timeout": 2.0, "total_timeout": 5.0, **options})


def test_an_attempt_posts_the_exact_body_and_headers_and_reads_the_answer() -> None:
    with Receiver([Reply(202, b"thanks")]) as receiver:
        attempt = _send(receiver.url)
    assert (attempt.ok, attempt.status_code, attempt.error, attempt.response) == (True, 202, None, "thanks")
    [request] = receiver.received
    assert request.body == BODY and request.path == "/hooks"
    assert {name: request.headers[name] for name in HEADERS} == HEADERS
    assert request.headers["content-type"] == "application/json"
    assert attempt.duration_ms > 0


def test_a_name_is_resolved_once_and_the_socket_goes_to_the_checked_address() -> None:
    resolve, asked = resolving("127.0.0.1")
    with Receiver() as receiver:
        attempt = _send(f"http://receiver.test:{receiver.port}/hooks", resolve=resolve)
    assert attempt.ok, attempt
    assert asked == ["receiver.test"]
    assert receiver.received[0].headers["host"] == f"receiver.test:{receiver.port}"


def test_dns_rebinding_cannot_move_the_connection_to_an_address_that_was_not_checked() -> None:
    """The name first resolves to an allowed address, then to a forbidden one: the socket goes to the first."""
    policy = Policy(allowed=(ip_network("127.0.0.2/32"),), allow_http=True)
    resolve, asked = resolving("127.0.0.2", "127.0.0.1")
    with Receiver(host="127.0.0.2") as allowed, Receiver(host="127.0.0.1", port=allowed.port) as forbidden:
        assert _send(f"http://rebind.test:{allowed.port}/hooks", policy, resolve=resolve).ok
        assert asked == ["rebind.test"]  # one question per attempt: nothing asked again at connect time
        assert (len(allowed.received), forbidden.received) == (1, [])
        attempt = _send(f"http://rebind.test:{allowed.port}/hooks", policy, resolve=resolve)  # now rebound
    assert (attempt.ok, attempt.error, attempt.status_code) == (False, "blocked_address", None)
    assert (len(allowed.received), forbidden.received) == (1, [])


@pytest.mark.parametrize("answers", [["127.0.0.1"], ["93.184.215.14", "127.0.0.1"]])
def test_a_name_with_any_non_public_address_is_not_contacted(answers: list[str]) -> None:
    def resolve(host: str, port: int) -> list[tuple[int, tuple]]:
        return [(socket.AF_INET, (address, port)) for address in answers]

    with Receiver() as receiver:
        attempt = _send(f"https://hooks.example.test:{receiver.port}/", Policy(), resolve=resolve)
    assert attempt.error == "blocked_address" and receiver.received == []


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1", "2130706433", "[::ffff:127.0.0.1]", "localhost", "0.0.0.0"])
def test_without_the_allowlist_no_loopback_spelling_reaches_the_receiver(host: str) -> None:
    with Receiver() as receiver:
        attempt = _send(f"http://{host}:{receiver.port}/hooks", Policy(allow_http=True))
    assert (attempt.ok, attempt.error) == (False, "blocked_address")
    assert receiver.received == []


def test_a_redirect_is_a_failure_and_is_not_followed() -> None:
    with Receiver() as target, Receiver([Reply(302, headers={"Location": target.url})]) as receiver:
        attempt = _send(receiver.url)
    assert (attempt.ok, attempt.status_code, attempt.error) == (False, 302, "redirect")
    assert target.received == []


def test_a_slow_receiver_is_given_up_at_the_deadline() -> None:
    with Receiver([Reply(200, delay=3.0)]) as receiver:
        started = time.monotonic()
        attempt = _send(receiver.url, total_timeout=0.5)
        took = time.monotonic() - started
    assert (attempt.ok, attempt.error, attempt.status_code) == (False, "timeout", None)
    assert 0.4 < took < 1.5


def test_an_answer_dripping_a_byte_at_a_time_still_ends_at_the_deadline() -> None:
    """Each read is bounded by what is left of the whole attempt, not by a per-read timeout."""
    with Receiver([Reply(200, drip=0.1)]) as receiver:
        started = time.monotonic()
        attempt = _send(receiver.url, total_timeout=1.0)
        took = time.monotonic() - started
    assert attempt.error == "timeout"
    assert took < 2.0


def test_a_huge_answer_is_read_up_to_the_cap_and_kept_shorter() -> None:
    with Receiver([Reply(200, b"x" * (10 * 1024 * 1024))]) as receiver:
        started = time.monotonic()
        attempt = _send(receiver.url, read_limit=64 * 1024)
    assert attempt.ok and len(attempt.response) == EXCERPT_BYTES
    assert time.monotonic() - started < 2.0


def test_a_refused_connection_is_a_connect_error() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    attempt = _send(f"http://127.0.0.1:{port}/hooks")
    assert (attempt.ok, attempt.error) == (False, "connect_error")


def test_an_unknown_name_is_a_dns_error() -> None:
    def unknown(host: str, port: int) -> list[tuple[int, tuple]]:  # no query leaves the machine
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    assert _send("https://no-such-host.invalid/hooks", Policy(), resolve=unknown).error == "dns_error"


@pytest.mark.parametrize(("reply", "retry_after"), [
    (Reply(503, headers={"Retry-After": "7"}), 7.0),
    (Reply(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}), 0.0),  # a date in the past: now
    (Reply(500, b"boom"), None),
])
def test_a_non_2xx_answer_is_a_failure_with_its_code_and_retry_after(reply: Reply, retry_after: float | None) -> None:
    with Receiver([reply]) as receiver:
        attempt = _send(receiver.url)
    assert (attempt.ok, attempt.status_code, attempt.error) == (False, reply.status, "http_status")
    assert attempt.retry_after == retry_after
    assert attempt.response == reply.body.decode()


def test_tls_verifies_the_urls_name_while_connecting_to_the_checked_address(tmp_path: Path) -> None:
    ca, served = tls_files(tmp_path / "good", ["receiver.test"])
    trusting = ssl.create_default_context(cafile=str(ca))
    resolve, _ = resolving("127.0.0.1")
    with Receiver(tls=served) as receiver:
        attempt = _send(f"https://receiver.test:{receiver.port}/hooks", resolve=resolve, tls=trusting)
        assert attempt.ok, attempt
        assert receiver.received[0].headers["host"] == f"receiver.test:{receiver.port}"
        other, _ = resolving("127.0.0.1")
        wrong_name = _send(f"https://other.test:{receiver.port}/hooks", resolve=other, tls=trusting)
        untrusted = _send(f"https://receiver.test:{receiver.port}/hooks", resolve=resolve)  # the system's CAs
    assert (wrong_name.error, untrusted.error) == ("tls_error", "tls_error")
    assert len(receiver.received) == 1
