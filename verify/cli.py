"""Flask commands: ``keys``, ``signing``, ``check``, ``worker``, ``purge``, ``db``, ``audit`` and ``setup``."""

from __future__ import annotations

import json
import signal
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from verify import audit
from verify.domain import Holder, Profession
from verify.errors import NotFound
from verify.jobs.runner import JobRunner
from verify.pipeline import PipelineResult, make_ocr_engine, run_pipeline
from verify.services import keys, privacy
from verify.services.context import Services
from verify.store.db import upgrade

keys_group = AppGroup("keys", help="Create, list and revoke API keys.")
signing_group = AppGroup("signing", help="Label signing keys.")
db_group = AppGroup("db", help="Database migrations.")
audit_group = AppGroup("audit", help="The hash-chained audit log.")


def _services() -> Services:
    from flask import current_app

    return current_app.extensions["verify"]


@keys_group.command("create")
@click.option("--platform", required=True, help="Platform name (created if new).")
@click.option("--role", type=click.Choice(keys.ROLES), required=True)
def keys_create(platform: str, role: str) -> None:
    """Create an API key; the key is printed alone on the last line and never shown again."""
    ctx = _services()
    key_id, key = keys.create_key(ctx.store, platform, role, ctx.clock())
    click.echo(f"Created {role} key {key_id} for platform {platform}. Store it now; it cannot be shown again:")
    click.echo(key)


@keys_group.command("list")
def keys_list() -> None:
    """Every key: id, platform, role, created, revoked."""
    for info in keys.list_keys(_services().store):
        revoked = info.revoked_at.isoformat() if info.revoked_at else "-"
        click.echo(f"{info.id}  {info.platform}  {info.role}  {info.created_at.isoformat()}  revoked={revoked}")


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


@signing_group.command("rotate")
def signing_rotate() -> None:
    """Make a new current signing key; old public keys stay in the JWKS while their labels live."""
    ctx = _services()
    now = ctx.clock()
    with ctx.store.write() as session:  # the audit entry commits only if the rotation succeeded
        ctx.keyring.reload_if_changed()
        old = ctx.keyring.current.kid
        kid = ctx.keyring.rotate(now)
        audit.record(session, actor="cli", action="signing.rotate", subject_type="signing_key", subject_id=kid,
                     now=now, before={"current": old}, after={"current": kid, "retired": old})
    click.echo(f"New signing key {kid}.")


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations."""
    upgrade(_services().settings.database)
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
    """Migrate the database and create the first admin key when there is none."""
    ctx = _services()
    upgrade(ctx.settings.database)
    click.echo(f"Database ready; signing key {ctx.keyring.current.kid}.")
    if not keys.has_admin_key(ctx.store):
        key_id, key = keys.create_key(ctx.store, "admin", "admin", ctx.clock())
        click.echo(f"First admin API key ({key_id}); it is shown only this once:")
        click.echo(key)


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
    settings = _services().settings
    ocr = make_ocr_engine(settings.ocr_engine)
    holder = Holder(name=holder_name, id_number=holder_id_number)
    reports = []
    with click.progressbar(files, label="checking", file=sys.stderr) if len(files) > 1 else _plain(files) as bar:
        for path in bar:
            started = time.perf_counter()
            result = run_pipeline(
                [path.read_bytes()], Profession(profession) if profession else None, holder, ocr=ocr,
                limits=settings.limits, today=date.today(), confidence_floor=settings.ocr_confidence_floor,
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


@click.command("worker")
@with_appcontext
@click.option("--threads", type=int, default=None, help="Jobs at once (default: VERIFY_WORKERS).")
def worker(threads: int | None) -> None:
    """Process submitted verifications until stopped (SIGTERM or Ctrl-C)."""
    ctx = _services()
    runner = JobRunner(ctx, threads or ctx.settings.workers).start()
    stopping = {"now": False}

    def _stop(*_args: object) -> None:
        stopping["now"] = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    click.echo(f"worker running with {threads or ctx.settings.workers} thread(s)", err=True)
    while not stopping["now"]:
        time.sleep(0.5)
    runner.stop()


@click.command("purge")
@with_appcontext
def purge() -> None:
    """Remove the personal data of verifications decided more than VERIFY_RETENTION_DAYS ago."""
    ctx = _services()
    count = privacy.purge_expired(ctx)
    click.echo(f"Purged the personal data of {count} verification(s) decided over {ctx.settings.retention_days:g} "
               "days ago.")


def register(app: Flask) -> None:
    for command in (keys_group, signing_group, db_group, audit_group, check, worker, purge):
        app.cli.add_command(command)
    app.cli.command("setup", help=setup.__doc__)(setup)
