"""Sections that moved when a chapter was split still answer at their old address.

chapters/reading-faces.md was split in two (issue 23); the second half is now
chapters/faces-side-by-side.md. An old address ``reading-faces.html#<id>`` (or
``#<explorer>?<setting>``) naming a section that moved is sent on to the new page by a
script on the old page, ``assets/moved/chapters/reading-faces.js``, which lists the ids
that moved. These fast tests read that list and the two chapters' sources (no build): the
list names exactly the ids the new chapter took over, none of which the old chapter still
has. tests/test_permalinks_browser.py checks, on the built site, that an old address lands.
"""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path

from docutils.nodes import make_id

from booktools import myst
from widgets.explorers import ALL_EXPLORERS

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "assets" / "moved" / "chapters" / "reading-faces.js"
OLD = ROOT / "chapters" / "reading-faces.md"
NEW = ROOT / "chapters" / "faces-side-by-side.md"
#: Ids the new chapter did not take over from the old page: its title, and what was written
#: for it when it was split off. A new id on that page belongs here, or in the script's
#: list if it was once on the old page.
BORN_ON_THE_NEW_PAGE = {"tom-and-mary-read-the-same-faces", "two-readers-one-difference",
                        "faces-two-readers"}


def moved() -> dict:
    """The script's own list: ``{"to": page, "ids": [...]}``."""
    match = re.search(r"var moved = (\{.*?\});\n", SCRIPT.read_text(encoding="utf-8"))
    assert match, f"{SCRIPT.name}: no 'var moved = {{...}};' line"
    return json.loads(match.group(1))


def page_ids(source: Path) -> set[str]:
    """The ids a chapter's page has that a reader can link to: its headings (as Sphinx
    names them), its labels, exercises and figures, and the explorers it shows (an
    explorer's name is its anchor, ``#name?setting``)."""
    text = source.read_text(encoding="utf-8")
    tokens = myst.parse(text)
    ids = {make_id(following.content) for token, following in pairwise(tokens)
           if token.type == "heading_open"}
    ids |= set(re.findall(r"^\(([\w-]+)\)=\s*$", text, re.M))
    ids |= set(re.findall(r"^:label: ([\w-]+)\s*$", text, re.M))
    ids |= set(re.findall(r"^    name: ([\w-]+)\s*$", text, re.M))  # a figure's name
    code = "\n".join(re.findall(r"^```\{code-cell\}.*?^```", text, re.M | re.S))
    ids |= {cls.name for cls in ALL_EXPLORERS if re.search(rf"^{cls.__name__}\(", code, re.M)}
    return ids


def test_the_script_sends_readers_to_the_new_chapter():
    assert moved()["to"] == f"{NEW.stem}.html"


def test_the_moved_ids_are_the_ones_the_new_chapter_took_over():
    new, old, ids = page_ids(NEW), page_ids(OLD), set(moved()["ids"])
    assert len(ids) == len(moved()["ids"])  # each once
    assert ids <= new, f"not on the new page: {sorted(ids - new)}"
    # An id both pages have stays answered by the old page ("summary", "exercises", ...).
    assert not ids & old, f"still on the old page, so never forwarded: {sorted(ids & old)}"
    assert new - old - ids == BORN_ON_THE_NEW_PAGE, sorted(new - old - ids)


def test_the_side_by_side_explorer_and_its_sections_are_among_them():
    ids = set(moved()["ids"])
    assert {"reading-faces", "explore-tom-and-mary-side-by-side",
            "are-social-cues-ambiguous-at-all", "fig-faces-map", "faces-ex-noise",
            "faces-ex-debate"} <= ids


def test_the_id_reader_finds_what_sphinx_names():
    ids = page_ids(OLD)
    # A heading with punctuation, a label, an exercise, a figure and an explorer.
    assert {"oxytocin-s-two-pulls", "faces-two-pulls", "faces-ex-product", "fig-two-pulls",
            "forming-face"} <= ids
