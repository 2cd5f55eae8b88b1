"""Student versions of the chapters: the same notebook with the solutions taken out.

The book's Sphinx extension calls :func:`write_student_notebook` for every
chapter that has exercises, and the built site serves the result under
``student/`` (linked from each chapter's exercises). Run it by hand too::

    python -m widgets.student chapters/hormesis.md hormesis-student.ipynb

What is removed: the cells between ``{solution-start}`` and ``{solution-end}``
(including the directive lines), whole ``{solution}`` blocks, and code cells
tagged ``solution``. Everything else, exercises included, is kept.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import jupytext
import nbformat

_DIRECTIVE = re.compile(r"^(?P<fence>:{3,}|`{3,})\{(?P<name>solution(?:-start|-end)?)\}")
REMOVED_NOTE = "*(Solution removed: this is the student version of the chapter.)*"


def _skip_directive(lines: list[str], i: int, fence: str) -> int:
    """Index just past the directive that opens at ``lines[i]``."""
    i += 1
    while i < len(lines) and lines[i].strip() != fence:
        i += 1
    return i + 1


def strip_solutions(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``notebook`` without its solutions (see the module docstring)."""
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
            match = _DIRECTIVE.match(lines[i].strip())
            if match and match["name"] == "solution-start" and not inside:
                inside, i = True, _skip_directive(lines, i, match["fence"])
            elif match and match["name"] == "solution-end" and inside:
                inside, i = False, _skip_directive(lines, i, match["fence"])
                kept.append(REMOVED_NOTE)
            elif match and match["name"] == "solution" and not inside:
                i = _skip_directive(lines, i, match["fence"])
                kept.append(REMOVED_NOTE)
            else:
                if not inside:
                    kept.append(lines[i])
                i += 1
        text = "\n".join(kept).strip()
        if text:
            result.cells.append(nbformat.v4.new_markdown_cell(text))
    result.metadata.pop("jupytext", None)  # a plain .ipynb, not a paired text file
    return result


def has_solutions(source: str) -> bool:
    return any(_DIRECTIVE.match(line.strip()) for line in source.splitlines())


def write_student_notebook(chapter: Path, destination: Path) -> None:
    """Read a MyST chapter, strip its solutions, write an .ipynb."""
    notebook = jupytext.read(chapter)
    student = strip_solutions(notebook)
    nbformat.validate(student)
    destination.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(student, destination)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m widgets.student CHAPTER.md OUTPUT.ipynb")
    write_student_notebook(Path(sys.argv[1]), Path(sys.argv[2]))
