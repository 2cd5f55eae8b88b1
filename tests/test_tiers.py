"""The two tiers: what the fast tier leaves out, and the guard that keeps it out.

``tests/conftest.py`` marks a test ``slow`` from the fixtures it uses, and fails a test
that is not slow but starts jupyter-book, Chromium, a kernel or a Jupyter server. These
tests run a small test suite of their own (with the book's conftest) in a subprocess, so
they check the real hooks, not a copy.
"""

from __future__ import annotations

import sys

import pytest

from .conftest import ROOT, forbidden_start

pytest_plugins = ["pytester"]

INNER_CONFTEST = "from tests.conftest import *  # noqa: F403 - the book's hooks and fixtures\n"

INNER_TESTS = '''
import subprocess
import sys

import pytest


def test_plain():
    assert True


def test_uses_the_site(site):
    pass


def test_uses_the_browser_through_a_fixture(server):
    pass


@pytest.mark.binder
def test_marked_binder():
    pass


def test_starts_a_build_without_a_fixture():
    # Harmless if it did run: the guard must stop it before it starts.
    subprocess.run([sys.executable, "-c", "pass", "jupyter-book"], check=True)


def test_starts_a_kernel_without_a_fixture():
    subprocess.run([sys.executable, "-m", "ipykernel_launcher", "--version"], check=True)


def test_runs_an_ordinary_command():
    subprocess.run([sys.executable, "-c", "pass"], check=True)
'''


@pytest.fixture
def inner(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest(INNER_CONFTEST)
    pytester.makepyfile(test_inner=INNER_TESTS)
    pytester.makeini("[pytest]\nmarkers =\n    slow: s\n    build: b\n    browser: b\n"
                     "    binder: b\n")
    return pytester


def test_the_fast_tier_leaves_out_every_test_that_needs_a_build_browser_or_server(inner):
    result = inner.runpytest_subprocess("-m", "not slow", "--collect-only", "-q")
    collected = {line.split("::")[-1] for line in result.outlines if "::" in line}
    assert collected == {"test_plain", "test_starts_a_build_without_a_fixture",
                         "test_starts_a_kernel_without_a_fixture",
                         "test_runs_an_ordinary_command"}


def test_a_fast_test_that_starts_a_build_or_a_kernel_fails_naming_it(inner):
    result = inner.runpytest_subprocess("-m", "not slow", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=2, deselected=3)
    output = "\n".join(result.outlines)
    assert "test_starts_a_build_without_a_fixture is in the fast tier but started jupyter-book" \
        in output
    assert "test_starts_a_kernel_without_a_fixture is in the fast tier but started a Jupyter " \
        "kernel" in output


@pytest.mark.parametrize("command, what", [
    (["/repo/.venv/bin/jupyter-book", "build", "."], "jupyter-book"),
    (["/usr/bin/chromium", "--headless"], "Chromium (or Playwright's driver)"),
    (["/venv/lib/playwright/driver/node", "cli.js", "run-driver"],
     "Chromium (or Playwright's driver)"),
    ([sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"], "a Jupyter kernel"),
    ([sys.executable, "-m", "jupyterlab", "--no-browser"], "a Jupyter server"),
    ([sys.executable, "-m", "jupyter_server"], "a Jupyter server"),
    ([sys.executable, "-m", "ruff", "check"], None),
    (["git", "rev-parse", "HEAD"], None),
    ("java -jar vnu.jar page.html", None),
])
def test_the_guard_knows_what_it_forbids(command, what):
    assert forbidden_start(command) == what
