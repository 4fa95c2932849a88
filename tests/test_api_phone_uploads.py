"""Certificates as phones send them, end to end through the API: an iPhone HEIC, a photo lying
sideways with or without an EXIF tag, a photo forwarded through a chat app, a 12 MP photo of the
page on a desk and an app's screenshot are read and approved like an upright JPEG (issue 16)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.certificates import make_certificate, make_upload
from tests.conftest import bearer, process_all
from tests.security.client import submit
from tests.uploads import holder_form
from verify.services.context import Services


@pytest.mark.parametrize(("condition", "seed", "filename", "mimetype"), [
    ("heic", 1, "IMG_0042.HEIC", "image/heic"),
    ("rotated", 2, "IMG_0043.jpg", "image/jpeg"),  # a quarter turn clockwise, no EXIF
    ("rotated_exif", 1, "IMG_0045.jpg", "image/jpeg"),  # a half turn, EXIF says so
    ("chat", 1, "mmexport1733651234.jpg", "image/jpeg"),  # 1280 px, JPEG q50-60
    ("desk", 2, "IMG_0046.jpg", "image/jpeg"),  # 12 MP, the page on a grey laminate desk
    ("screenshot", 1, "Screenshot_20261208.png", "image/png"),  # a dark app around the picture
])
def test_a_phone_upload_is_read_and_approved(client: FlaskClient, services: Services, platform_key: str,
                                             condition: str, seed: int, filename: str, mimetype: str) -> None:
    cert = make_certificate("physician_practice", seed)
    upload = make_upload(cert, condition, seed, layout="lines", font="zenhei")
    answer = submit(client, platform_key, upload.data, filename=filename, mimetype=mimetype, **holder_form(cert))
    assert answer.status_code == 202, answer.json
    process_all(services)
    done = client.get(answer.headers["Location"], headers=bearer(platform_key)).json
    assert (done["status"], done["reasons"]) == ("approved", [])
    assert done["credential"]["number"] == cert.fields["number"]
    assert done["credential"]["fields"]["name"] == cert.fields["name"]


def test_a_heic_that_is_not_one_is_refused_at_intake(client: FlaskClient, platform_key: str) -> None:
    answer = submit(client, platform_key, b"\x00\x00\x00\x18ftypisom" + bytes(64), filename="IMG_0044.HEIC",
                    mimetype="image/heic")
    assert answer.status_code == 415
    assert answer.json["type"].endswith("/type_not_allowed")
