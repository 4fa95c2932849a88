"""Several documents in one submission: telling them apart, what each backs, which one the label rests on.

A submission's parts are usually the pages of one document. When its pages show two or more
document kinds (a practising certificate, a title certificate, an employment letter), each page is
given the kind it shows, by its captions and its printed title (captions alone may be an
application form's), and a page that shows none (a cover page, a back side) goes with the
document before it (or, first, after it); consecutive pages of one kind are one document. The
*primary* document is the one the label rests on: the title certificate when it shows a rank, else
the qualification the profession proves (docs/registry-rules.md#documents-together).

>>> from verify.domain import CredentialKind as K, Profession
>>> primary_kind([K.PHYSICIAN_PRACTICE, K.TITLE_CERTIFICATE, K.EMPLOYMENT_LETTER], Profession.DOCTOR).value
'title_certificate'
>>> primary_kind([K.PHYSICIAN_PRACTICE, K.EMPLOYMENT_LETTER], Profession.DOCTOR).value
'physician_practice'
>>> BACKS[K.EMPLOYMENT_LETTER]
'workplace'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from verify.domain import DOCUMENT_KINDS, CredentialKind, Profession
from verify.fields import detect_kind
from verify.fields.extract import shows_title
from verify.kinds import DOCUMENTS
from verify.kinds.title_certificate import SERIES_OF
from verify.reading import PageText
from verify.reasons import Reason

K = CredentialKind
#: The claim each kind of document backs: a qualification, the right to practise, a rank, a workplace.
BACKS: dict[CredentialKind, str] = {
    K.PHYSICIAN_QUALIFICATION: "qualification", K.PHYSICIAN_PRACTICE: "practice", K.LAWYER_PRACTICE: "practice",
    K.TEACHER_QUALIFICATION: "qualification", K.TITLE_CERTIFICATE: "rank", K.HEALTH_TITLE_QUALIFICATION: "rank",
    K.EMPLOYMENT_LETTER: "workplace",
}
#: Which document the label rests on, best first.
PRIMARY_ORDER = (K.TITLE_CERTIFICATE, K.HEALTH_TITLE_QUALIFICATION, K.PHYSICIAN_PRACTICE, K.LAWYER_PRACTICE,
                 K.TEACHER_QUALIFICATION, K.PHYSICIAN_QUALIFICATION, K.EMPLOYMENT_LETTER)


def split_documents(pages: Sequence[PageText]) -> list[tuple[CredentialKind, list[PageText]]] | None:
    """The documents of a submission, each with its kind and pages; ``None`` when the pages show
    fewer than two kinds (one document: read as a whole, as always)."""
    kinds = [_titled_kind(page) for page in pages]
    if len({kind for kind in kinds if kind is not None}) < 2:
        return None
    documents: list[tuple[CredentialKind, list[PageText]]] = []
    waiting: list[PageText] = []  # pages of no kind before the first document
    for page, kind in zip(pages, kinds, strict=True):
        if kind is None and documents:
            documents[-1][1].append(page)
        elif kind is None:
            waiting.append(page)
        elif documents and documents[-1][0] is kind:
            documents[-1][1].append(page)
        else:
            documents.append((kind, [*waiting, page]))
            waiting = []
    return documents


def _titled_kind(page: PageText) -> CredentialKind | None:
    """The kind a page shows, when it also prints that kind's title (else None: a page of no kind)."""
    kind = detect_kind([page], None)
    return kind if kind is not None and shows_title(kind, [page]) else None


def primary_kind(kinds: Sequence[CredentialKind], profession: Profession | None) -> CredentialKind:
    """The kind the label rests on: the first of ``PRIMARY_ORDER`` present that the profession
    may prove (any present, when none is)."""
    allowed = [kind for kind in kinds if profession is None or kind in DOCUMENT_KINDS[profession]]
    for kind in PRIMARY_ORDER:
        if kind in (allowed or kinds):
            return kind
    return kinds[0]


def evidence_holds(
    documents: Mapping[CredentialKind, Mapping[str, str]], primary: CredentialKind
) -> tuple[Reason, ...]:
    """What keeps the evidence of a submission from approving without a person.

    An employer's letter is its word alone (``Kind.approves_alone``): ``employment_letter_review``. A
    physician's rank (a 卫生 title) rests on a practising certificate, which must stand beside it:
    ``practice_certificate_needed`` without one.

    >>> evidence_holds({K.TITLE_CERTIFICATE: {"rank": "主任医师"}}, K.TITLE_CERTIFICATE)
    (<Reason.PRACTICE_CERTIFICATE_NEEDED: 'practice_certificate_needed'>,)
    >>> evidence_holds({K.TITLE_CERTIFICATE: {"rank": "教授"}}, K.TITLE_CERTIFICATE)
    ()
    """
    holds: list[Reason] = []
    if any(not DOCUMENTS[kind].approves_alone for kind in documents):
        holds.append(Reason.EMPLOYMENT_LETTER_REVIEW)
    rank = documents.get(primary, {}).get("rank") if primary in (K.TITLE_CERTIFICATE, K.HEALTH_TITLE_QUALIFICATION) \
        else None
    if rank is not None and SERIES_OF.get(rank) == "卫生" and K.PHYSICIAN_PRACTICE not in documents:
        holds.append(Reason.PRACTICE_CERTIFICATE_NEEDED)
    return tuple(holds)
