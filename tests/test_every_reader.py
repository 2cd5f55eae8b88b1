"""_ext/every_reader.py: descriptions, lighter pages, icon fonts cut to size, markup fixes.

Two levels: the functions on small inputs (a doctree, a stylesheet, the theme's real font),
and the built site (every page has a description, no page but search loads the search index,
the icon fonts in the site draw every icon the pages name and nothing much else).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import shutil
from pathlib import Path

import pytest
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

from .conftest import ROOT
from .test_browser import built_pages

_SPEC = importlib.util.spec_from_file_location("every_reader", ROOT / "_ext" / "every_reader.py")
every_reader = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(every_reader)

THEME_FONTS = (Path(importlib.util.find_spec("pydata_sphinx_theme").origin).parent
               / "theme" / "pydata_sphinx_theme" / "static" / "vendor" / "fontawesome"
               / "webfonts")


def cmap(font_file: Path) -> set[int]:
    """The code points a font draws."""
    from fontTools.ttLib import TTFont

    with TTFont(font_file) as font:
        return set(font.getBestCmap())


def parse(text: str) -> nodes.document:
    document = new_document("<test>", get_default_settings(Parser))
    Parser().parse(text, document)
    return document


# --- Descriptions -------------------------------------------------------------------------

def test_a_short_text_is_kept_whole_on_one_line():
    assert every_reader.shorten("Two  faces\nof   oxytocin.") == "Two faces of oxytocin."


def test_a_long_text_is_cut_at_a_word_with_an_ellipsis():
    words = " ".join(f"word{i}" for i in range(60))
    cut = every_reader.shorten(words, limit=50)
    assert len(cut) <= 50 and cut.endswith("…")
    assert words.startswith(cut[:-1]) and words[len(cut) - 1] == " "  # ends at a whole word


def test_the_description_is_the_first_paragraph_of_prose_not_a_box():
    document = parse(
        "Title\n=====\n\n"
        ".. note::\n\n   A note in a box comes first on the page but describes nothing much.\n\n"
        "Short.\n\n"
        "The first real paragraph says what the chapter is about, in more than sixty "
        "characters.\n")
    assert every_reader.page_description(document, {}) == (
        "The first real paragraph says what the chapter is about, in more than sixty "
        "characters.")


def test_the_front_matter_description_wins():
    document = parse("A paragraph that is long enough to be a description of the page, surely.\n")
    assert every_reader.page_description(document, {"description": "Chosen."}) == "Chosen."


def test_a_page_without_prose_has_no_description():
    assert every_reader.page_description(parse(".. note::\n\n   Only a box.\n"), {}) is None


# --- Icon fonts ---------------------------------------------------------------------------

def test_icon_rules_are_read_with_their_aliases():
    css = ('.fa-rocket:before{content:"\\f135"}'
           '.fa-magnifying-glass:before,.fa-search:before{content:"\\f002"}')
    assert every_reader.icon_codepoints(css) == {
        "fa-rocket": 0xF135, "fa-magnifying-glass": 0xF002, "fa-search": 0xF002}


def test_icon_names_are_classes_not_the_ends_of_longer_words(tmp_path):
    (tmp_path / "_static" / "scripts").mkdir(parents=True)
    (tmp_path / "page.html").write_text('<i class="fa-solid fa-rocket"></i>')
    (tmp_path / "_static" / "scripts" / "theme.js").write_text(
        'e.classList.add("fa-github");x.getAttribute("data-fa-mask")')
    assert every_reader.icons_in_use(tmp_path) == {"fa-solid", "fa-rocket", "fa-github"}


def test_icons_drawn_by_stylesheets_are_found_escaped_or_literal(tmp_path):
    styles = tmp_path / "_static" / "styles"
    styles.mkdir(parents=True)
    (styles / "theme.css").write_text(
        '.fa-rocket:before{content:"\\f135"}'          # a class rule: not counted here
        '.caret:after{content:"\\f107"}'               # escaped
        ':root{--pst-icon-bell:"\uf0f3"}'               # the character itself
        '.quote:before{content:"\\201c"}',             # not Font Awesome's (not private use)
        encoding="utf-8")
    assert every_reader.codepoints_in_stylesheets(tmp_path) == {0xF107, 0xF0F3}


def test_the_fonts_are_cut_to_the_icons_in_use(tmp_path):
    fonts = tmp_path / every_reader.FONT_FOLDER
    fonts.mkdir(parents=True)
    for name in ("fa-solid-900.woff2", "fa-brands-400.woff2"):
        shutil.copy(THEME_FONTS / name, fonts / name)
    styles = tmp_path / "_static" / "styles"
    styles.mkdir()
    (styles / "pydata-sphinx-theme.css").write_text(
        '.fa-rocket:before{content:"\\f135"}.fa-github:before{content:"\\f09b"}'
        '.fa-house:before{content:"\\f015"}', encoding="utf-8")
    (tmp_path / "page.html").write_text('<i class="fas fa-rocket"></i><i class="fab fa-github">',
                                        encoding="utf-8")
    sizes = every_reader.subset_icon_fonts(tmp_path)
    solid, brands = (cmap(fonts / name) for name in ("fa-solid-900.woff2", "fa-brands-400.woff2"))
    assert 0xF135 in solid and 0xF015 not in solid  # the house is defined but not used
    assert 0xF09B in brands
    assert all(after < before / 20 for before, after in sizes.values())


def test_a_theme_without_icon_rules_is_an_error(tmp_path):
    styles = tmp_path / "_static" / "styles"
    styles.mkdir(parents=True)
    (styles / "pydata-sphinx-theme.css").write_text("body{color:red}", encoding="utf-8")
    with pytest.raises(RuntimeError, match="no Font Awesome rules"):
        every_reader.subset_icon_fonts(tmp_path)


# --- Stylesheet bundles ------------------------------------------------------------------

def _fixture_site(tmp_path):
    static = tmp_path / "_static"
    (static / "styles").mkdir(parents=True)
    (static / "a.css").write_text("p{color:red}", encoding="utf-8")
    (static / "styles" / "b.css").write_text("p{color:blue}", encoding="utf-8")
    (static / "font.css").write_text("@font-face{src:url(f.woff2)}", encoding="utf-8")
    (tmp_path / "chapters").mkdir()
    page = tmp_path / "chapters" / "one.html"
    page.write_text(
        "<html><head>\n"
        '<link href="../_static/styles/theme.css" rel="stylesheet" />\n'
        '<link rel="stylesheet" type="text/css" href="../_static/a.css?v=1" />\n'
        '<link rel="stylesheet" type="text/css" href="../_static/font.css?v=2" />\n'
        '<link rel="stylesheet" type="text/css" href="../_static/styles/b.css?v=3" />\n'
        "</head><body></body></html>", encoding="utf-8")
    return page


def test_a_pages_stylesheets_become_one_file_in_the_same_order(tmp_path):
    page = _fixture_site(tmp_path)
    assert every_reader.bundle_stylesheets(tmp_path, page)
    text = page.read_text(encoding="utf-8")
    bundle = re.search(r'href="\.\./(_static/bundles/[0-9a-f]{16}\.css)"', text).group(1)
    css = (tmp_path / bundle).read_text(encoding="utf-8")
    assert css.index("color:red") < css.index("color:blue")  # the cascade keeps its order
    assert 'href="../_static/font.css' in text  # url(...) inside: left as its own file
    assert "a.css" not in text.split("data-bundled")[0] and "theme.css" in text
    assert not every_reader.bundle_stylesheets(tmp_path, page)  # nothing left to do


def test_a_changed_stylesheet_gets_a_new_bundle_on_the_next_build(tmp_path):
    page = _fixture_site(tmp_path)
    every_reader.bundle_stylesheets(tmp_path, page)
    first = re.search(r"bundles/([0-9a-f]+)\.css", page.read_text(encoding="utf-8")).group(1)
    (tmp_path / "_static" / "a.css").write_text("p{color:green}", encoding="utf-8")
    assert every_reader.bundle_stylesheets(tmp_path, page)
    second = re.search(r"bundles/([0-9a-f]+)\.css", page.read_text(encoding="utf-8")).group(1)
    assert second != first
    assert "color:green" in (tmp_path / "_static" / "bundles" / f"{second}.css").read_text()


# --- The built site -----------------------------------------------------------------------

def _description(page: str) -> str | None:
    match = re.search(r'<meta name="description" content="([^"]*)"', page)
    return match.group(1) if match else None


@pytest.mark.build
def test_every_page_has_its_own_description(site):
    descriptions = {}
    for path in built_pages(site):
        if path == "index.html":  # the redirect to intro.html
            continue
        description = _description((site / path).read_text(encoding="utf-8"))
        assert description, f"{path} has no meta description"
        assert 40 <= len(description) <= 160, (path, description)
        descriptions[path] = description
    repeated = {d for d in descriptions.values() if list(descriptions.values()).count(d) > 1}
    assert not repeated, f"pages share a description: {repeated}"


@pytest.mark.build
def test_only_the_search_page_loads_the_search_index(site):
    for path in built_pages(site):
        page = (site / path).read_text(encoding="utf-8")
        loads_index = 'src="searchindex.js"' in page or "/searchindex.js" in page
        assert loads_index == (path == "search.html"), path


@pytest.mark.build
def test_a_page_blocks_its_first_paint_on_three_stylesheets_at_most(site):
    for path in built_pages(site):
        head = (site / path).read_text(encoding="utf-8").split("</head>")[0]
        blocking = [tag for tag in re.findall(r"<link[^>]*stylesheet[^>]*>", head)
                    if 'media="print"' not in tag]
        assert len(blocking) <= 3, (path, blocking)  # the theme's two, and the bundle
        for tag in blocking:
            href = re.search(r'href="([^"?]+)', tag).group(1)
            assert ((site / path).parent / href).is_file(), (path, href)


@pytest.mark.build
def test_no_script_file_blocks_the_first_paint_but_the_options(site):
    page = (site / "chapters" / "hormesis.html").read_text(encoding="utf-8")
    head = page.split("</head>")[0]
    blocking = [src for attributes, src in re.findall(r"<script([^>]*)src=\"([^\"]+)\"", head)
                if "defer" not in attributes and "async" not in attributes]
    assert [src.split("?")[0].rsplit("/", 1)[-1] for src in blocking] == [
        "documentation_options.js"]


@pytest.mark.build
def test_upstream_markup_is_fixed_in_every_page(site):
    for path in built_pages(site):
        page = (site / path).read_text(encoding="utf-8")
        for upstream, _ in every_reader.MARKUP_FIXES:
            assert upstream not in page, (path, upstream)
        field = re.search(r'<button class="[^"]*search-button-field[^>]*>', page)
        assert field is None or "aria-label" not in field.group(0), path


@pytest.mark.build
def test_every_icon_the_pages_name_keeps_its_rule_and_its_glyph(site):
    """Checked against the theme's own stylesheet, as installed, not the site's cut copy."""
    theme_css = (THEME_FONTS.parent.parent.parent / "styles" / "pydata-sphinx-theme.css")
    every_icon = every_reader.icon_codepoints(theme_css.read_text(encoding="utf-8"))
    site_css = (site / every_reader.THEME_CSS).read_text(encoding="utf-8")
    kept = every_reader.icon_codepoints(site_css)
    named = {name for name in every_reader.icons_in_use(site) if name in every_icon}
    assert {"fa-rocket", "fa-magnifying-glass", "fa-github"} <= named
    assert named <= set(kept), named - set(kept)
    assert len(kept) < len(every_icon) / 20  # the unused ones are gone
    assert "sourceMappingURL" not in site_css  # the map would no longer match
    drawn = set()
    for font in (site / every_reader.FONT_FOLDER).glob("*.woff2"):
        assert font.stat().st_size < 10_000, f"{font.name} was not cut down"
        drawn |= cmap(font)
    needed = {every_icon[name] for name in named} | every_reader.codepoints_in_stylesheets(site)
    assert needed <= drawn, {hex(c) for c in needed - drawn}


def test_unused_icon_rules_are_dropped_and_aliases_kept(tmp_path):
    css_file = tmp_path / every_reader.THEME_CSS
    css_file.parent.mkdir(parents=True)
    css_file.write_text('a{color:red}.fa-rocket:before{content:"\\f135"}'
                        '.fa-search:before,.fa-magnifying-glass:before{content:"\\f002"}'
                        '.fa-house:before{content:"\\f015"}\n'
                        "/*# sourceMappingURL=pydata-sphinx-theme.css.map*/", encoding="utf-8")
    (tmp_path / "page.html").write_text('<i class="fa-solid fa-magnifying-glass"></i>',
                                        encoding="utf-8")
    every_reader.drop_unused_icon_rules(tmp_path)
    assert css_file.read_text(encoding="utf-8").strip() == (
        'a{color:red}.fa-search:before,.fa-magnifying-glass:before{content:"\\f002"}')


@pytest.mark.build
def test_images_declare_the_size_of_their_file(site):
    from PIL import Image

    checked = 0
    for path in built_pages(site):
        page = (site / path).read_text(encoding="utf-8")
        article = page.split('<article class="bd-article">', 1)[-1].split("</article>", 1)[0]
        for tag in re.findall(r"<img\b[^>]*>", article):
            src = re.search(r'src="([^"]+)"', tag).group(1)
            if src.startswith("data:") or "display: none" in tag:  # Sphinx's index togglers
                continue
            width = re.search(r'\bwidth="(\d+)"', tag)
            height = re.search(r'\bheight="(\d+)"', tag)
            assert width and height, (path, tag[:120])
            assert 'loading="lazy"' in tag, (path, tag[:120])
            with Image.open((site / path).parent / src) as image:
                assert (int(width.group(1)), int(height.group(1))) == image.size, (path, src)
            checked += 1
    assert checked >= 3  # the chapters' matplotlib figures


# --- Explorers' results in files of their own (_ext/book_assets.py) ---------------------------

DATA_ELEMENT = re.compile(r'<script type="application/json" class="explorer-data" '
                          r'data-src="(?P<src>[^"]+)" data-key="(?P<key>[0-9a-f]{16})"></script>')


def test_explorer_results_are_files_named_by_their_content(site):
    """No page carries an explorer's results inline; each file holds what its name says."""
    folder = (site / "_static" / "explorer-data").resolve()
    used, names_seen = set(), set()
    for path in built_pages(site):
        text = (site / path).read_text(encoding="utf-8")
        explorers = re.findall(r'<div class="explorer" id="[^"]+" data-explorer="([^"]+)"', text)
        if not explorers:
            continue
        assert 'class="explorer-data">' not in text, f"{path}: results inline"
        elements = list(DATA_ELEMENT.finditer(text))
        assert len(elements) == len(explorers), path
        for name, element in zip(explorers, elements, strict=True):
            key = element.group("key")
            file = ((site / path).parent / element.group("src")).resolve()
            assert file.parent == folder and file.name == f"{key}.js", (path, file)
            body = file.read_text(encoding="utf-8")
            prefix = f'(window.explorerData = window.explorerData || {{}})["{key}"] = '
            assert body.startswith(prefix) and body.endswith(";\n"), file.name
            payload = body[len(prefix):-2]
            assert hashlib.sha256(payload.encode()).hexdigest()[:16] == key
            assert json.loads(payload)["name"] == name, (path, file.name)
            used.add(file.name)
            names_seen.add(name)
    from widgets.explorers import ALL_EXPLORERS

    assert names_seen == {cls.name for cls in ALL_EXPLORERS}
    # A page showing an explorer another page shows refers to the same file.
    assert len(used) == len(names_seen)
    assert {file.name for file in folder.glob("*.js")} == used, "files no page uses"


