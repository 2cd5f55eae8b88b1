"""The chapters' self-checks for a learning-management system: Canvas (QTI) and Moodle (XML).

Read from the built site: each chapter's page carries its self-check's questions as the data
jupyterquiz draws them from (``var questionsselfcheck_<name>=[...]``, written by
:mod:`widgets.selfcheck`), so an export has exactly the page's questions, right answers,
feedback and numeric ranges. Build the book first, then::

    python scripts/export_self_checks.py _build/html OUTPUT_FOLDER

writes, for every chapter with a self-check, ``<chapter>.qti.zip`` (a QTI 1.2 package for
Canvas, made by text2qti from Markdown it is given here) and ``<chapter>.moodle.xml``
(Moodle's own question format, which Moodle imports; it does not read QTI). It needs
text2qti (``pip install -r requirements-instructors.txt``), which a reader's install leaves
out: hence a script here rather than a module of ``booktools``.

What each format cannot carry, and what is done instead (the instructors' page says so too):

* **Canvas (text2qti).** text2qti writes a numeric range to four decimals; the page's exact
  bounds are put back into the package. A numeric question has one feedback for a right
  answer and one for every wrong answer: the page's separate "Too low." and "Too high."
  feedback are both given, in that order and each starting with its word, as the
  wrong-answer feedback. The page's note
  for something that is not a number is left out (Canvas refuses anything but a number).
* **Moodle.** A numeric question's answers are a value with a tolerance, so the page's right
  range is given as its midpoint and half-width (the same interval); "too low" and "too high"
  are answers with no marks covering up to 10⁹ below and above it, each with its feedback,
  then a catch-all answer (``*``) with the note for anything else.
* Both: no shuffling (the page does not shuffle), one point per question, and the question
  numbers and "(Objective N)" prefixes kept as the page shows them.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: How far beyond the right range Moodle's "too low" and "too high" answers reach.
MOODLE_REACH = 1e9

_DATA = re.compile(r"var questionsselfcheck_(?P<name>\w+)=(?P<json>\[.*?\]);", re.S)
_NUMBERED = re.compile(r"^\s*\d+\.\s+")


@dataclass(frozen=True)
class Choice:
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Question:
    """One self-check question as the page has it: ``choices`` for a multiple-choice
    question; ``low``/``high`` (the right range) and ``right``/``too_low``/``too_high``/
    ``not_a_number`` feedback for a numeric one."""

    text: str
    kind: str  # "multiple_choice" or "numeric"
    choices: tuple[Choice, ...] = ()
    low: float = 0.0
    high: float = 0.0
    right: str = ""
    too_low: str = ""
    too_high: str = ""
    not_a_number: str = ""


@dataclass(frozen=True)
class SelfCheck:
    chapter: str  # the page's file stem, e.g. "faces-side-by-side"
    title: str
    questions: tuple[Question, ...]


def _question(data: dict, where: str) -> Question:
    kind = data["type"]
    if kind == "multiple_choice":
        choices = tuple(Choice(a["answer"], bool(a["correct"]), a.get("feedback", ""))
                        for a in data["answers"])
        if sum(choice.correct for choice in choices) != 1:
            raise ValueError(f"{where}: a multiple-choice question needs exactly one right "
                             f"answer; {data['question']!r} has "
                             f"{sum(c.correct for c in choices)}")
        return Question(data["question"], kind, choices=choices)
    if kind == "numeric":
        right = [a for a in data["answers"] if a.get("type") == "range" and a["correct"]]
        wrong = [a for a in data["answers"] if a.get("type") == "range" and not a["correct"]]
        default = [a for a in data["answers"] if a.get("type") == "default"]
        if len(right) != 1:
            raise ValueError(f"{where}: a numeric question needs one right range; "
                             f"{data['question']!r} has {len(right)}")
        low, high = right[0]["range"]
        below = [a for a in wrong if a["range"][1] <= low]
        above = [a for a in wrong if a["range"][0] >= high]
        if len(below) != 1 or len(above) != 1 or len(wrong) != 2:
            raise ValueError(f"{where}: a numeric question's wrong answers are one range "
                             f"below the right one and one above; {data['question']!r} "
                             f"has {[a['range'] for a in wrong]}")
        return Question(data["question"], kind, low=float(low), high=float(high),
                        right=right[0].get("feedback", ""),
                        too_low=below[0].get("feedback", ""),
                        too_high=above[0].get("feedback", ""),
                        not_a_number=default[0]["feedback"] if default else "")
    raise ValueError(f"{where}: question type {kind!r} cannot be exported; the types are "
                     f"'multiple_choice' and 'numeric'")


def read_self_checks(html: Path) -> list[SelfCheck]:
    """Every chapter page's self-check in the built site ``html``, in file-name order."""
    found = []
    for page in sorted((html / "chapters").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        blocks = list(_DATA.finditer(text))
        if not blocks:
            continue
        if len(blocks) > 1:
            raise ValueError(f"{page}: {len(blocks)} self-checks; the export expects one "
                             f"per chapter")
        title = re.search(r"<title>(.*?)(?:\s+&#8212;.*)?</title>", text, re.S)
        questions = tuple(_question(data, f"{page.name}, question {i + 1}")
                          for i, data in enumerate(json.loads(blocks[0]["json"])))
        found.append(SelfCheck(page.stem, title.group(1).strip() if title else page.stem,
                               questions))
    return found


# --- Canvas: text2qti -----------------------------------------------------------------------

def _one_line(text: str) -> str:
    """A piece of the page's text as text2qti's Markdown: on one line (text2qti reads a line
    break as the end of an item), with "<", ">" and "&" escaped and Markdown's own marks
    backslashed, so that Canvas shows the page's characters. (text2qti's Markdown makes
    straight quotes typographic: the only change it makes.)"""
    escaped = html.escape(" ".join(text.split()), quote=False)
    return re.sub(r"([\\`*_\[\]#])", r"\\\1", escaped)


def text2qti_markdown(check: SelfCheck) -> str:
    """The self-check in text2qti's Markdown quiz format."""
    lines = [f"Quiz title: Self-check: {_one_line(check.title)}",
             "Quiz description: The book's self-check for this chapter, exported from its page.",
             "Shuffle answers: false", ""]
    for number, question in enumerate(check.questions, start=1):
        lines.append(f"Title: {check.chapter} {number}")
        lines.append("Points: 1")
        lines.append(f"{number}.  {_one_line(_NUMBERED.sub('', question.text))}")
        if question.kind == "multiple_choice":
            for letter, choice in zip("abcdefghijklmnopqrstuvwxyz", question.choices,
                                      strict=False):
                mark = "*" if choice.correct else ""
                lines.append(f"{mark}{letter}) {_one_line(choice.text)}")
                if choice.feedback:
                    lines.append(f"... {_one_line(choice.feedback)}")
        else:
            if question.right:
                lines.append(f"+   {_one_line(question.right)}")
            wrong = " ".join(_one_line(text) for text in (question.too_low, question.too_high)
                             if text)
            if wrong:
                lines.append(f"-   {wrong}")
            lines.append(f"=   [{question.low!r}, {question.high!r}]")
        lines.append("")
    return "\n".join(lines)


def qti_package(check: SelfCheck) -> bytes:
    """The self-check as a QTI 1.2 zip for Canvas, by text2qti."""
    from text2qti.config import Config
    from text2qti.qti import QTI
    from text2qti.quiz import Quiz

    quiz = Quiz(text2qti_markdown(check), config=Config(), source_name=f"{check.chapter}.md")
    return _exact_ranges(QTI(quiz).zip_bytes(), check)


def _exact_ranges(package: bytes, check: SelfCheck) -> bytes:
    """text2qti writes a numeric range to four decimals; put back the page's own bounds, so
    Canvas accepts exactly what the page accepts."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".xml") and b"<questestinterop" in data:
                text = data.decode("utf-8")
                for number, question in enumerate(check.questions, start=1):
                    if question.kind != "numeric":
                        continue
                    start = text.index(f'title="{check.chapter} {number}"')
                    end = text.index("</item>", start)
                    item = text[start:end]
                    for tag, value in (("vargte", question.low), ("varlte", question.high)):
                        item, count = re.subn(rf'(<{tag} respident="response1">)[^<]*(</{tag}>)',
                                              rf"\g<1>{value!r}\g<2>", item)
                        if count != 1:
                            raise ValueError(f"{check.chapter} {number}: text2qti wrote "
                                             f"{count} <{tag}> bounds, expected one")
                    text = text[:start] + item + text[end:]
                data = text.encode("utf-8")
            target.writestr(info, data)
    return out.getvalue()


# --- Moodle XML -----------------------------------------------------------------------------

def _text(parent: ET.Element, tag: str, text: str, *, html: bool = True) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": "html"} if html else {})
    ET.SubElement(element, "text").text = text
    return element


def _numerical_answer(question: ET.Element, fraction: int, value: str, tolerance: float,
                      feedback: str) -> None:
    answer = ET.SubElement(question, "answer", {"fraction": str(fraction)})
    ET.SubElement(answer, "text").text = value
    ET.SubElement(answer, "tolerance").text = repr(tolerance)
    _text(answer, "feedback", feedback)


def moodle_xml(check: SelfCheck) -> bytes:
    """The self-check in Moodle XML: a category named after the chapter, then its questions."""
    quiz = ET.Element("quiz")
    category = ET.SubElement(quiz, "question", {"type": "category"})
    _text(category, "category", f"$course$/top/Self-checks/{check.chapter}", html=False)
    for number, source in enumerate(check.questions, start=1):
        kind = "multichoice" if source.kind == "multiple_choice" else "numerical"
        question = ET.SubElement(quiz, "question", {"type": kind})
        _text(question, "name", f"{check.chapter} {number}", html=False)
        _text(question, "questiontext", source.text)
        _text(question, "generalfeedback", "")
        ET.SubElement(question, "defaultgrade").text = "1"
        ET.SubElement(question, "penalty").text = "0"
        ET.SubElement(question, "hidden").text = "0"
        if kind == "multichoice":
            ET.SubElement(question, "single").text = "true"
            ET.SubElement(question, "shuffleanswers").text = "false"
            ET.SubElement(question, "answernumbering").text = "abc"
            for choice in source.choices:
                answer = ET.SubElement(question, "answer", {
                    "fraction": "100" if choice.correct else "0", "format": "html"})
                ET.SubElement(answer, "text").text = choice.text
                _text(answer, "feedback", choice.feedback)
        else:
            middle, half = (source.low + source.high) / 2, (source.high - source.low) / 2
            _numerical_answer(question, 100, repr(middle), half, source.right)
            reach = MOODLE_REACH / 2
            _numerical_answer(question, 0, repr(source.low - reach), reach, source.too_low)
            _numerical_answer(question, 0, repr(source.high + reach), reach, source.too_high)
            _numerical_answer(question, 0, "*", 0.0, source.not_a_number or source.too_low)
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="utf-8", xml_declaration=True)


def export(html: Path, output: Path) -> list[Path]:
    """Write both files for every chapter's self-check; returns the files written."""
    checks = read_self_checks(html)
    if not checks:
        raise ValueError(f"no self-check found in {html / 'chapters'}: build the book first "
                         f"(jupyter-book build . -W -n --keep-going)")
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for check in checks:
        for suffix, content in ((".qti.zip", qti_package(check)),
                                (".moodle.xml", moodle_xml(check))):
            path = output / f"{check.chapter}{suffix}"
            path.write_bytes(content)
            written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python scripts/export_self_checks.py",
        description="Write every chapter's self-check as a QTI package for Canvas and as "
                    "Moodle XML, read from the built site.")
    parser.add_argument("html", type=Path, help="the built site, e.g. _build/html")
    parser.add_argument("output", type=Path, help="the folder to write to (created)")
    arguments = parser.parse_args(argv)
    for path in export(arguments.html, arguments.output):
        print(path)


if __name__ == "__main__":
    main()
