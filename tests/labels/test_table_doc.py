"""docs/labels.md shows the label table exactly as the code has it: every row, no other row, the same version."""

from __future__ import annotations

import re
from pathlib import Path

from verify.labels.table import table_document

DOC = Path(__file__).resolve().parents[2] / "docs" / "labels.md"
COLUMNS = ("kind", "level", "category", "domain", "title", "display", "scope")
EMPTY = "—"


def documented_table(markdown: str) -> tuple[str | None, set[tuple[str | None, ...]]]:
    """The version and the rows of the "Label table" section (``—`` read as None, code spans unwrapped).

    >>> documented_table("## Label table\\n\\nVersion: `7`\\n\\n| kind | level |\\n|---|---|\\n| `a` | — |\\n")
    ('7', {('a', None)})
    """
    section = markdown.split("\n## Label table\n", 1)[-1].split("\n## ", 1)[0]
    version = re.search(r"^Version: `([^`]+)`$", section, re.MULTILINE)
    rows = set()
    for line in section.splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] != "kind" and not set(cells[0]) <= set("-"):
            rows.add(tuple(None if cell == EMPTY else cell for cell in cells))
    return (version.group(1) if version else None), rows


def test_the_documented_label_table_is_the_table_in_code() -> None:
    code = table_document()
    in_code = {tuple(row[column] for column in COLUMNS) for row in code["labels"]}
    version, in_doc = documented_table(DOC.read_text(encoding="utf-8"))
    assert version == code["version"]
    assert in_code - in_doc == set(), "rows missing from docs/labels.md"
    assert in_doc - in_code == set(), "rows in docs/labels.md that the code does not have"
    assert len(in_doc) == len(code["labels"])
