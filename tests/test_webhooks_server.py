"""Webhooks from the service as `make run` starts it, killed with SIGKILL: nothing committed is lost.

Real gunicorn (tests/serving.py), real SQLite file, a real receiver on loopback in this process.
The server allows loopback and http (VERIFY_WEBHOOK_ALLOWED_NETWORKS=127.0.0.0/8) and retries every
second, so what takes hours in production takes seconds here.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from standardwebhooks import Webhook

from tests.certificates import make_certificate
from tests.serving import Server, free_port
from tests.uploads import holder_form, signed_pdf
from tests.webhooks.receiver import Receiver, Reply

pytestmark = pytest.mark.slow
ENV = {"VERIFY_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8", "VERIFY_WEBHOOK_ALLOW_HTTP": "1",
       "VERIFY_WEBHOOK_RETRY_SECONDS": ",".join(["0"] + ["1"] * 30), "VERIFY_WEBHOOK_LEASE_SECONDS": "3",
       "VERIFY_WEBHOOK_TIMEOUT_SECONDS": "60", "VERIFY_JOB_LEASE_SECONDS": "3"}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path / "data", env=ENV, log=tmp_path / "gunicorn.log")
    yield server
    server.kill()


def _wait(condition: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _deliveries(server: Server, auth: dict[str, str]) -> list[dict[str, Any]]:
    return requests.get(server.url + "/v1/webhooks/deliveries", headers=auth, timeout=10).json()["items"]


def test_a_receiver_down_while_the_service_is_killed_gets_the_event_after_the_restart(server: Server) -> None:
    port = free_port()  # the receiver's port; nothing listens on it yet
    server.start()
    auth = {"Authorization": f"Bearer {server.create_key('acme-video')}"}
    endpoint = requests.post(server.url + "/v1/webhooks/endpoints", json={"url": f"http://127.0.0.1:{port}/hooks"},
                             headers=auth, timeout=10).json()
    cert = make_certificate("teacher_qualification", seed=4)
    submitted = requests.post(server.url + "/v1/verifications", headers=auth, timeout=30, data={
        "account_id": "teach-1", "profession": "teacher", **holder_form(cert)},
        files={"document": ("cert.pdf", signed_pdf(cert), "application/pdf")}).json()

    def refused() -> bool:  # decided, and the service has tried (and failed) to tell the receiver
        attempts = [a for d in _deliveries(server, auth) for a in d["attempts"]]
        return bool(attempts) and all(a["error"] == "connect_error" for a in attempts)

    _wait(refused, 120, "the approval and a refused delivery attempt")
    server.kill(signal.SIGKILL)
    with Receiver(port=port) as receiver:
        server.start()
        first = receiver.wait_for(1, timeout=60)[0]
    event = Webhook(endpoint["secret"]).verify(first.body, first.headers)
    assert event["type"] == "verification.approved"
    assert event["data"]["verification_id"] == submitted["id"] and event["data"]["decided_by"] == "machine"
    assert {r.headers["webhook-id"] for r in receiver.received} == {first.headers["webhook-id"]}
    logged = _wait(lambda: [d for d in _deliveries(server, auth) if d["state"] == "succeeded"], 30, "the log")
    assert logged[0]["attempts"][-1]["status_code"] == 200


def test_a_delivery_in_flight_when_the_service_is_killed_is_sent_again_with_the_same_id(server: Server) -> None:
    with Receiver([Reply(200, delay=30)]) as receiver:  # holds the first request open past the kill
        server.start()
        auth = {"Authorization": f"Bearer {server.create_key('acme-video')}"}
        endpoint = requests.post(server.url + "/v1/webhooks/endpoints", json={"url": receiver.url}, headers=auth,
                                 timeout=10).json()
        requests.post(f"{server.url}/v1/webhooks/endpoints/{endpoint['id']}/test", headers=auth, timeout=10)
        receiver.wait_for(1, timeout=30)
        server.kill(signal.SIGKILL)
        server.start()
        first, again = receiver.wait_for(2, timeout=60)  # after the killed sender's lease (3 s) lapsed
    assert first.headers["webhook-id"] == again.headers["webhook-id"]
    assert Webhook(endpoint["secret"]).verify(again.body, again.headers)["type"] == "webhook.test"
    [logged] = _wait(lambda: [d for d in _deliveries(server, auth) if d["state"] == "succeeded"], 30, "the log")
    assert [a["status_code"] for a in logged["attempts"]] == [200]  # the killed attempt left no record
