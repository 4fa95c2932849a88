"""Junk at every validator: ``is_valid`` never raises, ``compact`` is idempotent."""

from __future__ import annotations

import re
from datetime import date
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.exceptions import ValidationError

from verify.kinds import KINDS
from verify.registry import exceptions as errors

MODULE_LIST = [kind.number_rules for kind in KINDS.values()]
VALID = {
    "verify.registry.physician_qualification": "201233110330106198501150020",
    "verify.registry.physician_practice": "110330106001234",
    "verify.registry.lawyer_practice": "11102200810000003",
    "verify.registry.legal_qualification": "A20194401060123",
    "verify.registry.teacher_qualification": "20184412342001234",
    "verify.registry.resident_id": "330106198501150020",
    "verify.registry.uscc": "31440000MD0123454E",
    "verify.registry.title_certificate": "2019440100123",
    "verify.registry.health_title_qualification": "2021310000123456",
    "verify.registry.employment_letter": "12110108MA01ABCD50",
}
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
JUNK: list[object] = [
    None, "", " ", "-", b"330106198501150020", bytearray(b"1"), 123, 330106198501150020, 1.5, [], {},
    object(), "😀" * 18, "１２３", "٣", "x" * 10_000, "1" * 10_000, "\x00" * 18,
    "３３０１０６１９８５０１１５００２０\u200b",  # zero-width space
    "𝟑𝟑𝟎𝟏𝟎𝟔𝟏𝟗𝟖𝟓𝟎𝟏𝟏𝟓𝟎𝟎𝟐𝟎",  # mathematical bold digits
    "²" * 15, "①" * 17, "ⅩⅩ", "\ud800" * 18,
    "😀" * 10_000, "１" * 10_000, "٣" * 10_000, " " * 10_000, "-" * 10_000,  # 10,000 characters of each sort
    "３３０１０６１９８５０１１５００２０" * 600, "३३०१०६१९८५०११५००२०",  # full-width x600; Devanagari digits
]
JUNK_TEXT = [junk for junk in JUNK if isinstance(junk, str)]


def junk_id(junk: object) -> str:
    """A test id that is the same in every process (a bare object's repr holds its address)."""
    return "object()" if type(junk) is object else repr(junk)[:40]


@pytest.mark.parametrize("module", MODULE_LIST, ids=lambda m: m.__name__)
@pytest.mark.parametrize("junk", JUNK, ids=junk_id)
def test_is_valid_never_raises(module: ModuleType, junk: object) -> None:
    assert module.is_valid(junk) is False


@pytest.mark.parametrize("module", MODULE_LIST, ids=lambda m: m.__name__)
@pytest.mark.parametrize("junk", JUNK, ids=junk_id)
def test_validate_raises_only_validation_errors(module: ModuleType, junk: object) -> None:
    with pytest.raises(ValidationError):
        module.validate(junk, date(2025, 6, 1))


@pytest.mark.parametrize("module", MODULE_LIST, ids=lambda m: m.__name__)
def test_full_width_is_accepted_other_unicode_digits_are_not(module: ModuleType) -> None:
    valid = VALID[module.__name__]
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in valid)
    assert module.is_valid(full_width)
    assert module.compact(full_width) == valid
    assert not module.is_valid(valid.translate(ARABIC_INDIC))  # int('٣') == 3: must not sneak through


@pytest.mark.parametrize("module", MODULE_LIST, ids=lambda m: m.__name__)
def test_separators_and_case(module: ModuleType) -> None:
    valid = VALID[module.__name__]
    spaced = " " + "-".join(valid[i:i + 4] for i in range(0, len(valid), 4)).lower() + ".\u3000"
    assert module.compact(spaced) == valid
    assert module.format(spaced) == valid


@pytest.mark.parametrize("module", MODULE_LIST, ids=lambda m: m.__name__)
def test_compact_rejects_non_text(module: ModuleType) -> None:
    with pytest.raises(errors.InvalidFormat):
        module.compact(b"330106")


@pytest.mark.parametrize("module", MODULE_LIST, ids=lambda m: m.__name__)
@pytest.mark.parametrize("junk", JUNK_TEXT, ids=lambda j: repr(j[:20]))
def test_compact_is_idempotent_on_the_junk(module: ModuleType, junk: str) -> None:
    once = module.compact(junk)
    assert module.compact(once) == once
    assert module.format(once) == once


@pytest.mark.parametrize("module", MODULE_LIST, ids=lambda m: m.__name__)
def test_a_valid_number_inside_10000_characters_is_not_valid(module: ModuleType) -> None:
    valid = VALID[module.__name__]
    assert not module.is_valid(valid * (10_000 // len(valid) + 1))
    assert not module.is_valid(valid + "0" * 10_000)


@settings(max_examples=300)
@given(st.text())
def test_compact_is_idempotent(text: str) -> None:
    for module in MODULE_LIST:
        once = module.compact(text)
        assert module.compact(once) == once
        assert isinstance(module.is_valid(text), bool)


@pytest.mark.parametrize("module", MODULE_LIST, ids=lambda m: m.__name__)
def test_messages_never_echo_the_number(module: ModuleType) -> None:
    valid = VALID[module.__name__]
    for position in range(len(valid)):
        for replacement in "0X9A":
            changed = valid[:position] + replacement + valid[position + 1:]
            try:
                module.validate(changed, date(2025, 6, 1))
            except errors.RegistryError as exc:
                assert changed not in str(exc)
                assert not re.search("[0-9X]{5,}", str(exc))
