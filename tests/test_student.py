"""Student notebooks: each chapter with exercises as plain Jupyter, solutions removed.

Three levels: the converter on a fixture chapter that uses every construct
(tests/fixtures/student/), the real chapters (converted here, without a build),
and the built site (served notebooks and sources, the links to them).
"""

from __future__ import annotations

import html.parser
import re
from urllib.parse import unquote, urlsplit

import jupytext
import nbformat
import pytest

from booktools.student import (
    MYST_ONLY,
    Bibliography,
    has_exercises,
    myst_leftovers,
    read_glue,
    strip_solutions,
    student_notebook,
    write_student_notebook,
)

from .conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "student"
FIXTURE = FIXTURES / "chapter.md"
CHAPTERS = sorted(p for p in (ROOT / "chapters").glob("*.md") if has_exercises(p.read_text()))
BOOK_BIBLIOGRAPHY = Bibliography([ROOT / "references.bib"])


def markdown_of(notebook) -> str:
    return "\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


def fixture_notebook(**options):
    options.setdefault("bibliography", Bibliography([FIXTURES / "references.bib"]))
    return student_notebook(FIXTURE, **options)


# --- What the chapters hold, read from their MyST text (independently of booktools.student) ---

_SOLUTION_BLOCK = re.compile(
    r"^(:{3,})\{solution-start\}.*?^:{3,}\{solution-end\}[^\n]*\n:{3,}[ \t]*$"
    r"|^(:{3,})\{solution\}.*?^\2[ \t]*$"
    r"|^```\{code-cell\}[^\n]*\n:tags: \[[^\]]*\bsolution\b[^\]]*\].*?^```[ \t]*$",
    re.M | re.S)
_ROLE = re.compile(r"\{[^{}\s]+\}`[^`]*`")
_SYNTAX_LINE = re.compile(r"^[ \t]*(?:`{3,}|:{3,}|:[\w-]+:).*$", re.M)


def _words(text: str) -> list[str]:
    """Text as lower-case words, without directive lines, roles and Markdown punctuation."""
    text = _ROLE.sub(" ", _SYNTAX_LINE.sub(" ", text))
    return re.sub(r"[^\w%.=()+-]+", " ", text).lower().split()


def solution_fragments(chapter_text: str, length: int = 8) -> list[set[str]]:
    """Per solution: every run of ``length`` words (or the whole of a shorter solution)
    that occurs nowhere else in the chapter."""
    solutions = [m.group(0) for m in _SOLUTION_BLOCK.finditer(chapter_text)]
    rest = " ".join(_words(_SOLUTION_BLOCK.sub(" ", chapter_text)))
    fragments = []
    for solution in solutions:
        words = _words(solution)
        size = min(length, len(words))
        runs = {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}
        fragments.append({run for run in runs if run not in rest})
    return fragments


def solution_text_in(notebook, chapter_text: str) -> list[str]:
    """The solutions' distinctive word runs that occur in ``notebook`` (should be none)."""
    text = " ".join(_words("\n".join(cell.source for cell in notebook.cells)))
    return [run for runs in solution_fragments(chapter_text) for run in runs if run in text]


def exercise_cells(notebook) -> list[int]:
    return [i for i, c in enumerate(notebook.cells)
            if c.cell_type == "markdown" and c.source.startswith("**Exercise")]


def is_empty_work_cell(cell) -> bool:
    return cell.cell_type == "code" and all(
        line.strip().startswith("#") or not line.strip() for line in cell.source.splitlines())


# --- The checker for MyST-only syntax ---

MYST_SAMPLES = {
    "role": ["{cite:p}`key`", "{term}`salience`", "{glue:text}`x:.0f`", "{bdg-info}`moderate`",
             "{sup}`2`", "{ref}`text <label>`", "{doc}`other`", "{numref}`fig-x`",
             "{bdg-muted}`contested`"],
    "directive": [":::{exercise}", ":::{dropdown} Reveal", "```{eval-rst}",
                  "::::{admonition} Title", "```{solution-start} x"],
    "colon fence": [":::", "::::"],
    "directive option": [":label: ex-one", ":class: dropdown"],
    "target": ["(fix-section)="],
    "comment": ["% a comment"],
    "substitution": ["{{ name }}"],
    "equation label": ["$$ (eq-one)"],
    "cell break": ["+++"],
}


@pytest.mark.parametrize("kind", sorted(MYST_ONLY))
def test_the_checker_catches_each_kind_of_myst_syntax(kind):
    for sample in MYST_SAMPLES[kind]:
        found = myst_leftovers(f"Some text.\n\n{sample}\n\nMore text.")
        assert any(f.startswith(f"{kind}:") for f in found), (kind, sample, found)


