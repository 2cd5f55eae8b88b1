"""The nbgrader assignments (assignments/, booktools/assignments.py), as an instructor uses them.

Fast tier: the sources keep the rules (metadata, markers, points as the text states them),
and jupytext carries nbgrader's metadata into the notebooks unchanged. Full suite: nbgrader
itself, end to end, on a temporary course folder: ``generate_assignment`` for every
assignment, then ``autograde`` on three submissions each (the instructors' version: full
marks; the released notebook untouched: no marks and no error that stops grading; one wrong
number: that question's points lost, the rest kept), scores read from nbgrader's gradebook;
no solution text in any released notebook; and a changed model default changes what the
autograder expects.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import tomllib
from pathlib import Path

import nbformat
import numpy as np
import pytest
import yaml

from booktools import assignments
from booktools.assignments import (
    HIDDEN_TESTS,
    SOLUTION,
    graded_parts,
    problems,
    read_assignment,
    stated_points,
    write_course,
)

from .conftest import ROOT

NAMES = assignments.assignment_names()

def content_chapters() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    part = next(p for p in toc["parts"] if p["caption"] == "Chapters")
    return [Path(chapter["file"]).name for chapter in part["chapters"]]


def test_every_content_chapter_has_an_assignment_and_no_assignment_lacks_a_chapter():
    assert set(NAMES) == set(content_chapters())


@pytest.mark.parametrize("name", NAMES)
def test_an_assignment_keeps_the_rules_and_states_its_points(name):
    notebook = read_assignment(name)
    assert problems(name, notebook) == []
    assert stated_points(notebook) == []
    parts = graded_parts(notebook)
    assert any(part.autograded for part in parts) and any(not part.autograded for part in parts)


@pytest.mark.parametrize("name", NAMES)
def test_an_assignment_names_its_chapter_by_the_chapters_title(name):
    """'Read the chapter *Title* first': the title the chapter's page shows."""
    text = read_assignment(name).cells[0].source
    [named] = re.findall(r"Read the chapter \*([^*]+)\*", text)
    chapter = (ROOT / "chapters" / f"{name}.md").read_text(encoding="utf-8")
    assert f"\n# {named}\n" in chapter


def metadata_written_in(text: str) -> list[dict]:
    """The nbgrader metadata as the Markdown source spells it, in order, read without
    jupytext: a code cell's YAML options, a Markdown cell's ``+++ {...}`` line."""
    found = []
    for block in re.finditer(r"```\{code-cell\}[^\n]*\n---\n(.*?)\n---\n", text, re.S):
        options = yaml.safe_load(block.group(1))
        if "nbgrader" in options:
            found.append((block.start(), options["nbgrader"]))
    for line in re.finditer(r"^\+\+\+ (\{.*\})$", text, re.M):
        options = json.loads(line.group(1))
        if "nbgrader" in options:
            found.append((line.start(), options["nbgrader"]))
    return [metadata for _, metadata in sorted(found, key=lambda pair: pair[0])]


@pytest.mark.parametrize("name", NAMES)
def test_the_notebook_nbgrader_reads_has_the_metadata_the_source_spells(name, tmp_path):
    [notebook_path] = write_course(tmp_path, [name])
    notebook = nbformat.read(notebook_path, as_version=4)
    nbformat.validate(notebook)
    written = metadata_written_in(assignments.source_path(name).read_text(encoding="utf-8"))
    converted = [cell.metadata["nbgrader"] for cell in notebook.cells
                 if "nbgrader" in cell.metadata]
    assert converted == written
    assert len(written) >= 3
    assert "jupytext" not in notebook.metadata
    assert (tmp_path / "nbgrader_config.py").is_file()


def _break(notebook, index_of, change):
    broken = copy.deepcopy(notebook)
    cell = next(c for c in broken.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == index_of)
    change(cell)
    return broken


