"""``/openapi.json``, generated from the marshmallow schemas with apispec."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from schemas.claims import (
    AccountSchema,
    ClaimSchema,
    ScanBatchRequestSchema,
    ScanBatchResultSchema,
    ScanResultSchema,
)
from schemas.credential import ValidateRequestSchema, ValidateResponseSchema
from schemas.label import (
    AccountLabelsSchema,
    LabelChangeRequestSchema,
    LabelCheckRequestSchema,
    LabelCheckResponseSchema,
    LabelSchema,
    RevokeRequestSchema,
)
from schemas.platform import PolicyRequestSchema, PolicySchema
from schemas.problem import ProblemSchema
from schemas.review import (
    ClaimNextRequestSchema,
    DecisionRequestSchema,
    LeaseRequestSchema,
    ReuseSchema,
    RevealRequestSchema,
    ReviewCaseSchema,
    ReviewItemListSchema,
    ReviewItemSchema,
)
from schemas.verification import VerificationFormSchema, VerificationPageSchema, VerificationSchema
from schemas.webhook import (
    AttemptSchema,
    DeliveryPageSchema,
    DeliverySchema,
    EndpointListSchema,
    EndpointRequestSchema,
    EndpointSchema,
    EndpointWithSecretSchema,
    LabelEventDataSchema,
    LabelEventSchema,
    RotateSecretRequestSchema,
    VerificationEventDataSchema,
    VerificationEventSchema,
    WebhookTestEventDataSchema,
    WebhookTestEventSchema,
)
from verify import errors
from verify.domain import Profession, ReviewState
from verify.webhooks.events import LABEL_EVENTS, TEST_EVENT, VERIFICATION_EVENTS

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
        # 429: too many failed authentications from the caller's address; 503: the database (or for uploads,
        # OCR) is unavailable
        problems = ("401", "403", "429", *problems, "503")
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


def _review_paths(spec: APISpec) -> None:
    item = [_path_param("item_id")]
    spec.path("/v1/review/items", operations={"get": _op(
        "The review queue, oldest first (a lapsed claim is open again)", ("200", "Items", "ReviewItemList"), "422",
        params=[_query("state", {"type": "string", "enum": [s.value for s in ReviewState]}),
                _query("profession", {"type": "string", "enum": [p.value for p in Profession]}),
                _query("reason", {"type": "string"}), _query("platform", {"type": "string"}),
                _query("limit", {"type": "integer", "minimum": 1, "maximum": 100})])})
    claim_next = _op("Claim the oldest open item matching the filters", ("200", "The claimed item", "ReviewItem"),
                     "422")
    claim_next["responses"]["204"] = {"description": "Nothing to claim"}
    claim_next["requestBody"] = {"required": False, **_json("ClaimNextRequest")}
    spec.path("/v1/review/next", operations={"post": claim_next})
    spec.path("/v1/review/items/{item_id}", operations={"get": _op(
        "One case: the item, the verification (ID numbers masked), earlier submissions (the view is audited)",
        ("200", "The case", "ReviewCase"), "404", params=item)})
    spec.path("/v1/review/items/{item_id}/reveal", operations={"post": _op(
        "The case with ID numbers in full; the reviewer, time and reason are written to the audit log",
        ("200", "The revealed case", "ReviewCase"), "404", "422", body="RevealRequest", params=item)})
    spec.path("/v1/review/items/{item_id}/claim", operations={"post": _op(
        "Claim (lease) an item; the answer's fencing goes with the decision", ("200", "The claimed item",
                                                                               "ReviewItem"),
        "404", "409", params=item)})
    release = _op("Give a claimed item back to the queue", ("200", "The item", "ReviewItem"), "404", "409", "422",
                  params=item)
    release["requestBody"] = {"required": False, **_json("LeaseRequest")}
    spec.path("/v1/review/items/{item_id}/release", operations={"post": release})
    spec.path("/v1/review/items/{item_id}/decision", operations={"post": _op(
        "Approve (issues the label) or reject a claimed item", ("200", "The decided item", "ReviewItem"), "404",
        "409", "422", body="DecisionRequest", params=item)})


def _webhook_paths(spec: APISpec) -> None:
    endpoint, delivery = [_path_param("endpoint_id")], [_path_param("delivery_id")]
    spec.path("/v1/webhooks/endpoints", operations={
        "post": _op("Register a webhook endpoint; its secret is in this answer only",
                    ("201", "The endpoint and its secret", "EndpointWithSecret"), "409", "422",
                    body="EndpointRequest"),
        "get": _op("The platform's webhook endpoints", ("200", "Endpoints", "EndpointList")),
    })
    spec.path("/v1/webhooks/endpoints/{endpoint_id}", operations={
        "get": _op("One webhook endpoint (disabled_reason says why it is disabled)", ("200", "The endpoint",
                                                                                      "Endpoint"), "404",
                   params=endpoint),
        "delete": _op("Delete an endpoint: its secret is destroyed, its waiting deliveries cancelled",
                      ("204", "Deleted", None), "404", params=endpoint),
    })
    spec.path("/v1/webhooks/endpoints/{endpoint_id}/test", operations={"post": _op(
        "Send a webhook.test event to this endpoint", ("202", "The delivery", "Delivery"), "404", "409",
        params=endpoint)})
    rotate = _op("A new secret, in this answer only; the old one also signs for the grace period",
                 ("200", "The endpoint and its new secret", "EndpointWithSecret"), "404", "422", params=endpoint)
    rotate["requestBody"] = {"required": False, **_json("RotateSecretRequest")}
    spec.path("/v1/webhooks/endpoints/{endpoint_id}/rotate-secret", operations={"post": rotate})
    spec.path("/v1/webhooks/endpoints/{endpoint_id}/enable", operations={"post": _op(
        "Deliver to a disabled endpoint again", ("200", "The endpoint", "Endpoint"), "404", params=endpoint)})
    spec.path("/v1/webhooks/deliveries", operations={"get": _op(
        "The delivery log, newest first: every attempt with its time, status code, duration and answer",
        ("200", "A page", "DeliveryPage"), "400", "404", "422", params=[
            _query("endpoint_id", {"type": "string"}),
            _query("state", {"type": "string", "enum": ["pending", "sending", "succeeded", "failed", "cancelled"]}),
            _query("limit", {"type": "integer", "minimum": 1, "maximum": 100}),
            _query("cursor", {"type": "string", "description": "next_cursor of the previous page"})])})
    spec.path("/v1/webhooks/deliveries/{delivery_id}", operations={"get": _op(
        "One delivery and its attempts", ("200", "The delivery", "Delivery"), "404", params=delivery)})
    spec.path("/v1/webhooks/deliveries/{delivery_id}/redeliver", operations={"post": _op(
        "Send the delivery's event to its endpoint again (the same webhook-id, a new delivery)",
        ("202", "The new delivery", "Delivery"), "404", "409", params=delivery)})


_WEBHOOK_HEADERS = {
    name: {"required": True, "schema": {"type": "string"}, "description": description} for name, description in (
        ("webhook-id", "the event's id: the same on every retry and redelivery; drop duplicates by it"),
        ("webhook-timestamp", "Unix seconds of this attempt"),
        ("webhook-signature", "`v1,<base64 HMAC-SHA256 of {id}.{timestamp}.{body}>` per secret in use, "
                              "space-separated (Standard Webhooks)"),
    )
}


def _webhooks() -> dict[str, Any]:
    """OpenAPI 3.1 ``webhooks``: what a platform's endpoint receives, one entry per event type."""
    described = {}
    kinds = [(VERIFICATION_EVENTS, "VerificationEvent"), (LABEL_EVENTS, "LabelEvent"),
             ((TEST_EVENT,), "WebhookTestEvent")]
    for types, schema in kinds:
        for event_type in types:
            described[event_type] = {"post": {
                "summary": f"{event_type} (Standard Webhooks: verify every delivery's signature)",
                "parameters": [{"name": name, "in": "header", **header} for name, header in _WEBHOOK_HEADERS.items()],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": f"#/components/schemas/{schema}"}}}},
                "responses": {"2XX": {"description": "Received; anything else (or no answer in 15 s) is retried"},
                              "410": {"description": "Gone: the endpoint is disabled"}},
            }}
    return described


