"""Every page of the built site valid HTML, as the Nu Html Checker reads it.

``tests/test_html_valid.py`` runs the checker (the W3C validator's engine, vendored in
``tests/vendor/vnu``) over every page and allows no error. The book's own markup is made
valid where it is written; this extension mends, on the site only (the ``html`` builder),
what packages write:

* **exercise-content-ids.** sphinx-exercise gives the content of every exercise the id
  ``exercise-content`` and of every solution ``solution-content``: ids repeated on a page.
  No link, stylesheet or script uses them; they are dropped.
* **folded-cell-labels.** myst-nb's folded code cells put their two labels ("Show code cell
  source", "Hide code cell source") in ``<p>`` elements inside ``<summary>``, which allows
  phrasing content only. They become ``<span>`` elements, and every stylesheet rule that
  styled them through ``p.admonition-title``, ``p.collapsed`` or ``p.expanded`` (myst-nb's,
  Sphinx's basic.css, the theme's) now says ``:is(p, span).admonition-title`` and so on: the
  same specificity, so every paragraph is styled as before and the labels look as they did
  (the type rules for ``p`` that no longer reach them set nothing the label rules do not).
* **self-check-styles.** HTML allows ``<style>`` only in the head. A self-check's output
  (``widgets/selfcheck.py``) carries two: jupyterquiz's stylesheet and the book's. JupyterLab
  needs them inline in the cell's output, so the notebooks keep them; in the site's pages they
  are moved, unchanged and in order, to the end of the head, after every stylesheet link, so
  the cascade is what it was.
* **redirect-page.** The site's ``index.html`` is a one-line redirect to the first chapter
  written by sphinx-external-toc, without a doctype or a title. It is rewritten as a complete
  document doing the same redirect, with the book's title and a link for readers whose
  browser does not follow the refresh.

Fail loudly. Each fix names where upstream writes its target (package, version, file, line
or function). If a fix found its target on no page of the site, the build fails with an
``ExtensionError`` naming the fix and the installed version of its package: after an
upgrade, a fix that no longer applies is noticed, not carried. As in
``_ext/every_reader.py``, only a build that wrote every page can tell (an incremental build
writes only the pages that changed), so only such a build checks the pages. myst-nb's
stylesheet is copied by every build, and every build checks that it still has the three
label rules (``folded-cell-label-rules``).

Two checker errors remain that are not errors of the pages; ``tests/test_html_valid.py``
allows exactly those, naming the standard that makes each valid (``CHECKER_LIMITATIONS``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: The builder whose pages are the site (not the single page the PDF is printed from).
SITE_BUILDER = "html"


@dataclass(frozen=True)
class Fix:
    """One mend of markup that a package writes."""

    name: str
    package: str  # the distribution that writes the target: named, with its version, on failure
    source: str  # where it writes it

    def installed(self) -> str:
        try:
            return f"{self.package} {version(self.package)}"
        except PackageNotFoundError:
            return f"{self.package} (not installed)"


EXERCISE_IDS = Fix(
    "exercise-content-ids", "sphinx-exercise",
    "sphinx-exercise 1.2.1, sphinx_exercise/directive.py: ExerciseDirective.run, line 127, "
    "nodes.section(ids=['exercise-content']); SolutionDirective.run, line 246, and "
    "transforms.py, MergeGatedSolutions.apply, line 115, ids=['solution-content']")
FOLDED_CELL_LABELS = Fix(
    "folded-cell-labels", "myst-nb",
    "myst-nb 1.4.0, myst_nb/sphinx_.py, visit_HideCellInput, lines 495-502 (the <p> labels in "
    "<summary>)")
FOLDED_CELL_RULES = Fix(
    "folded-cell-label-rules", "myst-nb",
    "myst-nb 1.4.0, myst_nb/static/mystnb.css, lines 192, 201 and 205 (the rules that show "
    "one label and hide the other), copied to _static/mystnb.<hash>.css by "
    "myst_nb/sphinx_ext.py, add_global_html_resources")
SELF_CHECK_STYLES = Fix(
    "self-check-styles", "jupyterquiz",
    "widgets/selfcheck.py, SelfCheck.html (the book's <style>), around jupyterquiz 2.9.6.4, "
    "jupyterquiz/dynamic/renderer.py, build_styles (its <style>)")
REDIRECT_PAGE = Fix(
    "redirect-page", "sphinx-external-toc",
    "sphinx-external-toc 1.1.0, sphinx_external_toc/events.py, ensure_index_file, line 342")
FIXES = (EXERCISE_IDS, FOLDED_CELL_LABELS, SELF_CHECK_STYLES, REDIRECT_PAGE)


# --- Fixes of a page's body -----------------------------------------------------------------

_EXERCISE_ID = re.compile(r'<section id="(?:exercise|solution)-content">')


def drop_exercise_ids(body: str) -> tuple[str, int]:
    """``body`` without sphinx-exercise's repeated ids; and how many there were."""
    return _EXERCISE_ID.subn("<section>", body)


