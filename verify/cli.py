"""Flask commands: ``keys``, ``signing``, ``platforms``, ``check``, ``claims``, ``worker``, ``purge``, ``db``,
``audit``, ``setup``."""

from __future__ import annotations

import json
import signal
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from marshmallow import ValidationError

from schemas.claims import AccountSchema
from verify import audit
from verify.claims import Account
from verify.config import Limits
from verify.crypto import legacy, rotation
from verify.crypto.envelope import derive_kek, kek_id
from verify.domain import Holder, Profession
from verify.durable import replace_file
from verify.errors import NotFound
from verify.jobs.runner import JobRunner
from verify.keyfile import WeakSecret, check_strength, key_encryption_key, new_secret
from verify.pipeline import PipelineResult, run_pipeline
from verify.services import claims as claims_service
from verify.services import keys, policy, privacy
from verify.services.context import Services
from verify.services.labels import compromise
from verify.store.db import upgrade
from verify.store.selfcheck import check_database

keys_group = AppGroup("keys", help="Create, list and revoke API keys.")
signing_group = AppGroup("signing", help="Label signing keys.")
db_group = AppGroup("db", help="Database migrations.")
platforms_group = AppGroup("platforms", help="Platforms and their approval policy.")
audit_group = AppGroup("audit", help="The hash-chained audit log.")
claims_group = AppGroup("claims", help="The claim scan over a platform's accounts.")


def _services() -> Services:
    from flask import current_app

    return current_app.extensions["verify"]


@keys_group.command("create")
@click.option("--platform", required=True, help="Platform name (created if new).")
@click.option("--role", type=click.Choice(keys.ROLES), required=True)
@click.option("--all-platforms", is_flag=True,
              help="Admin keys only: see every platform's objects (without it an admin key sees only --platform's).")
@click.option("--expires-in", metavar="DURATION", help="Stop working after this long: days or hours, e.g. 90d, 12h.")
@click.option("--expires-at", metavar="TIME", help="Stop working at this time (ISO 8601; UTC without an offset).")
def keys_create(platform: str, role: str, all_platforms: bool, expires_in: str | None,
                expires_at: str | None) -> None:
    """Create an API key; the key is printed alone on the last line and never shown again."""
    ctx = _services()
    now = ctx.clock()
    if expires_in and expires_at:
        raise click.UsageError("Give --expires-in or --expires-at, not both.")
    try:
        expiry = now + keys.lifetime(expires_in) if expires_in else keys.expiry_at(expires_at) if expires_at else None
        key_id, key = keys.create_key(ctx.store, platform, role, now, all_platforms=all_platforms, expires_at=expiry)
    except ValueError as exc:
        raise click.UsageError(f"{exc}.") from None
    scope = "every platform" if all_platforms else f"platform {platform}"
    until = f", until {expiry.isoformat()}" if expiry else ""
    click.echo(f"Created {role} key {key_id} for {scope}{until}. Store it now; it cannot be shown again:")
    click.echo(key)


@keys_group.command("list")
def keys_list() -> None:
    """Every key: id, platform, role, scope (platform or all-platforms), created, expires, revoked."""
    now = _services().clock()
    for info in keys.list_keys(_services().store):
        scope = "all-platforms" if info.all_platforms else "platform"
        expires = info.expires_at.isoformat() if info.expires_at else "never"
        if info.expires_at and info.expires_at <= now:
            expires += " (expired)"
        revoked = info.revoked_at.isoformat() if info.revoked_at else "-"
        click.echo(f"{info.id}  {info.platform}  {info.role}  scope={scope}  created={info.created_at.isoformat()}  "
                   f"expires={expires}  revoked={revoked}")


@keys_group.command("revoke")
@click.argument("key_id")
def keys_revoke(key_id: str) -> None:
    """Revoke a key by its id (it stops working within the auth cache time)."""
    ctx = _services()
    try:
        keys.revoke_key(ctx.store, key_id, ctx.clock())
    except NotFound as exc:
        raise click.ClickException(f"No key with id {key_id}.") from exc
    click.echo(f"Revoked {key_id}.")


def _new_secret(new_secret_file: Path | None, staged: Path, from_environment: bool) -> bytes:
    """The secret to rotate to: from ``new_secret_file``, else the one staged by an interrupted run, else a new one.

    It must be as strong as any service secret (``verify.keyfile.check_strength``).
    """
    if new_secret_file is not None:
        secret = new_secret_file.read_text().strip()
        try:
            return check_strength(secret, str(new_secret_file)).encode()
        except WeakSecret as exc:
            raise click.ClickException(str(exc)) from None
    if from_environment:
        raise click.ClickException("The secret comes from VERIFY_SECRET_KEY: put the new one in a file, pass it with "
                                   "--new-secret-file, and set VERIFY_SECRET_KEY to it afterwards.")
    if staged.exists():
        return staged.read_text().strip().encode()  # an interrupted rotation: finish it with the same secret
    secret = new_secret().encode()
    rotation.write_secret(staged, secret)  # kept before anything is re-wrapped, so a crash cannot lose it
    return secret