def _page(summary: str, *, post: bool = False, params: list[dict[str, Any]] | None = None,
          content_type: str = "text/html") -> dict[str, Any]:
    """A console page or form post: session cookie auth, HTML (or a redirect) back."""
    operation: dict[str, Any] = {
        "summary": summary, "tags": ["console"], "security": [{"console_session": []}],
        "responses": {"200": {"description": "The page", "content": {content_type: {"schema": {"type": "string"}}}},
                      "302": {"description": "Not signed in: to /review/login"},
                      "404": {"description": "No such case, page or file"},
                      "403": {"description": "The signed-in key is not a reviewer's"}},
    }
    if post:
        operation["responses"] = {"303": {"description": "Done: to the next page"},
                                  "400": {"description": "Missing or wrong CSRF token"},
                                  **{k: v for k, v in operation["responses"].items() if k != "200"}}
        operation["requestBody"] = {"required": True, "content": {"application/x-www-form-urlencoded": {
            "schema": {"type": "object", "required": ["csrf_token"],
                       "properties": {"csrf_token": {"type": "string"}}}}}}
    if params:
        operation["parameters"] = params
    return operation


def _console_paths(spec: APISpec) -> None:
    """The reviewers' console (``/review/``): HTML pages for people, documented so every route is."""
    spec.components.security_scheme("console_session", {"type": "apiKey", "in": "cookie", "name": "verify_review"})
    item = [_path_param("item_id")]
    login = _page("Sign-in form")
    login["security"] = []
    login_post = _page("Sign in with a reviewer API key (form: api_key, next, csrf_token)", post=True)
    login_post["security"] = []
    spec.path("/review/login", operations={"get": login, "post": login_post})
    spec.path("/review/logout", operations={"post": _page("Sign out", post=True)})
    spec.path("/review/", operations={"get": _page("The queue page (state, profession, reason, platform filters)")})
    spec.path("/review/next", operations={"post": _page("Claim the oldest open case and open it", post=True)})
    spec.path("/review/items/{item_id}", operations={"get": _page("The case page", params=item)})
    spec.path("/review/items/{item_id}/pages/{page}", operations={"get": _page(
        "Page N of the case's document as a PNG (attachment, nosniff)", content_type="image/png",
        params=[*item, {"name": "page", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}],
    )})
    for action, summary in (("claim", "Claim the case"), ("release", "Give the case back (form: fencing)"),
                            ("decision", "Decide (form: decision, reason_code, message, note, fencing)")):
        spec.path(f"/review/items/{{item_id}}/{action}", operations={"post": _page(summary, post=True, params=item)})
    reveal = _page("The case page with ID numbers in full (form: reason, csrf_token); audited", params=item)
    reveal["requestBody"] = _page("", post=True)["requestBody"]
    reveal["responses"]["400"] = {"description": "Missing or wrong CSRF token"}
    reveal["responses"]["303"] = {"description": "Not signed in: to /review/login"}
    spec.path("/review/items/{item_id}/reveal", operations={"post": reveal})
    spec.path("/review/static/{filename}", operations={"get": _page(
        "The console's CSS and JS", content_type="text/plain", params=[_path_param("filename")])})


