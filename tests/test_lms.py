"""The self-checks exported for Canvas (QTI 1.2, by text2qti) and Moodle (Moodle XML):
scripts/export_self_checks.py.

Import into a real Canvas or Moodle cannot be tested here; the files are checked
structurally instead: the package's manifest and items parse, each item has the parts Canvas
reads for its question type, the Moodle XML has the elements of Moodle's question format,
and every question, right answer, numeric range and piece of feedback is the page's. The fast
tier uses a small page written here; the full suite exports the built book's own pages.
"""

from __future__ import annotations

import html
import importlib.util
import io
import json
import re
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

_spec = importlib.util.spec_from_file_location("export_self_checks",
                                               ROOT / "scripts" / "export_self_checks.py")
lms = importlib.util.module_from_spec(_spec)
sys.modules["export_self_checks"] = lms  # its dataclasses look their module up there
_spec.loader.exec_module(lms)

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
MANIFEST = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"

QUESTIONS = [
    {"question": "1. (Objective 1) Which curve is biphasic?", "type": "multiple_choice",
     "answers": [
         {"answer": "One that only falls", "correct": False, "feedback": "Not quite. It falls."},
         {"answer": "One that rises, then falls", "correct": True,
          "feedback": "Right. Up & down <both>, *not* x_1 [sic]."},
         {"answer": "A flat one", "correct": False, "feedback": "Not quite. Flat is flat."}]},
    {"question": "2. (Objective 2) How many percent above control?", "type": "numeric",
     "answers": [
         {"type": "range", "range": [43.3999999554, 44.6000000446], "correct": True,
          "feedback": "Right. 44 %."},
         {"type": "range", "range": [-1e300, 43.3999999554], "correct": False,
          "feedback": "Too low. Count avoidance too."},
         {"type": "range", "range": [44.6000000446, 1e300], "correct": False,
          "feedback": "Too high. Both scores pull it down."},
         {"type": "default", "feedback": "Please type a number."}]},
]


def fake_site(folder: Path, questions=QUESTIONS) -> Path:
    page = folder / "chapters" / "toy.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        "<html><head><title>Toy chapter &#8212; The book</title></head><body>"
        "<p class=\"self-check-title\">Self-check: 2 questions</p>"
        f"<script>var questionsselfcheck_toy={json.dumps(questions)};</script></body></html>",
        encoding="utf-8")
    (folder / "chapters" / "glossary.html").write_text("<title>No self-check</title>")
    return folder


def qti_items(package: bytes) -> tuple[ET.Element, list[ET.Element]]:
    """The manifest and the assessment's items, each parsed (a parse error fails the test)."""
    archive = zipfile.ZipFile(io.BytesIO(package))
    manifest = ET.fromstring(archive.read("imsmanifest.xml"))
    resources = manifest.findall(f".//{MANIFEST}resource")
    files = {file.get("href") for resource in resources
             for file in resource.findall(f"{MANIFEST}file")}
    assert files and files <= set(archive.namelist()), (files, archive.namelist())
    [assessment] = [name for name in archive.namelist()
                    if b"<questestinterop" in archive.read(name)]
    root = ET.fromstring(archive.read(assessment))
    assert root.tag == f"{QTI}questestinterop"
    return manifest, root.findall(f".//{QTI}section/{QTI}item")


def shown(element: ET.Element) -> str:
    """The text a QTI element's HTML shows, with straight quotes (text2qti's Markdown makes
    them typographic) and single spaces."""
    return straight(html.unescape(re.sub(r"<[^>]+>", "", "".join(element.itertext()))))


def straight(text: str) -> str:
    """The page's text as ``shown`` gives it back: straight quotes, single spaces."""
    for curly, plain in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(curly, plain)
    return " ".join(text.split())


def metadata(item: ET.Element) -> dict[str, str]:
    return {field.findtext(f"{QTI}fieldlabel"): field.findtext(f"{QTI}fieldentry")
            for field in item.iter(f"{QTI}qtimetadatafield")}


def feedback_texts(item: ET.Element) -> dict[str, str]:
    return {feedback.get("ident"): shown(feedback)
            for feedback in item.findall(f"{QTI}itemfeedback")}


def check_qti_item(item: ET.Element, question: lms.Question) -> None:
    """One QTI item against the page's question: the structure Canvas reads for its type,
    the right answer, the range and the feedback."""
    prompt = shown(item.find(f"{QTI}presentation/{QTI}material"))
    assert prompt == straight(re.sub(r"^\d+\.\s+", "", question.text))
    meta = metadata(item)
    feedback = feedback_texts(item)
    if question.kind == "multiple_choice":
        assert meta["question_type"] == "multiple_choice_question"
        labels = item.findall(f".//{QTI}response_lid/{QTI}render_choice/{QTI}response_label")
        texts = {label.get("ident"): shown(label) for label in labels}
        assert list(texts.values()) == [straight(choice.text) for choice in question.choices]
        [scoring] = [c for c in item.iter(f"{QTI}respcondition")
                     if c.findtext(f"{QTI}setvar") == "100"]
        right = scoring.findtext(f"{QTI}conditionvar/{QTI}varequal")
        [correct] = [c for c in question.choices if c.correct]
        assert texts[right] == straight(correct.text)
        for ident, choice in zip(texts, question.choices, strict=True):
            assert feedback[f"{ident}_fb"] == straight(choice.feedback)
    else:
        assert meta["question_type"] == "numerical_question"
        assert item.find(f".//{QTI}response_str/{QTI}render_fib").get("fibtype") == "Decimal"
        [scoring] = [c for c in item.iter(f"{QTI}respcondition")
                     if c.findtext(f"{QTI}setvar") == "100"]
        assert float(scoring.findtext(f"{QTI}conditionvar/{QTI}vargte")) == question.low
        assert float(scoring.findtext(f"{QTI}conditionvar/{QTI}varlte")) == question.high
        assert feedback["correct_fb"] == straight(question.right)
        wrong = feedback["general_incorrect_fb"]
        assert wrong == f"{straight(question.too_low)} {straight(question.too_high)}"


