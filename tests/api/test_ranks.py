"""Ranks and workplaces through the API: several documents in one submission, to a label that shows them.

A 主任医师 account sends its practising certificate and its title certificate (signed PDFs, which the
tests' trusted issuer makes trustworthy): the label shows the rank. With the hospital's employment
letter as well, a person decides, and the approved label shows the department, the institution a
separate claim. A 教授 account's title certificate alone earns ``高等教育 · 教授``. A rank claim in the
claim scan is covered only by the label that shows it; forged combinations never approve.
"""

from __future__ import annotations

import io
from typing import Any

import jwt
import pytest
from flask.testing import FlaskClient

from tests.conftest import bearer, process_all
from tests.review_cases import item_of
from tests.title_documents import Dossier, make_dossier
from tests.uploads import signed_pdf
from verify.services.context import Services


def submit_documents(client: FlaskClient, key: str, dossier: Dossier, documents: tuple[Any, ...],
                     **form: str) -> dict[str, Any]:
    """Submit ``documents`` (certificates of ``dossier``) as signed PDFs in one submission; the processed answer."""
    files = [(io.BytesIO(signed_pdf(cert)), f"{cert.kind.value}.pdf", "application/pdf") for cert in documents]
    body = {"account_id": "acct-rank", "profession": "doctor", "holder_name": dossier.holder["name"],
            "holder_id_number": dossier.holder["id_number"], **form, "document": files}
    answer = client.post("/v1/verifications", data=body, headers=bearer(key), content_type="multipart/form-data")
    assert answer.status_code == 202, answer.json
    return answer.json


def processed(client: FlaskClient, services: Services, key: str, submitted: dict[str, Any]) -> dict[str, Any]:
    process_all(services)
    return client.get(f"/v1/verifications/{submitted['id']}", headers=bearer(key)).json


def claims_of(label: dict[str, Any]) -> dict[str, Any]:
    return jwt.decode(label["token"], options={"verify_signature": False})


def scan(client: FlaskClient, key: str, **account: str) -> dict[str, Any]:
    answer = client.post("/v1/claims/scan", json=account, headers=bearer(key))
    assert answer.status_code == 200, answer.json
    return {claim["title"]: claim for claim in answer.json["claims"]}


def test_a_chief_physician_earns_the_rank_then_the_department_through_a_reviewer(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    dossier = make_dossier("chief_physician", seed=2)
    practice, title, letter = dossier.documents
    done = processed(client, services, platform_key,
                     submit_documents(client, platform_key, dossier, (practice, title)))
    assert done["status"] == "approved", done["reasons"]
    assert done["credential"]["kind"] == "title_certificate"
    assert done["documents"] == [{"kind": "title_certificate", "backs": "rank", "primary": True},
                                 {"kind": "physician_practice", "backs": "practice", "primary": False}]
    assert (done["label"]["display"], done["label"]["title"]) == ("医疗卫生 · 主任医师", "主任医师")
    rank_label = done["label"]["id"]

    claims = scan(client, platform_key, account_id="acct-rank", name="张主任医师", bio="副主任医师出身")
    assert claims["主任医师"]["covered_by"] == rank_label and claims["主任医师"]["action"] == "ok"
    assert claims["副主任医师"]["covered_by"] is None  # a label shows its own rank, no other

    with_letter = processed(client, services, platform_key,
                            submit_documents(client, platform_key, dossier, (practice, title, letter)))
    assert with_letter["status"] == "needs_review"
    assert "employment_letter_review" in with_letter["reasons"] and with_letter["label"] is None
    assert [d["backs"] for d in with_letter["documents"]] == ["rank", "practice", "workplace"]
    item = item_of(services, with_letter["id"])
    fencing = client.post(f"/v1/review/items/{item}/claim", headers=bearer(reviewer_key)).json["fencing"]
    decided = client.post(f"/v1/review/items/{item}/decision", headers=bearer(reviewer_key), json={
        "decision": "approve", "reason_code": "documents_consistent", "fencing": fencing})
    assert decided.status_code == 200, decided.json
    approved = client.get(f"/v1/verifications/{with_letter['id']}", headers=bearer(platform_key)).json
    department = letter.fields["department"]
    assert approved["label"]["display"] == f"医疗卫生 · 主任医师 · {department}"
    token = claims_of(approved["label"])
    assert (token["department"], token["institution"], token["vocab"]) == (department, letter.fields["institution"],
                                                                           "2")
    assert scan(client, platform_key, account_id="acct-rank", name="主任医师")["主任医师"]["covered_by"] == \
        approved["label"]["id"]


def test_a_professor_earns_higher_education_professor_from_the_title_certificate(
    client: FlaskClient, services: Services, platform_key: str
) -> None:
    dossier = make_dossier("professor", seed=3)
    done = processed(client, services, platform_key, submit_documents(
        client, platform_key, dossier, (dossier.title,), profession="teacher", account_id="acct-prof"))
    assert done["status"] == "approved", done["reasons"]
    assert (done["label"]["display"], done["label"]["domain"]) == ("高等教育 · 教授", "education")
    assert done["documents"] == [{"kind": "title_certificate", "backs": "rank", "primary": True}]
    claims = scan(client, platform_key, account_id="acct-prof", name="李教授", bio="大学老师")
    assert claims["教授"]["covered_by"] == done["label"]["id"]


@pytest.mark.parametrize("forgery", ["rank_above_practice", "seal_differs", "other_holder", "grade_mismatch",
                                     "specialty_outside_scope"])
def test_forged_combinations_never_approve(client: FlaskClient, services: Services, platform_key: str,
                                           forgery: str) -> None:
    dossier = make_dossier(forgery, seed=4)
    done = processed(client, services, platform_key, submit_documents(client, platform_key, dossier,
                                                                      dossier.documents))
    assert done["status"] in ("rejected", "needs_review") and done["label"] is None, done["reasons"]