def build_spec() -> dict[str, Any]:
    marshmallow = MarshmallowPlugin()
    spec = APISpec(
        title="verify", version="1", openapi_version="3.1.0", plugins=[marshmallow],
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
        ("RevokeRequest", RevokeRequestSchema), ("LabelChangeRequest", LabelChangeRequestSchema),
        ("AccountLabels", AccountLabelsSchema), ("ReviewItem", ReviewItemSchema),
        ("ReviewItemList", ReviewItemListSchema), ("DecisionRequest", DecisionRequestSchema),
        ("RevealRequest", RevealRequestSchema),
        ("Reuse", ReuseSchema), ("ReviewCase", ReviewCaseSchema), ("LeaseRequest", LeaseRequestSchema),
        ("ClaimNextRequest", ClaimNextRequestSchema), ("PolicyRequest", PolicyRequestSchema), ("Policy", PolicySchema),
        ("Account", AccountSchema), ("Claim", ClaimSchema), ("ScanResult", ScanResultSchema),
        ("ScanBatchRequest", ScanBatchRequestSchema), ("ScanBatchResult", ScanBatchResultSchema),
        ("EndpointRequest", EndpointRequestSchema), ("Endpoint", EndpointSchema),
        ("EndpointWithSecret", EndpointWithSecretSchema), ("EndpointList", EndpointListSchema),
        ("RotateSecretRequest", RotateSecretRequestSchema), ("Attempt", AttemptSchema), ("Delivery", DeliverySchema),
        ("DeliveryPage", DeliveryPageSchema), ("VerificationEventData", VerificationEventDataSchema),
        ("VerificationEvent", VerificationEventSchema), ("LabelEventData", LabelEventDataSchema),
        ("LabelEvent", LabelEventSchema), ("WebhookTestEventData", WebhookTestEventDataSchema),
        ("WebhookTestEvent", WebhookTestEventSchema),
    ]:
        spec.components.schema(name, schema=schema)
    # The form fields inline plus the file parts: an allOf with the closed VerificationForm object
    # (additionalProperties: false) would forbid ``document`` and could never be satisfied.
    fields_only = marshmallow.converter.schema2jsonschema(VerificationFormSchema)  # type: ignore[union-attr]
    form = {**fields_only, "required": [*fields_only.get("required", []), "document"], "properties": {
        **fields_only["properties"], "document": {"type": "array", "items": {"type": "string", "format": "binary"}},
    }}
    submit = _op("Submit a qualification document", ("202", "Accepted for processing", "Verification"),
                 "400", "409", "413", "415", "422", "429", "503",
                 params=[{"name": "Idempotency-Key", "in": "header", "required": False, "schema": {"type": "string"}}])
    submit["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": form}}}
    spec.path("/v1/verifications", operations={
        "post": submit,
        "get": _op("List verifications, newest first", ("200", "A page", "VerificationPage"), "400", "422", params=[
            _query("account_id", {"type": "string"}), _query("status", {"type": "string"}),
            _query("limit", {"type": "integer", "minimum": 1, "maximum": 100}), _query("cursor", {
                "type": "string", "description": "next_cursor of the previous page: opaque, and valid only for the "
                                                 "platform it was given to (else 400 invalid_cursor)"}),
        ]),
    })
    spec.path("/v1/verifications/{verification_id}", operations={
        "get": _op("One verification", ("200", "The verification", "Verification"), "404",
                   params=[_path_param("verification_id")]),
        "delete": _op("Remove the personal data (documents and their hashes, holder, personal fields, the reviewer's "
                      "note and message); the decision, checks and label stay",
                      ("200", "The redacted verification", "Verification"), "404", "409",
                      params=[_path_param("verification_id")]),
    })
    spec.path("/v1/credentials/validate", operations={"post": _op(
        "Check a number without a document", ("200", "The report (valid may be false)", "ValidateResponse"),
        "422", body="ValidateRequest")})
    spec.path("/v1/labels/check", operations={"post": _op(
        "Check a label token", ("200", "The result", "LabelCheckResponse"), "422", "429",
        body="LabelCheckRequest")})
    spec.path("/v1/labels/{label_id}/revoke", operations={"post": _op(
        "Revoke a label", ("200", "The revoked label", "Label"), "404", "422", body="RevokeRequest",
        params=[_path_param("label_id")])})
    for action, summary in (("suspend", "Suspend a label (reversible)"), ("resume", "Lift a label's suspension")):
        change = _op(summary, ("200", "The label", "Label"), "404", "409", "422", params=[_path_param("label_id")])
        change["requestBody"] = {"required": False, **_json("LabelChangeRequest")}
        spec.path(f"/v1/labels/{{label_id}}/{action}", operations={"post": change})
    status_list = _op("A Token Status List (draft-ietf-oauth-status-list), 2 bits per label",
                      ("200", "The signed list", None), "404", secured=False,
                      params=[{"name": "list_id", "in": "path", "required": True,
                               "schema": {"type": "integer", "minimum": 1}}])
    status_list["responses"]["200"]["content"] = {"application/statuslist+jwt": {"schema": {"type": "string"}}}
    spec.path("/v1/status-lists/{list_id}", operations={"get": status_list})
    spec.path("/v1/accounts/{account_id}/labels", operations={"get": _op(
        "An account's labels", ("200", "Labels with their state", "AccountLabels"),
        params=[_path_param("account_id")])})
    spec.path("/v1/platforms/{name}/policy", operations={
        "get": _op("A platform's approval policy (admin, or the platform itself)", ("200", "The policy", "Policy"),
                   "404", params=[_path_param("name")]),
        "put": _op("Set a platform's approval policy (admin; audited)", ("200", "The policy", "Policy"), "404",
                   "422", body="PolicyRequest", params=[_path_param("name")]),
    })
    spec.path("/v1/claims/scan", operations={"post": _op(
        "Find the professional titles an account presents (医生, 律师, 教师 ... in any writing) and whether its "
        "labels cover each; nothing is stored", ("200", "The account's claims and action", "ScanResult"),
        "422", "429", body="Account")})
    spec.path("/v1/claims/scan-batch", operations={"post": _op(
        "The claim scan over many accounts (at most VERIFY_LIMITS_CLAIM_BATCH_MAX, 1000); each account takes a "
        "token of the rate limit", ("200", "One answer per account, in order", "ScanBatchResult"),
        "413", "422", "429", body="ScanBatchRequest")})
    _review_paths(spec)
    _webhook_paths(spec)
    _console_paths(spec)
    spec.path("/.well-known/jwks.json", operations={"get": _op(
        "Public keys that sign labels", ("200", "A JWK set", None), secured=False)})
    spec.path("/healthz", operations={"get": _op(
        "Ready: the database answers and the OCR engine is there (Redis reported in Celery mode: degraded without it)",
        ("200", "Ready (status ok or degraded)", None), "503", secured=False)})
    spec.path("/healthz/ready", operations={"get": _op("Ready: the same as /healthz", ("200", "Ready", None), "503",
                                                       secured=False)})
    spec.path("/healthz/live", operations={"get": _op("Live: this process answers (no dependency asked)",
                                                      ("200", "Live", None), secured=False)})
    spec.path("/metrics", operations={"get": _op(
        "Prometheus metrics: requests answered by this process, verifications waiting (bearer: VERIFY_METRICS_TOKEN "
        "or an admin key)", ("200", "Text format", None))})
    spec.path("/openapi.json", operations={"get": _op("This document", ("200", "OpenAPI 3.1", None), secured=False)})
    return {**spec.to_dict(), "webhooks": _webhooks()}
