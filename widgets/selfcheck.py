"""Self-checks: short quizzes that work on the static site and in Jupyter.

A chapter builds its questions in a code cell and shows them::

    from widgets.selfcheck import Choice, MultipleChoice, Numeric, SelfCheck

    SelfCheck("hormesis", [
        Numeric("By how many percent does the default curve peak above the control?",
                answer=BrainCousens().peak_stimulation(), tolerance=2, unit="%",
                right="...", low="...", high="..."),
        MultipleChoice("Which of these is a biphasic curve?", [
            Choice("One that rises, then falls", correct=True, feedback="..."),
            Choice("One that only falls", correct=False, feedback="..."),
        ]),
    ])

Where a question is about a model, pass the model's own result as the answer (as
above), never a number typed by hand: then the answer follows the model when its
defaults change.

The questions are drawn by jupyterquiz (pinned in requirements.txt). Its
JavaScript and stylesheet come from the installed package and are written
inline into the cell's HTML output, so a self-check needs no kernel and no
network: the static site and JupyterLab show the same thing. (HTML allows ``<style>``
only in a page's head: the built site's pages get the block's two style elements moved
there by ``_ext/valid_html.py``; the cell's output keeps them inline, where JupyterLab
needs them.) Three things are added around it, all in this module:

* a root element of our own, ``<div class="self-check" data-self-check=NAME>``,
  so tests and tools can find every self-check whatever jupyterquiz's markup;
* accessibility: each answer group is a labelled radio group, each feedback
  line a polite live region (screen readers announce it), the number box has a
  label, and every piece of feedback starts with a word ("Right.", "Not
  quite.", "Too low.") so that colour is never the only signal;
* colours from the page's theme variables, so self-checks follow the book's
  light and dark modes.

jupyterquiz's own MathJax handling is switched off (`_patched_script`): it can
throw while the page's MathJax loads and falls back to loading MathJax from a
CDN. So question text may not contain ``$`` (there is no mathematics
typesetting inside a self-check: write d′, not $d'$).
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field

from jupyterquiz.dynamic.loader import load_questions_script
from jupyterquiz.dynamic.renderer import build_script, build_styles, render_div

# jupyterquiz's colour variables, mapped to the book theme's (pydata-sphinx-theme),
# then to JupyterLab's (so a dark JupyterLab theme works too), then to plain colours.
_SURFACE = "var(--pst-color-surface, var(--jp-layout-color2, #f3f4f6))"
_BACKGROUND = "var(--pst-color-background, var(--jp-layout-color0, #ffffff))"
_TEXT = "var(--pst-color-text-base, var(--jp-content-font-color1, #222832))"
_COLOURS = {
    "--jq-multiple-choice-bg": _SURFACE,
    "--jq-many-choice-bg": _SURFACE,
    "--jq-numeric-bg": _SURFACE,
    "--jq-string-bg": _SURFACE,
    "--jq-mc-button-bg": _BACKGROUND,
    "--jq-mc-button-border": "var(--pst-color-border, var(--jp-border-color1, #8a8f98))",
    "--jq-mc-button-inset-shadow": "transparent",
    "--jq-numeric-input-bg": _BACKGROUND,
    "--jq-numeric-input-label": _TEXT,
    "--jq-numeric-input-shadow": "transparent",
    "--jq-text-color": _TEXT,
    "--jq-link-color": "var(--pst-color-link, var(--jp-content-link-color, #0a58ca))",
    # Outlines and the left edge of feedback: set per scheme in _STYLE.
    "--jq-correct-color": "var(--self-check-correct, #2e8540)",
    "--jq-incorrect-color": "var(--self-check-incorrect, #c0392b)",
}

# Book-sized type instead of jupyterquiz's 16–20 pt, visible keyboard focus, and
# answer states marked by an outline and a word as well as a tint.
_STYLE = """
.self-check { margin: 1.5rem 0; }
/* Right and wrong marks with at least 3:1 contrast on the question's box and
   the answer buttons: the book's dark mode and a dark JupyterLab theme take the
   theme's lighter success and danger colours (the light ones fall to 2.4:1). */
