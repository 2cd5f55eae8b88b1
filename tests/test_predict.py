"""Predict before reveal: no "Predict first" question's answer on the page above it.

The fast tests check the checker on small made-up pages, including a deliberately leaked
answer; the build test checks every chapter of the built book.
"""

from pathlib import Path

import pytest

from booktools.predict import glued_texts, leaks, prompts, split_page
from booktools.student import read_glue

ROOT = Path(__file__).resolve().parent.parent
#: Every chapter with an explorer asks for predictions before it.
CHAPTERS_WITH_PROMPTS = ("hormesis", "attention", "attachment", "reading-faces",
                         "faces-side-by-side", "tom-and-mary", "evidence", "real-studies")

SOURCE = """\
Some text.

:::{admonition} Predict first
:class: important
1. Will the curve rise?
2. By how much?
<!-- answers 1: "only falls" -->
<!-- answers 2: glue:peak -->
:::

More text.
"""


def page(above: str, below: str) -> str:
    return f"""<html><body><article class="bd-article">
<p>{above}</p>
<div class="cell docutils container"><div class="cell_input"><pre>peak = 0.65</pre></div>
<div class="cell_output"><pre>printed</pre></div></div>
<div class="admonition important"><p class="admonition-title">Predict first</p>
<ol><li>Will the curve rise?</li><li>By how much? only falls</li></ol></div>
<details><summary>Reveal</summary><p>{below}</p></details>
</article></body></html>"""


def check(above: str, below: str, peak: str = "0.65") -> list[str]:
    declared = prompts(SOURCE)
    return leaks(declared, split_page(page(above, below)), {"peak": peak})


def test_the_declarations_are_read():
    (box,) = prompts(SOURCE)
    assert box.questions == (1, 2)
    assert box.answers[1][0].phrase == "only falls"
    assert box.answers[2][0].glue == "peak"


def test_a_page_that_keeps_its_answers_below_passes():
    assert check("The curve has a bump.", "It only falls; the peak is 0.65.") == []


def test_a_leaked_answer_is_caught():
    problems = check("Note that the curve only falls.", "It only falls; the peak is 0.65.")
    assert len(problems) == 1 and "question 1" in problems[0] and "above" in problems[0]


def test_a_leaked_number_in_a_printed_output_is_caught():
    leaked = page("Text.", "It only falls; the peak is 0.65.").replace(
        "<pre>printed</pre>", "<pre>peak: 0.65</pre>")
    problems = leaks(prompts(SOURCE), split_page(leaked), {"peak": "0.65"})
    assert len(problems) == 1 and "0.65" in problems[0]


def test_code_inputs_are_not_read_as_answers():
    # The made-up page's code input holds "0.65"; only text and outputs count.
    assert check("Text.", "It only falls; the peak is 0.65.") == []


def test_an_answer_never_given_below_is_caught():
    problems = check("Text.", "It only falls.")
    assert len(problems) == 1 and "never given below" in problems[0]


def test_the_question_itself_does_not_count_as_its_answer():
    # "only falls" is in the box (see page()), not below it.
    problems = check("Text.", "The peak is 0.65.")
    assert len(problems) == 1 and "only falls" in problems[0]


def test_numbers_match_whole():
    assert check("A peak of 10.65 or 0.655 elsewhere.", "It only falls at 0.65.") == []
    assert check("The peak is −0.65.", "It only falls at 0.65.") != []


def test_a_question_without_an_answer_is_caught():
    source = SOURCE.replace('<!-- answers 1: "only falls" -->\n', "")
    problems = leaks(prompts(source), split_page(page("Text.", "0.65")), {"peak": "0.65"})
    assert problems == ["Predict first box at line 3: question 1 declares no answer"]


def test_a_bad_item_is_refused():
    with pytest.raises(ValueError, match="neither"):
        prompts(SOURCE.replace('"only falls"', "only falls"))


@pytest.mark.parametrize("chapter", CHAPTERS_WITH_PROMPTS)
def test_every_chapter_asks_before_it_answers(site, chapter):
    declared = prompts((ROOT / "chapters" / f"{chapter}.md").read_text(encoding="utf-8"))
    assert declared, f"{chapter} has no Predict first box"
    glue = read_glue(site.parent / "jupyter_execute" / "chapters" / f"{chapter}.glue.json")
    html = (site / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
    assert leaks(declared, split_page(html), glued_texts(glue, declared)) == []
