"""Planning a course with the book: objectives, time and setup, read from the sources.

The instructors' page (``chapters/instructors.md``) calls these functions when the book
is built, so its tables follow the chapters instead of copying them:

* :func:`read_chapter` finds a chapter's title and the numbered list in its
  ``:::{admonition} Learning objectives`` block (a chapter without one is an
  error that names the file);
* :func:`count_activities` counts what a student reads and does in a chapter
  (words of prose, displayed equations, code shown in the text, exercises with
  and without code in their solutions, explorers, self-checks), and
  :func:`estimate_time` turns the counts into minutes with the rates in
  :data:`RATES`, which are planning assumptions, not measurements;
* :func:`requirements`, :func:`lab_overrides` and :func:`citation` read what a
  course's JupyterHub needs and how to cite the book from ``requirements.txt``,
  ``postBuild`` and ``CITATION.cff``;
* :func:`hub_url` and :func:`binder_url` build the launch links the theme builds;
* :func:`check_permalink` checks that a link to an explorer setting names every
  control of an explorer with a value on the control's grid, so that the page
  restores it exactly, with no notice; :func:`readouts_dropdown` lists what the
  explorer says at each link (the answer keys).

The chapters are read with :mod:`booktools.myst`, the parser MyST itself uses, so a
heading, a directive or a role is found exactly where the website finds it.

Importing this module imports neither the models nor ``yaml``: the explorers are
imported by the functions that check links and read readouts, ``yaml`` (installed
with Jupyter Book) by those that read YAML files.
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from booktools import myst

__all__ = [
    "RATES",
    "Chapter",
    "Counts",
    "CourseError",
    "Rates",
    "TimeEstimate",
    "binder_url",
    "check_permalink",
    "citation",
    "content_chapters",
    "count_activities",
    "counts_table",
    "estimate_time",
    "hours",
    "hub_url",
    "jupyterhub_url",
    "lab_overrides",
    "learning_objectives",
    "objectives_table",
    "permalinks",
    "read_chapter",
    "readout",
    "readouts_dropdown",
    "repository",
    "requirements",
    "section_links",
    "suggested_credit",
    "time_table",
    "total_minutes",
]

ROOT = Path(__file__).resolve().parent.parent
TOC = ROOT / "_toc.yml"
CONFIG = ROOT / "_config.yml"


class CourseError(ValueError):
    """A source the instructors' page is generated from is not as expected."""


# --- Chapters and their learning objectives ---------------------------------------------

@dataclass(frozen=True)
class Chapter:
    """One content chapter, as the instructors' page lists it."""

    slug: str  #: the file name without ".md", e.g. "tom-and-mary"
    path: Path
    title: str
    objectives: tuple[str, ...]
    text: str = field(repr=False)


def content_chapters(toc: Path = TOC, caption: str = "Chapters") -> list[Path]:
    """The chapter files listed under ``caption`` in the book's ``_toc.yml``, in order."""
    import yaml

    data = yaml.safe_load(Path(toc).read_text(encoding="utf-8"))
    for part in data.get("parts", []):
        if part.get("caption") == caption:
            files = [entry["file"] for entry in part.get("chapters", [])]
            if not files:
                break
            return [Path(toc).parent / f"{name}.md" for name in files]
    raise CourseError(f"{toc}: no part captioned {caption!r} with chapters")


