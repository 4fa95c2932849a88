"""Fixtures: an app on a real SQLite file in a temporary data dir, keys, certificates."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
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
    """An app on ``data_dir`` with its database migrated (a copy of ``migrated_database``'s when SQLite and new),
    its clock a :class:`TestClock` (``clock`` or a new one)."""
    database = data_dir / DATABASE_FILE
    if "database_url" not in overrides and not database.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(migrated_database(), database)
    app = create_app({"data_dir": data_dir, **TEST_SETTINGS, **overrides}, clock=clock or TestClock())
    upgrade(app.extensions["verify"].settings.database)  # a no-op on the copy: it is at head
    app.extensions["verify"].keyring.load()  # as a serving process does before it serves (Services.prepare)
    return app


DATABASE_FILE = "verify.db"


@functools.cache
def migrated_database() -> Path:
    """An empty SQLite database with every migration applied, made once per test process (each app copies it
    instead of running the migrations again)."""
    template = Path(tempfile.mkdtemp(prefix="verify-template-"))
    atexit.register(shutil.rmtree, template, ignore_errors=True)
    url = f"sqlite:///{template / DATABASE_FILE}"
    upgrade(url)
    return template / DATABASE_FILE


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


#: Whole files by what they spend their time on; ``make check`` leaves these marks out, ``make test`` runs all.
#: Single tests carry their mark themselves (``@pytest.mark.reading``: an area's end-to-end test on real OCR);
#: a test that uses a PostgreSQL server (tests/postgres.py) is ``slow``.
FILE_MARKS: dict[str, str] = {
    "tests/reading/": "reading",
    "tests/fields/test_certificates.py": "reading",
    "tests/fields/test_reread.py": "reading",
    "tests/test_bench_reading.py": "reading",
    "tests/test_certificates.py": "reading",
    "tests/test_corpus.py": "reading",
    "tests/test_pipeline_pages.py": "reading",
    "tests/test_pipeline_reread.py": "reading",
    "tests/test_provenance.py": "reading",
    "tests/test_api_phone_uploads.py": "reading",
    "tests/security/test_parsers.py": "reading",
    "tests/security/test_fuzz.py": "fuzz",
    "tests/security/test_schemathesis.py": "fuzz",
    "tests/web/test_browser.py": "browser",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test of a file in ``FILE_MARKS`` with its file's mark, and each on PostgreSQL ``slow``."""
    root = config.rootpath
    for item in items:
        if {"postgres", "postgres_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker("slow")
        path = item.path.relative_to(root).as_posix() if item.path.is_relative_to(root) else ""
        for prefix, mark in FILE_MARKS.items():
            if path.startswith(prefix):
                item.add_marker(mark)
