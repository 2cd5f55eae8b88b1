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
  bibliography: "(Calabrese & Baldwin, 2002)", "Calabrese and Baldwin (2002)".
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
construct; :func:`myst_leftovers` checks that no MyST-only syntax is left.
"""

from __future__ import annotations

import argparse
import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import nbformat
import yaml

# ---------------------------------------------------------------------------
# Solutions
# ---------------------------------------------------------------------------

_SOLUTION = re.compile(r"^(?P<fence>:{3,}|`{3,})\{(?P<name>solution(?:-start|-end)?)\}")
_EXERCISE_OR_SOLUTION = re.compile(r"^\s*(?::{3,}|`{3,})\{(?:exercise|solution[\w-]*)\}", re.M)


def _skip_directive(lines: list[str], i: int, fence: str) -> int:
    """Index just past the directive that opens at ``lines[i]``."""
    i += 1
    while i < len(lines) and lines[i].strip() != fence:
        i += 1
    return i + 1


def strip_solutions(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``notebook`` without its solutions; everything else is kept as it is.

    A solution can start or end in the middle of a Markdown cell and span code
    cells (``{solution-start}`` ... ``{solution-end}``), so this walks lines, not cells.
    """
    result = nbformat.v4.new_notebook(metadata=dict(notebook.metadata))
    inside = False
    for cell in notebook.cells:
        if cell.cell_type == "code":
            if not inside and "solution" not in cell.get("metadata", {}).get("tags", []):
                result.cells.append(nbformat.v4.new_code_cell(cell.source,
                                                              metadata=dict(cell.metadata)))
            continue
        lines, kept, i = cell.source.splitlines(), [], 0
        while i < len(lines):
            match = _SOLUTION.match(lines[i].strip())
            if match and match["name"] == "solution-start" and not inside:
                inside, i = True, _skip_directive(lines, i, match["fence"])
            elif match and match["name"] == "solution-end" and inside:
                inside, i = False, _skip_directive(lines, i, match["fence"])
            elif match and match["name"] == "solution" and not inside:
                i = _skip_directive(lines, i, match["fence"])
            else:
                if not inside:
                    kept.append(lines[i])
                i += 1
        text = "\n".join(kept).strip()
        if text:
            result.cells.append(nbformat.v4.new_markdown_cell(text))
    result.metadata.pop("jupytext", None)  # a plain .ipynb, not a paired text file
    return result


def has_exercises(source: str) -> bool:
    """Whether a chapter's MyST text has exercises or solutions (so it gets a student version)."""
    return _EXERCISE_OR_SOLUTION.search(source) is not None


# ---------------------------------------------------------------------------
# What must not be left: MyST-only syntax
# ---------------------------------------------------------------------------

#: Constructs that plain Jupyter shows as raw text. Each is looked for outside
#: code blocks; the inline ones (roles, substitutions) outside inline code too,
#: since code shows its text literally.
MYST_ONLY = {
    "role": re.compile(r"\{[A-Za-z][\w:+.-]*\}`"),
    "substitution": re.compile(r"\{\{[^{}\n]*\}\}"),
    "directive": re.compile(r"^[ \t]*(?::{3,}|`{3,}|~{3,})[ \t]*\{[^}\n]*\}", re.M),
    "colon fence": re.compile(r"^[ \t]*:{3,}", re.M),
    "directive option": re.compile(r"^[ \t]*:[A-Za-z][\w-]*:(?:[ \t]|$)", re.M),
    "target": re.compile(r"^[ \t]*\([^()\s]+\)=[ \t]*$", re.M),
    "comment": re.compile(r"^[ \t]*%", re.M),
    "equation label": re.compile(r"^[ \t]*\$\$[ \t]*\([^()\s]+\)[ \t]*$", re.M),
    "cell break": re.compile(r"^\+\+\+", re.M),
}
_INLINE = {"role", "substitution"}
_CODE_SPAN = re.compile(  # not a role's text (after "}"), never across a fence line
    r"(?<![`}])(`+)(?!`)(?:(?!\n[ \t]*```).)+?(?<!`)\1(?!`)", re.S)


