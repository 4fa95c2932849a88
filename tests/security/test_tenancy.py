"""Tenant isolation beyond single lookups (catalogue 15, 16, 20); 14 and 17 are in
tests/api/test_verifications.py and tests/web/test_permission_matrix.py.

Two platforms each have an approved verification with a label for the *same* account id,
so anything scoped by account instead of by (platform, account) would show.
"""

from __future__ import annotations

import base64
import contextlib
import random
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api.test_labels import issue as issue_label
from tests.certificates import make_certificate, render_pdf
from tests.conftest import bearer, make_app, new_key
from tests.hand_made import submit_read_as
from tests.security.client import submit
from tests.uploads import holder_form
from verify.errors import NotFound
from verify.services import keys, verifications
from verify.services.context import Services
from verify.services.keys import Principal
from verify.store.models import Label, Verification

ACCOUNT = "shared-acct"  # both platforms have an account called this
_HEX_ID = re.compile(r"[0-9a-f]{32}")


@dataclass
class Tenant:
    key: str
    principal: Principal
    verification_ids: list[str]
    label_id: str
    label_token: str


@dataclass
class World:
    app: Flask
    a: Tenant
    b: Tenant

    @property
    def client(self) -> FlaskClient:
        return self.app.test_client()


def _tenant(app: Flask, platform: str, seed: int) -> Tenant:
    services = app.extensions["verify"]
    key = new_key(services, platform, "platform")
    client = app.test_client()
    cert = make_certificate("physician_practice", seed)
    approved = submit_read_as(client, services, key, cert, signed=True, account_id=ACCOUNT, **holder_form(cert))
    body = client.get(f"/v1/verifications/{approved.json['id']}", headers=bearer(key)).json
    assert body["status"] == "approved", body["reasons"]
    pending = [submit(client, key, render_pdf(make_certificate("physician_practice", seed + n)),
                      account_id=f"{platform}-{n}").json["id"] for n in (1, 2)]  # left pending: enough to list
    principal = keys.authenticate(services.store, key)
    assert principal is not None
    return Tenant(key, principal, [approved.json["id"], *pending], body["label"]["id"], body["label"]["token"])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    app = make_app(Path(tmp_path_factory.mktemp("tenancy")), ocr_engine="none")
    yield World(app, _tenant(app, "acme-video", 41), _tenant(app, "rival-live", 51))
    app.extensions["verify"].store.dispose()


def _tenant_hints(b: Tenant) -> tuple[dict[str, str], str]:
    """Every way a client might try to name tenant B: headers and a query string."""
    headers = {"X-Tenant-ID": b.principal.platform_id, "X-Platform-ID": b.principal.platform_id,
               "X-Platform": b.principal.platform_name, "X-Forwarded-User": b.principal.key_id}
    query = f"tenant_id={b.principal.platform_id}&platform_id={b.principal.platform_id}&platform=rival-live"
    return headers, query


def _without_instance(body: dict) -> dict:
    return {k: v for k, v in body.items() if k != "instance"}


# --- 15: the tenant comes from the key only ---------------------------------------------------
def test_15_tenant_headers_and_parameters_are_ignored_on_reads(world: World) -> None:
    a, b, client = world.a, world.b, world.client
    hints, query = _tenant_hints(b)
    auth = {**bearer(a.key), **hints}
    listed = client.get("/v1/verifications", headers=auth)
    assert listed.status_code == 200
    assert {item["id"] for item in listed.json["items"]} == set(a.verification_ids)
    named = client.get(f"/v1/verifications?{query}", headers=auth)  # unknown parameters are refused, not used
    assert (named.status_code, named.json["type"].rsplit("/", 1)[1]) == (422, "validation_error")
    assert not any(i in named.get_data(as_text=True) for i in b.verification_ids)
    for foreign in b.verification_ids:
        assert client.get(f"/v1/verifications/{foreign}?{query}", headers=auth).status_code == 404
    account = client.get(f"/v1/accounts/{ACCOUNT}/labels?{query}", headers=auth)
    assert [label["id"] for label in account.json["labels"]] == [a.label_id]
    checked = client.post(f"/v1/labels/check?{query}", headers=auth, json={"token": b.label_token})
    assert (checked.json["valid"], checked.json["reason"]) == (False, "wrong_platform")


