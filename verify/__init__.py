"""verify: credential verification for platforms (doctors, lawyers, teachers)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask

from verify.config import Settings, load_settings


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """The WSGI application: settings, database, keyring, services, blueprints, errors.

    ``test_config`` overrides settings by name (``{"data_dir": tmp_path}``).
    """
    from verify.api import register
    from verify.audit import ANCHOR_FILE, HeadAnchor, anchor_store
    from verify.cli import register as register_commands
    from verify.crypto.envelope import Envelope
    from verify.keyfile import key_encryption_key
    from verify.labels.keyring import Keyring
    from verify.services.context import Services
    from verify.store.db import Store
    from verify.web.session import session_secret

    settings: Settings = load_settings(overrides=test_config)
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.limits.max_upload_bytes + 64 * 1024,
        MAX_FORM_PARTS=settings.limits.max_parts + 10,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    secret = key_encryption_key(settings)
    keyring = Keyring.open(settings.keys_dir, secret)
    store = Store(settings.database, envelope=Envelope.from_secret(secret))  # personal data sealed at rest
    app.extensions["verify"] = Services(settings=settings, store=store, keyring=keyring)
    app.secret_key = session_secret(secret)  # signs the reviewers' console session cookie
    anchor_store(app.extensions["verify"].store, HeadAnchor(settings.data_dir / ANCHOR_FILE, secret))
    register(app)
    register_commands(app)
    logging.getLogger("verify").setLevel(logging.INFO)
    return app


__all__ = ["create_app"]
