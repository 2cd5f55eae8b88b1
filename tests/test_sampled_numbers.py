"""Every number a page quotes from a sampled model carries its standard error.

The church model and the simulated literature are sampled: their numbers come with sampling
noise. Their chapters glue those numbers with :func:`widgets.scenarios.sampled`, which
prints "value ± standard error" and refuses an estimate without one. This test reads the
chapters' code and fails on a glued estimate (``something.value``) that bypasses it. The
chapters on reading faces (reading-faces, faces-side-by-side) and attachment are solved, not
sampled (their estimates carry only the solver's error), so they are not checked here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from widgets.scenarios import sampled

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"
SAMPLED_CHAPTERS = ("tom-and-mary.md", "evidence.md")
CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(?:---\n.*?\n---\n|(?::[^\n]*\n)*)(.*?)^```",
                  re.MULTILINE | re.DOTALL)


def unsampled_glues(source: str) -> list[str]:
    """The glue calls in ``source`` (Python) that quote an estimate's ``.value`` without
    passing it through ``sampled``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "glue"
                and len(node.args) >= 2):
            continue
        value = node.args[1]
        uses_value = any(isinstance(n, ast.Attribute) and n.attr == "value"
                         for n in ast.walk(value))
        through_sampled = any(isinstance(n, ast.Call) and getattr(n.func, "id", "") == "sampled"
                              for n in ast.walk(value))
        if uses_value and not through_sampled:
            found.append(ast.unparse(node))
    return found


@pytest.mark.parametrize("chapter", SAMPLED_CHAPTERS)
def test_every_glued_estimate_in_a_sampled_chapter_carries_its_error(chapter):
    text = (CHAPTERS / chapter).read_text(encoding="utf-8")
    cells = CELL.findall(text)
    assert cells, f"{chapter}: no code cells found"
    offenders = [call for cell in cells for call in unsampled_glues(cell)]
    assert offenders == [], offenders


def test_the_check_catches_a_bare_estimate_and_passes_a_sampled_one():
    assert unsampled_glues('glue("gap", num(results["gap"].value), display=False)')
    assert not unsampled_glues('glue("gap", sampled(results["gap"]), display=False)')
    assert not unsampled_glues('glue("n", f"{runs:,}", display=False)')


def test_sampled_refuses_an_estimate_without_an_error():
    class Bare:
        value, se = 0.5, 0.0

    with pytest.raises(ValueError, match="standard error = 0.0"):
        sampled(Bare())
