"""Every built page is valid HTML: the Nu Html Checker finds no error in it.

The checker is the W3C validator's engine (vnu-jar, vendored in ``tests/vendor/vnu`` by
``scripts/vendor_frontend.sh``), run with the machine's Java, once for all the pages (Java
starts slowly). It needs Java 17 or newer: without Java the tests that run it are skipped,
except under CI, where they fail.

Markup that packages write is mended by ``_ext/valid_html.py``; its fixes are tested here on
small inputs, without a build, and against the installed packages' own output. Two checker
errors are not errors of the pages, and only those two are allowed (``CHECKER_LIMITATIONS``):
each names the standard that makes it valid, and each must still be reported by this checker
(a fast test below), so that it is dropped when the checker learns better.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ROOT, missing_tool
from .test_browser import built_pages

VNU = ROOT / "tests" / "vendor" / "vnu" / "vnu.jar"

_SPEC = importlib.util.spec_from_file_location("valid_html", ROOT / "_ext" / "valid_html.py")
valid_html = importlib.util.module_from_spec(_SPEC)
sys.modules.setdefault("valid_html", valid_html)  # its dataclasses look their module up
_SPEC.loader.exec_module(valid_html)


# --- The checker ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Limitation:
    """A checker error on markup that a current standard allows."""

    message: str  #: the checker's message, exactly
    extract: str  #: text the checker's extract of the spot contains
    why: str  #: the standard, and why the checker does not know it


CHECKER_LIMITATIONS = (
    Limitation(
        message="Attribute “tabindex” not allowed on element “math” at this point.",
        extract='<math display="block" tabindex="0">',
        why="MathML Core (W3C; https://www.w3.org/TR/mathml-core/#global-attributes, "
            "'Global attributes') allows tabindex on every MathML element, and browsers "
            "implement it (MathMLElement.tabIndex); the HTML Standard defers to MathML Core "
            "for MathML since 2024 (https://github.com/whatwg/html/pull/9804). The checker's "
            "MathML schema is MathML 3.0 "
            "(2010: nu/validator/localentities/files/schema_mml3_mathml3_common_rnc in "
            "vnu.jar), whose math.attributes predate it. _ext/mathml.py gives each display "
            "formula tabindex=0 so that a keyboard can scroll one wider than a phone."),
    Limitation(
        message="CSS: “field-sizing”: Property “field-sizing” doesn't exist.",
        extract="sizing: content",
        why="field-sizing is a standards-track CSS property (CSS Form Control Styling "
            "Level 1, https://drafts.csswg.org/css-forms-1/#propdef-field-sizing; first in "
            "CSS Basic User Interface Level 4), in Chromium since 123 and Safari since 26.2; "
            "browsers without it ignore it. jupyterquiz's stylesheet (styles.css, line 86) "
            "sizes the self-checks' number box to its content with it, in JupyterLab as on "
            "the site. The checker's CSS validator does not know the property yet."),
)


def java() -> str:
    """The ``java`` command; skips the test without it (fails under CI)."""
    found = shutil.which("java")
    if found is None:
        missing_tool("Java not found: the Nu Html Checker (tests/vendor/vnu/vnu.jar) needs "
                     "Java 17 or newer (Debian: `sudo apt-get install default-jre-headless`)")
    assert VNU.is_file(), f"{VNU} is missing: run scripts/vendor_frontend.sh"
    return found


def check(files: list[Path]) -> list[dict]:
    """The checker's errors for ``files``, in one Java process."""
    command = [java(), "-jar", str(VNU), "--errors-only", "--no-langdetect", "--format",
               "json", "--stdout", *map(str, files)]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=900)
    try:
        messages = json.loads(completed.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"the checker did not report (exit {completed.returncode}):\n"
                    f"{completed.stdout[-2000:]}\n{completed.stderr[-2000:]}")
    if completed.returncode not in (0, 1):  # 1: it found errors
        pytest.fail(f"the checker failed (exit {completed.returncode}):\n"
                    f"{completed.stderr[-2000:]}")
    return messages


def allowed_by(message: dict) -> Limitation | None:
    for limitation in CHECKER_LIMITATIONS:
        if (message.get("message") == limitation.message
                and limitation.extract in message.get("extract", "")):
            return limitation
    return None


