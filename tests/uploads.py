"""Uploads the tests send: certificates as a platform would submit them, with the holder's real-name data.

An approval needs the platform's real-name data and a document the machine may trust on its own:
a photo or scan, or a PDF signed over the whole file by a signer the tests trust (tests/signing.py;
the text layer reads in a fraction of an image's time).
"""

from __future__ import annotations

import io
from typing import Any

from flask.testing import FlaskClient

from tests.certificates import Certificate, make_certificate, render_pdf
from tests.signing import sign_pdf


def submit(client: FlaskClient, key: str, data: bytes, *, filename: str = "cert.pdf",
           mimetype: str = "application/pdf", headers: dict[str, str] | None = None, **form: Any) -> Any:
    """POST ``data`` to /v1/verifications with ``form`` (account ``acct-1``, profession ``doctor`` unless given)."""
    body = {"account_id": "acct-1", "profession": "doctor", **form,
            "document": (io.BytesIO(data), filename, mimetype)}
    return client.post("/v1/verifications", data=body, headers={"Authorization": f"Bearer {key}", **(headers or {})},
                       content_type="multipart/form-data")


def holder_form(cert: Certificate) -> dict[str, str]:
    """The platform's real-name data for the holder of ``cert``, as form fields."""
    return {"holder_name": cert.fields["name"], "holder_id_number": cert.fields["id_number"]}


def signed_pdf(cert: Certificate) -> bytes:
    """``cert`` as an electronic certificate: a text PDF signed by the tests' trusted issuer."""
    return sign_pdf(render_pdf(cert))


def signed_certificate(kind: str, seed: int) -> tuple[Certificate, bytes]:
    cert = make_certificate(kind, seed=seed)
    return cert, signed_pdf(cert)
