"""The cluster as compose.yaml runs it: real PostgreSQL and Redis, two gunicorn web nodes, two Celery workers.

Every process has its own data dir; they share the database, Redis and the secret only
(tests/cluster/harness.py). One cluster serves the whole module, in the order written: work
spread over both nodes, a label across nodes, a worker killed mid-job, a node down, PostgreSQL
restarted. README's walk-through runs here once against the cluster and once against the one
server ``make run`` starts (the ``deployment`` fixture).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.certificates import make_certificate, render_image, to_png
from tests.cluster.harness import Cluster, wait_for
from tests.postgres import PostgresServer
from tests.serving import Server
from tests.uploads import holder_form, signed_pdf
from tests.walkthrough import Deployment, readme_walkthrough, submit, wait_final

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster(postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with Cluster.start(postgres, tmp_path_factory.mktemp("cluster")) as running:
        yield running


@pytest.fixture(scope="module")
def auth(cluster: Cluster) -> dict[str, str]:
    return {"Authorization": f"Bearer {cluster.nodes[0].create_key('acme-video')}"}


def _signed(seed: int, account: str, url: str, auth: dict[str, str]) -> str:
    """A signed 医师执业证书 (approved without OCR) submitted to ``url``; its verification id."""
    cert = make_certificate("physician_practice", seed=seed)
    return submit(url, auth, signed_pdf(cert), "doctor.pdf", "application/pdf", account_id=account,
                  **holder_form(cert))["id"]


def _check(url: str, auth: dict[str, str], token: str) -> dict[str, Any]:
    answer = requests.post(url + "/v1/labels/check", json={"token": token}, headers=auth, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _finished(cluster: Cluster, url: str, auth: dict[str, str], ids: list[str], seconds: float = 90) -> dict:
    try:
        return wait_final(url, auth, ids, seconds)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{cluster.logs()}") from None


def test_submissions_spread_over_both_nodes_reach_an_end_state(cluster: Cluster, auth: dict[str, str]) -> None:
    a, b = (node.url for node in cluster.nodes)
    ids = [_signed(40 + n, f"spread-{n}", (a, b)[n % 2], auth) for n in range(6)]
    for url in (a, b):  # each node reads what either node took in and either worker decided
        done = _finished(cluster, url, auth, ids)
        assert {body["status"] for body in done.values()} == {"approved"}


def test_a_label_issued_on_one_node_verifies_and_is_revoked_through_the_other(
    cluster: Cluster, auth: dict[str, str]
) -> None:
    a, b = (node.url for node in cluster.nodes)
    verification_id = _signed(50, "label-1", a, auth)
    label = _finished(cluster, a, auth, [verification_id])[verification_id]["label"]
    assert _check(a, auth, label["token"])["valid"] and _check(b, auth, label["token"])["valid"]
    revoked = requests.post(f"{b}/v1/labels/{label['id']}/revoke", json={"reason": "left"}, headers=auth, timeout=10)
    assert revoked.status_code == 200, revoked.text
    assert _check(a, auth, label["token"]) == {"valid": False, "reason": "revoked", "label": None}  # at once


def test_a_worker_killed_mid_job_loses_nothing(cluster: Cluster, auth: dict[str, str]) -> None:
    first, second = cluster.workers
    first.kill()  # one worker left: the job is surely its
    photo = to_png(render_image(make_certificate("physician_practice", seed=60)))  # OCR: seconds, not ms
    verification_id = submit(cluster.nodes[1].url, auth, photo, "doctor.png", "image/png", account_id="killed")["id"]

    def status() -> str:
        url = f"{cluster.nodes[0].url}/v1/verifications/{verification_id}"
        return requests.get(url, headers=auth, timeout=10).json()["status"]

    wait_for(lambda: status() == "processing", 60, "the worker to take the job")
    second.kill()
    assert status() == "processing", "the job ended before the kill"
    first.start()
    second.start()
    assert _finished(cluster, cluster.nodes[0].url, auth, [verification_id], 120)[verification_id]["status"] in {
        "approved", "needs_review", "rejected"}


def test_one_node_down_the_other_keeps_serving(cluster: Cluster, auth: dict[str, str]) -> None:
    down, up = cluster.nodes
    verification_id = _signed(70, "node-down-1", down.url, auth)
    token = _finished(cluster, down.url, auth, [verification_id])[verification_id]["label"]["token"]
    down.kill()
    try:
        again = _signed(71, "node-down-2", up.url, auth)
        assert _finished(cluster, up.url, auth, [again])[again]["status"] == "approved"
        assert _check(up.url, auth, token)["valid"]
    finally:
        down.start(timeout=90)
    assert _check(down.url, auth, token)["valid"]


def test_postgresql_restarted_everything_recovers_without_an_operator(
    cluster: Cluster, auth: dict[str, str]
) -> None:
    a, b = (node.url for node in cluster.nodes)
    cluster.postgres.stop()
    try:
        refused = requests.post(a + "/v1/verifications", data={"account_id": "pg", "profession": "doctor"},
                                files={"document": ("d.pdf", b"%PDF-1.7\n", "application/pdf")}, headers=auth,
                                timeout=30)
        assert refused.status_code == 503 and refused.json()["type"].endswith("database_unavailable")
        assert requests.get(b + "/healthz/ready", timeout=10).status_code == 503
        assert requests.get(b + "/healthz/live", timeout=10).status_code == 200
        assert requests.get(b + "/.well-known/jwks.json", timeout=10).json()["keys"]  # the keys it knows
    finally:
        cluster.postgres.start()
    wait_for(lambda: all(requests.get(url + "/healthz/ready", timeout=10).status_code == 200 for url in (a, b)),
             30, "both nodes to be ready again")
    ids = [_signed(80, "pg-1", a, auth), _signed(81, "pg-2", b, auth)]
    assert {body["status"] for body in _finished(cluster, b, auth, ids).values()} == {"approved"}


@pytest.fixture(params=["embedded", "cluster"])
def deployment(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    """README's deployment (``make run``: one server, its own job runner) and the cluster (two nodes, two workers)."""
    if request.param == "cluster":
        cluster: Cluster = request.getfixturevalue("cluster")
        a, b = cluster.nodes
        yield Deployment("cluster", a.url, b.url, a.create_key)
        return
    server = Server(tmp_path / "data", env={"VERIFY_JOB_LEASE_SECONDS": "3"})
    server.start()
    try:
        yield Deployment("embedded", server.url, server.url, server.create_key)
    finally:
        server.kill()


def test_readme_walkthrough(deployment: Deployment, tmp_path: Path) -> None:
    readme_walkthrough(deployment, tmp_path)
