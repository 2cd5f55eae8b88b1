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
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

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


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def jupyter_server(tmp_path_factory):
    port, token = free_port(), secrets.token_hex(16)
    runtime = tmp_path_factory.mktemp("jupyter-runtime")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime)}
    env.pop("TWO_FACES_STATIC_BUILD", None)
    command = [sys.executable, "-m", "jupyter_server", "--no-browser",
               f"--ServerApp.port={port}", "--ServerApp.ip=127.0.0.1",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}",
               "--ServerApp.port_retries=0"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get_json(f"{base}/api/status", token)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode(errors="replace")
                    pytest.fail(f"jupyter server did not start:\n{output[-3000:]}")
                time.sleep(0.3)
        yield base, token
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        process.stdout.close()


def get_json(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def test_the_toc_has_chapters_to_check():
    assert "chapters/hormesis.md" in chapters_in_toc()


@pytest.mark.parametrize("chapter", chapters_in_toc())
def test_chapter_opens_as_a_notebook_and_runs(jupyter_server, chapter, tmp_path):
    base, token = jupyter_server
    model = get_json(f"{base}/api/contents/{chapter}?type=notebook&content=1", token)
    assert model["type"] == "notebook"
    notebook = nbformat.from_dict(model["content"])
    nbformat.validate(notebook)
    assert any(cell.cell_type == "code" for cell in notebook.cells)

    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "chapters")}})
    client.execute()  # raises CellExecutionError on any unexpected error

    outputs = [o for cell in notebook.cells if cell.cell_type == "code"
               for o in cell.get("outputs", [])]
    errors = [o for o in outputs if o.output_type == "error"]
    expected = [cell for cell in notebook.cells if cell.cell_type == "code"
                and "raises-exception" in cell.get("metadata", {}).get("tags", [])]
    assert len(errors) == len(expected), [e.get("ename") for e in errors]
    if "explorers import" in "".join(c.source for c in notebook.cells):
        live = [o for o in outputs if WIDGET_VIEW in o.get("data", {})]
        assert live, "the chapter's explorer did not come up as a live widget"
