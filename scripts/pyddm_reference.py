"""Solve the reading model's diffusion with PyDDM and write the answers for the validation page.

PyDDM (shinn2020flexible) solves the Fokker–Planck equation of a generalized
drift-diffusion model numerically; it shares no code with the book's simulator
(``widgets.models.read_expression``, a Monte Carlo walk). The page "How we know
the models are right" (``chapters/validation.md``) compares the two at the
settings in ``booktools.validation.PYDDM_SETTINGS``.

Output: ``booktools/data/pyddm_reference.json`` (``booktools.validation.PYDDM_REFERENCE``),
a few kilobytes: for each setting, the bound and drift gain PyDDM was given and
PyDDM's P(friendly), P(hostile), P(undecided) and mean decision time of decided
readings, plus the PyDDM version and grid. The page reads this file, so the
book's build needs no PyDDM (it would add 86 MB of packages, mostly pandas, and
several seconds per setting with a forming face at this grid).

**Re-run it whenever the reading model or the settings change**, and commit the
file::

    . .venv/bin/activate && pip install -r requirements-test.txt
    python scripts/pyddm_reference.py

(about a minute on two cores). ``tests/test_validation.py`` re-solves a few
settings with PyDDM and checks the file against them, and checks the model
against the file; the page itself refuses a file whose bound or gain no longer
match the model's.

How the model is given to PyDDM, written from the model's documented equations
(``widgets/models/interpretation.py``): bound a = threshold·(1 − SPEEDUP·oxytocin),
drift g·valence·min(1, t/onset) with g = 1 + SALIENCE_GAIN·oxytocin, noise σ,
starting position bias (as a fraction of the bound, PyDDM's convention too),
duration max_time, and ``mixture_coef=0`` (PyDDM's ``gddm`` otherwise mixes in
2 % of uniformly distributed "lapse" responses, which the book's model has not).
The grid, dx = dt = 0.25 ms, makes PyDDM's own discretisation error on the mean
time about +dt (0.25 ms, measured by halving the grid), a quarter of the page's
standard error; the probabilities change by under 1e-4 when the grid is halved.
"""

from __future__ import annotations

import json
import time

import numpy as np
import pyddm

from booktools.validation import PYDDM_REFERENCE, PYDDM_SETTINGS, pyddm_bound_and_gain

#: PyDDM's grid in evidence (dx) and time (dt) [evidence units, s].
GRID = 0.00025
#: Clock resolution the page gives read_expression [s]: its times are rounded up
#: to this (+0.05 ms on average), negligible next to the standard errors.
MODEL_DT = 0.0001


def solve(setting: dict, grid: float = GRID) -> dict:
    """PyDDM's solution at one setting: bound, drift gain and the four numbers compared."""
    bound, gain = pyddm_bound_and_gain(setting["threshold"], setting["oxytocin"])
    drift_at_full, onset = gain * setting["valence"], setting["onset"]
    if onset > 0:
        def drift(t):
            return drift_at_full * min(1.0, t / onset)
    else:
        drift = drift_at_full
    model = pyddm.gddm(drift=drift, noise=setting["noise"], bound=bound,
                       starting_position=setting["bias"], mixture_coef=0,
                       T_dur=setting["max_time"], dx=grid, dt=grid,
                       choice_names=("friendly", "hostile"))
    solution = model.solve()
    p_friendly = float(solution.prob("friendly"))
    p_hostile = float(solution.prob("hostile"))
    decided_time = float(np.sum((solution.choice_upper + solution.choice_lower)
                                * solution.t_domain))
    return {
        "bound": bound,
        "drift_gain": gain,
        "pyddm": {
            "p_friendly": p_friendly,
            "p_hostile": p_hostile,
            "p_undecided": float(solution.prob_undecided()),
            "mean_time": decided_time / (p_friendly + p_hostile),
        },
    }


def main() -> None:
    entries = []
    for setting in PYDDM_SETTINGS:
        start = time.perf_counter()
        entry = {"setting": dict(setting), **solve(setting)}
        entries.append(entry)
        print(f"{setting} -> {entry['pyddm']} ({time.perf_counter() - start:.1f} s)")
    reference = {
        "written_by": "scripts/pyddm_reference.py",
        "pyddm_version": pyddm.__version__,
        "grid_dx_dt": GRID,
        "model_dt": MODEL_DT,
        "settings": entries,
    }
    PYDDM_REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    PYDDM_REFERENCE.write_text(json.dumps(reference, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {PYDDM_REFERENCE}")


if __name__ == "__main__":
    main()
