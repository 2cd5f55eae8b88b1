r"""The reading model solved, not sampled: its Fokker–Planck equation on a grid.

This is the numerical core behind
:func:`~widgets.models.interpretation.solve_expression` and
:func:`~widgets.models.interpretation.solve_expressions` (their docstrings give the model and
the arguments; :mod:`widgets.models.interpretation` the model's equations).
It works on arrays of settings at once, in the model's own units made
dimensionless by the bound.

**The equation.** With the evidence scaled by the bound, :math:`y = x / a`,
a reading starts at :math:`y_0 = \text{bias}` and the density of readings still
undecided, :math:`p(y, t)`, obeys

.. math::

    \partial_t p = D\,\partial_y^2 p - m(t)\,\partial_y p, \qquad
    D = \frac{\sigma^2}{2a^2}, \quad m(t) = \frac{g\,v}{a}\min(1, t/T_\text{onset}),

on :math:`[-1, 1]` with :math:`p = 0` at both ends (absorbing). The flux out
through :math:`y = +1` is the density of friendly readings in time, through
:math:`-1` that of hostile ones; the mass left at the deadline is the share
undecided.

**Space: Scharfetter–Gummel fluxes.** The interval is cut into
``n_cells`` equal cells (:data:`N_CELLS` = 200, width :math:`h = 2/N`); the
flux between neighbouring nodes is the exponentially fitted one,
:math:`F = (D/h)\,[B(-z)\,p_j - B(z)\,p_{j+1}]` with :math:`z = m h / D` and
:math:`B(z) = z / (e^z - 1)`. It is exact for a steady state at constant drift
(so the probability of each reading, once every reading is made, is exact at
the nodes whatever the drift), never oscillates however strong the drift, and
conserves mass exactly: what leaves the interval is what the two end fluxes
carry. The start, a point, is split between its two neighbouring nodes so that
its mean is exact.

**Time: exact for constant drift.** With constant coefficients the grid
operator is a tridiagonal Toeplitz matrix whose eigenvalues and eigenvectors
are known in closed form: :math:`\lambda_k = -(\ell + u) + 2\sqrt{\ell u}\cos(k\pi/N)`
and :math:`v_k(j) = r^j \sin(jk\pi/N)` with :math:`r = \sqrt{\ell/u} = e^{z/2}`
(:math:`\ell, u` the sub- and super-diagonal). So the density is moved to the
eigenbasis with one discrete sine transform, every mode decays exactly as
:math:`e^{\lambda_k t}`, and the mass leaving through each end, its time
moment and its density at any time are sums over modes in closed form. There
is no time step: after the face has formed, one transform carries the density
to the deadline. While the face forms, the drift ramps; the ramp is cut into
``ramp_pieces`` (:data:`RAMP_PIECES` = 64) equal pieces, each with its own mean
drift held constant and solved exactly as above (the exponential midpoint
rule, second order in the piece's length).

The factor :math:`r^j` spans :math:`e^{|m|/D}` across the interval; where
that exceeds :math:`e^{20}` (:data:`SPECTRAL_LIMIT`: a strong drift against a
low noise, :math:`2 g|v|a/\sigma^2 > 20`) the transform would lose digits, and
those settings are instead stepped in time with Crank–Nicolson (after two
implicit-Euler half steps, so the point start does not ring) on the same
grid, with :data:`FALLBACK_STEP` (0.5 ms) steps.

**Error** (against the same solver on a 4× finer grid, 800 cells and 512
pieces; ``tests/test_solver.py`` checks the halving): with constant drift and
no deadline the probabilities and mean times match the closed forms to about
1e-12, and the shares by a deadline match the first-passage series to under
1e-5. Over 300 random settings spanning the explorers' ranges (bounds 0.1 to
2.5, drifts to ±3, ramps to 1.5 s), probabilities are within 1.3e-4 and mean
times within 0.2 ms; at the explorers' own grid points the changes their
readouts report are within 2.2e-5. Over the model's whole range (bounds down
to 0.04, noise down to 0.5, ramps to 3 s) the worst of 400 random settings was
2.7e-4 in a probability and 1 ms in a mean time: long ramps with tiny bounds,
where most readings end within the first pieces. (64 pieces; 32 would halve
the time and quadruple these errors.)

"""

