"""Author–year citations that never name two works the same way.

sphinxcontrib-bibtex's ``author_year`` style cuts every list of three or more authors to
"First *et al.*" and prints the year as it is, so different works can read alike:

* the two 2011 papers by Jennifer Bartz and colleagues, a review and a study of people with
  borderline personality disorder, both came out as "Bartz *et al.*, 2011";
* Leng and Ludwig's 2016 paper and their reply to a comment on it both came out as
  "Leng and Ludwig, 2016".

This extension registers the reference style ``author_year_distinct`` (set in
``_config.yml`` as ``bibtex_reference_style``). It is ``author_year``, except where two
entries of the bibliography would be cited alike. Then, following APA's rules:

* works whose author lists differ after the first name name as many authors as it takes to
  tell them apart, then "*et al.*": "Bartz, Zaki, *et al.*, 2011" and "Bartz, Simeon,
  *et al.*, 2011";
* works by the very same authors in the same year get a letter after the year, in the order
  of their titles: "Leng and Ludwig, 2016a" and "2016b". The bibliography's labels (the
  ``alpha`` style's "LL16a", "LL16b") carry the same letters in the same order, and its
  entries, which list every author, are unchanged;
* the works of one parenthetical citation are separated by semicolons, not commas, so that
  "[Bartz, Simeon, *et al.*, 2011; Bartz, Zaki, *et al.*, 2011]" reads as two works.

Which entries need what is worked out once, when the builder starts, from the parsed
bibliography and the style's own rendering of the author part, so what is compared is what
would be printed. The year is swapped into upstream's templates rather than copied from
them; if upstream's parenthetical or textual template stops using its ``year`` node, the
build fails with a message saying so.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from string import ascii_lowercase

from pybtex.richtext import Tag, Text
from pybtex.style.template import Node, join
from sphinx.errors import ExtensionError
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle, PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.template import author_or_editor_or_title, node, year

STYLE_NAME = "author_year_distinct"


@node
def distinct_authors(children, data, **kwargs):
    """The author part of a citation, lengthened where it would name two works alike.

    ``data["style"].shown`` maps an entry's key to the number of authors its citation must
    name; any other entry is rendered exactly as upstream renders it.
    """
    assert not children
    entry, style = data["entry"], data["style"]
    shown = style.shown.get(entry.key)
    persons = entry.persons.get("author", [])
    if kwargs.get("other") is None or not shown:
        # A citation that names every author (:cite:ps: and the like), or one that needs
        # nothing more: upstream's rendering.
        return author_or_editor_or_title(**kwargs).format_data(data)
    if shown >= len(persons):
        return author_or_editor_or_title(**{**kwargs, "other": None}).format_data(data)
    person = style.person
    names = [person.style_plugin.format(p, person.abbreviate) for p in persons[:shown]]
    return Text(join(sep=", ")[names].format_data(data), ", ", Tag("em", "et al."))


@node
def distinct_year(children, data):
    """The year, with the entry's letter if another work by the same authors shares it."""
    assert not children
    text = year.format_data(data)
    letter = data["style"].year_letters.get(data["entry"].key)
    return Text(text, letter) if letter else text


def _swap_year(template):
    """``template`` with upstream's year node replaced by :func:`distinct_year`.

    Templates are fresh trees (pybtex copies a node whenever it is given children or
    arguments), so changing their child lists changes no other template."""
    found = False
    stack = [template]
    while stack:
        current = stack.pop()
        if not isinstance(current, Node):
            continue
        for i, child in enumerate(current.children):
            if child is year:
                current.children[i] = distinct_year
                found = True
            else:
                stack.append(child)
    return template, found


class DistinctPersonStyle(PersonStyle):
    """Upstream's person style, whose author part can name more authors where needed."""

    def author_or_editor_or_title(self, full: bool):
        return distinct_authors(
            sep=self.sep,
            sep2=self.sep2,
            last_sep=self.last_sep,
            other=None if full else self.other,
        )


