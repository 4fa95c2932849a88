"""A worker's ``GET /metrics``: the node's counters (job durations) for Prometheus, where no web server runs.

A Celery worker serves no HTTP of its own; with ``VERIFY_WORKER_METRICS_PORT`` it answers ``GET
/metrics`` on that port, in a daemon thread, with the same text the web nodes give for their counters
(verify.node_metrics). Only the bearer ``VERIFY_METRICS_TOKEN`` is let in (no database is asked:
without the token configured every request is refused).
"""

from __future__ import annotations

import hmac
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from verify.api.ops import node_metrics_lines
from verify.services.context import Services


def serve_metrics(services: Services, port: int, host: str = "0.0.0.0") -> ThreadingHTTPServer:
    """Start answering ``GET /metrics`` on ``host:port`` in a daemon thread; the server (``shutdown()`` ends it)."""
    token = services.settings.metrics_token

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            sent = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
            if self.path != "/metrics":
                self._answer(404, "not found\n")
            elif not token or not hmac.compare_digest(sent.encode(), token.encode()):
                self._answer(401, "send the metrics token\n")
            else:
                self._answer(200, "\n".join(node_metrics_lines(services.metrics)) + "\n")

        def _answer(self, status: int, body: str) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: object) -> None:  # scrapes are not worth a log line each
            return

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server
