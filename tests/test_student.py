"""Student notebooks: the chapter with its solutions removed, and nothing else."""

from __future__ import annotations

import html.parser
from urllib.parse import unquote, urlsplit

import jupytext
import nbformat
import pytest

from widgets.student import REMOVED_NOTE, has_solutions, strip_solutions

from .conftest import ROOT

CHAPTERS = sorted(p for p in (ROOT / "chapters").glob("*.md") if has_solutions(p.read_text()))


def test_there_are_chapters_with_exercises():
    assert ROOT / "chapters" / "hormesis.md" in CHAPTERS


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_solutions_are_removed_and_exercises_kept(chapter):
    text = chapter.read_text()
    notebook = jupytext.read(chapter)
    student = strip_solutions(notebook)
    nbformat.validate(student)
    joined = "\n".join(cell.source for cell in student.cells)
    assert "solution-start" not in joined and "solution-end" not in joined
    assert joined.count(REMOVED_NOTE) == text.count("{solution-start}")
    assert joined.count("{exercise}") == text.count("{exercise}")
    # Every code cell of the original outside a solution is still there, in order.
    original_code = [c.source for c in notebook.cells if c.cell_type == "code"]
    student_code = [c.source for c in student.cells if c.cell_type == "code"]
    assert student_code == [c for c in original_code if c in student_code]
    assert len(student_code) < len(original_code)


def test_a_solution_in_the_middle_of_a_markdown_cell_is_cut_exactly():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(
            ":::{exercise}\n:label: e\nDo it.\n:::\n\n"
            ":::{solution-start} e\n:class: dropdown\n:::\n\nThe answer is 42."),
        nbformat.v4.new_code_cell("print(42)"),
        nbformat.v4.new_markdown_cell(":::{solution-end}\n:::\n\n## Summary"),
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell("y = 2"),
    ])
    student = strip_solutions(notebook)
    sources = [c.source for c in student.cells]
    assert sources == [":::{exercise}\n:label: e\nDo it.\n:::",
                       f"{REMOVED_NOTE}\n\n## Summary", "y = 2"]


@pytest.mark.build
def test_the_site_serves_a_student_notebook_per_chapter_with_exercises(site):
    for chapter in CHAPTERS:
        served = site / "student" / f"{chapter.stem}.ipynb"
        assert served.exists(), served
        notebook = nbformat.read(served, as_version=4)
        assert REMOVED_NOTE in "\n".join(c.source for c in notebook.cells)


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.targets = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("href", "src"):
            if tag in {"a", "link", "script", "img"} and attributes.get(name):
                self.targets.append(attributes[name])


@pytest.mark.build
def test_every_local_link_in_the_site_resolves(site):
    broken = []
    for page in site.rglob("*.html"):
        if "_static" in page.parts:
            continue
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for target in parser.targets:
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # links to other sites (never fetched here) and in-page anchors
            resolved = (page.parent / unquote(parts.path)).resolve()
            if not resolved.exists():
                broken.append(f"{page.relative_to(site)} -> {target}")
    assert broken == []