def describe(message: dict, root: Path) -> str:
    """``page:line: message`` (and the spot), for a failure report."""
    url = message.get("url", "")
    path = url.removeprefix("file:")
    try:
        path = Path(path).relative_to(root).as_posix()
    except ValueError:
        pass
    line = message.get("lastLine", message.get("firstLine", "?"))
    spot = " ".join(message.get("extract", "").split())[:100]
    return f"{path}:{line}: [{message.get('type')}] {message.get('message')}  «{spot}»"


# --- The built site ----------------------------------------------------------------------

@pytest.mark.build
def test_every_built_page_is_valid_html(site):
    pages = [site / page for page in built_pages(site)]
    messages = check(pages)
    errors = [m for m in messages if allowed_by(m) is None]
    assert not errors, (f"{len(errors)} error(s) from the Nu Html Checker on "
                        f"{len({m.get('url') for m in errors})} page(s):\n"
                        + "\n".join(describe(m, site) for m in errors))
    # Each allowance is for something the site has: one that matches nothing is dropped.
    unused = [lim.message for lim in CHECKER_LIMITATIONS
              if not any(allowed_by(m) is lim for m in messages)]
    assert not unused, f"no page needs these allowances any more; remove them: {unused}"


# --- The checker itself, on small pages (Java, no build) -----------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>A page</title>{head}</head>
<body>
{body}
</body>
</html>
"""

BAD_BODY = """<p id="twice">One.</p>
<p id="twice">Two.</p>
<details><summary><p>Show</p></summary><p>Hidden.</p></details>
<div><p>Text</p><style>p { color: red; }</style></div>"""


def _mystnb_folded_cell() -> str:
    """A folded code cell's markup as the installed myst-nb writes it."""
    from types import SimpleNamespace

    from myst_nb.sphinx_ import depart_HideCellInput, visit_HideCellInput

    node = {"classes": ["above-input"], "prompt_show": "Show code cell source",
            "prompt_hide": "Hide code cell source"}
    translator = SimpleNamespace(body=[])
    visit_HideCellInput(translator, node)
    translator.body.append('<div class="cell_input"><pre>print(1)</pre></div>\n')
    depart_HideCellInput(translator, node)
    return "".join(translator.body)


def _self_check_body() -> str:
    from widgets.selfcheck import Choice, MultipleChoice, SelfCheck

    block = SelfCheck("sample", [MultipleChoice("Which?", [
        Choice("This one", correct=True, feedback="Yes."),
        Choice("That one", correct=False, feedback="No.")])])
    return f'<div class="cell_output"><div class="output text_html">{block.html()}</div></div>'


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> dict[str, list[dict]]:
    """The checker's messages for a few small pages, by file name, from one Java run."""
    folder = tmp_path_factory.mktemp("vnu-samples")
    body, styles = valid_html.take_self_check_styles(
        valid_html.folded_labels_as_spans(_mystnb_folded_cell())[0] + _self_check_body())
    upstream_redirect = '<meta http-equiv="Refresh" content="0; url=intro.html" />\n'
    pages = {
        "bad.html": PAGE.format(head="", body=BAD_BODY),
        # What the site's pages get: myst-nb's folded cell and a self-check, mended.
        "mended.html": valid_html.add_to_head(PAGE.format(head="", body=body), styles),
        "redirect.html": valid_html.mend_redirect(upstream_redirect, "A book", "en"),
        "limitations.html": PAGE.format(
            head="<style>input { field-sizing: content; }</style>",
            body='<math display="block" tabindex="0"><mi>x</mi></math>'),
    }
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    messages = check([folder / name for name in pages])
    return {name: [m for m in messages if m.get("url", "").endswith("/" + name)]
            for name in pages}


def test_the_checker_reports_errors_with_their_line(samples):
    found = {(m["message"], m.get("lastLine")) for m in samples["bad.html"]}
    assert ("Duplicate ID “twice”.", 6) in found, found
    assert any("“p” not allowed as child of element “summary”" in message
               for message, _ in found), found
    assert any("“style” element" in message for message, _ in found), found
    assert all(allowed_by(m) is None for m in samples["bad.html"])


