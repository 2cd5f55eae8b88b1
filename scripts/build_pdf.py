#!/usr/bin/env python3
"""Print the whole book as one PDF: ``_build/html/book.pdf``.

    . .venv/bin/activate && python scripts/build_pdf.py

Run it after the HTML build (``jupyter-book build . -W -n --keep-going``); it needs the
test requirements (Playwright and pypdf: ``pip install -r requirements-test.txt``) and
Debian's Chromium (``apt-get install chromium``; never a downloaded browser).

What it does:

1. Builds Sphinx's ``singlehtml`` version of the book into ``_build/singlehtml`` with the
   same strict flags (``-W -n --keep-going``), beside the HTML build, so it reuses that
   build's execution cache and parsed pages (a chapter runs again only if its code
   changed since). A warning fails it, as it fails the HTML build.
2. Opens that one page in headless Chromium (Playwright) from a local server, in the
   light colour scheme, waits until every explorer has drawn its chart (formulas are
   MathML, written when the book builds: the browser draws them, no script), checks that
   every formula is MathML, then rearranges it for print: a title page (title, licence,
   how to cite, the date and the git commit it was built from) and a table of contents;
   each explorer at its default setting, without its controls, with its readout, its
   settings and its link (a full address if ``html.baseurl`` is set in ``_config.yml``,
   else the page's path and ``#name?...``); self-checks as static questions; and every
   self-check answer, "Reveal" answer and exercise solution moved to a numbered
   appendix, leaving "Answers: Appendix, item N" where it stood. ``assets/print.css``
   holds the print styles.
3. Prints it twice with Chromium's own print (page numbers in the footer). Chromium's
   print cannot number cross-references, so the first print is read back with pypdf to
   find the page on which each chapter starts (the contents' links are named
   destinations in the PDF), those numbers are written into the contents at a fixed
   width, so nothing moves, and the second print is the book. It is then checked
   again: if the numbers moved after all, it prints once more.

Options: ``--html DIR`` is the HTML build to put the PDF in (default ``_build/html``;
the single-page build goes beside it); ``--output FILE``; ``--skip-build`` reuses an
existing single-page build; ``--paper A4|Letter``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import html
import io
import itertools
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from booktools.browser import CHROMIUM_FLAGS, find_chromium, refuse_outside, serve_directory

ROOT = Path(__file__).resolve().parent.parent
PRINT_CSS = ROOT / "assets" / "print.css"

#: Paper sizes (width, height) in millimetres, and the margins of every page. The
#: top and bottom margins hold the running header and the page number.
PAPERS = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
MARGINS_MM = {"top": 17.0, "bottom": 15.0, "left": 16.0, "right": 16.0}
CSS_PX_PER_MM = 96 / 25.4

APPENDIX_ANCHOR = "print-appendix"
APPENDIX_TITLE = "Appendix: answers and solutions"
#: How long the page may take to draw its explorers and typeset its mathematics.
READY_TIMEOUT_MS = 120_000
BUILD_TIMEOUT_S = 1800


class PrintError(RuntimeError):
    """Something the user can fix; printed without a traceback."""


def printable_width_px(paper: str = "A4") -> float:
    """The width Chromium lays the book out at, in CSS pixels (paper minus margins)."""
    width_mm = PAPERS[paper][0] - MARGINS_MM["left"] - MARGINS_MM["right"]
    return width_mm * CSS_PX_PER_MM


def chapter_anchor(docname: str) -> str:
    """The id the print gives the start of a page of the site (also a PDF destination)."""
    return "print-" + re.sub(r"[^A-Za-z0-9]+", "-", docname).strip("-")


# -- what the book says about itself --------------------------------------------------

@dataclass
class TocPart:
    caption: str | None
    docnames: list[str] = field(default_factory=list)


def read_toc(book: Path) -> tuple[str, list[TocPart]]:
    """The root page and the parts of ``_toc.yml``, pages in reading order."""
    import yaml

    path = book / "_toc.yml"
    if not path.exists():
        raise PrintError(f"no table of contents at {path}")
    toc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if "root" not in toc:
        raise PrintError(f"{path} has no 'root' entry")

    def files(entries) -> list[str]:
        names = []
        for entry in entries or ():
            if "file" in entry:
                names.append(str(Path(entry["file"]).with_suffix("")).replace(os.sep, "/"))
            names += files(entry.get("sections"))
        return names

    root = str(Path(toc["root"]).with_suffix(""))
    if "parts" in toc:
        parts = [TocPart(part.get("caption"), files(part.get("chapters")))
                 for part in toc["parts"]]
    else:
        parts = [TocPart(None, files(toc.get("chapters")))]
    return root, [TocPart(None, [root]), *parts]


def _git(book: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(book), *args], capture_output=True,
                              text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _inline_markdown(text: str) -> str:
    """The little Markdown that LICENSE-TEXT.md uses, as HTML (escaped first)."""
    text = html.escape(" ".join(text.split()), quote=False)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"\*(.+?)\*", r"<em>\1</em>", text)
    return re.sub(r"&lt;(https?://[^&\s]+)&gt;", r"\1", text)


def _paragraphs(path: Path) -> list[str]:
    blocks = re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))
    return [b.strip() for b in blocks if b.strip() and not b.lstrip().startswith("#")]


def title_page_html(book: Path, built: datetime.datetime | None = None) -> str:
    """The title page: title, version, licence, how to cite, date and commit."""
    import yaml

    paths = {name: book / name for name in ("_config.yml", "CITATION.cff", "LICENSE-TEXT.md")}
    for path in paths.values():
        if not path.exists():
            raise PrintError(f"the title page needs {path}, which does not exist")
    config = _config(book)
    cff = yaml.safe_load(paths["CITATION.cff"].read_text(encoding="utf-8")) or {}
    licence_text = _paragraphs(paths["LICENSE-TEXT.md"])
    e = functools.partial(html.escape, quote=False)

    title = str(config.get("title") or cff.get("title") or "The book")
    full_title = str(cff.get("title") or title)
    subtitle = full_title.split(":", 1)[1].strip() if ":" in full_title else ""
    authors = "; ".join(str(a.get("name") or " ".join(
        str(a[k]) for k in ("given-names", "family-names") if a.get(k)))
        for a in cff.get("authors") or []) or str(config.get("author") or "")
    version = str(cff.get("version") or "")
    released = str(cff.get("date-released") or "")
    year = released[:4] or str(config.get("copyright") or "")
    repository = str((config.get("repository") or {}).get("url") or "")

    built = built or datetime.datetime.now(datetime.UTC)
    commit = _git(book, "rev-parse", "HEAD")
    if commit:
        dirty = _git(book, "status", "--porcelain", "--untracked-files=no")
        source = (f"commit <code>{e(commit[:12])}</code>"
                  + (" with uncommitted changes" if dirty else ""))
    else:
        source = "a folder that is not a git checkout (no commit recorded)"

    licence = [p for p in licence_text if "licensed under" in p or "legal code" in p]
    exceptions = [p for p in licence_text if p.startswith("Exceptions")]
    credit = [p for p in licence_text if p.startswith("Suggested credit")]
    licences = ", ".join(str(x) for x in cff.get("license") or [])
    citation = (f"{e(authors)} ({e(year)}). <em>{e(full_title)}</em>"
                + (f" (version {e(version)})" if version else "") + "."
                + (f" {e(repository)}" if repository else ""))

    parts = [
        '<section class="print-title-page">',
        f"<h1>{e(title)}</h1>",
        f'<p class="print-subtitle">{e(subtitle.capitalize() if subtitle else "")}'
        f"{' · ' if subtitle else ''}print edition</p>",
        f"<p>{e(authors)}</p>",
        f"<p>Version {e(version)}{f', released {e(released)}' if released else ''}. "
        f"This PDF was built on {built:%Y-%m-%d} ({built:%H:%M} UTC) from {source}.</p>",
        "<h2>About this print edition</h2>",
        "<p>The book is an interactive website. Here every explorer is shown at its "
        "default setting, with its readout and the address that opens it live. The "
        "self-check questions are printed without their answers; the answers, the "
        "“Reveal” answers and the exercise solutions are in the appendix at the end, and "
        "each place they were taken from says “Answers: Appendix, item N”.</p>",
        "<h2>Licence</h2>",
        *(f"<p>{_inline_markdown(p)}</p>" for p in licence + exceptions),
        f"<p>Licences, as identifiers: {e(licences)}.</p>" if licences else "",
        "<h2>How to cite</h2>",
        f"<p>{citation}</p>",
        *(f"<p>{_inline_markdown(p)}</p>" for p in credit),
        f"<p>Source and issues: {e(repository)}</p>" if repository else "",
        "</section>",
    ]
    return "\n".join(p for p in parts if p)


def _config(book: Path) -> dict:
    import yaml

    path = book / "_config.yml"
    if not path.exists():
        raise PrintError(f"no book configuration at {path}")
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def site_baseurl(book: Path) -> str:
    """``html.baseurl`` from ``_config.yml``, without a trailing slash ("" if unset)."""
    return str((_config(book).get("html") or {}).get("baseurl") or "").rstrip("/")


# -- the single-page build ---------------------------------------------------------------

def _run_singlehtml_build(book: str, output: str) -> int:
    """Run inside a child process: ``jupyter-book build --builder singlehtml``, strict.

    One repair first. sphinx-exercise registers its nodes for the ``singlehtml`` builder
    by name, and Sphinx then stops falling back to the ``html`` translation handlers
    for that builder, so every other extension's nodes (myst-nb's hidden cells,
    sphinx-design's badges, ...) have no handler and the build fails with "unknown node
    type". The missing handlers are copied from ``html``.
    """
    from sphinx.registry import SphinxComponentRegistry

    original = SphinxComponentRegistry.create_translator

    def create_translator(self, builder, *args):
        if builder.name == "singlehtml":
            handlers = self.translation_handlers
            handlers["singlehtml"] = {**handlers.get("html", {}),
                                      **handlers.get("singlehtml", {})}
        return original(self, builder, *args)

    SphinxComponentRegistry.create_translator = create_translator
    from jupyter_book.cli.main import main

    try:
        main(["build", book, "-W", "-n", "--keep-going", "--path-output", output,
              "--builder", "singlehtml"])
    except SystemExit as stop:
        return int(stop.code or 0)
    except Exception as error:  # jupyter-book raises after printing the cause
        print(error, file=sys.stderr)
        return 1
    return 0


def build_singlehtml(book: Path, html_dir: Path) -> Path:
    """Build the single page beside ``html_dir``; return its folder."""
    path_output = html_dir.parent.parent
    command = [sys.executable, str(Path(__file__).resolve()), "--_singlehtml",
               str(book), str(path_output)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=book,
                          timeout=BUILD_TIMEOUT_S)
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip().splitlines()
        tail = "\n".join(line for line in output if "IPKernelApp" not in line)[-4000:]
        raise PrintError(f"the single-page build failed (jupyter-book build . --builder "
                         f"singlehtml -W -n --keep-going --path-output {path_output}):\n"
                         f"{tail}")
    return html_dir.parent / "singlehtml"


# -- the browser -------------------------------------------------------------------------

@contextlib.contextmanager
def chromium_browser(chromium: str | None = None):
    """Debian's Chromium, headless, through Playwright."""
    if chromium and not Path(chromium).exists():
        raise PrintError(f"no Chromium at {chromium}")
    chromium = chromium or find_chromium()
    if chromium is None:
        raise PrintError("Chromium not found: install Debian's browser with `sudo apt-get "
                         "install chromium` (or set CHROMIUM_PATH, or pass --chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise PrintError("Playwright is not installed: "
                         "pip install -r requirements-test.txt") from error
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