_SUMMARY = re.compile(r"(<summary\b[^>]*>)(.*?)(</summary>)", re.S)
_FOLDED_LABEL = re.compile(r'<p class="((?:collapsed|expanded) admonition-title)">([^<]*)</p>')


def folded_labels_as_spans(body: str) -> tuple[str, int]:
    """myst-nb's labels inside ``<summary>`` as ``<span>``; and how many were changed."""
    changed = 0

    def in_summary(match: re.Match) -> str:
        nonlocal changed
        labels, count = _FOLDED_LABEL.subn(r'<span class="\1">\2</span>', match.group(2))
        changed += count
        return match.group(1) + labels + match.group(3)

    return _SUMMARY.sub(in_summary, body), changed


#: A self-check as widgets/selfcheck.py writes it: its root element to the end of its noscript.
_SELF_CHECK = re.compile(
    r'<div class="self-check" data-self-check="[a-z][a-z0-9-]*".*?</noscript></div>', re.S)
_STYLE_ELEMENT = re.compile(r"<style>.*?</style>", re.S)


def take_self_check_styles(body: str) -> tuple[str, list[str]]:
    """``body`` without the self-checks' ``<style>`` elements; and those, in order."""
    styles: list[str] = []

    def take(block: re.Match) -> str:
        styles.extend(_STYLE_ELEMENT.findall(block.group(0)))
        return _STYLE_ELEMENT.sub("", block.group(0))

    return _SELF_CHECK.sub(take, body), styles


def add_to_head(page: str, elements: list[str]) -> str:
    """``page`` with ``elements`` at the end of its head, after every stylesheet it links."""
    if page.count("</head>") != 1:
        raise ExtensionError("valid_html: a page without exactly one </head>; cannot move the "
                             "self-checks' styles into it")
    return page.replace("</head>", "".join(f"{e}\n" for e in elements) + "</head>", 1)


# --- Stylesheets: the rules for the folded cells' labels, for <span> as for <p> ------------

_LABEL_SELECTOR = re.compile(r"(?<![\w.#:-])p\.(admonition-title|collapsed|expanded)(?![\w-])")
_LABEL_SELECTOR_DONE = ":is(p, span)."
#: myst-nb's rules that show one label and hide the other: without them both would show.
MYSTNB_LABEL_RULES = (">summary>p.admonition-title", ">summary>p.collapsed",
                      ">summary>p.expanded")


def label_rules_for_spans(css: str) -> tuple[str, int]:
    """``css`` with ``p.admonition-title`` (``.collapsed``, ``.expanded``) also for spans.

    ``:is(p, span).x`` has the specificity of ``p.x``, so nothing else changes in the cascade.
    """
    return _LABEL_SELECTOR.subn(r":is(p, span).\1", css)


def _mystnb_sheets(outdir: Path) -> list[Path]:
    return sorted((outdir / "_static").glob("mystnb.*.css"))


def _sheets(outdir: Path) -> list[Path]:
    """The stylesheets packages copied into the site (not vendored fonts, not bundles)."""
    static = outdir / "_static"
    return sorted(path for path in static.rglob("*.css")
                  if path.relative_to(static).parts[0] not in ("vendor", "bundles"))


def fix_stylesheets(outdir: Path) -> int:
    """Rewrite the label rules in every stylesheet in the site; how many selectors changed.

    Raises unless myst-nb's stylesheet has its three label rules (as upstream wrote them, or
    as rewritten by an earlier build if the file was not copied again).
    """
    sheets = _mystnb_sheets(outdir)
    for path in sheets:
        css = path.read_text(encoding="utf-8")
        for rule in MYSTNB_LABEL_RULES:
            if rule not in css and rule.replace(">p.", ">" + _LABEL_SELECTOR_DONE) not in css:
                sheets = []
    if not sheets:
        raise unmatched_error([FOLDED_CELL_RULES])
    changed = 0
    for path in _sheets(outdir):
        css, count = label_rules_for_spans(path.read_text(encoding="utf-8"))
        if count:
            path.write_text(css, encoding="utf-8")
            changed += count
    return changed


# --- The redirect page --------------------------------------------------------------------

_UPSTREAM_REDIRECT = re.compile(
    r'\A\s*<meta http-equiv="Refresh" content="0; url=(?P<url>[^"<>\s]+)" />\s*\Z')
_OUR_REDIRECT = re.compile(r'\A<!DOCTYPE html>\n.*<meta http-equiv="refresh" '
                           r'content="0; url=(?P<url>[^"<>\s]+)">', re.S)


