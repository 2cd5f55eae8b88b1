"""The key of the build's explorer results cache (``_build/explorer-cache``).

A kept grid is reused only while nothing it was computed from has changed: the code
of ``widgets.models`` and ``widgets.explorers``, every ``widgets`` module they import,
and the numpy and scipy versions. Editing the build's tooling (``booktools``) or the
self-checks must not throw every grid away.

The key is read from a copy of the packages in a temporary folder, so the tests can
edit files freely (and would fail on a key that hashed the whole package).
"""

from __future__ import annotations

import importlib.metadata
import shutil
from pathlib import Path

import numpy
import pytest
import scipy

from widgets.explorers import HormesisExplorer, framework
from widgets.explorers.framework import CACHE_VARIABLE

from .conftest import ROOT


@pytest.fixture
def copy(tmp_path, monkeypatch) -> Path:
    """A copy of widgets/ and booktools/; the cache key reads the copied widgets/."""
    source = tmp_path / "source"
    for package in ("widgets", "booktools"):
        shutil.copytree(ROOT / package, source / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(framework, "PACKAGE_ROOT", source / "widgets")
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
    return source


def key() -> str:
    """The cache file's name for one explorer, as the build would use it."""
    return HormesisExplorer()._cache_file(".json").name


def edit(path: Path, text: str = "\n# edited\n") -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_the_key_reads_the_copy(copy):
    """The copy is what the key reads: an identical copy gives the real key's digest
    of code (the same files, the same bytes)."""
    assert framework.results_fingerprint(copy / "widgets") == framework.results_fingerprint(
        ROOT / "widgets")
    assert {p.relative_to(copy / "widgets") for p in framework.result_sources()} == {
        p.relative_to(ROOT / "widgets") for p in framework.result_sources(ROOT / "widgets")}


@pytest.mark.parametrize("changed", ["booktools/course.py", "booktools/student.py",
                                     "booktools/validation.py", "widgets/selfcheck.py"])
def test_code_the_explorers_do_not_run_leaves_the_key_alone(copy, changed):
    before = key()
    edit(copy / changed)
    assert key() == before


@pytest.mark.parametrize("changed", ["widgets/models/interpretation.py",
                                     "widgets/models/dose_response.py",
                                     "widgets/models/_validation.py",
                                     "widgets/explorers/framework.py",
                                     "widgets/explorers/tom_and_mary.py",
                                     "widgets/__init__.py"])
def test_a_change_to_the_models_or_the_explorers_changes_the_key(copy, changed):
    before = key()
    edit(copy / changed)
    assert key() != before


def test_a_widgets_module_the_explorers_import_counts_and_one_they_do_not_does_not(copy):
    helper = copy / "widgets" / "helper.py"
    helper.write_text("FACTOR = 2\n", encoding="utf-8")
    before = key()
    edit(helper)  # nothing imports it yet
    assert key() == before
    edit(copy / "widgets" / "explorers" / "hormesis.py", "\nfrom ..helper import FACTOR\n")
    imported = key()
    assert imported != before
    edit(helper)  # now an explorer imports it
    assert key() != imported
    assert helper in framework.result_sources()
    assert copy / "widgets" / "selfcheck.py" not in framework.result_sources()


def test_the_key_follows_the_installed_numpy_and_scipy(copy, monkeypatch):
    installed = framework.library_versions()
    assert installed == {"numpy": numpy.__version__, "scipy": scipy.__version__}
    assert installed["numpy"] == importlib.metadata.version("numpy")
    before = key()
    monkeypatch.setattr(framework, "library_versions",
                        lambda: {**installed, "numpy": installed["numpy"] + ".post1"})
    with_other_numpy = key()
    assert with_other_numpy != before
    monkeypatch.setattr(framework, "library_versions",
                        lambda: {**installed, "scipy": "0.1"})
    assert key() not in {before, with_other_numpy}
    monkeypatch.setattr(framework, "library_versions", lambda: dict(installed))
    assert key() == before