def test_the_checker_catches_the_fixture_chapter_and_passes_plain_markdown():
    found = {f.split(":")[0] for f in myst_leftovers(FIXTURE.read_text())}
    assert {"role", "directive", "colon fence", "directive option", "target",
            "comment"} <= found
    plain = ("# Title\n\nText with `{cite:p}` in code, **bold**, $x^{2}$ and a\n"
             "<details>\n<summary>Show</summary>\n\nHidden.\n\n</details>\n\n"
             "```python\n:::{exercise}\n% not a comment here\n```\n")
    assert myst_leftovers(plain) == []


def test_the_chapters_are_read_with_the_myst_extensions_the_book_turns_on():
    import yaml

    from booktools import myst

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert set(myst.EXTENSIONS) == set(config["parse"]["myst_enable_extensions"])


# --- The converter on the fixture chapter ---


def test_the_fixture_chapter_becomes_plain_markdown_with_the_glued_values():
    notebook = fixture_notebook(glue=read_glue(FIXTURES / "chapter.glue.json"))
    nbformat.validate(notebook)
    text = markdown_of(notebook)
    assert myst_leftovers(text) == []
    expected = [
        "(Calabrese & Baldwin, 2002, 2003; Cedergreen et al., 2006)",
        "cited in the text Calabrese and Baldwin (2002)",
        "(theowl, 2015)", "Bakermans-Kranenburg and van IJzendoorn (2013)",
        "Glossary words: salience and\nplain words.",
        "**moderate**, **weak**,\n**unsupported**, **strong**, **refuted**, **contested**",
        "The peak is 33 % and the verdict is inside", "x<sup>2</sup>",
        "Links: the other chapter, The other chapter, Exercise 1,\nExercise 2, "
        "A section with a target, Fig. 1, Figure 1,",
        "(register)", "Inline code stays as it is: `{cite:p}`.",
        "> **Predict first**\n>\n> 1. Will $x$ rise?\n> 2. Write it down.",
        "**Fig. 1.** A caption citing (Cedergreen et al., 2006).",
        "<details>\n<summary>Reveal: what the explorer shows</summary>\n\n"
        "It was inside, and the peak 33.4 %.\n\n</details>",
    ]
    for snippet in expected:
        assert snippet in text, snippet
    assert "A MyST comment" not in text and "(fix-section)=" not in text
    assert "folded away" not in text  # the chapter's paragraph about the student version
    assert text.startswith("# A fixture chapter\n\n> **Student version.**")


def test_without_glue_data_the_value_is_named_not_invented():
    text = markdown_of(fixture_notebook())
    assert "The peak is [value computed when the chapter runs: peak] %" in text
    assert myst_leftovers(text) == []


def test_exercises_are_headed_numbered_and_followed_by_a_work_cell():
    notebook = fixture_notebook(exercise_numbers=["7", "8"], figure_numbers=["3"])
    cells = notebook.cells
    headed = exercise_cells(notebook)
    assert [cells[i].source.split("\n")[0] for i in headed] == [
        "**Exercise 7 (fix-ex-one)**", "**Exercise 8 (fix-ex-two)**"]
    assert all(is_empty_work_cell(cells[i + 1]) for i in headed)
    assert cells[headed[0] + 1].source == "# Your work for Exercise 7 (fix-ex-one)"
    assert "Fig. 3, Figure 3" in markdown_of(notebook)
    assert "Exercise 1,\nExercise 8" in markdown_of(notebook)  # the text given, or the number


def test_no_solution_text_is_left_and_the_check_would_see_it():
    chapter_text = FIXTURE.read_text()
    runs = solution_fragments(chapter_text)
    assert len(runs) == 3 and all(runs)
    assert solution_text_in(fixture_notebook(), chapter_text) == []
    # The same check on the chapter with its solutions finds all three.
    found = solution_text_in(jupytext.read(FIXTURE), chapter_text)
    assert all(any(run in found for run in solution_runs) for solution_runs in runs)


def test_hidden_code_starts_collapsed_and_the_rest_is_kept():
    notebook = fixture_notebook()
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code[0].metadata["jupyter"] == {"source_hidden": True}  # remove-input
    assert code[1].metadata["jupyter"] == {"source_hidden": True}  # hide-input
    assert "glue(" in code[0].source and code[1].source == 'print("a figure")'
    assert "jupytext" not in notebook.metadata


