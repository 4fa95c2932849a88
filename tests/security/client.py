"""Uploads for the security tests, encoded in memory.

Flask's test client spools a multipart body over 500 kB to a temporary file it never
closes (a ResourceWarning, an error under ``filterwarnings = error``), so big hostile
files are encoded here with ``encode_multipart`` instead.
"""

from __future__ import annotations

import io
from typing import Any

from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.conftest import bearer


def post_multipart(client: FlaskClient, key: str, values: Any, headers: dict[str, str] | None = None) -> Any:
    boundary, body = encode_multipart(values)
    return client.post("/v1/verifications", data=body, headers={**bearer(key), **(headers or {})},
                       content_type=f"multipart/form-data; boundary={boundary}")


def submit(client: FlaskClient, key: str, data: bytes, *, filename: str = "cert.pdf",
           mimetype: str = "application/pdf", headers: dict[str, str] | None = None, **form: str) -> Any:
    """``POST /v1/verifications`` with one document part (account ``acct-1``, profession doctor by default)."""
    return post_multipart(client, key, {"account_id": "acct-1", "profession": "doctor", **form,
                                        "document": FileStorage(io.BytesIO(data), filename, mimetype)}, headers)
