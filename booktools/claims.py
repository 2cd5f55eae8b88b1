"""The claims register: every factual claim of the post and its comments, graded.

The register is a TOML file (``chapters/claims.toml``), one ``[[claim]]`` table
per claim::

    [[claim]]
    id = "fascia"                      # the row's anchor is "claim-fascia"
    origin = "comment"                 # "post" or "comment"
    opens = "Nasal Spray Oxycontin"    # a comment's first words (the thread is anonymous)
    claim = "What oxytocin actually does is make fascia contract."
    grade = "unsupported"              # on the book's scale (GRADES)
    keys = []                          # citation keys in references.bib
    chapter = "evidence.md"            # the chapter (in chapters/) that discusses it
    note = "We found no study ..."     # optional: why this grade, in plain words

:func:`load_claims` reads and checks it: every grade is on the scale, every key
is in ``references.bib``, every chapter exists, every id is unique (and usable
in an address), every claim graded other than "unsupported" cites at least
one source, and every claim graded "not shown" says in its note which source
does not show it and why. Anything wrong raises :class:`RegisterError` listing
every problem.

TOML rather than YAML: ``tomllib`` is in Python's standard library, so the
register needs no package beyond the book's pinned requirements.
"""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BADGES",
    "GRADES",
    "Claim",
    "RegisterError",
    "bibliography_keys",
    "grade_counts",
    "grade_name",
    "load_claims",
    "register_markdown",
]

ROOT = Path(__file__).resolve().parent.parent
REGISTER = ROOT / "chapters" / "claims.toml"
BIBLIOGRAPHY = ROOT / "references.bib"
CHAPTERS = ROOT / "chapters"

#: The book's evidence scale (the front page, intro.md), strongest first. "not shown":
#: a source was found, but it does not show the claim (it tested something else, or
#: found the opposite); "unsupported": no source was found at all.
GRADES = ("strong", "moderate", "weak", "contested", "refuted", "not shown", "unsupported")
#: The sphinx-design badge colour of each grade (the convention in CONTRIBUTING.md).
BADGES = {"strong": "success", "moderate": "info", "weak": "warning", "contested": "muted",
          "refuted": "danger", "not shown": "light", "unsupported": "dark"}
ORIGINS = ("post", "comment")
FIELDS = {"id", "origin", "opens", "claim", "grade", "keys", "chapter", "note"}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ENTRY = re.compile(r"^@\w+\{([^,\s]+),", re.M)


class RegisterError(ValueError):
    """The register breaks a rule; ``problems`` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("the claims register has problems:\n  " + "\n  ".join(problems))


@dataclass(frozen=True)
class Claim:
    """One row of the register."""

    id: str
    origin: str
    opens: str
    claim: str
    grade: str
    keys: tuple[str, ...]
    chapter: str
    note: str = ""

    @property
    def anchor(self) -> str:
        """The row's id in the built page (``evidence.html#claim-<id>``)."""
        return f"claim-{self.id}"

    @property
    def source(self) -> str:
        """Where the claim was made, in words."""
        return "the post" if self.origin == "post" else f"a comment opening “{self.opens}”"


def bibliography_keys(path: Path = BIBLIOGRAPHY) -> set[str]:
    """Every entry key in a BibTeX file."""
    return set(_ENTRY.findall(path.read_text(encoding="utf-8")))


def load_claims(path: Path = REGISTER, *, bibliography: Path = BIBLIOGRAPHY,
                chapters: Path = CHAPTERS) -> list[Claim]:
    """Read the register at ``path`` and check it; raise RegisterError if anything is wrong."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise RegisterError([f"{path} is not valid TOML: {error}"]) from error
    rows = data.get("claim")
    if not isinstance(rows, list) or not rows:
        raise RegisterError([f"{path} has no [[claim]] tables"])
    known_keys = bibliography_keys(bibliography)
    problems: list[str] = []
    claims: list[Claim] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        label = f"claim {number} ({row.get('id', 'no id')!s})"
        missing = {"id", "origin", "claim", "grade", "keys", "chapter"} - set(row)
        unknown = set(row) - FIELDS
        if missing:
            problems.append(f"{label}: missing field(s) {sorted(missing)}")
            continue
        if unknown:
            problems.append(f"{label}: unknown field(s) {sorted(unknown)}")
        claim_id = row["id"]
        if not isinstance(claim_id, str) or not _ID.match(claim_id):
            problems.append(f"{label}: id must be lower-case words joined by hyphens")
        elif claim_id in seen:
            problems.append(f"{label}: duplicate id {claim_id!r}")
        seen.add(str(claim_id))
        if row["origin"] not in ORIGINS:
            problems.append(f"{label}: origin {row['origin']!r} is not one of {ORIGINS}")
        opens = row.get("opens", "")
        if row["origin"] == "comment" and not (isinstance(opens, str) and opens.strip()):
            problems.append(f"{label}: a comment's claim needs 'opens' (its first words)")
        if row["origin"] == "post" and opens:
            problems.append(f"{label}: 'opens' is only for comments")
        if not isinstance(row["claim"], str) or not row["claim"].strip():
            problems.append(f"{label}: the claim is empty")
        grade = row["grade"]
        if grade not in GRADES:
            problems.append(f"{label}: grade {grade!r} is not on the scale {GRADES}")
        keys = row["keys"]
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            problems.append(f"{label}: keys must be a list of citation keys")
            keys = []
        for key in keys:
            if key not in known_keys:
                problems.append(f"{label}: unknown citation key {key!r} (not in "
                                f"{Path(bibliography).name})")
        if len(set(keys)) != len(keys):
            problems.append(f"{label}: a citation key is listed twice")
        if grade in GRADES and grade != "unsupported" and not keys:
            problems.append(f"{label}: graded {grade!r} but cites nothing")
        note = row.get("note", "")
        if not isinstance(note, str):
            problems.append(f"{label}: the note must be text")
            note = ""
        if grade == "not shown" and not note.strip():
            problems.append(f"{label}: graded 'not shown' but its note does not say which "
                            "source does not show the claim, and why")
        chapter = row["chapter"]
        if not (isinstance(chapter, str) and chapter.endswith(".md")
                and "/" not in chapter and (Path(chapters) / chapter).is_file()):
            problems.append(f"{label}: chapter {chapter!r} is not a file in "
                            f"{Path(chapters).name}/")
        claims.append(Claim(id=str(claim_id), origin=str(row["origin"]), opens=str(opens),
                            claim=str(row["claim"]), grade=str(grade),
                            keys=tuple(keys), chapter=str(chapter), note=note.strip()))
    if problems:
        raise RegisterError(problems)
    return claims


def grade_counts(claims: list[Claim]) -> dict[str, int]:
    """How many claims have each grade, in the scale's order."""
    return {grade: sum(c.grade == grade for c in claims) for grade in GRADES}