def test_the_rules_catch_what_would_break_grading():
    name = NAMES[0]
    notebook = read_assignment(name)
    parts = graded_parts(notebook)
    test_id = next(p.grade_id for p in parts if p.autograded)
    written_id = next(p.grade_id for p in parts if not p.autograded)
    answer_id = next(c.metadata["nbgrader"]["grade_id"] for c in notebook.cells
                     if c.metadata.get("nbgrader", {}).get("solution")
                     and not c.metadata["nbgrader"]["grade"])

    def no_hidden(cell):
        cell.source = cell.source.replace(HIDDEN_TESTS[0], "").replace(HIDDEN_TESTS[1], "")

    def heading_after(cell):  # the cell would swallow the next section
        cell.source += "\n\n## 9. Another section\n"

    def unlocked(cell):
        cell.metadata["nbgrader"]["locked"] = False

    def no_solution_markers(cell):
        cell.source = cell.source.replace(SOLUTION[0], "").replace(SOLUTION[1], "")

    def repeated_id(cell):
        cell.metadata["nbgrader"]["grade_id"] = test_id

    def no_points(cell):
        del cell.metadata["nbgrader"]["points"]

    for grade_id, change, words in (
        (test_id, no_hidden, "hidden tests"),
        (test_id, unlocked, "locked"),
        (test_id, no_points, "metadata keys"),
        (written_id, heading_after, "no heading"),
        (answer_id, no_solution_markers, "solution between"),
        (answer_id, repeated_id, "repeated"),
    ):
        found = problems(name, _break(notebook, grade_id, change))
        assert any(words in problem for problem in found), (change.__name__, found)

    def more_points(cell):
        cell.metadata["nbgrader"]["points"] += 1

    found = stated_points(_break(notebook, test_id, more_points))
    assert any("states" in problem for problem in found), found


GRADED_AS = re.compile(r"graded ([\w ]+?) \((?:register )?row `([\w-]+)`\)")


def test_grades_in_the_mark_schemes_are_the_claims_registers():
    """A model answer that gives a claim's grade names its register row; the grade must be
    the register's (so a regrade there shows up here)."""
    register = tomllib.loads((ROOT / "chapters" / "claims.toml").read_text(encoding="utf-8"))
    grades = {claim["id"]: claim["grade"] for claim in register["claim"]}
    given = [(name, grade, claim) for name in NAMES
             for grade, claim in GRADED_AS.findall(re.sub(r"\s+", " ", "\n".join(
                 cell.source for cell in read_assignment(name).cells)))]
    assert given, "no mark scheme names a register row"
    for name, grade, claim in given:
        assert grades[claim] == grade, (name, claim, grade, grades[claim])


# --- nbgrader, end to end (full suite) -----------------------------------------------------

STUDENTS = ("complete", "untouched", "one-wrong")


def _answer_cells(notebook):
    return [cell for cell in notebook.cells
            if cell.metadata.get("nbgrader", {}).get("solution")
            and not cell.metadata["nbgrader"]["grade"]]


def _assigned(source: str) -> list[str]:
    """Names an answer cell's solution assigns at its top level."""
    inside = source.split(SOLUTION[0], 1)[1].split(SOLUTION[1], 1)[0]
    return re.findall(r"^([A-Za-z_]\w*) = ", inside, re.M)


def _checked_by(notebook, answer_cell) -> str:
    """The grade_id of the test cell right after an answer cell."""
    cells = notebook.cells
    after = cells[cells.index(answer_cell) + 1:]
    return next(c.metadata["nbgrader"]["grade_id"] for c in after
                if c.metadata.get("nbgrader", {}).get("grade"))


def _answer_values(notebook) -> dict[str, object]:
    """Each autograded answer's value, from running the instructors' version's code here
    (setup and solutions; not the test cells), by the name it is stored in, in order."""
    namespace: dict = {}
    values = {}
    for cell in notebook.cells:
        if cell.cell_type == "code" and not cell.metadata.get("nbgrader", {}).get("grade"):
            exec(cell.source, namespace)  # noqa: S102 - the book's own assignment
            if cell in _answer_cells(notebook):
                values.update({name: namespace[name] for name in _assigned(cell.source)})
    return values


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_))


