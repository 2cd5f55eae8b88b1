"""The claims register: the real file passes every rule, and a bad file is refused."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from booktools.claims import (
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
    ],
)
def test_a_bad_register_is_refused(book, change, message):
    with pytest.raises(RegisterError, match=message):
        load(book, GOOD.replace(*change))


def test_a_duplicate_id_is_refused(book):
    with pytest.raises(RegisterError, match="duplicate id 'good-one'"):
        load(book, GOOD + GOOD)


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
