"""``/openapi.json``, generated from the marshmallow schemas with apispec."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from schemas.credential import ValidateRequestSchema, ValidateResponseSchema
from schemas.label import (
    AccountLabelsSchema,
    LabelCheckRequestSchema,
    LabelCheckResponseSchema,
    LabelSchema,
    RevokeRequestSchema,
)
from schemas.problem import ProblemSchema
from schemas.review import DecisionRequestSchema, ReviewItemListSchema, ReviewItemSchema
from schemas.verification import VerificationFormSchema, VerificationPageSchema, VerificationSchema
from verify import errors

_PROBLEM_TYPES = sorted(
    {cls.type_slug for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, errors.VerifyError)}
)


def _json(schema: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": "Problem"}}}


def _op(summary: str, ok: tuple[str, str, str | None], *problems: str, body: str | None = None,
        params: list[dict[str, Any]] | None = None, secured: bool = True) -> dict[str, Any]:
    status, description, schema = ok
    operation: dict[str, Any] = {
        "summary": summary,
        "responses": {status: {"description": description, **(_json(schema) if schema else {})}},
    }
    if secured:
        operation["security"] = [{"bearer": []}]
        problems = ("401", "403", *problems)
    for code in problems:
        operation["responses"][code] = _problem(f"problem ({code})")
    if body:
        operation["requestBody"] = {"required": True, **_json(body)}
    if params:
        operation["parameters"] = params
    return operation


def _path_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


def build_spec() -> dict[str, Any]:
    spec = APISpec(
        title="verify", version="1", openapi_version="3.1.0", plugins=[MarshmallowPlugin()],
        info={"description": "Credential verification for platforms. Problem types: "
                             + ", ".join(errors.PROBLEM_BASE + slug for slug in _PROBLEM_TYPES)},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    # Nested schemas register themselves by class name, so list each before its users.
    for name, schema in [
        ("Problem", ProblemSchema), ("Verification", VerificationSchema), ("VerificationPage", VerificationPageSchema),
        ("VerificationForm", VerificationFormSchema), ("ValidateRequest", ValidateRequestSchema),
        ("ValidateResponse", ValidateResponseSchema), ("LabelCheckRequest", LabelCheckRequestSchema),
        ("Label", LabelSchema), ("LabelCheckResponse", LabelCheckResponseSchema),
        ("RevokeRequest", RevokeRequestSchema),
        ("AccountLabels", AccountLabelsSchema), ("ReviewItem", ReviewItemSchema),
        ("ReviewItemList", ReviewItemListSchema), ("DecisionRequest", DecisionRequestSchema),
    ]:
        spec.components.schema(name, schema=schema)
    form = {"allOf": [{"$ref": "#/components/schemas/VerificationForm"}, {
        "type": "object", "required": ["document"],
        "properties": {"document": {"type": "array", "items": {"type": "string", "format": "binary"}}},
    }]}
    submit = _op("Submit a qualification document", ("202", "Accepted for processing", "Verification"),
                 "400", "409", "413", "415", "422", "503",
                 params=[{"name": "Idempotency-Key", "in": "header", "required": False, "schema": {"type": "string"}}])
    submit["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": form}}}
    spec.path("/v1/verifications", operations={
        "post": submit,
        "get": _op("List verifications, newest first", ("200", "A page", "VerificationPage"), "422", params=[
            _query("account_id", {"type": "string"}), _query("status", {"type": "string"}),
            _query("limit", {"type": "integer", "minimum": 1, "maximum": 100}), _query("cursor", {"type": "string"}),
        ]),
    })
    spec.path("/v1/verifications/{verification_id}", operations={
        "get": _op("One verification", ("200", "The verification", "Verification"), "404",
                   params=[_path_param("verification_id")]),
    })
    spec.path("/v1/credentials/validate", operations={"post": _op(
        "Check a number without a document", ("200", "The report (valid may be false)", "ValidateResponse"),
        "422", body="ValidateRequest")})
    spec.path("/v1/labels/check", operations={"post": _op(
        "Check a label token", ("200", "The result", "LabelCheckResponse"), "422", body="LabelCheckRequest")})
    spec.path("/v1/labels/{label_id}/revoke", operations={"post": _op(
        "Revoke a label", ("200", "The revoked label", "Label"), "404", "422", body="RevokeRequest",
        params=[_path_param("label_id")])})
    spec.path("/v1/accounts/{account_id}/labels", operations={"get": _op(
        "An account's labels", ("200", "Labels with their state", "AccountLabels"),
        params=[_path_param("account_id")])})
    spec.path("/v1/review/items", operations={"get": _op(
        "The review queue, oldest first", ("200", "Items", "ReviewItemList"), "422",
        params=[_query("state", {"type": "string", "enum": ["open", "claimed", "decided"]})])})
    spec.path("/v1/review/items/{item_id}/claim", operations={"post": _op(
        "Claim (lease) an item", ("200", "The claimed item", "ReviewItem"), "404", "409",
        params=[_path_param("item_id")])})
    spec.path("/v1/review/items/{item_id}/decision", operations={"post": _op(
        "Approve or reject a claimed item", ("200", "The decided item", "ReviewItem"), "404", "409", "422",
        body="DecisionRequest", params=[_path_param("item_id")])})
    spec.path("/.well-known/jwks.json", operations={"get": _op(
        "Public keys that sign labels", ("200", "A JWK set", None), secured=False)})
    spec.path("/healthz", operations={"get": _op("Health", ("200", "Healthy", None), "503", secured=False)})
    spec.path("/metrics", operations={"get": _op("Prometheus metrics", ("200", "Text format", None), secured=False)})
    spec.path("/openapi.json", operations={"get": _op("This document", ("200", "OpenAPI 3.1", None), secured=False)})
    return spec.to_dict()
