"""One explorer, two modes: a live ipywidget in a kernel, a static page on the site.

An explorer is declared once, as data:

* its **controls** (:class:`Control`: name, label, min, max, step, default, unit);
* a function from control values to model **results** (:meth:`Explorer.compute`,
  a dict of numpy arrays or numbers);
* how results are **drawn** (:class:`Panel` and :class:`Line`: which result is
  x, which is y, colours, axis ranges);
* how results are **described** in words (:meth:`Explorer.describe`).

From that one declaration come both modes:

*Live* (Binder, JupyterLab, a laptop): :meth:`Explorer.widget` builds sliders,
a matplotlib figure made once, and a readout; moving a slider re-runs the model
at any value and updates the figure's lines in place.

*Static* (the built site, no kernel): :meth:`Explorer.static_html` evaluates
the model on every point of the controls' grid (their steps), stores the
results in the page as JSON, and ``assets/explorer/explorer.js`` redraws the
chart and readout from them when a control moves. No model runs in
JavaScript; the readout text is the one :meth:`describe` wrote in Python, so the
two modes say the same thing for the same setting.

Which mode a display shows is decided by :func:`building_static_site`: the
book's Sphinx extension sets ``TWO_FACES_STATIC_BUILD=1`` before notebooks run
(kernels inherit it), and then the object offers only its static HTML, so the
built page carries no widget state and no widget-manager script.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import html
import importlib.metadata
import itertools
import json
import math
import multiprocessing
import os
import pickle
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "Control",
    "Estimate",
    "Verdict",
    "Line",
    "Panel",
    "Explorer",
    "building_static_site",
    "signed",
    "noise_rule",
    "STATIC_BUILD_VARIABLE",
    "MAX_GRID_POINTS",
    "MAX_EMBEDDED_BYTES",
    "OKABE_ITO",
    "OKABE_ITO_ON_WHITE",
    "colour_name",
]

#: Set (to "1") by the book's build so that explorers render as static HTML.
STATIC_BUILD_VARIABLE = "TWO_FACES_STATIC_BUILD"

#: Set by the book's build to a folder where each explorer's grid is kept, so an
#: explorer shown on two pages (its chapter and the gallery) is computed once.
CACHE_VARIABLE = "TWO_FACES_EXPLORER_CACHE"

#: Set (to a number of processes) by the book's build: explorers' grids are then computed
#: in that many processes at most, one per core.
GRID_WORKERS_VARIABLE = "TWO_FACES_GRID_WORKERS"

#: Budgets for the static export of one explorer.
MAX_GRID_POINTS = 2000
MAX_EMBEDDED_BYTES = 500_000

#: Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#777777",
}

#: The shades drawn on a white background (the live figure; the static page's
#: light scheme, in assets/explorer/explorer.css). Okabe–Ito's orange, sky blue,
#: yellow and reddish purple have less than 3:1 contrast on white, too little
#: for a line (WCAG 1.4.11), so darker shades of them are used; vermillion is a
#: little darker too, to stay apart from that orange with deuteranopia.
OKABE_ITO_ON_WHITE = {
    **OKABE_ITO,
    "vermillion": "#B85000",
    "orange": "#C08400",
    "sky": "#4490BC",
    "purple": "#BE709C",
    "yellow": "#938B25",
    "grey": "#757575",
}

# Results are stored in the page to this many significant digits: far finer
# than a chart can show, and it keeps the embedded JSON small.
_SIGNIFICANT_DIGITS = 4


#: The ``widgets`` package's folder: the results cache reads the sources below it.
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
#: The subpackages whose code computes an explorer's results. What they import from
#: the rest of ``widgets`` (the shared scenarios, say) counts too; nothing else does.
RESULT_PACKAGES = ("models", "explorers")
#: The installed libraries whose versions the results cache is keyed on.
RESULT_LIBRARIES = ("numpy", "scipy")


def library_versions() -> dict[str, str]:
    """The installed versions of :data:`RESULT_LIBRARIES`, ``{"numpy": "2.4.6", ...}``."""
    return {name: importlib.metadata.version(name) for name in RESULT_LIBRARIES}


def _module_file(root: Path, parts: tuple[str, ...]) -> Path | None:
    """The source of module ``widgets.<parts>`` below ``root``, if there is one."""
    folder = root.joinpath(*parts)
    for candidate in (folder / "__init__.py", folder.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _imported_widgets_modules(root: Path, source: Path) -> set[Path]:
    """The ``widgets`` modules that ``source`` imports (relative or absolute), with the
    ``__init__`` of every package on the way, since importing a module runs them."""
    package = source.relative_to(root).parent.parts  # the module's package, below root
    found: set[Path] = set()
    for node in ast.walk(ast.parse(source.read_bytes())):
        if isinstance(node, ast.Import):
            targets = [tuple(alias.name.split("."))[1:] for alias in node.names
                       if alias.name.split(".")[0] == root.name]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
            elif node.module and node.module.split(".")[0] == root.name:
                base = ()
            else:
                continue
            module = (*base, *(tuple(node.module.split(".")) if node.module else ()))
            if not node.level:
                module = module[1:]
            # "from .x import y": y may be a submodule as well as a name.
            targets = [module, *((*module, alias.name) for alias in node.names)]
        else:
            continue
        for target in targets:
            found.add(root / "__init__.py")
            for depth in range(1, len(target) + 1):
                path = _module_file(root, target[:depth])
                if path is not None:
                    found.add(path)
    return found


def result_sources(root: Path | None = None) -> list[Path]:
    """Every source file an explorer's results can depend on: the modules of
    :data:`RESULT_PACKAGES` and, transitively, every ``widgets`` module they import.
    Not the self-checks, not the build's tooling (``booktools``)."""
    root = PACKAGE_ROOT if root is None else root
    todo = [path for name in RESULT_PACKAGES for path in sorted((root / name).rglob("*.py"))]
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        stat = path.stat()
        todo.extend(_imports_of(root, path, stat.st_mtime_ns, stat.st_size) - seen)
    return sorted(seen)


