"""The permission matrix of every review route, API and console, as a table of expected statuses.

Each cell runs with a fresh open case of platform ``acme-video``: ``reviewer`` is a reviewer
of that platform (own object), ``other_reviewer`` one of ``rival-live`` (foreign object),
``admin`` an admin of a third platform made to see every platform, ``own_admin`` and ``other_admin``
admin keys scoped to ``acme-video`` and to ``rival-live`` (a scoped admin sees its own platform only).
Routes that act on a claim (release, decision) are tried by the claim's holder when the actor can
claim, else while another reviewer holds it. The observed table is written to
``artifacts/permission-matrix.md``; any cell that differs fails the test, listed together.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import bearer, make_app, new_key
from tests.review_cases import copy_case, needs_review
from verify.services import console_sessions
from verify.services.context import Services
from verify.services.keys import authenticate
from verify.services.review import leases

MATRIX = """
route                               | anonymous | platform | reviewer | other_reviewer | admin | own_admin | other_admin
GET  /v1/review/items               | 401       | 403      | 200      | 200            | 200   | 200       | 200
POST /v1/review/next                | 401       | 403      | 200      | 204            | 200   | 200       | 204
GET  /v1/review/items/{id}          | 401       | 403      | 200      | 404            | 200   | 200       | 404
POST /v1/review/items/{id}/claim    | 401       | 403      | 200      | 404            | 200   | 200       | 404
POST /v1/review/items/{id}/release  | 401       | 403      | 200      | 404            | 200   | 200       | 404
POST /v1/review/items/{id}/decision | 401       | 403      | 200      | 404            | 200   | 200       | 404
POST /v1/review/items/{id}/reveal   | 401       | 403      | 200      | 404            | 200   | 200       | 404
GET  /review/login                  | 200       | 200      | 200      | 200            | 200   | 200       | 200
POST /review/login                  | 401       | 403      | 303      | 303            | 303   | 303       | 303
POST /review/logout                 | 303       | 403      | 303      | 303            | 303   | 303       | 303
GET  /review/                       | 302       | 403      | 200      | 200            | 200   | 200       | 200
POST /review/next                   | 303       | 403      | 303      | 303            | 303   | 303       | 303
GET  /review/items/{id}             | 302       | 403      | 200      | 404            | 200   | 200       | 404
GET  /review/items/{id}/pages/1     | 302       | 403      | 200      | 404            | 200   | 200       | 404
POST /review/items/{id}/claim       | 303       | 403      | 303      | 404            | 303   | 303       | 404
POST /review/items/{id}/release     | 303       | 403      | 303      | 404            | 303   | 303       | 404
POST /review/items/{id}/decision    | 303       | 403      | 303      | 404            | 303   | 303       | 404
POST /review/items/{id}/reveal      | 303       | 403      | 200      | 404            | 200   | 200       | 404
GET  /review/static/console.js      | 200       | 200      | 200      | 200            | 200   | 200       | 200
"""
CSRF = "matrix-csrf-token"
DECISION = {"decision": "reject", "reason_code": "unreadable"}
REVEAL = {"reason": "核对身份证号"}


def _table() -> tuple[list[str], list[tuple[str, str, dict[str, int]]]]:
    header, *rows = [line for line in MATRIX.strip().splitlines()]
    actors = [cell.strip() for cell in header.split("|")[1:]]
    cells = []
    for row in rows:
        route, *statuses = [cell.strip() for cell in row.split("|")]
        method, path = route.split()
        cells.append((method, path, dict(zip(actors, map(int, statuses), strict=True))))
    return actors, cells


ACTORS, ROUTES = _table()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    app = make_app(tmp_path_factory.mktemp("matrix") / "data")
    services: Services = app.extensions["verify"]
    keys = {
        "platform": new_key(services, "acme-video", "platform"),
        "reviewer": new_key(services, "acme-video", "reviewer"),
        "other_reviewer": new_key(services, "rival-live", "reviewer"),
        "admin": new_key(services, "operator", "admin", all_platforms=True),
        "own_admin": new_key(services, "acme-video", "admin", all_platforms=False),
        "other_admin": new_key(services, "rival-live", "admin", all_platforms=False),
        "holder": new_key(services, "acme-video", "reviewer"),
    }
    case = needs_review(app.test_client(), services, keys["platform"])
    yield {"app": app, "services": services, "keys": keys, "case": case}
    services.store.dispose()


def _prepare(world: dict[str, Any], actor: str, path: str) -> str:
    """A fresh case, claimed by the actor (or, if it cannot claim, by another reviewer) where the route needs it."""
    services: Services = world["services"]
    item_id = copy_case(services, world["case"])
    if path.endswith(("/release", "/decision")):
        claimant = actor if actor in ("reviewer", "admin", "own_admin") else "holder"
        principal = authenticate(services.store, world["keys"][claimant])
        assert principal is not None
        leases.claim(services, principal, item_id)
    return item_id


def _api_call(client: FlaskClient, method: str, path: str, key: str | None) -> int:
    headers = bearer(key) if key else {}
    body = DECISION if path.endswith("/decision") else REVEAL if path.endswith("/reveal") else None
    return client.open(path, method=method, headers=headers, json=body).status_code


def _console_call(services: Services, client: FlaskClient, method: str, path: str, key: str | None) -> int:
    """The route through a console session of ``key`` (signed in without the form, which has its own limits)."""
    if path != "/review/login" or method == "POST":
        with client.session_transaction("/review/") as session:
            session["csrf_token"] = CSRF
            principal = authenticate(services.store, key) if key and path != "/review/login" else None
            if principal is not None:
                session["session"] = console_sessions.start(services, principal)
    form: dict[str, str] = {"csrf_token": CSRF}
    if path == "/review/login":
        form["api_key"] = key or ""
    if path.endswith("/decision"):
        form.update(DECISION)
    if path.endswith("/reveal"):
        form.update(REVEAL)
    answer = client.open(path, method=method, data=form if method == "POST" else None)
    answer.close()
    return answer.status_code


def _observe(world: dict[str, Any], method: str, path: str, actor: str) -> int:
    app: Flask = world["app"]
    client = app.test_client()
    key = world["keys"].get(actor)
    concrete = path.replace("{id}", _prepare(world, actor, path))
    if concrete.startswith("/v1/"):
        return _api_call(client, method, concrete, key)
    return _console_call(world["services"], client, method, concrete, key)


def test_every_cell_of_the_permission_matrix(world: dict[str, Any]) -> None:
    observed: list[tuple[str, str, dict[str, int]]] = []
    wrong: list[str] = []
    for method, path, expected in ROUTES:
        row = {actor: _observe(world, method, path, actor) for actor in ACTORS}
        observed.append((method, path, row))
        wrong += [f"{method} {path} as {actor}: expected {expected[actor]}, got {row[actor]}"
                  for actor in ACTORS if row[actor] != expected[actor]]
    _write_table(observed)
    assert not wrong, "\n".join(wrong)


def test_the_matrix_lists_every_review_route(world: dict[str, Any]) -> None:
    app: Flask = world["app"]
    listed = {(method, path.replace("{id}", "<item_id>").replace("/pages/1", "/pages/<int:page>")
               .replace("/static/console.js", "/static/<path:filename>")) for method, path, _ in ROUTES}
    served = {(method, rule.rule) for rule in app.url_map.iter_rules()
              if rule.rule.startswith(("/v1/review", "/review")) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == listed


def _write_table(observed: list[tuple[str, str, dict[str, int]]]) -> None:
    out = Path(__file__).resolve().parents[2] / "artifacts"
    out.mkdir(exist_ok=True)
    lines = ["| route | " + " | ".join(ACTORS) + " |", "|---|" + "---|" * len(ACTORS)]
    lines += [f"| `{method} {path}` | " + " | ".join(str(row[a]) for a in ACTORS) + " |"
              for method, path, row in observed]
    (out / "permission-matrix.md").write_text("\n".join(lines) + "\n")
