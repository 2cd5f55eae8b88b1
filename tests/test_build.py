"""The build is an integration test: strict flags, zero warnings, and it can fail."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT

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
    """The fixture book, copied, with the book's execution-cache extension."""
    book = tmp_path / "tiny"
    shutil.copytree(FIXTURE, book)
    config_file = book / "_config.yml"
    config = yaml.safe_load(config_file.read_text())
    config["sphinx"]["local_extensions"] = {"execution_cache": str(ROOT / "_ext")}
    config_file.write_text(yaml.safe_dump(config))
    return book


def page_text(html: Path) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", (html / "page.html").read_text()).split())


def test_a_change_to_imported_code_reaches_the_page_on_a_plain_rebuild(tiny_book, tmp_path,
                                                                      book_builder):
    """The fixture's page prints a constant of ``model.py``, which it imports; its cells do
    not change. Rebuilt into the same folder without cleaning, it shows the new value."""
    out = tmp_path / "out"
    first = book_builder(tiny_book, out)
    assert first.returncode == 0, first.output[-3000:]
    assert build_warnings(first.output) == []
    assert "The answer is 41." in page_text(first.html)

    model = tiny_book / "model.py"
    model.write_text(model.read_text().replace("ANSWER = 41", "ANSWER = 42"))
    second = book_builder(tiny_book, out)
    assert second.returncode == 0, second.output[-3000:]
    assert "The answer is 42." in page_text(second.html)
    cache = out / "_build" / ".jupyter_cache"
    assert len([folder for folder in cache.iterdir() if folder.is_dir()]) == 1, \
        "the cache of the older code was not removed"


def test_a_bad_citation_an_unknown_term_and_a_cell_that_raises_each_fail_the_build(
        tiny_book, tmp_path, book_builder):
    """One build, three faults; --keep-going reports each, and -W -n make each fatal (the
    clean build of the same book, above, passes)."""
    page = tiny_book / "page.md"
    page.write_text(page.read_text() + "\nAs shown by {cite:p}`nosuchkey1999`.\n"
                    "\nAn {term}`unknown term`.\n"
                    "\n```{code-cell} ipython3\n1 / 0\n```\n")
    result = book_builder(tiny_book, tmp_path / "out")
    assert result.returncode != 0
    assert "nosuchkey1999" in result.output
    assert "term not in glossary" in result.output and "unknown term" in result.output
    assert "ZeroDivisionError" in result.output or "CellExecutionError" in result.output


def test_the_book_configuration_fetches_nothing_at_build_time():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    sphinx = config.get("sphinx", {})
    extensions = [*sphinx.get("extra_extensions", []), *sphinx.get("extensions", [])]
    assert "sphinx.ext.intersphinx" not in extensions
    assert "intersphinx_mapping" not in sphinx.get("config", {})
    assert "colab_url" not in config.get("launch_buttons", {})
    # Empty, not absent: myst-nb's default loads require.js and the widget manager from CDNs.
    assert sphinx["config"]["nb_ipywidgets_js"] == {}
    assert config["launch_buttons"]["notebook_interface"] == "jupyterlab"
    assert config["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
