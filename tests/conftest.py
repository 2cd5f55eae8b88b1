"""Shared fixtures: a fresh build of the book, a local web server, a real browser.

The book is built once per test session, from clean, into a temporary folder
(``jupyter-book build . -W -n --keep-going --path-output TMP``), so the tests
never depend on a stale ``_build/``. Set ``BOOK_HTML=/path/to/_build/html`` to
test an existing build instead (quicker while writing tests; never in CI).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@dataclass
class BuildResult:
    returncode: int
    output: str
    seconds: float
    html: Path


def run_jupyter_book(book: Path, output_dir: Path, *extra: str) -> BuildResult:
    """Build ``book`` into ``output_dir`` with the strict flags; capture everything."""
    executable = Path(sys.executable).with_name("jupyter-book")
    command = [str(executable), "build", str(book), "-W", "-n", "--keep-going",
               "--path-output", str(output_dir), *extra]
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, cwd=book,
                               timeout=1800)
    seconds = time.perf_counter() - start
    return BuildResult(completed.returncode, completed.stdout + completed.stderr, seconds,
                       output_dir / "_build" / "html")


@pytest.fixture(scope="session")
def book_build(tmp_path_factory) -> BuildResult:
    existing = os.environ.get("BOOK_HTML")
    if existing and not IN_CI:
        return BuildResult(0, "", 0.0, Path(existing))
    output_dir = tmp_path_factory.mktemp("book")
    return run_jupyter_book(ROOT, output_dir)


@pytest.fixture(scope="session")
def site(book_build) -> Path:
    if book_build.returncode != 0:
        pytest.fail(f"the book did not build:\n{book_build.output[-5000:]}")
    return book_build.html


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def server(site):
    """Serve the built site on 127.0.0.1 (a free port); yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), *CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    chromium = find_chromium()
    if chromium is None:
        reason = ("Chromium not found: install Debian's browser with "
                  "`sudo apt-get install chromium` (or set CHROMIUM_PATH); "
                  "Playwright's own browser download is not used")
        if IN_CI:
            pytest.fail(reason + " -- under CI the browser tests must run")
        pytest.skip(reason)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - requirements-test.txt installs it
        message = "playwright is not installed: pip install -r requirements-test.txt"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()
