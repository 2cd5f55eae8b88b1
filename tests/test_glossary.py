"""The glossary: every required term is defined, every {term} link resolves, none is wasted.

``chapters/glossary.md`` is one Sphinx ``glossary`` directive. Sphinx resolves a
``{term}`` role by the term's text, exactly or ignoring case, and gives each term an
HTML id made by ``sphinx.util.nodes._make_id("term-" + text)``, which drops what is not
ASCII: "d′" becomes ``term-d`` and "dose–response" ``term-doseresponse``. The checks
here mirror that, on the sources (fast) and on the built site (``site`` fixture).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.util.nodes import _make_id

from .conftest import ROOT

GLOSSARY = ROOT / "chapters" / "glossary.md"

#: The terms issue 10 asks for, as the glossary spells them. Names on one line are one
#: entry (aliases): linking either counts as linking the entry.
REQUIRED = (
    ("hormesis",), ("dose–response",), ("biphasic",), ("salience",), ("signal detection",),
    ("d′", "d-prime"), ("criterion",), ("drift-diffusion model",), ("decision bound",),
    ("inchoate expression",), ("attachment anxiety",), ("attachment avoidance",),
    ("mimicry",), ("power (statistical)",), ("publication bias",), ("winner's curse",),
    ("preregistration",), ("intranasal administration",), ("international unit", "IU"),
)

#: {term}`text` or {term}`title <target>`; the text may run over a line break.
TERM_ROLE = re.compile(r"\{term\}`([^`]+)`")
EXPLICIT_TARGET = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
GLOSSARY_BLOCK = re.compile(r"^(`{3,})\{glossary\}[^\n]*\n(?P<body>.*?)^\1\s*$", re.M | re.S)


def term_text(line: str) -> str:
    """A term line as Sphinx registers it: inline markup gone ('Hedges *g*' -> 'Hedges g')."""
    return re.sub(r"(?<!\\)[*_]", "", line).strip()


def parse_glossary(markdown: str) -> list[tuple[tuple[str, ...], str]]:
    """The entries of the (single) glossary directive: (terms, definition) in file order.

    Follows Sphinx's rules: an unindented line is a term, consecutive term lines are
    aliases of one entry, and the indented lines after them are the definition.
    """
    match = GLOSSARY_BLOCK.search(markdown)
    if match is None:
        raise ValueError("no ```{glossary} block")
    entries: list[tuple[list[str], list[str]]] = []
    in_terms = False
    for line in match.group("body").splitlines():
        if not line.strip() or line.startswith(":"):  # blank, or an option such as :sorted:
            in_terms = False
            continue
        if not line[0].isspace():
            if in_terms:
                entries[-1][0].append(term_text(line))
            else:
                entries.append(([term_text(line)], []))
                in_terms = True
        else:
            in_terms = False
            if not entries:
                raise ValueError(f"a definition line before any term: {line!r}")
            entries[-1][1].append(line.strip())
    return [(tuple(terms), " ".join(lines)) for terms, lines in entries]


def term_targets(markdown: str) -> list[str]:
    """The target of every {term} role, whitespace normalised as Sphinx does."""
    targets = []
    for content in TERM_ROLE.findall(markdown):
        explicit = EXPLICIT_TARGET.match(content)
        target = explicit.group("target") if explicit else content
        targets.append(" ".join(target.split()))
    return targets


def resolve(target: str, entries) -> tuple[str, ...] | None:
    """The entry a target names (Sphinx: exact text, else ignoring case), or None."""
    for terms, _ in entries:
        if target in terms:
            return terms
    for terms, _ in entries:
        if target.lower() in {term.lower() for term in terms}:
            return terms
    return None


def missing_required(entries, required=REQUIRED) -> list[str]:
    names = {term for terms, _ in entries for term in terms}
    return [name for group in required for name in group if name not in names]


def unresolved(markdown: str, entries) -> list[str]:
    return [target for target in term_targets(markdown) if resolve(target, entries) is None]


def linked_twice(markdown: str, entries) -> list[tuple[str, ...]]:
    seen, twice = set(), []
    for target in term_targets(markdown):
        entry = resolve(target, entries)
        if entry in seen and entry not in twice:
            twice.append(entry)
        seen.add(entry)
    return twice


def pages() -> list[Path]:
    """Every page a {term} link may appear on, the glossary itself included."""
    return sorted([ROOT / "intro.md", *(ROOT / "chapters").glob("*.md")])


def chapters() -> list[Path]:
    """Pages whose links count as "linked from a chapter": all but the glossary."""
    return [page for page in pages() if page != GLOSSARY]


@pytest.fixture(scope="module")
def entries():
    return parse_glossary(GLOSSARY.read_text(encoding="utf-8"))


# -- the checker itself, on fixture strings --------------------------------------------

FIXTURE = """# Glossary

