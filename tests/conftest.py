"""Shared fixtures: a fresh build of the book, a local web server, a real browser; the tiers.

The book is built once per test session, from clean, into a temporary folder
(``jupyter-book build . -W -n --keep-going --path-output TMP``), so the tests
never depend on a stale ``_build/``; with pytest-xdist's two workers (pyproject.toml)
one of them starts it and both wait for it (``SharedRun``). Set
``BOOK_HTML=/path/to/_build/html`` to test an existing build instead (quicker while
writing tests; never in CI).

Two tiers. ``python -m pytest -m "not slow"`` is the fast tier: no book build, no
browser, no Jupyter server or kernel. A test is ``slow`` when it uses one of
``SLOW_FIXTURES`` (directly or through another fixture: ``site`` and ``server`` use
``book_build``) or carries the ``build``, ``browser`` or ``binder`` marker; the
marking is done here, so a test cannot be in the wrong tier by forgetting a marker.
Every book build, kernel, Jupyter server and browser start goes through one of those
fixtures; a test that is not slow and starts one anyway (a subprocess running
jupyter-book, Chromium, Playwright's driver, a kernel or a Jupyter server) fails,
naming what it started (``forbidden_start``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from booktools.browser import CHROMIUM_FLAGS, find_chromium, serve_directory
from widgets.explorers.framework import CACHE_VARIABLE, STATIC_BUILD_VARIABLE

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@dataclass
class BuildResult:
    returncode: int
    output: str
    seconds: float
    html: Path


def run_jupyter_book(book: Path, output_dir: Path, *extra: str) -> BuildResult:
    """Build ``book`` into ``output_dir`` with the strict flags; capture everything."""
    output_dir.mkdir(parents=True, exist_ok=True)
    # A record folder of its own for each build: a test may build twice into one folder.
    record = Path(tempfile.mkdtemp(prefix="build-", dir=output_dir)) / "run"
    run = SharedRun(record, jupyter_book_command(book, output_dir, *extra), cwd=book)
    run.start()
    return build_result(run, output_dir)


@pytest.fixture(scope="session")
def book_builder():
    """``run_jupyter_book``, for tests that build a small book of their own."""
    return run_jupyter_book


#: Runs a command with its output in a file, then writes its exit status and time to a
#: record file (atomically), so that any test process can wait for it: under pytest-xdist
#: the book's build is started by one worker and waited for by all.
_RUN_AND_RECORD = """\
import json, os, resource, subprocess, sys, time
log, record, command = sys.argv[1], sys.argv[2], sys.argv[3:]
started = time.perf_counter()
with open(log, "wb") as out:
    code = subprocess.call(command, stdout=out, stderr=subprocess.STDOUT)
used = resource.getrusage(resource.RUSAGE_CHILDREN)  # with the kernels it waited for
with open(record + ".part", "w") as part:
    json.dump({"returncode": code, "seconds": time.perf_counter() - started,
               "cpu_seconds": used.ru_utime + used.ru_stime}, part)
os.replace(record + ".part", record)
"""


class SharedRun:
    """A command run once per test session in ``folder``, started by whichever test
    process claims the folder first (``start``) and waited for by any (``wait``): the
    folder is the session's shared temporary folder (with pytest-xdist, the one above
    every worker's own), so the book is built once however many workers run. Its output
    goes to ``output.txt`` in the folder."""

    def __init__(self, folder: Path, command: list[str], cwd: Path = ROOT):
        self.folder, self.command, self.cwd = folder, command, cwd
        self.output = folder / "output.txt"
        self._record = folder / "result.json"
        self._pid = folder / "pid"
        self._process: subprocess.Popen | None = None  # if this process started it

    def start(self) -> bool:
        """Start the command unless another process already has; True if this one did."""
        try:
            self.folder.mkdir(parents=True)
        except FileExistsError:
            return False
        self._process = process = subprocess.Popen(
            [sys.executable, "-c", _RUN_AND_RECORD, str(self.output), str(self._record),
             *self.command],
            cwd=self.cwd, start_new_session=True)  # its own group: stopped with its children
        self._pid.write_text(str(process.pid), encoding="utf-8")
        return True

    def _running(self) -> bool:
        try:
            pid = int(self._pid.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return True  # claimed a moment ago; the pid is being written
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        # A finished child of this process stays a zombie until it is reaped.
        return self._process is None or self._process.poll() is None

    def wait(self, timeout: float = 1800) -> tuple[int, float]:
        """The command's exit status and seconds, once it has ended."""
        deadline = time.monotonic() + timeout
        while not self._record.exists():
            if not self._running() and not self._record.exists():
                pytest.fail(f"{self.command[0]} in {self.folder} stopped without a result")
            if time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"{self.command[0]} took more than {timeout:.0f} s")
            time.sleep(0.5)
        if self._process is not None:
            self._process.wait()  # reaped: it has written its record and is ending
        record = json.loads(self._record.read_text(encoding="utf-8"))
        return record["returncode"], record["seconds"]

    def stop(self) -> None:
        """Stop the command (and whatever it started) if it is still running."""
        if self._pid.exists() and not self._record.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.killpg(int(self._pid.read_text(encoding="utf-8")), signal.SIGKILL)
        if self._process is not None:
            self._process.wait()


