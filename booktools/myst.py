"""MyST Markdown read the way the book's build reads it, for booktools.course and .student.

The build parses every chapter with myst-parser: markdown-it-py with the plugins from
mdit-py-plugins that read MyST's own syntax (directives in ``:::`` and ````` fences,
roles such as ``{glue:text}`name```, targets ``(label)=``, ``%`` comments, front
matter, ``$$`` equations). :func:`parser` is that same parser, built by myst-parser's
own function with the extensions ``_config.yml`` turns on, so the tooling finds a
heading, a directive or a role exactly where the website does.

markdown-it keeps a directive's body as raw text, as MyST does until it runs the
directive. :func:`blocks` splits the body into its options and the rest, and
:func:`directives` reads the directives inside a body too.

Importing this module imports neither myst-parser nor ``yaml`` (the instructors' page
imports ``booktools.course`` in its kernel): the parser is built on first use.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

#: ``myst_enable_extensions`` in ``_config.yml`` (tests/test_student.py checks they agree).
EXTENSIONS = ("colon_fence", "dollarmath", "amsmath", "deflist", "substitution")
#: Directives whose body is not MyST Markdown: MyST does not parse it, so neither do we.
NOT_MARKDOWN = frozenset({"code-cell", "eval-rst"})

_OPTION = re.compile(r"^[ \t]*:(?P<key>[\w-]+):[ \t]*(?P<value>.*)$")


@functools.cache
def parser() -> MarkdownIt:
    """The markdown-it parser that myst-parser uses for the book's pages."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(enable_extensions=set(EXTENSIONS)), RendererHTML)


def parse(text: str) -> list[Token]:
    """The block tokens of MyST ``text``; each ``inline`` token's parts are its children."""
    return parser().parse(text)


@dataclass(frozen=True)
class Directive:
    """A directive: ``:::{name} argument``, then options, a body and a closing fence."""

    name: str
    argument: str
    options: dict
    body: str
    lines: tuple[int, int]  #: the lines it spans in the text read: first, one past the last
    closed: bool  #: False when no closing fence ends it (it then runs to the end of the text)


def _split_options(content: str, opening: str) -> tuple[dict, str]:
    """A directive's options and the rest of its body; ``opening`` is its first line.

    Options come first, as ``:key: value`` lines (values kept as text) or as a YAML
    block between ``---`` lines. Raises ValueError for a YAML block never closed.
    """
    lines = content.splitlines()
    if lines and lines[0].strip() == "---":
        close = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if close is None:
            raise ValueError(f"unclosed options block in {opening.strip()!r}")
        import yaml

        return yaml.safe_load("\n".join(lines[1:close])) or {}, "\n".join(lines[close + 1:])
    options = {}
    while lines and (option := _OPTION.match(lines[0])):
        options[option["key"]] = option["value"].strip()
        lines.pop(0)
    return options, "\n".join(lines)


def blocks(text: str) -> list[tuple[Token, Directive | None]]:
    """Every block token of ``text``, each with the directive it opens (None if it opens none).

    A fence whose info is ``{name} argument`` is a directive; any other fence is code.
    """
    lines = text.splitlines()
    found = []
    for token in parse(text):
        head = token.type in {"fence", "colon_fence"} and re.match(
            r"\{(?P<name>[^}\s]+)\}\s*(?P<argument>.*)", token.info.strip())
        if not head:
            found.append((token, None))
            continue
        start, end = token.map
        last = lines[end - 1].strip() if end - 1 > start else ""
        closed = len(last) >= len(token.markup) and set(last) == {token.markup[0]}
        options, body = _split_options(token.content, lines[start])
        found.append((token, Directive(head["name"], head["argument"].strip(), options, body,
                                       (start, end), closed)))
    return found


def directives(text: str) -> Iterator[Directive]:
    """Every directive in ``text`` in reading order, those inside other directives too."""
    for _, found in blocks(text):
        if found:
            yield found
            if found.name not in NOT_MARKDOWN:
                yield from directives(found.body)


def roles(text: str) -> list[tuple[str, str]]:
    """(name, content) of each role in ``text``, in order; MyST joins a role's lines
    with a space. Roles in code, and in raw HTML, are text to MyST, so not listed."""
    return [(part.meta["name"], part.content) for token in parse(text) if token.type == "inline"
            for part in token.children if part.type == "myst_role"]


def title(text: str) -> str | None:
    """The text of the first ``# `` heading (the page's title), or None."""
    tokens = parse(text)
    return next((following.content for token, following in pairwise(tokens)
                 if token.type == "heading_open" and token.tag == "h1"), None)