def test_15_tenant_headers_and_fields_cannot_change_another_tenants_objects(world: World) -> None:
    a, b, client = world.a, world.b, world.client
    hints, query = _tenant_hints(b)
    auth = {**bearer(a.key), **hints}
    revoke = client.post(f"/v1/labels/{b.label_id}/revoke?{query}", headers=auth,
                         json={"reason": "fraud", "tenant_id": b.principal.platform_id})
    assert revoke.status_code in (404, 422)  # 422: the body's unknown field is refused before any lookup
    assert client.post(f"/v1/labels/{b.label_id}/revoke?{query}", headers=auth,
                       json={"reason": "fraud"}).status_code == 404
    for action in ("suspend", "resume"):
        assert client.post(f"/v1/labels/{b.label_id}/{action}", headers=auth, json={}).status_code == 404
    assert client.delete(f"/v1/verifications/{b.verification_ids[0]}?{query}", headers=auth).status_code == 404
    still = client.post("/v1/labels/check", headers=bearer(b.key), json={"token": b.label_token})
    assert (still.json["valid"], still.json["label"]["state"]) == (True, "active")
    mine = client.get(f"/v1/verifications/{b.verification_ids[0]}", headers=bearer(b.key)).json
    assert mine["redacted_at"] is None and mine["credential"]["fields"]


def test_15_a_tenant_named_in_the_upload_form_does_not_file_it_there(world: World) -> None:
    a, b, client = world.a, world.b, world.client
    hints, _ = _tenant_hints(b)
    pdf = render_pdf(make_certificate("physician_practice", 61))
    answer = submit(client, a.key, pdf, account_id="form-tenant", headers=hints,
                    tenant_id=b.principal.platform_id, platform_id=b.principal.platform_id)
    assert answer.status_code in (202, 422)
    b_sees = client.get("/v1/verifications?account_id=form-tenant", headers=bearer(b.key)).json["items"]
    assert b_sees == []
    if answer.status_code == 202:
        assert client.get(f"/v1/verifications/{answer.json['id']}", headers=bearer(a.key)).status_code == 200


