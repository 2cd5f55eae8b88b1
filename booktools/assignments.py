"""nbgrader assignments: their sources in ``assignments/``, and the course folder nbgrader reads.

Each assignment is one MyST Markdown notebook, ``assignments/<name>/<name>.md``, kept as
text so that it reviews and diffs like the chapters. Its nbgrader cell metadata (which cells
are answers, hidden tests and answers an instructor grades, with their points) is written in
the cell's YAML options (code cells) or a ``+++ {"nbgrader": ...}`` line (Markdown cells), and
jupytext carries it into the notebook unchanged (``tests/test_assignments.py`` checks that,
and runs nbgrader on the result). nbgrader reads only ``.ipynb``, so::

    python -m booktools.assignments COURSE_FOLDER

writes ``COURSE_FOLDER/source/<name>/<name>.ipynb`` for every assignment (and a
``nbgrader_config.py`` if the folder has none): the layout ``nbgrader generate_assignment``
reads. The instructors' page says what to do next.

The rules every assignment keeps (:func:`problems` checks them; the tests run it):

* Every cell nbgrader knows carries the whole of nbgrader's metadata (schema 3) and a
  ``grade_id`` unique in the assignment.
* An answer cell that is autograded is code, with its solution between
  ``### BEGIN SOLUTION`` and ``### END SOLUTION``; the test cell that grades it is locked and
  has points. Its expected values are computed from the book's models when the tests run,
  between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``, never typed in.
* A written answer is a Markdown cell graded by hand, with points, holding only the model
  answer ("**Model answer.** ...") and the rubric ("**Rubric (2 points).** ...", its points
  the cell's). nbgrader gives students the whole cell as "YOUR ANSWER HERE", so none of it
  reaches them, and anything else in it (the next question, a heading) would be lost to them:
  end the cell with ``+++``.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = ROOT / "assignments"

#: nbgrader's cell metadata, schema version 3 (nbgrader 0.9): every key, always.
SCHEMA_VERSION = 3
METADATA_KEYS = frozenset({"grade", "grade_id", "locked", "schema_version", "solution", "task"})

SOLUTION = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_TESTS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
MODEL_ANSWER = "**Model answer.**"
RUBRIC = re.compile(r"\*\*Rubric \((\d+(?:\.\d+)?) points?\)\.\*\*")

#: What an assignment's course folder is configured with when it has no configuration.
NBGRADER_CONFIG = """\
# nbgrader's configuration for this course folder (written by booktools.assignments;
# edit it freely: it is not written again while it exists).
c = get_config()  # noqa: F821 - nbgrader provides get_config
c.CourseDirectory.course_id = "two-faces-of-oxytocin"
# The hidden tests import the book's models: the kernel that grades needs the book's
# `widgets` package installed (pip install -r requirements.txt in the book's folder).
c.ExecutePreprocessor.timeout = 120
"""


@dataclass(frozen=True)
class GradedPart:
    """One graded cell of an assignment: its nbgrader ``grade_id``, points, and whether
    nbgrader grades it (a test cell) or an instructor does (a written answer)."""

    grade_id: str
    points: float
    autograded: bool


def assignment_names() -> list[str]:
    """The assignments in ``assignments/``, in name order."""
    return sorted(path.parent.name for path in ASSIGNMENTS.glob("*/*.md")
                  if path.stem == path.parent.name)


def source_path(name: str) -> Path:
    return ASSIGNMENTS / name / f"{name}.md"


def read_assignment(name: str) -> nbformat.NotebookNode:
    """The assignment's source as a notebook (no outputs), nbgrader metadata included."""
    path = source_path(name)
    if not path.is_file():
        raise FileNotFoundError(f"no assignment {name!r}: {path} does not exist; assignments "
                                f"are {assignment_names()}")
    return jupytext.read(path)


def nbgrader_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if "nbgrader" in cell.metadata]


def graded_parts(notebook: nbformat.NotebookNode) -> list[GradedPart]:
    """Every cell that gives points, in order."""
    return [GradedPart(meta["grade_id"], float(meta["points"]), not meta["solution"])
            for meta in (cell.metadata["nbgrader"] for cell in nbgrader_cells(notebook))
            if meta.get("grade")]


def _between(source: str, markers: tuple[str, str]) -> bool:
    """True when the markers each stand on a line of their own, in order, once."""
    lines = [line.strip() for line in source.splitlines()]
    begin, end = markers
    return (lines.count(begin) == 1 and lines.count(end) == 1
            and lines.index(begin) < lines.index(end))


