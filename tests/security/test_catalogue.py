"""The security catalogue (docs/security-catalogue.md) names only tests that exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "docs" / "security-catalogue.md"
CITED = re.compile(r"(tests/[\w/]+\.py)::(\w+)")


def defined_functions(path: Path) -> set[str]:
    """Names of the test functions defined in *path*.

    >>> "defined_functions" in defined_functions(Path(__file__))
    True
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}


def test_every_test_the_catalogue_names_exists() -> None:
    cited = CITED.findall(CATALOGUE.read_text(encoding="utf-8"))
    assert len(cited) > 100
    defined: dict[str, set[str]] = {}
    missing = []
    for file, name in cited:
        path = ROOT / file
        if file not in defined:
            defined[file] = defined_functions(path) if path.exists() else set()
        if name not in defined[file]:
            missing.append(f"{file}::{name}")
    assert not missing, "\n".join(missing)


def test_the_catalogue_has_each_of_its_hundred_cases_once() -> None:
    cases = re.findall(r"^\| (\d+) \|", CATALOGUE.read_text(encoding="utf-8"), re.MULTILINE)
    assert sorted(map(int, cases)) == list(range(1, 101))