```{glossary}
:sorted:

dose–response
  How a response changes with the dose.

d′
d-prime
  Sensitivity. See {term}`dose–response`.

Hedges *g*
  An effect size.
```
"""


def test_the_checker_reads_terms_aliases_and_definitions():
    parsed = parse_glossary(FIXTURE)
    assert parsed == [
        (("dose–response",), "How a response changes with the dose."),
        (("d′", "d-prime"), "Sensitivity. See {term}`dose–response`."),
        (("Hedges g",), "An effect size."),
    ]


def test_the_checker_finds_a_missing_required_term():
    parsed = parse_glossary(FIXTURE)
    required = (("dose–response",), ("d′", "d-prime"), ("winner's curse",))
    assert missing_required(parsed, required) == ["winner's curse"]
    # A hyphen is not an en dash: the term names must match exactly.
    assert missing_required(parsed, (("dose-response",),)) == ["dose-response"]


def test_the_checker_finds_an_unresolved_or_repeated_link():
    parsed = parse_glossary(FIXTURE)
    text = ("A {term}`D-Prime` and a {term}`curve <dose–response>` over a\n"
            "{term}`line\nbreak <Hedges\ng>`, then {term}`winner's curse` and {term}`d′`.")
    assert term_targets(text) == ["D-Prime", "dose–response", "Hedges g", "winner's curse",
                                  "d′"]
    assert unresolved(text, parsed) == ["winner's curse"]
    assert linked_twice(text, parsed) == [("d′", "d-prime")]  # d-prime, then d′: one entry
    with pytest.raises(ValueError):
        parse_glossary("# No glossary here\n")


# -- the glossary and the chapters -------------------------------------------------------


def test_the_glossary_defines_every_required_term(entries):
    assert missing_required(entries) == []


def test_the_glossary_is_one_sorted_directive_without_duplicates(entries):
    text = GLOSSARY.read_text(encoding="utf-8")
    assert len(GLOSSARY_BLOCK.findall(text)) == 1
    assert re.search(r"^```\{glossary\}\n:sorted:$", text, re.M)
    names = [term.lower() for terms, _ in entries for term in terms]
    assert len(names) == len(set(names))
    # Distinct ids too: Sphinx would number a clashing one (term-0), breaking permalinks.
    ids = [_make_id(f"term-{term}") for terms, _ in entries for term in terms]
    assert len(ids) == len(set(ids))


def test_every_definition_is_short_and_plain(entries):
    for terms, definition in entries:
        words = len(definition.split())
        assert 5 <= words <= 90, (terms, words)


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.name)
def test_every_term_link_names_a_glossary_term(page, entries):
    assert unresolved(page.read_text(encoding="utf-8"), entries) == []


@pytest.mark.parametrize("page", chapters(), ids=lambda p: p.name)
def test_a_chapter_links_each_term_once(page, entries):
    assert linked_twice(page.read_text(encoding="utf-8"), entries) == []


def test_every_required_term_is_linked_from_a_chapter(entries):
    linked = {resolve(target, entries) for page in chapters()
              for target in term_targets(page.read_text(encoding="utf-8"))}
    not_linked = [group for group in REQUIRED if resolve(group[0], entries) not in linked]
    assert not_linked == []


# -- the built site ----------------------------------------------------------------------


@pytest.mark.build
def test_the_built_glossary_has_an_anchor_for_every_term(site, entries):
    soup = BeautifulSoup((site / "chapters" / "glossary.html").read_text(encoding="utf-8"),
                         "html.parser")
    anchors = {dt.get("id"): dt.get_text(" ", strip=True) for dt in soup.find_all("dt")}
    for terms, _ in entries:
        for term in terms:
            expected = _make_id(f"term-{term}")
            assert expected in anchors, (term, expected)
    for group in REQUIRED:
        for term in group:
            assert _make_id(f"term-{term}") in anchors, term


@pytest.mark.build
def test_every_term_link_on_the_site_lands_on_a_glossary_anchor(site):
    glossary = BeautifulSoup((site / "chapters" / "glossary.html").read_text(encoding="utf-8"),
                             "html.parser")
    anchors = {dt.get("id") for dt in glossary.find_all("dt")}
    links = 0
    for page in [site / "intro.html", *sorted((site / "chapters").glob("*.html"))]:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for span in soup.select("span.std-term"):
            link = span.find_parent("a")
            # An unresolved term is rendered as the bare span, with no link.
            assert link is not None, (page.name, span.get_text())
            target, _, anchor = link["href"].partition("#")
            assert target in {"", "glossary.html", "chapters/glossary.html"}, link["href"]
            assert anchor in anchors, (page.name, link["href"])
            links += 1
    assert links > 0
