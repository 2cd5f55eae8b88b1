"""The print version: scripts/build_pdf.py writes the whole book as one PDF.

The script runs once per session against the session's build (``site``): it builds the
single-page version beside it and prints it with Debian's Chromium. Without Chromium
these tests skip and say so; under ``CI=true`` they fail instead.

The PDF is read back with pypdf. Its text is compared after normalising what printing
changes: line breaks and spaces (all whitespace is dropped), typographic quotes and
dashes, and ligatures.
"""

from __future__ import annotations

import html
import importlib.util
import io
import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from booktools.browser import find_chromium, serve_directory
from widgets.explorers import ALL_EXPLORERS, EXPLORER_PAGES

from .conftest import CHROMIUM_MISSING, ROOT, missing_tool

SCRIPT = ROOT / "scripts" / "build_pdf.py"
BROWSER = pytest.mark.browser


def _load_script():
    spec = importlib.util.spec_from_file_location("build_pdf", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_pdf"] = module
    spec.loader.exec_module(module)
    return module


build_pdf = _load_script()


def normalise(text: str) -> str:
    """Text as compared: no whitespace, plain quotes and dashes, no soft hyphens."""
    text = unicodedata.normalize("NFKC", html.unescape(text))
    for fancy, plain in (("‘’‚′", "'"), ("“”„″", '"'), ("‐‑‒–—−", "-")):
        text = re.sub(f"[{fancy}]", plain, text)
    text = text.replace("…", "...").replace("\u00ad", "")
    return re.sub(r"\s+", "", text)


# -- the PDF, built once ------------------------------------------------------------------

@pytest.fixture(scope="module")
def chromium():
    path = find_chromium()
    if path is None:
        missing_tool(CHROMIUM_MISSING + "; the PDF is printed with it")
    return path


@pytest.fixture(scope="module")
def pdf(site, chromium) -> Path:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--html", str(site), "--chromium", chromium],
        capture_output=True, text=True, cwd=ROOT, timeout=1800)
    assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
    path = site / "book.pdf"
    assert path.is_file(), f"the script did not write {path}"
    return path


@pytest.fixture(scope="module")
def reader(pdf):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(pdf.read_bytes()))


#: The running header and the page number the script prints on every page, as the text
#: extraction reads them (normalised): "<title>print edition", then "<page> / <pages>".
RUNNING = re.compile(r"printedition\d+/\d+$")


def without_running_text(text: str, title: str) -> str:
    """A page's normalised text without its running header and page number, so that a
    sentence that runs on to the next page reads as one sentence."""
    stripped = RUNNING.sub("", text)
    if stripped != text and stripped.endswith(normalise(title)):
        stripped = stripped[: -len(normalise(title))]
    return stripped


@pytest.fixture(scope="module")
def texts(reader) -> list[str]:
    """Each page's text, normalised, without the running header and page number."""
    title = build_pdf.read_title(ROOT)
    return [without_running_text(normalise(page.extract_text() or ""), title)
            for page in reader.pages]


def test_the_running_text_is_removed_from_a_page():
    page = normalise("A sentence that runs on The Two Faces of Oxytocin print edition\n158 / 204")
    assert without_running_text(page, "The Two Faces of Oxytocin") == "Asentencethatrunson"
    assert without_running_text("Nothingtoremove", "A title") == "Nothingtoremove"


def destination(reader, anchor: str) -> int:
    """The page index (from 0) of a named destination."""
    for name, target in reader.named_destinations.items():
        if name.lstrip("/") == anchor:
            return reader.get_destination_page_number(target)
    raise AssertionError(f"no destination {anchor!r} in the PDF")


@pytest.fixture(scope="module")
def body_and_appendix(reader, texts) -> tuple[str, str]:
    start = destination(reader, build_pdf.APPENDIX_ANCHOR)
    return "".join(texts[:start]), "".join(texts[start:])


# -- every chapter, in order --------------------------------------------------------------

def source_title(docname: str) -> str:
    text = (ROOT / f"{docname}.md").read_text(encoding="utf-8")
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)  # front matter: YAML comments
    return re.search(r"^# (.+)$", text, re.MULTILINE).group(1).strip()


