"""booktools.course: objectives and time estimates read from chapter sources, and the
instructors' page's links to explorer settings (no build, no browser: seconds)."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest

from booktools import course
from booktools.course import (
    Counts,
    CourseError,
    Rates,
    check_permalink,
    count_activities,
    estimate_time,
    learning_objectives,
    read_chapter,
)
from widgets.explorers import ALL_EXPLORERS, EXPLORER_PAGES

ROOT = Path(__file__).resolve().parent.parent
INSTRUCTORS = ROOT / "chapters" / "instructors.md"
CONTENT = ("hormesis", "attention", "reading-faces", "faces-side-by-side", "attachment",
           "tom-and-mary", "evidence", "real-studies")

# A chapter in miniature. Words of prose, counted by hand as count_activities should:
#   "Fixture chapter" 2; "One two three four five (cite) six." 5 + 2 + 1 = 8;
#   "After this chapter you can" 5; "name the first" 3; "objective across two lines;" 4;
#   "state the second." 3; "Compute $x$ now." 3; "Explain why." 2.  Total 30.
# Not prose: the front matter, directive lines and options, the equation, code, and
# everything between solution-start and solution-end.
FIXTURE = """---
jupytext:
  text_representation:
    extension: .md
kernelspec:
  name: python3
---

# Fixture chapter

One two three four five {cite:p}`key2020` six.

:::{admonition} Learning objectives
:class: tip
After this chapter you can

1. name the first
   objective across two lines;
2. state the second.
:::

$$
y = x^2
$$

```{code-cell} ipython3
:tags: [remove-cell]

hidden = 1
```

```{code-cell} ipython3
shown = 1
print(shown)
```

```{code-cell} ipython3
---
tags: [hide-input]
---
from widgets.explorers import HormesisExplorer

HormesisExplorer()
```

:::{exercise}
:label: ex-code

Compute $x$ now.
:::

:::{solution-start} ex-code
:class: dropdown
:::

Solution words are never counted as reading, however many there are.

```{code-cell} ipython3
answer = 2
```

:::{solution-end}
:::

:::{exercise}
:label: ex-words

Explain why.
:::

:::{solution-start} ex-words
:class: dropdown
:::

Because.

:::{solution-end}
:::

