"""Seeds and random generators shared by the stochastic models.

Every stochastic entry point takes ``seed``: ``None`` draws fresh entropy from
the operating system, a non-negative integer makes the run reproducible bit for
bit (same numpy version, same inputs, same output). Generators are numpy's
default PCG64 bit generator, seeded through :class:`numpy.random.SeedSequence`
so that independent streams (e.g. the congregation and the perceiver in
:mod:`widgets.models.encounters`) can be spawned from one seed.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["check_seed", "make_rng", "make_streams"]


def check_seed(seed: object) -> int | None:
    """Return ``seed`` if it is ``None`` or a non-negative integer; raise otherwise."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"seed must be None or a non-negative integer, got {seed!r} "
            f"of type {type(seed).__name__}"
        )
    value = int(seed)
    if value < 0:
        raise ValueError(f"seed = {seed!r} is outside the allowed range: None or [0, inf)")
    return value


def make_rng(seed: object) -> np.random.Generator:
    """One generator for ``seed`` (validated; ``None`` means fresh entropy)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(check_seed(seed))))


def make_streams(seed: object, count: int) -> list[np.random.Generator]:
    """``count`` independent generators spawned from one (validated) ``seed``.

    Stream ``i`` depends only on ``seed`` and ``i``, so what one stream draws
    never shifts what another draws.
    """
    children = np.random.SeedSequence(check_seed(seed)).spawn(count)
    return [np.random.Generator(np.random.PCG64(child)) for child in children]
