"""Predict before reveal: no prompt's answer may appear on the page above the prompt.

Every "Predict first" box in a chapter declares, for each numbered question, the distinctive
numbers or phrases that answer it, in HTML comments (which neither the page, nor Jupyter's
rendering of the chapter in Binder, nor a student notebook shows)::

    :::{admonition} Predict first
    :class: important
    1. Set the low-dose stimulation ...
    2. ...
    <!-- answers 1: glue:bump_gone_at_dose_one | "over before dose 1" -->
    <!-- answers 2: "never its direction" -->
    :::

An item is either ``glue:NAME`` (or ``glue:NAME:SPEC``, with the format spec the page uses),
the value the chapter glues under that name as the page shows it, or a phrase in double quotes.
:func:`leaks` then reads the built page: every declared answer must be absent from the text
and printed outputs above its box (code inputs are not read: they are settings, not answers)
and present below it, where the reveal gives it. The second rule keeps the declarations honest:
an answer the page never gives is not an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Prompt", "prompts", "leaks", "split_page", "glued_texts", "normalise"]

_BOX_START = re.compile(r"^:{3,}\{admonition\}\s*Predict first\s*$")
_BOX_END = re.compile(r"^:{3,}\s*$")
_QUESTION = re.compile(r"^(\d+)\.\s")
_ANSWERS = re.compile(r"^<!--\s*answers\s+(\d+)\s*:\s*(.+?)\s*-->$")
_ITEM = re.compile(r'\s*(?:"(?P<phrase>[^"]+)"|glue:(?P<name>[\w-]+)(?::(?P<spec>[^|\s]+))?)\s*')
MARKER = "\u2063PREDICT-FIRST-BOX\u2063"
END = "\u2063PREDICT-FIRST-END\u2063"


@dataclass(frozen=True)
class Answer:
    """One declared answer: a phrase, or the name (and format spec) of a glued value."""

    phrase: str | None = None
    glue: str | None = None
    spec: str = ""


@dataclass(frozen=True)
class Prompt:
    """A "Predict first" box in a chapter's source: its line and declared answers."""

    line: int
    questions: tuple[int, ...]
    answers: dict[int, tuple[Answer, ...]]


def prompts(markdown: str) -> list[Prompt]:
    """Every "Predict first" box of a chapter's MyST source, in page order."""
    found, box = [], None
    for number, line in enumerate(markdown.splitlines(), start=1):
        stripped = line.strip()
        if box is None:
            if _BOX_START.match(stripped):
                box = {"line": number, "questions": [], "answers": {}}
            continue
        if _BOX_END.match(stripped):
            found.append(Prompt(box["line"], tuple(box["questions"]), box["answers"]))
            box = None
        elif question := _QUESTION.match(stripped):
            box["questions"].append(int(question.group(1)))
        elif declared := _ANSWERS.match(stripped):
            box["answers"][int(declared.group(1))] = _items(declared.group(2), number)
    if box is not None:
        raise ValueError(f"the Predict first box at line {box['line']} is never closed")
    return found


def _items(text: str, line: int) -> tuple[Answer, ...]:
    items = []
    for part in text.split("|"):
        match = _ITEM.fullmatch(part)
        if match is None:
            raise ValueError(f"line {line}: answer item {part.strip()!r} is neither "
                             '"a phrase" nor glue:NAME[:SPEC]')
        items.append(Answer(match["phrase"], match["name"], match["spec"] or ""))
    return tuple(items)


def normalise(text: str) -> str:
    """Lower case, one kind of space, minus and quote, so that a phrase matches however the
    page sets it (Sphinx turns straight quotes into curly ones)."""
    text = text.replace("\u2212", "-").replace("\u2013", "-")
    text = text.replace("\u2018", "'").replace("\u2019", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"[\s\u00a0\u2009\u202f]+", " ", text)
    return text.lower().strip()


def _pattern(answer_text: str) -> re.Pattern:
    """A number matches only as a whole number: "0.6" is not found in "0.65" or "10.6"."""
    text = normalise(answer_text)
    before = r"(?<![\d.])" if re.match(r"-?\d", text) else ""
    after = r"(?![\d]|\.\d)" if re.search(r"\d$", text) else ""
    return re.compile(before + re.escape(text) + after)


def leaks(declared: list[Prompt], page_texts: list[tuple[str, str]],
          glued: dict[str, str]) -> list[str]:
    """Problems with a page: answers above their box, answers never given below it,
    questions without a declared answer.

    ``page_texts`` holds, for each box in page order, the page's text above it and below it;
    ``glued`` maps a glued name (with ``:SPEC`` if one is declared) to its text on the page.
    """
    if len(declared) != len(page_texts):
        return [f"the source has {len(declared)} Predict first boxes, the page "
                f"{len(page_texts)}"]
    problems = []
    for box, (above, below) in zip(declared, page_texts, strict=True):
        where = f"Predict first box at line {box.line}"
        for question in box.questions:
            if not box.answers.get(question):
                problems.append(f"{where}: question {question} declares no answer")
        for question, answers in box.answers.items():
            if question not in box.questions:
                problems.append(f"{where}: answers declared for question {question}, "
                                f"which the box does not ask")
            for answer in answers:
                key = answer.glue + (f":{answer.spec}" if answer.spec else "") \
                    if answer.glue else None
                if key is not None and key not in glued:
                    problems.append(f"{where}: question {question}: glue:{key} is not glued")
                    continue
                text = glued[key] if key is not None else answer.phrase
                pattern = _pattern(text)
                if pattern.search(normalise(above)):
                    problems.append(f"{where}: question {question}'s answer {text!r} is on "
                                    f"the page above the box")
                if not pattern.search(normalise(below)):
                    problems.append(f"{where}: question {question}'s answer {text!r} is "
                                    f"never given below the box")
    return problems


def split_page(html: str) -> list[tuple[str, str]]:
    """The built page's text above and below each "Predict first" box.

    Only the chapter's article is read; code inputs, scripts and styles are left out (the
    printed outputs of code cells stay in: a printed number can give an answer away).
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    article = soup.select_one("article.bd-article") or soup.body
    for unread in article.select("div.cell_input, script, style, template"):
        unread.decompose()
    boxes = [title.parent for title in article.select("p.admonition-title")
             if normalise(title.get_text()) == "predict first"]
    for box in boxes:
        box.insert_before(MARKER)
        box.insert_after(END)
    text = article.get_text(" ")
    found = []
    for i in range(len(boxes)):
        above = text.split(MARKER)[: i + 1]
        below = text.split(END)[i + 1:]
        found.append((_unmarked(" ".join(above)), _unmarked(" ".join(below))))
    return found


def _unmarked(text: str) -> str:
    return text.replace(MARKER, " ").replace(END, " ")


def glued_texts(glue: dict[str, dict], declared: list[Prompt]) -> dict[str, str]:
    """The declared glued values as a page shows them (``glue`` as ``read_glue`` gives it)."""
    from myst_nb.core.variables import format_plain_text

    texts = {}
    for box in declared:
        for answers in box.answers.values():
            for answer in answers:
                if answer.glue and "text/plain" in glue.get(answer.glue, {}):
                    key = answer.glue + (f":{answer.spec}" if answer.spec else "")
                    texts[key] = format_plain_text(glue[answer.glue]["text/plain"],
                                                   answer.spec or "s")
    return texts