@functools.cache
def _imports_of(root: Path, source: Path, mtime_ns: int, size: int) -> frozenset[Path]:
    """:func:`_imported_widgets_modules`, read once per version of the file: a build asks
    for the results key every time an explorer is shown (parsing every module each time
    cost 50 ms a call)."""
    return frozenset(_imported_widgets_modules(root, source))


def results_fingerprint(root: Path | None = None) -> str:
    """A hash of everything an explorer's results depend on besides its own settings:
    the code in :func:`result_sources` and the numpy and scipy versions
    (:func:`library_versions`). The build's results cache is keyed on it."""
    root = PACKAGE_ROOT if root is None else root
    digest = hashlib.sha256()
    for name, version in sorted(library_versions().items()):
        digest.update(f"{name}=={version}\n".encode())
    for source in result_sources(root):
        digest.update(source.relative_to(root).as_posix().encode() + b"\n")
        digest.update(source.read_bytes())
    return digest.hexdigest()


def building_static_site() -> bool:
    """True while the book is being built into a static site."""
    return os.environ.get(STATIC_BUILD_VARIABLE) == "1"


def signed(value: float, decimals: int = 2) -> str:
    """``value`` with its sign, "+0.25" or "−0.25" (a true minus sign, U+2212, as the book's
    prose prints it and screen readers say "minus"), never "−0.00" for a value that rounds
    to zero."""
    return f"{round(value, decimals) + 0.0:+.{decimals}f}".replace("-", "\u2212")


def noise_rule(count: int, runs: str) -> str:
    """The sentence a stochastic explorer's readout adds whenever it holds back a word
    ("too close ..."): the :class:`Verdict` rule at its default margin of three standard
    errors, said for a reader who learnt p < .05 (about two standard errors), and what to
    make of it. ``count`` and ``runs`` say what the estimates rest on (1000, "services").
    """
    return (f"The readout names a side of a line only when the number is more than three "
            f"standard errors (its “give or take”) from it, since with {count} simulated "
            f"{runs} a smaller difference could be chance (p < 0.05 would need only about "
            f"two): “too close” means not settled, not no effect.")