def _existing_build() -> Path | None:
    existing = os.environ.get("BOOK_HTML")
    return Path(existing) if existing and not IN_CI else None


_BOOK_BUILDS: dict[Path, SharedRun] = {}


def jupyter_book_command(book: Path, output_dir: Path, *extra: str) -> list[str]:
    """The strict build of ``book`` into ``output_dir``: zero warnings, every reference."""
    return [str(Path(sys.executable).with_name("jupyter-book")), "build", str(book),
            "-W", "-n", "--keep-going", "--path-output", str(output_dir), *extra]


def build_result(run: SharedRun, output_dir: Path) -> BuildResult:
    """Wait for a build ``run`` into ``output_dir``; what it printed and left."""
    returncode, seconds = run.wait()
    return BuildResult(returncode, run.output.read_text(encoding="utf-8", errors="replace"),
                       seconds, output_dir / "_build" / "html")


def shared_temp(config) -> Path:
    """The session's temporary folder that every pytest-xdist worker sees: the one above
    a worker's own, or the session's own without workers."""
    base = config._tmp_path_factory.getbasetemp()
    return base.parent if hasattr(config, "workerinput") else base


def _shared_book_build(config) -> SharedRun:
    """The session's strict build of the book, in a folder every pytest-xdist worker sees."""
    folder = shared_temp(config) / "book"
    return _BOOK_BUILDS.setdefault(folder, SharedRun(folder, jupyter_book_command(ROOT, folder)))


def pytest_collection_finish(session):
    """Start the book's build as soon as the tests are collected, if any test needs it, so
    that it runs while the fast tests do (they come first: pytest_collection_modifyitems)."""
    if session.config.option.collectonly or _existing_build() is not None:
        return
    if any("book_build" in getattr(item, "fixturenames", ()) for item in session.items):
        _shared_book_build(session.config).start()


def pytest_sessionfinish(session, exitstatus):
    """A build no test waited for (the session stopped early) is stopped with it: by the
    process that runs the session (pytest-xdist's controller, which ends after every
    worker), never by a worker that has run out of tests while another still needs it."""
    if not hasattr(session.config, "workerinput"):
        _shared_book_build(session.config).stop()


@pytest.fixture(scope="session")
def book_build(request) -> BuildResult:
    existing = _existing_build()
    if existing is not None:
        return BuildResult(0, "", 0.0, existing)
    build = _shared_book_build(request.config)
    build.start()  # no-op if collection started it
    return build_result(build, build.folder)


@pytest.fixture(scope="session")
def site(book_build) -> Path:
    if book_build.returncode != 0:
        pytest.fail(f"the book did not build:\n{book_build.output[-5000:]}")
    return book_build.html


