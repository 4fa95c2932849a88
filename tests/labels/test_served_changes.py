"""The contract, on the server as `make run` starts it: after a label change call answers, every worker answers it.

Two gunicorn workers (``WEB_CONCURRENCY=2``). After each change (suspend, resume, a superseding
approval, revoke, a compromised signing key withdrawn from the command line) the test sends checks
on many fresh connections until both workers have answered some, and every answer must be the new
one. The access log names the worker (its pid) and the phase (a request header) of every request.
The timed refresh is set to an hour so that only the change counter can make a worker see a
change made by the other one.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests

from tests.certificates import make_certificate
from tests.serving import ROOT, Server
from tests.uploads import holder_form, signed_pdf

pytestmark = pytest.mark.slow
CONNECTIONS = 16
PHASE = "X-Test-Phase"
_LOGGED = re.compile(r"^<(\d+)> (\S+) \"POST /v1/labels/check\" (\d{3})$", re.M)


@pytest.fixture
def server(tmp_path: Path) -> Any:
    config = tmp_path / "gunicorn.test.py"
    config.write_text(
        f"exec(open({str(ROOT / 'gunicorn.conf.py')!r}).read())\n"
        "accesslog = '-'\n"
        f"access_log_format = '%(p)s %({{{PHASE.lower()}}}i)s \"%(m)s %(U)s\" %(s)s'\n"
    )
    log = tmp_path / "gunicorn.log"
    server = Server(tmp_path / "data", log=log, config=config,
                    env={"WEB_CONCURRENCY": "2", "VERIFY_LABEL_STATUS_REFRESH_SECONDS": "3600"})
    server.start()
    yield server, log
    server.kill()


def _approved(server: Server, auth: dict[str, str], account: str, seed: int) -> dict[str, Any]:
    """A signed lawyer's licence for ``account``, processed by the server's job runner to its label."""
    cert = make_certificate("lawyer_practice", seed=seed)
    answer = requests.post(server.url + "/v1/verifications", headers=auth, timeout=30,
                           data={"account_id": account, "profession": "lawyer", **holder_form(cert)},
                           files={"document": ("licence.pdf", signed_pdf(cert), "application/pdf")})
    assert answer.status_code == 202, answer.text
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        body = requests.get(server.url + answer.headers["Location"], headers=auth, timeout=10).json()
        if body["status"] != "pending" and body["status"] != "processing":
            assert body["status"] == "approved", body["reasons"]
            return body["label"]
        time.sleep(0.2)
    raise AssertionError("the licence was not processed in time")


def _workers(log: Path, phase: str) -> set[str]:
    return {pid for pid, logged, _ in _LOGGED.findall(log.read_text()) if logged == phase}


def _hammer(server: Server, log: Path, auth: dict[str, str], phase: str, token: str) -> list[dict[str, Any]]:
    """Checks of ``token`` on ``CONNECTIONS`` fresh connections at once, again until both workers answered some."""
    headers = {**auth, PHASE: phase}

    def checks(_: int) -> list[dict[str, Any]]:
        with requests.Session() as session:
            return [session.post(server.url + "/v1/labels/check", json={"token": token}, headers=headers,
                                 timeout=10).json() for _ in range(10)]

    answers: list[dict[str, Any]] = []
    with ThreadPoolExecutor(CONNECTIONS) as pool:
        for _ in range(20):
            for batch in pool.map(checks, range(CONNECTIONS)):
                answers += batch
            time.sleep(0.1)  # gunicorn writes a request's log line after its answer
            if len(_workers(log, phase)) == 2:
                return answers
    raise AssertionError(f"one worker answered every check of {phase}; cannot tell both workers apart")


def _answers(server: Server, log: Path, auth: dict[str, str], phase: str, token: str) -> set[tuple[Any, Any]]:
    return {(answer["valid"], answer["reason"]) for answer in _hammer(server, log, auth, phase, token)}


def test_every_worker_answers_a_label_change_once_the_change_call_has_answered(server: Any) -> None:
    server, log = server
    auth = {"Authorization": f"Bearer {server.create_key('acme-video')}"}
    first, kept = _approved(server, auth, "acct-1", seed=5), _approved(server, auth, "acct-2", seed=6)
    assert _answers(server, log, auth, "warm", first["token"]) == {(True, None)}
    assert _answers(server, log, auth, "warm-kept", kept["token"]) == {(True, None)}

    def changed(action: str, label: dict[str, Any], **body: str) -> None:
        answer = requests.post(f"{server.url}/v1/labels/{label['id']}/{action}", json=body or None, headers=auth,
                               timeout=10)
        assert answer.status_code == 200, answer.text

    changed("suspend", first)
    assert _answers(server, log, auth, "suspended", first["token"]) == {(False, "revoked")}
    changed("resume", first)
    assert _answers(server, log, auth, "resumed", first["token"]) == {(True, None)}

    renewed = _approved(server, auth, "acct-1", seed=7)  # supersedes the first label, in whichever worker
    assert _answers(server, log, auth, "superseded", first["token"]) == {(False, "revoked")}
    changed("revoke", renewed, reason="licence withdrawn")
    assert _answers(server, log, auth, "revoked", renewed["token"]) == {(False, "revoked")}

    output = server.flask("signing", "compromised", jwt.get_unverified_header(kept["token"])["kid"])
    assert "1 label(s) signed again" in output
    assert _answers(server, log, auth, "withdrawn", kept["token"]) == {(False, "unknown_key")}
    listed = requests.get(server.url + "/v1/accounts/acct-2/labels", headers=auth, timeout=10).json()["labels"]
    assert _answers(server, log, auth, "signed-again", listed[0]["token"]) == {(True, None)}