html[data-theme="dark"] .self-check, body[data-jp-theme-light="false"] .self-check {
  --self-check-correct: #5fb488; --self-check-incorrect: #e78894; }
.self-check .self-check-title { font-weight: 600; margin: 0 0 .25rem; }
.self-check .self-check-how { font-size: .9rem; margin: 0 0 .5rem; }
.self-check .Quiz { font-size: 1rem; line-height: 1.4; max-width: none !important; }
.self-check .Quiz > div:first-child { border: 1px solid var(--pst-color-border, #8a8f98); }
.self-check .MCButton, .self-check .Feedback { font-size: 1rem; }
.self-check .MCButton { color: var(--jq-text-color); text-align: left;
  justify-content: flex-start; position: relative; }
.self-check .MCButton:focus-within { outline: 3px solid var(--pst-color-primary, #0a58ca);
  outline-offset: 2px; }
.self-check .sr-only { position: absolute; width: 1px; height: 1px; margin: -1px;
  padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.self-check .correctButton, .self-check .incorrectButton { animation: none;
  color: var(--jq-text-color); }
.self-check .correctButton, .self-check .incorrectButton { outline-offset: -3px; }
.self-check .correctButton { outline: 3px solid var(--jq-correct-color);
  background: color-mix(in srgb, var(--jq-correct-color) 22%, var(--jq-mc-button-bg)); }
.self-check .incorrectButton { outline: 3px dashed var(--jq-incorrect-color);
  background: color-mix(in srgb, var(--jq-incorrect-color) 18%, var(--jq-mc-button-bg)); }
.self-check .correctButton::after { content: "\\2713\\00a0right"; margin-left: auto;
  padding-left: .75rem; font-weight: 600; }
.self-check .incorrectButton::after { content: "\\2717\\00a0wrong"; margin-left: auto;
  padding-left: .75rem; font-weight: 600; }
.self-check .Feedback { text-align: left; padding: .5rem .75rem; margin-top: .25rem;
  color: var(--jq-text-color); border-left: 4px solid transparent; }
.self-check .Feedback.correct { border-left-color: var(--jq-correct-color);
  color: var(--jq-text-color); }
.self-check .Feedback.incorrect { border-left-color: var(--jq-incorrect-color);
  color: var(--jq-text-color); }
.self-check .Feedback:empty { padding: 0; margin: 0; }
.self-check .InpLabel { font-size: 1rem; float: none; display: block; line-height: 1.4;
  margin: .5rem 0 0; }
.self-check .Input-text { font-size: 1rem; color: var(--jq-text-color);
  border: 1px solid var(--jq-mc-button-border); }
.self-check .Input-text:focus { outline: 3px solid var(--pst-color-primary, #0a58ca); }
"""

# Runs after jupyterquiz has drawn the questions (it draws them synchronously,
# because the container comes before the script in the same output).
_ENHANCE = """
(function () {
  var root = document.getElementById("%(root)s");
  if (!root) return;
  var quizzes = root.querySelectorAll(".Quiz");
  for (var i = 0; i < quizzes.length; i++) {
    var quiz = quizzes[i];
    var question = quiz.querySelector("[id^=quizQn]");
    var answers = quiz.querySelector(".Answer");
    var feedback = quiz.querySelector(".Feedback");
    if (feedback) {
      feedback.setAttribute("role", "status");
      feedback.setAttribute("aria-live", "polite");
    }
    var input = quiz.querySelector("input.Input-text");
    if (input) {
      var label = quiz.querySelector(".InpLabel");
      if (label) {
        label.textContent = "Your answer (type a number, then press Enter):";
        label.setAttribute("for", input.id);
      }
      input.setAttribute("autocomplete", "off");
      // The book prints negatives with a typographic minus (U+2212); a reader
      // who types one gets an ASCII minus, which jupyterquiz understands.
      (function (box) {
        var check = box.onkeypress;
        box.onkeypress = function (event) {
          if (event.key === "\u2212") {
            var at = box.selectionStart || 0;
            box.value = box.value.slice(0, at) + "-" + box.value.slice(box.selectionEnd || at);
            box.setSelectionRange(at + 1, at + 1);
            return false;
          }
          return check.call(box, event);
        };
        // Text that arrives without a key press (an on-screen keyboard, dictation).
        box.addEventListener("input", function () {
          if (box.value.indexOf("\u2212") >= 0) box.value = box.value.replace(/\u2212/g, "-");
        });
      })(input);
      if (question) input.setAttribute("aria-describedby", question.id);
    } else if (answers && question) {
      answers.setAttribute("role", "radiogroup");
      answers.setAttribute("aria-labelledby", question.id);
    }
  }
  root.closest(".self-check").setAttribute("data-ready", "true");
})();
"""

# Two declarations in jupyterquiz's stylesheet (jupyterquiz 2.9.6.4, styles.css, lines 75
# and 97) that are not CSS: there is no property "align", and the stray ")" makes the
# transition's value invalid. Browsers drop both (a number box's computed transition is
# "all 0s"), so removing them changes nothing a reader sees, in JupyterLab or on the site;
# the Nu Html Checker reports them as errors (tests/test_html_valid.py).
_INVALID_CSS = ("    align: left;\n", "    transition: box-shadow 0.1s);\n")


def _patched_styles(styles: str) -> str:
    """jupyterquiz's ``<style>`` without its two declarations that are not CSS.

    If a new jupyterquiz changes its stylesheet, this fails loudly, naming the
    declaration, rather than ship the stylesheet unchecked.
    """
    for declaration in _INVALID_CSS:
        if styles.count(declaration) != 1:
            raise RuntimeError(
                f"jupyterquiz's stylesheet no longer has {declaration.strip()!r} once, as "
                "widgets.selfcheck expects; is the pinned jupyterquiz 2.9.6.4 installed?")
        styles = styles.replace(declaration, "")
    return styles


_CDN_MATHJAX = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-svg.js"
_MATHJAX_TEST = re.compile(r"typeof MathJax\b")
_NO_MATHJAX = "typeof MathJax_is_not_used_in_self_checks"
_NO_PASTE = "inp.onpaste = event => false;"


def _patched_script(script: str) -> str:
    """jupyterquiz's script with every use of MathJax switched off.

    Self-check text has no mathematics (``$`` is refused), and jupyterquiz's
    MathJax code does harm on this site: when the page's MathJax is still
    loading it reads ``MathJax.version[0]`` of a configuration object (a
    TypeError on the page), and when it finds no ``typeset`` it replaces the
    page's MathJax configuration and loads MathJax from a CDN. Every such
    branch starts with a ``typeof MathJax`` test, which is pointed at a name
    that is never defined; the CDN address is removed as well. Its refusal of
    pasted answers is removed too. If a new jupyterquiz changes that code, this
    fails loudly rather than ship it.
    """
    tests = len(_MATHJAX_TEST.findall(script))
    if tests < 5 or script.count(_CDN_MATHJAX) != 2:
        raise RuntimeError(
            "jupyterquiz's MathJax code is not what widgets.selfcheck expects "
            f"({tests} 'typeof MathJax' tests); is the pinned jupyterquiz 2.9.6.4 "
            "installed? Refusing to emit a script that could load MathJax from a CDN")
    script = _MATHJAX_TEST.sub(_NO_MATHJAX, script).replace(_CDN_MATHJAX, "")
    # jupyterquiz also refuses pasted answers. A student who worked a number out in a
    # notebook, or who types with assistive software, must be able to paste it.
    if _NO_PASTE not in script:
        raise RuntimeError("jupyterquiz's number box no longer blocks pasting as "
                           "widgets.selfcheck expects; check the pinned version")
    script = script.replace(_NO_PASTE, "")
    if "onpaste" in script:
        raise RuntimeError("a self-check script still blocks pasting")
    if "://" in script:
        raise RuntimeError("a self-check script still names another host")
    return script


def _text(value: str, name: str) -> str:
    """Question or feedback text, checked and escaped for HTML."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be non-empty text; got {value!r}")
    if "$" in value:
        raise ValueError(f"{name} contains '$' ({value!r}): self-checks have no "
                         "mathematics typesetting; write symbols as text (d′, not $d'$)")
    return html.escape(value.strip(), quote=False)


@dataclass(frozen=True)
class Choice:
    """One answer to a multiple-choice question, with what to say when it is picked."""

    text: str
    correct: bool
    feedback: str

    def __post_init__(self):
        _text(self.text, "Choice text")
        _text(self.feedback, f"feedback for the choice {self.text!r}")
        if not isinstance(self.correct, bool):
            raise ValueError(f"correct must be True or False for the choice {self.text!r}; "
                             f"got {self.correct!r}")


@dataclass(frozen=True)
class MultipleChoice:
    """A question with one right answer among two or more choices.

    Every choice has its own feedback, right or wrong: a student who picks a
    wrong answer learns why it is wrong, not just that it is.
    """

    question: str
    choices: list[Choice] = field(default_factory=list)

    def __post_init__(self):
        _text(self.question, "question")
        if len(self.choices) < 2:
            raise ValueError(f"a multiple-choice question needs at least 2 choices; "
                             f"{self.question!r} has {len(self.choices)}")
        right = sum(choice.correct for choice in self.choices)
        if right != 1:
            raise ValueError(f"a multiple-choice question needs exactly 1 right choice; "
                             f"{self.question!r} has {right}")

    def to_jupyterquiz(self) -> dict:
        return {
            "question": _text(self.question, "question"),
            "type": "multiple_choice",
            "answers": [
                {"answer": _text(c.text, "Choice text"), "correct": c.correct,
                 "feedback": ("Right. " if c.correct else "Not quite. ")
                 + _text(c.feedback, "feedback")}
                for c in self.choices
            ],
        }


def _printed(value: float) -> float:
    """``value`` rounded as `_number` prints it."""
    return float(_number(value).replace("\u2212", "-").replace(",", ""))


def _number(value: float) -> str:
    """A number as the page prints it: up to 3 significant figures, typographic minus."""
    text = f"{value:.3g}"
    if "e" in text:
        text = f"{value:,.0f}"
    return text.replace("-", "\u2212")


@dataclass(frozen=True)
class Numeric:
    """A question answered with a number, right within ``answer ± tolerance``.

    ``right``, ``low`` and ``high`` are the feedback for an answer inside the
    tolerance, below it and above it; each is followed by the model's value and
    the accepted range, so the feedback can never disagree with the answer.
    """

    question: str
    answer: float
    tolerance: float
    right: str
    low: str
    high: str
    unit: str = ""

    def __post_init__(self):
        _text(self.question, "question")
        for name in ("right", "low", "high"):
            _text(getattr(self, name), f"{name!r} feedback")
        for name in ("answer", "tolerance"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number for {self.question!r}; "
                                 f"got {value!r}")
        if self.tolerance <= 0:
            raise ValueError(f"tolerance must be > 0 for {self.question!r}; "
                             f"got {self.tolerance!r}")

    @property
    def accepted(self) -> tuple[float, float]:
        """The accepted range, as printed in the feedback and a little wider.

        The feedback prints its ends to 3 significant figures; an answer typed
        exactly as printed must count, so each end is widened to its printed
        value (and by a hair more, for floating-point round-off).
        """
        low = float(self.answer) - self.tolerance
        high = float(self.answer) + self.tolerance
        low = min(low, _printed(low))
        high = max(high, _printed(high))
        hair = 1e-9 * max(1.0, abs(low), abs(high))
        return (low - hair, high + hair)

    def to_jupyterquiz(self) -> dict:
        low, high = self.accepted
        shown_low = _number(float(self.answer) - self.tolerance)
        shown_high = _number(float(self.answer) + self.tolerance)
        unit = f" {self.unit}" if self.unit else ""
        value = (f" (The model gives {_number(self.answer)}{unit}; answers from "
                 f"{shown_low} to {shown_high}{unit} count.)")
        huge = 1e300  # open ends: JSON has no infinity
        return {
            "question": _text(self.question, "question"),
            "type": "numeric",
            "answers": [
                {"type": "range", "range": [low, high], "correct": True,
                 "feedback": "Right. " + _text(self.right, "feedback") + value},
                {"type": "range", "range": [-huge, low], "correct": False,
                 "feedback": "Too low. " + _text(self.low, "feedback")},
                {"type": "range", "range": [high, huge], "correct": False,
                 "feedback": "Too high. " + _text(self.high, "feedback")},
                {"type": "default", "feedback": "Please type a number, such as 12 or "
                 "0.5 (digits, a point and a leading minus sign only)."},
            ],
        }


_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


class SelfCheck:
    """A few questions shown together, as one block with the class ``self-check``.

    ``name`` identifies the block on its page (lower-case letters, digits and
    hyphens: ``hormesis`` or ``hormesis-2``).
    """

    def __init__(self, name: str, questions: list, title: str | None = None):
        if not isinstance(name, str) or not _NAME.match(name):
            raise ValueError(f"name must be lower-case letters, digits and hyphens, "
                             f"starting with a letter; got {name!r}")
        if not questions:
            raise ValueError(f"self-check {name!r} has no questions")
        for question in questions:
            if not isinstance(question, MultipleChoice | Numeric):
                raise ValueError(f"self-check {name!r}: each question must be a "
                                 f"MultipleChoice or a Numeric; got {type(question).__name__}")
        # The chapter's section is already headed "Check yourself"; the block
        # says what it is and how long, without repeating that heading.
        if title is None:
            title = f"Self-check: {len(questions)} question{'s' if len(questions) > 1 else ''}"
        self.name, self.questions, self.title = name, list(questions), _text(title, "title")

    def to_jupyterquiz(self) -> list[dict]:
        """The questions in jupyterquiz's format, numbered "1.", "2.", ... in order."""
        numbered = []
        for number, question in enumerate(self.questions, 1):
            entry = question.to_jupyterquiz()
            entry["question"] = f"{number}. {entry['question']}"
            numbered.append(entry)
        return numbered

    def html(self) -> str:
        """The block's HTML: our root element around jupyterquiz's, with its script."""
        container = "selfcheck_" + self.name.replace("-", "_")
        prefix, static, url = load_questions_script(self.to_jupyterquiz(), container)
        quiz = (render_div(container, False, False, False, 1_000_000, 900, 6, "left")
                + "</div>" + _patched_styles(build_styles(container, _COLOURS)))
        script = _patched_script(build_script(prefix, static, url, container, True))
        how = ("Pick an answer, or type a number and press Enter. Feedback appears "
               "under each question; try as often as you like. Nothing is recorded.")
        return (
            f'<div class="self-check" data-self-check="{self.name}" role="group" '
            f'aria-labelledby="{container}_title">'
            f'<p class="self-check-title" id="{container}_title">{self.title}</p>'
            f'<p class="self-check-how">{how}</p>'
            f"{quiz}<style>{_STYLE}</style>"
            f"<script>{script}</script>"
            f"<script>{_ENHANCE % {'root': container}}</script>"
            "<noscript><p>These questions need JavaScript.</p></noscript>"
            "</div>")

    def plain_text(self) -> str:
        lines = [f"{self.title} ({len(self.questions)} questions; they need a browser "
                 "view of this notebook, such as JupyterLab)"]
        lines += [f"{i}. {html.unescape(_text(q.question, 'question'))}"
                  for i, q in enumerate(self.questions, 1)]
        return "\n".join(lines)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.html(), "text/plain": self.plain_text()}
