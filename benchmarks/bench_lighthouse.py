"""Lighthouse scores of the built book, as a phone reader meets it. Reports; asserts nothing.

    npm ci --prefix benchmarks                      # once: Lighthouse 12.2.3 from npm
    python benchmarks/bench_lighthouse.py [--html _build/html] [--runs 3] [PAGE ...]

* Serves the built site on 127.0.0.1 **with gzip** and kept-alive HTTP/1.1 connections, as
  every static host (GitHub Pages, Netlify, Read the Docs) serves it. ``python -m
  http.server`` does neither, and measured that way the same pages score 30-40 points
  lower: that is not what readers get.
* Runs Lighthouse's default mobile preset (simulated slow 4G, 4x CPU slowdown) with Debian's
  chromium, ``--runs`` times per page, and prints for each page the median of the four
  category scores (performance, accessibility, best practices, SEO), of the largest
  contentful paint and of the bytes transferred, plus the lowest performance score seen.
* PAGE arguments are paths under the site (``chapters/hormesis.html``); without them every
  page the browser tests visit is measured, except the redirect ``index.html``.

Performance varies from run to run on a shared machine: read the medians, and report them;
never assert them in the test suite. The book's target is performance >= 95 and 100 for the
other three, as medians of three runs.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # so "tests" is importable when run as a script

from booktools.browser import find_chromium  # noqa: E402
from tests.test_browser import built_pages  # noqa: E402

LIGHTHOUSE = ROOT / "benchmarks" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
#: Types a static host compresses (images and fonts are compressed already).
COMPRESSED = {".html", ".css", ".js", ".mjs", ".json", ".svg", ".txt", ".xml", ".ipynb",
              ".md", ".map", ".ico"}


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files, gzip-compressed (level 6, like nginx's default) when the client asks.

    HTTP/1.1, so connections are kept alive as on any real host (the standard library's
    default, HTTP/1.0, opens a new connection per file, which Lighthouse then charges a
    simulated round trip each).
    """

    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.suffix in COMPRESSED and path.is_file()):
            return super().send_head()
        body = _compressed(path, path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return _BytesFile(body)


class _BytesFile:
    """What send_head returns: something copyfile can read, and close."""

    def __init__(self, body: bytes):
        self.body = body

    def read(self, size=-1):
        body, self.body = self.body, b""
        return body

    def close(self):
        pass


@functools.cache
def _compressed(path: Path, mtime_ns: int) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


def serve(directory: Path):
    handler = functools.partial(GzipHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def lighthouse(url: str, chromium: str, workdir: Path) -> dict:
    report = workdir / "report.json"
    subprocess.run(
        [str(LIGHTHOUSE), url, f"--chrome-path={chromium}",
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
         f"--only-categories={','.join(CATEGORIES)}",
         "--output=json", f"--output-path={report}", "--quiet"],
        check=True, capture_output=True, timeout=300)
    result = json.loads(report.read_text())
    if result.get("runtimeError"):
        raise RuntimeError(f"Lighthouse failed on {url}: {result['runtimeError']}")
    scores = {c: round(100 * result["categories"][c]["score"]) for c in CATEGORIES}
    audits = result["audits"]
    scores["lcp"] = audits["largest-contentful-paint"]["numericValue"] / 1000
    scores["kb"] = audits["total-byte-weight"]["numericValue"] / 1000
    scores["failed"] = sorted(
        key for key, audit in audits.items()
        if audit.get("score") is not None and audit["score"] < 0.9
        and audit.get("scoreDisplayMode") in {"binary", "numeric", "metricSavings"})
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", help="paths under the site; default: every page")
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--runs", type=int, default=3, help="runs per page (default 3)")
    parser.add_argument("--show-failed", action="store_true",
                        help="list the audits scoring below 0.9 in any run")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error(f"--runs must be at least 1, not {args.runs}")
    if not LIGHTHOUSE.exists():
        parser.error(f"{LIGHTHOUSE} is missing: run `npm ci --prefix benchmarks` first")
    chromium = find_chromium()
    if chromium is None:
        parser.error("chromium not found: apt-get install chromium, or set CHROMIUM_PATH")
    if not (args.html / "intro.html").exists():
        parser.error(f"no built book at {args.html}: build it first")
    pages = args.pages or [p for p in built_pages(args.html) if p != "index.html"]

    httpd, base = serve(args.html)
    workdir = Path(tempfile.mkdtemp(prefix="lighthouse-"))
    print(f"Lighthouse 12 mobile, gzip, median of {args.runs} run(s); "
          "perf (lowest) / a11y / best practices / SEO, LCP, transfer")
    print("| page | performance (lowest) | accessibility | best practices | SEO "
          "| LCP | transfer |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    try:
        for page in pages:
            runs = [lighthouse(f"{base}/{page}", chromium, workdir) for _ in range(args.runs)]
            median = {key: statistics.median(run[key] for run in runs)
                      for key in (*CATEGORIES, "lcp", "kb")}
            lowest = min(run["performance"] for run in runs)
            print(f"| {page} | {median['performance']:.0f} ({lowest}) "
                  f"| {median['accessibility']:.0f} | {median['best-practices']:.0f} "
                  f"| {median['seo']:.0f} | {median['lcp']:.1f} s | {median['kb']:.0f} KB |",
                  flush=True)
            if args.show_failed:
                failed = sorted({name for run in runs for name in run["failed"]})
                print(f"|   below 0.9: {', '.join(failed) or 'none'} |||||||", flush=True)
    finally:
        httpd.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
