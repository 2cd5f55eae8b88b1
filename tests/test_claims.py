"""The claims register: the real file passes every rule, and a bad file is refused."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from booktools.claims import (
    BADGES,
    GRADES,
    RegisterError,
    bibliography_keys,
    grade_counts,
    load_claims,
    register_markdown,
)

from .conftest import ROOT


def test_the_real_register_passes_every_rule():
    claims = load_claims()
    assert len(claims) >= 15
    assert len({c.id for c in claims}) == len(claims)
    keys = bibliography_keys()
    for claim in claims:
        assert claim.grade in GRADES
        assert set(claim.keys) <= keys
        assert (ROOT / "chapters" / claim.chapter).is_file()
        assert claim.keys or claim.grade == "unsupported"
    assert sum(grade_counts(claims).values()) == len(claims)


def test_the_register_holds_the_claims_the_issue_names():
    claims = {c.id: c for c in load_claims()}
    assert claims["fascia"].origin == "comment"
    assert claims["fascia"].grade == "unsupported"
    assert claims["receptor-density"].grade == "unsupported"
    assert {c.origin for c in claims.values()} == {"post", "comment"}
    assert all(c.opens for c in claims.values() if c.origin == "comment")


def test_a_source_that_does_not_show_the_claim_is_graded_not_shown():
    """Issue 23: sources were found for these, but they tested something else or ran the
    other way, so "unsupported" (no source found) was the wrong grade."""
    claims = {c.id: c for c in load_claims()}
    for claim_id, key, why in [
        ("spinal-measures", "born2002sniffing", "not oxytocin"),
        ("insecure-less-oxytocin", "marazziti2006relationship", "runs the other way"),
    ]:
        claim = claims[claim_id]
        assert claim.grade == "not shown"
        assert key in claim.keys
        assert why in claim.note
    assert all(c.note for c in claims.values() if c.grade == "not shown")


def test_the_trust_rows_grade_only_what_was_tested():
    """The failed trust-game replication is refuted; lozenges, never tested, are not."""
    claims = {c.id: c for c in load_claims()}
    assert claims["trust-strangers"].grade == "refuted"
    assert "declerck2020registered" in claims["trust-strangers"].keys
    assert claims["trust-lozenges"].grade == "unsupported"
    assert claims["trust-lozenges"].keys == ()
    # The in-group row says how it squares with the refuted one.
    assert "trust-strangers" in claims["ingroup-favouritism"].note


GOOD = """
[[claim]]
id = "good-one"
origin = "post"
claim = "A claim."
grade = "weak"
keys = ["known2000"]
chapter = "page.md"
"""


@pytest.fixture
def book(tmp_path):
    """A tiny bibliography and chapters folder for the fixture registers."""
    bib = tmp_path / "refs.bib"
    bib.write_text("% verified: test\n@article{known2000,\n  title = {T}\n}\n")
    chapters = tmp_path / "chapters"
    chapters.mkdir()
    (chapters / "page.md").write_text("# Page\n")
    return tmp_path


def load(book: Path, text: str):
    register = book / "claims.toml"
    register.write_text(text, encoding="utf-8")
    return load_claims(register, bibliography=book / "refs.bib", chapters=book / "chapters")


def test_a_good_fixture_register_loads(book):
    (claim,) = load(book, GOOD)
    assert claim.anchor == "claim-good-one"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('grade = "weak"', 'grade = "probably"'), "not on the scale"),
        (('keys = ["known2000"]', 'keys = ["nosuchkey1999"]'), "unknown citation key"),
        (('chapter = "page.md"', 'chapter = "missing.md"'), "not a file"),
        (('keys = ["known2000"]', "keys = []"), "cites nothing"),
        (('origin = "post"', 'origin = "comment"'), "needs 'opens'"),
        (('id = "good-one"', 'id = "Not An Id"'), "id must be"),
        (('grade = "weak"', 'grade = "not shown"'), "its note does not say"),
        (('grade = "weak"', 'grade = "weak"\nnote = 3'), "the note must be text"),
    ],
)
def test_a_bad_register_is_refused(book, change, message):
    with pytest.raises(RegisterError, match=message):
        load(book, GOOD.replace(*change))


def test_a_duplicate_id_is_refused(book):
    with pytest.raises(RegisterError, match="duplicate id 'good-one'"):
        load(book, GOOD + GOOD)


def test_a_not_shown_claim_with_a_note_loads_and_shows_the_note(book):
    text = GOOD.replace('grade = "weak"', 'grade = "not shown"\nnote = "It tested *rats*."')
    (claim,) = load(book, text)
    assert claim.note == "It tested *rats*."
    table = register_markdown([claim])
    assert "{bdg-light}`not shown`" in table
    assert r"It tested \*rats\*." in table  # the note is text, not Markdown


def test_unsupported_claims_may_cite_nothing(book):
    (claim,) = load(book, GOOD.replace('grade = "weak"', 'grade = "unsupported"')
                    .replace('keys = ["known2000"]', "keys = []"))
    assert claim.keys == ()


def test_every_row_of_the_table_carries_its_anchor_and_badge():
    claims = load_claims()
    text = register_markdown(claims)
    for claim in claims:
        assert f'<tr id="claim-{claim.id}">' in text
        assert f"({claim.anchor})=" in text
    assert text.count("<tr id=") == len(claims)
    assert "{bdg-dark}`unsupported`" in text and "{bdg-danger}`refuted`" in text
    assert "{bdg-light}`not shown`" in text


# -- the scale, as the book prints it ----------------------------------------------------


_BADGE = re.compile(r"\{bdg-([a-z-]+)\}`([^`]+)`")


def _pages():
    return [ROOT / "intro.md", *sorted((ROOT / "chapters").glob("*.md"))]


def test_the_front_page_scale_lists_every_grade_in_order_with_its_badge():
    text = (ROOT / "intro.md").read_text(encoding="utf-8")
    scale = re.findall(r"^  - \{bdg-([a-z-]+)\}`([^`]+)`:", text, re.M)
    assert [grade for _, grade in scale] == list(GRADES)
    assert all(colour == BADGES[grade] for colour, grade in scale)
    assert len(set(BADGES.values())) == len(GRADES)  # one colour per grade


def test_every_grade_badge_in_the_book_has_its_grade_colour():
    wrong = [f"{page.name}: {{bdg-{colour}}}`{word}`"
             for page in _pages()
             for colour, word in _BADGE.findall(page.read_text(encoding="utf-8"))
             if word in BADGES and colour != BADGES[word]]
    assert wrong == []


def test_a_badge_next_to_a_register_link_gives_that_row_s_grade():
    """"Evidence: {bdg-...}`grade` (register <claim-id>)": the prose quotes the register."""
    grades = {c.id: c.grade for c in load_claims()}
    pair = re.compile(r"\{bdg-[a-z-]+\}`([^`]+)`\s*\(([^()]*?)(?:#|<)claim-([a-z0-9-]+)")
    checked, wrong = 0, []
    for page in _pages():
        for word, _, claim_id in pair.findall(page.read_text(encoding="utf-8")):
            checked += 1
            if grades.get(claim_id) != word:
                wrong.append(f"{page.name}: {word!r} beside claim-{claim_id} "
                             f"(register: {grades.get(claim_id)!r})")
    assert checked > 10
    assert wrong == []


# -- the built site ----------------------------------------------------------------------


class _Anchors(HTMLParser):
    """Collects table-row ids and links to #claim-... anchors in one page."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "tr" and attributes.get("id", "").startswith("claim-"):
            self.rows.add(attributes["id"])
        href = attributes.get("href") or ""
        if tag == "a" and "#claim-" in href:
            self.links.append(href)


def parse(page: Path) -> _Anchors:
    parser = _Anchors()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.mark.build
def test_every_claim_link_in_the_built_site_names_an_existing_row(site):
    evidence = site / "chapters" / "evidence.html"
    rows = parse(evidence).rows
    assert rows == {c.anchor for c in load_claims()}
    broken = []
    linked = 0
    for page in site.rglob("*.html"):
        for href in parse(page).links:
            target, _, anchor = href.partition("#")
            target_page = (page.parent / target).resolve() if target else page
            linked += 1
            if not re.fullmatch(r"claim-[a-z0-9-]+", anchor) or not target_page.exists() \
                    or anchor not in parse(target_page).rows:
                broken.append(f"{page.relative_to(site)} -> {href}")
    assert linked > 0  # the evidence chapter links to its own rows
    assert broken == []
