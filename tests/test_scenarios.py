"""widgets.scenarios: one definition of each shared scenario, and of how numbers print.

Checks that the explorers use the module's definitions (not copies), that the helpers
write numbers as the book prints them, and that chapters call only public names of the
book's packages and define none of the shared helpers again.
"""

from __future__ import annotations

import ast

import jupytext
import pytest

from widgets import scenarios
from widgets.explorers import attachment, faces, hormesis, paths, service_trace, tom_and_mary
from widgets.models import SALIENCE_GAIN, SPEEDUP
from widgets.scenarios import MINUS, compact, num, pct

from .conftest import ROOT

CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))


# -- the explorers share the definitions -----------------------------------------------

@pytest.mark.parametrize(("module", "name", "shared"), [
    (faces, "TOM_BIAS", "TOM_BIAS"),
    (faces, "MARY_BIAS", "MARY_BIAS"),
    (faces, "REPORTED_VALENCE", "SMILE"),
    (paths, "ONSET", "ONSET"),
    (attachment, "ONSET", "ONSET"),
    (attachment, "SMILE", "SMILE"),
    (attachment, "FROWN", "FROWN"),
    (attachment, "REGIMES", "ATTACHMENT_REGIMES"),
    (hormesis, "SECURE_PERSON", "SECURE_PERSON"),
    (hormesis, "ANXIOUS_PERSON", "ANXIOUS_PERSON"),
    (tom_and_mary, "TOM_BELIEF", "TOM_BELIEF"),
    (tom_and_mary, "MARY_BELIEF", "MARY_BELIEF"),
    (tom_and_mary, "START_GAP", "START_GAP"),
    (tom_and_mary, "REGIMES", "CHURCH_REGIMES"),
    (service_trace, "TOM_BELIEF", "TOM_BELIEF"),
    (service_trace, "MARY_BELIEF", "MARY_BELIEF"),
])
def test_an_explorer_uses_the_shared_definition(module, name, shared):
    assert getattr(module, name) is getattr(scenarios, shared)


def test_the_scenarios_are_settings_the_explorers_offer():
    forming = paths.PathsExplorer()
    assert {scenarios.TOM_BIAS, scenarios.MARY_BIAS} <= set(forming.control("bias").grid)
    assert {scenarios.SMILE, scenarios.FROWN} <= set(forming.control("valence").grid)
    plane = attachment.AttachmentExplorer()
    for anxiety, avoidance in (scenarios.TOM_ATTACHMENT, scenarios.MARY_ATTACHMENT):
        assert anxiety in plane.control("anxiety").grid
        assert avoidance in plane.control("avoidance").grid
    assert scenarios.START_GAP == scenarios.TOM_BELIEF - scenarios.MARY_BELIEF
    assert scenarios.TOM_BIAS == -scenarios.MARY_BIAS > 0
    assert scenarios.SECURE_PERSON > 0 > scenarios.ANXIOUS_PERSON


@pytest.mark.parametrize("regimes", [scenarios.CHURCH_REGIMES, scenarios.ATTACHMENT_REGIMES])
def test_the_regimes_are_named_and_balanced_is_the_models_default(regimes):
    assert [r.name for r in regimes] == ["salience wins", "balanced", "speed wins"]
    salience, balanced, speed = regimes
    assert (balanced.salience_gain, balanced.speedup) == (SALIENCE_GAIN, SPEEDUP)
    assert salience.speedup == 0 < salience.salience_gain
    assert speed.salience_gain == 0 < speed.speedup
    name, gain, speedup = salience  # still unpacks as the explorers' tuples did
    assert (name, gain, speedup) == tuple(salience)


# -- numbers on the page ----------------------------------------------------------------

@pytest.mark.parametrize(("value", "decimals", "sign", "expected"), [
    (0.6, 2, False, "0.60"),
    (-0.6, 2, False, "−0.60"),
    (0.6, 2, True, "+0.60"),
    (-0.6, 1, True, "−0.6"),
    (-0.004, 2, False, "0.00"),  # never "−0.00"
    (-0.004, 2, True, "0.00"),   # nor "+0.00" or "−0.00"
    (0.004, 2, True, "0.00"),
    (-0.0, 1, True, "0.0"),
    (-2.9349, 2, True, "−2.93"),
    (0.0462, 3, False, "0.046"),
])
def test_num_writes_fixed_decimals_with_a_true_minus(value, decimals, sign, expected):
    assert num(value, decimals, sign=sign) == expected