def redirect_page(url: str, title: str, language: str) -> str:
    """A complete page that sends the reader to ``url`` at once, as the upstream line did."""
    url, title = html.escape(url), html.escape(title)
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(language)}">\n<head>\n'
            f'<meta charset="utf-8">\n<meta http-equiv="refresh" content="0; url={url}">\n'
            f"<title>{title}</title>\n</head>\n<body>\n"
            f'<p><a href="{url}">{title}</a></p>\n</body>\n</html>\n')


def mend_redirect(text: str, title: str, language: str) -> str | None:
    """The complete page for sphinx-external-toc's one-line redirect; ``None`` if it is not
    one (or is already the complete page: see ``is_mended_redirect``)."""
    match = _UPSTREAM_REDIRECT.match(text)
    return redirect_page(match.group("url"), title, language) if match else None


def is_mended_redirect(text: str, title: str, language: str) -> bool:
    match = _OUR_REDIRECT.match(text)
    return bool(match) and text == redirect_page(html.unescape(match.group("url")), title,
                                                 language)


# --- Sphinx --------------------------------------------------------------------------------

PAGE_FIXES: tuple[tuple[Fix, Callable[[str], tuple[str, int]]], ...] = (
    (EXERCISE_IDS, drop_exercise_ids),
    (FOLDED_CELL_LABELS, folded_labels_as_spans),
)


def _is_site(app) -> bool:
    return app.builder is not None and app.builder.name == SITE_BUILDER


def _start(app) -> None:
    app.valid_html_found = {}  # page -> names of the fixes that found their target on it
    app.valid_html_styles = {}  # page -> style elements for its head
    app.valid_html_files = set()  # names of the fixes that found their target in a file


def _fix_page(app, pagename, templatename, context, doctree) -> None:
    if not _is_site(app):
        return
    found = app.valid_html_found.setdefault(pagename, set())
    body = context.get("body")
    if not body:
        return
    for fix, mend in PAGE_FIXES:
        body, count = mend(body)
        if count:
            found.add(fix.name)
    body, styles = take_self_check_styles(body)
    if styles:
        found.add(SELF_CHECK_STYLES.name)
        app.valid_html_styles[pagename] = styles
    context["body"] = body


def _fix_stylesheets(app, exception) -> None:
    # After myst-nb copies its stylesheet (build-finished, 500), before _ext/every_reader.py
    # cuts and bundles the stylesheets (550, 600).
    if exception is None and _is_site(app):
        fix_stylesheets(Path(app.outdir))


def _fix_redirect(app) -> None:
    path = Path(app.outdir) / "index.html"
    if not path.is_file():
        return
    title, language = app.config.html_title or app.config.project, app.config.language or "en"
    text = path.read_text(encoding="utf-8")
    mended = mend_redirect(text, title, language)
    if mended is not None:
        path.write_text(mended, encoding="utf-8")
        app.valid_html_files.add(REDIRECT_PAGE.name)
    elif is_mended_redirect(text, title, language):
        app.valid_html_files.add(REDIRECT_PAGE.name)


def unmatched_error(missing: list[Fix]) -> ExtensionError:
    lines = [f"- {fix.name}: {fix.installed()} is installed; the fix was written for "
             f"{fix.source}" for fix in missing]
    return ExtensionError(
        "valid_html (_ext/valid_html.py): these fixes found nothing to mend on any page of the "
        "site. The package that wrote their target has changed (or no page uses it any "
        "more): check its markup with tests/test_html_valid.py, then update or remove the "
        "fix.\n" + "\n".join(lines))


def _finish(app, exception) -> None:
    if exception is not None or not _is_site(app):
        return
    for pagename, styles in app.valid_html_styles.items():
        page = Path(app.builder.get_outfilename(pagename))
        page.write_text(add_to_head(page.read_text(encoding="utf-8"), styles), encoding="utf-8")
    _fix_redirect(app)
    if not set(app.valid_html_found).issuperset(app.env.found_docs) \
            or len(app.env.found_docs) < 2:
        # An incremental build (the pages it did not write were mended before), or one page
        # built on its own (jupyter-book build x.md), which need not have every target.
        return
    found = app.valid_html_files.union(*app.valid_html_found.values())
    missing = [fix for fix in FIXES if fix.name not in found]
    if missing:
        raise unmatched_error(missing)


def setup(app):
    app.connect("builder-inited", _start)
    # After _ext/every_reader.py's page handlers (950), which read the markup as upstream wrote it.
    app.connect("html-page-context", _fix_page, priority=960)
    app.connect("build-finished", _fix_stylesheets, priority=520)
    # After sphinx-external-toc writes index.html (500) and every_reader bundles (600).
    app.connect("build-finished", _finish, priority=700)
    # Not parallel_write_safe: what the pages found is gathered on the app of one process.
    return {"parallel_read_safe": True, "parallel_write_safe": False, "version": "1"}
