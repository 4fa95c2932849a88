"""What a platform, and a reviewer without a reveal, can rebuild of the ID number it was not shown (issue 13).

A masked ID number is not judged alone but with everything the role sees beside it: the birth date,
the gender, the credential number (a 医师资格证书编码 embeds the whole ID number), the field
confidences, the checks' messages, the console's case page. ``candidates`` counts the 18-character
ID numbers that fit all of it, for an attacker who also knows the region code (the issuer, and several
credential numbers, name the place) and the sex (shown): ``region (6) | birth date (8) | sequence (3,
its last digit odd for men) | check character``. The masking of README's table must leave at least
``ENOUGH`` of them; a revealed case leaves one.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.certificates import Certificate, id_check_char, make_certificate
from tests.conftest import bearer
from tests.hand_made import submit_read_as
from tests.review_cases import item_of
from tests.uploads import holder_form
from tests.web.console import sign_in
from verify.masking import mask_field, mask_id_number, mask_number
from verify.services.context import Services
from verify.store.models import AuditEvent

ENOUGH = 10_000
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_LIKE = re.compile(r"(?=([0-9Xx*]{18}))")
#: Birth dates an attacker tries when nothing narrows them: holders aged 18 to 95.
_OLDEST, _YOUNGEST = date(1930, 1, 1), date(2007, 12, 31)


def _known_positions(seen: str, truth: str) -> dict[int, str]:
    """The characters of ``truth`` that some ID-shaped run of ``seen`` shows (masked with ``*`` or not)."""
    known: dict[int, str] = {}
    for text in (seen, re.sub(r"\s+", "", seen)):
        for match in _ID_LIKE.finditer(text):
            window = match.group(1).upper()
            shown = {i: c for i, c in enumerate(window) if c != "*"}
            if shown and all(truth[i] == c for i, c in shown.items()):
                known.update(shown)
    return known


def _birth_dates(seen: str, born: date) -> list[date]:
    """The birth dates still possible once ``seen`` is read: the day, the month, the year, or any."""
    if any(born.strftime(form) in seen for form in ("%Y-%m-%d", "%Y%m%d", "%Y年%m月%d日", "%Y/%m/%d", "%Y.%m.%d")):
        return [born]
    if any(born.strftime(form) in seen for form in ("%Y-%m", "%Y年%m月", "%Y%m", "%Y/%m", "%Y.%m")):
        first, last = born.replace(day=1), (born.replace(day=28) + timedelta(days=4)).replace(day=1)
    elif str(born.year) in seen:
        first, last = date(born.year, 1, 1), date(born.year + 1, 1, 1)
    else:
        first, last = _OLDEST, _YOUNGEST + timedelta(days=1)
    return [first + timedelta(days=n) for n in range((last - first).days)]


def candidates(seen: str, truth: str, born: date, male: bool) -> int:
    """How many ID numbers fit ``seen``, the region code of ``truth`` and the sex.

    >>> truth = "330106198501150020"
    >>> candidates("3301**********0020 1985-01-15", truth, date(1985, 1, 15), male=False)
    1
    >>> candidates("", truth, date(1985, 1, 15), male=False) > 10 ** 6
    True
    """
    known = {i: truth[i] for i in range(6)} | _known_positions(seen, truth)
    sequences = [f"{n:03d}" for n in range(1000) if n % 2 == male
                 and all(known.get(14 + j, digit) == digit for j, digit in enumerate(f"{n:03d}"))]
    by_residue = Counter(sum(int(d) * w for d, w in zip(s, _WEIGHTS[14:], strict=True)) % 11 for s in sequences)
    region = sum(int(truth[i]) * _WEIGHTS[i] for i in range(6))
    total = 0
    for day in _birth_dates(seen, born):
        digits = day.strftime("%Y%m%d")
        if any(known.get(6 + k, digit) != digit for k, digit in enumerate(digits)):
            continue
        if 17 not in known:
            total += len(sequences)
            continue
        base = region + sum(int(d) * w for d, w in zip(digits, _WEIGHTS[6:14], strict=True))
        total += by_residue[(_CHECK.index(known[17]) - base) % 11]
    return total


def test_candidates_counts_what_todays_masking_gave_away() -> None:
    """First and last four characters kept and the birth date shown: 1.6 guesses on average, 1 with the region."""
    cert = make_certificate("physician_qualification", seed=5)
    truth, born = cert.fields["id_number"], date.fromisoformat(cert.fields["birth_date"])
    male = cert.fields["gender"] == "男"
    first_and_last_four = f"{truth[:4]}{'*' * 10}{truth[-4:]} {cert.fields['birth_date']}"
    assert candidates(first_and_last_four, truth, born, male) == 1
    assert id_check_char(truth[:17]) == truth[17]


def _read_case(client: FlaskClient, services: Services, key: str, cert: Certificate, profession: str) -> str:
    """``cert`` as a typed PDF with the holder's real-name data, read exactly (a reviewer looks: unsigned); its id."""
    answer = submit_read_as(client, services, key, cert, profession=profession,
                            account_id=f"acct-{cert.kind.value}", **holder_form(cert))
    return answer.json["id"]


