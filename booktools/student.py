"""Student versions of the chapters: plain Jupyter notebooks with the solutions taken out.

Chapters are MyST Markdown notebooks, but JupyterLab and Jupyter Notebook know no
MyST: opened there, a chapter shows raw syntax such as ``{cite:p}`key``` and
``:::{exercise}``. So the student version says everything in plain Markdown
(plus the little HTML that Jupyter renders). The book's Sphinx extension
(``_ext/book_assets.py``) calls :func:`write_student_notebook` for every chapter
with exercises, and the site serves the result as ``student/<chapter>.ipynb``,
beside a copy of the chapter's source. Run it by hand too::

    python -m booktools.student chapters/hormesis.md hormesis.ipynb \\
        --glue _build/jupyter_execute/chapters/hormesis.glue.json

What changes, and why:

* **Solutions are removed**: the cells between ``{solution-start}`` and
  ``{solution-end}`` (with the directive lines), whole ``{solution}`` blocks and
  code cells tagged ``solution``. No solution text remains.
* **Exercises** become Markdown cells of their own, headed like
  "**Exercise 2 (hormesis-ex-slope)**", each followed by an empty code cell to
  work in. The build passes the numbers the website shows (sphinx-exercise
  numbers exercises through the whole book); by hand they count from 1 in the
  chapter.
* **Directives**: a ``{dropdown}`` (the predict-then-reveal answers) becomes a
  collapsed HTML ``<details>`` element; admonitions become block quotes with a
  bold title. Any other directive is an error: nothing is guessed.
* **Roles** become text. Citations are author–year, read from the
  bibliography: "(Calabrese & Baldwin, 2002)", "Calabrese and Baldwin (2002)";
  works that would read alike are told apart as on the site ("Bartz, Zaki, et al.,
  2011", "Quintana, 2022a").
  ``{glue:text}`` shows the value the website shows, read from the build's glue
  data and formatted as myst-nb formats it; without a build, a bracketed note
  names the value. Badges become bold words; ``{term}``, ``{doc}``, ``{ref}`` and
  ``{numref}`` become their link text, or the title or number they stand for.
* MyST targets ``(label)=`` and ``%`` comments are dropped, as MyST drops them.
* **Code cells** that the book hides (``hide-input``, ``remove-input``,
  ``remove-cell``) start collapsed in Jupyter; a figure's caption follows its cell.
* The chapter's own paragraph that links to the student version is dropped: it
  describes this notebook from outside ("the solutions are folded away below").

Whatever cannot be converted is an error that names the chapter and the
construct; :func:`myst_leftovers` checks that no MyST-only syntax is left. Both read
the Markdown with :mod:`booktools.myst`, the parser MyST itself uses, so they find a
directive, a role or a target exactly where the website does.
"""

from __future__ import annotations

import argparse
import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import jupytext
import nbformat

from booktools import myst

# ---------------------------------------------------------------------------
# Solutions
# ---------------------------------------------------------------------------

