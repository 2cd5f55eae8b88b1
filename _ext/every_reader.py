"""What makes every page quick on a phone and right for every reader.

Measured with ``benchmarks/bench_lighthouse.py`` (Lighthouse 12, mobile preset, gzip); the
closing note of the every-reader issue has the figures each change bought.

Each lever stays only while it earns its keep: removing it alone must take some page below
performance 95 (the median of three runs) or add materially to what a phone downloads.
Re-measured one lever at a time in December 2026, on the pages nearest the limit (the
site with every lever scored 98-99 on them). Without the lever:

* icon fonts cut: 83-87, and 270 KB more per page;
* ``scripts/fontawesome.js`` left out (``_templates/static/webpack-macros.html``): 72-87,
  and 540 KB more;
* stylesheets cut: 92, and 39 KB more;
* search scripts only on the search page (``_templates/layout.html``): 39 KB more, and best
  practices 96;
* image sizes and lazy images: 93, and 70 KB more on a page with figures;
* one stylesheet per page: 95 and 94 in two sets of runs (evidence);
* scripts deferred: 95 and 96 (evidence): at the line, and kept, as the two drops below
  already take reading faces to 95-97 (not measured together);
* plain code spans removed: 96-97 alone, but 89 on reading faces together with the two
  drops below, so it stays.

Two levers went, since the pages held 95 or more without them: the theme's tab stops
measured after layout (a patch of the theme's script) and stylesheets chosen per page
(sphinx-thebe's dropped, sphinx-exercise's and sphinx-design's only where used, the copy
button's after the first paint). Without both, the hardest page (reading faces) scored 95
and 97 in two sets, and the nine other pages measured 97 or more.

Speed
* **Icons.** The theme draws about twenty icons from Font Awesome's full web fonts (solid and
  brands: 275 KB, fetched at the highest priority) and defines a CSS rule for each of its
  2,400 icons in the stylesheet that blocks every page's first paint. After the build, the
  fonts in the site are cut down to the glyphs its pages, the theme's scripts and its
  stylesheets use (``fa-rocket`` ..., with fontTools: 4 KB in all), and the rules for unused
  icons are dropped from the theme's stylesheet (65 → 45 KB compressed). The look is unchanged.
* **Scripts.** Sphinx's search scripts and the whole search index (``searchindex.js``) load on
  every page for a search-as-you-type mode this book does not use; they now load on the
  search page only (``_templates/layout.html``). Every other script file is deferred, so none
  blocks the first paint, except ``documentation_options.js``, which the page's inline scripts
  extend as they run (it is 0.4 KB).
* **Stylesheets.** After the build, each page's registered stylesheets (nine on a chapter)
  are served as one file, named by a hash of its content, so a phone makes one request,
  not nine.
* **Stylesheets cut.** The theme's, sphinx-design's and myst-nb's stylesheets are whole
  frameworks; after the build each keeps only the selectors whose classes occur as words in
  the site's pages or scripts (the theme's 312 → 128 KB).
* **Highlighted code** loses the spans of tokens drawn exactly like the code around them in
  both schemes (names, punctuation, white space): a third of a code-heavy chapter's elements.
* **Images** get ``width`` and ``height`` from their files, so the page does not jump when
  they arrive (``book.css`` keeps them responsive with ``height: auto``), and load lazily:
  a figure further down does not take bandwidth from what the reader sees first.

Every reader
* **A description** (``<meta name="description">``) on every page, for search results and
  link previews: the page's ``description`` in its front matter if it has one, else its first
  paragraph of prose, cut at a word near 155 characters.
* **Accessible names and roles** that upstream markup gets wrong (the axe audit in
  ``tests/test_accessibility.py`` allows no exceptions):
  - myst-nb's folded code cells label their ``<summary>`` "Toggle hidden content" while it
    shows "Show code cell source"; the label is removed, so the visible text is the name
    (myst_nb/sphinx_.py, ``visit_HideCellInput``, myst-nb 1.4.0).
  - docutils gives each bibliography entry the role ``doc-biblioentry``, deprecated in
    DPub-ARIA 1.1, inside a ``role="list"`` whose children must then be list items; each entry
    becomes a ``listitem`` (docutils/writers/_html_base.py, ``visit_citation``).
  - the theme's search button (``_templates/components/search-button-field.html``).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

DESCRIPTION_LENGTH = 155  # characters: what search engines show of a description


# --- Descriptions -------------------------------------------------------------------------

def _skipped(node) -> bool:
    """Paragraphs that do not describe the page: inside boxes, tables, lists of references."""
    boxes = (nodes.Admonition, nodes.sidebar, nodes.topic, nodes.table, nodes.citation,
             nodes.footnote, nodes.list_item, nodes.definition_list, nodes.field_list)
    parent = node.parent
    while parent is not None:
        if isinstance(parent, boxes) or "cell_output" in parent.get("classes", []):
            return True
        parent = parent.parent
    return False


def shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–—(")
    return cut + "…"


def page_description(doctree, metadata: dict) -> str | None:
    """The front matter's ``description``, else the page's first paragraph of prose."""
    if metadata.get("description"):
        return shorten(str(metadata["description"]))
    if doctree is None:
        return None
    for paragraph in doctree.findall(nodes.paragraph):
        text = paragraph.astext()
        if len(text) >= 60 and not _skipped(paragraph):
            return shorten(text)
    return None


def _add_description(app, pagename, templatename, context, doctree) -> None:
    if 'name="description"' in context.get("metatags", ""):
        return  # the page sets its own (myst's html_meta)
    metadata = app.env.metadata.get(pagename, {})
    description = page_description(doctree, metadata)
    if description is None:
        book = app.config.html_title
        generated = {
            "genindex": f"Index of the terms, names and functions in {book}.",
            "search": f"Search {book}: chapters, explorers, glossary and model reference.",
            "py-modindex": f"The Python modules of {book}: the models behind its explorers.",
        }
        description = generated.get(pagename)
        if description is None:
            logger.warning(f"{pagename}: no paragraph of prose to describe the page; give it "
                           "a 'description' in its front matter", type="every_reader")
            return
    context["metatags"] = (context.get("metatags", "")
                           + f'\n<meta name="description" content="{html.escape(description)}" />')


# --- Markup fixes -------------------------------------------------------------------------

#: (what upstream writes, what the book serves instead). Each is checked in the built pages by
#: tests/test_accessibility.py (the audit) and tests/test_build.py (the replacement happened).
MARKUP_FIXES = (
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
    ('role="doc-biblioentry"', 'role="listitem"'),
)


#: What this build's pages had of each upstream text the book changes or names: markup fixes
#: and asset file names (reset when a build starts; checked when it ends, see _check_seen).
_seen: dict[str, int] = {}
_pages_written: set[str] = set()


def _start_counting(app) -> None:
    _seen.clear()
    _seen.update({upstream: 0 for upstream, _ in MARKUP_FIXES})
    _seen.update({name: 0 for name in MUST_BLOCK})
    _pages_written.clear()


def _fix_markup(app, pagename, templatename, context, doctree) -> None:
    _pages_written.add(pagename)
    body = context.get("body")
    if not body:
        return
    for upstream, fixed in MARKUP_FIXES:
        _seen[upstream] = _seen.get(upstream, 0) + body.count(upstream)
        body = body.replace(upstream, fixed)
    context["body"] = body


def _check_seen(app, exception) -> None:
    """Fail when a fix's target or a named asset was on no page of a full build.

    After an upgrade the upstream text may change; a fix that no longer applies would
    otherwise do nothing, silently. Only a build that wrote every page of a book can tell
    (an incremental build writes only the pages that changed; a page built on its own need
    not have what the fixes look for).
    """
    if exception is not None or app.builder.format != "html":
        return
    if not _pages_written.issuperset(app.env.found_docs) or len(app.env.found_docs) < 2:
        return  # an incremental build, or one page built on its own (jupyter-book build x.md)
    missing = [text for text, count in _seen.items() if count == 0]
    if missing:
        raise ExtensionError(
            "_ext/every_reader.py: no page of this build has "
            + ", ".join(repr(text) for text in missing)
            + "; an upgrade has changed what it fixes or names (see _ext/upstream.toml for "
            "the versions it was written against): update MARKUP_FIXES or the asset names")


# --- Scripts deferred ---------------------------------------------------------------------

#: Loaded before the page's inline scripts, which add to the object it defines.
MUST_BLOCK = ("documentation_options.js",)


def _file_name(asset) -> str:
    return str(getattr(asset, "filename", "") or "").split("?")[0].rsplit("/", 1)[-1]


def _with(asset, **changes):
    """A copy of a registered script with some attributes changed.

    Sphinx shares one object per file among all pages, so changing it in place would change
    every page built after this one.
    """
    return type(asset)(asset.filename, priority=asset.priority,
                       **{**asset.attributes, **changes})


def _lighten_assets(app, pagename, templatename, context, doctree) -> None:
    # The search page loads Sphinx's search script in its body, which calls doctools.js at
    # once: there, the scripts keep their order and load as Sphinx wrote them.
    if "script_files" in context and pagename != "search":
        scripts = []
        for script in context["script_files"]:
            attributes = getattr(script, "attributes", None)
            name = _file_name(script)
            if name in _seen:
                _seen[name] += 1
            if (attributes is None or not name or name in MUST_BLOCK
                    or "async" in attributes or "defer" in attributes):
                scripts.append(script)
            else:
                scripts.append(_with(script, defer="defer"))
        context["script_files"] = scripts


# --- Highlighted code without spans that change nothing --------------------------------------

#: A token span as Pygments writes it: flat, never nested, its text already escaped.
_TOKEN = re.compile(r'<span class="([a-z0-9]+)">([^<]*)</span>')
#: Pygments' rules as Sphinx writes them for the theme: one per scheme and token class.
_PYGMENTS_RULE = re.compile(
    r'html\[data-theme="(light|dark)"\] \.highlight(?: \.([a-z0-9]+))? \{([^}]*)\}')


def plain_token_classes(pygments_css: str) -> set[str]:
    """Token classes drawn exactly like the code around them in both schemes.

    A token whose only style, in light and in dark, is the block's own text colour looks the
    same without its span. On the reading-faces chapter these spans (names, punctuation,
    white space) were 1,259 of the page's 4,100 elements.
    """
    base, styles = {}, {}
    for scheme, token, body in _PYGMENTS_RULE.findall(pygments_css):
        declarations = {d.split(":")[0].strip(): d.split(":", 1)[1].strip()
                        for d in body.split(";") if ":" in d}
        if token:
            styles.setdefault(token, {})[scheme] = declarations
        else:
            base.setdefault(scheme, {}).update(declarations)
    return {token for token, by_scheme in styles.items()
            if set(by_scheme) == {"light", "dark"} and all(
                declarations == {"color": base.get(scheme, {}).get("color")}
                for scheme, declarations in by_scheme.items())}


def unwrap_plain_tokens(body: str, plain: set[str]) -> str:
    """``body`` with the spans of plain tokens (see ``plain_token_classes``) removed."""
    def unwrap(match: re.Match) -> str:
        return match.group(2) if match.group(1) in plain else match.group(0)

    return re.sub(r'(<div class="highlight"><pre>)(.*?)(</pre>)',
                  lambda block: block.group(1) + _TOKEN.sub(unwrap, block.group(2))
                  + block.group(3), body, flags=re.S)


def _lighten_code(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    if '<div class="highlight"><pre>' not in body:
        return
    if not hasattr(app, "_plain_token_classes"):
        # The stylesheet the theme writes over Sphinx's at the end of the build (light and
        # dark, pydata_sphinx_theme/pygments.py, overwrite_pygments_css), made the same way.
        from pydata_sphinx_theme.pygments import get_pygments_stylesheet
        from pydata_sphinx_theme.utils import get_theme_options_dict

        chosen, defaults = get_theme_options_dict(app), app.builder.theme.get_options()
        styles = [chosen.get(key) or defaults[key]
                  for key in ("pygments_light_style", "pygments_dark_style")]
        app._plain_token_classes = plain_token_classes(get_pygments_stylesheet(*styles))
    context["body"] = unwrap_plain_tokens(body, app._plain_token_classes)


# --- Image sizes --------------------------------------------------------------------------

_IMG = re.compile(r'<img\b([^>]*?)\bsrc="([^"]+)"([^>]*?)/?>')


def _image_size(path: Path) -> tuple[int, int] | None:
    from PIL import Image  # matplotlib's dependency

    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, ValueError):
        return None


def _size_images(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    if not body or "<img" not in body:
        return
    sources = {Path(dest).name: Path(source) for source, dest in app.builder.images.items()}

    def add_size(match):
        before, src, after = match.groups()
        if " width=" in before + after or " height=" in before + after:
            return match.group(0)
        # Sphinx's record of the image's source, else the address itself; relative paths are
        # under the source folder (joining an absolute path keeps it as it is).
        size = _image_size(Path(app.srcdir) / sources.get(src.rsplit("/", 1)[-1], src))
        if size is None:
            return match.group(0)
        # Lazy: a figure further down the page does not take a phone's bandwidth from
        # what the reader sees first (the browser fetches it as it nears the screen).
        return (f'<img{before}src="{src}" width="{size[0]}" height="{size[1]}" '
                f'loading="lazy" decoding="async"{after}/>')

    context["body"] = _IMG.sub(add_size, body)


# --- Icon fonts ---------------------------------------------------------------------------

FONT_FOLDER = Path("_static", "vendor", "fontawesome", "webfonts")
_ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:(?::)?before,?)+)\{content:"\\([0-9a-f]+)"\}')
#: An icon's class: not the end of a longer word (fontawesome.js's "data-fa-mask" names no icon).
_ICON_NAME = re.compile(r"(?<![\w-])fa-[a-z0-9-]+")


def icon_codepoints(theme_css: str) -> dict[str, int]:
    """Each Font Awesome class the theme's CSS defines, with the code point it draws."""
    codepoints = {}
    for selectors, code in _ICON_RULE.findall(theme_css):
        for name in re.findall(r"\.(fa-[a-z0-9-]+)", selectors):
            codepoints[name] = int(code, 16)
    return codepoints


