"""Every setting with its default, read once.

Settings come from defaults, then ``VERIFY_*`` environment variables, then the
``test_config`` mapping given to ``create_app``. Nothing else in the package reads the
environment.

>>> Limits().max_upload_bytes
10485760
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any

#: What ``VERIFY_QUEUE``, ``VERIFY_OCR_ENGINE`` and ``VERIFY_SESSION_COOKIE_SECURE`` may be.
QUEUES = ("local", "celery")
OCR_ENGINES = ("tesseract", "ppocr", "none")
COOKIE_SECURE = ("auto", "always", "never")


class BadSetting(RuntimeError):
    """A setting the service cannot run with; the message names its ``VERIFY_*`` variable and what it may be.

    A ``RuntimeError``, so gunicorn's master prints it as one line and stops, like ``verify.keyfile.WeakSecret``.
    """


def usable_cores() -> int:
    """The CPUs this process may run on (its affinity mask; a cgroup CPU quota is not seen)."""
    return len(os.sched_getaffinity(0))


@dataclass(frozen=True)
class Limits:
    """Budgets for hostile or oversized input (docs/security-catalogue.md)."""

    max_upload_bytes: int = 10 * 1024 * 1024
    max_parts: int = 20  # document parts (pages) in one submission
    max_pages: int = 20  # pages of one PDF
    max_frames: int = 10  # frames of one TIFF
    max_pixels: int = 40_000_000  # per image or rendered page
    max_side: int = 20_000  # pixels per side
    max_stream_bytes: int = 64 * 1024 * 1024  # decompressed size of one PDF stream (content, font, xref, ...)
    ocr_seconds_per_page: float = 20.0
    job_seconds: float = 300.0  # wall clock for reading one whole submission
    job_memory_bytes: int = 3 * 1024**3  # address space of the isolated reading process (and of each page process)
    # OCR pages of one submission read at once, each in a process forked from the job's (verify.reading.parallel);
    # 1 reads them one after another. Shared by a serving process's jobs: each gets this ÷ VERIFY_WORKERS (at least 1).
    page_workers: int = field(default_factory=usable_cores)
    # Rate limits per API key, token buckets kept per serving process (N processes allow N times this).
    uploads_per_minute: float = 60.0  # POST /v1/verifications; 0 switches the limit off
    upload_burst: int = 30
    checks_per_second: float = 2000.0  # POST /v1/labels/check; 0 switches the limit off
    check_burst: int = 4000
    claim_scans_per_second: float = 2000.0  # accounts scanned, POST /v1/claims/scan(-batch); 0 switches it off
    claim_scan_burst: int = 4000  # at least claim_batch_max, or a full batch can never pass
    # The claim scan's input (code points): longer fields answer 422, larger batches 413.
    claim_name_chars: int = 100
    claim_handle_chars: int = 100
    claim_bio_chars: int = 2000
    claim_batch_max: int = 1000
    # Failed authentications (API keys, console sign-in) per source address, a token bucket per serving process:
    # past it, a key not already known answers 429 without a database query. 0 switches the limit off.
    auth_failures_per_minute: float = 60.0
    auth_failure_burst: int = 30
    # Quota per platform account over a sliding day, counted in the database (so across processes).
    account_uploads_per_day: int = 20  # submissions; 0 switches the quota off
    account_bytes_per_day: int = 200 * 1024 * 1024  # document bytes


@dataclass(frozen=True)
class Settings:
    """The service's configuration; see README for each ``VERIFY_*`` variable."""

    data_dir: Path = Path("instance")
    database_url: str = ""  # default: sqlite file under data_dir
    issuer: str = "https://verify.example"  # label ``iss``
    label_lifetime_days: int = 180
    label_status_refresh_seconds: float = 5.0  # label checks read label changes this often whatever the counters say
    label_cache_size: int = 10_000  # verified label tokens remembered per process
    status_list_ttl_seconds: int = 300  # status list ``ttl``: how stale a served list may be
    status_list_valid_seconds: int = 86_400  # status list ``exp`` = ``iat`` + this
    status_list_size: int = 1 << 20  # entries per status list (2 bits each)
    secret_key: str = ""  # key-encryption key for signing keys (else read from secret_key_file)
    secret_key_file: Path | None = None  # default: data_dir/secret.key, created on first start
    queue: str = "local"  # local (job runner in each serving process) | celery (workers over Redis)
    redis_url: str = "redis://127.0.0.1:6379/0"  # Celery's broker when queue is celery
    queue_sweep_seconds: float = 30.0  # how often a Celery worker re-sends jobs whose message was lost
    worker_grace_seconds: float = 10.0  # `flask worker` on SIGTERM: running jobs finish within this or are released
    worker_metrics_port: int = 0  # `flask worker` in Celery mode serves its node's /metrics on this port; 0: none
    workers: int = 1  # background jobs per serving process
    job_lease_seconds: float = 30.0
    job_max_attempts: int = 3
    job_poll_seconds: float = 1.0
    ocr_engine: str = "tesseract"  # tesseract (PP-OCR re-reads doubtful fields) | ppocr (whole page) | none
    ocr_confidence_floor: float = 0.80  # below this a failed check goes to review, not rejection
    # Tesseract's language data (chi_sim): where Debian's tesseract-ocr-chi-sim puts it (the tesserocr wheel brings
    # Tesseract itself, not the data)
    tessdata_dir: str = "/usr/share/tesseract-ocr/5/tessdata/"
    trusted_signers: str = ""  # comma-separated PEM files of CAs whose whole-file PDF signatures may approve
    auth_cache_seconds: float = 5.0
    proxy_hops: int = 0  # reverse proxies in front that append X-Forwarded-For; 0: the header is ignored
    metrics_token: str = ""  # bearer token for GET /metrics (Prometheus); admin API keys are also accepted
    review_lease_seconds: float = 900.0  # a reviewer's claim on a case lapses after this
    max_resubmissions: int = 3  # times a rejected case may be resubmitted (a chain of previous_id links)
    retention_days: float = 30.0  # documents and personal fields are purged this long after the decision
    purge_interval_seconds: float = 3600.0  # how often the job runner purges what is past retention
    idempotency_key_hours: float = 24.0  # an Idempotency-Key is forgotten this long after its first request
    session_hours: float = 8.0  # a console session ends this long after sign-in, however busy it is
    # The console cookie's Secure flag: auto (when the request came over HTTPS) | always (e.g. behind a proxy that
    # terminates TLS, where the service sees plain HTTP) | never
    session_cookie_secure: str = "auto"
    # Webhooks (verify.webhooks, verify.services.webhooks and .dispatch, verify.jobs.dispatcher)
    webhook_retry_seconds: str = "0,5,300,1800,7200,18000,36000,36000"  # delay before each attempt (Standard Webhooks)
    webhook_allowed_networks: str = ""  # comma-separated CIDRs reachable although not public (tests: loopback)
    webhook_allow_http: bool = False  # endpoints may use plain http (else https only)
    webhook_connect_timeout_seconds: float = 5.0
    webhook_timeout_seconds: float = 15.0  # a whole attempt: connect, TLS, send, answer
    webhook_disable_after_days: float = 5.0  # an endpoint failing this long without a success is disabled
    webhook_max_endpoints: int = 10  # per platform
    webhook_secret_grace_hours: float = 24.0  # after a rotation the old secret signs too, this long by default
    webhook_senders: int = 4  # delivery threads per serving process (and per worker)
    webhook_endpoint_in_flight: int = 2  # deliveries sent to one endpoint at once, across all processes
    webhook_lease_seconds: float = 60.0  # a claimed delivery is sent again by another process after this
    webhook_poll_seconds: float = 1.0  # how often a dispatcher looks for deliveries committed by other processes
    webhook_log_days: float = 30.0  # finished deliveries and their attempts are kept this long
    label_expiry_sweep_seconds: float = 60.0  # how often expired labels are noted (label.expired events)
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        """``BadSetting`` for a value the service cannot run with: at start-up, not at the first upload or delivery.

        >>> Settings(queue="rabbit")
        Traceback (most recent call last):
        ...
        verify.config.BadSetting: VERIFY_QUEUE must be one of local, celery, not 'rabbit'
        """
        for name, allowed in (("queue", QUEUES), ("ocr_engine", OCR_ENGINES), ("session_cookie_secure", COOKIE_SECURE)):
            if getattr(self, name) not in allowed:
                raise BadSetting(f"VERIFY_{name.upper()} must be one of {', '.join(allowed)}, "
                                 f"not {getattr(self, name)!r}")
        try:
            self.webhook_schedule, self.webhook_networks  # noqa: B018
        except ValueError as exc:
            raise BadSetting(str(exc)) from None

    @property
    def database(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'verify.db').resolve()}"

    @property
    def secret_path(self) -> Path:
        return self.secret_key_file or self.data_dir / "secret.key"

    @property
    def trusted_signer_files(self) -> list[Path]:
        return [Path(name.strip()) for name in self.trusted_signers.split(",") if name.strip()]

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def first_admin_key_path(self) -> Path:
        """Where ``flask setup`` leaves the first admin key (0600) for the operator to collect."""
        return self.data_dir / "first-admin-key"

    @property
    def webhook_schedule(self) -> tuple[float, ...]:
        """The delay before each delivery attempt; ValueError for a malformed setting."""
        from verify.webhooks.retries import parse_schedule

        return parse_schedule(self.webhook_retry_seconds)

    @property
    def webhook_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        """The allowed networks; ValueError for a malformed CIDR."""
        try:
            return tuple(ip_network(cidr.strip()) for cidr in self.webhook_allowed_networks.split(",") if cidr.strip())
        except ValueError as exc:
            raise ValueError(f"VERIFY_WEBHOOK_ALLOWED_NETWORKS: {exc}") from None