def strip_solutions(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``notebook`` without its solutions; everything else is kept as it is.

    A solution can start or end in the middle of a Markdown cell and span code
    cells (``{solution-start}`` ... ``{solution-end}``), so this cuts lines, not cells.
    """
    result = nbformat.v4.new_notebook(metadata=dict(notebook.metadata))
    inside = False
    for cell in notebook.cells:
        if cell.cell_type == "code":
            if not inside and "solution" not in cell.get("metadata", {}).get("tags", []):
                result.cells.append(nbformat.v4.new_code_cell(cell.source,
                                                              metadata=dict(cell.metadata)))
            continue
        lines, kept, start = cell.source.splitlines(), [], 0
        for token, directive in myst.blocks(cell.source):
            name = directive.name if directive and token.level == 0 else ""
            if name in {"solution", "solution-start"} and not inside or (
                    name == "solution-end" and inside):
                if not inside:
                    kept += lines[start:directive.lines[0]]
                inside, start = name == "solution-start", directive.lines[1]
        if not inside:
            kept += lines[start:]
        text = "\n".join(kept).strip()
        if text:
            result.cells.append(nbformat.v4.new_markdown_cell(text))
    result.metadata.pop("jupytext", None)  # a plain .ipynb, not a paired text file
    return result


def has_exercises(source: str) -> bool:
    """Whether a chapter's MyST text has exercises or solutions (so it gets a student version)."""
    return any(d.name == "exercise" or d.name.startswith("solution")
               for d in myst.directives(source))


# ---------------------------------------------------------------------------
# What must not be left: MyST-only syntax
# ---------------------------------------------------------------------------

#: Constructs that plain Jupyter shows as raw text, each told by the token that MyST's
#: parser makes of it, so that nothing in code counts (code shows its text as it is).
MYST_ONLY = {
    "role": lambda token: token.type == "myst_role",
    "substitution": lambda token: token.type.startswith("substitution"),
    "directive": lambda token: (token.type in {"fence", "colon_fence"}
                                and token.info.strip().startswith("{")),
    "colon fence": lambda token: token.type == "colon_fence",
    "directive option": lambda token: token.type == "inline" and re.search(
        r"^[ \t]*:[A-Za-z][\w-]*:(?:[ \t]|$)", token.content, re.M) is not None,
    "target": lambda token: token.type == "myst_target",
    "comment": lambda token: token.type == "myst_line_comment",
    "equation label": lambda token: token.type == "math_block_label",
    "cell break": lambda token: token.type == "myst_block_break",
}


def myst_leftovers(markdown: str) -> list[str]:
    """The MyST-only constructs left in ``markdown``, as "kind: where" strings (empty if
    none). What a leftover directive holds is looked at too: Jupyter shows it as text."""
    lines = markdown.splitlines()
    found = []
    for token in myst.parse(markdown):
        for part in [token, *(token.children or [])]:
            for kind, is_kind in MYST_ONLY.items():
                if is_kind(part):
                    where = (f"{{{part.meta['name']}}}`{part.content}`"
                             if part.type == "myst_role" else lines[token.map[0]].strip())
                    found.append(f"{kind}: {where}")
        if token.type == "colon_fence" or MYST_ONLY["directive"](token):
            found += myst_leftovers(token.content)
    return found


# ---------------------------------------------------------------------------
# Inputs from the bibliography and the build
# ---------------------------------------------------------------------------


class Bibliography:
    """Author–year citations from BibTeX files, in the form the student version prints."""

    def __init__(self, paths: Iterable[Path]):
        from pybtex.database import parse_file

        self.paths = [Path(p) for p in paths]
        self.entries = {}
        for path in self.paths:
            self.entries.update(parse_file(str(path)).entries)

    def _names_and_year(self, key: str) -> tuple[list[str], str]:
        from pybtex.richtext import Text

        if key not in self.entries:
            files = ", ".join(str(p) for p in self.paths) or "no bibliography file"
            raise KeyError(f"unknown citation key {key!r} (not in {files})")
        entry = self.entries[key]
        people = entry.persons.get("author") or entry.persons.get("editor")
        if not people or "year" not in entry.fields:
            raise KeyError(f"citation key {key!r} has no author (or editor) and year")
        # str() gives the plain text; render_as("text") would look up a plugin on every call.
        names = [str(Text.from_latex(" ".join(p.prelast_names + p.last_names)))
                 for p in people]
        return names, entry.fields["year"]

    def authors(self, key: str, conjunction: str) -> str:
        """'A', 'A and B' (or 'A & B'), or 'A et al.' for three or more authors; 'A, B,
        et al.' where 'A et al.' would name two works of one year alike (as on the site)."""
        names, _ = self._names_and_year(key)
        if len(names) == 1:
            return names[0]
        if len(names) == 2:
            return f"{names[0]} {conjunction} {names[1]}"
        shown = self._distinct()[0].get(key, 1)
        if shown >= len(names):
            return ", ".join(names[:-1]) + f", {conjunction} {names[-1]}"
        return ", ".join(names[:shown]) + (" et al." if shown == 1 else ", et al.")

    def year(self, key: str) -> str:
        """The year, with a letter where the same authors have two works that year."""
        return self._names_and_year(key)[1] + self._distinct()[1].get(key, "")

    def _distinct(self) -> tuple[dict[str, int], dict[str, str]]:
        """How many authors each citation names, and the letter after its year, worked out as
        the site's reference style does (``_ext/distinct_citations.py``, APA's rules): among
        works that 'A et al., year' would name alike, a work names the fewest leading
        authors (at least two) that set it apart from every work with other authors, and
        works by the very same authors get letters in the order of their titles."""
        if getattr(self, "_distinct_cache", None) is not None:
            return self._distinct_cache
        groups: dict[tuple[str, str], list[str]] = {}
        for key in self.entries:
            try:
                names, year = self._names_and_year(key)
            except KeyError:
                continue  # no author or year: never cited author-year
            short = names[0] if len(names) < 3 else f"{names[0]} et al."
            if len(names) == 2:
                short = " and ".join(names)
            groups.setdefault((short, year), []).append(key)
        shown: dict[str, int] = {}
        letters: dict[str, str] = {}
        for keys in groups.values():
            if len(keys) < 2:
                continue
            names = {key: tuple(self._names_and_year(key)[0]) for key in keys}
            for key, mine in names.items():
                others = [other for k, other in names.items() if k != key and other != mine]
                for count in range(2, len(mine) + 1):
                    if others and all((other[:count], count >= len(other))
                                      != (mine[:count], count >= len(mine))
                                      for other in others):
                        shown[key] = count
                        break
            same: dict[tuple[str, ...], list[str]] = {}
            for key in keys:
                same.setdefault(names[key], []).append(key)
            for twins in same.values():
                if len(twins) > 1:
                    for index, key in enumerate(sorted(twins, key=self._title_order)):
                        letters[key] = "abcdefghijklmnopqrstuvwxyz"[index]
        self._distinct_cache = (shown, letters)
        return self._distinct_cache

    def _title_order(self, key: str) -> str:
        """APA orders same-author, same-year works by title, ignoring a leading article."""
        title = re.sub(r"[{}]", "", self.entries[key].fields.get("title", "")).lower()
        return re.sub(r"^(a|an|the)\s+", "", title)

    def _grouped(self, keys: Sequence[str], conjunction: str) -> list[tuple[str, str]]:
        """(authors, years) per run of keys by the same authors: ('A & B', '2002, 2003')."""
        groups: list[tuple[str, list[str]]] = []
        for key in keys:
            authors, year = self.authors(key, conjunction), self.year(key)
            if groups and groups[-1][0] == authors:
                groups[-1][1].append(year)
            else:
                groups.append((authors, [year]))
        return [(authors, ", ".join(years)) for authors, years in groups]

    def parenthetical(self, keys: Sequence[str]) -> str:
        """'(Calabrese & Baldwin, 2002, 2003; Cedergreen et al., 2006)'."""
        return "(" + "; ".join(f"{a}, {y}" for a, y in self._grouped(keys, "&")) + ")"

    def textual(self, keys: Sequence[str]) -> str:
        """'Calabrese and Baldwin (2002)'; other authors follow after semicolons."""
        return "; ".join(f"{a} ({y})" for a, y in self._grouped(keys, "and"))


def read_glue(path: Path) -> dict[str, dict]:
    """The glued values of an executed chapter: name -> MIME bundle.

    ``path`` is either the ``<chapter>.glue.json`` that myst-nb writes during the
    build (in ``_build/jupyter_execute/``; myst-nb removes the glue outputs from the
    executed ``.ipynb`` it writes there), or a notebook executed some other way,
    whose glue outputs carry ``scrapbook`` metadata.
    """
    path = Path(path)
    if path.suffix == ".json":
        return {name: output["data"] for name, output in json.loads(path.read_text()).items()}
    from myst_nb.ext.glue import extract_glue_data_cell

    notebook = nbformat.read(path, as_version=4)
    glued = {}
    for cell in notebook.cells:
        if cell.cell_type == "code":
            glued.update((name, output["data"]) for name, output in extract_glue_data_cell(cell))
    return glued


# ---------------------------------------------------------------------------
# The conversion
# ---------------------------------------------------------------------------

_LINK_TEXT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
_BADGE = re.compile(r"^bdg(?:-(?:link|ref))?-[a-z]+(?:-line)?$")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|$])")
_ADMONITIONS = {"admonition", "attention", "caution", "danger", "error", "hint", "important",
                "note", "seealso", "tip", "warning"}