def check_moodle_question(element: ET.Element, question: lms.Question) -> None:
    """One Moodle XML question against the page's (Moodle's multichoice and numerical
    formats: name, questiontext, answers with fractions, tolerances and feedback)."""
    assert element.findtext("name/text")
    assert element.find("questiontext").get("format") == "html"
    assert element.findtext("questiontext/text") == question.text
    assert element.findtext("defaultgrade") == "1"
    answers = element.findall("answer")
    if question.kind == "multiple_choice":
        assert element.get("type") == "multichoice" and element.findtext("single") == "true"
        assert [(a.findtext("text"), a.get("fraction"), a.findtext("feedback/text"))
                for a in answers] == [(c.text, "100" if c.correct else "0", c.feedback)
                                      for c in question.choices]
    else:
        assert element.get("type") == "numerical"
        right, low, high, other = answers
        value, tolerance = float(right.findtext("text")), float(right.findtext("tolerance"))
        assert right.get("fraction") == "100"
        assert value - tolerance == pytest.approx(question.low, abs=1e-12)
        assert value + tolerance == pytest.approx(question.high, abs=1e-12)
        assert right.findtext("feedback/text") == question.right
        assert float(low.findtext("text")) + float(low.findtext("tolerance")) == \
            pytest.approx(question.low)
        assert float(high.findtext("text")) - float(high.findtext("tolerance")) == \
            pytest.approx(question.high)
        assert (low.findtext("feedback/text"), high.findtext("feedback/text")) == \
            (question.too_low, question.too_high)
        assert low.get("fraction") == high.get("fraction") == other.get("fraction") == "0"
        assert other.findtext("text") == "*"


def test_a_self_check_is_read_from_its_page(tmp_path):
    [check] = lms.read_self_checks(fake_site(tmp_path))
    assert (check.chapter, check.title) == ("toy", "Toy chapter")
    choice, number = check.questions
    assert [c.correct for c in choice.choices] == [False, True, False]
    assert (number.low, number.high) == (43.3999999554, 44.6000000446)
    assert (number.too_low, number.too_high, number.not_a_number) == (
        "Too low. Count avoidance too.", "Too high. Both scores pull it down.",
        "Please type a number.")


def test_both_exports_carry_the_pages_questions_answers_ranges_and_feedback(tmp_path):
    written = lms.export(fake_site(tmp_path / "site"), tmp_path / "out")
    assert sorted(path.name for path in written) == ["toy.moodle.xml", "toy.qti.zip"]
    [check] = lms.read_self_checks(tmp_path / "site")
    _, items = qti_items((tmp_path / "out" / "toy.qti.zip").read_bytes())
    assert len(items) == len(check.questions)
    for item, question in zip(items, check.questions, strict=True):
        check_qti_item(item, question)
    root = ET.parse(tmp_path / "out" / "toy.moodle.xml").getroot()
    assert root.tag == "quiz"
    category, *questions = root.findall("question")
    assert category.get("type") == "category"
    assert category.findtext("category/text") == "$course$/top/Self-checks/toy"
    assert len(questions) == len(check.questions)
    for element, question in zip(questions, check.questions, strict=True):
        check_moodle_question(element, question)


@pytest.mark.parametrize("change, words", [
    (lambda q: q[0].update(type="many_choice"), "'many_choice' cannot be exported"),
    (lambda q: q[0]["answers"][0].update(correct=True), "exactly one right answer"),
    (lambda q: q[1]["answers"].pop(1), "one range below the right one"),
])
def test_what_a_format_cannot_carry_is_refused_by_name(tmp_path, change, words):
    questions = json.loads(json.dumps(QUESTIONS))
    change(questions)
    with pytest.raises(ValueError, match=re.escape(words)):
        lms.read_self_checks(fake_site(tmp_path, questions))


def test_no_built_site_is_a_clear_error(tmp_path):
    (tmp_path / "chapters").mkdir()
    with pytest.raises(ValueError, match="build the book first"):
        lms.export(tmp_path, tmp_path / "out")


@pytest.mark.build
def test_every_chapters_self_check_exports_as_its_page_has_it(site, tmp_path):
    """The built book: one QTI package and one Moodle file per chapter with a self-check,
    each with the page's number of questions (as the page's title says it) and its
    answers."""
    lms.export(site, tmp_path)
    checks = lms.read_self_checks(site)
    pages = {page.stem for page in (site / "chapters").glob("*.html")
             if "self-check-title" in page.read_text(encoding="utf-8")}
    assert {check.chapter for check in checks} == pages and len(pages) >= 8
    for check in checks:
        page = (site / "chapters" / f"{check.chapter}.html").read_text(encoding="utf-8")
        stated = int(re.search(r"Self-check: (\d+) questions?", page).group(1))
        _, items = qti_items((tmp_path / f"{check.chapter}.qti.zip").read_bytes())
        questions = ET.parse(tmp_path / f"{check.chapter}.moodle.xml").getroot() \
            .findall("question[@type!='category']")
        assert len(items) == len(questions) == len(check.questions) == stated, check.chapter
        for item, element, question in zip(items, questions, check.questions, strict=True):
            check_qti_item(item, question)
            check_moodle_question(element, question)