def icons_in_use(outdir: Path) -> set[str]:
    """Every ``fa-`` name in the site's pages and in the theme's scripts."""
    names = set()
    for path in [*outdir.rglob("*.html"), *(outdir / "_static" / "scripts").glob("*.js")]:
        names.update(_ICON_NAME.findall(path.read_text(encoding="utf-8", errors="replace")))
    return names


def codepoints_in_stylesheets(outdir: Path) -> set[int]:
    """Icons the stylesheets draw by code point rather than by class.

    The theme's admonition titles, the "on this page" caret and others use an escape
    (``content: "\\f107"``) or a ``--pst-icon-...`` variable holding the character itself.
    Font Awesome's glyphs are all in Unicode's private use area (U+E000-U+F8FF), which no text
    font uses, so every such character outside the ``.fa-NAME:before`` rules is kept.
    """
    def private(code: int) -> bool:
        return 0xE000 <= code <= 0xF8FF

    codes = set()
    for path in (outdir / "_static").rglob("*.css"):
        css = _ICON_RULE.sub("", path.read_text(encoding="utf-8", errors="replace"))
        codes.update(int(code, 16) for code in re.findall(r'"\\([0-9a-fA-F]{4})"', css)
                     if private(int(code, 16)))
        codes.update(ord(char) for char in css if private(ord(char)))
    return codes