@dataclass(frozen=True)
class Control:
    """One slider: declared once, read by the live widget, the static page and tests.

    ``decimals`` is how many decimals the value is shown with; ``unit`` is shown
    after the value (and read out by screen readers).
    """

    name: str
    label: str
    min: float
    max: float
    step: float
    default: float
    unit: str = ""
    decimals: int = 2
    help: str = ""
    #: Names for the grid's positions, one per step (e.g. named presets): shown
    #: instead of the number, in both modes. Empty for an ordinary slider.
    labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ValueError(f"control name {self.name!r} must be a Python identifier")
        if not (self.min < self.max and self.step > 0):
            raise ValueError(
                f"control {self.name!r}: need min < max and step > 0, "
                f"got min={self.min}, max={self.max}, step={self.step}"
            )
        steps = (self.max - self.min) / self.step
        if abs(steps - round(steps)) > 1e-9:
            raise ValueError(
                f"control {self.name!r}: (max - min) / step = {steps} must be a whole number"
            )
        if not self.min <= self.default <= self.max:
            raise ValueError(
                f"control {self.name!r}: default = {self.default} is outside "
                f"[{self.min}, {self.max}]"
            )
        if self.snap(self.default) != self.default:
            raise ValueError(
                f"control {self.name!r}: default = {self.default} is not on the grid "
                f"{self.min} + k·{self.step}"
            )
        if self.labels and len(self.labels) != len(self.grid):
            raise ValueError(
                f"control {self.name!r}: {len(self.labels)} labels for "
                f"{len(self.grid)} grid positions; give one label per position"
            )

    @property
    def grid(self) -> np.ndarray:
        """Every value the static page offers: min, min + step, …, max."""
        count = round((self.max - self.min) / self.step) + 1
        return np.round(self.min + self.step * np.arange(count), 10)

    def snap(self, value: float) -> float:
        """The grid value nearest to ``value`` (which must lie in range)."""
        k = round((value - self.min) / self.step)
        return float(np.round(self.min + self.step * k, 10))

    def format(self, value: float) -> str:
        """The value as a reader sees it, with its unit (or its position's label)."""
        if self.labels:
            return self.labels[round((self.snap(value) - self.min) / self.step)]
        # A typographic minus, as the static page shows it.
        text = f"{value:.{self.decimals}f}".replace("-", "\u2212")
        return f"{text} {self.unit}".strip()

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "min": self.min,
            "max": self.max,
            "step": self.step,
            "default": self.default,
            "unit": self.unit,
            "decimals": self.decimals,
            "help": self.help,
            "labels": list(self.labels),
        }


@dataclass(frozen=True)
class Line:
    """A line on a panel: ``y`` against ``x``, both keys of the results.

    ``color`` is one of the :data:`OKABE_ITO` colours. The live figure draws it
    as it is; the static page draws it by its name (``"blue"``), and the page's
    stylesheet picks the shade for the colour scheme, so that every line keeps
    at least 3:1 contrast on a light and on a dark background.
    """

    x: str
    y: str
    label: str
    color: str = OKABE_ITO["blue"]
    dashed: bool = False
    markers: bool = False

    def __post_init__(self) -> None:
        if colour_name(self.color) is None:
            allowed = ", ".join(f'OKABE_ITO["{name}"]' for name in OKABE_ITO)
            raise ValueError(
                f"line {self.label!r}: color = {self.color!r} is not an Okabe–Ito colour; "
                f"use one of {allowed}"
            )

    def as_dict(self) -> dict[str, Any]:
        return {
            "x": self.x,
            "y": self.y,
            "label": self.label,
            "color": colour_name(self.color),
            "dashed": self.dashed,
            "markers": self.markers,
        }


def colour_name(color: str) -> str | None:
    """The :data:`OKABE_ITO` name of a colour (``"#0072b2"`` -> ``"blue"``), else None."""
    for name, value in OKABE_ITO.items():
        if isinstance(color, str) and color.lower() == value.lower():
            return name
    return None