@pytest.fixture(scope="session")
def explorer_results(site) -> Path:
    """The build's explorer results cache: every explorer's whole grid, computed once by the
    build, from scratch (the build's output folder starts empty), in the build's kernels.

    Kernel runs of the chapters (the Binder path, the student notebooks) and the tests of an
    explorer's whole grid read it, as a second page of the build does, instead of computing
    each grid again: the cold computation in a kernel is the build's, and the tests compare a
    sample of the stored results with the model run afresh
    (``test_explorers.test_static_lookup_gives_what_the_model_gives``)."""
    folder = site.parent / "explorer-cache"
    if not any(folder.glob("*.pickle")):
        pytest.fail(f"the build left no explorer results in {folder}")
    return folder


@pytest.fixture(scope="session")
def live_kernel_environment(explorer_results) -> dict[str, str]:
    """A kernel's whole environment for running chapters as a reader's Jupyter does (live
    mode: no static-build variable), reading the explorers' grids from the build's results."""
    environment = {k: v for k, v in os.environ.items() if k != STATIC_BUILD_VARIABLE}
    environment[CACHE_VARIABLE] = str(explorer_results)
    return environment


#: Requests the local server could not answer during the session (see serve_directory).
_SERVER_FAILURES: list[str] = []


@pytest.fixture(scope="session")
def server_failures():
    """What the local server could not serve during the session."""
    return _SERVER_FAILURES


@pytest.fixture(scope="session")
def server(site):
    """The built site on a local web server; its base URL."""
    with serve_directory(site, _SERVER_FAILURES) as base:
        yield base


def missing_tool(reason: str):
    """Skip the test for want of a tool on this machine; under CI, fail instead."""
    if IN_CI:
        pytest.fail(reason + " -- under CI these tests must run")
    pytest.skip(reason)


CHROMIUM_MISSING = ("Chromium not found: install Debian's browser with `sudo apt-get install "
                    "chromium` (or set CHROMIUM_PATH); Playwright's own browser download is "
                    "not used")


@pytest.fixture(scope="session")
def browser():
    chromium = find_chromium()
    if chromium is None:
        missing_tool(CHROMIUM_MISSING)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - requirements-test.txt installs it
        missing_tool("playwright is not installed: pip install -r requirements-test.txt")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


#: nbgrader (requirements-instructors.txt, in the test environment) adds server and lab
#: extensions; a reader's Jupyter has neither, so the tests' Jupyter servers turn them off.
NBGRADER_LAB_EXTENSION = "@jupyter/nbgrader"


def nbgrader_server_extensions() -> set[str]:
    """The nbgrader server extensions this environment's Jupyter config turns on."""
    from jupyter_core.paths import jupyter_config_path

    found = set()
    for folder in jupyter_config_path():
        for file in Path(folder, "jupyter_server_config.d").glob("*.json"):
            settings = json.loads(file.read_text(encoding="utf-8"))
            found |= {name for name in settings.get("ServerApp", {}).get("jpserver_extensions", {})
                      if name.split(".")[0] == "nbgrader"}
    return found


def without_nbgrader(config: Path) -> None:
    """Write, in the Jupyter config folder ``config`` (jupyter_app's JUPYTER_CONFIG_DIR, the
    first one Jupyter reads), the settings that keep nbgrader's extensions off."""
    (config / "labconfig").mkdir(parents=True, exist_ok=True)
    (config / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": dict.fromkeys(nbgrader_server_extensions(),
                                                            False)}}), encoding="utf-8")
    (config / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {NBGRADER_LAB_EXTENSION: True}}), encoding="utf-8")


