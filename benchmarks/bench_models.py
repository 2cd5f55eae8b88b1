"""Time the simulation models; print the median of several runs for each case.

Run from the repository root:

    python benchmarks/bench_models.py            # 7 repeats
    python benchmarks/bench_models.py --repeats 15

A script, not a test: timings depend on the machine, so nothing here can fail
the test suite. Each case is run once to warm up, then ``repeats`` times with
a different seed each time (fresh random streams, as a reader moving a slider
would get); the median is the number to compare with the target.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable

import numpy as np

from widgets.models import (
    Expression,
    Perceiver,
    attend,
    read_expression,
    simulate_literature,
    simulate_service,
)

# (name, call taking a seed, target in ms or None for information only)
CASES: list[tuple[str, Callable[[int], object], float | None]] = [
    (
        "read_expression(Perceiver(), Expression(0.5, onset=0.5))  [2000 trials]",
        lambda seed: read_expression(Perceiver(), Expression(0.5, onset=0.5), seed=seed),
        30.0,
    ),
    (
        "simulate_service(Perceiver())  [200 runs x 40 greetings]",
        lambda seed: simulate_service(Perceiver(), seed=seed),
        150.0,
    ),
    (
        "simulate_literature(0.3, 50, n_studies=10_000)",
        lambda seed: simulate_literature(0.3, 50, n_studies=10_000, seed=seed),
        50.0,
    ),
    (
        "read_expression(..., n_trials=100_000)  [info]",
        lambda seed: read_expression(
            Perceiver(), Expression(0.5, onset=0.5), n_trials=100_000, seed=seed
        ),
        None,
    ),
    (
        "read_expression(Perceiver(0.4, 0.5, 1), Expression(0.6, 0.5), oxytocin=1)  [info]",
        lambda seed: read_expression(
            Perceiver(0.4, 0.5, 1.0), Expression(0.6, onset=0.5), oxytocin=1.0, seed=seed
        ),
        None,
    ),
    (
        "simulate_service(Perceiver(), mimicry=0.8, oxytocin=1, n_greetings=200)  [info]",
        lambda seed: simulate_service(
            Perceiver(), mimicry=0.8, oxytocin=1.0, n_greetings=200, seed=seed
        ),
        None,
    ),
    ("attend(oxytocin=1)  [info]", lambda seed: attend(oxytocin=1.0), None),
]


def time_case(call: Callable[[int], object], repeats: int) -> list[float]:
    call(10_000)  # warm-up: imports, caches, first allocations
    times = []
    for seed in range(repeats):
        start = time.perf_counter()
        call(seed)
        times.append((time.perf_counter() - start) * 1000.0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per case (>= 5)")
    args = parser.parse_args()
    repeats = max(5, args.repeats)

    print(
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"{os.cpu_count()} CPUs, {repeats} repeats per case"
    )
    print(f"{'case':<84} {'median':>9} {'min':>9} {'max':>9}  target")
    for name, call, target in CASES:
        times = time_case(call, repeats)
        median = statistics.median(times)
        verdict = (
            ""
            if target is None
            else (f"<= {target:g} ms  {'ok' if median <= target else 'MISSED'}")
        )
        print(f"{name:<84} {median:7.2f}ms {min(times):7.2f}ms {max(times):7.2f}ms  {verdict}")


if __name__ == "__main__":
    main()