@BROWSER
def test_every_chapter_starts_a_page_with_its_title_in_toc_order(reader, texts):
    root, parts = build_pdf.read_toc(ROOT)
    docnames = [name for part in parts for name in part.docnames]
    assert len(docnames) >= 10 and docnames[0] == root
    starts = []
    for docname in docnames:
        page = destination(reader, build_pdf.chapter_anchor(docname))
        title = normalise(source_title(docname))
        assert title in texts[page], f"{docname}: {source_title(docname)!r} not on page {page + 1}"
        starts.append(page)
    assert starts == sorted(starts) and len(set(starts)) == len(starts), starts
    # The contents list them in the same order, each with the page number that the
    # footer of its first page shows.
    contents = texts[1] + texts[2]
    assert contents.startswith("Contents")
    position = 0
    for docname, page in zip(docnames, starts, strict=True):
        found = re.compile(re.escape(normalise(source_title(docname))) + r"(\d+)").search(
            contents, position)
        assert found, f"{docname} is not listed (in order) in the contents"
        assert int(found.group(1)) == page + 1, (docname, found.group(1), page + 1)
        position = found.end()


@BROWSER
def test_the_title_page_says_licence_citation_date_and_commit(texts):
    first = texts[0]
    for needed in ("TheTwoFacesofOxytocin", "CCBY4.0", "Howtocite", "Version0.1.0",
                   "commit"):
        assert needed in first, needed
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip()
    if commit:
        assert commit[:12] in first


# -- no blank pages -------------------------------------------------------------------------

def blank_pages(reader, paper: str = "A4") -> list[int]:
    """Pages (from 1) with no text inside the printed area and no image.

    The running header and the page number sit in the margins, so they do not count.
    """
    points_per_mm = 72 / 25.4
    bottom = build_pdf.MARGINS_MM["bottom"] * points_per_mm
    blank = []
    for number, page in enumerate(reader.pages, 1):
        top = float(page.mediabox.height) - build_pdf.MARGINS_MM["top"] * points_per_mm
        inside = []

        def visit(text, cm, tm, font, size, inside=inside, top=top):
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if text.strip() and bottom < y < top:
                inside.append(text)

        page.extract_text(visitor_text=visit)
        if not inside and not page.images:
            blank.append(number)
    return blank


@BROWSER
def test_no_page_is_blank(reader):
    assert len(reader.pages) > 20
    assert blank_pages(reader) == []


@BROWSER
def test_a_page_with_only_the_header_and_footer_counts_as_blank(browser):
    """The check above can fail: a second page holding nothing but the running header."""
    from pypdf import PdfReader

    page = browser.new_page()
    page.set_content("<p>Some text.</p><div style='break-before: page'></div>")
    header, footer = build_pdf._templates("A title")
    data = page.pdf(format="A4", display_header_footer=True, header_template=header,
                    footer_template=footer,
                    margin={k: f"{v}mm" for k, v in build_pdf.MARGINS_MM.items()})
    page.close()
    assert blank_pages(PdfReader(io.BytesIO(data))) == [2]


# -- nothing wider than the page ------------------------------------------------------------

TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth, bad = [];
  const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
    (typeof e.className === "string" && e.className.trim()
      ? "." + e.className.trim().split(/\\s+/).join(".") : "");
  for (const e of document.body.querySelectorAll("*")) {
    const r = e.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) continue;           // screen-reader-only text
    if (e.parentElement.closest("svg")) continue;        // an SVG clips its own drawing
    const s = getComputedStyle(e);
    if (s.visibility === "hidden") continue;
    const text = (e.textContent || "").trim().slice(0, 60);
    if (r.right > width + 1 || r.left < -1) {
      bad.push(`${name(e)} spans ${Math.round(r.left)}..${Math.round(r.right)} px: ${text}`);
    } else if (s.overflowX !== "visible" && e.scrollWidth > e.clientWidth + 1) {
      bad.push(`${name(e)} cuts its content (${e.scrollWidth} > ${e.clientWidth} px): ${text}`);
    }
  }
  return {width: width, bad: bad};
}"""


@pytest.fixture(scope="module")
def printed_page(pdf, browser, site):
    """The single page as the script prints it, in Chromium's print emulation."""
    with serve_directory(site.parent / "singlehtml") as base:
        prepared = build_pdf.prepare_page(browser, base, ROOT)
        prepared.page.emulate_media(media="print")
        yield prepared
        prepared.context.close()


@BROWSER
def test_nothing_is_wider_than_the_printable_width(printed_page):
    result = printed_page.page.evaluate(TOO_WIDE)
    assert abs(result["width"] - build_pdf.printable_width_px("A4")) <= 1
    assert result["bad"] == []