@contextlib.contextmanager
def jupyter_app(module: str, root_dir: Path, scratch: Path, *options: str,
                environment: dict[str, str] | None = None):
    """Run ``python -m MODULE`` (jupyter_server or jupyterlab) on 127.0.0.1.

    Yields (base URL, token). The app and its kernels run in ``environment`` (this
    process's by default) in live mode (the static-build variable is removed), with its
    runtime and config folders in ``scratch``, and it is stopped with its whole process
    group afterwards.
    """
    port, token = free_port(), secrets.token_hex(16)
    env = {**(os.environ if environment is None else environment),
           "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
           "JUPYTER_CONFIG_DIR": str(scratch / "config")}
    env.pop(STATIC_BUILD_VARIABLE, None)
    without_nbgrader(scratch / "config")
    command = [sys.executable, "-m", module, "--no-browser", f"--ServerApp.port={port}",
               "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root_dir}",
               *options]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            request = urllib.request.Request(f"{base}/api/status",
                                             headers={"Authorization": f"token {token}"})
            try:
                urllib.request.urlopen(request, timeout=5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode(errors="replace")
                    pytest.fail(f"{module} did not start:\n{output[-3000:]}")
                time.sleep(0.3)
        yield base, token
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        process.stdout.close()


@pytest.fixture(scope="session")
def start_jupyter():
    """``jupyter_app``, for fixtures that start a Jupyter server or JupyterLab."""
    return jupyter_app


@pytest.fixture(scope="session")
def notebooks_runner():
    """A function that runs notebooks, each in a fresh kernel of its own, in place.

    ``run(jobs)`` takes ``(notebook, options, env)`` triples (``options`` go to
    ``nbclient.NotebookClient``; ``env`` is the kernel's whole environment, or None for this
    process's) and returns, for each, None or the exception its run raised. Up to one
    kernel per core runs at a time: a chapter's run is mostly its kernel computing.
    """
    from nbclient import NotebookClient

    async def run_one(limit, notebook, options, env):
        async with limit:
            try:
                client = NotebookClient(notebook, kernel_name="python3", **options)
                await client.async_execute(**({} if env is None else {"env": env}))
            except Exception as error:  # noqa: BLE001 - reported by that notebook's test
                return error
            return None

    async def run_all(jobs):
        limit = asyncio.Semaphore(max(1, os.cpu_count() or 1))
        return await asyncio.gather(*(run_one(limit, *job) for job in jobs))

    def run(jobs):
        # A thread of its own: Playwright's synchronous API may hold this thread's loop.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, run_all(list(jobs))).result()

    return run


NBGRADER_MISSING = ("nbgrader not found beside this Python: pip install -r "
                    "requirements-instructors.txt (requirements-test.txt includes it)")


@pytest.fixture(scope="session")
def nbgrader():
    """``run(course, *arguments, pythonpath=None)``: nbgrader's command line in the course
    folder ``course`` (its kernels import the book's ``widgets``, or the copy in
    ``pythonpath``); a failure fails the test with nbgrader's output. Under CI a missing
    nbgrader fails rather than skips."""
    executable = Path(sys.executable).with_name("nbgrader")
    if not executable.exists():
        missing_tool(NBGRADER_MISSING)

    def run(course: Path, *arguments: str, pythonpath: Path | None = None):
        env = {k: v for k, v in os.environ.items() if k != STATIC_BUILD_VARIABLE}
        # nbgrader runs alembic, installed beside it, by name: its folder goes on the PATH
        # even when the environment is used without being activated.
        env["PATH"] = os.pathsep.join(part for part in (str(executable.parent),
                                                        env.get("PATH", "")) if part)
        if pythonpath is not None:
            env["PYTHONPATH"] = os.pathsep.join(
                part for part in (str(pythonpath), env.get("PYTHONPATH", "")) if part)
        result = subprocess.run([str(executable), *arguments], cwd=course, env=env,
                                capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            pytest.fail(f"nbgrader {' '.join(arguments)} failed ({result.returncode}):\n"
                        f"{(result.stdout + result.stderr)[-4000:]}")
        return result

    return run


# --- The two tiers -------------------------------------------------------------------------

#: Fixtures that build a book, start a browser, a Jupyter server or a kernel. A test that
#: uses one, directly or through other fixtures, is marked ``slow``.
SLOW_FIXTURES = frozenset({"book_build", "book_builder", "browser", "start_jupyter",
                           "notebooks_runner", "nbgrader"})
SLOW_MARKERS = frozenset({"build", "browser", "binder"})

#: What a fast test may not start, by a pattern over its command line.
FORBIDDEN_STARTS = (
    ("jupyter-book", re.compile(r"jupyter[-_]book")),
    ("Chromium (or Playwright's driver)", re.compile(r"chrom(e|ium)|playwright", re.I)),
    ("a Jupyter kernel", re.compile(r"ipykernel|kernel_launcher")),
    ("a Jupyter server", re.compile(r"jupyter[-_ ]?(server|lab|notebook)|-m jupyterlab")),
    ("nbgrader (which starts kernels)", re.compile(r"nbgrader")),
)


def is_slow(item) -> bool:
    return (bool(SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())))
            or any(item.get_closest_marker(name) for name in SLOW_MARKERS))