@dataclass(frozen=True)
class Panel:
    """One chart: fixed axis ranges (so moving a slider never rescales the axes)."""

    title: str
    x_label: str
    y_label: str
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    lines: tuple[Line, ...]
    #: Horizontal reference lines: (y value, label), drawn grey and dotted.
    references: tuple[tuple[float, str], ...] = field(default_factory=tuple)
    #: What this chart shows, for readers who cannot see it (a screen reader
    #: reads it after the title). Say only what this chart shows: each chart of
    #: an explorer is read on its own.
    description: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "x_label": self.x_label,
            "y_label": self.y_label,
            "x_range": list(self.x_range),
            "y_range": list(self.y_range),
            "lines": [line.as_dict() for line in self.lines],
            "references": [[y, label] for y, label in self.references],
            "description": self.description,
        }


@dataclass(frozen=True)
class Estimate:
    """A Monte Carlo estimate and its standard error (same units as the value).

    Readouts compare estimates ("oxytocin widens the gap"); a comparison is only
    worth a word if it holds beyond the sampling noise, so every compared number
    carries its standard error (see :class:`Verdict`).
    """

    value: float
    se: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.value) and math.isfinite(self.se) and self.se >= 0):
            raise ValueError(f"an estimate needs a finite value and se >= 0, got {self}")

    @classmethod
    def share(cls, count: int, n: int) -> Estimate:
        """A proportion ``count / n`` with its binomial standard error.

        The error uses the Agresti–Coull adjusted share (two successes and two
        failures added), so a share of 0 or 1 is not given an error of 0.
        """
        adjusted = (count + 2) / (n + 4)
        return cls(count / n, math.sqrt(adjusted * (1 - adjusted) / (n + 4)))

    @classmethod
    def mean(cls, samples: Any) -> Estimate:
        """The mean of independent samples (e.g. one number per simulated run)."""
        samples = np.asarray(samples, dtype=float).ravel()
        if samples.size < 2:
            raise ValueError("a standard error needs at least two samples")
        return cls(float(samples.mean()), float(samples.std(ddof=1) / math.sqrt(samples.size)))

    def __sub__(self, other: Estimate) -> Estimate:
        """The difference, with errors added in quadrature as if independent.

        When the two come from common random numbers they are positively
        correlated, the true error of the difference is smaller, and this one
        errs on the side of caution. Where runs are paired one to one, take
        :meth:`mean` of the paired differences instead.
        """
        return Estimate(self.value - other.value, math.hypot(self.se, other.se))

    def __add__(self, other: Estimate) -> Estimate:
        return Estimate(self.value + other.value, math.hypot(self.se, other.se))


@dataclass(frozen=True)
class Verdict:
    """Words on an ordered scale, cut at thresholds, used only beyond the noise.

    ``words[i]`` describes values between ``thresholds[i - 1]`` and
    ``thresholds[i]``. A word is chosen only when the estimate lies on its side
    of every threshold by at least ``margin`` standard errors; otherwise the
    verdict says the setting is too close to call, naming the words it lies
    between (``too_close`` is formatted with ``{lower}`` and ``{upper}``).

    :meth:`level` puts both kinds of answer on one scale for tests: word ``i``
    is level ``i``; "too close between word i and word j" is level (i + j) / 2.
    """

    thresholds: tuple[float, ...]
    words: tuple[str, ...]
    too_close: str = "too close to call between {lower} and {upper} at this many readings"
    margin: float = 3.0

    def __post_init__(self) -> None:
        if len(self.words) != len(self.thresholds) + 1:
            raise ValueError(
                f"a verdict with {len(self.thresholds)} thresholds needs "
                f"{len(self.thresholds) + 1} words, got {len(self.words)}"
            )
        if list(self.thresholds) != sorted(set(self.thresholds)):
            raise ValueError(f"thresholds must increase strictly, got {self.thresholds}")

    def word_index(self, value: float) -> int:
        """The word for an exact value, with no noise (used for references)."""
        return int(np.searchsorted(self.thresholds, value, side="right"))

    def span(self, estimate: Estimate) -> tuple[int, int]:
        """The lowest and highest word the estimate is compatible with."""
        reach = self.margin * estimate.se
        return self.word_index(estimate.value - reach), self.word_index(estimate.value + reach)

    def level(self, estimate: Estimate) -> float:
        low, high = self.span(estimate)
        return (low + high) / 2

    def says(self, estimate: Estimate) -> str:
        low, high = self.span(estimate)
        if low == high:
            return self.words[low]
        return self.too_close.format(lower=self.words[low], upper=self.words[high])


