"""compose.yaml runs what the cluster test runs: the same commands, Celery over Redis, PostgreSQL, one secret.

No container engine runs here, so the file is read and compared with tests/cluster/harness.py.
"""

from __future__ import annotations

from typing import Any

import yaml

from tests.cluster.harness import SETUP_COMMAND, WEB_COMMAND, WORKER_COMMAND
from tests.serving import ROOT
from verify.config import variable_names


def _compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_the_services_are_the_cluster_tests_processes_built_from_the_dockerfile() -> None:
    services = _compose()["services"]
    assert set(services) == {"postgres", "redis", "setup", "web", "worker"}
    commands = {name: tuple(services[name]["command"]) for name in ("setup", "web", "worker")}
    assert commands == {"setup": SETUP_COMMAND, "web": WEB_COMMAND, "worker": WORKER_COMMAND}
    for name in ("setup", "web", "worker"):
        assert services[name]["build"] == "." and (ROOT / "Dockerfile").exists()
    assert services["web"]["deploy"]["replicas"] == services["worker"]["deploy"]["replicas"] == 2


def test_nodes_share_the_database_redis_and_the_secret_and_no_disk() -> None:
    services = _compose()["services"]
    for name in ("setup", "web", "worker"):
        environment = services[name]["environment"]
        assert set(environment) <= set(variable_names()), set(environment) - set(variable_names())
        assert environment["VERIFY_QUEUE"] == "celery"
        assert environment["VERIFY_DATABASE_URL"].startswith("postgresql://")
        assert environment["VERIFY_REDIS_URL"].startswith("redis://redis:")
        assert environment["VERIFY_SECRET_KEY_FILE"] == "/run/secrets/verify_secret"
        assert "volumes" not in services[name]  # a node's data dir is its own scratch
    assert services["web"]["depends_on"]["setup"] == {"condition": "service_completed_successfully"}