def grade_name(grade: str) -> str:
    """A grade as a Python-style name, for glue keys: "not shown" -> "not_shown"."""
    return grade.replace(" ", "_")


def _cell(markdown: str) -> str:
    """A table cell holding MyST Markdown (blank lines let the parser read it)."""
    return f"<td>\n\n{markdown}\n\n</td>"


def register_markdown(claims: list[Claim], chapter_titles: dict[str, str] | None = None) -> str:
    """The register as a table in MyST Markdown, for a cell rendered as MyST.

    The table's tags are raw HTML, so each row carries ``id="claim-<id>"``; each
    cell holds MyST Markdown between blank lines, so badges (``{bdg-...}``) and
    citations (``{cite:p}``) are real roles, resolved by the book's build.
    """
    titles = chapter_titles or {}
    lines = [
        # Five columns do not fit a phone: the table scrolls inside its box, not the page.
        '<div class="claims-register-box" style="overflow-x: auto">',
        '<table class="claims-register">',
        "<caption>Every factual claim in the post and its comments, graded. "
        "Each row's address is this page followed by #claim- and the claim's id.</caption>",
        "<thead><tr><th scope=\"col\">Claim</th><th scope=\"col\">Made in</th>"
        "<th scope=\"col\">Grade, and why</th><th scope=\"col\">Sources</th>"
        "<th scope=\"col\">Discussed in</th></tr></thead>",
        "<tbody>",
    ]
    for claim in claims:
        sources = f"{{cite:p}}`{','.join(claim.keys)}`" if claim.keys else "none found"
        title = titles.get(claim.chapter, "")
        where = f"[{title}]({claim.chapter})" if claim.chapter != "evidence.md" else "this chapter"
        # A MyST target just before the row makes "claim-<id>" a Sphinx label, so
        # other chapters can link to it (with {ref} or [text](#claim-<id>)) under
        # -n; it puts no second id in the page, which carries the row's own.
        lines.append("")
        lines.append(f"({claim.anchor})=")
        lines.append(f'<tr id="{claim.anchor}">')
        lines.append(_cell(f"{_escape_markdown(claim.claim)} (`{claim.id}`)"))
        lines.append(_cell(_escape_markdown(claim.source)))
        badge = f"{{bdg-{BADGES[claim.grade]}}}`{claim.grade}`"
        lines.append(_cell(f"{badge}\n\n{_escape_markdown(claim.note)}" if claim.note else badge))
        lines.append(_cell(sources))
        lines.append(_cell(where))
        lines.append("</tr>")
    lines += ["</tbody>", "</table>", "</div>"]
    return "\n".join(lines) + "\n"


def register_html(claims: list[Claim]) -> str:
    """The register as a plain HTML table, for a live kernel (no Sphinx to resolve roles)."""
    rows = "".join(
        f'<tr id="{c.anchor}"><td>{html.escape(c.claim)} (<code>{c.id}</code>)</td>'
        f"<td>{html.escape(c.source)}</td><td><strong>{c.grade}</strong>"
        f"{'<br>' + html.escape(c.note) if c.note else ''}</td>"
        f"<td>{html.escape(', '.join(c.keys) or 'none found')}</td>"
        f"<td>{html.escape(c.chapter)}</td></tr>"
        for c in claims
    )
    return ("<table><thead><tr><th>Claim</th><th>Made in</th><th>Grade, and why</th>"
            "<th>Sources</th><th>Discussed in</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _escape_markdown(text: str) -> str:
    """Keep a claim's text literal in MyST (no stray emphasis, roles or HTML)."""
    text = html.escape(text, quote=False)
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", text)
