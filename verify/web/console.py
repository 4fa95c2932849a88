"""``/review/``: the reviewers' console (server-rendered Jinja, a little plain JS, no build step).

Views are thin: read the form, call one function of ``verify.services.review``, render
or redirect (POST, then 303 to a page). Every page answers with a strict CSP (no inline
script or style), ``no-store`` and no framing; document pages are PNGs re-rendered by
``pages`` and served as attachments with ``nosniff``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from verify import errors
from verify.api.common import edge
from verify.api.ratelimit import source
from verify.checks import person
from verify.domain import CheckStatus, CredentialKind, FieldValue, ReviewState
from verify.kinds import DOCUMENTS, field_caption
from verify.masking import mask_field, mask_id_number
from verify.services import keys
from verify.services.context import Services
from verify.services.review import cases, decisions, leases, reasons
from verify.services.review import queue as review_queue
from verify.stored import checks_from_stored, fields_from_stored
from verify.web import pages, session, words
from verify.web.lookups import lookups_for

bp = Blueprint("console", __name__, url_prefix="/review", template_folder="templates", static_folder="static",
               static_url_path="/static")
bp.record_once(lambda state: session.configure(state.app))
bp.record_once(lambda state: state.app.extensions.update(  # made once, with the app (create_app registers bp)
    {_PAGES: pages.PageCache(state.app.extensions["verify"].settings.limits)}))

_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'")
#: What the console says for the review service's refusals.
_REFUSALS: dict[type[errors.VerifyError], str] = {
    errors.AlreadyClaimed: "另一位审核员正在处理此案件。",
    errors.AlreadyDecided: "此案件已经作出决定。",
    errors.LeaseLost: "你的领取已过期或不属于你，请重新领取后再操作。",
    errors.StaleFencingToken: "此案件在你打开页面后被重新领取过，请刷新页面。",
    errors.InvalidRequest: "表单内容不完整或不正确。",
    errors.NotFound: "没有这个案件，或你无权查看。",
    errors.Conflict: "此证书没有可签发的标签，请驳回或联系管理员。",
    errors.PagesNotReady: "证书页面正在生成，请稍后刷新本页。",
}
_HTTP_ERRORS = {400: "表单已过期或无效，请刷新页面后重试。", 403: "此密钥不是审核员密钥，不能使用审核台。",
                404: "页面不存在。", 405: "不支持此操作。"}
_KINDS = {kind.value for kind in CredentialKind}
_STATES = {state.value for state in ReviewState}
_CHINA = timezone(timedelta(hours=8), "北京时间")
_PAGES = "verify.pages"  # app.extensions key: this process's PageCache


def _services() -> Services:
    return current_app.extensions["verify"]


def _document_pages(parts: list[cases.DocumentPart]) -> list[bytes | None]:
    """The pages of a case's parts as PNGs (``pages.PageCache``: rendered off the request threads)."""
    cache: pages.PageCache = current_app.extensions[_PAGES]
    return cache.document_pages([(p.sha256, p.media_type, p.content) for p in parts])


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", _CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    if request.endpoint != "console.static":  # pages and document images hold personal data
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def _template_globals() -> dict[str, Any]:
    return {"csrf_token": session.csrf_token, "reviewer": g.get("reviewer"), "words": words}


@bp.app_template_filter("localtime")
def _localtime(moment: datetime | None) -> str:
    """A time as Beijing time, to the minute."""
    return moment.astimezone(_CHINA).strftime("%Y-%m-%d %H:%M") if moment else "—"