_COLLAPSED_INPUT = {"hide-input", "remove-input", "hide-cell", "remove-cell"}
_COLLAPSED_OUTPUT = {"hide-output", "remove-output", "hide-cell", "remove-cell"}


@dataclass
class _Piece:
    """One cell-to-be: ``kind`` is "markdown", "exercise" (a Markdown cell of its own) or "work"."""

    kind: str
    text: str


@dataclass
class _Chapter:
    """What the conversion needs to know about the chapter as a whole."""

    path: Path
    bibliography: Bibliography | None
    glue: Mapping[str, Mapping] | None
    exercise_numbers: dict[str, str] = field(default_factory=dict)  # label -> number
    figure_numbers: dict[str, str] = field(default_factory=dict)    # name -> number
    section_titles: dict[str, str] = field(default_factory=dict)    # target -> heading
    next_exercise: int = 0
    exercise_order: list[str] = field(default_factory=list)         # numbers, page order

    def error(self, message: str) -> ValueError:
        return ValueError(f"{self.path}: {message}")


def _exercise_labels(markdown: str) -> list[str | None]:
    """Labels of the chapter's numbered exercises in page order (None when unlabelled)."""
    return [d.options.get("label") for d in myst.directives(markdown)
            if d.name == "exercise" and "nonumber" not in d.options]


