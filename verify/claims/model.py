"""The values of the claim scan: an account in, claims with their action out.

Plain data, no Flask or database: ``scan(account, labels)`` takes an :class:`Account` and
:class:`LabelView` values and answers a :class:`ScanResult`.

>>> Action.strictest([Action.OK, Action.REVIEW])
<Action.REVIEW: 'review'>
>>> Action.strictest([])
<Action.OK: 'ok'>
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from verify.domain import Profession

__all__ = ["Account", "Action", "Claim", "Evasion", "Field", "LabelView", "Profession", "ScanResult"]


class Action(StrEnum):
    """What the platform should do about a claim (and, the strictest of them, about the account).

    ``ok``: a valid label of the account backs the claim. ``review``: a person should look (an
    ambiguous word, a rank no label shows, a former title). ``require_verification``: the account
    must verify the qualification it presents.
    """

    OK = "ok"
    REVIEW = "review"
    REQUIRE_VERIFICATION = "require_verification"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]

    @classmethod
    def strictest(cls, actions: Iterable[Action]) -> Action:
        return max(actions, key=_SEVERITY.__getitem__, default=cls.OK)


_SEVERITY = {Action.OK: 0, Action.REVIEW: 1, Action.REQUIRE_VERIFICATION: 2}


class Evasion(StrEnum):
    """How a claim was written other than plainly (docs/claims-lexicon.md, "Evasions")."""

    TRADITIONAL = "traditional"  # 醫生, 律師: OpenCC's traditional-to-simplified character table
    VARIANT = "variant"  # 毉生, compatibility ideographs: our variant table
    SEPARATOR = "separator"  # 医.生, 律 师, 医💊生: spaces, punctuation, symbols, emoji inside the word
    INVISIBLE = "invisible"  # zero-width, format and combining characters inside the word
    WIDTH = "width"  # ｄｏｃｔｏｒ, half-width katakana-style forms: NFKC width folding
    CASE = "case"  # dOcToR: mixed case beyond a capital or all capitals
    HOMOGLYPH = "homoglyph"  # Cyrillic о, 𝐃𝐫, Ⓓⓡ, 🅳🆁, ㊩, accents: look-alike letters
    PINYIN = "pinyin"  # yisheng, lvshi, jiaoshou
    INITIALS = "initials"  # 王ys, 张ls
    ENGLISH = "english"  # Dr., doctor, lawyer, professor
    HOMOPHONE = "homophone"  # 衣生, 绿师


class Field(StrEnum):
    """The part of the account a claim was found in."""

    NAME = "name"
    BIO = "bio"
    HANDLE = "handle"


@dataclass(frozen=True)
class Account:
    """What the platform shows of an account: its display name, handle and bio."""

    account_id: str
    name: str
    bio: str | None = None
    handle: str | None = None

    def fields(self) -> list[tuple[Field, str]]:
        found = [(Field.NAME, self.name), (Field.HANDLE, self.handle), (Field.BIO, self.bio)]
        return [(name, value) for name, value in found if value]


@dataclass(frozen=True)
class LabelView:
    """A label as coverage sees it: only valid labels of the account should be passed in.

    ``scope`` is the qualifier a label shows in brackets (a physician's 执业类别 such as ``中医``).
    """

    id: str
    domain: str
    title: str
    kind: str
    scope: str | None = None


@dataclass(frozen=True)
class Claim:
    """One professional claim: where it is written, what it claims, and what to do about it.

    ``start``/``end`` are code-point offsets into the field as the platform sent it, so
    ``value[start:end] == text``. ``reason`` says why the action is not ``ok``: ``no_label``,
    ``rank_not_shown``, ``ambiguous``, ``weak_evidence``, ``former``, ``trainee``, ``other_licence``,
    ``qualification_only``, ``scope_differs``, ``level_differs`` (docs/claims-lexicon.md).
    """

    profession: Profession
    title: str
    text: str
    field: Field
    start: int
    end: int
    evasion: tuple[Evasion, ...] = ()
    covered_by: str | None = None
    action: Action = Action.REQUIRE_VERIFICATION
    reason: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "profession": self.profession.value, "title": self.title, "text": self.text, "field": self.field.value,
            "start": self.start, "end": self.end, "evasion": [e.value for e in self.evasion],
            "covered_by": self.covered_by, "action": self.action.value, "reason": self.reason,
        }


@dataclass(frozen=True)
class ScanResult:
    """The answer for one account: its claims and the strictest of their actions."""

    account_id: str
    claims: tuple[Claim, ...]
    lexicon_version: str
    action: Action = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "action", Action.strictest(claim.action for claim in self.claims))

    def as_dict(self) -> dict[str, object]:
        return {"account_id": self.account_id, "action": self.action.value,
                "claims": [claim.as_dict() for claim in self.claims], "lexicon_version": self.lexicon_version}