from __future__ import annotations

import math

import numpy as np
from scipy import fft
from scipy.linalg import lapack

__all__ = ["N_CELLS", "RAMP_PIECES", "SPECTRAL_LIMIT", "FALLBACK_STEP", "solve_batch"]

#: Cells across [−bound, bound].
N_CELLS = 200
#: Equal pieces the forming of the face is cut into (constant mean drift in each).
RAMP_PIECES = 64
#: Largest m/D (in size) = 2·g·v·a/σ² solved through the eigenbasis (e^20 ≈ 5·10⁸).
SPECTRAL_LIMIT = 20.0
#: Time step of the Crank–Nicolson fallback beyond SPECTRAL_LIMIT [s].
FALLBACK_STEP = 0.0005
# Readings still undecided below this mass everywhere: the stepping stops early.
_NEGLIGIBLE_MASS = 1e-13


def _bernoulli(z: np.ndarray) -> np.ndarray:
    """B(z) = z / (e^z − 1), with B(0) = 1 (smooth through 0)."""
    z = np.asarray(z, dtype=float)
    out = np.ones_like(z)
    away = np.abs(z) > 1e-8
    out[away] = z[away] / np.expm1(z[away])
    out[~away] = 1.0 - 0.5 * z[~away]
    return out


def _ramp_integral(t: np.ndarray, onset: np.ndarray) -> np.ndarray:
    """∫₀ᵗ min(1, s/onset) ds (onset 0: t)."""
    safe = np.where(onset > 0, onset, 1.0)
    return np.where(t < onset, t * t / (2.0 * safe), t - onset / 2.0)


