"""The collaborators every service function needs, chosen once by ``create_app``."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from verify.config import Settings
from verify.labels.keyring import Keyring
from verify.store.db import Store

if TYPE_CHECKING:
    from verify.services.labels import LabelCaches


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    store: Store
    keyring: Keyring
    clock: Callable[[], datetime] = field(default=utcnow)
    work_waiting: threading.Event = field(default_factory=threading.Event)
    label_caches: LabelCaches | None = None  # made on first use by verify.services.labels

    def wake_workers(self) -> None:
        """Tell this process's job runner that new work arrived."""
        self.work_waiting.set()