@bp.app_template_filter("duration")
def _duration(span: timedelta) -> str:
    """A waiting time in words: 5 分钟, 3 小时, 2 天."""
    minutes = max(0, int(span.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} 分钟"
    return f"{minutes // 60} 小时" if minutes < 24 * 60 else f"{minutes // (24 * 60)} 天"


def _error_page(message: str, status: int) -> tuple[str, int]:
    return render_template("error.html", message=message, status=status), status


@bp.errorhandler(errors.VerifyError)
def _refused(exc: errors.VerifyError) -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    message = next((text for cls, text in _REFUSALS.items() if isinstance(exc, cls)), "操作失败，请稍后再试。")
    page, status = _error_page(message, exc.status)
    if "retry_after" in exc.extra:
        return page, status, {"Retry-After": str(exc.extra["retry_after"])}
    return page, status


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> tuple[str, int]:
    return _error_page(_HTTP_ERRORS.get(exc.code or 500, "请求无法处理。"), exc.code or 500)


# --- sign-in ----------------------------------------------------------------------------
@bp.get("/login")
def login() -> str:
    return render_template("login.html", next=session.safe_next(request.args.get("next")))


@bp.post("/login")
def login_post() -> BaseResponse | tuple[str, int] | tuple[str, int, dict[str, str]]:
    session.check_csrf()
    target, limits = session.safe_next(request.form.get("next")), edge().rate_limits
    try:
        limits.refuse_failing_source(source())  # failed sign-ins count with failed API keys, per source
    except errors.RateLimited as refused:
        return (render_template("login.html", next=target, error="尝试次数过多，请稍后再试。"), 429,
                {"Retry-After": str(refused.extra["retry_after"])})
    principal = keys.authenticate(_services().store, request.form.get("api_key", "").strip(), _services().clock())
    if principal is None:
        limits.count_failed_authentication(source())
        return render_template("login.html", next=target, error="密钥无效或已被吊销。"), 401
    if principal.role not in session.REVIEW_ROLES:
        return render_template("login.html", next=target, error="此密钥不是审核员密钥。"), 403
    session.sign_in(principal)
    return redirect(target, 303)


@bp.post("/logout")
@session.signed_in
def logout() -> BaseResponse:
    session.sign_out()
    return redirect(url_for("console.login"), 303)


# --- the queue ----------------------------------------------------------------------------
def _filters(source: Any) -> dict[str, str | None]:
    profession = source.get("profession") or None
    return {
        "profession": profession if profession in words.PROFESSIONS else None,
        "reason": (source.get("reason") or "").strip()[:64] or None,
        "platform": (source.get("platform") or "").strip()[:128] or None,
    }


@bp.get("/")
@session.signed_in
def queue() -> str:
    asked = request.args.get("state", "")
    state = ReviewState(asked) if asked in _STATES else ReviewState.OPEN
    filters = _filters(request.args)
    rows = review_queue.list_items(_services(), session.reviewer(), state, limit=100, **filters)
    return render_template("queue.html", rows=rows, state=state, filters=filters, now=_services().clock(),
                           reason_codes=sorted({code for row in rows for code in row.item.reasons or []}))


@bp.post("/next")
@session.signed_in
def claim_next() -> BaseResponse:
    row = leases.claim_next(_services(), session.reviewer(), **_filters(request.form))
    if row is None:
        flash("队列中没有待审核的案件。")
        return redirect(url_for("console.queue"), 303)
    return redirect(url_for("console.case", item_id=row.item.id), 303)


# --- one case -----------------------------------------------------------------------------
def _lease_seconds(row: review_queue.QueueRow, now: datetime) -> int:
    expires = row.item.lease_expires_at
    return max(0, int((expires - now).total_seconds())) if row.state is ReviewState.CLAIMED and expires else 0


@dataclass(frozen=True)
class FieldRow:
    caption: str
    value: str | None
    raw: str | None
    confidence: float | None
    source: str | None


def _field_rows(kind: str | None, fields: dict[str, FieldValue], revealed: bool) -> list[FieldRow]:
    """The extracted fields in the order the document prints them, with their printed captions."""
    document = DOCUMENTS.get(CredentialKind(kind)) if kind in _KINDS else None
    order = document.fields if document is not None else ()
    names = [n for n in order if n in fields] + [n for n in fields if n not in order]

    def shown(name: str, value: str | None) -> str | None:
        return value if revealed else mask_field(kind, name, value)

    return [FieldRow(field_caption(kind, n), shown(n, fields[n].value), shown(n, fields[n].raw),
                     fields[n].confidence, fields[n].source) for n in names]


def holder_differs(
    holder_name: str | None, holder_id: str | None, printed: dict[str, str], today: date
) -> dict[str, bool]:
    """Whether the printed name and ID number differ from the account holder's, by the checks' own
    rules (``person.same_name``, ``person.same_id_number``), never by string equality.

    >>> holder_differs("张三", "110105491231002", {"name": "张 三", "id_number": "11010519491231002X"},
    ...                date(2025, 1, 1))
    {'name_differs': False, 'id_differs': False}
    """
    name, number = printed.get("name"), printed.get("id_number")
    return {
        "name_differs": bool(holder_name and name and not person.same_name(holder_name, name)),
        "id_differs": bool(holder_id and number and not person.same_id_number(holder_id, number, today)),
    }


def _render_case(found: cases.Case, rendered: list[bytes | None]) -> str:
    """The case page with its document's ``rendered`` pages; ID numbers masked unless ``found`` was fetched
    with an audited reveal."""
    ctx, principal = _services(), session.reviewer()
    verification, revealed = found.row.verification, found.revealed
    read = fields_from_stored(verification.fields)
    full = {name: field.value for name, field in read.items()}
    values = full if revealed else {name: mask_field(verification.kind, name, v) or "" for name, v in full.items()}
    holder_id = verification.holder_id_number
    checks = checks_from_stored(verification.checks)
    return render_template(
        "case.html", case=found, row=found.row, item=found.row.item, verification=verification,
        label=found.label, page_count=len(rendered), page_ok=[page is not None for page in rendered],
        checks=checks, check_messages={c.code: c.message for c in checks},
        problems=[c for status in (CheckStatus.FAIL, CheckStatus.WARN) for c in checks if c.status is status],
        passes=[c for c in checks if c.status is CheckStatus.PASS],
        field_rows=_field_rows(verification.kind, read, revealed), field_values=values,
        revealed=revealed, holder_id_number=holder_id if revealed else mask_id_number(holder_id),
        **holder_differs(verification.holder_name, holder_id, full, ctx.clock().date()),
        reuse=verification.reuse or [],
        reasons_by_code=reasons.REASONS,
        lookups=lookups_for(verification.kind, verification.profession, values),
        mine=found.row.state is ReviewState.CLAIMED and found.row.item.claimed_by == principal.key_id,
        lease_seconds=_lease_seconds(found.row, ctx.clock()), floor=ctx.settings.ocr_confidence_floor,
        reasons=reasons.REASON_CODES, note=reasons.internal_note(found.row.item),
        message=reasons.applicant_message(found.row.item), reveal_max=cases.REVEAL_REASON_MAX,
    )


@bp.get("/items/<item_id>")
@session.signed_in
def case(item_id: str) -> str:
    rendered = _document_pages(cases.case_parts(_services(), session.reviewer(), item_id))  # before the audit
    return _render_case(cases.get_case(_services(), session.reviewer(), item_id), rendered)


@bp.post("/items/<item_id>/reveal")
@session.signed_in
def reveal(item_id: str) -> str:
    """The case page with ID numbers in full, answered to the POST itself so nothing keeps it revealed."""
    reason = request.form.get("reason", "")
    rendered = _document_pages(cases.case_parts(_services(), session.reviewer(), item_id))  # before the audit
    return _render_case(cases.get_case(_services(), session.reviewer(), item_id, reveal_reason=reason), rendered)


@bp.get("/items/<item_id>/pages/<int:page>")
@session.signed_in
def page_image(item_id: str, page: int) -> Response:
    rendered = _document_pages(cases.case_parts(_services(), session.reviewer(), item_id))
    if not 1 <= page <= len(rendered) or rendered[page - 1] is None:
        raise errors.NotFound("No such page.")
    response = Response(rendered[page - 1], mimetype="image/png")
    response.headers["Content-Disposition"] = f'attachment; filename="page-{page}.png"'
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.post("/items/<item_id>/claim")
@session.signed_in
def claim(item_id: str) -> BaseResponse:
    leases.claim(_services(), session.reviewer(), item_id)
    return redirect(url_for("console.case", item_id=item_id), 303)


@bp.post("/items/<item_id>/release")
@session.signed_in
def release(item_id: str) -> BaseResponse:
    leases.release(_services(), session.reviewer(), item_id, _fencing())
    flash("案件已放回队列。")
    return redirect(url_for("console.queue"), 303)


_FENCING_DIGITS = 18  # a fencing number fits a signed 64-bit column


def _fencing() -> int | None:
    """The form's fencing number: none when the field is empty, else ASCII digits only.

    ``str.isdigit`` also accepts '²' (``int`` raises) and '١' (``int`` reads 1): anything but
    0-9 is refused as an invalid form (422), never guessed at.
    """
    value = request.form.get("fencing", "")
    if not value:
        return None
    if len(value) > _FENCING_DIGITS or not value.isascii() or not value.isdigit():
        raise errors.InvalidRequest("The fencing number must be ASCII digits.")
    return int(value)


@bp.post("/items/<item_id>/decision")
@session.signed_in
def decision(item_id: str) -> BaseResponse:
    form = request.form
    decided = decisions.decide(
        _services(), session.reviewer(), item_id, decision=form.get("decision", ""),
        reason_code=form.get("reason_code", ""), note=form.get("note", "").strip()[:reasons.NOTE_MAX] or None,
        message=form.get("message", "").strip()[:reasons.MESSAGE_MAX] or None, fencing=_fencing(),
    )
    if decided.label is not None:
        flash(f"已批准，已签发标签：{decided.label.display}")
    else:
        flash("已驳回。")
    return redirect(url_for("console.case", item_id=item_id), 303)
