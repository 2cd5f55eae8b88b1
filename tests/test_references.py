"""The bibliography: every cited key exists, every entry says where it was verified.

The build already fails on an unknown key in a page it renders; this test also
covers keys in chapters the toc does not list yet, in docstrings the model
reference renders, and the shape of each DOI (a malformed DOI is a dead link
for a scientist checking a citation).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIB = ROOT / "references.bib"

# {cite}`a`, {cite:p}`a,b`, {cite:t}`a` ... in MyST.
CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
ENTRY = re.compile(r"^@(\w+)\{([^,\s]+),", re.M)
# Crossref's recommended pattern for modern DOIs: 10.NNNN(+)/suffix of safe characters.
DOI = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$")


def bib_entries() -> dict[str, str]:
    """Key -> the entry's text, including the comment lines just above it."""
    text = BIB.read_text(encoding="utf-8")
    matches = list(ENTRY.finditer(text))
    entries = {}
    for i, match in enumerate(matches):
        start = text.rfind("\n\n", 0, match.start()) + 1
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        entries[match.group(2)] = text[start:end]
    return entries


def pages() -> list[Path]:
    return sorted([ROOT / "intro.md", *(ROOT / "chapters").glob("*.md")])


def test_the_bibliography_has_no_duplicate_keys():
    keys = [m.group(2) for m in ENTRY.finditer(BIB.read_text(encoding="utf-8"))]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.name)
def test_every_cited_key_is_in_the_bibliography(page):
    known = bib_entries()
    cited = {key.strip() for group in CITE.findall(page.read_text(encoding="utf-8"))
             for key in group.split(",")}
    assert cited - set(known) == set()


def test_every_doi_is_well_formed():
    bad = {}
    for key, entry in bib_entries().items():
        for doi in re.findall(r"^\s*doi\s*=\s*\{([^}]*)\}", entry, re.M):
            if not DOI.match(doi) or doi.lower().startswith(("http", "doi:")):
                bad[key] = doi
    assert bad == {}


def test_every_entry_says_what_was_verified_and_where():
    missing = [key for key, entry in bib_entries().items() if "verified" not in entry.lower()]
    assert missing == []


def test_the_checks_can_fail():
    assert not DOI.match("https://doi.org/10.1000/xyz")
    assert not DOI.match("10.12/too-short-prefix")
    assert DOI.match("10.1016/j.tics.2011.05.002")
    assert CITE.findall("see {cite:p}`a,b` and {cite}`c`") == ["a,b", "c"]