def _moment_factor(x: np.ndarray,
                   delta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(∫₀^δ e^{λs} ds, ∫₀^δ s e^{λs} ds, e^{λδ}) for x = λδ, without cancellation.

    One transcendental per element (expm1); a series where |x| is tiny.
    """
    growth_less_one = np.expm1(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        first = growth_less_one / x
        second = (x * growth_less_one - growth_less_one + x) / (x * x)
    small = np.abs(x) < 1e-5
    if small.any():
        tiny = x[small]
        first[small] = 1.0 + tiny / 2 + tiny * tiny / 6
        second[small] = 0.5 + tiny / 3 + tiny * tiny / 8
    return first * delta, second * (delta * delta), growth_less_one + 1.0


class _Grid:
    """The grid operator's coefficients for a batch of settings at given drifts."""

    def __init__(self, n_cells: int, diffusion: np.ndarray):
        self.n = n_cells
        self.m = n_cells - 1
        self.h = 2.0 / n_cells
        self.diffusion = diffusion
        self.scale = diffusion / self.h**2
        k = np.arange(1, n_cells)
        self.cos_k = np.cos(k * np.pi / n_cells)
        self.sin_k = np.sin(k * np.pi / n_cells)
        self.sign_k = np.where(k % 2 == 1, 1.0, -1.0)  # sin(Mkπ/N) = (−1)^{k+1} sin(kπ/N)
        self.j = np.arange(1, n_cells)

    def coefficients(self, drift: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(lower, upper): the operator's sub- and super-diagonal per setting."""
        z = drift * self.h / self.diffusion
        return self.scale * _bernoulli(-z), self.scale * _bernoulli(z)


def _spectral_piece(grid: _Grid, density: np.ndarray, drift: np.ndarray, delta: np.ndarray,
                    local: tuple[np.ndarray, np.ndarray] | None = None):
    """Carry ``density`` (S, M) over ``delta`` (S,) at constant ``drift`` (S,).

    Returns (new density, mass out at top, at bottom, time moments of both
    relative to the piece's start, and, if ``local`` = (times relative to the
    piece's start (S, T), mask of those inside it) is given, each end's flux at
    those times, zero outside the mask).
    """
    lower, upper = grid.coefficients(drift)
    log_r = 0.5 * (np.log(lower) - np.log(upper))
    lam = -(lower + upper)[:, None] + 2.0 * np.sqrt(lower * upper)[:, None] * grid.cos_k
    weights = np.exp(-np.outer(log_r, grid.j))
    modes = fft.dst(density * weights, type=1, axis=1) / grid.n
    # Each end's flux is a sum over modes: (a scale per setting) × Σ_k shape_k ×
    # e^{λ_k t}, with the top's modes alternating in sign, sin(Mkπ/N) = ±sin(kπ/N).
    top_scale = lower * grid.h * np.exp(grid.m * log_r)
    bottom_scale = upper * grid.h * np.exp(log_r)
    shape = modes * grid.sin_k
    first, second, decay = _moment_factor(lam * delta[:, None], delta[:, None])
    first *= shape
    second *= shape
    out = (top_scale * (first @ grid.sign_k), bottom_scale * first.sum(axis=1),
           top_scale * (second @ grid.sign_k), bottom_scale * second.sum(axis=1))
    new = fft.dst(modes * decay, type=1, axis=1) / (2.0 * weights)
    fluxes = None
    if local is not None:
        top_k = top_scale[:, None] * grid.sign_k * shape
        bottom_k = bottom_scale[:, None] * shape
        times, inside = local
        fluxes = (np.zeros(times.shape), np.zeros(times.shape))
        columns = np.flatnonzero(inside.any(axis=0))  # only the times inside the piece
        if columns.size:
            mask = inside[:, columns]
            growth = np.exp(lam[:, :, None] * np.where(mask, times[:, columns], 0.0)[:, None, :])
            fluxes[0][:, columns] = np.where(mask, np.einsum("sk,skt->st", top_k, growth), 0.0)
            fluxes[1][:, columns] = np.where(mask, np.einsum("sk,skt->st", bottom_k, growth), 0.0)
    return (np.maximum(new, 0.0), *out, fluxes)


def _stepped(grid: _Grid, density: np.ndarray, full_drift: np.ndarray, onset: np.ndarray,
             max_time: float, density_times: np.ndarray | None):
    """Crank–Nicolson on the same grid (the fallback for strong drift, low noise)."""
    s, m = density.shape
    steps = max(1, math.ceil(max_time / FALLBACK_STEP - 1e-9))
    dt = max_time / steps
    top = np.zeros(s)
    bottom = np.zeros(s)
    top_moment = np.zeros(s)
    bottom_moment = np.zeros(s)
    record = density_times is not None
    clock = [0.0]
    top_flux = [np.zeros(s)]
    bottom_flux = [np.zeros(s)]

    def flows(p, lower, upper):
        return lower * grid.h * p[:, -1], upper * grid.h * p[:, 0]

    def advance(p, lower, upper, delta, theta):
        diagonal = -(lower + upper)
        rhs = p.copy()
        if theta < 1:
            applied = diagonal[:, None] * p
            applied[:, 1:] += lower[:, None] * p[:, :-1]
            applied[:, :-1] += upper[:, None] * p[:, 1:]
            rhs += (1 - theta) * delta * applied
        sub = np.repeat((-theta * delta * lower)[:, None], m, axis=1)
        sup = np.repeat((-theta * delta * upper)[:, None], m, axis=1)
        sub[:, -1] = 0.0
        sup[:, -1] = 0.0
        main = np.repeat((1 - theta * delta * diagonal)[:, None], m, axis=1)
        *_, solution, info = lapack.dgtsv(sub.ravel()[:-1], main.ravel(), sup.ravel()[:-1],
                                          rhs.ravel())
        if info != 0:  # pragma: no cover - a diagonally dominant system is never singular
            raise RuntimeError(f"tridiagonal solve failed (LAPACK info {info})")
        return solution.reshape(s, m)

    for n in range(steps):
        t0, t1 = n * dt, (n + 1) * dt
        mean_ramp = (_ramp_integral(np.full(s, t1), onset)
                     - _ramp_integral(np.full(s, t0), onset)) / dt
        lower, upper = grid.coefficients(full_drift * mean_ramp)
        if n < 2:  # two implicit-Euler half steps in place of each of the first two steps
            for half in (1, 2):
                density = advance(density, lower, upper, dt / 2, 1.0)
                up, down = flows(density, lower, upper)
                when = t0 + half * dt / 2
                top += dt / 2 * up
                bottom += dt / 2 * down
                top_moment += dt / 2 * when * up
                bottom_moment += dt / 2 * when * down
        else:
            up_old, down_old = flows(density, lower, upper)
            density = advance(density, lower, upper, dt, 0.5)
            up, down = flows(density, lower, upper)
            top += dt / 2 * (up + up_old)
            bottom += dt / 2 * (down + down_old)
            top_moment += dt / 2 * (t1 * up + t0 * up_old)
            bottom_moment += dt / 2 * (t1 * down + t0 * down_old)
        if record:
            clock.append(t1)
            top_flux.append(up)
            bottom_flux.append(down)
        if density.sum(axis=1).max() * grid.h < _NEGLIGIBLE_MASS:
            break
    fluxes = None
    if record:
        clock_a = np.array(clock)
        fluxes = tuple(
            np.stack([np.interp(density_times, clock_a, series, right=0.0)
                      for series in np.array(flux).T])
            for flux in (top_flux, bottom_flux)
        )
    return density, top, bottom, top_moment, bottom_moment, fluxes


def solve_batch(start: np.ndarray, drift: np.ndarray, diffusion: np.ndarray, onset: np.ndarray,
                max_time: float, *, n_cells: int = N_CELLS, ramp_pieces: int = RAMP_PIECES,
                density_times: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Solve a batch of settings in scaled units (arrays of one shape (S,)).

    start : where readings start, y₀ = bias, in [−1, 1].
    drift : the drift once the face has formed, m = g·v/a [1/s].
    diffusion : D = σ²/(2a²) [1/s].
    onset : time for the face to form [s].
    max_time : the deadline [s], one for the batch.
    density_times : if given (T,), also the flux through each end at those times.

    Returns arrays: ``up`` and ``down`` (probability of each end by the
    deadline), ``up_moment`` and ``down_moment`` (∫ t × flux dt over
    [0, deadline]) and, if asked, ``up_density`` and ``down_density`` (S, T).
    """
    start, drift, diffusion, onset = (np.asarray(v, dtype=float).ravel()
                                      for v in (start, drift, diffusion, onset))
    s = start.size
    n = n_cells
    h = 2.0 / n
    # The point start, split between its neighbouring nodes (mean kept exact).
    position = (start + 1.0) / h
    left = np.clip(np.floor(position).astype(int), 0, n - 1)
    weight = position - left
    nodes = np.zeros((s, n + 1))
    rows = np.arange(s)
    nodes[rows, left] += (1.0 - weight) / h
    nodes[rows, left + 1] += weight / h
    result = {
        "up": nodes[:, n] * h,  # a start on a bound is decided at once
        "down": nodes[:, 0] * h,
        "up_moment": np.zeros(s),
        "down_moment": np.zeros(s),
    }
    interior = nodes[:, 1:n]
    if density_times is not None:
        density_times = np.asarray(density_times, dtype=float)
        result["up_density"] = np.zeros((s, density_times.size))
        result["down_density"] = np.zeros((s, density_times.size))

    spectral = np.abs(drift) / diffusion <= SPECTRAL_LIMIT
    for chosen, use_spectral in ((np.flatnonzero(spectral), True),
                                 (np.flatnonzero(~spectral), False)):
        if chosen.size == 0:
            continue
        grid = _Grid(n, diffusion[chosen])
        p = interior[chosen]
        if use_spectral:
            parts = _solve_spectral(grid, p, drift[chosen], onset[chosen], max_time,
                                    ramp_pieces, density_times)
        else:
            parts = _stepped(grid, p, drift[chosen], onset[chosen], max_time, density_times)
        _, top, bottom, top_moment, bottom_moment, fluxes = parts
        result["up"][chosen] += top
        result["down"][chosen] += bottom
        result["up_moment"][chosen] += top_moment
        result["down_moment"][chosen] += bottom_moment
        if fluxes is not None:
            result["up_density"][chosen] = fluxes[0]
            result["down_density"][chosen] = fluxes[1]
    return result


def _solve_spectral(grid: _Grid, density: np.ndarray, full_drift: np.ndarray, onset: np.ndarray,
                    max_time: float, ramp_pieces: int, density_times: np.ndarray | None):
    """The ramp in pieces of constant mean drift, then one piece to the deadline.

    Each setting cuts the part of its ramp that matters into ``ramp_pieces``
    equal pieces: the whole ramp, or, if sooner, the time by which even with
    no drift all but 1e-13 of its readings have decided (30 / (Dπ²/4), the
    slowest mode's decay), after which the setting leaves the computation.
    """
    s = density.shape[0]
    totals = [np.zeros(s) for _ in range(4)]
    fluxes = None
    if density_times is not None:
        fluxes = (np.zeros((s, density_times.size)), np.zeros((s, density_times.size)))
    ramp_end = np.minimum(onset, max_time)
    settle = 30.0 / (grid.diffusion * (np.pi / 2) ** 2)
    piece = np.minimum(ramp_end, settle) / ramp_pieces
    n_pieces = np.where(piece > 0, np.ceil(ramp_end / np.where(piece > 0, piece, 1.0) - 1e-9), 0)
    # Step k carries each setting through its k-th ramp piece or, once its ramp
    # is done (k = its number of pieces), from the end of the ramp to the deadline.
    alive = np.ones(s, dtype=bool)
    for step in range(int(n_pieces.max()) + 1):
        ramping = (step < n_pieces) & alive
        finishing = (step == n_pieces) & alive & (ramp_end < max_time)
        idx = np.flatnonzero(ramping | finishing)
        if idx.size == 0:
            if not alive.any():
                break
            continue
        ramp_now = ramping[idx]
        begin = np.where(ramp_now, step * piece[idx], ramp_end[idx])
        end = np.where(ramp_now, np.minimum((step + 1) * piece[idx], ramp_end[idx]), max_time)
        delta = end - begin
        mean_ramp = np.where(
            ramp_now,
            (_ramp_integral(end, onset[idx]) - _ramp_integral(begin, onset[idx]))
            / np.where(delta > 0, delta, 1.0),
            1.0,
        )
        local = None
        if density_times is not None:
            # The times inside this piece, (begin, end], relative to its start.
            inside = (density_times[None, :] > begin[:, None]) & (
                density_times[None, :] <= end[:, None])
            local = (density_times[None, :] - begin[:, None], inside)
        sub = _Grid(grid.n, grid.diffusion[idx])
        new, top, bottom, top_m, bottom_m, piece_flux = _spectral_piece(
            sub, density[idx], full_drift[idx] * mean_ramp, delta, local)
        density[idx] = new
        totals[0][idx] += top
        totals[1][idx] += bottom
        totals[2][idx] += top_m + begin * top
        totals[3][idx] += bottom_m + begin * bottom
        if fluxes is not None:
            fluxes[0][idx] += piece_flux[0]
            fluxes[1][idx] += piece_flux[1]
        alive[idx] = new.sum(axis=1) * grid.h >= _NEGLIGIBLE_MASS
        alive[idx[~ramp_now]] = False  # reached the deadline
    return (density, *totals, fluxes)