# Before any script of the page runs: the theme reads its mode from localStorage.
LIGHT_MODE = "try { localStorage.setItem('mode', 'light'); localStorage.setItem('theme', " \
             "'light'); } catch (e) {}"

# Explorers fetch their results as the reader scrolls near them; printing wants them all.
WAIT_UNTIL_DRAWN = """async () => {
  if (window.bookExplorers) await window.bookExplorers.startAll();
  const roots = Array.from(document.querySelectorAll('div.explorer[data-explorer]'));
  for (let i = 0; i < 600; i++) {
    if (roots.every(r => r.explorer || r.querySelector('.explorer-failed'))) break;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  await document.fonts.ready;
}"""

# Rearranges the single page for print. Returns what it did and what went wrong.
PREPARE = "\n".join(itertools.dropwhile(  # without the file's opening comment
    lambda line: line.startswith("//"),
    Path(__file__).with_name("build_pdf_prepare.js").read_text(encoding="utf-8").splitlines()))

FILL_PAGE_NUMBERS = """(pages) => {
  for (const span of document.querySelectorAll(".print-toc-page")) {
    span.textContent = pages[span.dataset.anchor] || "";
  }
}"""


@dataclass
class PreparedPage:
    context: object
    page: object
    summary: dict
    outside_requests: list[str]