def _without_code_blocks(markdown: str) -> str:
    """``markdown`` without its literal code blocks (a directive's fences are kept)."""
    kept, open_directives, lines, i = [], [], markdown.splitlines(), 0
    while i < len(lines):
        fence = re.match(r"^[ \t]*(`{3,}|~{3,})[ \t]*(.*)$", lines[i])
        if fence and fence[2].startswith("{"):
            open_directives.append(fence[1])
        elif fence and open_directives and not fence[2] and _closes(lines[i], open_directives[-1]):
            open_directives.pop()
        elif fence:  # a literal block: skip it, up to its closing fence
            i += 1
            while i < len(lines) and not _closes(lines[i], fence[1]):
                i += 1
            i += 1
            continue
        kept.append(lines[i])
        i += 1
    return "\n".join(kept)


def myst_leftovers(markdown: str) -> list[str]:
    """The MyST-only constructs left in ``markdown``, as "kind: line" strings (empty if none)."""
    blocks_removed = _without_code_blocks(markdown)
    code_removed = _CODE_SPAN.sub("", blocks_removed)
    found = []
    for kind, pattern in MYST_ONLY.items():
        text = code_removed if kind in _INLINE else blocks_removed
        for match in pattern.finditer(text):
            line = text[text.rfind("\n", 0, match.start()) + 1:].split("\n", 1)[0]
            found.append(f"{kind}: {line.strip()}")
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
        """'A', 'A and B' (or 'A & B'), or 'A et al.' for three or more authors."""
        names, _ = self._names_and_year(key)
        if len(names) == 1:
            return names[0]
        if len(names) == 2:
            return f"{names[0]} {conjunction} {names[1]}"
        return f"{names[0]} et al."

    def _grouped(self, keys: Sequence[str], conjunction: str) -> list[tuple[str, str]]:
        """(authors, years) per run of keys by the same authors: ('A & B', '2002, 2003')."""
        groups: list[tuple[str, list[str]]] = []
        for key in keys:
            authors, year = self.authors(key, conjunction), self._names_and_year(key)[1]
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

