"""The claim scan: which accounts present themselves as doctors, lawyers or teachers, and whether labels back them.

``scan(account, labels)`` is a plain function (no Flask, no database): the account's name, handle
and bio in, a :class:`ScanResult` out. The words and every decision about them are in
``lexicon.toml`` and docs/claims-lexicon.md; the modules, one job each:

- ``lexicon``: the versioned word list, read once;
- ``fold`` and ``normalise``: the per-character fold table (NFKC, case, OpenCC, variants, confusables,
  separators, invisible characters) and the offset map back to the text as written;
- ``matcher``: one Aho-Corasick automaton over every word, built once per process;
- ``rules``: negatives, cues and Latin word boundaries around each claim word in a field;
- ``coverage``: claim against label;
- ``scan``: the account as a whole (context across fields) and the answer.
"""

from verify.claims.lexicon import LEXICON_VERSION
from verify.claims.model import Account, Action, Claim, Evasion, Field, LabelView, ScanResult
from verify.claims.scan import find, judge, scan

__all__ = ["LEXICON_VERSION", "Account", "Action", "Claim", "Evasion", "Field", "LabelView", "ScanResult", "find",
           "judge", "scan"]
