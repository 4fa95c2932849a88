"""Signatures and retries (verify.webhooks.signing, .retries): the official ``standardwebhooks`` library verifies."""

from __future__ import annotations

import base64
import time

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from verify.webhooks.retries import next_delay, parse_schedule
from verify.webhooks.signing import SECRET_BYTES, new_secret, signed_headers

BODY = b'{"type":"label.revoked","timestamp":"2026-01-01T00:00:00+00:00","data":{"label_id":"l1"}}'


def test_a_new_secret_is_32_random_bytes_in_whsec_form() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == SECRET_BYTES
    assert new_secret() != secret


def test_the_official_library_verifies_our_signature_and_refuses_a_changed_body() -> None:
    secret = new_secret()
    headers = signed_headers([secret], "evt_1", int(time.time()), BODY)
    assert Webhook(secret).verify(BODY, headers)["data"] == {"label_id": "l1"}
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace(b"l1", b"l2"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers)


def test_during_a_rotation_both_secrets_verify() -> None:
    old, new = new_secret(), new_secret()
    headers = signed_headers([new, old], "evt_1", int(time.time()), BODY)
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        Webhook(secret).verify(BODY, headers)


def test_the_default_schedule_is_the_issues_and_ends() -> None:
    from verify.config import Settings

    schedule = parse_schedule(Settings().webhook_retry_seconds)
    assert schedule == (0, 5, 300, 1800, 7200, 18000, 36000, 36000)
    delays = [next_delay(schedule, attempts_made=n, retry_after=None) for n in range(1, 9)]
    assert delays[-1] is None
    for delay, base in zip(delays[:-1], schedule[1:], strict=True):
        assert delay is not None and 0.8 * base <= delay <= 1.2 * base  # jitter


@pytest.mark.parametrize("text", ["", "5,-1", "a,b", "nan"])
def test_a_bad_schedule_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_schedule(text)


def test_retry_after_is_honoured_within_bounds() -> None:
    schedule = (0.0, 300.0)
    assert next_delay(schedule, attempts_made=1, retry_after=30.0, jitter=0) == 300.0  # never sooner
    assert next_delay(schedule, attempts_made=1, retry_after=450.0, jitter=0) == 450.0
    assert next_delay(schedule, attempts_made=1, retry_after=86400.0, jitter=0) == 600.0  # at most twice