```{code-cell} ipython3
:tags: [remove-input]

SelfCheck("fixture", [
    Numeric("How many?", answer=2),
    MultipleChoice("Which?", [Choice("a", correct=True), Choice("b")]),
])
```
"""

FIXTURE_COUNTS = Counts(prose_words=30, equations=1, code_lines=2, coding_exercises=1,
                        written_exercises=1, explorers=1, self_checks=1,
                        self_check_questions=2)


# --- Learning objectives -----------------------------------------------------------------

def test_objectives_are_the_numbered_items_with_continuations_joined():
    assert learning_objectives(FIXTURE) == (
        "name the first objective across two lines;", "state the second.")


def test_a_chapter_without_objectives_is_an_error_naming_the_file(tmp_path):
    chapter = tmp_path / "no-objectives.md"
    chapter.write_text(FIXTURE.replace("Learning objectives", "Before you start"))
    with pytest.raises(CourseError, match=r"no-objectives\.md: no learning objectives"):
        read_chapter(chapter)


@pytest.mark.parametrize(("change", "message"), [
    (("2. state", "3. state"), r"numbered \[1, 3\]"),
    (("1. name the first\n   objective across two lines;\n2. state the second.\n", "Prose.\n"),
     "no numbered list"),
    (("2. state the second.\n:::", "2. state the second.\n"), "never closed"),
    (("# Fixture chapter", "# Fixture chapter\n\n:::{admonition} Learning objectives\n1. a\n:::"),
     "2 learning-objectives blocks"),
])
def test_malformed_objectives_are_errors_naming_the_file(tmp_path, change, message):
    chapter = tmp_path / "broken.md"
    chapter.write_text(FIXTURE.replace(*change))
    with pytest.raises(CourseError, match=rf"broken\.md: .*{message}"):
        read_chapter(chapter)


def test_a_chapter_without_a_title_is_an_error(tmp_path):
    chapter = tmp_path / "untitled.md"
    chapter.write_text(FIXTURE.replace("# Fixture chapter", "Fixture chapter"))
    with pytest.raises(CourseError, match=r"untitled\.md: no '# ' title"):
        read_chapter(chapter)


def test_the_content_chapters_are_the_eight_in_the_table_of_contents():
    assert [p.stem for p in course.content_chapters()] == list(CONTENT)


@pytest.mark.parametrize("slug", CONTENT)
def test_every_content_chapter_has_objectives_taken_word_for_word(slug):
    chapter = read_chapter(ROOT / "chapters" / f"{slug}.md")
    assert chapter.title and len(chapter.objectives) >= 3
    # Each objective is in the chapter's own text (whitespace aside): parsed, not invented.
    flat = " ".join(chapter.text.split())
    for objective in chapter.objectives:
        assert objective in flat


def test_the_objectives_table_lists_every_chapter_and_objective():
    chapters = [read_chapter(p) for p in course.content_chapters()]
    table = course.objectives_table(chapters)
    for chapter in chapters:
        assert f"[{chapter.title}]({chapter.slug}.md)" in table
        for k, objective in enumerate(chapter.objectives, start=1):
            assert f"{k}. {objective}" in table
    assert 'style="overflow-x: auto"' in table  # scrolls in its box on a phone


# --- Counting and time -------------------------------------------------------------------

def test_the_fixture_is_counted_as_by_hand():
    assert count_activities(FIXTURE) == FIXTURE_COUNTS


def test_words_in_solutions_and_code_do_not_count_as_prose():
    longer = FIXTURE.replace("Because.", "Because " + "word " * 500 + ".")
    longer = longer.replace("answer = 2", "answer = 2\n" + "x = 1\n" * 50)
    assert count_activities(longer) == FIXTURE_COUNTS
    more_prose = FIXTURE.replace("Explain why.", "Explain why: one two three four five six "
                                 "seven eight nine ten.")
    assert count_activities(more_prose).prose_words == 30 + 10


def test_a_role_or_inline_maths_over_two_lines_counts_as_it_reads():
    # As MyST reads them: "Explain", the citation as two words ("Author Year"), "and",
    # the maths as one: 5 words where "Explain why." had 2.
    split = FIXTURE.replace("Explain why.", "Explain {cite:p}`a2020,\nb2021` and $x +\ny$.")
    assert count_activities(split).prose_words == 30 - 2 + 5


def test_a_visible_code_cell_and_an_extra_equation_are_counted():
    extra = FIXTURE + "\n```{code-cell} ipython3\na = 1\nb = 2\n\nc = 3\n```\n\n$$\nz\n$$\n"
    counts = count_activities(extra)
    assert (counts.code_lines, counts.equations) == (2 + 3, 1 + 1)


def test_estimates_are_the_counts_times_the_rates():
    counts = Counts(prose_words=600, equations=2, code_lines=20, coding_exercises=3,
                    written_exercises=2, explorers=4, self_checks=1, self_check_questions=5)
    rates = Rates(words_per_minute=(300, 200, 100), equation=(1, 2, 3),
                  code_lines_per_minute=(20, 10, 5), coding_exercise=(10, 20, 30),
                  written_exercise=(5, 10, 15), explorer=(2, 4, 6), self_check_question=(1, 2, 3))
    estimate = estimate_time(counts, rates)
    assert estimate.reading == (600 / 300 + 2 + 1, 600 / 200 + 4 + 2, 600 / 100 + 6 + 4)
    assert estimate.doing == (30 + 10 + 8 + 5, 60 + 20 + 16 + 10, 90 + 30 + 24 + 15)
    assert estimate.total == tuple(r + d for r, d in zip(estimate.reading, estimate.doing,
                                                         strict=True))


def test_the_books_rates_order_fast_typical_slow():
    estimate = estimate_time(FIXTURE_COUNTS)
    for values in (estimate.reading, estimate.doing, estimate.total):
        assert values[0] < values[1] < values[2]


@pytest.mark.parametrize(("minutes", "rounded"), [(0, 0), (0.4, 5), (7.4, 5), (7.5, 10),
                                                   (12.6, 15), (61, 60)])
def test_minutes_are_rounded_to_fives(minutes, rounded):
    assert course.round_minutes(minutes) == rounded


def test_the_time_table_has_a_row_per_chapter_and_the_sums():
    chapters = [read_chapter(p) for p in course.content_chapters()]
    table = course.time_table(chapters)
    rows = [line for line in table.splitlines() if line.startswith("| [")]
    assert [re.search(r"\]\((.*?)\.md\)", row)[1] for row in rows] == list(CONTENT)
    total = course.total_minutes(chapters).total[1]
    assert f"**{course.round_minutes(total)} (" in table.splitlines()[-1]
    assert f"about {course.hours(total)} hours" in table.splitlines()[-1]
    counts = course.counts_table(chapters).splitlines()[2:]
    for row, chapter in zip(counts, chapters, strict=True):
        c = course.count_activities(chapter.text)
        assert row.startswith(f"| [{chapter.title}]") and f"| {c.prose_words:,} |" in row


@pytest.mark.parametrize(("minutes", "text"), [(630, "10.5"), (470, "8"), (449, "7.5"),
                                               (0, "0")])
def test_hours_are_rounded_to_half_hours(minutes, text):
    assert course.hours(minutes) == text


# --- Setup files ---------------------------------------------------------------------------

def test_setup_is_read_from_the_repository_files():
    pins = course.requirements()
    assert "-e ." in pins and any(p.startswith("jupytext==") for p in pins)
    assert all(not p.startswith("#") for p in pins)
    viewers = course.lab_overrides()["@jupyterlab/docmanager-extension:plugin"]
    assert viewers["defaultViewers"]["markdown"] == "Jupytext Notebook"
    cited = course.citation()
    assert cited["version"] == "0.1.0" and "CC-BY-4.0" in cited["licences"]


def test_a_postbuild_without_the_settings_is_an_error(tmp_path):
    script = tmp_path / "postBuild"
    script.write_text("#!/bin/sh\necho nothing\n")
    with pytest.raises(CourseError, match="no overrides.json"):
        course.lab_overrides(script)


def test_the_binder_link_opens_the_chapter_in_jupyterlab():
    url = course.binder_url("hormesis")
    assert url.startswith("https://mybinder.org/v2/gh/")
    assert url.endswith("?urlpath=lab/tree/chapters/hormesis.md")


# --- Links to explorer settings ------------------------------------------------------------

def test_a_link_with_every_control_on_its_grid_is_accepted():
    name, values = check_permalink("explorer-gallery.html#hormesis?hormesis=50&slope=3&dose=4")
    assert (name, values) == ("hormesis", {"hormesis": 50, "slope": 3, "dose": 4})


@pytest.mark.parametrize(("href", "message"), [
    ("x.html#hormesis?hormesis=55&slope=3&dose=4", "not on the grid"),
    ("x.html#hormesis?hormesis=50&slope=3", "expected each of"),
    ("x.html#hormesis?hormesis=50&slope=3&dose=4&dose=4", "expected each of"),
    ("x.html#hormesis?hormesis=50&slope=3&dose=four", "not a number"),
    ("x.html#hormones?hormesis=50", "no explorer called"),
    ("x.html#hormesis", "no settings"),
])
def test_a_link_that_would_show_a_notice_is_refused(href, message):
    with pytest.raises(CourseError, match=message):
        check_permalink(href)


def test_a_link_to_an_explorer_on_a_page_that_does_not_show_it_is_refused():
    # The side-by-side explorer ("reading-faces") moved to its own chapter (issue 23): a
    # link to it on the old chapter's page would open a page without it.
    setting = "reading-faces?threshold=1.5&onset=0.5&salience_gain=0.5&speedup=0.4"
    with pytest.raises(CourseError, match=r"is on faces-side-by-side\.html"):
        check_permalink(f"reading-faces.html#{setting}")
    for page in ("faces-side-by-side.html", "explorer-gallery.html", ""):
        assert check_permalink(f"{page}#{setting}")[0] == "reading-faces"


def test_every_link_on_the_instructors_page_restores_an_exact_setting():
    links = course.permalinks(INSTRUCTORS.read_text(encoding="utf-8"))
    assert len(links) >= 8
    pages = {name: Path(page).name for name, page in EXPLORER_PAGES.items()}
    used = set()
    for href in links:
        name, _ = check_permalink(href)
        used.add(name)
        # The explorer is on the page the link opens: the gallery, or its chapter.
        assert Path(href.split("#")[0]).name in {"explorer-gallery.html", pages[name]}, href
    assert len(used) >= 4, used
    assert {cls.name for cls in ALL_EXPLORERS} >= used


def test_the_answer_keys_list_each_link_with_its_readout():
    links = ["hormesis.html#hormesis?hormesis=0&slope=3&dose=2",
             "hormesis.html#hormesis?hormesis=50&slope=3&dose=6"]
    dropdown = course.readouts_dropdown("Key", links, after="See {doc}`hormesis`.")
    assert dropdown.startswith(":::{dropdown} Key\n") and dropdown.endswith("\n:::")
    for href in links:
        assert f'<a href="{href.replace("&", "&amp;")}">' in dropdown
        # The readout's words, as raw HTML (no blank line, so no Markdown inside), are the
        # explorer's own.
        assert f'<span class="readout-key">{html.escape(course.readout(href))}</span>' in dropdown
    assert "\n\n" not in dropdown.split("</ul>")[0]
    assert "See {doc}`hormesis`." in dropdown
    with pytest.raises(CourseError, match="no links"):
        course.readouts_dropdown("Key", [])


def test_each_section_of_the_page_has_its_links():
    for heading, at_least in (("Lesson plan: a 50-minute class", 6),
                              ('Assignment 1: Is oxytocin "hormetic"?', 4),
                              ("Assignment 2: Would a study see Mary's Mr. Hyde?", 6)):
        assert len(course.section_links(heading)) >= at_least, heading
    with pytest.raises(CourseError, match="no section"):
        course.section_links("No such section")


def test_importing_the_module_loads_neither_models_nor_yaml():
    code = ("import sys, booktools.course; "
            "print(any(m == 'yaml' or m.startswith('widgets.models') for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