# --- Stylesheets cut to the rules the site can use ----------------------------------------

def test_only_selectors_naming_a_class_no_page_has_are_dropped(tmp_path):
    sheet = tmp_path / "theme.css"
    sheet.write_text(
        "/* a comment */ .used{color:red} .unused{color:blue}"
        " .used,.unused .deeper{margin:0}"            # a list keeps its matching part
        " p:not(.unused){padding:1px}"                # :not(.x) matches where .x is unused
        " a[href$=\".zip\"]{font-weight:bold}"      # names no class
        " @media (min-width:960px){.unused{top:0}.used>p{top:1px}}"
        " @media print{.unused{left:0}}"              # emptied: dropped whole
        " @font-face{font-family:X;src:url(x.woff2)}"
        ' .used:before{content:"\\f135"} .used:after{content:"\\2014 a"}'
        " body{margin:0}", encoding="utf-8")
    before, after = every_reader.drop_unused_rules(sheet, {"used", "p"})
    lean = sheet.read_text(encoding="utf-8")
    assert after < before
    assert ".unused{color:blue}" not in lean and ".unused .deeper" not in lean
    for kept in (".used{color:red}", ".used{margin:0}", "p:not(.unused){padding:1px}",
                 'a[href$=".zip"]{font-weight:bold}', ".used>p{top:1px}", "@font-face",
                 "body{margin:0}",
                 '.used:before{content:"\\f135"}',    # escapes stay escapes
                 '.used:after{content:"\\2014 a"}'):  # ending in a space before a hex digit
        assert kept in lean, kept
    assert "@media print" not in lean and ".unused{top:0}" not in lean
    assert "comment" not in lean


