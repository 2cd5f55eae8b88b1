"""The explorer example in CONTRIBUTING.md works as written."""

from __future__ import annotations

import sys
import types

from .conftest import ROOT


def test_the_guide_s_one_file_explorer_runs_in_both_modes():
    guide = (ROOT / "CONTRIBUTING.md").read_text()
    code = guide.split("Create `widgets/explorers/my_explorer.py`:\n\n```python\n")[1]
    code = code.split("```")[0]
    module = types.ModuleType("widgets.explorers.my_explorer")
    module.__package__ = "widgets.explorers"
    sys.modules[module.__name__] = module
    try:
        exec(compile(code, "CONTRIBUTING.md", "exec"), module.__dict__)
        explorer = module.SlopeExplorer()
        steep = module.SlopeExplorer(slope=6.0)
        assert explorer.readout() != steep.readout()
        html = explorer.static_html()
        assert 'data-explorer="slope"' in html
    finally:
        del sys.modules[module.__name__]