def subset_icon_fonts(outdir: Path) -> dict[str, tuple[int, int]]:
    """Cut the theme's Font Awesome fonts down to the glyphs the site uses.

    Returns each font file's size (bytes) before and after. A font none of whose glyphs is
    used keeps one glyph, so that it stays a valid font.
    """
    from fontTools import subset

    css = (outdir / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    codepoints = icon_codepoints(css)
    if not codepoints:
        raise RuntimeError("no Font Awesome rules found in pydata-sphinx-theme.css: has the "
                           "theme changed how it draws icons? (_ext/every_reader.py)")
    used = sorted({codepoints[name] for name in icons_in_use(outdir) if name in codepoints}
                  | codepoints_in_stylesheets(outdir))
    sizes = {}
    for path in sorted((outdir / FONT_FOLDER).glob("fa-*")):
        if path.suffix not in {".woff2", ".ttf"}:
            continue
        options = subset.Options()
        options.flavor = "woff2" if path.suffix == ".woff2" else None
        options.layout_features = ["*"]
        before = path.stat().st_size
        with subset.load_font(str(path), options, lazy=False) as font:
            available = set(font.getBestCmap())
            keep = [code for code in used if code in available] or [min(available)]
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=keep)
            subsetter.subset(font)
            subset.save_font(font, str(path), options)
        sizes[path.name] = (before, path.stat().st_size)
    return sizes