def learning_objectives(text: str, source: str = "the chapter") -> tuple[str, ...]:
    """The numbered items of the ``Learning objectives`` admonition in MyST ``text``.

    An item's lines are joined with single spaces. Raises :class:`CourseError`, naming
    ``source``, when there is no such block, when it holds no numbered list, or when its
    items are not numbered 1, 2, 3, ...
    """
    found = [d for d in myst.directives(text)
             if d.name == "admonition" and d.argument == "Learning objectives"]
    if not found:
        raise CourseError(
            f"{source}: no learning objectives (expected a ':::{{admonition}} Learning "
            "objectives' block with a numbered list)")
    if len(found) > 1:
        raise CourseError(f"{source}: {len(found)} learning-objectives blocks; expected one")
    block = found[0]
    # A block left open runs on to the next directive's closing fence, so that
    # directive's opening, inside the block, is left open instead.
    if not block.closed or not all(d.closed for d in myst.directives(block.body)):
        raise CourseError(f"{source}: the learning-objectives block is never closed")
    numbers: list[int] = []
    items: list[list[str]] = []
    in_list = False  # inside a numbered list at the block's top level
    for token in myst.parse(block.body):
        if token.level == 0 and token.type in {"ordered_list_open", "ordered_list_close"}:
            in_list = token.nesting == 1
        elif in_list and token.type == "list_item_open" and token.level == 1:
            numbers.append(int(token.info))
            items.append([])
        elif in_list and token.type == "inline":
            items[-1] += (line.strip() for line in token.content.splitlines())
    if not items:
        raise CourseError(f"{source}: the learning-objectives block has no numbered list")
    if numbers != list(range(1, len(numbers) + 1)):
        raise CourseError(f"{source}: learning objectives numbered {numbers}, "
                          "expected 1, 2, 3, ...")
    return tuple(" ".join(lines) for lines in items)


def _title(text: str, source: str) -> str:
    found = myst.title(text)
    if found is None:
        raise CourseError(f"{source}: no '# ' title")
    return found


