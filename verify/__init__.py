"""verify: credential verification for platforms (doctors, lawyers, teachers)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from verify.config import BadSetting, Settings, load_settings


def create_app(test_config: Mapping[str, Any] | None = None, *,
               clock: Callable[[], datetime] | None = None) -> Flask:
    """The WSGI application: settings, database, keyring, services, blueprints, errors, each built once here.

    ``test_config`` overrides settings by name (``{"data_dir": tmp_path}``); ``clock`` is the services' time
    (the system's in UTC unless given: tests pass one they can move). Raises
    ``verify.store.selfcheck.DurabilityError`` when the data dir could lose an acknowledged
    submission, and ``SystemExit`` with the reason (no traceback) when a setting is unusable
    (``verify.config.BadSetting``) or the service secret is too weak (``verify.keyfile``). The
    database is not touched here (``flask check`` needs none): whatever serves or processes work
    runs ``check_database`` first (gunicorn.conf.py, ``flask setup``, ``flask worker``).
    """
    from verify.api import register
    from verify.api.common import EDGE, SERVICES, Edge
    from verify.api.keycache import KeyCache
    from verify.api.ratelimit import RateLimits
    from verify.audit import HeadAnchor, anchor_store
    from verify.cli import register as register_commands
    from verify.crypto.cursor import Cursors
    from verify.crypto.envelope import Envelope
    from verify.keyfile import WeakSecret, key_encryption_key
    from verify.labels.keyring import Keyring
    from verify.node_metrics import NodeMetrics
    from verify.pipeline import make_ocr_engine
    from verify.reading.ocr import limit_openmp_threads
    from verify.reading.signatures import read_trust_roots
    from verify.services.context import LookupKeys, Services, utcnow
    from verify.services.labels.caches import label_caches
    from verify.store.db import Store
    from verify.store.key_table import DatabaseShelf
    from verify.store.selfcheck import check_data_dir
    from verify.web.session import session_secret

    try:
        settings: Settings = load_settings(overrides=test_config)
    except BadSetting as exc:  # refuse to start, saying why (no traceback), like a weak secret below
        raise SystemExit(f"verify refuses to start: {exc}") from None
    limit_openmp_threads()  # before Tesseract loads here or in a reading process
    app = Flask(__name__)
    if settings.proxy_hops:  # the client's address from X-Forwarded-For, as the nearest proxies appended it
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops)  # type: ignore[method-assign]
    app.config.update(
        MAX_CONTENT_LENGTH=settings.limits.max_upload_bytes + 64 * 1024,
        MAX_FORM_PARTS=settings.limits.max_parts + 10,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    check_data_dir(settings.data_dir)  # refuses to start (DurabilityError) on storage that would lose work
    try:
        secret = key_encryption_key(settings)
    except WeakSecret as exc:  # refuse to start, saying why (flask commands; gunicorn checks in its master)
        raise SystemExit(f"verify refuses to start: {exc}") from None
    store = Store(settings.database, envelope=Envelope.from_secret(secret))  # personal data sealed at rest
    keyring = Keyring(DatabaseShelf(store, legacy_dir=settings.keys_dir), secret)  # read on first use
    notify = None  # VERIFY_QUEUE=local: each serving process runs its own job runner (gunicorn.conf.py)
    if settings.queue == "celery":
        from verify.jobs.celery_queue import CeleryQueue

        notify = CeleryQueue(settings).notify
    services = Services(
        settings=settings, store=store, keyring=keyring,
        ocr=make_ocr_engine(settings.ocr_engine, settings.tessdata_dir),  # chosen once: a bad name never starts
        label_caches=label_caches(settings, store, keyring), lookup_keys=LookupKeys(store), clock=clock or utcnow,
        trust_roots=read_trust_roots(settings.trusted_signer_files), notify=notify,
        metrics=NodeMetrics(settings.data_dir / "metrics"),
    )
    app.extensions[SERVICES] = services
    app.extensions[EDGE] = Edge(cursors=Cursors.from_secret(secret),  # list cursors bound to the caller's platform
                                rate_limits=RateLimits(settings.limits), keys=KeyCache(settings.auth_cache_seconds))
    app.secret_key = session_secret(secret)  # signs the reviewers' console session cookie
    anchor_store(store, HeadAnchor(secret))
    register(app)
    register_commands(app)
    logging.getLogger("verify").setLevel(logging.INFO)
    return app


__all__ = ["create_app"]