@pytest.mark.parametrize(("change", "message"), [
    ("{cite:p}`nobody1999`", "unknown citation key 'nobody1999'"),
    ("{glue:text}`missing`", "no glued text value named 'missing'"),
    ("{abbr}`HTML (hypertext)`", "the role {abbr} has no plain-Markdown form"),
    ("```{eval-rst}\n.. note:: rst\n```", "the directive {eval-rst} has no plain-Markdown form"),
    ("{ref}`nowhere`", "cannot tell what {ref}`nowhere` refers to"),
    (":::", "a stray fence ':::'"),
])
def test_what_cannot_be_converted_is_a_clear_error(tmp_path, change, message):
    chapter = tmp_path / "broken.md"
    chapter.write_text(FIXTURE.read_text().replace("Nothing else.", change))
    (tmp_path / "other.md").write_text((FIXTURES / "other.md").read_text())
    with pytest.raises(ValueError, match=re.escape(message)) as error:
        student_notebook(chapter, bibliography=Bibliography([FIXTURES / "references.bib"]),
                         glue=read_glue(FIXTURES / "chapter.glue.json"))
    assert str(chapter) in str(error.value)
    if "citation" in message:
        assert "references.bib" in str(error.value)


def test_glue_is_read_from_an_executed_notebook_too(tmp_path):
    output = nbformat.v4.new_output(
        "display_data", data={"application/papermill.record/text/plain": "0.25"},
        metadata={"scrapbook": {"name": "share",
                                "mime_prefix": "application/papermill.record/"}})
    executed = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "glue('share', 0.25, display=False)", outputs=[output])])
    path = tmp_path / "executed.ipynb"
    nbformat.write(executed, path)
    assert read_glue(path) == {"share": {"text/plain": "0.25"}}


def test_the_command_line_writes_a_valid_notebook(tmp_path):
    destination = tmp_path / "out" / "chapter.ipynb"
    write_student_notebook(FIXTURE, destination,
                           bibliographies=[FIXTURES / "references.bib"],
                           glue=FIXTURES / "chapter.glue.json")
    notebook = nbformat.read(destination, as_version=4)
    nbformat.validate(notebook)
    assert "The peak is 33 %" in markdown_of(notebook)


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
    assert sources == [":::{exercise}\n:label: e\nDo it.\n:::", "## Summary", "y = 2"]


# --- The real chapters ---


def test_there_are_chapters_with_exercises():
    assert ROOT / "chapters" / "hormesis.md" in CHAPTERS


@pytest.fixture(scope="module")
def converted():
    """Each chapter's student notebook as the module makes it by hand (no build, no glue)."""
    return {chapter: student_notebook(chapter, bibliography=BOOK_BIBLIOGRAPHY)
            for chapter in CHAPTERS}


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_a_chapter_becomes_a_plain_notebook_without_solutions(chapter, converted):
    text = chapter.read_text()
    student = converted[chapter]
    nbformat.validate(student)
    markdown = markdown_of(student)
    assert myst_leftovers(markdown) == []
    assert solution_text_in(student, text) == []
    fragments = solution_fragments(text)
    assert len(fragments) >= text.count("{solution-start}") > 0
    assert all(fragments), "a solution with no text of its own to look for"
    # One collapsed <details> per dropdown; one work cell after each exercise.
    assert markdown.count("<details>") == len(re.findall(r"^:{3,}\{dropdown\}", text, re.M))
    headed = exercise_cells(student)
    assert len(headed) == len(re.findall(r"^:{3,}\{exercise\}", text, re.M)) > 0
    assert all(is_empty_work_cell(student.cells[i + 1]) for i in headed)
    # Every code cell of the chapter outside a solution is still there, in order, and the
    # only other code cells are the work cells.
    work = {i + 1 for i in headed}
    original = [c.source for c in strip_solutions(jupytext.read(chapter)).cells
                if c.cell_type == "code"]
    kept = [c.source for i, c in enumerate(student.cells) if c.cell_type == "code"
            and i not in work]
    assert kept == original


@pytest.fixture(scope="module")
def student_runs(converted, notebooks_runner, tmp_path_factory, live_kernel_environment):
    """Every student notebook run as a student would: live mode, each in a folder of its
    own (one kernel per core at a time): chapter -> (notebook, error). The explorers' whole
    grids are read from the build's results cache, which the build computed from scratch in
    its own kernels, rather than computed again here."""
    jobs, notebooks = [], {}
    for chapter in CHAPTERS:
        folder = tmp_path_factory.mktemp(f"student-{chapter.stem}")
        notebooks[chapter] = nbformat.from_dict(converted[chapter])
        jobs.append((notebooks[chapter], {"timeout": 600,
                                          "resources": {"metadata": {"path": str(folder)}}},
                     live_kernel_environment))
    return dict(zip(CHAPTERS, zip(notebooks.values(), notebooks_runner(jobs), strict=True),
                    strict=True))


@pytest.mark.binder
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_a_student_notebook_runs_in_a_kernel(chapter, student_runs):
    notebook, error = student_runs[chapter]
    if error is not None:  # CellExecutionError on any unexpected error
        raise error
    errors = [o for c in notebook.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.output_type == "error"]
    expected = [c for c in notebook.cells if c.cell_type == "code"
                and "raises-exception" in c.get("metadata", {}).get("tags", [])]
    assert len(errors) == len(expected), [e.get("ename") for e in errors]


