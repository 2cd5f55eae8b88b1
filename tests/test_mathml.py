"""Formulas as MathML (_ext/mathml.py): every formula of the book converts, a bad one fails.

The book's formulas are read from its sources here, not from a build: ``$...$`` and
``$$...$$`` and amsmath environments in the chapters (with the same markdown-it
plugins MyST uses, looking inside directives such as exercises), and ``:math:`` and
``.. math::`` in the docstrings the model reference is generated from. Small Sphinx
builds then show the renderer at work: equation numbers and ``{eq}`` links, the
stylesheet only on pages with math, and a build that fails, naming the document,
the line and the LaTeX, when a formula cannot be converted.
"""

from __future__ import annotations

import importlib
import inspect
import io
import pkgutil
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from docutils import nodes
from docutils.core import publish_doctree
from markdown_it import MarkdownIt
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))

import mathml  # noqa: E402  (the book's extension, from _ext/)

PRIME = "\u2032"


# -- the book's formulas, from its sources ----------------------------------------------

# Directives whose body is code or reStructuredText, not Markdown with formulas.
NOT_MARKDOWN = re.compile(r"code|eval-rst|raw|bibliography|glossary|toctree")


def markdown_parser() -> MarkdownIt:
    """markdown-it with the plugins and dollar-math options MyST uses."""
    return (MarkdownIt("commonmark").enable("table")
            .use(front_matter_plugin).use(colon_fence_plugin).use(amsmath_plugin)
            .use(dollarmath_plugin, allow_labels=True, allow_space=True,
                 allow_digits=True, double_inline=False))


def directive_body(content: str) -> str:
    """A directive's body without its ``:option:`` lines or ``---`` option block."""
    lines = content.splitlines()
    if lines and lines[0].strip() == "---":
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
        lines = lines[end + 1:]
    while lines and re.match(r"\s*:[\w-]+:", lines[0]):
        lines = lines[1:]
    return "\n".join(lines)


def markdown_formulas(text: str, where: str) -> list[tuple[str, nodes.Element]]:
    """Each formula of a MyST Markdown text, as the docutils node MyST would make."""
    found = []
    for token in markdown_parser().parse(text):
        if token.type in ("fence", "colon_fence") and token.info.startswith("{"):
            name = token.info[1:].split("}")[0]
            if name == "math":
                found.append((where, nodes.math_block(text=directive_body(token.content),
                                                      nowrap=False)))
            elif not NOT_MARKDOWN.search(name):
                found += markdown_formulas(directive_body(token.content), where)
        elif token.type in ("math_block", "math_block_label"):
            found.append((where, nodes.math_block(text=token.content, nowrap=False)))
        elif token.type == "amsmath":
            found.append((where, nodes.math_block(text=token.content, nowrap=True)))
        for child in token.children or ():
            if child.type == "math_inline":
                found.append((where, nodes.math(text=child.content)))
    return found


def docstring_formulas() -> list[tuple[str, nodes.Element]]:
    """The formulas of every docstring in widgets.models (the model reference's source)."""
    import widgets.models as package

    modules = [package] + [importlib.import_module(f"{package.__name__}.{info.name}")
                           for info in pkgutil.iter_modules(package.__path__)]
    docstrings = {}
    for module in modules:
        docstrings[module.__name__] = module.__doc__
        for name, member in inspect.getmembers(module):
            if getattr(member, "__module__", None) == module.__name__:
                docstrings[f"{module.__name__}.{name}"] = inspect.getdoc(member)
                for method, function in inspect.getmembers(member, inspect.isfunction):
                    docstrings[f"{module.__name__}.{name}.{method}"] = inspect.getdoc(function)
    found = []
    for where, text in docstrings.items():
        if not text or "math:" not in text:
            continue
        # Sphinx-only roles (:func:, cite keys) are unknown to plain docutils: quiet.
        tree = publish_doctree(text, settings_overrides={"report_level": 5,
                                                          "halt_level": 5})
        found += [(where, node) for node in tree.findall(
            lambda n: isinstance(n, nodes.math | nodes.math_block))]
    return found


def book_formulas() -> list[tuple[str, nodes.Element]]:
    found = []
    for source in sorted([ROOT / "intro.md", *(ROOT / "chapters").glob("*.md")]):
        found += markdown_formulas(source.read_text(encoding="utf-8"),
                                   source.relative_to(ROOT).as_posix())
    return found + docstring_formulas()


BOOK_FORMULAS = book_formulas()


def latex_of(node: nodes.Element) -> list[tuple[str, bool]]:
    """The LaTeX the renderer converts for a node, and whether it is display math."""
    if isinstance(node, nodes.math_block):
        return [(part, True) for part in mathml._display_parts(node)]
    return [(node.astext(), False)]