@dataclass
class DistinctAuthorYearReferenceStyle(AuthorYearReferenceStyle):
    """``author_year``, with citations that tell apart works that would read alike."""

    person: PersonStyle = field(default_factory=DistinctPersonStyle)
    #: Semicolons between the works of one parenthetical citation, as in APA: with commas
    #: inside "Bartz, Zaki, et al., 2011", commas between works would blur where one ends.
    bracket_parenthetical: BracketStyle = field(default_factory=lambda: BracketStyle(sep="; "))
    #: Citation key -> how many authors its citation names (set when the builder starts).
    shown: dict = field(default_factory=dict)
    #: Citation key -> the letter after its year (set when the builder starts).
    year_letters: dict = field(default_factory=dict)

    def __post_init__(self):
        super().__post_init__()
        for role in ("p", "t"):
            if not _swap_year(self.role_style[role].inner(role))[1]:
                raise ExtensionError(
                    f"_ext/distinct_citations.py: sphinxcontrib-bibtex's template for "
                    f":cite:{role}: no longer uses its year node, so the letters that tell "
                    f"works apart would be lost; update the extension")
        for style in self.styles:
            style.inner = _year_swapped(style.inner)


def _year_swapped(inner):
    def swapped(role_name):
        return _swap_year(inner(role_name))[0]
    return swapped


def _title_order(entry) -> str:
    """APA orders same-author, same-year works by title, ignoring a leading article."""
    title = re.sub(r"[{}]", "", entry.fields.get("title", "")).lower()
    return re.sub(r"^(a|an|the)\s+", "", title)


def distinguish(entries, style) -> tuple[dict[str, int], dict[str, str]]:
    """How many authors each entry's citation must name, and which letter follows its year.

    Entries are grouped by what ``author_year`` would print ("Bartz et al., 2011"). In a
    group of two or more, an entry names the fewest leading authors (at least two) that
    set it apart from every entry with a different author list; entries with the very same
    authors get letters, in the order of their titles.
    """
    person = style.person
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for entry in entries:
        label = author_or_editor_or_title(
            sep=person.sep, sep2=person.sep2, last_sep=person.last_sep, other=person.other,
        ).format_data({"entry": entry, "style": style}).render_as("text")
        groups[(label, entry.fields.get("year", ""))].append(entry)
    shown: dict[str, int] = {}
    letters: dict[str, str] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        authors = {e.key: tuple(person.style_plugin.format(p, person.abbreviate).format()
                                .render_as("text") for p in e.persons.get("author", []))
                   for e in members}
        for key, names in authors.items():
            others = [other for k, other in authors.items() if k != key and other != names]
            if not others:
                continue
            for count in range(2, len(names) + 1):
                mine = (names[:count], count >= len(names))
                if all((other[:count], count >= len(other)) != mine for other in others):
                    shown[key] = count
                    break
        same: dict[tuple[str, ...], list] = defaultdict(list)
        for entry in members:
            same[authors[entry.key]].append(entry)
        for twins in same.values():
            if len(twins) > 1:
                for index, entry in enumerate(sorted(twins, key=_title_order)):
                    letters[entry.key] = ascii_lowercase[index]
    return shown, letters


def _fill_in(app) -> None:
    domain = app.env.get_domain("cite")
    style = domain.reference_style
    if not isinstance(style, DistinctAuthorYearReferenceStyle):
        return  # another reference style is configured: nothing to do
    shown, letters = distinguish(domain.bibdata.data.entries.values(), style)
    style.shown.clear()
    style.shown.update(shown)
    style.year_letters.clear()
    style.year_letters.update(letters)


def setup(app):
    register_plugin("sphinxcontrib.bibtex.style.referencing", STYLE_NAME,
                    DistinctAuthorYearReferenceStyle, force=True)
    # After sphinxcontrib-bibtex's own builder-inited handler (priority 500), which
    # creates the reference style and parses the bibliography.
    app.connect("builder-inited", _fill_in, priority=800)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