@BROWSER
def test_the_width_check_finds_a_wide_element_and_cut_content(printed_page):
    page = printed_page.page
    page.evaluate("""() => {
      const wide = document.createElement("div");
      wide.id = "too-wide"; wide.style.width = "2000px"; wide.textContent = "wide";
      const box = document.createElement("div");
      box.id = "cuts"; box.style.overflow = "hidden"; box.style.width = "100px";
      box.innerHTML = "<div style='width: 300px'>cut</div>";
      document.querySelector("article").append(wide, box);
    }""")
    try:
        bad = page.evaluate(TOO_WIDE)["bad"]
    finally:
        page.evaluate("() => document.querySelectorAll('#too-wide, #cuts')"
                      ".forEach(n => n.remove())")
    assert any(b.startswith("div#too-wide spans") for b in bad)
    assert any(b.startswith("div#cuts cuts its content") for b in bad)


@BROWSER
def test_the_print_is_light_static_and_typeset(printed_page):
    page = printed_page.page
    state = page.evaluate("""() => ({
      theme: document.documentElement.dataset.theme,
      background: getComputedStyle(document.body).backgroundColor,
      // formulas are MathML (_ext/mathml.py); each one drawn has a size
      untypeset: [...document.querySelectorAll("div.math")]
        .filter(n => !n.querySelector("math")).length +
        [...document.querySelectorAll("math")].filter(m => {
          const r = m.getBoundingClientRect();
          return r.width < 1 || r.height < 1;
        }).length + document.querySelectorAll(".math-error").length,
      math: document.querySelectorAll("math").length,
      visibleControls: [...document.querySelectorAll(
        "input, button, .explorer-controls, .bd-sidebar-primary, .bd-header, .search-button")]
        .filter(n => n.getClientRects().length > 0).length,
      collapsed: [...document.querySelectorAll("details")].filter(d => !d.open).length,
      // a link to the local server other than within the page would be dead in the PDF
      localLinks: [...document.querySelectorAll("a[href]")].map(a => new URL(a.href))
        .filter(u => u.origin === location.origin &&
                     u.pathname + u.search !== location.pathname + location.search)
        .map(u => u.href),
    })""")
    assert state == {"theme": "light", "background": "rgb(255, 255, 255)", "untypeset": 0,
                     "math": state["math"], "visibleControls": 0, "collapsed": 0,
                     "localLinks": []}
    assert state["math"] > 50


# -- explorers at their defaults --------------------------------------------------------------

def js_number(value: float) -> str:
    """A number as explorer.js writes it into a permalink."""
    value = round(float(value), 10)
    return str(int(value)) if value.is_integer() else repr(value)


@BROWSER
@pytest.mark.parametrize("explorer_class", ALL_EXPLORERS, ids=[c.name for c in ALL_EXPLORERS])
def test_every_explorer_is_printed_at_its_defaults(explorer_class, body_and_appendix):
    body, _ = body_and_appendix
    explorer = explorer_class()
    assert normalise(explorer.title) in body
    for panel in explorer.panels:  # the chart: its panels' titles and axis labels
        for label in (panel.title, panel.x_label, panel.y_label):
            assert normalise(label) in body, label
    # In its chapter: the readout, then the settings, then the link to this setting.
    query = "&".join(f"{c.name}={js_number(c.default)}" for c in explorer.controls)
    base = build_pdf.site_baseurl(ROOT)
    address = (f"{base}/" if base else "") + f"{EXPLORER_PAGES[explorer.name]}#" \
        f"{explorer.name}?{query}"
    assert normalise(address) in body, address
    readout_then_link = re.escape(normalise(explorer.readout())) \
        + r"Shownatitsdefaultsetting:.{0,1000}?Openitlive:" + re.escape(normalise(address))
    assert re.search(readout_then_link, body), explorer.readout()


# -- answers in the appendix, not in the body --------------------------------------------------

PLAIN_SENTENCE = re.compile(r"^[A-Z][^$`{}\[\]*_<>|\\]{40,}[.?!]$")


def blocks(text: str, start: str, end: str) -> list[str]:
    return re.findall(rf"^{start}.*?$(.*?)^{end}", text, re.MULTILINE | re.DOTALL)