@keys_group.command("rotate-secret")
@click.option("--new-secret-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read the new secret from this file (default: generate one and store it as the secret file).")
def keys_rotate_secret(new_secret_file: Path | None) -> None:
    """Re-wrap every data key, the signing key and the audit anchor under a new service secret.

    Stop the service and its workers first. An interrupted rotation is finished by running the
    command again. Once it reports success the old secret can be destroyed, and with it every
    backup of the database taken before (see README, "Backups").
    """
    ctx = _services()
    settings = ctx.settings
    old = key_encryption_key(settings)
    staged = settings.secret_path.with_name(settings.secret_path.name + ".next")
    new = _new_secret(new_secret_file, staged, bool(settings.secret_key))
    if new == old:
        raise click.ClickException("The new secret is the current one.")
    with ctx.store.write() as session:
        audit.record(session, actor="cli", action="secret.rotate", subject_type="service_secret",
                     subject_id=kek_id(derive_kek(new)).hex(), now=ctx.clock(),
                     before={"kek": kek_id(derive_kek(old)).hex()})
    report = rotation.rotate_secret(ctx.store, old, new)
    for stale in report.stale:
        click.echo(f"does not open with the new secret: {stale}", err=True)
    if not report.complete:
        raise click.ClickException(f"{len(report.stale)} wrapped key(s) do not open with the new secret (listed "
                                   "above); the old secret is still in place. Fix them and run the command again.")
    click.echo(f"Re-wrapped {report.documents} document key(s), the keys of {report.values} verification(s), "
               f"{report.service_keys} service key(s) and {report.signing_keys} signing key(s).")
    if settings.secret_key:
        click.echo("Set VERIFY_SECRET_KEY to the new secret before starting the service, then destroy the old one.")
    else:
        rotation.write_secret(settings.secret_path, new)
        staged.unlink(missing_ok=True)
        click.echo(f"The new secret is in {settings.secret_path}. Destroy every copy of the old one.")


@signing_group.command("rotate")
def signing_rotate() -> None:
    """Make a new current signing key; old public keys stay in the JWKS while their labels live."""
    ctx = _services()
    now = ctx.clock()
    ctx.keyring.reload_if_changed()
    old = ctx.keyring.current.kid
    kid = ctx.keyring.rotate(now)  # commits on its own (the keys' shelf), then the audit entry
    with ctx.store.write() as session:
        audit.record(session, actor="cli", action="signing.rotate", subject_type="signing_key", subject_id=kid,
                     now=now, before={"current": old}, after={"current": kid, "retired": old})
    click.echo(f"New signing key {kid}.")


@signing_group.command("compromised")
@click.argument("kid")
def signing_compromised(kid: str) -> None:
    """Withdraw KID at once (its private key leaked) and sign its live labels again with the current key."""
    current, count = compromise.withdraw_signing_key(_services(), kid)
    click.echo(f"Signing key {kid} withdrawn; current key {current}; {count} label(s) signed again.")