def prepare_page(browser, base_url: str, book: Path, paper: str = "A4") -> PreparedPage:
    """Open the single page in ``browser`` and rearrange it for print (see PREPARE).

    The caller closes ``result.context``. Tests use this to inspect what is printed.
    """
    root, parts = read_toc(book)
    toc = [{"caption": part.caption,
            "entries": [{"docname": name, "anchor": chapter_anchor(name)}
                        for name in part.docnames]} for part in parts]
    config = {"root": root, "toc": toc, "baseurl": site_baseurl(book),
              "titlePage": title_page_html(book), "appendixAnchor": APPENDIX_ANCHOR,
              "appendixTitle": APPENDIX_TITLE}
    context = browser.new_context(
        viewport={"width": round(printable_width_px(paper)), "height": 1100},
        color_scheme="light", reduced_motion="reduce")
    context.add_init_script(LIGHT_MODE)
    page = context.new_page()
    outside = refuse_outside(page, base_url)  # the book fetches nothing from other hosts
    page.goto(f"{base_url}/{root}.html", wait_until="load", timeout=READY_TIMEOUT_MS)
    page.wait_for_load_state("networkidle", timeout=READY_TIMEOUT_MS)
    page.evaluate(WAIT_UNTIL_DRAWN)
    page.add_style_tag(content=PRINT_CSS.read_text(encoding="utf-8"))
    summary = page.evaluate(PREPARE, config)
    page.evaluate("document.fonts.ready")
    return PreparedPage(context, page, summary, outside)


