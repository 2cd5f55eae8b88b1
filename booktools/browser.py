"""A built site on a local web server, and Debian's Chromium to open it.

Shared by the tests (``tests/conftest.py``), the PDF script (``scripts/build_pdf.py``) and
the benchmarks. Playwright drives the browser; its own browser download is never used.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
#: Headless and quiet: without the background-networking flags Chromium keeps trying to
#: reach Google's hosts, which a machine with no network refuses many times a second.
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def find_chromium() -> str | None:
    """``CHROMIUM_PATH``, else Debian's Chromium, else ``chromium`` on the path, else None."""
    for candidate in (os.environ.get("CHROMIUM_PATH"), *CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def outside_pattern(base_url: str) -> re.Pattern:
    """Every address but the local server's (``base_url``) and those that stay in the
    page (data:, blob:, about:).

    Given to Playwright's ``page.route``, it is matched by Playwright's driver, so only
    requests for another place are held for the handler; the page's own files are not sent
    through Python one by one.
    """
    parts = urlsplit(base_url)
    local = f"{parts.scheme}://{parts.netloc}/"
    return re.compile(rf"^(?!{re.escape(local)}|data:|blob:|about:)")


def refuse_outside(page, base_url: str) -> list[str]:
    """Refuse every request ``page`` makes for another place than ``base_url`` (see
    ``outside_pattern``); return the list the refused addresses are appended to."""
    refused: list[str] = []

    def refuse(route):
        refused.append(route.request.url)
        route.abort()

    page.route(outside_pattern(base_url), refuse)
    return refused


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging; records the requests it could not answer."""

    def __init__(self, *args, failures: list[str], **kwargs):
        self.failures = failures
        super().__init__(*args, **kwargs)

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        if len(args) > 1 and str(args[1]).startswith(("4", "5")):
            self.failures.append(format % args)


class _Server(http.server.ThreadingHTTPServer):
    """A server that records its errors in ``failures`` instead of printing them, and lets
    a browser that closes a connection mid-answer (a page closed while loading) go."""

    daemon_threads = True

    def __init__(self, address, handler, failures: list[str]):
        self.failures = failures
        super().__init__(address, handler)

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if isinstance(error, (BrokenPipeError, ConnectionResetError)):
            return
        self.failures.append(f"the server failed answering {client_address}: {error!r}")


@contextlib.contextmanager
def serve_directory(directory: Path, failures: list[str] | None = None):
    """Serve ``directory`` on a free port of 127.0.0.1; yield its base URL.

    Requests the server could not answer (4xx, 5xx, or an error of its own), whoever made
    them, are appended to ``failures``: the browser's own requests (such as /favicon.ico)
    never reach Playwright's page events.
    """
    failures = [] if failures is None else failures
    handler = functools.partial(_QuietHandler, directory=str(directory), failures=failures)
    httpd = _Server(("127.0.0.1", 0), handler, failures)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
