"""The suite on two workers (pytest-xdist): one book build for all, and the work units.

``tests/conftest.py`` starts the book's build once per session, in a folder every worker
sees (``SharedRun``), and gives the workers their tests in work units (``work_unit``, read
by its scheduler): a module's slow tests stay on one worker, so their module fixtures (a
kernel run, the PDF, the graded course) are set up once. These tests run the real classes
and hooks: ``SharedRun`` on small commands, the hooks in a small suite of their own.
"""

from __future__ import annotations

import json
import re
import sys

import pytest

from .conftest import ROOT, SharedRun

pytest_plugins = ["pytester"]


def command(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_shared_run_starts_once_and_every_process_gets_its_result(tmp_path):
    folder = tmp_path / "run"
    code = "import sys, time; time.sleep(0.5); print('built'); sys.exit(3)"
    first, second = SharedRun(folder, command(code)), SharedRun(folder, command(code))
    assert first.start() is True
    assert second.start() is False  # another worker: it waits for the first one's run
    returncode, seconds = second.wait(timeout=60)
    assert (returncode, first.wait(timeout=60)[0]) == (3, 3)
    assert 0.5 <= seconds < 60
    assert first.output.read_text().strip() == "built"


def test_a_stopped_run_fails_whoever_waits_for_it(tmp_path):
    folder = tmp_path / "run"
    owner, other = (SharedRun(folder, command("import time; time.sleep(120)"))
                    for _ in range(2))
    owner.start()
    owner.stop()
    with pytest.raises(pytest.fail.Exception, match="stopped without a result"):
        other.wait(timeout=30)


def test_a_run_past_its_time_is_stopped_and_fails(tmp_path):
    run = SharedRun(tmp_path / "run", command("import time; time.sleep(120)"))
    run.start()
    with pytest.raises(pytest.fail.Exception, match="took more than 1 s"):
        run.wait(timeout=1)
    assert run._process.returncode is not None  # stopped, not left running


INNER_TESTS = {
    "test_kept": '''
import os
import pytest

@pytest.fixture(scope="module")
def expensive():
    return os.environ["PYTEST_XDIST_WORKER"]

def test_fast_one():
    pass

@pytest.mark.binder
@pytest.mark.parametrize("n", range(4))
def test_slow_together(expensive, n):
    assert expensive == os.environ["PYTEST_XDIST_WORKER"]
''',
    "test_spread": '''
import pytest

EACH_SLOW_TEST_ALONE = True

def test_fast_two():
    pass

@pytest.mark.binder
@pytest.mark.parametrize("n", range(4))
def test_slow_alone(n):
    pass
''',
}


@pytest.fixture
def inner(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest("from tests.conftest import *  # noqa: F403 - the book's hooks\n")
    pytester.makepyfile(**INNER_TESTS)
    pytester.makeini("[pytest]\nmarkers =\n    slow: s\n    build: b\n    browser: b\n"
                     "    binder: b\n")
    return pytester


def test_a_modules_slow_tests_share_a_worker_and_its_fast_tests_come_first(inner):
    # One run of the small suite on two workers (each start costs seconds) for both checks.
    result = inner.runpytest_subprocess("-p", "no:cacheprovider", "-v", "-n", "2",
                                        "--dist", "loadscope", "--no-loadscope-reorder",
                                        "--basetemp", str(inner.path / "base"))
    result.assert_outcomes(passed=10)
    ran = [(match[1], match[2]) for line in result.outlines
           if (match := re.search(r"\[(gw\d)\].*PASSED (\S+)", line))]
    assert len(ran) == 10
    kept = {worker for worker, test in ran if "test_slow_together" in test}
    assert len(kept) == 1, ran
    # Fast units are queued first, and each worker runs its units in the queue's order, so
    # on each worker no fast test comes after a slow one (across workers, reports interleave).
    for worker in {worker for worker, _ in ran}:
        kinds = ["slow" in test for who, test in ran if who == worker]
        assert kinds == sorted(kinds), ran

    # The units, as the workers wrote them for the scheduler: by module and tier, and each
    # slow test alone where the module asks.
    units = json.loads((inner.path / "base" / "work-units.json").read_text())
    assert units["test_kept.py::test_fast_one"] == "test_kept:fast"
    assert {units[f"test_kept.py::test_slow_together[{n}]"] for n in range(4)} == {
        "test_kept:slow"}
    assert len({units[f"test_spread.py::test_slow_alone[{n}]"] for n in range(4)}) == 4
