"""The exceptions the registry validators raise.

Each class subclasses the matching python-stdnum exception (so ``except ValidationError``
works as with any stdnum module) and adds two things:

- ``code``: a stable snake_case identifier for API clients and logs;
- ``part``: which part of the number the rule is about (``format``, ``checksum``,
  ``date``, ``year``, ``region``, ``category``, ``serial``, ``sex_digit``,
  ``embedded_id``); the checks layer turns it into a check code such as
  ``number.checksum``.

Messages are client-safe: they never repeat the number (it is personal data).

>>> str(InvalidChecksum())
'The check character does not match.'
>>> InvalidChecksum().code, InvalidChecksum().part
('invalid_checksum', 'checksum')
>>> from stdnum.exceptions import ValidationError
>>> isinstance(UnknownRegion(), ValidationError)
True
"""

from __future__ import annotations

from stdnum import exceptions as _stdnum


class RegistryError(_stdnum.ValidationError):
    """Base class of every error raised by ``verify.registry``."""

    code = "invalid"
    part = "format"
    message = "The number is not valid."

    def __str__(self) -> str:
        return "".join(self.args[:1]) or self.message


class InvalidFormat(RegistryError, _stdnum.InvalidFormat):
    """Characters or structure that the layout does not allow."""

    code = "invalid_format"
    message = "The number has characters or a structure that the layout does not allow."


class InvalidLength(InvalidFormat, _stdnum.InvalidLength):
    """The number has the wrong length."""

    code = "invalid_length"
    message = "The number has the wrong length."


class InvalidChecksum(RegistryError, _stdnum.InvalidChecksum):
    """The check character does not match the rest of the number."""

    code = "invalid_checksum"
    part = "checksum"
    message = "The check character does not match."


class InvalidComponent(RegistryError, _stdnum.InvalidComponent):
    """A part of the number refers to something that does not exist."""

    code = "invalid_component"
    message = "A part of the number is not valid."


class InvalidDate(InvalidComponent):
    """A date inside the number is not a real calendar date."""

    code = "invalid_date"
    part = "date"
    message = "The date in the number is not a real calendar date."


class FutureDate(InvalidComponent):
    """A date inside the number lies after today."""

    code = "future_date"
    part = "date"
    message = "The date in the number is in the future."


class YearOutOfRange(InvalidComponent):
    """A year inside the number is before the scheme existed or after this year."""

    code = "year_out_of_range"
    part = "year"
    message = "The year in the number is outside the possible range."


class UnknownRegion(InvalidComponent):
    """The GB/T 2260 region code never existed, or was retired before it could be used."""

    code = "unknown_region"
    part = "region"
    message = "The region code is not a known administrative division for this number."


class UnknownProvince(UnknownRegion):
    """The two province digits are not a province code."""

    code = "unknown_province"
    message = "The province code is not a known province."


class UnknownCategory(InvalidComponent):
    """A category digit outside the published code list."""

    code = "unknown_category"
    part = "category"
    message = "The category code is not in the published list."


class InvalidSexDigit(InvalidComponent):
    """A sex digit outside the published code list."""

    code = "invalid_sex_digit"
    part = "sex_digit"
    message = "The sex digit is not in the published list."


class InvalidSerial(InvalidComponent):
    """A serial number that cannot be issued (e.g. all zeros)."""

    code = "invalid_serial"
    part = "serial"
    message = "The serial part of the number cannot be issued."


class EmbeddedIdInvalid(InvalidComponent):
    """The resident ID number embedded in a credential number is not valid.

    ``reason`` is the ``code`` of the error the embedded ID number raised.
    """

    code = "embedded_id_invalid"
    part = "embedded_id"
    message = "The ID number inside the credential number is not valid."

    def __init__(self, reason: str = "invalid", message: str | None = None) -> None:
        super().__init__(*([message] if message else []))
        self.reason = reason
