"""The book's mathematics as MathML, written when the book builds: no page loads MathJax.

Every formula (``$...$``, ``$$...$$``, amsmath environments, ``:math:`` in the model
reference's docstrings) is converted from LaTeX to MathML in Python by latex2mathml
(pinned in requirements.txt). Browsers draw MathML themselves with the system's math
font, and expose it to screen readers as mathematics, so a page with formulas loads
no script and no font for them. The LaTeX source stays in the page as an
``<annotation encoding="application/x-tex">`` inside ``<semantics>``: browsers neither
draw it nor read it aloud, so nothing is heard twice, but it is there to copy.

Inline math is ``<math display="inline">``; display math is ``<math display="block">``
inside ``<div class="math">`` with its equation number, as Sphinx writes it, so
``{eq}`` references still link. ``assets/math.css`` (added only to pages with math)
lets a long display formula scroll inside its own box on a phone.

latex2mathml passes some input through silently: an unknown command becomes the
letters of its name, an unbalanced brace is dropped, an environment it does not know
loses its layout. ``latex_to_mathml`` checks for each of these and raises
``MathMLError`` naming the LaTeX; the renderer turns that into a Sphinx error with
the document and line (so ``-W`` fails the build), and the build ends with an error
even without ``-W``. A formula is never shown as raw LaTeX.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET

from docutils import nodes
from latex2mathml.converter import convert
from sphinx.errors import ExtensionError
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)

RENDERER_NAME = "mathml"
STYLESHEET = "math.css"  # in assets/, which book_assets serves

# amsmath environments the book may use, each mapped onto one that latex2mathml lays
# out correctly (None: no environment, just its content). latex2mathml draws its own
# "aligned" and "gather" as one flat row with stray "&", and numbers "align" itself
# (Sphinx numbers equations here). Any environment not listed is refused.
ENVIRONMENTS: dict[str, str | None] = {
    "equation": None, "equation*": None,
    "aligned": "split", "split": "split",           # right/left column pairs
    "align": "align*", "align*": "align*",
    "gather": "displaylines", "gather*": "displaylines", "gathered": "displaylines",
    "multline": "displaylines", "multline*": "displaylines",
    **{name: name for name in ("cases", "matrix", "pmatrix", "bmatrix", "Bmatrix",
                               "vmatrix", "Vmatrix", "smallmatrix", "array")},
}

# MathML Core (what Chromium draws) knows lengths, not MathML 3's named spaces.
NAMED_SPACES = {"thinmathspace": "0.1667em", "mediummathspace": "0.2222em",
                "thickmathspace": "0.2778em"}

# How many children each layout element needs: a missing one means lost input.
CHILDREN = {"mfrac": 2, "msub": 2, "msup": 2, "mover": 2, "munder": 2, "mroot": 2,
            "msubsup": 3, "munderover": 3}

TOKENS = ("mi", "mn", "mo", "mtext", "ms")
ESCAPED_IN_TEXT = re.compile(r"\\([_%#${}])")  # \text{salience\_gain} means "salience_gain"
BEGIN = re.compile(r"\\(begin|end)\{([^}]*)\}")


class MathMLError(ValueError):
    """A formula that cannot be converted to MathML faithfully."""

    def __init__(self, latex: str, reason: str):
        super().__init__(f"cannot convert this LaTeX to MathML ({reason}): {latex.strip()!r}")
        self.latex = latex
        self.reason = reason


def _check_braces(latex: str) -> None:
    depth = 0
    for brace in re.findall(r"\\[{}]|\\\\|[{}]", latex):
        if brace in ("{", "}"):
            depth += 1 if brace == "{" else -1
            if depth < 0:
                raise MathMLError(latex, "a '}' closes nothing")
    if depth:
        raise MathMLError(latex, f"{depth} '{{' never closed")


def _rewrite_environments(latex: str) -> str:
    def replace(match: re.Match) -> str:
        command, name = match.groups()
        if name not in ENVIRONMENTS:
            known = ", ".join(sorted(ENVIRONMENTS))
            raise MathMLError(latex, f"environment {name!r} is not supported; use one of {known}")
        target = ENVIRONMENTS[name]
        return "" if target is None else f"\\{command}{{{target}}}"
    return BEGIN.sub(replace, latex)


def _strip_namespace(element: ET.Element) -> None:
    # An HTML page puts <math> in the MathML namespace itself; xmlns is dead weight.
    for node in element.iter():
        node.tag = node.tag.rpartition("}")[2]


def _check_and_tidy(tree: ET.Element, latex: str) -> None:
    for node in tree.iter():
        if node.tag == "mtext" and node.text:
            node.text = ESCAPED_IN_TEXT.sub(r"\1", node.text)
        if node.tag == "mi" and node.text and len(node.text) == 1 \
                and unicodedata.category(node.text) == "Sm":
            # latex2mathml writes a few operators (\iff, \pm, \sim) as variables,
            # and \sim as an ASCII "~"; only an <mo> is spaced as an operator.
            node.tag, node.text = "mo", "\u223c" if node.text == "~" else node.text
        if node.tag in TOKENS and node.text and "\\" in node.text:
            raise MathMLError(latex, f"unknown command {node.text.strip()}")
        expected = CHILDREN.get(node.tag)
        if expected is not None and len(node) != expected:
            raise MathMLError(latex, f"<{node.tag}> got {len(node)} of its {expected} parts")
        width = node.get("width", "")
        if width.endswith("mathspace"):
            negative = width.startswith("negative")
            length = NAMED_SPACES[width.removeprefix("negative")]
            node.set("width", "-" + length if negative else length)


PRIMES = {"\u2032", "\u2033", "\u2034"}  # ′ ″ ‴


def _is_prime(node: ET.Element) -> bool:
    return node.tag in ("mi", "mo") and (node.text or "").strip() in PRIMES


def _primes_beside_their_letter(tree: ET.Element) -> None:
    """d' as d followed by a prime, not d with a prime superscript.

    latex2mathml writes TeX's reading (a superscript prime); a Unicode math font's
    prime is already raised, so as a superscript it shrinks to a speck. Each
    replacement is one element, so a fraction or script keeps its number of parts.
    """
    for parent in tree.iter():
        for index, node in enumerate(list(parent)):
            if node.tag == "msup" and _is_prime(node[1]):
                base, prime, subscript = node[0], node[1], None
            elif node.tag == "msubsup" and _is_prime(node[2]):
                base, prime, subscript = node[0], node[2], node[1]
            else:
                continue
            primed = ET.Element("mrow")
            primed.append(base)
            ET.SubElement(primed, "mo").text = prime.text.strip()
            if subscript is None:
                parent[index] = primed
            else:  # d'_i: the subscript goes on the primed letter
                parent[index] = ET.Element("msub")
                parent[index].extend([primed, subscript])


def latex_to_mathml(latex: str, display: bool = False) -> str:
    """One formula's ``<math>`` element, with its LaTeX as an annotation.

    ``display``: a block formula (``display="block"``) rather than one inside a line.
    Raises ``MathMLError`` naming the LaTeX if it cannot be converted faithfully.
    """
    if not latex.strip():
        raise MathMLError(latex, "the formula is empty")
    _check_braces(latex)
    try:
        markup = convert(_rewrite_environments(latex))
        tree = ET.fromstring(markup)
    except MathMLError:
        raise
    except ET.ParseError as error:  # e.g. a bare "&", which latex2mathml copies as is
        raise MathMLError(latex, "the converter wrote broken markup; an '&' outside an "
                                 "alignment environment?") from error
    except Exception as error:  # latex2mathml's own errors name the problem by their type
        reason = type(error).__name__ + (f": {error}" if str(error) else "")
        raise MathMLError(latex, reason) from error
    _strip_namespace(tree)
    _check_and_tidy(tree, latex)
    _primes_beside_their_letter(tree)

    # A display formula wider than a phone scrolls inside its own box (assets/math.css);
    # tabindex lets a keyboard scroll it, as it lets a screen reader land on it.
    attributes = {"display": "block", "tabindex": "0"} if display else {"display": "inline"}
    math = ET.Element("math", attributes)
    semantics = ET.SubElement(math, "semantics")
    if len(tree) == 1:
        semantics.append(tree[0])
    else:  # <semantics> takes one presentation element
        ET.SubElement(semantics, "mrow").extend(list(tree))
    annotation = ET.SubElement(semantics, "annotation", {"encoding": "application/x-tex"})
    annotation.text = latex.strip()
    return ET.tostring(math, encoding="unicode")


def _display_parts(node: nodes.math_block) -> list[str]:
    """The formulas of a display block, as Sphinx's MathJax renderer reads them.

    Blank lines separate formulas; a formula with ``\\\\`` line breaks and no
    environment of its own is a multi-line aligned one (Sphinx's ``split``).
    amsmath blocks (``nowrap``) are one formula, environment included.
    """
    if node.get("nowrap"):
        return [node.astext()]
    parts = [part for part in node.astext().split("\n\n") if part.strip()]
    return [rf"\begin{{aligned}}{part}\end{{aligned}}"
            if "\\\\" in part and "\\begin" not in part else part for part in parts]


def _converted(self, node, latex: str, display: bool) -> str:
    try:
        return latex_to_mathml(latex, display=display)
    except MathMLError as error:
        logger.error(str(error), location=node, type="mathml", subtype="convert")
        self.builder.mathml_failures = getattr(self.builder, "mathml_failures", 0) + 1
        # Not the LaTeX itself: the page says plainly that a formula is missing.
        return '<strong class="math-error">[formula not converted; see the build log]</strong>'


def visit_inline_math(self, node: nodes.math) -> None:
    markup = _converted(self, node, node.astext(), display=False)
    if node.get("ids"):
        markup = markup.replace("<math ", f'<math id="{node["ids"][0]}" ', 1)
    self.body.append(markup)
    raise nodes.SkipNode


def visit_display_math(self, node: nodes.math_block) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if node.get("number"):
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    for part in _display_parts(node):
        self.body.append(_converted(self, node, part, display=True))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def _has_math(doctree) -> bool:
    is_math = lambda node: isinstance(node, nodes.math | nodes.math_block)  # noqa: E731
    return doctree is not None and next(doctree.findall(is_math), None) is not None


def _add_stylesheet(app, pagename, templatename, context, doctree) -> None:
    if _has_math(doctree):
        app.add_css_file(STYLESHEET)


def _fail_if_any_formula_failed(app, exception) -> None:
    failures = getattr(app.builder, "mathml_failures", 0)
    if exception is None and failures:
        raise ExtensionError(f"{failures} formula(s) could not be converted to MathML; "
                             "each is named in an error above")


def setup(app):
    app.add_html_math_renderer(RENDERER_NAME,
                               inline_renderers=(visit_inline_math, None),
                               block_renderers=(visit_display_math, None))
    app.connect("html-page-context", _add_stylesheet)
    app.connect("build-finished", _fail_if_any_formula_failed)
    # Not parallel_write_safe: failures are counted on the builder of one process.
    return {"parallel_read_safe": True, "parallel_write_safe": False, "version": "1"}
