"""widgets.selfcheck: questions are checked, answers follow the model, nothing leaves the page.

The browser side (right and wrong feedback, keyboard alone) is in
test_selfcheck_browser.py, on the built site.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jupyterquiz
import pytest

from widgets.selfcheck import Choice, MultipleChoice, Numeric, SelfCheck, _patched_script


def _questions(block: SelfCheck) -> list[dict]:
    """The question list as the page's script receives it (parsed from the HTML)."""
    match = re.search(r"var questions\w+=(\[.*?\]);\n", block.html(), re.S)
    assert match, "no question list in the self-check's script"
    return json.loads(match.group(1))


def _mc(correct_first=True):
    return MultipleChoice("Which curve is biphasic?", [
        Choice("Rises, then falls", correct=correct_first, feedback="Two phases."),
        Choice("Only falls", correct=not correct_first, feedback="One phase."),
    ])


# --- a fixture model, not the book's: its default decides the right answer ---------

class ToyCurve:
    """A stand-in for a book model: the answer to its question is its peak."""

    default_height = 40.0

    def __init__(self, height=None):
        self.height = self.default_height if height is None else height

    def peak(self) -> float:
        return 1.5 * self.height


def toy_selfcheck() -> SelfCheck:
    """How a chapter writes a model question: the answer comes from the model."""
    curve = ToyCurve()
    return SelfCheck("toy", [
        Numeric("How high does the default curve peak?", answer=curve.peak(), tolerance=1,
                right="That is the peak.", low="Below the peak.", high="Above the peak."),
        MultipleChoice("Is the peak above 70?", [
            Choice("Yes", correct=curve.peak() > 70, feedback="Compare the peak with 70."),
            Choice("No", correct=not curve.peak() > 70, feedback="Compare the peak with 70."),
        ]),
    ])


def test_a_model_computed_answer_follows_the_model_default(monkeypatch):
    before = _questions(toy_selfcheck())
    monkeypatch.setattr(ToyCurve, "default_height", 60.0)
    after = _questions(toy_selfcheck())

    accepted = lambda q: q["answers"][0]["range"]  # noqa: E731
    assert accepted(before[0]) == pytest.approx([59.0, 61.0])
    assert accepted(after[0]) == pytest.approx([89.0, 91.0])
    right = lambda q: [a["answer"] for a in q["answers"] if a["correct"]]  # noqa: E731
    assert right(before[1]) == ["No"] and right(after[1]) == ["Yes"]


def test_every_choice_carries_its_own_feedback_led_by_a_word():
    question = _questions(SelfCheck("demo", [_mc()]))[0]
    assert question["type"] == "multiple_choice"
    feedback = {a["answer"]: a["feedback"] for a in question["answers"]}
    assert feedback == {"Rises, then falls": "Right. Two phases.",
                        "Only falls": "Not quite. One phase."}


def test_numeric_feedback_names_the_model_value_and_the_accepted_range():
    block = SelfCheck("demo", [Numeric("Peak?", answer=43.21, tolerance=2, unit="%",
                                       right="Yes.", low="Low.", high="High.")])
    answers = _questions(block)[0]["answers"]
    right, low, high, default = answers
    # The printed range is 41.2 to 45.2 %: typing either printed end counts.
    assert right["range"] == pytest.approx([41.2, 45.21]) and right["correct"]
    assert right["feedback"].startswith("Right. Yes.")
    assert "43.2 %" in right["feedback"] and "41.2 to 45.2 %" in right["feedback"]
    assert low["range"][1] == right["range"][0] and not low["correct"]
    assert low["feedback"] == "Too low. Low."
    assert high["range"][0] == right["range"][1] and high["feedback"] == "Too high. High."
    assert default["type"] == "default" and "number" in default["feedback"]


@pytest.mark.parametrize("answer, tolerance", [(-0.58, 0.005), (0.1 + 0.2, 0.1), (43.21, 2)])
def test_both_printed_ends_of_the_range_are_accepted(answer, tolerance):
    low, high = Numeric("Q?", answer=answer, tolerance=tolerance, right="r", low="l",
                        high="h").accepted
    for end in (answer - tolerance, answer + tolerance):
        printed = float(f"{end:.3g}")
        assert low <= printed <= high, (printed, low, high)
    assert low <= answer - tolerance and answer + tolerance <= high


def test_negative_numbers_are_printed_with_a_typographic_minus():
    block = SelfCheck("demo", [Numeric("Change?", answer=-2.5, tolerance=0.5,
                                       right="Yes.", low="Low.", high="High.")])
    assert "The model gives \u22122.5" in _questions(block)[0]["answers"][0]["feedback"]


