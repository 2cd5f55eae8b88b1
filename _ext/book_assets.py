"""The book's own Sphinx extension: serve vendored files, load explorer scripts.

* Adds ``assets/`` to ``html_static_path`` so vendored front-end files
  (the ipywidgets manager) and the explorer script are served by the
  book. They are deliberately not in a top-level ``_static/``: Jupyter Book adds
  every ``.js`` there to every page, which loads bundles twice.
* Sets ``TWO_FACES_STATIC_BUILD=1`` before any notebook runs, so explorers
  render their static HTML (kernels inherit the builder's environment), and
  ``TWO_FACES_EXPLORER_CACHE`` to ``_build/explorer-cache``, so each explorer's
  grid is computed once per build even when two pages show it, and
  ``TWO_FACES_GRID_WORKERS`` to the number of cores, so a grid is computed in
  that many processes (a build runs one notebook at a time).
* Adds the book's small stylesheet (``assets/book.css``) to every page, and the
  explorer script and style only to pages that contain an explorer.
* Keeps old addresses working when a chapter is split: a page whose sections moved to
  another page gets the script ``assets/moved/<page>.js`` (for ``chapters/reading-faces``,
  ``assets/moved/chapters/reading-faces.js``) inline in its head, which sends an address
  naming a moved id on to the page that now has it, query and hash kept.
* Moves each explorer's results out of the page into a script of their own,
  ``_static/explorer-data/<hash>.js``, named by a hash of its content. An explorer's
  results are most of its page's weight (about 250 KB of the gallery's 270 KB,
  compressed); out of the page they do not delay the text a phone shows first, a reader
  fetches them only when scrolling near the explorer (``explorer.js``), and a page showing
  an explorer another page showed reads them from the browser's cache. Explorers
  displayed anywhere but the site (Jupyter, nbconvert) keep their results inline.
* Writes a student version of each chapter with exercises (plain Jupyter
  Markdown, solutions removed, ``booktools.student``) to ``student/<chapter>.ipynb``
  in the built site, with a verbatim copy of the chapter's source as
  ``student/<chapter>.md``, and links both under the chapter's title.
* Drops scripts that cost readers and give them nothing:
  - sphinx-thebe's. The book does not use Thebe (``thebe: false``), yet Jupyter
    Book 1 registers its inline configuration twice on every page, which is a
    JavaScript error ("Identifier 'THEBE_JS_URL' has already been declared")
    and names a CDN URL.
  (Formulas need no script: ``_ext/mathml.py`` writes them as MathML.)
  (The theme's 1.5 MB ``fontawesome.js`` is written by a template, not
  registered as a script: ``_templates/static/webpack-macros.html`` leaves it out.)
"""

from __future__ import annotations

import hashlib
import html
import os
import posixpath
import re
import shutil
from pathlib import Path

from docutils import nodes

from widgets.explorers.framework import (
    CACHE_VARIABLE,
    GRID_WORKERS_VARIABLE,
    STATIC_BUILD_VARIABLE,
)

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def _serve_assets(app, config) -> None:
    config.html_static_path = [*config.html_static_path, str(ASSETS)]
    os.environ[STATIC_BUILD_VARIABLE] = "1"
    # Each explorer's grid is computed once per build (and kept between builds until
    # the code the explorers run, or numpy or scipy, changes: framework.results_fingerprint),
    # even when two pages show it.
    os.environ[CACHE_VARIABLE] = str(Path(app.outdir).parent / "explorer-cache")
    # The build runs one notebook at a time; an explorer's grid can use every core.
    os.environ.setdefault(GRID_WORKERS_VARIABLE, str(os.cpu_count() or 1))


def _file_and_body(script) -> tuple[str, str]:
    """A registered script's file name (without query) and inline body."""
    filename = str(getattr(script, "filename", "") or "").split("?")[0]
    body = str(getattr(script, "attributes", {}).get("body", ""))
    return filename, body


def _is_unused_script(script) -> bool:
    filename, body = _file_and_body(script)
    return filename.endswith("sphinx-thebe.js") or "THEBE_JS_URL" in body


def _drop_unused_scripts(app, pagename, templatename, context, doctree) -> None:
    if "script_files" not in context:
        return
    context["script_files"] = [s for s in context["script_files"] if not _is_unused_script(s)]


def _add_explorer_files(app, pagename, templatename, context, doctree) -> None:
    if doctree is None or 'data-explorer="' not in context.get("body", ""):
        return
    app.add_css_file("explorer/explorer.css")
    app.add_js_file("explorer/explorer.js", loading_method="defer")


#: Scripts that forward old addresses of moved sections, one per page that lost sections.
MOVED = ASSETS / "moved"


def _add_moved_sections_script(app, pagename, templatename, context, doctree) -> None:
    script = MOVED / f"{pagename}.js"
    if script.is_file():
        # Inline, so that it runs as the head is read, before the page is drawn or anything
        # else reads the address, and costs no request (every_reader defers script files).
        app.add_js_file(None, body=script.read_text(encoding="utf-8"), priority=100)


EXPLORER_DATA = Path("_static", "explorer-data")
#: An explorer's results as ``framework.static_html`` embeds them.
_EMBEDDED_DATA = re.compile(
    r'<script type="application/json" class="explorer-data">(?P<json>.*?)</script>', re.S)
#: The same element once its results have moved to a file.
_DATA_FILE = re.compile(r'<script type="application/json" class="explorer-data" '
                        r'data-src="[^"]*?(?P<file>[0-9a-f]{16}\.js)"')


