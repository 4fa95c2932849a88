"""gunicorn settings for ``make run`` and production (``gunicorn wsgi:app``).

Each web worker also runs the embedded job runner (VERIFY_WORKERS threads): claims are
atomic, so several workers never process one job twice; the document work itself runs
in isolated child processes.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = 60
graceful_timeout = 30
accesslog = "-"
# No control socket: nothing here uses `gunicornc`, and its one default path per user would collide
# between two services on one machine (two nodes, or the tests running servers side by side).
control_socket_disable = True
# Never log query strings: they could carry personal data.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


def on_starting(server):
    # The settings and the service secret are checked once here, in the master, so that a bad setting
    # (verify.config.BadSetting) or a weak secret stops gunicorn with its reason ("Error: ..." on stderr, exit 1)
    # instead of every worker failing to boot in turn.
    from verify.config import load_settings
    from verify.keyfile import key_encryption_key

    key_encryption_key(load_settings())


def post_worker_init(worker):
    import gc

    from verify.jobs.runner import JobRunner

    services = worker.wsgi.extensions["verify"]
    # Refuse to serve (the worker fails to boot, gunicorn stops) on a database that could lose a commit;
    # load the signing keys from the database.
    services.prepare()

    # Everything loaded so far lives as long as the worker: move it out of the collector's sight so
    # that a full collection no longer walks it (fewer, shorter pauses on the label-check hot path).
    gc.collect()
    gc.freeze()

    if services.settings.queue == "local":
        worker.job_runner = JobRunner(services, services.settings.workers).start()


def worker_exit(server, worker):
    # SIGTERM: running jobs get a third of the graceful timeout to finish, then are released (pending
    # again) for the next start, well before the master's SIGKILL at the end of graceful_timeout.
    runner = getattr(worker, "job_runner", None)
    if runner is not None:
        runner.stop(grace=worker.cfg.graceful_timeout / 3)