THEME_CSS = Path("_static", "styles", "pydata-sphinx-theme.css")


def drop_unused_icon_rules(outdir: Path) -> tuple[int, int]:
    """Remove the theme stylesheet's rules for icons no page uses; return its size before/after.

    The stylesheet blocks the first paint of every page, and about a fifth of it is one
    ``.fa-NAME:before`` rule for each of Font Awesome's 2,400 icons. A rule stays if any of
    its names is in use. Its source map no longer matches, so the link to it is removed.
    """
    path = outdir / THEME_CSS
    css = path.read_text(encoding="utf-8")
    used = icons_in_use(outdir)

    def keep_if_used(rule):
        names = re.findall(r"\.(fa-[a-z0-9-]+)", rule.group(1))
        return rule.group(0) if used.intersection(names) else ""

    lean = _ICON_RULE.sub(keep_if_used, css)
    lean = re.sub(r"/\*# sourceMappingURL=[^*]*\*/\s*$", "", lean)
    path.write_text(lean, encoding="utf-8")
    return len(css.encode()), len(lean.encode())


def _cut_icons(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    if not (outdir / FONT_FOLDER).is_dir() or not (outdir / THEME_CSS).is_file():
        return
    sizes = subset_icon_fonts(outdir)  # first: it reads the rules for every icon
    sizes[THEME_CSS.name] = drop_unused_icon_rules(outdir)
    logger.info("icons cut to the ones in use: " + ", ".join(
        f"{name} {before // 1000} → {after // 1000} KB" for name, (before, after) in sizes.items()))


# --- Stylesheets cut to the rules the site can use ----------------------------------------

#: A class in a selector, outside any parenthesis (``:not(.x)`` matches where ``.x`` is unused).
_CLASS = re.compile(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)")
#: Words in the site's pages and scripts: every class a page has or a script can add.
_WORD = re.compile(r"[_a-zA-Z][_a-zA-Z0-9-]*")


def words_in_site(outdir: Path) -> set[str]:
    """Every word in the site's HTML and scripts (a superset of the classes in use)."""
    words: set[str] = set()
    for path in [*outdir.rglob("*.html"), *outdir.rglob("*.js")]:
        if path.parent.name == "explorer-data":
            continue  # explorers' results: numbers and sentences
        words.update(_WORD.findall(path.read_text(encoding="utf-8", errors="replace")))
    return words


def _selector_can_match(selector: str, words: set[str]) -> bool:
    if "\\" in selector:
        return True  # escaped names: keep, not worth reading
    selector = re.sub(r"\[[^\]]*\]", "", selector)  # a[href$=".pdf"] names no class
    return all(name in words for name in _CLASS.findall(selector))


def _lean_rules(rules, words: set[str]) -> tuple[str, int]:
    """The rules that can match, serialised; and how many selectors were dropped."""
    import tinycss2

    out, dropped = [], 0
    for rule in rules:
        if rule.type == "qualified-rule":
            prelude = tinycss2.serialize(rule.prelude).strip()
            if "(" in prelude:  # commas inside :is(a, b) are not list separators
                kept = [prelude]
            else:
                selectors = [part.strip() for part in prelude.split(",")]
                kept = [sel for sel in selectors if _selector_can_match(sel, words)]
                dropped += len(selectors) - len(kept)
            if kept:
                out.append(",".join(kept) + "{" + tinycss2.serialize(rule.content) + "}")
        elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in (
                "media", "supports", "layer", "container"):
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                             skip_whitespace=True)
            body, count = _lean_rules(inner, words)
            dropped += count
            if body:
                out.append("@" + rule.at_keyword + tinycss2.serialize(rule.prelude)
                           + "{" + body + "}")
        elif rule.type in ("at-rule", "qualified-rule"):
            out.append(tinycss2.serialize([rule]))
    return "".join(out), dropped