# --- The built site ---


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.targets = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("href", "src"):
            if tag in {"a", "link", "script", "img"} and attributes.get(name):
                self.targets.append(attributes[name])


def links_of(page) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.targets


@pytest.mark.build
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_the_site_serves_the_student_notebook_and_source(site, chapter):
    notebook_file = site / "student" / f"{chapter.stem}.ipynb"
    source_file = site / "student" / f"{chapter.stem}.md"
    assert source_file.read_bytes() == chapter.read_bytes()
    notebook = nbformat.read(notebook_file, as_version=4)
    nbformat.validate(notebook)
    markdown = markdown_of(notebook)
    assert myst_leftovers(markdown) == []
    assert solution_text_in(notebook, chapter.read_text()) == []
    assert "[value computed when the chapter runs" not in markdown  # the build's values
    # Exercises carry the numbers the chapter's page shows.
    page = (site / "chapters" / f"{chapter.stem}.html").read_text(encoding="utf-8")
    on_page = re.findall(r'class="caption-number">Exercise (\d+) <', page)
    in_notebook = [re.match(r"\*\*Exercise (\d+)", notebook.cells[i].source)[1]
                   for i in exercise_cells(notebook)]
    assert in_notebook == on_page and on_page


@pytest.mark.build
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_each_chapter_page_links_its_student_notebook_and_source(site, chapter):
    page = site / "chapters" / f"{chapter.stem}.html"
    wanted = {f"{chapter.stem}.ipynb", f"{chapter.stem}.md"}
    found = {}
    for target in links_of(page):
        path = unquote(urlsplit(target).path)
        if path.startswith("../student/") and path.rsplit("/", 1)[1] in wanted:
            found[path.rsplit("/", 1)[1]] = (page.parent / path).resolve()
    assert set(found) == wanted, links_of(page)
    assert all(path.is_file() and path.parent == (site / "student").resolve()
               for path in found.values())
    text = page.read_text(encoding="utf-8")
    assert "student notebook (.ipynb, solutions removed)</a>" in text
    assert "chapter source (.md)</a>" in text


#: Written into the site by a separate step, scripts/build_pdf.py (tests/test_pdf.py
#: builds it and checks the links to it), so it may not exist yet when this runs.
WRITTEN_AFTER_THE_BUILD = {"book.pdf"}


@pytest.mark.build
def test_every_local_link_in_the_site_resolves(site):
    broken = []
    for page in site.rglob("*.html"):
        if "_static" in page.parts:
            continue
        for target in links_of(page):
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # links to other sites (never fetched here) and in-page anchors
            resolved = (page.parent / unquote(parts.path)).resolve()
            if resolved in {(site / name).resolve() for name in WRITTEN_AFTER_THE_BUILD}:
                continue
            if not resolved.exists():
                broken.append(f"{page.relative_to(site)} -> {target}")
    assert broken == []


DISTINCT_BIB = r"""
@article{smith2001one, author = {Smith, Ann and Brown, Bob and Clark, Cy},
  title = {One}, journal = {J}, year = {2001}}
@article{smith2001two, author = {Smith, Ann and Green, Gil and Clark, Cy},
  title = {Two}, journal = {J}, year = {2001}}
@article{jones2005zebra, author = {Jones, Jo and Lee, Lu},
  title = {The zebra}, journal = {J}, year = {2005}}
@article{jones2005apple, author = {Jones, Jo and Lee, Lu},
  title = {An apple}, journal = {J}, year = {2005}}
@article{smith2002alone, author = {Smith, Ann and Brown, Bob and Clark, Cy},
  title = {Alone}, journal = {J}, year = {2002}}
"""


def test_citations_that_would_read_alike_are_told_apart_as_on_the_site(tmp_path):
    """APA's rules, as _ext/distinct_citations.py applies them on the site: 'Smith et al.,
    2001' would name two works, so each names a second author; the same two authors twice in
    one year get letters in the order of their titles, ignoring a leading article."""
    bib = tmp_path / "references.bib"
    bib.write_text(DISTINCT_BIB, encoding="utf-8")
    bibliography = Bibliography([bib])
    assert bibliography.parenthetical(["smith2001one"]) == "(Smith, Brown, et al., 2001)"
    assert bibliography.textual(["smith2001two"]) == "Smith, Green, et al. (2001)"
    assert bibliography.parenthetical(["jones2005apple", "jones2005zebra"]) == \
        "(Jones & Lee, 2005a, 2005b)"
    assert bibliography.textual(["jones2005zebra"]) == "Jones and Lee (2005b)"
    assert bibliography.parenthetical(["smith2002alone"]) == "(Smith et al., 2002)"