def _section_titles(markdown: str) -> dict[str, str]:
    """``(label)=`` targets that stand before a heading: label -> the heading's text."""
    titles, pending = {}, []
    tokens = myst.parse(markdown)
    for token, following in pairwise(tokens):
        if token.type == "myst_target":
            pending.append(token.content)
        elif token.type == "heading_open":
            titles.update((label, following.content) for label in pending)
            pending = []
        elif token.map:  # any other block: the targets before it label it, not a heading
            pending = []
    return titles


def _escape(text: str) -> str:
    """Text that Markdown shows as it is (a glued value can hold *, _, | or $)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _split_link(content: str) -> tuple[str | None, str]:
    """'text <target>' -> ('text', 'target'); 'target' -> (None, 'target')."""
    content = " ".join(content.split())
    match = _LINK_TEXT.match(content)
    if match and match["text"]:
        return match["text"], match["target"]
    return None, content


def _role(name: str, content: str, chapter: _Chapter) -> str:
    """The plain Markdown for one MyST role."""
    text, target = _split_link(content)
    if name in {"cite", "cite:p", "cite:t"}:
        if chapter.bibliography is None:
            raise chapter.error(f"{{{name}}}`{content}` needs a bibliography")
        keys = [k.strip() for k in content.split(",") if k.strip()]
        try:
            return (chapter.bibliography.textual(keys) if name == "cite:t"
                    else chapter.bibliography.parenthetical(keys))
        except KeyError as error:
            raise chapter.error(error.args[0]) from None
    if name in {"glue", "glue:", "glue:text", "glue:any"}:
        if "::" in content:
            raise chapter.error(f"glue from another page ({content!r}) is not supported")
        key, spec = (content.rsplit(":", 1) if name == "glue:text" and ":" in content
                     else (content, ""))
        if chapter.glue is None:
            return f"[value computed when the chapter runs: {_escape(key)}]"
        if key not in chapter.glue or "text/plain" not in chapter.glue[key]:
            raise chapter.error(f"no glued text value named {key!r} in the build's glue data")
        from myst_nb.core.variables import format_plain_text

        return _escape(format_plain_text(chapter.glue[key]["text/plain"], spec or "s"))
    if _BADGE.match(name):
        return f"**{text or target}**"
    if name == "term":
        return text or target
    if name == "doc":
        return text or _document_title(target, chapter)
    if name in {"ref", "numref"}:
        if name == "ref" and text:
            return text
        number = chapter.figure_numbers.get(target)
        kind = "Fig."
        if number is None and target in chapter.exercise_numbers:
            number, kind = chapter.exercise_numbers[target], "Exercise"
        if name == "numref" and number is not None:
            return (text.replace("%s", number).replace("{number}", number) if text
                    else f"{kind} {number}")
        if name == "ref" and target in chapter.section_titles:
            return chapter.section_titles[target]
        if name == "ref" and number is not None:
            return f"{kind} {number}"
        raise chapter.error(f"cannot tell what {{{name}}}`{content}` refers to in this chapter; "
                            "give the link text explicitly")
    if name in {"sup", "sub"}:
        return f"<{name}>{html.escape(content)}</{name}>"
    if name == "math":
        return f"${content}$"
    raise chapter.error(f"the role {{{name}}} has no plain-Markdown form in booktools/student.py")


def _document_title(target: str, chapter: _Chapter) -> str:
    """The title (first heading) of another chapter, as {doc} without link text shows it."""
    candidate = (chapter.path.parent / target).with_suffix(".md")
    if not target.startswith("/") and candidate.exists():
        title = myst.title(candidate.read_text(encoding="utf-8"))
        if title is not None:
            return title
    raise chapter.error(f"{{doc}}`{target}`: no chapter with a title at {candidate}; "
                        "give the link text explicitly")


def _convert_inline(text: str, chapter: _Chapter) -> str:
    """``text`` with each role that MyST finds in it replaced; the rest is kept as it is."""
    out, position = [], 0
    for name, content in myst.roles(text):
        # The role as written: MyST gives its content with each line break as a space.
        written = re.compile(re.escape(f"{{{name}}}") + r"(`+)" + r"\s+".join(
            re.escape(part) for part in re.split(r"\s+", content)) + r"\1")
        match = written.search(text, position)
        if match is None:
            raise chapter.error(f"cannot find {{{name}}}`{content}` in {text!r}")
        out += [text[position:match.start()], _role(name, content, chapter)]
        position = match.end()
    return "".join(out) + text[position:]


def _markdown_only(pieces: list[_Piece], what: str, chapter: _Chapter) -> str:
    if any(p.kind != "markdown" for p in pieces):
        raise chapter.error(f"an exercise inside {what} is not supported")
    return "\n\n".join(p.text for p in pieces)


def _directive(directive: myst.Directive, chapter: _Chapter) -> list[_Piece]:
    """The pieces that one MyST directive becomes."""
    name, options = directive.name, directive.options
    inner = _convert_block(directive.body, chapter)
    title = _convert_inline(directive.argument, chapter)
    if name in _ADMONITIONS:
        heading = title if name == "admonition" else name.capitalize()
        if name != "admonition" and title:  # {note} Text: the argument is the first line
            inner = [_Piece("markdown", title), *inner]
        text = _markdown_only(inner, f"{{{name}}}", chapter)
        quoted = "\n".join(f"> {line}".rstrip() for line in text.splitlines())
        return [_Piece("markdown", f"> **{heading}**\n>\n{quoted}" if heading else quoted)]
    if name in {"dropdown", "toggle"}:
        text = _markdown_only(inner, f"{{{name}}}", chapter)
        summary = html.escape(title or "Show", quote=False)
        opened = " open" if "open" in options else ""
        return [_Piece("markdown",
                       f"<details{opened}>\n<summary>{summary}</summary>\n\n{text}\n\n</details>")]
    if name == "exercise":
        text = _markdown_only(inner, "an exercise", chapter)
        label = options.get("label")
        if "nonumber" in options:
            number = None
        else:
            index, chapter.next_exercise = chapter.next_exercise, chapter.next_exercise + 1
            number = chapter.exercise_order[index]
        name_part = "Exercise" + (f" {number}" if number else "")
        heading = name_part + (f" ({label})" if label else "") + (f". {title}" if title else "")
        return [_Piece("exercise", f"**{heading}**\n\n{text}"),
                _Piece("work", f"# Your work for {name_part}" + (f" ({label})" if label else ""))]
    if name.startswith("solution"):
        raise chapter.error(f"a {{{name}}} directive was left after removing the solutions")
    raise chapter.error(f"the directive {{{name}}} has no plain-Markdown form in "
                        "booktools/student.py")


def _convert_block(text: str, chapter: _Chapter) -> list[_Piece]:
    """Convert Markdown (a cell, or a directive's body) to pieces.

    Each directive becomes its own pieces and a code block is copied as it is; the
    Markdown between them is copied with its roles converted, less MyST's targets and
    comments and the chapter's paragraph that links to its student version (it describes
    this notebook from outside).
    """
    lines = text.splitlines()
    own_link = re.compile(rf"student/{re.escape(chapter.path.stem)}\.ipynb")
    pieces: list[_Piece] = []
    dropped: set[int] = set()
    start = 0  # the first line not yet converted

    def flush(end: int) -> None:
        kept = [line for i, line in enumerate(lines[start:end], start) if i not in dropped]
        markdown = _convert_inline("\n".join(kept), chapter).strip("\n")
        if markdown.strip():
            pieces.append(_Piece("markdown", markdown))

    for token, directive in myst.blocks(text):
        if token.level or not token.map:  # inside a list, a quote, a table: copied with it
            continue
        first, end = token.map
        if token.type in {"myst_target", "myst_line_comment"} or (
                token.type in {"paragraph_open", "html_block"}
                and own_link.search("\n".join(lines[first:end]))):
            dropped.update(range(first, end))
        elif token.type in {"fence", "colon_fence"}:
            flush(first)
            start = end
            if directive and not directive.closed:
                raise chapter.error(f"unclosed directive: {lines[first].strip()!r}")
            if directive:
                pieces += _directive(directive, chapter)
            elif token.type == "colon_fence":
                raise chapter.error(f"a stray fence {lines[first].strip()!r} "
                                    "(a directive closed twice?)")
            else:
                pieces.append(_Piece("markdown", "\n".join(lines[first:end])))
    flush(len(lines))
    return pieces


def _student_note(title: str) -> str:
    return (
        "> **Student version.** This notebook is the chapter *" + title + "* of *The Two Faces "
        "of Oxytocin* with the exercises' solutions removed. After each exercise there is an "
        "empty code cell for your work. Run the cells in order from the top: later cells use "
        "names defined earlier. The code needs the book's `widgets` package (installed by "
        "the book's `requirements.txt`, as on Binder)."
    )


def student_notebook(chapter: Path, *, bibliography: Bibliography | None = None,
                     glue: Mapping[str, Mapping] | None = None,
                     exercise_numbers: Sequence[str] | None = None,
                     figure_numbers: Sequence[str] | None = None) -> nbformat.NotebookNode:
    """The student version of a MyST chapter, as a notebook (see the module docstring).

    ``exercise_numbers`` and ``figure_numbers`` are the website's numbers for the
    chapter's numbered exercises and named figures, in page order; without them
    both count from 1 in the chapter. ``glue`` maps glued names to MIME bundles
    (:func:`read_glue`); without it, glued values are named, not shown.
    """
    chapter = Path(chapter)
    try:  # every directive is first read here: a malformed one is reported with the file
        notebook = strip_solutions(jupytext.read(chapter))
        markdown = "\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
        labels = _exercise_labels(markdown)
    except ValueError as error:  # a directive's options block never closed
        raise ValueError(f"{chapter}: {error}") from None
    state = _Chapter(chapter, bibliography, glue, section_titles=_section_titles(markdown))
    numbers = list(exercise_numbers or (str(n) for n in range(1, len(labels) + 1)))
    figures = [c.metadata["mystnb"]["figure"]["name"] for c in notebook.cells
               if c.cell_type == "code" and c.metadata.get("mystnb", {}).get("figure", {})
               .get("name")]
    figure_list = list(figure_numbers or (str(n) for n in range(1, len(figures) + 1)))
    if len(numbers) != len(labels) or len(figure_list) != len(figures):
        raise state.error(f"{len(labels)} exercises and {len(figures)} named figures, but "
                          f"{len(numbers)} and {len(figure_list)} numbers for them")
    state.exercise_order = numbers
    state.exercise_numbers = {lab: n for lab, n in zip(labels, numbers, strict=True) if lab}
    state.figure_numbers = dict(zip(figures, figure_list, strict=True))

    result = nbformat.v4.new_notebook(metadata=dict(notebook.metadata))
    for cell in notebook.cells:
        if cell.cell_type == "code":
            result.cells += _code_cells(cell, state)
            continue
        markdown_run: list[str] = []
        for piece in _convert_block(cell.source, state):
            if piece.kind == "markdown":
                markdown_run.append(piece.text)
                continue
            if markdown_run:
                result.cells.append(nbformat.v4.new_markdown_cell("\n\n".join(markdown_run)))
                markdown_run = []
            result.cells.append(nbformat.v4.new_markdown_cell(piece.text)
                                if piece.kind == "exercise"
                                else nbformat.v4.new_code_cell(piece.text))
        if markdown_run:
            result.cells.append(nbformat.v4.new_markdown_cell("\n\n".join(markdown_run)))

    _add_student_note(result)
    leftovers = [found for cell in result.cells if cell.cell_type == "markdown"
                 for found in myst_leftovers(cell.source)]
    if leftovers:
        raise state.error("MyST-only syntax left in the student version: "
                          + "; ".join(leftovers))
    nbformat.validate(result)
    return result


def _code_cells(cell: nbformat.NotebookNode, chapter: _Chapter) -> list[nbformat.NotebookNode]:
    """A chapter's code cell for Jupyter: collapsed as the book hides it; its caption after it."""
    metadata = json.loads(json.dumps(cell.metadata))  # a deep copy
    tags = set(metadata.get("tags", []))
    jupyter = {}
    if tags & _COLLAPSED_INPUT:
        jupyter["source_hidden"] = True
    if tags & _COLLAPSED_OUTPUT:
        jupyter["outputs_hidden"] = True
    if jupyter:
        metadata["jupyter"] = {**metadata.get("jupyter", {}), **jupyter}
    cells = [nbformat.v4.new_code_cell(cell.source, metadata=metadata)]
    figure = metadata.get("mystnb", {}).get("figure", {})
    if figure.get("caption"):
        number = chapter.figure_numbers.get(figure.get("name", ""))
        prefix = f"**Fig. {number}.** " if number else ""
        caption = _convert_inline(" ".join(str(figure["caption"]).split()), chapter)
        cells.append(nbformat.v4.new_markdown_cell(prefix + caption))
    return cells