def prose_sentences(block: str) -> list[str]:
    """Sentences of a block's prose: code cells and directive options left out."""
    block = re.sub(r"^```.*?^```", "", block, flags=re.MULTILINE | re.DOTALL)
    lines = [line for line in block.splitlines() if not line.lstrip().startswith((":", "#"))]
    paragraphs = re.split(r"\n\s*\n", "\n".join(lines))
    sentences = []
    for paragraph in paragraphs:
        paragraph = re.sub(r"^\s*(\d+\.|-)\s+", "", paragraph, flags=re.MULTILINE)
        for sentence in re.split(r"(?<=[.?!])\s+", " ".join(paragraph.split())):
            if PLAIN_SENTENCE.match(sentence):
                sentences.append(sentence)
    return sentences


def answer_sentences() -> dict[str, list[str]]:
    """One plain sentence from each solution and each "Reveal" block of every chapter."""
    found: dict[str, list[str]] = {"solution": [], "reveal": []}
    for source in sorted((ROOT / "chapters").glob("*.md")):
        text = source.read_text(encoding="utf-8")
        for kind, start, end in (("solution", r":::\{solution-start\}", r":::\{solution-end\}"),
                                 ("reveal", r":::\{dropdown\} Reveal", r":::\s*$")):
            for block in blocks(text, start, end):
                sentences = prose_sentences(block)
                if sentences:
                    found[kind].append(max(sentences, key=len))
    return found


@BROWSER
def test_solutions_and_reveals_are_in_the_appendix_and_not_in_the_body(body_and_appendix):
    body, appendix = body_and_appendix
    found = answer_sentences()
    assert len(found["solution"]) >= 10 and len(found["reveal"]) >= 3, found
    for kind, sentences in found.items():
        for sentence in sentences:
            assert normalise(sentence) in appendix, (kind, sentence)
            assert normalise(sentence) not in body, (kind, sentence)
    assert "Answers:Appendix,item1" in body


def self_checks(single_page: Path) -> dict[str, list[dict]]:
    """Every self-check's questions, as the printed page embeds them for jupyterquiz."""
    text = single_page.read_text(encoding="utf-8")
    found = re.findall(r"var questions(selfcheck_\w+)=(\[.*?\]);\n", text)
    return {name: json.loads(data) for name, data in found}


@BROWSER
def test_self_checks_print_questions_in_the_body_and_answers_in_the_appendix(
        site, body_and_appendix):
    body, appendix = body_and_appendix
    checks = self_checks(site.parent / "singlehtml" / "intro.html")
    assert len(checks) >= 6
    for name, questions in checks.items():
        for question in questions:
            assert normalise(question["question"]) in body, (name, question["question"])
            right = next(a for a in question["answers"] if a.get("correct"))
            assert normalise(right["feedback"]) in appendix, (name, right["feedback"])
            assert normalise(right["feedback"]) not in body, (name, right["feedback"])
            for choice in question["answers"]:
                if "answer" in choice:  # multiple choice: every choice is printed
                    assert normalise(choice["answer"]) in body, (name, choice["answer"])


@BROWSER
def test_no_raw_tex_is_printed(texts):
    raw = [n + 1 for n, text in enumerate(texts) if "\\(" in text or "\\frac" in text]
    assert raw == []


@BROWSER
def test_the_formulas_are_printed(printed_page, texts):
    """Every Greek letter the page's formulas use is in the PDF's text: the math is drawn.

    The letters are read from the MathML of the printed page (its <mi> elements), not
    listed here; NFKC folds the italic mathematical letters Chromium draws back to them.
    """
    letters = printed_page.page.evaluate("""() => [...new Set(
      [...document.querySelectorAll("math mi")].map(mi => mi.textContent)
        .filter(t => /^[\\u0391-\\u03c9]$/.test(t)))]""")
    assert len(letters) >= 3
    printed = "".join(texts)
    assert [letter for letter in letters if normalise(letter) not in printed] == []


# -- the site links it ------------------------------------------------------------------------

@BROWSER
@pytest.mark.parametrize("page", ["intro.html", "chapters/instructors.html"])
def test_the_site_links_the_pdf(site, pdf, page):
    text = (site / page).read_text(encoding="utf-8")
    links = re.findall(r'href="([^"#?]*book\.pdf)"', text)
    assert links, f"{page} has no link to book.pdf"
    for link in links:
        assert ((site / page).parent / link).resolve() == pdf.resolve(), link


# -- bad input ------------------------------------------------------------------------------

def test_a_missing_build_folder_is_named_in_the_error(tmp_path):
    missing = tmp_path / "no-such-build" / "_build" / "html"
    done = subprocess.run([sys.executable, str(SCRIPT), "--html", str(missing)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2
    assert str(missing) in done.stderr and "jupyter-book build" in done.stderr
    assert "Traceback" not in done.stderr