# --- 16: enumeration ------------------------------------------------------------------------------
def _guesses(world: World, count: int) -> list[str]:
    rng = random.Random(16)
    own = world.a.verification_ids
    guesses = [str(n) for n in range(1, count // 4)]  # sequential, as an integer id would be
    guesses += [f"{n:032x}" for n in range(count // 4)]  # sequential in the id's own shape
    guesses += [uuid.UUID(int=rng.getrandbits(128), version=4).hex for _ in range(count // 4)]
    guesses += [own[n % len(own)][:-1] + rng.choice("0123456789abcdef") for n in range(count // 8)]  # neighbours
    guesses += [world.b.verification_ids[n % 3] for n in range(count // 8)]
    return [g for g in guesses if g not in own]


def test_16_ten_thousand_guessed_ids_find_nothing_of_anyone_else(world: World) -> None:
    services, a = world.app.extensions["verify"], world.a
    guesses = _guesses(world, 10_000)
    assert len(guesses) > 9_000
    found = []
    for guess in guesses:
        with contextlib.suppress(NotFound):
            found.append(verifications.get(services, a.principal, guess).verification.id)
    assert found == []
    assert all(verifications.get(services, a.principal, own).verification.platform_id == a.principal.platform_id
               for own in a.verification_ids)


def test_16_guessed_ids_over_http_answer_one_and_the_same_404(world: World) -> None:
    a, b, client = world.a, world.b, world.client
    bodies = set()
    for guess in [*b.verification_ids, *_guesses(world, 400)[::4]]:
        answer = client.get(f"/v1/verifications/{guess}", headers=bearer(a.key))
        assert answer.status_code == 404
        bodies.add(str(sorted(_without_instance(answer.json).items())))
    for guess in (b.label_id, "1", "0" * 32, uuid.uuid4().hex):
        answer = client.post(f"/v1/labels/{guess}/revoke", headers=bearer(a.key), json={"reason": "guess"})
        assert answer.status_code == 404
    assert len(bodies) == 1


def test_16_ids_are_random_not_sequential(world: World) -> None:
    ids = [*world.a.verification_ids, *world.b.verification_ids, world.a.label_id, world.b.label_id]
    assert all(_HEX_ID.fullmatch(i) and uuid.UUID(hex=i).version == 4 for i in ids)
    assert len({i[:8] for i in ids}) == len(ids)  # no shared prefix from a counter or a clock


# --- 20: listing and cursors ---------------------------------------------------------------------
def test_20_an_oversized_page_is_refused_with_the_documented_maximum(world: World) -> None:
    answer = world.client.get("/v1/verifications?limit=1000000", headers=bearer(world.a.key))
    assert answer.status_code == 422 and answer.json["type"].endswith("/validation_error")
    assert "limit" in answer.json["errors"]


def _first_cursor(world: World, tenant: Tenant) -> str:
    page = world.client.get("/v1/verifications?limit=1", headers=bearer(tenant.key)).json
    assert page["next_cursor"]
    return page["next_cursor"]


def test_20_a_cursor_is_opaque_and_works_for_its_own_tenant(world: World) -> None:
    a, client = world.a, world.client
    cursor = _first_cursor(world, a)
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    assert not any(i.encode() in raw or bytes.fromhex(i) in raw for i in a.verification_ids)
    assert b"20" not in raw[:2] and b"T" not in raw[12:13]  # not a readable timestamp either
    seen = [client.get("/v1/verifications?limit=1", headers=bearer(a.key)).json["items"][0]["id"]]
    while cursor:
        page = client.get(f"/v1/verifications?limit=1&cursor={cursor}", headers=bearer(a.key)).json
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
    everything = client.get("/v1/verifications?limit=100", headers=bearer(a.key)).json["items"]
    assert sorted(seen) == sorted(item["id"] for item in everything) and set(a.verification_ids) <= set(seen)


def test_20_another_tenants_cursor_is_a_400_and_shows_nothing(world: World) -> None:
    cursor = _first_cursor(world, world.a)
    answer = world.client.get(f"/v1/verifications?limit=1&cursor={cursor}", headers=bearer(world.b.key))
    assert answer.status_code == 400
    assert answer.content_type == "application/problem+json"
    assert answer.json["type"].endswith("/invalid_cursor")
    assert not any(i in answer.get_data(as_text=True) for i in world.a.verification_ids)


def test_20_a_forged_or_edited_cursor_is_a_400(world: World) -> None:
    cursor = _first_cursor(world, world.a)
    edited = cursor[:10] + ("A" if cursor[10] != "A" else "B") + cursor[11:]
    forged = base64.urlsafe_b64encode(b"2999-01-01T00:00:00+00:00|" + b"f" * 32).decode().rstrip("=")
    for bad in (edited, forged, "x", "!!!!"):
        answer = world.client.get(f"/v1/verifications?cursor={bad}", headers=bearer(world.a.key))
        assert (answer.status_code, answer.json["type"].rsplit("/", 1)[1]) == (400, "invalid_cursor"), bad


# --- 17: the platform routes' authorization matrix ---------------------------------------------------
PLATFORM_MATRIX = """
route                                   | nobody | owner | other_platform | reviewer | admin | own_admin | other_admin
GET    /v1/verifications                | 401    | 200   | 200*           | 200      | 200   | 200       | 200*
POST   /v1/verifications                | 401    | 202   | 202*           | 403      | 202*  | 202*      | 202*
GET    /v1/verifications/{verification} | 401    | 200   | 404            | 200      | 200   | 200       | 404
DELETE /v1/verifications/{verification} | 401    | 200   | 404            | 403      | 200   | 200       | 404
POST   /v1/credentials/validate         | 401    | 200   | 200            | 200      | 200   | 200       | 200
POST   /v1/labels/check                 | 401    | 200   | 200*           | 403      | 200*  | 200       | 200*
POST   /v1/labels/{label}/revoke        | 401    | 200   | 404            | 403      | 200   | 200       | 404
POST   /v1/labels/{label}/suspend       | 401    | 200   | 404            | 403      | 200   | 200       | 404
POST   /v1/labels/{label}/resume        | 401    | 200   | 404            | 403      | 200   | 200       | 404
GET    /v1/accounts/{account}/labels    | 401    | 200   | 200*           | 403      | 200   | 200       | 200*
"""
# ``*``: a 2xx that must show nothing of the owner's object (its ids, its label as valid). ``admin`` is an admin key
# of a third platform made with ``--all-platforms``: it may call every route across platforms (README); an admin's
# upload is filed under the admin's own platform. ``own_admin`` and ``other_admin`` are admin keys scoped to the
# owner's platform and to another one: a scoped admin sees its platform's objects only.


def test_17_every_platform_route_by_every_role_on_its_own_and_a_foreign_object(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", ocr_engine="none", limits={"account_uploads_per_day": 0, "uploads_per_minute": 0})
    services: Services = app.extensions["verify"]
    client = app.test_client()
    pdf = render_pdf(make_certificate("physician_practice", 71))
    try:
        keys = {"nobody": None, "owner": new_key(services, "acme-video", "platform"),
                "other_platform": new_key(services, "rival-live", "platform"),
                "reviewer": new_key(services, "acme-video", "reviewer"),
                "admin": new_key(services, "operator", "admin", all_platforms=True),
                "own_admin": new_key(services, "acme-video", "admin", all_platforms=False),
                "other_admin": new_key(services, "rival-live", "admin", all_platforms=False)}
        header, *rows = PLATFORM_MATRIX.strip().splitlines()
        actors = [cell.strip() for cell in header.split("|")[1:]]
        wrong = []
        for number, row in enumerate(rows):
            route, *cells = [cell.strip() for cell in row.split("|")]
            method, path = route.split()
            for actor, expected in zip(actors, cells, strict=True):
                account = f"m{number}-{actor}"
                label = issue_label(services, account)  # a fresh object of the owner's for every cell
                with services.store.write() as session:  # the fields as the pipeline writes them
                    verification = session.scalars(select(Label.verification_id).where(Label.id == label["id"])).one()
                    session.get(Verification, verification).fields = {"category": {
                        "value": "专职律师", "raw": "专职律师", "confidence": 1.0, "source": "text"}}
                if path.endswith("/resume"):
                    client.post(f"/v1/labels/{label['id']}/suspend", json={}, headers=bearer(keys["owner"]))
                url = path.format(verification=verification, label=label["id"], account=account)
                headers = bearer(keys[actor]) if keys[actor] else {}
                if url == "/v1/verifications" and method == "POST":
                    answer = submit(client, keys[actor] or "", pdf, account_id=account) if keys[actor] else \
                        client.post(url)
                elif url == "/v1/labels/check":
                    answer = client.post(url, json={"token": label["token"]}, headers=headers)
                elif url == "/v1/credentials/validate":
                    answer = client.post(url, json={"kind": "resident_id", "number": "11010519491231002X"},
                                         headers=headers)
                elif method == "POST":
                    answer = client.post(url, json={"reason": "matrix"}, headers=headers)
                else:
                    answer = client.open(url, method=method, headers=headers)
                status, must_hide = int(expected.rstrip("*")), expected.endswith("*")
                body = answer.get_data(as_text=True)
                if answer.status_code != status:
                    wrong.append(f"{route} as {actor}: {answer.status_code}, expected {status}")
                elif must_hide and (verification in body or label["id"] in body
                                    or (url == "/v1/labels/check" and answer.json["valid"])):
                    wrong.append(f"{route} as {actor}: {answer.status_code} shows the owner's object")
        assert wrong == [], "\n".join(wrong)
    finally:
        services.store.dispose()