def problems(name: str, notebook: nbformat.NotebookNode) -> list[str]:
    """What breaks the rules in the module docstring, one sentence each (empty: none)."""
    found: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(notebook.cells):
        meta = cell.metadata.get("nbgrader")
        where = f"{name}, cell {index}"
        if meta is None:
            if any(marker in cell.source for marker in (*SOLUTION, *HIDDEN_TESTS)):
                found.append(f"{where} has nbgrader markers but no nbgrader metadata")
            continue
        grade_id = meta.get("grade_id", "")
        where = f"{name}, cell {index} ({grade_id or 'no grade_id'})"
        expected = METADATA_KEYS | ({"points"} if meta.get("grade") else set())
        if set(meta) != expected:
            found.append(f"{where}: nbgrader metadata keys {sorted(meta)}, expected "
                         f"{sorted(expected)}")
            continue
        if meta["schema_version"] != SCHEMA_VERSION:
            found.append(f"{where}: schema_version {meta['schema_version']!r}, expected "
                         f"{SCHEMA_VERSION}")
        if not grade_id or grade_id in seen:
            found.append(f"{where}: grade_id missing or repeated")
        seen.add(grade_id)
        if meta["grade"] and not meta["points"] > 0:
            found.append(f"{where}: a graded cell needs points above 0, not {meta['points']!r}")
        if meta["solution"] and not meta["grade"]:  # an autograded answer
            if cell.cell_type != "code" or not _between(cell.source, SOLUTION):
                found.append(f"{where}: an autograded answer is a code cell with its solution "
                             f"between {SOLUTION[0]!r} and {SOLUTION[1]!r}")
        elif meta["grade"] and not meta["solution"]:  # a test cell
            if cell.cell_type != "code" or not meta["locked"]:
                found.append(f"{where}: a test cell is a locked code cell")
            if not _between(cell.source, HIDDEN_TESTS):
                found.append(f"{where}: a test cell checks the value in hidden tests, between "
                             f"{HIDDEN_TESTS[0]!r} and {HIDDEN_TESTS[1]!r}")
        elif meta["grade"] and meta["solution"]:  # graded by hand
            rubric = RUBRIC.findall(cell.source)
            if (cell.cell_type != "markdown"
                    or not cell.source.lstrip().startswith(MODEL_ANSWER)
                    or [float(points) for points in rubric] != [float(meta["points"])]
                    or any(line.startswith("#") for line in cell.source.splitlines())):
                found.append(f"{where}: a written answer is a Markdown cell holding only its "
                             f"model answer ('{MODEL_ANSWER} ...') and one rubric with the "
                             f"cell's points ('**Rubric ({meta['points']:g} points).** ...'), "
                             f"and no heading (end the cell with '+++')")
    return found


_POINTS = re.compile(r"\((\d+(?:\.\d+)?) points?\)\s*$")
_TOTALS = re.compile(r"\*\*[^*]*?(\d+(?:\.\d+)?) points\*\* \((\d+(?:\.\d+)?) graded "
                     r"automatically, (\d+(?:\.\d+)?) by your\s+instructor\)")


def stated_points(notebook: nbformat.NotebookNode) -> list[str]:
    """Where the points the text states differ from the metadata's (empty: they agree): the
    totals in the opening ("**..., 17 points** (10 graded automatically, 7 by your
    instructor)") and each section's "## ... (6 points)" against the cells below it."""
    found = []
    parts = graded_parts(notebook)
    auto = sum(part.points for part in parts if part.autograded)
    total = sum(part.points for part in parts)
    text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    totals = _TOTALS.search(text)
    if totals is None:
        found.append("the opening does not state its points as '**..., N points** "
                     "(A graded automatically, M by your instructor)'")
    elif tuple(float(x) for x in totals.groups()) != (total, auto, total - auto):
        found.append(f"the opening states {totals.group(0)!r}, but the cells give {total:g} "
                     f"points, {auto:g} graded automatically")
    section, stated, counted = None, 0.0, 0.0

    def close():
        if section is not None and stated != counted:
            found.append(f"section {section!r} states {stated:g} points; its cells give "
                         f"{counted:g}")

    for cell in notebook.cells:
        for line in cell.source.splitlines() if cell.cell_type == "markdown" else ():
            if line.startswith("## "):
                close()
                match = _POINTS.search(line)
                section, stated, counted = line[3:], float(match.group(1)) if match else -1, 0
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            counted += float(meta["points"])
    close()
    return found


def write_course(folder: Path, names: Iterable[str] | None = None) -> list[Path]:
    """Write ``folder/source/<name>/<name>.ipynb`` for each assignment (every one by
    default), after checking it; and ``folder/nbgrader_config.py`` if there is none.
    Returns the notebooks written."""
    names = list(assignment_names() if names is None else names)
    written = []
    for name in names:
        notebook = read_assignment(name)
        found = problems(name, notebook) + stated_points(notebook)
        if found:
            raise ValueError(f"assignment {name!r} breaks the rules of booktools.assignments:\n"
                             + "\n".join(found))
        # Jupytext's own record of the text format means nothing to nbgrader or a student.
        notebook.metadata.pop("jupytext", None)
        target = folder / "source" / name / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)
        written.append(target)
    config = folder / "nbgrader_config.py"
    if not config.exists():
        config.write_text(NBGRADER_CONFIG, encoding="utf-8")
    return written


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m booktools.assignments",
        description="Write the book's assignments as an nbgrader course folder's source/.")
    parser.add_argument("course", type=Path, help="the course folder (created if missing)")
    parser.add_argument("names", nargs="*", help=f"assignments (default: all of "
                                                 f"{', '.join(assignment_names())})")
    arguments = parser.parse_args(argv)
    for path in write_course(arguments.course, arguments.names or None):
        parts = graded_parts(nbformat.read(path, as_version=4))
        auto = sum(part.points for part in parts if part.autograded)
        total = sum(part.points for part in parts)
        print(f"{path}: {total:g} points, {auto:g} graded automatically")


if __name__ == "__main__":
    main()