def _coerce(name: str, value: str, like: Any) -> Any:
    """``value`` as the type of the default ``like``; ``BadSetting`` naming ``name`` when it is not a number."""
    if isinstance(like, bool):
        return value.strip().lower() in ("1", "true", "yes", "on")
    try:
        if isinstance(like, int):
            return int(value)
        if isinstance(like, float):
            return float(value)
    except ValueError:
        raise BadSetting(f"{name} must be a number, not {value!r}") from None
    if isinstance(like, Path) or like is None:
        return Path(value)
    return value


def variable_names() -> list[str]:
    """Every ``VERIFY_*`` variable ``load_settings`` reads (README's configuration table documents each).

    >>> "VERIFY_LIMITS_MAX_PAGES" in variable_names()
    True
    """
    return ([f"VERIFY_{f.name.upper()}" for f in fields(Settings) if f.name != "limits"]
            + [f"VERIFY_LIMITS_{f.name.upper()}" for f in fields(Limits)])


def load_settings(
    environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> Settings:
    """Build settings from defaults, ``VERIFY_*`` variables and explicit overrides.

    ``VERIFY_LIMITS_MAX_PAGES=5`` sets ``limits.max_pages``. ``BadSetting`` for a value the service cannot
    run with (``create_app`` and gunicorn then refuse to start, saying which and why).

    >>> load_settings({"VERIFY_WORKERS": "3"}).workers
    3
    >>> load_settings({"VERIFY_LIMITS_MAX_PAGES": "5"}).limits.max_pages
    5
    """
    environ = os.environ if environ is None else environ
    base, limits = Settings(), Limits()
    values: dict[str, Any] = {}
    limit_values: dict[str, Any] = {}
    for f in fields(Settings):
        name = "VERIFY_" + f.name.upper()
        if f.name != "limits" and name in environ:
            values[f.name] = _coerce(name, environ[name], getattr(base, f.name))
    for f in fields(Limits):
        name = "VERIFY_LIMITS_" + f.name.upper()
        if name in environ:
            limit_values[f.name] = _coerce(name, environ[name], getattr(limits, f.name))
    for key, value in (overrides or {}).items():
        if key == "limits" and isinstance(value, Mapping):
            limit_values.update(value)
        elif key in {f.name for f in fields(Settings)}:
            values[key] = Path(value) if key == "data_dir" else value
    return replace(base, limits=replace(limits, **limit_values), **values)
