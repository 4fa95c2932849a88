"""Property tests: numbers built from valid parts validate; single-character changes of a
check-bearing number are caught."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.registry.build import USCC_ALPHABET, make_id, make_legacy_id, make_uscc
from verify.registry import (
    lawyer_practice,
    legal_qualification,
    physician_practice,
    physician_qualification,
    regions,
    resident_id,
    teacher_qualification,
    uscc,
)

TODAY = date(2025, 6, 1)
EXAMPLES = settings(max_examples=60, deadline=None)
CURRENT_CODES = sorted(
    code for code, periods in regions.table().items()
    if any(p.end is None for p in periods) and code[4:] != "00"
)
ID_CHARS = "0123456789X"

regions_now = st.sampled_from(CURRENT_CODES)
births = st.dates(date(1900, 1, 1), TODAY)
sequences = st.integers(0, 999)
provinces = st.sampled_from(sorted(set(regions.PROVINCES) - regions.HMT_PREFIXES))


@st.composite
def resident_ids(draw: st.DrawFn) -> tuple[str, date, int]:
    birth, seq = draw(births), draw(sequences)
    return make_id(draw(regions_now), birth, seq), birth, seq


def single_changes(number: str, alphabet: str) -> list[str]:
    return [number[:i] + c + number[i + 1:] for i in range(len(number)) for c in alphabet if c != number[i]]


@EXAMPLES
@given(resident_ids())
def test_ids_built_from_valid_parts_validate(built: tuple[str, date, int]) -> None:
    number, birth, seq = built
    parsed = resident_id.validate(number, TODAY)
    assert parsed.birth_date == birth
    assert parsed.gender == ("男" if seq % 2 else "女")


@settings(max_examples=15, deadline=None)
@given(resident_ids())
def test_every_single_character_change_of_an_id_fails(built: tuple[str, date, int]) -> None:
    for changed in single_changes(built[0], ID_CHARS):
        assert not resident_id.is_valid(changed), changed


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(sorted(uscc.ORG_TYPES)), regions_now, st.text(USCC_ALPHABET, min_size=8, max_size=8))
def test_every_single_character_change_of_a_uscc_fails(org_type: str, region: str, body: str) -> None:
    number = make_uscc(org_type, region, body)
    assert uscc.validate(number).org_type.code == org_type
    for changed in single_changes(number, USCC_ALPHABET + "IOSVZ"):
        assert not uscc.is_valid(changed), changed


@settings(max_examples=15, deadline=None)
@given(resident_ids(), st.integers(1998, 2025), provinces, st.sampled_from("12"),
       st.sampled_from(["10", "20", "30", "41", "42", "43", "44", "45"]))
def test_every_single_change_of_the_embedded_id_fails(
    built: tuple[str, date, int], year: int, province: str, level: str, category: str
) -> None:
    prefix = f"{year}{province}{level}{category}"
    number = prefix + built[0]
    assert physician_qualification.validate(number, TODAY).embedded_id.birth_date == built[1]
    for changed in single_changes(built[0], ID_CHARS):
        assert not physician_qualification.is_valid(prefix + changed)


@EXAMPLES
@given(provinces, st.integers(1979, 2025), st.sampled_from(sorted(lawyer_practice.CATEGORIES)),
       st.sampled_from("01"), st.integers(0, 999_999))
def test_lawyer_numbers_built_from_valid_parts(province: str, year: int, category: str, sex: str,
                                               serial: int) -> None:
    parsed = lawyer_practice.validate(f"1{province}01{year}{category}{sex}{serial:06d}", TODAY)
    assert (parsed.first_approval_year, parsed.category.code, parsed.gender) == (
        year, category, lawyer_practice.GENDERS[sex])


@EXAMPLES
@given(provinces, st.integers(1996, 2025), st.integers(0, 999), st.sampled_from("1234567"),
       st.integers(0, 999_999))
def test_teacher_numbers_built_from_valid_parts(province: str, year: int, authority: int, category: str,
                                                serial: int) -> None:
    sex = "1" if year >= 2009 else "0"
    number = f"{year}{province}{authority:03d}{category}{sex}{serial:06d}"
    parsed = teacher_qualification.validate(number, TODAY)
    assert (parsed.year, parsed.category.code, parsed.gender, parsed.flags) == (year, category, "男", ())


@EXAMPLES
@given(st.sampled_from("12"), st.sampled_from(["10", "20", "30", "41"]), regions_now, st.integers(1, 999_999))
def test_practice_numbers_built_from_valid_parts(level: str, category: str, region: str, serial: int) -> None:
    parsed = physician_practice.validate(f"{level}{category}{region}{serial:06d}")
    assert (parsed.region.code, parsed.flags) == (region, ())


@EXAMPLES
@given(st.sampled_from("ABC"), st.integers(2002, 2025), regions_now, st.integers(0, 9999))
def test_legal_qualification_numbers_built_from_valid_parts(letter: str, year: int, region: str, serial: int) -> None:
    parsed = legal_qualification.validate(f"{letter}{year}{region}{serial:04d}", TODAY)
    assert (parsed.certificate_class.code, parsed.year, parsed.region.code, parsed.flags) == (
        letter, year, region, ())


HISTORICAL = sorted(
    (code, period.end) for code, periods in regions.table().items() for period in periods
    if period.end is not None and code[4:] != "00"
)


@EXAMPLES
@given(st.sampled_from(HISTORICAL), st.integers(0, 60), sequences)
def test_ids_with_retired_region_codes_validate_for_anyone_born_before_retirement(
    retired: tuple[str, int], years_before: int, seq: int
) -> None:
    """The attributable rule (docs/registry-rules.md#resident-id-number): in force at birth or at any later date."""
    code, end = retired
    birth = min(date(max(1900, end - years_before), 6, 15), TODAY)
    assert resident_id.validate(make_id(code, birth, seq), TODAY).region.code == code


@EXAMPLES
@given(regions_now, st.dates(date(1900, 1, 1), date(1999, 12, 31)), sequences)
def test_legacy_ids_built_from_valid_parts_validate(region: str, birth: date, seq: int) -> None:
    parsed = resident_id.validate(make_legacy_id(region, birth, seq), TODAY)
    assert (parsed.birth_date, parsed.gender, parsed.legacy) == (birth, "男" if seq % 2 else "女", True)
    assert parsed.as_18 == make_id(region, birth, seq)


@EXAMPLES
@given(st.integers(1998, 2025), provinces, st.sampled_from("12"), st.sampled_from(sorted(
    set(physician_qualification.CATEGORIES) - physician_qualification.UNCONFIRMED_CATEGORIES)),
    resident_ids() | st.builds(lambda r, b, s: (make_legacy_id(r, b, s), b, s), regions_now,
                                st.dates(date(1900, 1, 1), date(1980, 12, 31)), sequences))
def test_physician_qualification_numbers_built_from_valid_parts(
    year: int, province: str, level: str, category: str, built: tuple[str, date, int]
) -> None:
    parsed = physician_qualification.validate(f"{year}{province}{level}{category}{built[0]}", TODAY)
    assert (parsed.year, parsed.province.code, parsed.level.code, parsed.category.code) == (
        year, province, level, category)
    assert parsed.embedded_id.birth_date == built[1]
    assert all(f.code == "embedded_legacy_id" for f in parsed.flags)


@EXAMPLES
@given(st.integers(1996, 2025), provinces, st.sampled_from("1234567"), st.sampled_from("男女"))
def test_teacher_sex_digit_follows_the_era(year: int, province: str, category: str, gender: str) -> None:
    digits = teacher_qualification.GENDERS_FROM_2009 if year >= 2009 else teacher_qualification.GENDERS_BEFORE_2009
    sex = {word: digit for digit, word in digits.items()}[gender]
    parsed = teacher_qualification.validate(f"{year}{province}001{category}{sex}000001", TODAY)
    assert (parsed.gender, parsed.flags) == (gender, ())