def test_questions_are_numbered_in_order():
    numbered = [q["question"] for q in _questions(SelfCheck("demo", [_mc(), _mc(False)]))]
    assert numbered == ["1. Which curve is biphasic?", "2. Which curve is biphasic?"]


@pytest.mark.parametrize("make, message", [
    (lambda: MultipleChoice("Q?", [Choice("A", True, "f")]), "at least 2 choices"),
    (lambda: MultipleChoice("Q?", [Choice("A", True, "f"), Choice("B", True, "f")]),
     "exactly 1 right choice; 'Q?' has 2"),
    (lambda: MultipleChoice("Q?", [Choice("A", False, "f"), Choice("B", False, "f")]),
     "exactly 1 right choice; 'Q?' has 0"),
    (lambda: Choice("A", True, ""), "feedback for the choice 'A'"),
    (lambda: Choice("A", 1, "f"), "correct must be True or False"),
    (lambda: MultipleChoice("What is $d'$?", [Choice("A", True, "f"), Choice("B", False, "f")]),
     "contains '$'"),
    (lambda: Numeric("Q?", answer=float("nan"), tolerance=1, right="r", low="l", high="h"),
     "answer must be a finite number for 'Q?'; got nan"),
    (lambda: Numeric("Q?", answer=1, tolerance=0, right="r", low="l", high="h"),
     "tolerance must be > 0 for 'Q?'; got 0"),
    (lambda: Numeric("Q?", answer=1, tolerance=1, right="r", low="", high="h"),
     "'low' feedback"),
    (lambda: SelfCheck("Bad name", [_mc()]), "got 'Bad name'"),
    (lambda: SelfCheck("empty", []), "has no questions"),
    (lambda: SelfCheck("odd", ["not a question"]), "got str"),
])
def test_bad_input_is_refused_with_a_message_that_names_it(make, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make()


def test_text_is_escaped_not_injected():
    block = SelfCheck("demo", [MultipleChoice("Is 2 < 3 & 3 > 2?", [
        Choice("<script>alert(1)</script>", True, "fine"), Choice("No", False, "no")])])
    question = _questions(block)[0]
    assert question["question"] == "1. Is 2 &lt; 3 &amp; 3 &gt; 2?"
    assert question["answers"][0]["answer"] == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_the_block_has_its_root_class_and_runs_nothing_from_another_host():
    html = toy_selfcheck().html()
    assert html.startswith('<div class="self-check" data-self-check="toy"')
    assert "://" not in html
    assert "cdn.jsdelivr" not in html


def test_the_cdn_patch_is_needed_and_fails_loudly_if_jupyterquiz_moves():
    from jupyterquiz.dynamic.loader import load_questions_script
    from jupyterquiz.dynamic.renderer import build_script

    prefix, static, url = load_questions_script([], "x")
    raw = build_script(prefix, static, url, "x", True)
    assert "cdn.jsdelivr.net" in raw  # unpatched, jupyterquiz would load MathJax from a CDN
    assert "cdn.jsdelivr.net" not in _patched_script(raw)
    assert re.search(r"typeof MathJax\b", _patched_script(raw)) is None
    with pytest.raises(RuntimeError, match="MathJax code is not what"):
        _patched_script(raw.replace("typeof MathJax", "typeof window.MathJax"))


def test_pasting_an_answer_is_allowed_and_the_patch_fails_loudly_if_jupyterquiz_moves():
    from jupyterquiz.dynamic.loader import load_questions_script
    from jupyterquiz.dynamic.renderer import build_script

    prefix, static, url = load_questions_script([], "x")
    raw = build_script(prefix, static, url, "x", True)
    assert "onpaste" in raw  # unpatched, jupyterquiz refuses pasted answers
    assert "onpaste" not in _patched_script(raw)
    with pytest.raises(RuntimeError, match="blocks pasting"):
        _patched_script(raw.replace("inp.onpaste = event => false;",
                                    "inp.onpaste = (event) => false;"))


def test_the_pinned_jupyterquiz_is_installed():
    requirements = (Path(__file__).resolve().parent.parent / "requirements.txt").read_text()
    pinned = re.search(r"^jupyterquiz==(\S+)$", requirements, re.M)
    assert pinned and jupyterquiz.__version__ == pinned.group(1)


def test_jupyter_gets_html_and_a_plain_text_fallback():
    bundle = toy_selfcheck()._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    assert bundle["text/plain"].splitlines()[1] == "1. How high does the default curve peak?"
