"""The book's own Sphinx extension: serve vendored files, load explorer scripts.

* Adds ``assets/`` to ``html_static_path`` so vendored front-end files
  (MathJax, the ipywidgets manager) and the explorer script are served by the
  book. They are deliberately not in a top-level ``_static/``: Jupyter Book adds
  every ``.js`` there to every page, which loads bundles twice.
* Sets ``TWO_FACES_STATIC_BUILD=1`` before any notebook runs, so explorers
  render their static HTML (kernels inherit the builder's environment).
* Adds the explorer script and style only to pages that contain an explorer.
* Drops sphinx-thebe's scripts. The book does not use Thebe (``thebe: false``),
  yet Jupyter Book 1 registers its inline configuration twice on every page,
  which is a JavaScript error ("Identifier 'THEBE_JS_URL' has already been
  declared") and names a CDN URL.
"""

from __future__ import annotations

import os
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "assets"
STATIC_BUILD_VARIABLE = "TWO_FACES_STATIC_BUILD"  # read by widgets.explorers.framework


def _serve_assets(app, config) -> None:
    config.html_static_path = [*config.html_static_path, str(ASSETS)]
    os.environ[STATIC_BUILD_VARIABLE] = "1"


def _is_thebe_script(script) -> bool:
    filename = str(getattr(script, "filename", "") or "")
    body = str(getattr(script, "attributes", {}).get("body", ""))
    return filename.endswith("sphinx-thebe.js") or "THEBE_JS_URL" in body


def _drop_thebe(app, pagename, templatename, context, doctree) -> None:
    if "script_files" in context:
        context["script_files"] = [s for s in context["script_files"]
                                   if not _is_thebe_script(s)]


def _add_explorer_files(app, pagename, templatename, context, doctree) -> None:
    if doctree is None or 'data-explorer="' not in context.get("body", ""):
        return
    app.add_css_file("explorer/explorer.css")
    app.add_js_file("explorer/explorer.js", loading_method="defer")


def setup(app):
    app.connect("config-inited", _serve_assets)
    app.connect("html-page-context", _add_explorer_files)
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