def _ascii_escaped(css: str) -> str:
    """Non-ASCII characters as CSS escapes (``\\f135``), as the stylesheets wrote them: the
    parser reads escapes into characters, and an icon's code point is clearer escaped."""

    def escape(match: re.Match) -> str:
        following = css[match.end():match.end() + 1]
        # An escape ends at the first character that is not a hex digit, or at one space.
        end = " " if following and (following in "0123456789abcdefABCDEF ") else ""
        return f"\\{ord(match.group()):x}{end}"

    return re.sub(r"[^\x00-\x7f]", escape, css)


def drop_unused_rules(path: Path, words: set[str]) -> tuple[int, int]:
    """Remove from a stylesheet the selectors naming a class no page or script has.

    Every stylesheet in the head blocks the first paint; the theme's, sphinx-design's and
    myst-nb's are whole frameworks, most of which the book never uses. A selector is kept
    unless one of its classes (outside parentheses) is not a word anywhere in the site's
    pages and scripts, which keeps every class a script adds by name. Returns the sizes
    before and after; the source map no longer matches, so the link to it is removed.
    """
    import tinycss2

    css = path.read_text(encoding="utf-8")
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    lean = _ascii_escaped(_lean_rules(rules, words)[0])
    path.write_text(lean + "\n", encoding="utf-8")
    return len(css.encode()), len(lean.encode()) + 1