def _upgrade(ctx: Services) -> None:
    """Apply the migrations, then seal the field values older versions stored in the clear."""
    upgrade(ctx.settings.database)
    if audit.adopt_anchor_file(ctx.store, ctx.settings.data_dir / audit.ANCHOR_FILE,
                               key_encryption_key(ctx.settings)):
        click.echo(f"The audit head kept in {audit.ANCHOR_FILE} is now kept in the database.")
    assert ctx.store.envelope is not None
    sealed = legacy.seal_clear_fields(ctx.store, ctx.store.envelope)
    if sealed:
        click.echo(f"Sealed {sealed} field value(s) an older version stored in the clear.")


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations and seal what older versions stored in the clear."""
    _upgrade(_services())
    click.echo("Database is up to date.")


@audit_group.command("verify")
def audit_verify() -> None:
    """Walk the audit log; exit 1 naming every edited, removed or re-linked entry."""
    report = audit.check_log(_services().store)
    for problem in report.breaks:
        where = f"entry {problem.event_id}" if problem.event_id else "head anchor"
        click.echo(f"audit log broken at {where}: {problem.problem}", err=True)
    if report.breaks:
        raise SystemExit(1)
    head = f"head #{report.head.id} {report.head.hash[:16]}" if report.head else "empty"
    click.echo(f"Audit log intact: {report.entries} entries, {head}.")


def setup() -> None:
    """Migrate the database and create the first admin key when there is none.

    The key goes to a 0600 file in the data dir, never to a log: the output names the file, and
    shows the key itself only on a terminal (a container's entrypoint runs this; its output is
    ``docker logs``). A later run reminds the operator while the file is still there.
    """
    ctx = _services()
    check_database(ctx.store.engine)  # refuses (DurabilityError) a database that could lose a commit
    _upgrade(ctx)
    ctx.keyring.load()  # the first signing key, or the one an older version kept in the data dir
    click.echo(f"Database ready; signing key {ctx.keyring.current.kid}.")
    path = ctx.settings.first_admin_key_path
    if not keys.has_admin_key(ctx.store):
        key_id, key = keys.create_key(ctx.store, "admin", "admin", ctx.clock(), all_platforms=True)
        replace_file(path, key.encode() + b"\n")
        click.echo(f"First admin API key {key_id} (every platform) written to {path} (mode 0600); store it "
                   "elsewhere, then delete the file.")
        if sys.stdout.isatty():
            click.echo(key)
    elif path.exists():
        click.echo(f"{path} still holds the first admin API key: store it elsewhere, then delete the file.")


def _result_json(path: Path, result: PipelineResult, seconds: float) -> dict[str, Any]:
    extraction = result.extraction
    return {
        "file": str(path),
        "kind": result.kind.value if result.kind else None,
        "fields": {name: {"value": f.value, "raw": f.raw, "confidence": round(f.confidence, 3), "source": f.source}
                   for name, f in (extraction.fields.items() if extraction else ())},
        "checks": [{"code": c.code, "status": c.status.value, "message": c.message} for c in result.checks],
        "decision": result.decision.outcome.value,
        "reasons": list(result.decision.reasons),
        "seconds": round(seconds, 3),
    }


def _print_text(report: dict[str, Any]) -> None:
    click.echo(f"== {report['file']}  ({report['seconds']} s)")
    click.echo(f"kind: {report['kind'] or 'not recognised'}")
    for name, field in report["fields"].items():
        click.echo(f"  {name:22} {field['value']}  [{field['source']} {field['confidence']:.2f}]")
    for check in report["checks"]:
        click.echo(f"  {check['status']:4}  {check['code']:32} {check['message']}")
    reasons = f" ({', '.join(report['reasons'])})" if report["reasons"] else ""
    click.echo(f"decision: {report['decision']}{reasons}")


@click.command("check")
@with_appcontext
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--profession", type=click.Choice([p.value for p in Profession]))
@click.option("--holder-name", help="The name the platform's real-name check knows.")
@click.option("--holder-id-number", help="The ID number the platform's real-name check knows.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (an object, or an array for several files).")
def check(files: tuple[Path, ...], profession: str | None, holder_name: str | None, holder_id_number: str | None,
          as_json: bool) -> None:
    """Run the whole document pipeline offline on FILES and print fields, checks and decision."""
    ctx = _services()
    settings = ctx.settings
    holder = Holder(name=holder_name, id_number=holder_id_number)
    reports = []
    with click.progressbar(files, label="checking", file=sys.stderr) if len(files) > 1 else _plain(files) as bar:
        for path in bar:
            started = time.perf_counter()
            result = run_pipeline(
                [path.read_bytes()], Profession(profession) if profession else None, holder, ocr=ctx.ocr,
                limits=settings.limits, today=date.today(), confidence_floor=settings.ocr_confidence_floor,
                trust_roots=ctx.trust_roots,
            )
            reports.append(_result_json(path, result, time.perf_counter() - started))
    if as_json:
        click.echo(json.dumps(reports[0] if len(reports) == 1 else reports, ensure_ascii=False, indent=2))
    else:
        for report in reports:
            _print_text(report)


class _plain:
    """A stand-in for click.progressbar when there is one file (no bar)."""

    def __init__(self, items: tuple[Path, ...]) -> None:
        self.items = items

    def __enter__(self) -> tuple[Path, ...]:
        return self.items

    def __exit__(self, *_exc: object) -> None:
        return None


_SCAN_CHUNK = 500  # accounts scanned (and their labels read) together


def _count_lines(path: Path) -> int:
    with path.open("rb") as source:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: source.read(1 << 20), b""))


def _scan_line(line: str, limits: Limits) -> tuple[Account | None, str | None]:
    """The account on one JSON line, or why the line is bad."""
    try:
        data = json.loads(line)
    except ValueError:
        return None, "not JSON"
    if not isinstance(data, dict):
        return None, "not a JSON object"
    data.pop("platform", None)  # the file may say which platform; --platform decides coverage
    try:
        body = AccountSchema().load(data)
    except ValidationError as exc:
        return None, "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.normalized_messages().items())
    errors = claims_service.input_errors(limits, body)
    if errors:
        return None, "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items())
    return Account(body["account_id"], body["name"], bio=body.get("bio"), handle=body.get("handle")), None


@claims_group.command("scan")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("target", type=click.File("w", encoding="utf-8"), default="-")
@click.option("--platform", help="Cover claims with the valid labels of this platform's accounts. Without it no "
                                 "label is read: every claim is uncovered.")
def claims_scan(source: Path, target: TextIO, platform: str | None) -> None:
    """Scan SOURCE (JSON lines: account_id, name, bio?, handle?) and write one answer a line to TARGET (stdout).

    Each answer is what POST /v1/claims/scan answers. A line that is not a valid account is reported
    on stderr with its number and skipped; the command then exits 1. Nothing is stored.
    """
    ctx = _services()
    platform_id = None
    if platform is not None:
        try:
            platform_id = claims_service.platform_id(ctx, platform)
        except NotFound as exc:
            raise click.ClickException(f"No platform called {platform!r} (see keys list).") from exc
    bad = scanned = claimed = 0
    chunk: list[Account] = []

    def flush() -> None:
        nonlocal scanned, claimed
        for result in claims_service.scan_accounts(ctx, platform_id, chunk):
            target.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
            claimed += bool(result.claims)
        scanned += len(chunk)
        chunk.clear()

    with (click.progressbar(length=_count_lines(source), label="scanning", file=sys.stderr) as bar,
          source.open(encoding="utf-8", errors="replace") as lines):
        for number, line in enumerate(lines, start=1):
            bar.update(1)
            if not line.strip():
                continue
            account, problem = _scan_line(line, ctx.settings.limits)
            if account is None:
                bad += 1
                click.echo(f"line {number}: {problem}", err=True)
                continue
            chunk.append(account)
            if len(chunk) >= _SCAN_CHUNK:
                flush()
        flush()
    coverage = f"labels of {platform}" if platform else "no labels (--platform not given)"
    click.echo(f"Scanned {scanned} account(s), {claimed} with claims, {coverage}; {bad} bad line(s).", err=True)
    if bad:
        raise SystemExit(1)


@click.command("worker")
@with_appcontext
@click.option("--threads", type=int, default=None, help="Jobs at once (default: VERIFY_WORKERS).")
def worker(threads: int | None) -> None:
    """Process submitted verifications until stopped (SIGTERM or Ctrl-C); a Celery worker when VERIFY_QUEUE=celery."""
    ctx = _services()
    ctx.prepare()
    if ctx.settings.queue == "celery":
        from verify.jobs.celery_queue import run_worker

        raise SystemExit(run_worker(ctx, threads or ctx.settings.workers))
    runner = JobRunner(ctx, threads or ctx.settings.workers).start()
    stopping = {"now": False}

    def _stop(*_args: object) -> None:
        stopping["now"] = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    click.echo(f"worker running with {threads or ctx.settings.workers} thread(s)", err=True)
    while not stopping["now"]:
        time.sleep(0.5)
    runner.stop(grace=ctx.settings.worker_grace_seconds)


@click.command("purge")
@with_appcontext
def purge() -> None:
    """Remove the personal data of verifications decided more than VERIFY_RETENTION_DAYS ago."""
    ctx = _services()
    count = privacy.purge_expired(ctx)
    click.echo(f"Purged the personal data of {count} verification(s) decided over {ctx.settings.retention_days:g} "
               "days ago.")


@platforms_group.command("policy")
@click.argument("platform")
@click.argument("approval", required=False, type=click.Choice([p.value for p in policy.ApprovalPolicy]))
def platforms_policy(platform: str, approval: str | None) -> None:
    """Show PLATFORM's approval policy, or set it: auto (the machine approves what passes every rule)
    or review_all (every case goes to a reviewer; only reviewers issue labels)."""
    ctx = _services()
    try:
        if approval is None:
            found = policy.get_policy(ctx.store, platform)
        else:
            found = policy.set_policy(ctx.store, platform, policy.ApprovalPolicy(approval), actor="cli",
                                      now=ctx.clock())
    except NotFound as exc:
        raise click.ClickException(f"No platform named {platform}.") from exc
    click.echo(f"{found.name}: {found.approval_policy}")


def register(app: Flask) -> None:
    for command in (keys_group, signing_group, db_group, audit_group, platforms_group, claims_group, check, worker,
                    purge):
        app.cli.add_command(command)
    app.cli.command("setup", help=setup.__doc__)(setup)