def explorer_data_script(key: str, payload: str) -> str:
    """The file holding one explorer's results: a script, so that it loads from file:// too."""
    return f'(window.explorerData = window.explorerData || {{}})["{key}"] = {payload};\n'


def _move_explorer_data(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    if 'class="explorer-data">' not in body:
        return
    folder = Path(app.outdir) / EXPLORER_DATA
    folder.mkdir(parents=True, exist_ok=True)
    to_root = posixpath.relpath(".", posixpath.dirname(pagename) or ".")

    def move(match: re.Match) -> str:
        payload = match.group("json")  # JSON with "</" written "<\/": valid JSON and JS
        key = hashlib.sha256(payload.encode()).hexdigest()[:16]
        file = folder / f"{key}.js"
        if not file.exists():
            file.write_text(explorer_data_script(key, payload), encoding="utf-8")
        src = posixpath.normpath(posixpath.join(to_root, EXPLORER_DATA.as_posix(), file.name))
        return (f'<script type="application/json" class="explorer-data" data-src="{src}" '
                f'data-key="{key}"></script>')

    context["body"] = _EMBEDDED_DATA.sub(move, body)


def _drop_unused_explorer_data(app, exception) -> None:
    """Delete result files of earlier builds that no page refers to any more."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    used = set()
    for page in outdir.rglob("*.html"):
        used.update(m.group("file") for m in _DATA_FILE.finditer(page.read_text(encoding="utf-8")))
    for old in (outdir / EXPLORER_DATA).glob("*.js"):
        if old.name not in used:
            old.unlink()


STUDENT_FOLDER = "student"  # in the built site, beside the chapters' pages


def _student_source(app, docname: str) -> Path | None:
    """The chapter's source if it gets a student version (a MyST notebook with exercises)."""
    from booktools.student import has_exercises

    source = Path(app.env.doc2path(docname))
    if source.suffix != ".md" or not source.exists():
        return None
    text = source.read_text(encoding="utf-8")
    return source if text.startswith("---\njupytext:") and has_exercises(text) else None


def _student_links_html(app, docname: str) -> str:
    """The line under a chapter's title that links its student notebook and its source.

    The links are relative to the page, so they work at any depth and on any host.
    Plain text in the theme's colours (CSS variables), so it follows dark mode.
    """
    page = app.builder.get_target_uri(docname)
    folder = posixpath.relpath(STUDENT_FOLDER, posixpath.dirname(page) or ".")
    name = html.escape(Path(docname).name)
    style = ("border-left: 0.25rem solid var(--pst-color-primary); padding: 0.25rem 0.75rem; "
             "color: var(--pst-color-text-base);")
    return (
        f'<p class="student-files" style="{style}">Work on this chapter offline: '
        f'<a href="{folder}/{name}.ipynb" download>student notebook (.ipynb, solutions '
        f'removed)</a> · <a href="{folder}/{name}.md" download>chapter source (.md)</a></p>'
    )


def _link_student_files(app, doctree, docname) -> None:
    """Put the student-files line under the title of each chapter with exercises."""
    if app.builder.format != "html" or _student_source(app, docname) is None:
        return
    section = next(doctree.findall(nodes.section), None)
    if section is None or not section.children or not isinstance(section[0], nodes.title):
        return
    section.insert(1, nodes.raw("", _student_links_html(app, docname), format="html"))


def _page_numbers(app, docname: str, kind: str) -> list[str] | None:
    """The numbers Sphinx gave the page's exercises or figures, in page order."""
    numbers = app.env.toc_fignumbers.get(docname, {}).get(kind)
    return [".".join(map(str, n)) for n in numbers.values()] if numbers else None


def _write_student_notebooks(app, exception) -> None:
    """Serve each chapter with exercises as student/<name>.ipynb and student/<name>.md.

    The notebook shows the website's glued values (from the glue data myst-nb
    wrote while executing the chapter) and the website's exercise and figure numbers.
    """
    if exception is not None or app.builder.format != "html":
        return
    from myst_nb.sphinx_ext import OUTPUT_FOLDER

    from booktools.student import write_student_notebook

    bibliographies = [Path(app.srcdir) / name for name in app.config.bibtex_bibfiles]
    executed = Path(app.outdir).parent / OUTPUT_FOLDER
    for docname in sorted(app.env.found_docs):
        source = _student_source(app, docname)
        if source is None:
            continue
        folder, name = Path(app.outdir) / STUDENT_FOLDER, Path(docname).name
        glue = executed / f"{docname}.glue.json"
        write_student_notebook(
            source, folder / f"{name}.ipynb", bibliographies=bibliographies,
            glue=glue if glue.exists() else None,
            exercise_numbers=_page_numbers(app, docname, "exercise"),
            figure_numbers=_page_numbers(app, docname, "figure"))
        shutil.copyfile(source, folder / f"{name}.md")


def setup(app):
    app.connect("config-inited", _serve_assets)
    app.add_css_file("book.css")
    app.connect("html-page-context", _add_explorer_files)
    app.connect("html-page-context", _add_moved_sections_script)
    app.connect("html-page-context", _move_explorer_data)
    app.connect("html-page-context", _drop_unused_scripts, priority=900)
    app.connect("doctree-resolved", _link_student_files)
    app.connect("build-finished", _write_student_notebooks)
    app.connect("build-finished", _drop_unused_explorer_data)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
