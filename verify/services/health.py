"""Is this node ready to serve? Each dependency checked for what a request needs of it, nothing more.

*Ready* (``GET /healthz``, ``GET /healthz/ready``; what a load balancer asks) needs the database to
answer and the OCR engine to be usable (an upload is refused without it). In Celery mode Redis is
reported too, but a node without Redis still serves everything it promises (a submission is committed
and waits in the database; a worker's sweep sends it once Redis is back), so Redis only makes the
answer ``degraded``: taking every node out of a load balancer because the one Redis they share is down
would turn a slower queue into an outage. *Live* (``GET /healthz/live``; what restarts a process)
needs nothing but this process answering: restarting it would not bring a database back.

>>> Health({"database": OK, "ocr": OK, "redis": UNAVAILABLE}).status, Health({"database": UNAVAILABLE}).ready
('degraded', False)
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from verify.services.context import Services

OK, UNAVAILABLE = "ok", "unavailable"
REQUIRED = frozenset({"database", "ocr"})  # without these the node cannot do what it answers for
_REDIS_TIMEOUT_SECONDS = 1.0


@dataclass(frozen=True)
class Health:
    """Each dependency's state by name (``ok`` or ``unavailable``)."""

    checks: dict[str, str]

    @property
    def ready(self) -> bool:
        return all(state == OK for name, state in self.checks.items() if name in REQUIRED)

    @property
    def status(self) -> str:
        if not self.ready:
            return UNAVAILABLE
        return OK if all(state == OK for state in self.checks.values()) else "degraded"


def readiness(services: Services) -> Health:
    """The database, the OCR engine, and Redis in Celery mode, each asked once now."""
    checks = {"database": _database(services), "ocr": OK if services.ocr.check_available() else UNAVAILABLE}
    if services.settings.queue == "celery":
        checks["redis"] = _redis(services)
    return Health(checks)


def _database(services: Services) -> str:
    try:
        with services.store.rows() as connection:
            connection.execute(text("select 1"))
    except Exception:
        return UNAVAILABLE
    return OK


def _redis(services: Services) -> str:
    import redis

    client = redis.Redis.from_url(services.settings.redis_url, socket_timeout=_REDIS_TIMEOUT_SECONDS,
                                  socket_connect_timeout=_REDIS_TIMEOUT_SECONDS)
    try:
        client.ping()
    except (redis.RedisError, OSError):
        return UNAVAILABLE
    finally:
        client.close()
    return OK