def test_num_agrees_with_pythons_rounding_away_from_zero():
    """Away from zero, num is Python's own format with "-" replaced: the digits are the
    same whether or not the sign is shown."""
    for value in (-1.005, -0.125, 0.375, 2.675, -123.456, 1e-3):
        for decimals in (0, 1, 2, 3):
            if round(value, decimals) == 0:
                continue
            plain = f"{value:.{decimals}f}"
            assert num(value, decimals) == plain.replace("-", MINUS)
            assert num(value, decimals, sign=True) == f"{value:+.{decimals}f}".replace(
                "-", MINUS)


@pytest.mark.parametrize(("value", "expected"), [(0.437, "44"), (0.0, "0"), (1.0, "100"),
                                                 (0.005, "0"), (0.015, "2")])
def test_pct_is_a_whole_percentage(value, expected):
    assert pct(value) == expected


@pytest.mark.parametrize(("value", "sign", "expected"), [
    (3.0, False, "3"), (2.5, False, "2.5"), (-0.4, False, "−0.4"), (2.5, True, "+2.5"),
    (-7.25, True, "−7.25"), (0.1 + 0.2, False, "0.3")])
def test_compact_is_the_general_format_with_a_true_minus(value, sign, expected):
    assert compact(value, sign=sign) == expected


# -- chapters call public names only -----------------------------------------------------

def code_cells(path):
    """Each code cell of a chapter, parsed (IPython magics and shell lines left out)."""
    for cell in jupytext.read(path).cells:
        if cell.cell_type == "code":
            lines = [line for line in cell.source.splitlines()
                     if not line.lstrip().startswith(("%", "!"))]
            yield ast.parse("\n".join(lines))


def private_uses(tree: ast.Module, modules: set[str] | None = None) -> list[str]:
    """Private names of the book's packages a cell uses: imported by name
    (``from widgets.x import _y``) or read from an imported module (``module._y``).
    ``modules``: the names the chapter's earlier cells bound to the book's modules (one
    kernel runs them all); the cell's own imports are added to it."""
    modules = set() if modules is None else modules
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in {
                "widgets", "booktools"}:
            for alias in node.names:
                if alias.name.startswith("_"):
                    found.append(f"from {node.module} import {alias.name}")
                modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in {"widgets", "booktools"}:
                    modules.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                and not node.attr.startswith("__") and isinstance(node.value, ast.Name)
                and node.value.id in modules):
            found.append(f"{node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_a_chapter_uses_only_public_names_and_the_shared_helpers(chapter):
    private, redefined, modules = [], [], set()
    shared = set(scenarios.__all__)
    for tree in code_cells(chapter):
        private += private_uses(tree, modules)
        # A shared name defined again, or bound to something else (which would break
        # every later cell that uses the shared one: one kernel runs them all).
        redefined += [node.name for node in ast.walk(tree)
                      if isinstance(node, ast.FunctionDef | ast.ClassDef)
                      and node.name in shared]
        redefined += [node.id for node in ast.walk(tree)
                      if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
                      and node.id in shared]
    assert not private, f"{chapter.name} uses private names: {private}"
    assert not redefined, (f"{chapter.name} defines or rebinds {sorted(set(redefined))}: "
                           "import them from widgets.scenarios")


def test_the_chapter_check_names_a_shared_helper_rebound(tmp_path):
    chapter = tmp_path / "page.md"
    chapter.write_text("""---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

```{code-cell} ipython3
from widgets.scenarios import compact
compact, drugged = 1, 2
```
""", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"rebinds \['compact'\]"):
        test_a_chapter_uses_only_public_names_and_the_shared_helpers(chapter)


def test_the_private_name_check_can_fail():
    modules = set()
    first = ast.parse("from widgets.explorers import paths as forming\n"
                      "from widgets.models._validation import _check\n"
                      "forming._readings(1)\nforming.reading_summary(1)\n")
    assert private_uses(first, modules) == ["from widgets.models._validation import _check",
                                            "forming._readings"]
    later = ast.parse("forming._paths(1)\nnp._private\n")  # a later cell, same kernel
    assert private_uses(later, modules) == ["forming._paths"]
