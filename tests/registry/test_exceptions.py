from __future__ import annotations

import pytest
from stdnum import exceptions as stdnum_exceptions

from verify.registry import exceptions

ALL = [
    exceptions.InvalidFormat, exceptions.InvalidLength, exceptions.InvalidChecksum,
    exceptions.InvalidComponent, exceptions.InvalidDate, exceptions.FutureDate, exceptions.YearOutOfRange,
    exceptions.UnknownRegion, exceptions.UnknownProvince, exceptions.UnknownCategory,
    exceptions.InvalidSexDigit, exceptions.InvalidSerial, exceptions.EmbeddedIdInvalid,
]


@pytest.mark.parametrize("cls", ALL)
def test_every_exception_is_a_stdnum_validation_error_with_a_code(cls: type) -> None:
    exc = cls()
    assert isinstance(exc, stdnum_exceptions.ValidationError)
    assert isinstance(exc, exceptions.RegistryError)
    assert exc.code.isidentifier() and exc.code == exc.code.lower()
    assert str(exc)


def test_codes_are_unique() -> None:
    assert len({cls.code for cls in ALL}) == len(ALL)


@pytest.mark.parametrize(("cls", "base"), [
    (exceptions.InvalidFormat, stdnum_exceptions.InvalidFormat),
    (exceptions.InvalidLength, stdnum_exceptions.InvalidLength),
    (exceptions.InvalidChecksum, stdnum_exceptions.InvalidChecksum),
    (exceptions.InvalidComponent, stdnum_exceptions.InvalidComponent),
    (exceptions.UnknownRegion, stdnum_exceptions.InvalidComponent),
])
def test_stdnum_hierarchy(cls: type, base: type) -> None:
    assert issubclass(cls, base)


def test_embedded_id_invalid_carries_the_reason() -> None:
    exc = exceptions.EmbeddedIdInvalid("invalid_checksum")
    assert (exc.code, exc.reason, exc.part) == ("embedded_id_invalid", "invalid_checksum", "embedded_id")