#: Stylesheets written by others, cut to what the site uses (the book's own are small).
LEAN_SHEETS = ("styles/pydata-sphinx-theme.css", "styles/sphinx-book-theme.css",
               "sphinx-design.min.css", "mystnb.*.css", "basic.css", "togglebutton.css")


def _cut_stylesheets(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    words = words_in_site(outdir)
    sizes = {}
    for pattern in LEAN_SHEETS:
        paths = sorted((outdir / "_static").glob(pattern))
        if not paths:
            raise ExtensionError(f"_ext/every_reader.py: LEAN_SHEETS names {pattern!r}, which "
                                 "matches no stylesheet in _static/; has an upgrade renamed it?")
        for path in paths:
            sizes[path.name] = drop_unused_rules(path, words)
    logger.info("stylesheets cut to the rules in use: " + ", ".join(
        f"{name} {before // 1000} → {after // 1000} KB" for name, (before, after) in sizes.items()))


# --- One stylesheet instead of many --------------------------------------------------------

BUNDLE_FOLDER = Path("_static", "bundles")
#: The stylesheets Sphinx and the extensions register (the theme's own two are written by its
#: template, without a type): each one more request before the first paint on a phone.
_REGISTERED_SHEET = re.compile(
    r'<link rel="stylesheet" type="text/css" href="(?P<href>[^"]+)" />\n?')
_BUNDLE_LINK = re.compile(
    r'<link rel="stylesheet" href="(?P<href>[^"]+)" data-bundled="(?P<files>[^"]+)" />')


def _bundle(outdir: Path, files: list[str]) -> str:
    """Concatenate ``files`` (paths under ``_static``) into one content-named file; its path."""
    import hashlib

    text = "".join(f"/* {name} */\n" + (outdir / "_static" / name).read_text(encoding="utf-8")
                   + "\n" for name in files)
    name = hashlib.sha256(text.encode()).hexdigest()[:16] + ".css"
    (outdir / BUNDLE_FOLDER).mkdir(parents=True, exist_ok=True)
    (outdir / BUNDLE_FOLDER / name).write_text(text, encoding="utf-8")
    return (BUNDLE_FOLDER / name).as_posix()


def bundle_stylesheets(outdir: Path, page: Path) -> bool:
    """Replace a page's registered stylesheets by one file holding them all, in order.

    On a phone each stylesheet in the head is one more request before the first paint. The
    bundle's name is a hash of its content, so a changed stylesheet is a new file (no stale
    copy in a reader's cache); the page keeps the list of what it bundled, so that a later
    build re-bundles pages Sphinx does not rewrite. A stylesheet with ``url(...)`` stays a file
    of its own (moving it would break its relative addresses), as does one loaded after the
    first paint (``media="print"``). Returns whether the page changed.
    """
    html_text = page.read_text(encoding="utf-8")
    head, rest = html_text.split("</head>", 1) if "</head>" in html_text else ("", "")
    if not head:
        return False
    root = Path(*[".."] * (len(page.relative_to(outdir).parts) - 1)).as_posix() or "."
    static = f"{root}/_static/" if root != "." else "_static/"

    previous = _BUNDLE_LINK.search(head)
    if previous:  # re-bundle from the list the page kept
        files = previous.group("files").split()
        start, end = previous.span()
    else:
        files, spans = [], []
        for link in _REGISTERED_SHEET.finditer(head):
            href = link.group("href").split("?")[0]
            if not href.startswith(static):
                continue
            name = href[len(static):]
            if "url(" in (outdir / "_static" / name).read_text(encoding="utf-8"):
                continue
            files.append(name)
            spans.append(link.span())
        if len(files) < 2:
            return False
        # Removed back to front so the spans stay valid; the bundle takes the last one's place.
        for span in reversed(spans[:-1]):
            head = head[: span[0]] + head[span[1]:]
        shift = sum(b - a for a, b in spans[:-1])
        start, end = spans[-1][0] - shift, spans[-1][1] - shift
    bundle = _bundle(outdir, files)
    link = (f'<link rel="stylesheet" href="{static}{bundle[len("_static/"):]}" '
            f'data-bundled="{" ".join(files)}" />')
    if head[start:end].endswith("\n"):
        link += "\n"
    new_text = head[:start] + link + head[end:] + "</head>" + rest
    if new_text == html_text:
        return False
    page.write_text(new_text, encoding="utf-8")
    return True


def _bundle_pages(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    pages = [page for page in outdir.rglob("*.html")
             if "_static" not in page.relative_to(outdir).parts]
    changed = sum(bundle_stylesheets(outdir, page) for page in pages)
    # Bundles of earlier builds that no page uses any more.
    used = set()
    for page in pages:
        used.update(Path(m.group("href")).name
                    for m in _BUNDLE_LINK.finditer(page.read_text(encoding="utf-8")))
    for old in (outdir / BUNDLE_FOLDER).glob("*.css"):
        if old.name not in used:
            old.unlink()
    logger.info(f"stylesheets bundled into one file per page: {changed} page(s) updated")


def setup(app):
    app.connect("builder-inited", _start_counting)
    app.connect("build-finished", _check_seen, priority=400)
    app.connect("html-page-context", _add_description)
    app.connect("html-page-context", _fix_markup, priority=950)
    app.connect("html-page-context", _size_images, priority=950)
    app.connect("html-page-context", _lighten_code, priority=950)
    app.connect("html-page-context", _lighten_assets, priority=950)
    app.connect("build-finished", _cut_icons)
    app.connect("build-finished", _cut_stylesheets, priority=550)
    app.connect("build-finished", _bundle_pages, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