_FENCE = re.compile(r"^[ \t]*(?P<fence>:{3,}|`{3,}|~{3,})[ \t]*(?P<rest>.*)$")
_DIRECTIVE_HEAD = re.compile(r"^\{(?P<name>[^}\s]+)\}[ \t]*(?P<argument>.*)$")
_OPTION = re.compile(r"^[ \t]*:(?P<key>[\w-]+):[ \t]*(?P<value>.*)$")
_TARGET = re.compile(r"^[ \t]*\((?P<label>[^()\s]+)\)=[ \t]*$")
_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<title>.+?)[ \t#]*$")
_ROLE_OR_CODE = re.compile(r"(?:\{(?P<role>[A-Za-z][\w:+.-]*)\})?(?P<ticks>`+)")
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
    labels, lines = [], markdown.splitlines()
    for i, line in enumerate(lines):
        fence = _FENCE.match(line)
        head = fence and _DIRECTIVE_HEAD.match(fence["rest"])
        if not head or head["name"] != "exercise":
            continue
        options = {}
        for option_line in lines[i + 1:]:
            option = _OPTION.match(option_line)
            if not option:
                break
            options[option["key"]] = option["value"].strip()
        if "nonumber" not in options:
            labels.append(options.get("label"))
    return labels


def _section_titles(markdown: str) -> dict[str, str]:
    """``(label)=`` targets that stand before a heading: label -> the heading's text."""
    titles, pending = {}, []
    for line in markdown.splitlines():
        target, heading = _TARGET.match(line), _HEADING.match(line)
        if target:
            pending.append(target["label"])
        elif heading:
            titles.update((label, heading["title"]) for label in pending)
            pending = []
        elif line.strip():
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
        for line in candidate.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    raise chapter.error(f"{{doc}}`{target}`: no chapter with a title at {candidate}; "
                        "give the link text explicitly")


def _convert_inline(text: str, chapter: _Chapter) -> str:
    """Replace every role in ``text``; inline code is copied as it is."""
    out, position = [], 0
    while (match := _ROLE_OR_CODE.search(text, position)) is not None:
        ticks = match["ticks"]
        closing = re.compile(rf"(?<!`){ticks}(?!`)").search(text, match.end())
        if closing is None:  # a lone backtick run is literal text
            out.append(text[position:match.end()])
            position = match.end()
            continue
        content = text[match.end():closing.start()]
        out.append(text[position:match.start()])
        if match["role"]:
            out.append(_role(match["role"], content, chapter))
        else:
            out.append(text[match.start():closing.end()])
        position = closing.end()
    out.append(text[position:])
    return "".join(out)


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return (len(stripped) >= len(fence) and set(stripped) == {fence[0]})


def _parse_directive(lines: list[str], start: int, fence: str) -> tuple[dict, list[str], int]:
    """Options, body lines and the index just past the directive that opens at ``start``."""
    end = start + 1
    while end < len(lines) and not _closes(lines[end], fence):
        end += 1
    if end == len(lines):
        raise ValueError(f"unclosed directive: {lines[start].strip()!r}")
    body = lines[start + 1:end]
    options: dict = {}
    if body and body[0].strip() == "---":
        close = next((i for i in range(1, len(body)) if body[i].strip() == "---"), None)
        if close is None:
            raise ValueError(f"unclosed options block in {lines[start].strip()!r}")
        options = yaml.safe_load("\n".join(body[1:close])) or {}
        body = body[close + 1:]
    else:
        while body and (option := _OPTION.match(body[0])):
            options[option["key"]] = option["value"].strip()
            body = body[1:]
    return options, body, end + 1


def _markdown_only(pieces: list[_Piece], what: str, chapter: _Chapter) -> str:
    if any(p.kind != "markdown" for p in pieces):
        raise chapter.error(f"an exercise inside {what} is not supported")
    return "\n\n".join(p.text for p in pieces)


def _directive(name: str, argument: str, options: dict, body: list[str],
               chapter: _Chapter) -> list[_Piece]:
    """The pieces that one MyST directive becomes."""
    inner = _convert_block(body, chapter)
    title = _convert_inline(argument.strip(), chapter)
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


def _convert_block(lines: list[str], chapter: _Chapter) -> list[_Piece]:
    """Convert Markdown lines (a cell, or a directive's body) to pieces."""
    pieces: list[_Piece] = []
    paragraph: list[str] = []

    def flush():
        text = _convert_inline("\n".join(paragraph), chapter).strip("\n")
        if text.strip():
            pieces.append(_Piece("markdown", text))
        paragraph.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        head = fence and _DIRECTIVE_HEAD.match(fence["rest"])
        if head:
            flush()
            try:
                options, body, i = _parse_directive(lines, i, fence["fence"])
            except ValueError as error:
                raise chapter.error(str(error)) from None
            pieces += _directive(head["name"], head["argument"], options, body, chapter)
        elif fence and fence["fence"][0] in "`~":  # literal code, copied as it is
            flush()
            end = i + 1
            while end < len(lines) and not _closes(lines[end], fence["fence"]):
                end += 1
            pieces.append(_Piece("markdown", "\n".join(lines[i:end + 1])))
            i = end + 1
        elif fence:
            raise chapter.error(f"a stray fence {line.strip()!r} (a directive closed twice?)")
        else:
            if not _TARGET.match(line) and not line.lstrip().startswith("%"):
                paragraph.append(line)
            i += 1
    flush()
    return pieces


def _drop_self_links(markdown: str, stem: str) -> str:
    """Drop paragraphs that link to this chapter's student version (see the module docstring)."""
    own = re.compile(rf"student/{re.escape(stem)}\.ipynb")
    paragraphs = re.split(r"\n[ \t]*\n", markdown)
    return "\n\n".join(p for p in paragraphs if not own.search(p))


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
    notebook = strip_solutions(jupytext.read(chapter))
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = _drop_self_links(cell.source, chapter.stem)
    markdown = "\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")

    state = _Chapter(chapter, bibliography, glue, section_titles=_section_titles(markdown))
    labels = _exercise_labels(markdown)
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
        for piece in _convert_block(cell.source.splitlines(), state):
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
