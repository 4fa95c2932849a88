"""What a credential kind declares about itself: its words, as printed and as decoded.

A :class:`Kind` is data only. Its number rules live in ``verify/registry/<kind>.py`` and its
cross-field checks in ``verify/checks/<kind>.py``; :attr:`Kind.number_rules` and
:attr:`Kind.check_rules` find them by the kind's name, so the kinds package imports neither
(both import the kinds' words).

>>> words = Vocabulary(("执业医师", "执业助理医师"), closed=True, source="a rule text")
>>> "执业医师" in words, len(words)
(True, 2)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from importlib import import_module
from types import ModuleType

from verify.domain import CredentialKind


@dataclass(frozen=True)
class Vocabulary:
    """The words a field may print, and where they come from.

    ``closed``: the list is the whole of what may be printed, so a word outside it is a
    misreading (or a document for a person to look at); an open list (执业范围: provinces may
    name further scopes) only repairs near misses.
    """

    words: tuple[str, ...]
    closed: bool
    source: str

    def __contains__(self, word: object) -> bool:
        return word in self.words

    def __iter__(self) -> Iterator[str]:
        return iter(self.words)

    def __len__(self) -> int:
        return len(self.words)


class Domain(StrEnum):
    """The field a label belongs to (claim ``domain``)."""

    MEDICAL = "medical"
    LEGAL = "legal"
    EDUCATION = "education"


#: The word shown for each domain, before the `` · `` separator of a label's display.
DOMAIN_WORDS: dict[Domain, str] = {Domain.MEDICAL: "医疗卫生", Domain.LEGAL: "法律", Domain.EDUCATION: "教育"}


@dataclass(frozen=True)
class EarnedLabel:
    """A label a credential earns: the printed ``level`` (None for kinds without one) and
    ``category`` it needs, the ``title`` it shows, and the bracketed ``scope`` (or None).

    ``domain`` and ``domain_word`` replace the kind's domain and its word for a kind whose labels
    fall in several domains (a 职称证书's series: 卫生 or 高等学校教师).
    """

    level: str | None
    category: str
    title: str
    scope: str | None = None
    domain: Domain | None = None
    domain_word: str | None = None


@dataclass(frozen=True)
class Kind:
    """One credential kind's words.

    ``title`` is the document's printed title (a kind given as a number alone: its usual name);
    ``number_caption`` how its number is captioned, for messages. A certificate (a kind a
    document upload can prove) has ``fields``: its canonical field names in printed order, and
    per field its printed ``captions``, the usual one first (a document printing several is read
    by the earlier: ``主要执业机构`` over ``执业地点``); ``uncaptured`` are captions printed on some
    versions but not extracted (knowing them stops their text running into a neighbour's value).
    ``value_phrases`` are phrases printed inside values that hold a caption (``专业`` in a committee's
    ``…专业技术资格评审委员会``): found as a whole, they keep that caption from being read there.
    ``vocabularies`` are the closed or open word lists of its fields; ``labels`` what it earns,
    in ``domain``. ``opaque_number``: the number has no national structure (a 职称证书编号, a
    管理号), so only its characters and length are checked and the validate endpoint does not
    offer the kind. A kind that does not ``approves_alone`` (an employer's letter) never
    approves without a person. ``label_field`` is the field whose word picks the label (``category``;
    a title certificate's ``rank``).
    """

    kind: CredentialKind
    title: str
    number_caption: str
    fields: tuple[str, ...] = ()
    captions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    uncaptured: tuple[str, ...] = ()
    value_phrases: tuple[str, ...] = ()
    vocabularies: Mapping[str, Vocabulary] = field(default_factory=dict)
    domain: Domain | None = None
    labels: tuple[EarnedLabel, ...] = ()
    opaque_number: bool = False
    approves_alone: bool = True
    label_field: str = "category"

    @property
    def is_document(self) -> bool:
        """Whether a document upload can prove this kind (it prints fields to read)."""
        return bool(self.fields)

    @cached_property
    def number_rules(self) -> ModuleType:
        """The python-stdnum shaped validator of its number: ``verify.registry.<kind>``."""
        return import_module(f"verify.registry.{self.kind.value}")

    @cached_property
    def check_rules(self) -> ModuleType:
        """Its cross-field checks: ``verify.checks.<kind>`` (``PARTS``, ``number_facts``, and
        ``field_checks`` for a certificate)."""
        return import_module(f"verify.checks.{self.kind.value}")
