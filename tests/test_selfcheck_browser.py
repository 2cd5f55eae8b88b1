"""Every self-check on the built site, in Chromium: it answers, and keyboard alone can answer it.

For each question of each self-check: a right answer and a wrong answer each
give their own feedback, led by a word (so colour is never the only signal);
then the same questions are answered with the keyboard only (Tab, arrows,
Space, typing, Enter). The right answers are read from the page itself
(``data-correct`` on each choice, ``data-answers`` on each number box), which
the book computes from its models when it builds.
"""

from __future__ import annotations

import json
import re

import pytest

from .test_browser import DESKTOP, PHONE, open_page

pytestmark = pytest.mark.browser

CONTENT_CHAPTERS = ("hormesis", "attention", "reading-faces", "faces-side-by-side",
                    "attachment", "tom-and-mary", "evidence", "real-studies")
MIN_QUESTIONS = 3


def pages_with_self_checks(site) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if "_static" not in p.parts and 'class="self-check"' in p.read_text())


def test_every_content_chapter_has_at_least_three_self_check_questions(site):
    counts = {}
    for chapter in CONTENT_CHAPTERS:
        text = (site / "chapters" / f"{chapter}.html").read_text()
        blocks = re.findall(r'var questions(selfcheck_\w+)=(\[.*?\]);\n', text, re.S)
        counts[chapter] = sum(len(json.loads(questions)) for _, questions in blocks)
    assert all(n >= MIN_QUESTIONS for n in counts.values()), counts


def _ready(page):
    page.wait_for_function(
        "[...document.querySelectorAll('.self-check')].every(b => b.dataset.ready)")
    return page.locator(".self-check")


def _feedback(quiz):
    return quiz.locator(".Feedback").inner_text().strip()


def _numbers(quiz):
    """(a right answer, a wrong answer above the accepted range) for a number box."""
    answers = json.loads(quiz.locator("input.Input-text").get_attribute("data-answers"))
    low, high = next(a["range"] for a in answers if a.get("type") == "range" and a["correct"])
    return (low + high) / 2, high + (high - low) + 1


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_right_and_wrong_answers_each_give_their_feedback(browser, server, site, viewport):
    pages = pages_with_self_checks(site)
    assert {f"chapters/{c}.html" for c in CONTENT_CHAPTERS} <= set(pages)
    checked = 0
    for path in pages:
        context, page, watch = open_page(browser, server, path, viewport)
        blocks = _ready(page)
        for b in range(blocks.count()):
            quizzes = blocks.nth(b).locator(".Quiz")
            assert quizzes.count() >= 1
            for q in range(quizzes.count()):
                quiz = quizzes.nth(q)
                where = f"{path}, self-check {b + 1}, question {q + 1}"
                status = quiz.locator(".Feedback")
                assert status.get_attribute("role") == "status", where
                assert status.get_attribute("aria-live") == "polite", where
                if quiz.locator("input.Input-text").count():
                    right, wrong = _numbers(quiz)
                    box = quiz.locator("input.Input-text")
                    assert quiz.locator(f"label[for='{box.get_attribute('id')}']").count(), where
                    box.fill(f"{wrong:.6g}")
                    box.press("Enter")
                    assert _feedback(quiz).startswith("Too high."), where
                    box.fill(f"{right:.6g}")
                    box.press("Enter")
                    assert _feedback(quiz).startswith("Right."), where
                    assert "The model gives" in _feedback(quiz), where
                else:
                    group = quiz.locator(".Answer")
                    assert group.get_attribute("role") == "radiogroup", where
                    assert group.get_attribute("aria-labelledby"), where
                    choices = quiz.locator("label.MCButton")
                    said = set()
                    for c in range(choices.count()):
                        choice = choices.nth(c)
                        choice.scroll_into_view_if_needed()
                        choice.click()
                        text = _feedback(quiz)
                        expected = "Right." if choice.get_attribute("data-correct") == "true" \
                            else "Not quite."
                        assert text.startswith(expected), (where, c, text)
                        assert len(text) > len(expected) + 10, (where, c, text)
                        said.add(text)
                    # Each choice explains itself: no two choices say the same thing.
                    assert len(said) == choices.count(), (where, said)
                checked += 1
        assert not watch.problems(), (path, watch.problems())
        context.close()
    assert checked >= MIN_QUESTIONS * len(CONTENT_CHAPTERS)


def _focus_inside(page, root, limit=2000):
    """Press Tab until the keyboard focus is inside ``root``; fail if it never gets there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if root.evaluate("(el) => el.contains(document.activeElement)"):
            return
    raise AssertionError("Tab never reached the self-check")


def _active(page, expression):
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {expression}; }})()")


@pytest.mark.parametrize("chapter", CONTENT_CHAPTERS)
def test_keyboard_alone_can_answer_every_question(browser, server, site, chapter):
    context, page, watch = open_page(browser, server, f"chapters/{chapter}.html", DESKTOP)
    blocks = _ready(page)
    assert blocks.count() >= 1
    for b in range(blocks.count()):
        root = blocks.nth(b)
        quizzes = root.locator(".Quiz")
        _focus_inside(page, root)
        for q in range(quizzes.count()):
            quiz = quizzes.nth(q)
            where = f"{chapter}, self-check {b + 1}, question {q + 1}"
            assert quiz.evaluate("(el) => el.contains(document.activeElement)"), \
                (where, _active(page, "el.outerHTML.slice(0, 200)"))
            if _active(page, "el.type") == "text":
                right, _ = _numbers(quiz)
                # As the book prints it: a negative number with a typographic minus.
                page.keyboard.type(f"{right:.6g}".replace("-", "\u2212"))
                page.keyboard.press("Enter")
            else:
                # Space checks the focused choice; arrows move through the group
                # (each move checks the choice it lands on, as radio buttons do).
                page.keyboard.press("Space")
                n = quiz.locator("label.MCButton").count()
                for _ in range(n):
                    if _active(page, "el.closest('label').dataset.correct") == "true":
                        break
                    page.keyboard.press("ArrowDown")
                assert _active(page, "el.closest('label').dataset.correct") == "true", where
            assert _feedback(quiz).startswith("Right."), (where, _feedback(quiz))
            # After a right number, jupyterquiz itself moves the focus on to the
            # next number box; otherwise Tab moves on.
            if q + 1 < quizzes.count() and not quizzes.nth(q + 1).evaluate(
                    "(el) => el.contains(document.activeElement)"):
                page.keyboard.press("Tab")
    assert not watch.problems(), watch.problems()
    context.close()