def test_mended_upstream_markup_is_valid(samples):
    # (jupyterquiz's field-sizing is allowed: see CHECKER_LIMITATIONS)
    for name in ("mended.html", "redirect.html"):
        assert [m["message"] for m in samples[name] if allowed_by(m) is None] == [], name


def test_each_allowance_is_still_reported_by_this_checker_and_only_it(samples):
    reported = samples["limitations.html"]
    assert sorted(m["message"] for m in reported) == sorted(
        lim.message for lim in CHECKER_LIMITATIONS)
    assert all(allowed_by(m) is not None for m in reported)
    for limitation in CHECKER_LIMITATIONS:
        assert "http" in limitation.why  # names its standard


# --- The fixes, without a build ------------------------------------------------------------

def test_sphinx_exercise_still_repeats_the_ids_the_fix_drops():
    from sphinx_exercise import directive, transforms

    source = inspect.getsource(directive) + inspect.getsource(transforms)
    assert source.count('ids=["exercise-content"]') == 1
    assert source.count('ids=["solution-content"]') == 2
    body = ('<div class="exercise admonition" id="ex-1"><section id="exercise-content"><p>Q'
            '</p></section></div><div class="solution admonition" id="sol-1">'
            '<section id="solution-content"><p>A</p></section></div>')
    fixed, count = valid_html.drop_exercise_ids(body)
    assert count == 2
    assert "-content" not in fixed and fixed.count("<section>") == 2
    assert 'id="ex-1"' in fixed and 'id="sol-1"' in fixed  # the labels' own ids stay


def test_folded_cell_labels_become_spans_in_the_summary_only():
    cell = _mystnb_folded_cell()
    assert '<p class="collapsed admonition-title">' in cell  # what myst-nb writes now
    fixed, count = valid_html.folded_labels_as_spans(cell + '<p class="collapsed '
                                                     'admonition-title">Outside</p>')
    assert count == 2
    assert '<span class="collapsed admonition-title">Show code cell source</span>' in fixed
    assert '<span class="expanded admonition-title">Hide code cell source</span>' in fixed
    assert fixed.endswith('<p class="collapsed admonition-title">Outside</p>')


def test_the_label_rules_reach_spans_with_the_same_specificity():
    from importlib.resources import files

    mystnb = files("myst_nb").joinpath("static", "mystnb.css").read_text(encoding="utf-8")
    for rule in valid_html.MYSTNB_LABEL_RULES:
        assert rule in mystnb, rule  # the installed myst-nb still has the rules
    fixed, count = valid_html.label_rules_for_spans(mystnb)
    assert count == 4  # the three rules, and a comment that names p.admonition-title
    for rule in valid_html.MYSTNB_LABEL_RULES:
        assert rule.replace(">p.", ">:is(p, span).") in fixed
    css = ("p.admonition-title { x: 1 }\n.admonition p.admonition-title~* { y: 2 }\n"
           "div.sp.admonition-title, .p.collapsed, #p.expanded, p.admonition-titles { z: 3 }")
    fixed, count = valid_html.label_rules_for_spans(css)
    assert count == 2
    assert fixed.startswith(":is(p, span).admonition-title { x: 1 }\n.admonition "
                            ":is(p, span).admonition-title~* { y: 2 }")
    assert fixed.endswith("div.sp.admonition-title, .p.collapsed, #p.expanded, "
                          "p.admonition-titles { z: 3 }")
    assert valid_html.label_rules_for_spans(fixed) == (fixed, 0)  # a second run changes nothing


def test_self_check_styles_move_from_the_body_to_the_end_of_the_head():
    body = "<p>Before.</p>" + _self_check_body() + "<p>After.</p>"
    moved, styles = valid_html.take_self_check_styles(body)
    assert len(styles) == 2 and "<style" not in moved
    assert styles[0].startswith("<style>\n#selfcheck_sample {")  # jupyterquiz's, then ours
    assert ".self-check { margin: 1.5rem 0; }" in styles[1]
    assert moved.startswith("<p>Before.</p>") and moved.endswith("<p>After.</p>")
    assert '<div id="selfcheck_sample"' in moved and "<script>" in moved
    page = valid_html.add_to_head('<html><head><link rel="stylesheet" href="a.css">\n</head>'
                                  "<body></body></html>", styles)
    head = page.split("</head>")[0]
    assert head.index("a.css") < head.index(styles[0]) < head.index(styles[1])
    # Outside a self-check, a style element is left for the checker to report.
    assert valid_html.take_self_check_styles("<style>p {}</style>") == (
        "<style>p {}</style>", [])


