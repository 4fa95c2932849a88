"""The console marks the printed name and ID number as differing from the holder's by the checks'
rules (verify.checks.person), so a reviewer is never shown a difference the checks did not find."""

from __future__ import annotations

from datetime import date

import pytest

from verify.checks import person
from verify.web.console import holder_differs

TODAY = date(2025, 1, 1)


@pytest.mark.parametrize(("holder", "printed"), [
    ("张三", "张 三"),  # letter-spaced, as OCR and some layouts print it
    ("张三", "张\u3000三"),  # an ideographic space
    ("阿依古丽·买买提", "阿依古丽•买买提"),  # another middle dot
    ("ANNA LI", "ＡＮＮＡ　ＬＩ"),  # full-width letters
])
def test_a_name_the_check_accepts_is_not_marked(holder: str, printed: str) -> None:
    assert holder != printed and person.same_name(holder, printed)
    assert holder_differs(holder, None, {"name": printed}, TODAY) == {"name_differs": False, "id_differs": False}


def test_a_legacy_id_number_of_the_same_person_is_not_marked() -> None:
    found = holder_differs(None, "110105491231002", {"id_number": "11010519491231002X"}, TODAY)
    assert found == {"name_differs": False, "id_differs": False}


def test_a_different_name_and_id_number_are_marked() -> None:
    found = holder_differs("张三", "11010519491231002X", {"name": "张四", "id_number": "110105194912310037"}, TODAY)
    assert found == {"name_differs": True, "id_differs": True}