@pytest.mark.parametrize(("kind", "profession"), [("physician_qualification", "doctor"),
                                                  ("physician_practice", "doctor"),
                                                  ("teacher_qualification", "teacher")])
def test_no_role_without_a_reveal_can_rebuild_the_id_number(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str, kind: str, profession: str
) -> None:
    cert = make_certificate(kind, seed=21)
    truth, born, male = cert.fields["id_number"], date.fromisoformat(cert.fields["birth_date"]), cert.fields[
        "gender"] == "男"
    verification_id = _read_case(client, services, platform_key, cert, profession)
    platform = client.get(f"/v1/verifications/{verification_id}", headers=bearer(platform_key))
    assert platform.json["status"] == "needs_review"
    assert platform.json["credential"]["fields"]["id_number"]  # the document's ID number was read
    listing = client.get("/v1/verifications", headers=bearer(platform_key))
    platform_sees = platform.get_data(as_text=True) + listing.get_data(as_text=True)
    assert candidates(platform_sees, truth, born, male) >= ENOUGH

    item_id = item_of(services, verification_id)
    case = client.get(f"/v1/review/items/{item_id}", headers=bearer(reviewer_key))
    sign_in(client, reviewer_key)
    page = client.get(f"/review/items/{item_id}")
    assert page.status_code == 200 and cert.fields["name"] in page.text  # the case page shows the fields
    reviewer_sees = case.get_data(as_text=True) + page.text
    assert candidates(reviewer_sees, truth, born, male) >= ENOUGH

    revealed = client.post(f"/v1/review/items/{item_id}/reveal", headers=bearer(reviewer_key),
                           json={"reason": "核对证件号码"})
    assert candidates(revealed.get_data(as_text=True), truth, born, male) == 1  # the count does see a leak


def test_masks_keep_the_shape_and_hide_every_digit_that_narrows_the_id_number() -> None:
    assert mask_id_number("330106198501150020") == "*" * 18
    assert mask_id_number("33010619850115002X") == "*" * 18
    assert mask_number("physician_qualification", "201233110330106198501150020") == "201233110" + "*" * 18
    assert mask_field("teacher_qualification", "birth_date", "1985-01-15") == "1985-**-**"
    assert mask_field("teacher_qualification", "birth_date", "出生1985年01月15日") == "出生1985年**月**日"
    assert mask_field("physician_qualification", "number", "2012 3311 0330106198501150020") == \
        "2012 3311 0" + "*" * 18
    assert mask_field("lawyer_practice", "qualification_number", "A20194401060123") == "A20194401060123"


# --- 78: masked by default for reviewers too ---------------------------------------------------------
def test_78_a_reviewer_reading_a_verification_sees_the_id_number_masked_without_an_audited_reveal(
    client: FlaskClient, services: Services, platform_key: str, reviewer_key: str
) -> None:
    cert = make_certificate("physician_practice", 78)
    answer = submit_read_as(client, services, platform_key, cert, holder_id_number=cert.fields["id_number"])
    with services.store.read() as session:
        events = session.scalar(select(func.count()).select_from(AuditEvent))
    for path in (answer.headers["Location"], "/v1/verifications"):
        seen = client.get(path, headers=bearer(reviewer_key))
        assert seen.status_code == 200
        assert cert.fields["id_number"] not in seen.get_data(as_text=True), path
    with services.store.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == events
