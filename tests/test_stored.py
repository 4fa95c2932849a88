"""The stored JSON of fields and checks maps to the pipeline's typed values and back."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from verify.domain import Check, CheckStatus, FieldValue, ReviewState
from verify.stored import checks_from_stored, checks_to_stored, fields_from_stored, fields_to_stored

_text = st.text(max_size=20)
_names = st.sampled_from(["name", "number", "id_number", "gender", "birth_date", "issuer", "category"])
_field_values = st.builds(FieldValue, _text, _text, st.floats(0, 1).map(lambda c: round(c, 3)),
                          st.sampled_from(["text", "ocr"]))
_checks = st.builds(Check, st.text(min_size=1, max_size=30), st.sampled_from(CheckStatus), _text,
                    st.lists(_names, max_size=3).map(tuple))


@given(st.dictionaries(_names, _field_values))
def test_fields_round_trip_through_json(fields: dict[str, FieldValue]) -> None:
    assert fields_from_stored(json.loads(json.dumps(fields_to_stored(fields)))) == fields


@given(st.lists(_checks, max_size=5))
def test_checks_round_trip_through_json(checks: list[Check]) -> None:
    assert checks_from_stored(json.loads(json.dumps(checks_to_stored(checks)))) == checks


def test_a_confidence_is_stored_to_three_decimals() -> None:
    stored = fields_to_stored({"name": FieldValue("张三", "张三", 0.87654, "ocr")})
    assert stored["name"]["confidence"] == 0.877


def test_the_stored_shapes_stay_what_older_rows_hold() -> None:
    """No migration: the keys and values are those every version wrote."""
    assert fields_to_stored({"number": FieldValue("A1", "A 1")}) == {
        "number": {"value": "A1", "raw": "A 1", "confidence": 1.0, "source": "text"}}
    assert checks_to_stored([Check("number.format", CheckStatus.WARN, "odd", ("number",))]) == [
        {"code": "number.format", "status": "warn", "message": "odd", "fields": ["number"]}]
    assert [state.value for state in ReviewState] == ["open", "claimed", "decided"]
