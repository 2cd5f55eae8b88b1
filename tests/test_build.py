"""The build is an integration test: strict flags, zero warnings, and it can fail."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, run_jupyter_book

FIXTURE = Path(__file__).parent / "fixtures" / "tiny_book"

pytestmark = pytest.mark.build

WARNING = re.compile(r"\bWARNING\b|\bERROR\b")
# The kernel's own start-up notice is not a build warning (it is printed by
# ipykernel on stderr, and Sphinx does not count it).
KERNEL_NOTICE = "Kernel is running over TCP without encryption"


def build_warnings(output: str) -> list[str]:
    return [line for line in output.splitlines()
            if WARNING.search(line) and KERNEL_NOTICE not in line]


def test_the_book_builds_from_clean_with_zero_warnings(book_build):
    assert book_build.returncode == 0, book_build.output[-5000:]
    assert build_warnings(book_build.output) == []
    assert (book_build.html / "index.html").exists()
    assert (book_build.html / "chapters" / "hormesis.html").exists()
    assert (book_build.html / "favicon.ico").exists()  # browsers ask for it at the root


@pytest.fixture
def tiny_book(tmp_path):
    book = tmp_path / "tiny"
    shutil.copytree(FIXTURE, book)
    return book


def test_the_fixture_book_builds_cleanly(tiny_book, tmp_path):
    result = run_jupyter_book(tiny_book, tmp_path / "out")
    assert result.returncode == 0, result.output[-3000:]
    assert build_warnings(result.output) == []


def test_a_bad_citation_key_fails_the_build(tiny_book, tmp_path):
    page = tiny_book / "page.md"
    page.write_text(page.read_text() + "\nAs shown by {cite:p}`nosuchkey1999`.\n")
    result = run_jupyter_book(tiny_book, tmp_path / "out")
    assert result.returncode != 0
    assert "nosuchkey1999" in result.output


def test_a_cell_that_raises_fails_the_build(tiny_book, tmp_path):
    page = tiny_book / "page.md"
    page.write_text(page.read_text() + "\n```{code-cell} ipython3\n1 / 0\n```\n")
    result = run_jupyter_book(tiny_book, tmp_path / "out")
    assert result.returncode != 0
    assert "ZeroDivisionError" in result.output or "CellExecutionError" in result.output


def test_the_book_configuration_fetches_nothing_at_build_time():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    sphinx = config.get("sphinx", {})
    extensions = [*sphinx.get("extra_extensions", []), *sphinx.get("extensions", [])]
    assert "sphinx.ext.intersphinx" not in extensions
    assert "intersphinx_mapping" not in sphinx.get("config", {})
    assert "colab_url" not in config.get("launch_buttons", {})
    assert config["launch_buttons"]["notebook_interface"] == "jupyterlab"
    assert config["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
