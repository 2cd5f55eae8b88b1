"""Time the solved reading model against sampling it and against PyDDM; print medians.

Run from the repository root (PyDDM comes with requirements-test.txt):

    python benchmarks/bench_solver.py             # 5 repeats
    python benchmarks/bench_solver.py --repeats 9

A script, not a test: timings depend on the machine and what else runs on it.
It prints, in one run on one machine:

* one setting: ``solve_expression`` (with its time densities) and a one-setting
  ``solve_expressions``, against ``read_expression`` at the readings the
  explorers used before the solver (20,000 for the reading-faces readout,
  10,000 for the forming-face explorer), and against PyDDM at the coarsest of
  its grids (dx = dt) whose answers stay within 0.002 in every probability and
  2 ms in the mean time of its own fine-grid solve (the stored
  ``booktools/data/pyddm_reference.json``, dx = dt = 0.25 ms) at every stored
  setting;
* the whole reading-faces grid (300 settings × 9 valences × Tom and Mary, on
  oxytocin and on placebo): one ``solve_expressions`` call, and the explorer
  computing its points one by one as the build does.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
from collections.abc import Callable

import numpy as np

from booktools.validation import load_pyddm_reference, pyddm_bound_and_gain
from widgets.explorers import FacesExplorer
from widgets.explorers.faces import VALENCES
from widgets.models import (
    Expression,
    Perceiver,
    read_expression,
    solve_expression,
    solve_expressions,
)
from widgets.scenarios import MARY_BIAS, TOM_BIAS


def median_time(call: Callable[[], object], repeats: int) -> float:
    call()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pyddm_solve(setting: dict, grid: float) -> dict:
    import pyddm

    bound, gain = pyddm_bound_and_gain(setting["threshold"], setting["oxytocin"])
    full, onset = gain * setting["valence"], setting["onset"]
    drift = (lambda t: full * min(1.0, t / onset)) if onset > 0 else full
    model = pyddm.gddm(drift=drift, noise=setting["noise"], bound=bound,
                       starting_position=setting["bias"], mixture_coef=0,
                       T_dur=setting["max_time"], dx=grid, dt=grid,
                       choice_names=("friendly", "hostile"))
    solution = model.solve()
    friendly, hostile = float(solution.prob("friendly")), float(solution.prob("hostile"))
    decided = float(np.sum((solution.choice_upper + solution.choice_lower) * solution.t_domain))
    return {"p_friendly": friendly, "p_hostile": hostile,
            "mean_time": decided / (friendly + hostile)}


def coarsest_pyddm_grid(reference: dict) -> float:
    """The coarsest dx = dt at which PyDDM stays within 0.002 / 2 ms of its fine solve."""
    for grid in (0.02, 0.01, 0.005, 0.0025, 0.001, 0.0005):
        worst_p = worst_t = 0.0
        for entry in reference["settings"]:
            got, fine = pyddm_solve(entry["setting"], grid), entry["pyddm"]
            worst_p = max(worst_p, abs(got["p_friendly"] - fine["p_friendly"]),
                          abs(got["p_hostile"] - fine["p_hostile"]))
            worst_t = max(worst_t, abs(got["mean_time"] - fine["mean_time"]))
        print(f"  PyDDM dx = dt = {grid * 1000:g} ms: worst probability error {worst_p:.4f}, "
              f"worst mean-time error {worst_t * 1000:.2f} ms")
        if worst_p <= 0.002 and worst_t <= 0.002:
            return grid
    return 0.00025


def faces_grid_in_one_call() -> None:
    names = [c.name for c in FacesExplorer.controls]
    points = [dict(zip(names, map(float, p), strict=True))
              for p in itertools.product(*(c.grid for c in FacesExplorer.controls))]
    threshold = np.array([p["threshold"] for p in points])[:, None, None]
    onset = np.array([p["onset"] for p in points])[:, None, None]
    gain = np.array([p["salience_gain"] for p in points])[:, None, None]
    speedup = np.array([p["speedup"] for p in points])[:, None, None]
    bias = np.array([TOM_BIAS, MARY_BIAS])[None, :, None]
    valence = VALENCES[None, None, :]
    solve_expressions(valence=valence, bias=bias, threshold=threshold, onset=onset,
                      oxytocin=1.0, salience_gain=gain, speedup=speedup)
    # Placebo: the pulls do nothing, so one solve per (threshold, onset).
    grid_t, grid_o = np.meshgrid(np.unique(threshold), np.unique(onset), indexing="ij")
    solve_expressions(valence=valence, bias=bias, threshold=grid_t.ravel()[:, None, None],
                      onset=grid_o.ravel()[:, None, None])


def faces_grid_point_by_point() -> None:
    names = [c.name for c in FacesExplorer.controls]
    for p in itertools.product(*(c.grid for c in FacesExplorer.controls)):
        FacesExplorer(**dict(zip(names, map(float, p), strict=True)))


def time_setting(s: dict, grid: float, repeats: int) -> tuple[str, float, float, float, float]:
    """(label, solve_expression, solve_expressions, read_expression, PyDDM) median times [s]."""
    perceiver = Perceiver(s["bias"], s["threshold"], s["noise"])
    face = Expression(s["valence"], s["onset"])
    common = {"oxytocin": s["oxytocin"], "max_time": s["max_time"]}
    label = f"valence {s['valence']:+g}, onset {s['onset']:g} s, bias {s['bias']:+g}"
    solved = median_time(lambda: solve_expression(perceiver, face, **common), repeats)
    shares = median_time(lambda: solve_expressions(
        valence=s["valence"], onset=s["onset"], bias=s["bias"], threshold=s["threshold"],
        noise=s["noise"], **common), repeats)
    sampled = median_time(lambda: read_expression(perceiver, face, n_trials=20_000, seed=1,
                                                  **common), repeats)
    pyddm = median_time(lambda: pyddm_solve(s, grid), repeats)
    return label, solved, shares, sampled, pyddm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = max(3, parser.parse_args().repeats)
    reference = load_pyddm_reference()
    print("Finding PyDDM's coarsest grid that reaches the accuracy asked of the solver:")
    grid = coarsest_pyddm_grid(reference)
    rows = []
    for entry in reference["settings"][:4]:
        rows.append(time_setting(entry["setting"], grid, repeats))
    print(f"\nOne setting (median of {repeats}; PyDDM at dx = dt = {grid * 1000:g} ms):")
    print("| setting | solve_expression (with densities) | solve_expressions (shares only) "
          "| read_expression, 20,000 readings | PyDDM | PyDDM ÷ solve_expression |")
    print("|---|---|---|---|---|---|")
    for label, solved, shares, sampled, pyddm in rows:
        print(f"| {label} | {solved * 1000:.1f} ms | {shares * 1000:.1f} ms "
              f"| {sampled * 1000:.1f} ms | {pyddm * 1000:.0f} ms | {pyddm / solved:.0f}× |")
    one_call = median_time(faces_grid_in_one_call, repeats)
    by_point = median_time(faces_grid_point_by_point, max(3, repeats // 2))
    print("\nThe whole reading-faces grid (300 settings × 9 valences × 2 perceivers, "
          "oxytocin and placebo):")
    print(f"  one solve_expressions call: {one_call:.2f} s (median of {repeats})")
    print(f"  the explorer point by point (as the build runs it): {by_point:.2f} s")


if __name__ == "__main__":
    main()