def _templates(title: str) -> tuple[str, str]:
    style = ("font-family: sans-serif; font-size: 8px; color: #555; width: 100%; "
             f"margin: 0 {MARGINS_MM['right']}mm 0 {MARGINS_MM['left']}mm;")
    header = (f'<div style="{style} display: flex; justify-content: space-between;">'
              f"<span>{html.escape(title)}</span><span>print edition</span></div>")
    footer = (f'<div style="{style} text-align: center;"><span class="pageNumber"></span>'
              ' / <span class="totalPages"></span></div>')
    return header, footer


def destination_pages(pdf: bytes, anchors: list[str]) -> dict[str, int]:
    """The page (from 1) of each anchor that is a named destination in ``pdf``."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    found = {}
    for name, destination in reader.named_destinations.items():
        key = name.lstrip("/")
        if key in anchors:
            found[key] = reader.get_destination_page_number(destination) + 1
    return found


def print_book(single_dir: Path, output: Path, book: Path, paper: str = "A4",
               chromium: str | None = None, log=print) -> dict:
    """Print the single page at ``single_dir`` to ``output``; return a summary."""
    title = read_title(book)
    header, footer = _templates(title)
    options = {"format": paper, "print_background": True, "display_header_footer": True,
               "header_template": header, "footer_template": footer, "outline": True,
               "tagged": True, "margin": {k: f"{v}mm" for k, v in MARGINS_MM.items()}}
    with serve_directory(single_dir) as base, chromium_browser(chromium) as browser:
        start = time.perf_counter()
        prepared = prepare_page(browser, base, book, paper)
        summary = prepared.summary
        if summary["problems"]:
            raise PrintError("the page could not be prepared for print:\n  "
                             + "\n  ".join(summary["problems"]))
        if prepared.outside_requests:
            log(f"warning: the page asked for other hosts (blocked): "
                f"{prepared.outside_requests[:5]}")
        log(f"prepared the page in {time.perf_counter() - start:.1f} s: "
            f"{len(summary['chapters'])} pages of the site, "
            f"{len(summary['explorers'])} explorers, {summary['counts']}")
        anchors = summary["anchors"]
        pages: dict[str, int] = {}
        for attempt in range(1, 4):
            start = time.perf_counter()
            pdf = prepared.page.pdf(**options)
            found = destination_pages(pdf, anchors)
            missing = sorted(set(anchors) - set(found))
            if missing:
                raise PrintError(f"the PDF has no destination for {missing}: the contents "
                                 "cannot be numbered")
            log(f"print {attempt}: {time.perf_counter() - start:.1f} s")
            if found == pages:
                break
            pages = found
            prepared.page.evaluate(FILL_PAGE_NUMBERS, {k: str(v) for k, v in pages.items()})
        else:
            raise PrintError("the page numbers of the contents did not settle in 3 prints")
        prepared.context.close()
    pdf = finish_pdf(pdf, title=title, author=read_author(book))
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_suffix(".pdf.partial")
    partial.write_bytes(pdf)
    os.replace(partial, output)
    from pypdf import PdfReader

    summary["page_count"] = len(PdfReader(io.BytesIO(pdf)).pages)
    summary["pages"] = pages
    summary["bytes"] = len(pdf)
    return summary


def finish_pdf(pdf: bytes, title: str, author: str) -> bytes:
    """Repair the bookmarks and set the document's title and author.

    Chromium's outline (the PDF's bookmarks, made from the headings) repeats the title
    of some headings that start a page ("GlossaryGlossary"); those are cut back to one.
    """
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=io.BytesIO(pdf))

    def repair(item) -> None:
        while item is not None:
            node = item.get_object()
            text = str(node.get("/Title", ""))
            half = len(text) // 2
            if half and text == text[:half] * 2:
                node[NameObject("/Title")] = TextStringObject(text[:half])
            if "/First" in node:
                repair(node["/First"])
            item = node.get("/Next")

    outlines = writer.root_object.get("/Outlines")
    if outlines is not None:
        repair(outlines.get_object().get("/First"))
    writer.add_metadata({"/Title": title, "/Author": author,
                         "/Subject": "The whole book, printed from its website"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def read_title(book: Path) -> str:
    return str(_config(book).get("title") or "The book")


def read_author(book: Path) -> str:
    return str(_config(book).get("author") or "")


# -- command line ---------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--_singlehtml"]:  # the child process of build_singlehtml
        return _run_singlehtml_build(*argv[1:3])
    parser = argparse.ArgumentParser(
        description="Print the whole book as one PDF (see the module's docstring).")
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html",
                        help="the HTML build the PDF goes into (default: _build/html); "
                             "the single-page build is made beside it")
    parser.add_argument("--output", type=Path,
                        help="where to write the PDF (default: HTML/book.pdf)")
    parser.add_argument("--skip-build", action="store_true",
                        help="print the existing single-page build without rebuilding it")
    parser.add_argument("--paper", choices=sorted(PAPERS), default="A4")
    parser.add_argument("--chromium", help="the Chromium executable (default: "
                                           "CHROMIUM_PATH, else /usr/bin/chromium)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        html_dir = args.html.resolve()
        if not (html_dir / "index.html").is_file():
            raise PrintError(f"no HTML build at {html_dir} (no index.html there): build the "
                             "book first with `jupyter-book build . -W -n --keep-going`, or "
                             "pass --html with the folder of an HTML build")
        if html_dir.parent.name != "_build":
            raise PrintError(f"{html_dir} is not a jupyter-book HTML build folder "
                             "(expected PATH/_build/html)")
        output = (args.output or html_dir / "book.pdf").resolve()
        single_dir = html_dir.parent / "singlehtml"
        if args.skip_build:
            if not (single_dir / f"{read_toc(ROOT)[0]}.html").is_file():
                raise PrintError(f"--skip-build, but there is no single-page build at "
                                 f"{single_dir}")
        else:
            start = time.perf_counter()
            print(f"building the single page into {single_dir} ...", flush=True)
            build_singlehtml(ROOT, html_dir)
            print(f"built in {time.perf_counter() - start:.1f} s", flush=True)
        summary = print_book(single_dir, output, ROOT, args.paper, args.chromium,
                             log=functools.partial(print, flush=True))
    except PrintError as error:
        print(f"build_pdf: error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {output}: {summary['page_count']} pages, "
          f"{summary['bytes'] / 1e6:.1f} MB, in {time.perf_counter() - started:.0f} s")
    print("contents: " + json.dumps(summary["pages"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
