"""Fixtures for the labels tests: a keyring in a temporary directory and a label issued from it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests.labels.helpers import NOW, SECRET, issue
from verify.labels import Keyring
from verify.labels.key_files import DirectoryShelf


@pytest.fixture
def keys_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"


@pytest.fixture
def keyring(keys_dir: Path) -> Keyring:
    return Keyring.open(DirectoryShelf(keys_dir), SECRET, now=NOW - timedelta(days=1))


@pytest.fixture
def label(keyring: Keyring) -> str:
    """A valid label for ACCOUNT on PLATFORM, issued at NOW."""
    return issue(keyring)
