"""The path a Binder user takes, checked locally.

Binder starts a Jupyter server from requirements.txt, and JupyterLab asks it
(through jupytext's contents manager) for each MyST ``.md`` chapter as a
notebook. Here: a real ``jupyter server`` on 127.0.0.1, each chapter in the
table of contents fetched through the contents API as a notebook, then
executed with a kernel. Any error fails. The chapters run in live mode (no
static-build variable), so their explorers must come up as live widgets.
"""

from __future__ import annotations

import json
import re
import urllib.request

import nbformat
import pytest
import yaml

from .conftest import ROOT

pytestmark = pytest.mark.binder

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def chapters_in_toc():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = []
    for part in toc.get("parts", []):
        files += [entry["file"] for entry in part.get("chapters", [])]
    files += [entry["file"] for entry in toc.get("chapters", [])]
    notebooks = []
    for name in files:
        path = ROOT / f"{name}.md"
        if path.exists() and path.read_text().lstrip().startswith("---\njupytext:"):
            notebooks.append(f"{name}.md")
    return notebooks


def shows_an_explorer(cell) -> bool:
    """A code cell that ends by showing an explorer (``HormesisExplorer()``). A page
    that only imports explorers, as the instructors' page does for its answer keys,
    shows none."""
    if cell.cell_type != "code":
        return False
    lines = [line.strip() for line in cell.source.splitlines()
             if line.strip() and not line.strip().startswith("#")]
    return bool(lines) and re.match(r"\w*Explorer\(", lines[-1]) is not None


def test_explorer_cells_are_recognised():
    cell = nbformat.v4.new_code_cell
    assert shows_an_explorer(cell("from widgets.explorers import HormesisExplorer\n\n"
                                  "HormesisExplorer()\n# a comment"))
    assert not shows_an_explorer(cell("from widgets.explorers import TomAndMaryExplorer\n"
                                      "keys = TomAndMaryExplorer().readout()"))


@pytest.fixture(scope="module")
def jupyter_server(tmp_path_factory, start_jupyter):
    with start_jupyter("jupyter_server", ROOT, tmp_path_factory.mktemp("server")) as server:
        yield server


def get_json(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def test_the_toc_has_chapters_to_check():
    assert "chapters/hormesis.md" in chapters_in_toc()


@pytest.fixture(scope="module")
def runs(jupyter_server, notebooks_runner, live_kernel_environment):
    """Every chapter fetched through the contents API as a notebook, then all run, one kernel
    per core at a time: chapter -> (the fetched model, the executed notebook, the error).

    The kernels read the explorers' whole grids from the build's results cache (as a second
    page of the build does) rather than compute each again; what this path checks is the
    contents API, jupytext's conversion and the live widgets, not the grids."""
    base, token = jupyter_server
    models = {chapter: get_json(f"{base}/api/contents/{chapter}?type=notebook&content=1",
                                token) for chapter in chapters_in_toc()}
    notebooks = {chapter: nbformat.from_dict(model["content"])
                 for chapter, model in models.items() if model.get("type") == "notebook"}
    options = {"timeout": 600, "resources": {"metadata": {"path": str(ROOT / "chapters")}}}
    errors = notebooks_runner((notebook, options, live_kernel_environment)
                              for notebook in notebooks.values())
    outcome = dict(zip(notebooks, errors, strict=True))
    return {chapter: (model, notebooks.get(chapter), outcome.get(chapter))
            for chapter, model in models.items()}


@pytest.mark.parametrize("chapter", chapters_in_toc())
def test_chapter_opens_as_a_notebook_and_runs(runs, chapter):
    model, notebook, error = runs[chapter]
    assert model["type"] == "notebook"
    nbformat.validate(nbformat.from_dict(model["content"]))
    assert any(cell.cell_type == "code" for cell in notebook.cells)
    if error is not None:  # CellExecutionError on any unexpected error
        raise error

    outputs = [o for cell in notebook.cells if cell.cell_type == "code"
               for o in cell.get("outputs", [])]
    errors = [o for o in outputs if o.output_type == "error"]
    expected = [cell for cell in notebook.cells if cell.cell_type == "code"
                and "raises-exception" in cell.get("metadata", {}).get("tags", [])]
    assert len(errors) == len(expected), [e.get("ename") for e in errors]
    if any(shows_an_explorer(cell) for cell in notebook.cells):
        live = [o for o in outputs if WIDGET_VIEW in o.get("data", {})]
        assert live, "the chapter's explorer did not come up as a live widget"
