"""Fixtures: an app on a real SQLite file in a temporary data dir, keys, certificates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.clock import TestClock
from tests.signing import trusted_signers_file
from verify import create_app
from verify.services.context import Services
from verify.services.keys import create_key
from verify.services.processing import process_next
from verify.store.db import upgrade

#: The tests trust their own PDF signer (tests/signing.py), so signed electronic certificates can approve.
TEST_SETTINGS: dict[str, Any] = {"job_lease_seconds": 5.0, "ocr_engine": "tesseract",
                                 "trusted_signers": str(trusted_signers_file())}


def make_app(data_dir: Path, *, clock: TestClock | None = None, **overrides: Any) -> Flask:
    """An app over ``data_dir`` with these settings, its clock a :class:`TestClock` (``clock`` or a new one)."""
    app = create_app({"data_dir": data_dir, **TEST_SETTINGS, **overrides}, clock=clock or TestClock())
    upgrade(app.extensions["verify"].settings.database)
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(tmp_path / "data")
    yield app
    app.extensions["verify"].store.dispose()


@pytest.fixture
def services(app: Flask) -> Services:
    return app.extensions["verify"]


@pytest.fixture
def clock(services: Services) -> TestClock:
    """The app's clock: the real time until the test sets it."""
    assert isinstance(services.clock, TestClock)
    return services.clock


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def new_key(services: Services, platform: str, role: str, **options: Any) -> str:
    """A new key (``create_key``'s options: ``all_platforms``, ``expires_at``); admin keys see every platform
    unless ``all_platforms=False``."""
    options.setdefault("all_platforms", role == "admin")
    return create_key(services.store, platform, role, datetime.now(UTC), **options)[1]


@pytest.fixture
def platform_key(services: Services) -> str:
    return new_key(services, "acme-video", "platform")


@pytest.fixture
def other_platform_key(services: Services) -> str:
    return new_key(services, "rival-live", "platform")


@pytest.fixture
def reviewer_key(services: Services) -> str:
    return new_key(services, "acme-video", "reviewer")


def process_all(services: Services) -> int:
    """Run every pending job in this process; returns how many ran."""
    count = 0
    while process_next(services):
        count += 1
    return count