def test_the_sites_stylesheets_keep_what_its_pages_use(site):
    """Every class on a page that the theme styles keeps its rules; the theme's stylesheet
    is cut to well under half (it blocks every page's first paint)."""
    theme = (site / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    original = (THEME_FONTS.parent.parent.parent / "styles" / "pydata-sphinx-theme.css")
    assert len(theme) < 0.5 * len(original.read_text(encoding="utf-8"))
    for selector in (".bd-sidebar-primary", ".bd-header", ".admonition", ".theme-switch-button",
                     ".bd-article-container", ".bd-search"):
        assert selector in theme, selector
    # Classes only a script adds are kept too: bootstrap's "show" for opened menus.
    assert ".show" in theme


# --- Highlighted code without spans that change nothing ------------------------------------

PYGMENTS_CSS = """
html[data-theme="light"] .highlight pre { line-height: 125%; }
html[data-theme="light"] .highlight { background: #fefefe; color: #080808 }
html[data-theme="light"] .highlight .n { color: #080808 } /* Name */
html[data-theme="light"] .highlight .k { color: #6730C5 } /* Keyword */
html[data-theme="light"] .highlight .c { color: #080808; font-style: italic } /* Comment */
html[data-theme="light"] .highlight .o { color: #080808 } /* Operator */
html[data-theme="dark"] .highlight { background: #2b2b2b; color: #F8F8F2 }
html[data-theme="dark"] .highlight .n { color: #F8F8F2 } /* Name */
html[data-theme="dark"] .highlight .k { color: #DCC6E0 } /* Keyword */
html[data-theme="dark"] .highlight .c { color: #F8F8F2; font-style: italic } /* Comment */
html[data-theme="dark"] .highlight .o { color: #ABE338 } /* Operator: plain in light only */
"""


def test_only_tokens_drawn_like_the_code_around_them_in_both_schemes_are_plain():
    assert every_reader.plain_token_classes(PYGMENTS_CSS) == {"n"}


def test_plain_token_spans_are_removed_from_code_blocks_only():
    body = ('<div class="highlight"><pre><span class="k">import</span> '
            '<span class="n">numpy</span><span class="o">&lt;</span></pre></div>'
            '<p><span class="n">not code</span></p>')
    lean = every_reader.unwrap_plain_tokens(body, {"n"})
    assert lean == ('<div class="highlight"><pre><span class="k">import</span> '
                    'numpy<span class="o">&lt;</span></pre></div>'
                    '<p><span class="n">not code</span></p>')


def test_the_sites_code_keeps_its_coloured_tokens_and_drops_plain_ones(site):
    page = (site / "chapters" / "reading-faces.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<div class="highlight"><pre>(.*?)</pre>', page, re.S)
    assert blocks
    classes = {c for block in blocks for c in re.findall(r'<span class="([a-z0-9]+)">', block)}
    assert "kn" in classes  # keywords keep their colour
    assert not classes & {"n", "p", "w"}