def read_chapter(path: Path) -> Chapter:
    """A chapter's slug, title and learning objectives (see :func:`learning_objectives`)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    source = str(path)
    return Chapter(slug=path.stem, path=path, title=_title(text, source),
                   objectives=learning_objectives(text, source), text=text)


# --- What a chapter asks of a student ---------------------------------------------------

@dataclass(frozen=True)
class Counts:
    """What a student reads and does in one chapter (see :func:`count_activities`)."""

    prose_words: int
    equations: int
    code_lines: int
    coding_exercises: int
    written_exercises: int
    explorers: int
    self_checks: int
    self_check_questions: int

    @property
    def exercises(self) -> int:
        return self.coding_exercises + self.written_exercises


_HIDDEN_TAGS = ("remove-cell", "remove-input", "hide-input", "hide-cell")
_EXPLORER_SHOWN = re.compile(r"^\w+Explorer\(\)$")
#: Self-check formats recognised: the book's own (``widgets.selfcheck``), a plain
#: jupyterquiz cell, a quiz directive, or an admonition titled as a self-check.
_QUIZ_CALL = re.compile(r"\b(SelfCheck|display_quiz)\s*\(")
_QUESTION = re.compile(r"\b(MultipleChoice|Numeric)\s*\(")
_QUIZ_DIRECTIVE = re.compile(r"(?i)^(quiz|question|mcq|self-?check)")
_QUIZ_TITLE = re.compile(r"(?i)^(self-?check|check yourself|quick check|quiz)\b")
_TAG = re.compile(r"<[^>\n]+>")
_WORD = re.compile(r"[^\W_](?:[\w′’'.-]*[^\W_])?")


def _role_text(name: str, content: str) -> str:
    if name.startswith("cite"):
        return "Author Year"  # "(Calabrese and Baldwin, 2002)": about two words read
    if name.startswith("glue"):
        return "N"  # a number or a short phrase computed at build time
    # {ref}`text <label>`, {doc}`text <file>`, {term}`text <entry>`: the reader sees text.
    return re.sub(r"\s*<[^>]*>$", "", content) or "X"


def _reading(inline) -> str:
    """The text a reader reads in an inline token (a paragraph, a heading, a list item)."""
    parts = []
    for part in inline.children:
        if part.type == "myst_role":
            parts.append(_role_text(part.meta["name"], part.content))
        elif part.type in {"text", "code_inline", "image"}:
            parts.append(part.content)
        else:  # inline mathematics reads as one word; marks, tags and line breaks as none
            parts.append(" x " if part.type == "math_inline" else " ")
    return "".join(parts)


def _count(text: str, tally: Counter, solutions: list[bool]) -> None:
    """Add what a student reads and does in MyST ``text`` to ``tally``, and to
    ``solutions`` whether each solution runs code; a solution is not read as prose."""
    in_solution = False  # between {solution-start} and {solution-end}
    for token, directive in myst.blocks(text):
        name = directive.name if directive else ""
        if name == "solution-start":
            in_solution = True
            solutions.append(False)
        elif name == "solution-end":
            in_solution = False
        elif in_solution:
            solutions[-1] = solutions[-1] or name == "code-cell"
        elif name == "solution":
            solutions.append(any(d.name == "code-cell" for d in myst.directives(directive.body)))
        elif name == "code-cell":
            body = [line for line in directive.body.splitlines() if line.strip()]
            if body and _EXPLORER_SHOWN.match(body[-1].strip()):
                tally["explorers"] += 1
            if any(_QUIZ_CALL.search(line) for line in body):
                tally["self_checks"] += 1
                tally["self_check_questions"] += max(
                    1, sum(len(_QUESTION.findall(line)) for line in body))
            tags = str(directive.options.get("tags", ""))
            if not any(tag in tags for tag in _HIDDEN_TAGS):
                tally["code_lines"] += len(body)
        elif directive:
            if name == "exercise":
                tally["exercises"] += 1
            elif _QUIZ_DIRECTIVE.match(name) or (
                    name == "admonition" and _QUIZ_TITLE.match(directive.argument)):
                tally["self_checks"] += 1
                tally["self_check_questions"] += 1
            if name not in myst.NOT_MARKDOWN:
                _count(directive.body, tally, solutions)  # its body is read too
        elif token.type in {"math_block", "math_block_label", "amsmath"}:
            tally["equations"] += 1
        elif token.type == "inline":
            tally["prose_words"] += len(_WORD.findall(_reading(token)))
        elif token.type == "html_block":
            tally["prose_words"] += len(_WORD.findall(_TAG.sub(" ", token.content)))


def count_activities(text: str) -> Counts:
    """Count what a student reads and does in a MyST chapter.

    * prose words: words outside code, outside solutions and outside directive
      options (a citation counts as two words, a glued value as one, inline
      mathematics as one, a link as its text);
    * equations: displayed ``$$`` blocks outside solutions;
    * code lines: non-blank lines of code cells a reader sees (not removed or
      hidden), outside solutions;
    * exercises: ``{exercise}`` directives; *coding* ones have a code cell in
      their solution, *written* ones do not;
    * explorers: code cells that display an explorer (``SomethingExplorer()`` as
      the last line);
    * self-checks: a code cell that shows one (``SelfCheck(`` from
      ``widgets.selfcheck``, or jupyterquiz's ``display_quiz(``), a quiz
      directive, or an admonition titled "Self-check", "Check yourself", "Quick
      check" or "Quiz"; its questions are the ``MultipleChoice(`` and
      ``Numeric(`` in the cell (one for any other kind).
    """
    tally: Counter = Counter()
    solutions: list[bool] = []
    _count(text, tally, solutions)
    coding = min(sum(solutions), tally["exercises"])
    return Counts(prose_words=tally["prose_words"], equations=tally["equations"],
                  code_lines=tally["code_lines"], coding_exercises=coding,
                  written_exercises=tally["exercises"] - coding, explorers=tally["explorers"],
                  self_checks=tally["self_checks"],
                  self_check_questions=tally["self_check_questions"])


# --- From counts to minutes ---------------------------------------------------------------

@dataclass(frozen=True)
class Rates:
    """Planning assumptions, each as (fast, typical, slow). Not measured on students."""

    #: words of technical prose read per minute (fast reader first)
    words_per_minute: tuple[float, float, float] = (200, 150, 100)
    #: minutes per displayed equation
    equation: tuple[float, float, float] = (0.5, 1, 2)
    #: lines of code shown in the text read per minute
    code_lines_per_minute: tuple[float, float, float] = (20, 10, 5)
    #: minutes per exercise whose solution runs code (write, run, check)
    coding_exercise: tuple[float, float, float] = (15, 20, 30)
    #: minutes per exercise answered in words or by hand
    written_exercise: tuple[float, float, float] = (10, 15, 20)
    #: minutes per explorer: the prediction, the moves and the reveal
    explorer: tuple[float, float, float] = (3, 5, 10)
    #: minutes per self-check question
    self_check_question: tuple[float, float, float] = (0.5, 1, 2)


RATES = Rates()


@dataclass(frozen=True)
class TimeEstimate:
    """Minutes to read and to do one chapter, each (fast, typical, slow)."""

    reading: tuple[float, float, float]
    doing: tuple[float, float, float]

    @property
    def total(self) -> tuple[float, float, float]:
        return tuple(r + d for r, d in zip(self.reading, self.doing, strict=True))


def estimate_time(counts: Counts, rates: Rates = RATES) -> TimeEstimate:
    """Reading time (prose, equations, code shown) and doing time (exercises,
    explorers, self-checks) from ``counts`` at ``rates``; unrounded minutes."""
    reading = tuple(
        counts.prose_words / wpm + counts.equations * eq + counts.code_lines / lpm
        for wpm, eq, lpm in zip(rates.words_per_minute, rates.equation,
                                rates.code_lines_per_minute, strict=True))
    doing = tuple(
        counts.coding_exercises * coding + counts.written_exercises * written
        + counts.explorers * explorer + counts.self_check_questions * check
        for coding, written, explorer, check in zip(
            rates.coding_exercise, rates.written_exercise, rates.explorer,
            rates.self_check_question, strict=True))
    return TimeEstimate(reading=reading, doing=doing)


def round_minutes(minutes: float, to: int = 5) -> int:
    """Minutes rounded to the nearest ``to`` (never below ``to`` for a positive time)."""
    if minutes <= 0:
        return 0
    return max(to, int(to * math.floor(minutes / to + 0.5)))


def hours(minutes: float) -> str:
    """Minutes as hours, to the nearest half hour: 630 -> "10.5", 470 -> "8"."""
    half_hours = math.floor(minutes / 30 + 0.5)
    return f"{half_hours / 2:g}"


# --- Tables for the page (MyST Markdown, rendered by the book's build) ------------------

def _cell(markdown: str, header: bool = False) -> str:
    tag = "th" if header else "td"
    # The chapter's name stays beside the top of its list, also on a phone.
    scope = ' scope="row" style="vertical-align: top"' if header else ""
    return f"<{tag}{scope}>\n\n{markdown}\n\n</{tag}>"


def objectives_table(chapters: Iterable[Chapter]) -> str:
    """Every chapter's learning objectives in one table (MyST Markdown with raw-HTML
    table tags, so each cell can hold a numbered list), inside a box that scrolls
    sideways on a narrow screen rather than the page."""
    lines = [
        '<div class="course-table-box" tabindex="0" role="region" '
        'aria-label="Learning objectives of every chapter" style="overflow-x: auto">',
        '<table class="course-table course-objectives">',
        "<caption>Learning objectives of every chapter, read from the chapters when the "
        "book was built. Each list completes “After this chapter you can …”.</caption>",
        '<thead><tr><th scope="col">Chapter</th><th scope="col">After this chapter you can'
        "</th></tr></thead>",
        "<tbody>",
    ]
    for number, chapter in enumerate(chapters, start=1):
        items = "\n".join(f"{k}. {text}" for k, text in enumerate(chapter.objectives, 1))
        lines += ["", "<tr>", _cell(f"{number}\\. [{chapter.title}]({chapter.slug}.md)", True),
                  _cell(items), "</tr>"]
    lines += ["", "</tbody>", "</table>", "</div>"]
    return "\n".join(lines)


def _span(values: tuple[float, float, float]) -> str:
    # "25 (15–35)": the range never breaks at its dash (word joiners); on a narrow
    # screen it may move under the typical value.
    fast, typical, slow = (round_minutes(v) for v in values)
    return f"{typical} ({fast}\u2060–\u2060{slow})"


def time_table(chapters: Iterable[Chapter], rates: Rates = RATES) -> str:
    """Minutes per chapter (total first, then reading and doing; typical and fast–slow)
    and a total row, as a Markdown table narrow enough for a phone (the counts behind it
    are in :func:`counts_table`)."""
    rows = []
    totals = [0.0] * 9
    for chapter in chapters:
        estimate = estimate_time(count_activities(chapter.text), rates)
        rows.append(f"| [{chapter.title}]({chapter.slug}.md) | **{_span(estimate.total)}** "
                    f"| {_span(estimate.reading)} | {_span(estimate.doing)} |")
        for k, value in enumerate((*estimate.reading, *estimate.doing, *estimate.total)):
            totals[k] += value
    reading, doing, total = (tuple(totals[k:k + 3]) for k in (0, 3, 6))
    header = "| chapter | total, min | reading, min | doing, min |\n|---|--:|--:|--:|"
    footer = (f"| **all {len(rows)}**, about {hours(total[1])} hours "
              f"| **{_span(total)}** | {_span(reading)} | {_span(doing)} |")
    return "\n".join([header, *rows, footer])


def counts_table(chapters: Iterable[Chapter]) -> str:
    """What :func:`count_activities` counted in each chapter (a Markdown table)."""
    rows = []
    for chapter in chapters:
        c = count_activities(chapter.text)
        rows.append(f"| [{chapter.title}]({chapter.slug}.md) | {c.prose_words:,} "
                    f"| {c.equations} | {c.code_lines} | {c.coding_exercises} "
                    f"| {c.written_exercises} | {c.explorers} | {c.self_check_questions} |")
    header = ("| chapter | words of prose | equations | lines of code shown "
              "| exercises with code | written exercises | explorers "
              "| self-check questions |\n|---|--:|--:|--:|--:|--:|--:|--:|")
    return "\n".join([header, *rows])


def total_minutes(chapters: Iterable[Chapter], rates: Rates = RATES) -> TimeEstimate:
    """The book's reading and doing minutes, summed over ``chapters``."""
    reading, doing = [0.0] * 3, [0.0] * 3
    for chapter in chapters:
        estimate = estimate_time(count_activities(chapter.text), rates)
        reading = [a + b for a, b in zip(reading, estimate.reading, strict=True)]
        doing = [a + b for a, b in zip(doing, estimate.doing, strict=True)]
    return TimeEstimate(tuple(reading), tuple(doing))


# --- Setup: requirements, JupyterLab settings, repository, citation ----------------------

def requirements(path: Path = ROOT / "requirements.txt") -> list[str]:
    """The requirement lines of ``path`` (pins and ``-e .``), without comments."""
    lines = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def lab_overrides(path: Path = ROOT / "postBuild") -> dict:
    """The JupyterLab settings that ``postBuild`` writes to ``overrides.json``."""
    text = Path(path).read_text(encoding="utf-8")
    match = re.search(r"overrides\.json\"?\s*<<\s*'?(?P<end>\w+)'?\n(?P<body>.*?)\n(?P=end)\n",
                      text, re.S)
    if not match:
        raise CourseError(f"{path}: no overrides.json heredoc found")
    return json.loads(match["body"])


def repository(config: Path = CONFIG) -> tuple[str, str, str]:
    """(url, branch, path_to_book) from the book's ``_config.yml``."""
    import yaml

    data = yaml.safe_load(Path(config).read_text(encoding="utf-8"))
    repo = data.get("repository") or {}
    if not repo.get("url"):
        raise CourseError(f"{config}: no repository url")
    return (repo["url"].rstrip("/"), repo.get("branch") or "main",
            (repo.get("path_to_book") or "").strip("/"))


def binder_url(slug: str, config: Path = CONFIG) -> str:
    """The Binder link for ``chapters/<slug>.md``, built as the theme builds its own."""
    import yaml

    url, branch, book = repository(config)
    launch = yaml.safe_load(Path(config).read_text(encoding="utf-8")).get("launch_buttons", {})
    binderhub = (launch.get("binderhub_url") or "https://mybinder.org").strip("/")
    interface = {"classic": "tree", "jupyterlab": "lab/tree"}[
        launch.get("notebook_interface", "classic")]
    org, repo = url.split("github.com/", 1)[1].split("/")[:2]
    path = f"{book + '/' if book else ''}chapters/{slug}.md"
    return f"{binderhub}/v2/gh/{org}/{repo}/{quote(branch)}?urlpath={interface}/{path}"


def suggested_credit(path: Path = ROOT / "LICENSE-TEXT.md") -> str:
    """The credit line that ``LICENSE-TEXT.md`` suggests, as written there."""
    text = " ".join(Path(path).read_text(encoding="utf-8").split())
    match = re.search(r'Suggested credit: "(?P<credit>[^"]+)"', text)
    if not match:
        raise CourseError(f"{path}: no 'Suggested credit: \"...\"'")
    return match["credit"]


def jupyterhub_url(config: Path = CONFIG) -> str:
    """``launch_buttons.jupyterhub_url`` from the book's ``_config.yml`` ("" when unset)."""
    import yaml

    data = yaml.safe_load(Path(config).read_text(encoding="utf-8"))
    return ((data.get("launch_buttons") or {}).get("jupyterhub_url") or "").strip().strip("/")


def hub_url(slug: str, hub: str | None = None, config: Path = CONFIG,
            folder: str = "chapters") -> str:
    """The JupyterHub link for ``<folder>/<slug>.md``, built as sphinx-book-theme builds
    its launch button (header_buttons/launch.py): nbgitpuller's ``git-pull`` with the
    repository, the branch, and JupyterLab opening the chapter inside the folder the
    repository is cloned into (named after the repository)."""
    import yaml

    url, branch, book = repository(config)
    launch = yaml.safe_load(Path(config).read_text(encoding="utf-8")).get("launch_buttons", {})
    hub = (hub if hub is not None else jupyterhub_url(config)).strip("/")
    if not hub:
        raise CourseError(f"{config}: launch_buttons.jupyterhub_url is empty")
    interface = {"classic": "tree", "jupyterlab": "lab/tree"}[
        launch.get("notebook_interface", "classic")]
    name = url.rsplit("/", 1)[1]
    path = f"{book + '/' if book else ''}{folder}/{slug}.md"
    query = urlencode({"repo": url, "urlpath": f"{interface}/{name}/{path}", "branch": branch},
                      safe="/")
    return f"{hub}/hub/user-redirect/git-pull?{query}"


def citation(path: Path = ROOT / "CITATION.cff") -> dict[str, str]:
    """Authors, year, title, version and licences from ``CITATION.cff``."""
    import yaml

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    authors = ", ".join(a.get("name") or " ".join(filter(None, (a.get("given-names"),
                                                               a.get("family-names"))))
                        for a in data["authors"])
    licences = data.get("license", [])
    if isinstance(licences, str):
        licences = [licences]
    return {"authors": authors, "year": str(data["date-released"])[:4],
            "title": data["title"], "version": str(data.get("version", "")),
            "licences": " and ".join(licences)}


# --- Links to explorer settings -------------------------------------------------------------

#: The page that shows every explorer (chapters/explorer-gallery.md).
GALLERY_PAGE = "explorer-gallery.html"


def check_permalink(href: str, explorers: Mapping[str, type] | None = None,
                    pages: Mapping[str, str] | None = None) -> tuple[str, dict[str, float]]:
    """Check a link to an explorer setting; return (explorer name, control values).

    The link's fragment must be ``NAME?control=value&...`` for a known explorer,
    give every one of its controls exactly once, and give each a number on the
    control's grid: then the page restores it exactly and shows no notice. With
    ``pages`` (explorer name -> the built page that shows it; by default the book's
    ``EXPLORER_PAGES``), a link that names a page must name the explorer's page or
    the gallery, which shows every explorer.
    Raises :class:`CourseError` saying what is wrong.
    """
    if explorers is None:
        from widgets.explorers import ALL_EXPLORERS, EXPLORER_PAGES

        explorers = {cls.name: cls for cls in ALL_EXPLORERS}
        pages = EXPLORER_PAGES if pages is None else pages
    fragment = urlsplit(href).fragment
    name, _, query = fragment.partition("?")
    if name not in explorers:
        raise CourseError(f"{href}: no explorer called {name!r}")
    if not query:
        raise CourseError(f"{href}: no settings after '?'")
    controls = {c.name: c for c in explorers[name].controls}
    pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=True)
    keys = [key for key, _ in pairs]
    problems = []
    if sorted(keys) != sorted(controls):
        problems.append(f"gives {keys}, expected each of {list(controls)} once")
    page = PurePosixPath(urlsplit(href).path).name
    home = PurePosixPath(pages[name]).name if pages and name in pages else None
    if home and page and page not in {GALLERY_PAGE, home}:
        problems.append(f"opens {page}, but {name!r} is on {home} (or {GALLERY_PAGE})")
    values = {}
    for key, raw in pairs:
        if key not in controls:
            continue
        control = controls[key]
        try:
            value = float(raw)
        except ValueError:
            problems.append(f"{key}={raw!r} is not a number")
            continue
        if not any(abs(value - g) < 1e-9 for g in control.grid):
            problems.append(f"{key}={raw} is not on the grid {[float(g) for g in control.grid]}")
        values[key] = value
    if problems:
        raise CourseError(f"{href}: " + "; ".join(problems))
    return name, values


@functools.cache
def readout(href: str) -> str:
    """What the explorer's readout says at the setting a link restores (the model is run
    at that one setting; the site shows the same words, tests/test_explorers_browser.py).

    Remembered per link: the instructors' page reads each link's readout twice, for
    its answer key and for the check that its lesson plans' words still hold."""
    from widgets.explorers import ALL_EXPLORERS

    name, values = check_permalink(href)
    explorer = {cls.name: cls for cls in ALL_EXPLORERS}[name]
    return explorer(**values).readout()


def readouts_dropdown(title: str, links: Iterable[str], after: str = "") -> str:
    """A MyST dropdown listing each link with its readout, then ``after`` (MyST)."""
    items = []
    for href in links:
        name, values = check_permalink(href)
        setting = ", ".join(f"{key} = {value:g}".replace("-", "−")
                            for key, value in values.items())
        # One raw HTML block (no blank line inside), so the words reach the page exactly
        # as the explorer shows them: no Markdown, no typographic quotes.
        items.append(f'<li><a href="{html.escape(href)}">{html.escape(name)}: {setting}</a>. '
                     f'<span class="readout-key">{html.escape(readout(href))}</span></li>')
    if not items:
        raise CourseError(f"no links for {title!r}")
    body = "<ul>\n" + "\n".join(items) + "\n</ul>" + (f"\n\n{after}" if after else "")
    return f":::{{dropdown}} {title}\n{body}\n:::"


INSTRUCTORS = ROOT / "chapters" / "instructors.md"


def section_links(heading: str, path: Path = INSTRUCTORS) -> list[str]:
    """The explorer links in the ``## heading`` section of ``path``, in order."""
    text = Path(path).read_text(encoding="utf-8")
    tokens = myst.parse(text)
    # Where each heading of level 1 or 2 starts (a section ends at the next one), and its text.
    starts = [(token.map[0], following.content) for token, following in pairwise(tokens)
              if token.type == "heading_open" and token.tag in {"h1", "h2"}]
    found = [k for k, (_, words) in enumerate(starts) if words == heading]
    if not found:
        raise CourseError(f"{path}: no section '## {heading}'")
    lines = text.splitlines()
    end = starts[found[0] + 1][0] if found[0] + 1 < len(starts) else len(lines)
    return permalinks("\n".join(lines[starts[found[0]][0]:end]))


PERMALINK = re.compile(r"""href=["'](?P<href>[^"'#]*\.html#[\w-]+\?[^"']*)["']""")


def permalinks(text: str) -> list[str]:
    """Every ``href`` in ``text`` that points at an explorer setting on a built page."""
    return [match["href"].replace("&amp;", "&") for match in PERMALINK.finditer(text)]
