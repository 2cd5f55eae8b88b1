"""Measure the book as its readers meet it. Reports medians; asserts nothing.

    python benchmarks/bench_site.py [--repeats 3] [--skip-build]

* clean build time and no-change rebuild time (``jupyter-book build . -W -n --keep-going``),
  against the budget of 180 s;
* each explorer's grid: points, embedded kilobytes and build seconds, against their budgets;
* bytes each page loads in Chromium (uncompressed, everything it requests), against 3 MB;
* static explorer redraw latency: from the input event to the next painted frame;
* live explorer update latency in Python: model time and drawing time.

The machines are shared and noisy: read medians over several runs, not single numbers.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # so "tests.conftest" is importable when run as a script

from booktools.browser import CHROMIUM_FLAGS, find_chromium, serve_directory  # noqa: E402
from tests.test_browser import built_pages  # noqa: E402

#: Budgets (CONTRIBUTING.md). Reported, never asserted: timings depend on the machine.
BUILD_BUDGET_SECONDS = 180
PAGE_BUDGET_BYTES = 3_000_000


def over(value, budget):
    return "" if value <= budget else "  OVER BUDGET"


def run(command):
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def build_times(repeats):
    jb = str(Path(sys.executable).with_name("jupyter-book"))
    clean, rebuild = [], []
    for _ in range(repeats):
        shutil.rmtree(ROOT / "_build", ignore_errors=True)
        clean.append(run([jb, "build", ".", "-W", "-n", "--keep-going"]))
        rebuild.append(run([jb, "build", ".", "-W", "-n", "--keep-going"]))
    return clean, rebuild


# For each move: "work" is the input handler plus a forced style and layout
# (what the page itself must do); "frame" runs until the next painted frame,
# so it also includes waiting for the display's next refresh. A reader's input
# arrives at any moment of a frame, so each move starts after a random delay
# (0-16 ms) past the previous paint rather than right after it.
REDRAW = """async ([name, moves]) => {
  const root = document.querySelector(`div.explorer[data-explorer="${name}"]`);
  const inputs = [...root.querySelectorAll('input[type=range]')];
  const times = [], work = [];
  for (let m = 0; m < moves; m++) {
    const input = inputs[m % inputs.length];
    const max = Number(input.max);
    const next = (Number(input.value) + 1) % (max + 1);
    await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
    await new Promise(r => setTimeout(r, Math.random() * 16));
    const start = performance.now();
    input.value = next;
    input.dispatchEvent(new Event('input', {bubbles: true}));
    root.getBoundingClientRect();
    work.push(performance.now() - start);
    // next frame: rAF runs before paint; the timeout after it runs once painted
    await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
    times.push(performance.now() - start);
  }
  return [times, work];
}"""


def browser_figures(site, pages_with_explorers):
    from playwright.sync_api import sync_playwright

    weights, redraws = {}, {}
    failures: list[str] = []
    with serve_directory(site, failures) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(),
                                             args=CHROMIUM_FLAGS)
        for path in built_pages(site):
            context = browser.new_context(viewport={"width": 390, "height": 844})
            page = context.new_page()
            sizes = []

            def record(response, sizes=sizes):
                try:
                    sizes.append(len(response.body()))
                except Exception:  # redirects have no body
                    pass

            page.on("response", record)
            page.goto(f"{base}/{path}", wait_until="networkidle")
            weights[path] = sum(sizes)
            for name in pages_with_explorers.get(path, []):
                times = page.evaluate(REDRAW, [name, 60])
                redraws[name] = times
            context.close()
        browser.close()
    for failure in failures:  # a missing file would skew the weights
        print("server could not answer:", failure)
    return weights, redraws


def live_latency(explorer_classes, repeats=15):
    import matplotlib

    matplotlib.use("Agg")
    figures = {}
    for cls in explorer_classes:
        explorer = cls()
        view = explorer.widget()
        model, drawing = [], []
        controls = explorer.controls
        for i in range(repeats):
            control = controls[i % len(controls)]
            value = control.min if explorer.values[control.name] != control.min else control.max
            values = {**explorer.values, control.name: value}
            start = time.perf_counter()
            explorer.results = explorer.compute(**values)
            model.append(time.perf_counter() - start)
            explorer.values = values
            start = time.perf_counter()
            view.refresh()  # moves the lines, blits them, encodes the PNG
            drawing.append(time.perf_counter() - start)
        figures[cls.name] = (model, drawing)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args()

    from widgets.explorers import ALL_EXPLORERS, EXPLORER_PAGES
    from widgets.explorers.framework import (
        MAX_EMBEDDED_BYTES,
        MAX_GRID_POINTS,
        STATIC_BUILD_VARIABLE,
    )

    ms = lambda values: f"{1000 * statistics.median(values):.1f} ms"  # noqa: E731
    if not args.skip_build:
        clean, rebuild = build_times(args.repeats)
        print(f"clean build: median {statistics.median(clean):.1f} s over {len(clean)} "
              f"({', '.join(f'{t:.1f}' for t in clean)}); budget {BUILD_BUDGET_SECONDS} s"
              f"{over(statistics.median(clean), BUILD_BUDGET_SECONDS)}")
        print(f"no-change rebuild: median {statistics.median(rebuild):.1f} s "
              f"({', '.join(f'{t:.1f}' for t in rebuild)})")
    for cls in ALL_EXPLORERS:
        # Each explorer's grid in a fresh interpreter, as the build computes it.
        # (No explorer cache variable is set here, so every run computes the grid.)
        code = (f"import time; from widgets.explorers import {cls.__name__} as E; "
                "t = time.perf_counter(); html = E().static_html(); "
                "print(time.perf_counter() - t, len(html.encode()))")
        runs = [subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                               capture_output=True, text=True).stdout.split()
                for _ in range(args.repeats)]
        seconds = [float(r[0]) for r in runs]
        kilobytes = int(runs[0][1]) / 1000
        points = cls().grid_points()
        print(f"static grid {cls.name}: {points} points (budget {MAX_GRID_POINTS}), "
              f"{kilobytes:.0f} KB embedded (budget {MAX_EMBEDDED_BYTES / 1000:.0f}), "
              f"median {statistics.median(seconds):.1f} s of build time "
              f"({', '.join(f'{t:.1f}' for t in seconds)})")
    os.environ.pop(STATIC_BUILD_VARIABLE, None)
    for name, (model, drawing) in live_latency(ALL_EXPLORERS).items():
        print(f"live {name}: model {ms(model)}, drawing {ms(drawing)} (medians)")
    by_page = {}
    for cls in ALL_EXPLORERS:
        by_page.setdefault(EXPLORER_PAGES[cls.name], []).append(cls.name)
    weights, redraws = browser_figures(ROOT / "_build" / "html", by_page)
    for name, (times, work) in redraws.items():
        ordered = sorted(times)
        print(f"static redraw {name}: work median {statistics.median(work):.2f} ms; "
              f"to next painted frame median {statistics.median(times):.1f} ms, "
              f"90th percentile {ordered[int(0.9 * len(ordered))]:.1f} ms over {len(times)}")
    for path, size in sorted(weights.items()):
        print(f"page weight {path}: {size / 1e6:.2f} MB uncompressed (budget "
              f"{PAGE_BUDGET_BYTES / 1e6:.0f} MB){over(size, PAGE_BUDGET_BYTES)}")


if __name__ == "__main__":
    main()