def _first_numeric_answer(notebook):
    """The first answer cell that stores a number (not a truth value or a word), and the
    name it stores it in."""
    values = _answer_values(notebook)
    for cell in _answer_cells(notebook):
        for variable in _assigned(cell.source):
            if _is_number(values[variable]):
                return cell, variable
    raise AssertionError("no numeric answer to get wrong")


def _submit(course: Path, student: str, name: str, notebook) -> None:
    target = course / "submitted" / student / name / f"{name}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)


def _scores(course: Path, name: str, student: str) -> dict[str, tuple[float, float]]:
    """(autograded score, max) per graded cell, read from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission_notebook(name, name, student)
        return {grade.name: (grade.auto_score, grade.max_score) for grade in submission.grades}


@pytest.fixture(scope="module")
def graded_course(nbgrader, tmp_path_factory):
    """A course folder with every assignment generated, released untouched, and graded for
    the three fixture students."""
    course = tmp_path_factory.mktemp("course")
    write_course(course)
    # One command for all eight each time ("*"): nbgrader's own start is a few seconds.
    nbgrader(course, "generate_assignment", "*", "--force")
    for name in NAMES:
        source = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
        released = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
        _submit(course, "complete", name, source)
        _submit(course, "untouched", name, released)
        wrong = copy.deepcopy(source)
        cell, variable = _first_numeric_answer(wrong)
        cell.source = cell.source.rstrip() + f"\n{variable} = {variable} + 7.0  # a wrong number\n"
        _submit(course, "one-wrong", name, wrong)
    nbgrader(course, "autograde", "*", "--create", "--force")
    return course


@pytest.mark.parametrize("name", NAMES)
def test_the_instructors_version_gets_every_autograded_point(graded_course, name):
    scores = _scores(graded_course, name, "complete")
    autograded = {p.grade_id: p.points for p in graded_parts(read_assignment(name))
                  if p.autograded}
    assert {grade_id: scores[grade_id] for grade_id in autograded} == {
        grade_id: (points, points) for grade_id, points in autograded.items()}


@pytest.mark.parametrize("name", NAMES)
def test_the_released_notebook_untouched_gets_no_autograded_point(graded_course, name):
    scores = _scores(graded_course, name, "untouched")
    autograded = [p.grade_id for p in graded_parts(read_assignment(name)) if p.autograded]
    assert autograded and all(scores[grade_id][0] == 0 for grade_id in autograded)
    # Graded to the end: every cell has a grade row, none missing because a cell stopped it.
    assert set(scores) == {p.grade_id for p in graded_parts(read_assignment(name))}


@pytest.mark.parametrize("name", NAMES)
def test_one_wrong_number_loses_that_question_only(graded_course, name):
    source = read_assignment(name)
    cell, _ = _first_numeric_answer(source)
    lost = _checked_by(source, cell)
    scores = _scores(graded_course, name, "one-wrong")
    for part in graded_parts(source):
        if part.autograded:
            assert scores[part.grade_id][0] == (0 if part.grade_id == lost else part.points), \
                part.grade_id


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9_]+", text.lower())


@pytest.mark.parametrize("name", NAMES)
def test_no_solution_text_is_left_in_a_released_notebook(graded_course, name):
    source = read_assignment(name)
    released = nbformat.read(graded_course / "release" / name / f"{name}.ipynb", as_version=4)
    release_text = "\n".join(cell.source for cell in released.cells)
    release_lines = {line.strip() for line in release_text.splitlines()}
    release_words = " ".join(_words(release_text))
    hidden = 0
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        regions = [region for begin, end in (SOLUTION, HIDDEN_TESTS)
                   for region in re.findall(rf"{re.escape(begin)}(.*?){re.escape(end)}",
                                            cell.source, re.S)]
        if cell.cell_type == "markdown" and meta.get("solution"):
            regions.append(cell.source)  # a model answer and its rubric, whole
        for region in regions:
            hidden += 1
            for line in region.splitlines():
                # No line of a solution or a hidden test (short ones such as "import numpy
                # as np" are allowed: the visible checks share them).
                if len(line.strip()) >= 20:
                    assert line.strip() not in release_lines, (name, line)
            # And no run of eight words of any of them, prose included.
            words = _words(region)
            for i in range(len(words) - 7):
                run = " ".join(words[i:i + 8])
                assert f" {run} " not in f" {release_words} ", (name, run)
    assert hidden >= 3
    assert "YOUR ANSWER HERE" in release_text and "NotImplementedError" in release_text


def _literal(value) -> str:
    """A number, a truth value or a word as Python source, with no numpy in it."""
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    if isinstance(value, str):
        return repr(value)
    return repr(float(value))


def test_a_changed_model_default_changes_what_the_autograder_expects(nbgrader, tmp_path):
    """Answers given as plain numbers, right for the book's models, lose their points when
    the models the grading kernel imports have another default (the dose curve's scale
    here): the expected values are computed when the tests run, not copied."""
    name = "hormesis"
    course = tmp_path / "course"
    write_course(course, [name])
    nbgrader(course, "generate_assignment", name, "--force")
    source = read_assignment(name)
    # Every answer's value from the book's models, computed here, then given as a literal.
    values = _answer_values(source)
    literal = copy.deepcopy(source)
    for cell in _answer_cells(literal):
        # (Answers only: a helper such as an array of doses is left out.)
        cell.source = "\n".join(f"{variable} = {_literal(values[variable])}"
                                for variable in _assigned(cell.source)
                                if _is_number(values[variable])
                                or isinstance(values[variable], (bool, np.bool_, str)))
    _submit(course, "literal", name, literal)
    nbgrader(course, "autograde", name, "--create", "--force")
    as_given = _scores(course, name, "literal")

    changed = tmp_path / "changed"
    shutil.copytree(ROOT / "widgets", changed / "widgets",
                    ignore=shutil.ignore_patterns("__pycache__"))
    model = changed / "widgets" / "models" / "dose_response.py"
    text = model.read_text(encoding="utf-8")
    assert text.count("    scale: float = 2.0\n") == 1
    model.write_text(text.replace("    scale: float = 2.0\n", "    scale: float = 3.0\n"),
                     encoding="utf-8")
    nbgrader(course, "autograde", name, "--force", pythonpath=changed)
    after_change = _scores(course, name, "literal")

    autograded = [p for p in graded_parts(source) if p.autograded]
    assert all(as_given[p.grade_id][0] == p.points for p in autograded), as_given
    # The dose curve's questions now expect other numbers; the person-and-context
    # questions do not use the curve and keep their points.
    curve_questions = {"q1a-check", "q1b-check", "q2a-check"}
    for part in autograded:
        expected = 0 if part.grade_id in curve_questions else part.points
        assert after_change[part.grade_id][0] == expected, (part.grade_id, after_change)


def test_the_instructors_page_says_how_to_use_them(tmp_path, capsys):
    text = (ROOT / "chapters" / "instructors.md").read_text(encoding="utf-8")
    section = text.split("(instructors-nbgrader)=", 1)[1].split("(instructors-reuse)=", 1)[0]
    section = re.sub(r"\s+", " ", section)
    for step in ("pip install -r requirements-instructors.txt",
                 "python -m booktools.assignments ~/course",
                 "nbgrader generate_assignment", "nbgrader release_assignment",
                 "nbgrader collect", "nbgrader zip_collect", "nbgrader autograde",
                 "Formgrader", "nbgrader generate_feedback", "nbgrader export",
                 "grading needs it", "can change what the tests see", "cannot grade"):
        assert step in section, step
    # The page's command, as it says: every assignment, with its points.
    assignments.main([str(tmp_path / "course")])
    printed = capsys.readouterr().out
    for name in NAMES:
        assert f"source/{name}/{name}.ipynb" in printed
    assert "graded automatically" in printed
    assert (ROOT / "requirements-instructors.txt").read_text().count("nbgrader==") == 1