def _add_student_note(notebook: nbformat.NotebookNode) -> None:
    """Put the student-version note under the chapter's title (or first, if it has none)."""
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        first, _, rest = cell.source.partition("\n")
        if first.startswith("# "):
            cell.source = f"{first}\n\n{_student_note(first[2:].strip())}\n\n{rest.lstrip()}"
            return
        break
    notebook.cells.insert(0, nbformat.v4.new_markdown_cell(_student_note("this chapter")))


def find_bibliography(chapter: Path) -> Path | None:
    """``references.bib`` in the chapter's folder or the nearest folder above it."""
    for folder in Path(chapter).resolve().parents:
        if (folder / "references.bib").exists():
            return folder / "references.bib"
    return None


def write_student_notebook(chapter: Path, destination: Path, *,
                           bibliographies: Sequence[Path] | None = None,
                           glue: Path | None = None,
                           exercise_numbers: Sequence[str] | None = None,
                           figure_numbers: Sequence[str] | None = None) -> None:
    """Read a MyST chapter and write its student version to ``destination`` (an .ipynb).

    ``bibliographies`` default to the nearest ``references.bib``; ``glue`` is a
    ``.glue.json`` or executed notebook (:func:`read_glue`), if there is one.
    """
    if bibliographies is None:
        found = find_bibliography(chapter)
        bibliographies = [found] if found else []
    notebook = student_notebook(
        chapter, bibliography=Bibliography(bibliographies),
        glue=read_glue(glue) if glue is not None else None,
        exercise_numbers=exercise_numbers, figure_numbers=figure_numbers)
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, destination)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m booktools.student",
        description="Write the student version of a MyST chapter as a plain .ipynb.")
    parser.add_argument("chapter", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--glue", type=Path, help="the build's <chapter>.glue.json, or an "
                        "executed notebook, for the values of {glue:text} roles")
    parser.add_argument("--bib", type=Path, action="append",
                        help="BibTeX file (default: the nearest references.bib)")
    arguments = parser.parse_args(argv)
    write_student_notebook(arguments.chapter, arguments.output,
                           bibliographies=arguments.bib, glue=arguments.glue)


if __name__ == "__main__":
    main()