def pytest_collection_modifyitems(config, items):
    for item in items:
        if is_slow(item) and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)
    # The fast tests first (in their order), then the slow ones: the book builds in the
    # background meanwhile (pytest_collection_finish), and a broken model fails in a minute.
    # Among the slow ones, whole modules that never need the book's build come first, so
    # they use the core the build leaves free while it finishes; a module is kept together so
    # that its fixtures are set up once.
    needs_build = {item.module.__name__ for item in items
                   if is_slow(item) and ("book_build" in getattr(item, "fixturenames", ())
                                         or item.get_closest_marker("build"))}

    def order(item):
        slow = item.get_closest_marker("slow") is not None
        return (slow, slow and item.module.__name__ in needs_build)

    items.sort(key=order)
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: tell the scheduler
        _write_work_units(config, {item.nodeid: work_unit(item) for item in items})


# --- Two workers (pytest-xdist) ------------------------------------------------------------
#
# pyproject.toml runs the suite on two workers with ``--dist loadscope``, and the scheduler
# below replaces loadscope's scopes with work units: tests a worker runs together, in the
# order collection left them (fast, slow without the build, slow with it). The controller
# sees only test ids, so each worker writes the units it collected to a shared file.


def work_unit(item) -> str:
    """The tests that one worker runs together: a module's fast tests, and its slow ones,
    so that a module's fixtures are set up once (the kernel runs, the PDF, the graded
    course); but each slow test on its own where the module says its slow tests share
    nothing beyond session fixtures (``EACH_SLOW_TEST_ALONE = True``), so that long ones
    spread over the workers."""
    module = item.module.__name__
    if item.get_closest_marker("slow") is None:
        return f"{module}:fast"
    if getattr(item.module, "EACH_SLOW_TEST_ALONE", False):
        return f"{module}:{item.name}"
    return f"{module}:slow"


def _work_units_file(config) -> Path:
    return shared_temp(config) / "work-units.json"


def _write_work_units(config, units: dict[str, str]) -> None:
    path = _work_units_file(config)
    part = path.with_name(f"{path.name}.{os.getpid()}")
    part.write_text(json.dumps(units), encoding="utf-8")
    os.replace(part, path)  # every worker collects the same tests: the last write wins


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class WorkUnitScheduling(LoadScopeScheduling):
        """loadscope, with work units (``work_unit``) for scopes."""

        units: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.units is None:  # read once every worker has collected
                self.units = json.loads(_work_units_file(config).read_text(encoding="utf-8"))
            return self.units.get(nodeid) or super()._split_scope(nodeid)

    return WorkUnitScheduling(config, log)


def forbidden_start(args) -> str | None:
    """What the command ``args`` would start that a fast test may not, or None."""
    if isinstance(args, (str, bytes, os.PathLike)):
        args = [args]
    command = " ".join(os.fsdecode(arg) for arg in args)
    for what, pattern in FORBIDDEN_STARTS:
        if pattern.search(command):
            return what
    return None


#: The test being run (set around each test's setup, call and teardown).
_running: dict[str, object] = {"item": None}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _running["item"] = item
    try:
        yield
    finally:
        _running["item"] = None


_execute_child = subprocess.Popen._execute_child


def _guarded_execute_child(self, args, *rest, **options):
    item = _running["item"]
    if item is not None and not item.get_closest_marker("slow"):
        what = forbidden_start(args)
        if what is not None:
            pytest.fail(f"{item.nodeid} is in the fast tier but started {what} "
                        f"({' '.join(map(os.fsdecode, args))[:200]}): use the fixture "
                        f"that starts it ({', '.join(sorted(SLOW_FIXTURES))}), which "
                        "marks the test slow", pytrace=False)
    return _execute_child(self, args, *rest, **options)


def pytest_configure(config):
    subprocess.Popen._execute_child = _guarded_execute_child


def pytest_unconfigure(config):
    subprocess.Popen._execute_child = _execute_child
