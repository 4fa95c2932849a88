"""The services are built once by ``create_app`` and never changed; nothing is shared between two apps."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import bearer, make_app, new_key
from verify.api.common import EDGE
from verify.reading.ocr import TesseractEngine
from verify.services.context import Services
from verify.services.keys import revoke_key


def test_the_services_cannot_be_changed_after_they_are_built(services: Services) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        services.notify = print  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        services.settings = dataclasses.replace(services.settings, workers=4)  # type: ignore[misc]


def test_the_ocr_engine_is_built_once_and_serves_every_request(app: Flask) -> None:
    engine = app.extensions["verify"].ocr
    client = app.test_client()
    assert [client.get("/healthz").json["checks"]["ocr"] for _ in range(2)] == ["ok", "ok"]
    assert app.extensions["verify"].ocr is engine and engine.name == "tesseract"


def test_making_an_engine_leaves_the_environment_alone_and_the_app_limits_openmp_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    TesseractEngine()
    assert "OMP_THREAD_LIMIT" not in os.environ
    app = make_app(tmp_path / "data")
    assert os.environ["OMP_THREAD_LIMIT"] == "1"
    app.extensions["verify"].store.dispose()


def test_each_app_has_its_own_key_cache_and_rate_limits(app: Flask, services: Services) -> None:
    key = new_key(services, "acme-video", "platform")
    assert app.test_client().get("/v1/verifications", headers=bearer(key)).status_code == 200  # cached here
    revoke_key(services.store, key.split("_")[1], services.clock())
    other = make_app(services.settings.data_dir)
    try:
        assert other.extensions[EDGE].keys is not app.extensions[EDGE].keys
        assert other.extensions[EDGE].rate_limits is not app.extensions[EDGE].rate_limits
        assert other.test_client().get("/v1/verifications", headers=bearer(key)).status_code == 401
    finally:
        other.extensions["verify"].store.dispose()