def test_the_sources_hold_the_kinds_of_math_the_book_uses():
    """The collection above finds inline, display, aligned and docstring math."""
    places = {where for where, _ in BOOK_FORMULAS}
    for source in [ROOT / "intro.md", *(ROOT / "chapters").glob("*.md")]:
        text = re.sub(r"```.*?```", "", source.read_text(encoding="utf-8"), flags=re.S)
        if re.search(r"\$[^$\s]", text):  # a dollar starting a formula
            assert source.relative_to(ROOT).as_posix() in places, source
    kinds = {type(node).__name__ for _, node in BOOK_FORMULAS}
    assert kinds == {"math", "math_block"}
    assert any(r"\begin{aligned}" in node.astext() for _, node in BOOK_FORMULAS)
    assert any(where.startswith("widgets.models.") and isinstance(node, nodes.math_block)
               for where, node in BOOK_FORMULAS)


@pytest.mark.parametrize("where, node", BOOK_FORMULAS,
                         ids=[f"{where}:{node.astext()[:40]}" for where, node in BOOK_FORMULAS])
def test_every_formula_of_the_book_converts_to_mathml_core(where, node):
    for latex, display in latex_of(node):
        markup = mathml.latex_to_mathml(latex, display=display)
        math = ET.fromstring(markup)
        assert math.tag == "math"
        assert math.get("display") == ("block" if display else "inline")
        semantics = list(math)
        assert [e.tag for e in semantics] == ["semantics"]
        presentation, annotation = list(semantics[0])
        assert annotation.tag == "annotation"
        assert annotation.get("encoding") == "application/x-tex"
        assert annotation.text == latex.strip()
        for element in presentation.iter():
            # Nothing of the LaTeX is left in what is drawn, and no MathML 3 named
            # spaces, which MathML Core (Chromium) ignores.
            assert "\\" not in (element.text or ""), (element.tag, element.text)
            assert "mathspace" not in element.get("width", "")


@pytest.mark.parametrize("where, node", BOOK_FORMULAS,
                         ids=[f"{where}:{node.astext()[:40]}" for where, node in BOOK_FORMULAS])
def test_no_formula_holds_myst_markup(where, node):
    """A role inside $...$ is not run: the reader would see its name as letters.

    (latex2mathml draws {glue:text}`name` as the italic letters g, l, u, e, ...)
    """
    assert not re.search(r"\{[\w:-]+\}`", node.astext()), (where, node.astext())


# -- what the conversion gives, checked against MathML's own rules -------------------------

def presentation(latex: str, display: bool = False) -> ET.Element:
    return ET.fromstring(mathml.latex_to_mathml(latex, display=display))[0][0]


def test_a_fraction_a_root_and_scripts_keep_their_parts():
    fraction = presentation(r"\frac{a}{b}").find(".//mfrac")
    assert ["".join(part.itertext()) for part in fraction] == ["a", "b"]
    root = presentation(r"\sqrt{w_i}").find(".//msqrt")
    assert root.find(".//msub") is not None
    both = presentation(r"t_{1}^{2}").find(".//msubsup")
    # base, subscript, superscript
    assert ["".join(part.itertext()) for part in both] == ["t", "1", "2"]


def test_a_prime_follows_its_letter_at_full_size():
    """d' is d then U+2032 (a math font's prime is raised already), not a superscript."""
    primed = presentation("d'")
    assert primed.find(".//msup") is None
    assert [(e.tag, e.text) for e in primed.iter() if e.text] == [("mi", "d"), ("mo", PRIME)]
    # d'_i: the subscript goes on the primed letter; a fraction keeps its two parts
    subscript = presentation("d'_i").find(".//msub")
    assert ["".join(part.itertext()) for part in subscript] == ["d" + PRIME, "i"]
    fraction = presentation(r"\tfrac{d'}{2}").find(".//mfrac")
    assert ["".join(part.itertext()) for part in fraction] == ["d" + PRIME, "2"]


def test_operators_are_operators():
    """Relations and signs are <mo>, spaced as operators; \\sim is U+223C, not "~"."""
    for latex, symbol in [(r"a \iff b", "\u27fa"), (r"y \sim N", "\u223c"),
                          (r"\pm a", "\u00b1"), (r"a \le b", "\u2264")]:
        assert symbol in [e.text for e in presentation(latex).iter("mo")], latex


def test_spaces_are_lengths_and_text_loses_its_escapes():
    widths = [e.get("width") for e in presentation(r"a\!b\,c\;d\qquad e").iter("mspace")]
    # TeX's thin and thick spaces are 3/18 and 5/18 em; \qquad is 2 em.
    assert widths == ["-0.1667em", "0.167em", "0.278em", "2em"]
    assert presentation(r"\text{salience\_gain}").find(".//mtext").text == "salience_gain"


def test_aligned_equations_are_a_table_of_right_and_left_cells():
    latex = r"\begin{aligned} a &= b + c,\\ d &= e \end{aligned}"
    table = presentation(latex, display=True).find(".//mtable")
    rows = table.findall("mtr")
    assert len(rows) == 2
    for row in rows:
        assert [cell.get("columnalign") for cell in row] == ["right", "left"]
    # Sphinx's own multi-line display math (lines ending in \\, no environment) is the same.
    block = nodes.math_block(text="a &= b \\\\\nd &= e", nowrap=False)
    (part,) = mathml._display_parts(block)
    assert len(presentation(part, display=True).findall(".//mtr")) == 2