def test_jupyterquiz_invalid_declarations_are_dropped_and_the_patch_fails_loudly():
    from jupyterquiz.dynamic.renderer import build_styles

    from widgets.selfcheck import _patched_styles

    upstream = build_styles("q", {})
    assert "    align: left;\n" in upstream and "box-shadow 0.1s);" in upstream
    patched = _patched_styles(upstream)
    assert "    align: left;\n" not in patched and "0.1s)" not in patched
    assert "field-sizing: content;" in patched and "text-align: left;" in patched
    assert len(upstream) - len(patched) == len("    align: left;\n"
                                               "    transition: box-shadow 0.1s);\n")
    with pytest.raises(RuntimeError, match="align: left"):
        _patched_styles(patched)


def test_the_redirect_page_is_mended_once_and_recognised_after(tmp_path):
    from types import SimpleNamespace

    from sphinx_external_toc.events import ensure_index_file

    app = SimpleNamespace(
        outdir=str(tmp_path), builder=SimpleNamespace(format="html", name="html"),
        config=SimpleNamespace(master_doc="intro", source_suffix={".md": "myst-nb"}))
    ensure_index_file(app, None)  # what the installed sphinx-external-toc writes
    upstream = (tmp_path / "index.html").read_text(encoding="utf-8")
    page = valid_html.mend_redirect(upstream, "Two & faces", "en")
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert '<meta http-equiv="refresh" content="0; url=intro.html">' in page
    assert "<title>Two &amp; faces</title>" in page
    assert '<a href="intro.html">Two &amp; faces</a>' in page
    assert valid_html.mend_redirect(page, "Two & faces", "en") is None
    assert valid_html.is_mended_redirect(page, "Two & faces", "en")
    assert not valid_html.is_mended_redirect(upstream, "Two & faces", "en")


def test_a_fix_that_finds_nothing_fails_the_build_naming_it_and_the_version(tmp_path):
    """A small site with none of the fixes' targets: the build stops, naming each fix.

    Sphinx runs in a process of its own: an application built in this one would register
    node classes that a later in-process build (tests/test_mathml.py) warns about."""
    source = tmp_path / "source"
    source.mkdir()
    (source / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / '_ext')!r})\n"
        "extensions = ['valid_html']\nhtml_theme = 'basic'\n", encoding="utf-8")
    (source / "index.rst").write_text("Title\n=====\n\nNo exercise, no folded cell.\n\n"
                                      ".. toctree::\n\n   other\n", encoding="utf-8")
    # Two pages: a page built on its own is not checked (it need not have every target).
    (source / "other.rst").write_text("Other\n=====\n\nNothing either.\n", encoding="utf-8")

    def build() -> str:
        done = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-E", "-q",
                               "-d", str(tmp_path / "doctrees"), str(source),
                               str(tmp_path / "html")], capture_output=True, text=True)
        assert done.returncode != 0, "the build did not stop"
        return done.stdout + done.stderr

    # No myst-nb here: its stylesheet is the first thing missing.
    assert "folded-cell-label-rules: myst-nb 1.4.0" in build()
    mystnb = (Path(importlib.util.find_spec("myst_nb").origin).parent / "static"
              / "mystnb.css")
    (tmp_path / "html" / "_static" / "mystnb.0.css").write_text(
        mystnb.read_text(encoding="utf-8"), encoding="utf-8")
    message = build()
    for fix in valid_html.FIXES:
        assert f"- {fix.name}: {fix.installed()} is installed" in message, message
    assert "sphinx-exercise 1.2.1" in message and "jupyterquiz 2.9.6.4" in message


def test_the_error_names_the_fix_its_source_and_the_installed_version():
    error = valid_html.unmatched_error([valid_html.EXERCISE_IDS])
    assert "exercise-content-ids: sphinx-exercise 1.2.1 is installed" in str(error)
    assert "sphinx_exercise/directive.py" in str(error)
    gone = valid_html.Fix("gone", "no-such-package-anywhere", "nowhere")
    assert "no-such-package-anywhere (not installed)" in str(valid_html.unmatched_error([gone]))