class Explorer:
    """Base class: subclasses set the class attributes and two methods.

    Class attributes: ``name`` (the permalink anchor, e.g. ``"hormesis"``),
    ``title``, ``controls``, ``panels``, ``alt_text`` (what the chart shows, for
    readers who cannot see it: for an explorer with one panel; with two or
    more, each :class:`Panel` has its own ``description``) and ``slow`` (True
    if the model takes more than a few tens of milliseconds: the live sliders
    then update on release).
    """

    name: str = ""
    title: str = ""
    controls: tuple[Control, ...] = ()
    panels: tuple[Panel, ...] = ()
    alt_text: str = ""
    slow: bool = False
    #: For explorers whose model is random: how many readings (or runs) each
    #: point rests on, and the seed. Tests re-run an explorer with other values
    #: to check that its words hold beyond the sampling noise.
    readings: int | None = None
    seed: int | None = None
    #: Controls that split the grid into blocks for computing in several processes: the
    #: points of one block share these controls' values and are computed in one process,
    #: so a model run that several points share (cached in that process) is run once, not
    #: once per process. Empty: the grid is cut into equal runs of points.
    grid_blocks_by: tuple[str, ...] = ()

    def __init__(self, **values: float) -> None:
        unknown = set(values) - {c.name for c in self.controls}
        if unknown:
            raise TypeError(
                f"{type(self).__name__} has no control(s) {sorted(unknown)}; "
                f"controls are {[c.name for c in self.controls]}"
            )
        self.values: dict[str, float] = {c.name: c.default for c in self.controls}
        for name, value in values.items():
            self._check_value(name, value)
            self.values[name] = float(value)
        self.results = self.compute(**self.values)
        self._widget = None

    # -- what subclasses provide -------------------------------------------
    def compute(self, **values: float) -> dict[str, Any]:
        """Run the model at these control values; return named arrays/numbers."""
        raise NotImplementedError

    def describe(
        self, values: Mapping[str, float], results: Mapping[str, Any]
    ) -> str | tuple[str, ...]:
        """What the chart shows, in words: a sentence, or a tuple of sentences.

        Return a tuple when parts of the text depend on different controls: the
        static page stores each distinct sentence once.
        """
        raise NotImplementedError

    def claims(
        self, values: Mapping[str, float], results: Mapping[str, Any]
    ) -> dict[str, tuple[Verdict, Estimate]]:
        """Every comparison the readout puts into words, with the estimate it rests on.

        An explorer whose readout states a direction or a comparison ("widens",
        "up from") returns here, for each such word, the :class:`Verdict` that
        chose it and the :class:`Estimate` it was chosen from, and builds its
        sentence from ``verdict.says(estimate)``; the noise tests re-run the
        explorer with more readings and check each claim. Deterministic
        explorers have nothing to declare.
        """
        return {}

    def _sentences(self, values: Mapping[str, float], results: Mapping[str, Any]) -> tuple:
        text = self.describe(values, results)
        return (text,) if isinstance(text, str) else tuple(text)

    # -- shared helpers --------------------------------------------------------
    @classmethod
    def chart_descriptions(cls) -> tuple[str, ...]:
        """Each panel's description, in the order of ``panels``.

        A screen reader reads each chart's description when it reaches that
        chart, so each must describe its own chart only and differ from the
        others'. An explorer with a single panel may give its description as
        ``alt_text`` instead.
        """
        name = cls.__name__
        descriptions = []
        for panel in cls.panels:
            text = panel.description.strip()
            if not text and len(cls.panels) == 1:
                text = cls.alt_text.strip()
            if not text:
                raise ValueError(
                    f"{name}: the panel {panel.title!r} has no description; give each of "
                    f"its {len(cls.panels)} panels a description of that chart alone"
                )
            if text in descriptions:
                raise ValueError(
                    f"{name}: the panel {panel.title!r} has the same description as "
                    f"another panel; each chart's description must be its own"
                )
            descriptions.append(text)
        return tuple(descriptions)

    def control(self, name: str) -> Control:
        for control in self.controls:
            if control.name == name:
                return control
        raise KeyError(name)

    def _check_value(self, name: str, value: float) -> None:
        control = self.control(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"{name} must be a number, got {value!r}")
        if math.isnan(value) or not control.min <= value <= control.max:
            raise ValueError(
                f"{name} = {value!r} is outside the allowed range "
                f"[{control.min:g}, {control.max:g}]"
            )
        if control.labels and control.snap(value) != value:
            choices = ", ".join(f"{v:g} ({label})"
                                for v, label in zip(control.grid, control.labels, strict=True))
            raise ValueError(f"{name} = {value!r} is not one of its positions: {choices}")

    def readout(self) -> str:
        """The text under the chart for the current values."""
        return " ".join(self._sentences(self.values, self.results))

    def set(self, **values: float) -> None:
        """Change control values, re-run the model, and update the live view if shown."""
        for name, value in values.items():
            self._check_value(name, value)
        self.values.update({k: float(v) for k, v in values.items()})
        self.results = self.compute(**self.values)
        if self._widget is not None:
            self._widget.refresh()

    # -- live mode -------------------------------------------------------------
    def widget(self):
        """The live ipywidgets view (built on first use, then reused)."""
        if self._widget is None:
            from .live import LiveView  # ipywidgets and matplotlib only when live

            self._widget = LiveView(self)
        return self._widget

    # -- static mode -----------------------------------------------------------
    def grid_points(self) -> int:
        return math.prod(len(c.grid) for c in self.controls)

    def static_payload(self) -> dict[str, Any]:
        """Results on every grid point, de-duplicated, ready to embed as JSON.

        During the book's build the payload is kept on disk (see
        :data:`CACHE_VARIABLE`), keyed on the explorer's class, its readings and
        seed and what its results depend on (:func:`results_fingerprint`), so a
        second page showing the same explorer reads it instead of recomputing it.

        Arrays that repeat across the grid (a dose axis, a curve that does not
        depend on one of the controls) are stored once in ``pool``; each grid
        point lists, for every result key, the index of its array in the pool,
        then the list of indices of its readout's sentences in ``texts``. Grid points are in
        row-major order of ``controls`` (the last control varies fastest).
        """
        cache = self._cache_file(".json")
        if cache is not None and cache.exists():
            return json.loads(cache.read_text(encoding="utf-8"))
        payload = self._compute_payload()
        if cache is not None:
            _write_atomically(cache, json.dumps(payload, separators=(",", ":")).encode())
        return payload

    def grid_results(self) -> dict[tuple[float, ...], dict[str, Any]]:
        """``compute()`` at every grid point, keyed by the tuple of control values.

        For chapters that summarise an explorer over its whole grid (how often a
        verdict comes out one way): during the book's build the results are kept
        on disk beside the payload, so a page that needs them after another page
        has shown the explorer runs no model. Keys are in the order of
        ``controls``; values are the grid's own floats (``control.grid``).
        """
        cache = self._cache_file(".pickle")
        if cache is not None and cache.exists():
            with cache.open("rb") as file:
                return pickle.load(file)
        points = [tuple(float(v) for v in combination)
                  for combination in itertools.product(*(c.grid for c in self.controls))]
        results = dict(zip(points, self._compute_grid(points), strict=True))
        if cache is not None:
            _write_atomically(cache, pickle.dumps(results))
        return results

    def _compute_grid(self, points: list[tuple[float, ...]]) -> list[dict[str, Any]]:
        """``compute()`` at each of ``points``, in their order, in this process or split
        between forked ones. Each point's randomness comes from its own seed (never from the
        order of the calls), so any split gives the same results."""
        workers = _grid_workers(len(points))
        if workers > 1 and self.grid_blocks_by:
            # Blocks that share the named controls' values: no process repeats a shared run.
            blocks = self._grid_blocks(points)
            computed = _map_in_processes(min(workers, len(blocks)), _compute_points,
                                         [self] * len(blocks), blocks)
            by_point = {point: result for block, block_results in zip(blocks, computed,
                                                                      strict=True)
                        for point, result in zip(block, block_results, strict=True)}
            return [by_point[point] for point in points]
        # A few points first, in this process: they say whether the rest are worth
        # sending to other processes.
        started = time.perf_counter()
        first = max(1, len(points) // 20)
        computed = _compute_points(self, points[:first])
        rest = points[first:]
        expected = (time.perf_counter() - started) / first * len(rest)
        workers = _grid_workers(len(rest))
        if workers > 1 and expected > WORTH_SPLITTING:
            size = math.ceil(len(rest) / (4 * workers))
            blocks = [rest[i:i + size] for i in range(0, len(rest), size)]
            for block in _map_in_processes(workers, _compute_points, [self] * len(blocks),
                                           blocks):
                computed.extend(block)
        else:
            computed.extend(_compute_points(self, rest))
        return computed

    def _grid_blocks(self, points: list[tuple[float, ...]]) -> list[list[tuple[float, ...]]]:
        """``points`` grouped by the values of the controls in ``grid_blocks_by``, each
        group in the grid's order."""
        names = [c.name for c in self.controls]
        unknown = [name for name in self.grid_blocks_by if name not in names]
        if unknown:
            raise ValueError(f"{self.name}: grid_blocks_by names {unknown}, which are not "
                             f"controls; controls are {names}")
        where = [names.index(name) for name in self.grid_blocks_by]
        blocks: dict[tuple[float, ...], list[tuple[float, ...]]] = {}
        for point in points:
            blocks.setdefault(tuple(point[i] for i in where), []).append(point)
        return list(blocks.values())

    def _cache_file(self, suffix: str) -> Path | None:
        folder = os.environ.get(CACHE_VARIABLE)
        if not folder:
            return None
        digest = hashlib.sha256()
        cls = type(self)
        digest.update(f"{cls.__module__}.{cls.__qualname__}|{self.readings}|{self.seed}".encode())
        digest.update(results_fingerprint().encode())
        return Path(folder) / f"{self.name}-{digest.hexdigest()[:20]}{suffix}"

    def _compute_payload(self) -> dict[str, Any]:
        count = self.grid_points()
        if count > MAX_GRID_POINTS:
            raise ValueError(
                f"{self.name}: {count} grid points exceeds the budget of "
                f"{MAX_GRID_POINTS}; use coarser steps"
            )
        keys = sorted({key for panel in self.panels for line in panel.lines
                       for key in (line.x, line.y)})
        pool: list[Any] = []
        pool_index: dict[str, int] = {}
        texts: list[str] = []
        text_index: dict[str, int] = {}
        points: list[list[int]] = []

        def intern(value: Any) -> int:
            rounded = _round_for_page(value)
            token = json.dumps(rounded, separators=(",", ":"))
            if token not in pool_index:
                pool_index[token] = len(pool)
                pool.append(rounded)
            return pool_index[token]

        for point, results in self.grid_results().items():
            values = dict(zip((c.name for c in self.controls), point, strict=True))
            missing = [key for key in keys if key not in results]
            if missing:
                raise KeyError(f"{self.name}: compute() did not return {missing}")
            row = [intern(results[key]) for key in keys]
            sentence_indices = []
            for sentence in self._sentences(values, results):
                if sentence not in text_index:
                    text_index[sentence] = len(texts)
                    texts.append(sentence)
                sentence_indices.append(text_index[sentence])
            points.append([*row, sentence_indices])
        panels = [p.as_dict() for p in self.panels]
        for panel, description in zip(panels, self.chart_descriptions(), strict=True):
            panel["description"] = description
        return {
            "name": self.name,
            "title": self.title,
            "controls": [c.as_dict() for c in self.controls],
            "panels": panels,
            "keys": keys,
            "pool": pool,
            "texts": texts,
            "points": points,
        }

    def static_html(self) -> str:
        """The explorer as self-contained HTML for the built site."""
        data = self.static_payload()
        payload = json.dumps(data, separators=(",", ":"), allow_nan=False)
        size = len(payload.encode())
        if size > MAX_EMBEDDED_BYTES:
            raise ValueError(
                f"{self.name}: embedded results are {size} bytes, over the budget of "
                f"{MAX_EMBEDDED_BYTES}; use coarser steps or fewer points per curve"
            )
        # "</" must not appear inside a <script> element.
        payload = payload.replace("</", "<\\/")
        title = html.escape(self.title)
        # The page opens at the defaults (or at a permalink's setting, which the
        # script applies); the readout below is the defaults' until it does,
        # looked up in the grid rather than computed again.
        default_index = 0
        for control in self.controls:
            grid = list(control.grid)
            default_index = default_index * len(grid) + grid.index(control.default)
        sentence_indices = data["points"][default_index][-1]
        default_text = html.escape(" ".join(data["texts"][i] for i in sentence_indices))
        return (
            f'<div class="explorer" id="{self.name}" data-explorer="{self.name}">'
            f'<p class="explorer-title">{title}</p>'
            # The readout is the one region a screen reader announces when a
            # control moves (the slider itself says its new value).
            f'<p class="explorer-readout" aria-live="polite">{default_text}</p>'
            f'<noscript><p class="explorer-noscript">This explorer needs JavaScript in '
            f"the browser (no server, nothing downloaded). Without it, run the chapter "
            f"in Binder or Jupyter to use the live version.</p></noscript>"
            f'<script type="application/json" class="explorer-data">{payload}</script>'
            f"</div>"
        )

    # -- display ---------------------------------------------------------------
    def _repr_mimebundle_(self, include=None, exclude=None):
        if building_static_site():
            return {"text/html": self.static_html(), "text/plain": self.title}
        bundle = self.widget().box._repr_mimebundle_(include=include, exclude=exclude)
        bundle = dict(bundle) if bundle else {}
        bundle["text/plain"] = f"{self.title} (live explorer: needs a Jupyter kernel)"
        return bundle


def _grid_workers(points: int) -> int:
    """Processes to compute a grid with: one, except in the book's build (see
    :data:`GRID_WORKERS_VARIABLE`), where up to one per core (a build runs one notebook
    at a time, and the largest grids take a minute on one core). Forking needs a POSIX
    system; elsewhere grids are computed in one process."""
    wanted = os.environ.get(GRID_WORKERS_VARIABLE, "")
    if not wanted:
        return 1
    if not wanted.isdigit() or int(wanted) < 1:
        raise ValueError(f"{GRID_WORKERS_VARIABLE} must be a whole number of processes, "
                         f"at least 1; got {wanted!r}")
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    # Fewer than a few points per process would cost more to start than it saves.
    return max(1, min(int(wanted), os.cpu_count() or 1, points // 8))


#: Seconds of computing left in a grid below which it is not split between processes.
WORTH_SPLITTING = 5.0


def _map_in_processes(workers: int, function, *arguments) -> list:
    """``list(map(function, *arguments))``, in ``workers`` forked processes.

    Forked, not spawned: a spawned process imports the caller's main script again (which
    breaks a script without a ``__main__`` guard) and every module from scratch; a forked
    one starts in milliseconds with this process's modules and caches. Only the calling
    thread is copied, which is all the computing needs; Python 3.12+ warns about forking a
    process that has threads (a Jupyter kernel has several), which here is expected.
    """
    import concurrent.futures
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
        with concurrent.futures.ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(function, *arguments))


def _compute_points(explorer: Explorer, points: list[tuple[float, ...]]) -> list[dict[str, Any]]:
    """``explorer.compute`` at each point (values in the order of its controls)."""
    names = [c.name for c in explorer.controls]
    return [explorer.compute(**dict(zip(names, point, strict=True))) for point in points]


def _write_atomically(path: Path, data: bytes) -> None:
    """Write then rename: two kernels may build the same explorer at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_bytes(data)
    os.replace(partial, path)


def _round_for_page(value: Any) -> Any:
    """Round numbers to a few significant digits for the page; refuse NaN/inf."""
    array = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(array)):
        raise ValueError("results embedded in a page must be finite (no nan or inf)")
    with np.errstate(divide="ignore"):
        magnitude = np.where(array == 0, 0, np.floor(np.log10(np.abs(array))))
    decimals = (_SIGNIFICANT_DIGITS - 1 - magnitude).astype(int)
    rounded = [float(round(float(v), int(d))) for v, d in zip(array.ravel(), decimals.ravel(),
                                                               strict=True)]
    # Whole numbers as ints: "100" is shorter than "100.0" in the page.
    rounded = [int(v) if v.is_integer() else v for v in rounded]
    if array.ndim == 0:
        return rounded[0]
    return rounded