def test_blank_lines_separate_display_formulas_as_in_sphinx():
    block = nodes.math_block(text="a = b\n\nc = d", nowrap=False)
    assert mathml._display_parts(block) == ["a = b", "c = d"]
    amsmath = nodes.math_block(text="\\begin{align}a\n\nb\\end{align}", nowrap=True)
    assert mathml._display_parts(amsmath) == [amsmath.astext()]


def test_numbered_environments_are_left_for_sphinx_to_number():
    """latex2mathml numbers "align" itself; the book's numbers come from Sphinx."""
    markup = mathml.latex_to_mathml(r"\begin{align} a &= b \end{align}", display=True)
    assert "(1)" not in markup


@pytest.mark.parametrize("latex, reason", [
    (r"\fracc{a}{b}", r"unknown command \\fracc"),
    (r"x \label{eq:one}", r"unknown command \\label"),
    (r"\frac{a", r"'\{' never closed"),
    (r"a}", r"'\}' closes nothing"),
    (r"\frac{a}", r"<mfrac> got 1 of its 2 parts"),
    (r"\begin{tabular}a\end{tabular}", r"environment 'tabular' is not supported"),
    (r"a & b", r"'&' outside an alignment environment"),
    (r"\left( x", r"ExtraLeftOrMissingRightError"),
    (r"x^", r"MissingSuperScriptOrSubscriptError"),
    ("  ", r"the formula is empty"),
])
def test_a_formula_that_cannot_be_converted_raises_naming_it(latex, reason):
    with pytest.raises(mathml.MathMLError, match=reason) as error:
        mathml.latex_to_mathml(latex)
    assert repr(latex.strip()) in str(error.value)


# -- the renderer in a small Sphinx build ---------------------------------------------------

GOOD_PAGE = r"""# Formulas

Inline $\frac{a}{b}$ and display:

$$
y = c + \frac{d - c}{1 + (x/e)^{b}}
$$ (hill)

\begin{align}
a &= b
\end{align}

As {eq}`hill` says.
"""

NO_MATH_PAGE = "# Words\n\nNo formulas here.\n"


def sphinx_build(tmp_path: Path, pages: dict[str, str]):
    """Build ``pages`` (MyST Markdown) with the book's math settings; returns (app, log)."""
    from sphinx.application import Sphinx

    source = tmp_path / "source"
    source.mkdir()
    (source / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / '_ext')!r})\n"
        "extensions = ['myst_parser', 'mathml']\n"
        "myst_enable_extensions = ['dollarmath', 'amsmath']\n"
        "myst_update_mathjax = False\n"
        "html_math_renderer = 'mathml'\n"
        "numfig = True\n"
        "root_doc = 'index'\n"
        "exclude_patterns = ['_build']\n", encoding="utf-8")
    toctree = "\n".join(name for name in pages if name != "index")
    for name, text in pages.items():
        if name == "index":
            text += f"\n```{{toctree}}\n{toctree}\n```\n"
        (source / f"{name}.md").write_text(text, encoding="utf-8")
    log = io.StringIO()
    app = Sphinx(str(source), str(source), str(tmp_path / "html"), str(tmp_path / "doctrees"),
                 "html", status=None, warning=log, freshenv=True)
    return app, log


def test_display_math_is_numbered_linked_and_block_inline_math_inline(tmp_path):
    app, log = sphinx_build(tmp_path, {"index": GOOD_PAGE, "words": NO_MATH_PAGE})
    app.build()
    assert log.getvalue() == ""
    page = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<div class="math[^"]*" id="equation-hill">\s*<span class="eqno">\(1\)',
                     page)
    assert '<a class="reference internal" href="#equation-hill">(1)</a>' in page
    assert re.search(r'<p>Inline <math display="inline"><semantics>', page)
    assert page.count('<math display="block" tabindex="0">') == 2
    assert "\\(" not in page and "$" not in page.replace("$$", "")
    assert "mathjax" not in page.lower()
    assert "math.css" in page
    words = (tmp_path / "html" / "words.html").read_text(encoding="utf-8")
    assert "math.css" not in words and "<math" not in words


def test_a_formula_that_cannot_be_converted_fails_the_build_naming_page_line_and_latex(
        tmp_path):
    from sphinx.errors import ExtensionError

    bad = "# Formulas\n\nFine $a + b$.\n\nBroken $\\fracc{a}{b}$ here.\n"
    app, log = sphinx_build(tmp_path, {"index": bad})
    with pytest.raises(ExtensionError, match="1 formula"):
        app.build()
    message = log.getvalue()
    assert re.search(r"index\.md:5: ERROR: cannot convert this LaTeX to MathML "
                     r"\(unknown command \\fracc\): '\\\\fracc\{a\}\{b\}'", message), message
    page = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert "fracc" not in page  # never shown as raw LaTeX
    assert "formula not converted" in page
