"""The repository carries its own references: no file names a path outside it, every cited doc section exists."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Reference files that lived next to the repository and are no part of it; its own docs/ replace them.
#: Spelled in pieces so that this file does not name them itself.
OUTSIDE = (
    "../" + "shared",
    "/" + "work" + "/",
    *(name + ".md" for name in (
        "registry" + "-formats", "security" + "-reliability", "titles" + "-reference", "claims" + "-reference",
        "webhooks" + "-reference", "ocr" + "-baseline", "CON" + "TRACT", "STY" + "LE",
    )),
)
#: A citation of a doc of this repository, with the section it points at: ``docs/registry-rules.md#summary``.
DOC_REFERENCE = re.compile(r"\bdocs/([\w.-]+\.md)(?:#([\w-]+))?")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def tracked_text_files() -> dict[str, str]:
    """Every file git tracks (walking the tree without ``.git``), path -> text; binary files left out."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        paths = [ROOT / name for name in listed.decode().split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "instance", "artifacts", "__pycache__", ".pytest_cache", ".ruff_cache"}
        paths = [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]
    texts = {}
    for path in paths:
        try:
            text = path.read_bytes().decode("utf-8")
        except (FileNotFoundError, UnicodeDecodeError):  # deleted in the work tree, or binary
            continue
        if "\0" not in text:
            texts[path.relative_to(ROOT).as_posix()] = text
    return texts


def anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading.

    >>> anchor("Physician practice: rules"), anchor("How confidence becomes pass, fail or warn")
    ('physician-practice-rules', 'how-confidence-becomes-pass-fail-or-warn')
    """
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    """The anchors of every heading of a Markdown text (outside code blocks)."""
    prose = re.sub(r"^```.*?^```", "", markdown, flags=re.MULTILINE | re.DOTALL)
    return {anchor(heading) for heading in _HEADING.findall(prose)}


def test_no_file_names_a_path_outside_the_repository() -> None:
    outside = (*OUTSIDE, ROOT.parent.as_posix() + "/")
    files = tracked_text_files()
    assert "README.md" in files and "tests/test_repository.py" in files
    found = [f"{name}: {word}" for name, text in files.items() for word in outside if word in text]
    assert not found, "\n".join(found)


def test_every_cited_doc_section_exists() -> None:
    files = tracked_text_files()
    cited = {(doc, section) for text in files.values() for doc, section in DOC_REFERENCE.findall(text)}
    assert ("registry-rules.md", "resident-id-number") in cited
    broken = []
    for doc, section in sorted(cited):
        text = files.get(f"docs/{doc}")
        if text is None:
            broken.append(f"docs/{doc} does not exist")
        elif section and section not in anchors(text):
            broken.append(f"docs/{doc} has no section #{section}")
    assert not broken, "\n".join(broken)


def test_the_readme_lists_every_doc() -> None:
    files = tracked_text_files()
    docs = {name for name in files if name.startswith("docs/") and name.endswith(".md")}
    assert "docs/registry-rules.md" in docs
    section = files["README.md"].split("\n## Documentation\n", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"\]\((docs/[\w.-]+\.md)\)", section))
    assert docs <= listed, sorted(docs - listed)
