"""The explorer framework: one declaration, a live widget and a static export."""

from __future__ import annotations

import functools
import itertools
import json
import math
import os
import re

import matplotlib
import numpy as np
import pytest

from widgets.explorers import ALL_EXPLORERS, Control, HormesisExplorer
from widgets.explorers.framework import (
    CACHE_VARIABLE,
    GRID_WORKERS_VARIABLE,
    MAX_EMBEDDED_BYTES,
    MAX_GRID_POINTS,
    STATIC_BUILD_VARIABLE,
)

matplotlib.use("Agg")

#: Explorers whose whole grid takes long to compute (20 to 30 s for the church model, 10 to
#: 15 s for the forming face and for reading faces, on a 2-core machine split between the
#: cores): the tests that need the whole grid run in the full suite only (marked slow), so
#: the fast tier stays within its two minutes, and there they read the grid the book's build
#: computed (``explorer_results``) instead of computing it again. The sample test below
#: still runs the model afresh at 28 settings and compares.
LONG_GRIDS = {"tom-and-mary", "reading-faces", "forming-face"}

WHOLE_GRIDS = [pytest.param(cls, id=cls.__name__,
                            marks=[pytest.mark.slow, pytest.mark.build]
                            if cls.name in LONG_GRIDS else [])
               for cls in ALL_EXPLORERS]


@functools.cache
def static_html(explorer_class, cache_folder=None):
    """The explorer's static HTML at its defaults (computed once per test run, its grid
    split between the cores as the book's build splits it: the same results, as
    test_a_grid_computed_in_two_processes_is_the_grid_computed_in_one shows). With
    ``cache_folder`` (the build's results cache) the grid is read from there, as a second
    page of the build reads it."""
    settings = {GRID_WORKERS_VARIABLE: str(os.cpu_count() or 1)}
    if cache_folder is not None:
        settings[CACHE_VARIABLE] = str(cache_folder)
    before = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        return explorer_class().static_html()
    finally:
        for name, value in before.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value


def embedded_payload(explorer_class, cache_folder=None):
    """The JSON results exactly as embedded in the page."""
    html = static_html(explorer_class, cache_folder)
    text = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', html,
                     re.S).group(1)
    return text, json.loads(text.replace("<\\/", "</"))


@pytest.fixture
def payload_of(request):
    """``embedded_payload``, reading a long grid from the build's results cache."""
    def payload(explorer_class):
        if explorer_class.name in LONG_GRIDS:
            return embedded_payload(explorer_class, request.getfixturevalue("explorer_results"))
        return embedded_payload(explorer_class)
    return payload


def decode_point(payload, values):
    """Look a setting up in a static payload the way explorer.js does."""
    index = 0
    for control in payload["controls"]:
        size = round((control["max"] - control["min"]) / control["step"]) + 1
        k = round((values[control["name"]] - control["min"]) / control["step"])
        index = index * size + k
    row = payload["points"][index]
    results = {key: payload["pool"][row[i]] for i, key in enumerate(payload["keys"])}
    text = " ".join(payload["texts"][t] for t in row[len(payload["keys"])])
    return results, text


# -- live mode -----------------------------------------------------------------

def test_moving_a_live_slider_changes_the_figure_and_the_readout():
    explorer = HormesisExplorer()
    view = explorer.widget()
    left_line = view.axes[0].get_lines()[-1]
    before = np.array(left_line.get_ydata(), dtype=float)
    readout_before = view.readout.value
    picture_before = view.image.value

    view.sliders["hormesis"].value = 120.0

    after = np.array(left_line.get_ydata(), dtype=float)
    assert not np.allclose(before, after)
    # The figure shows the model at the new value, not a stale or re-created one.
    expected = HormesisExplorer(hormesis=120.0).results["response"]
    np.testing.assert_allclose(after, expected)
    assert view.axes[0].get_lines()[-1] is left_line  # updated in place
    assert view.readout.value != readout_before
    assert bytes(view.image.value) != bytes(picture_before)
    assert bytes(view.image.value).startswith(b"\x89PNG")
    assert explorer.values["hormesis"] == 120.0


@pytest.mark.parametrize("explorer_class", ALL_EXPLORERS, ids=lambda c: c.name)
def test_every_live_control_redraws_the_figure_from_the_model(explorer_class):
    for control in explorer_class.controls:
        # From the defaults each time: away from them a control can rightly do
        # nothing (oxytocin's regime, on placebo).
        explorer = explorer_class()
        view = explorer.widget()
        before_picture = bytes(view.image.value)
        before_text = view.readout.value
        before = {line.y: np.array(h.get_ydata(), dtype=float) for line, h in view.lines}
        new_value = control.max if explorer.values[control.name] != control.max else control.min
        view.sliders[control.name].value = new_value
        fresh = explorer_class(**explorer.values)  # the model at the same setting
        for line, handle in view.lines:
            np.testing.assert_allclose(np.asarray(handle.get_ydata(), dtype=float),
                                       np.asarray(fresh.results[line.y], dtype=float))
        changed = any(not _same_array(before[line.y], h.get_ydata()) for line, h in view.lines)
        # Each control changes the lines or the words (in the church model with no
        # mimicry, oxytocin changes the smiles but not what is seen).
        assert changed or view.readout.value != before_text, control.name
        if changed:
            assert bytes(view.image.value) != before_picture, control.name


def _same_array(before, after):
    """Equal shapes and values (a line may change its number of points)."""
    after = np.asarray(after, dtype=float)
    return before.shape == after.shape and np.allclose(before, after)


def test_live_mode_accepts_values_between_the_static_steps():
    explorer = HormesisExplorer()
    view = explorer.widget()
    view.sliders["dose"].value = 2.25  # the static grid steps by 1
    assert explorer.values["dose"] == pytest.approx(2.25)
    assert "At dose 2.25 " in explorer.readout()


def test_set_refuses_values_out_of_range_naming_the_control():
    explorer = HormesisExplorer()
    with pytest.raises(ValueError, match=r"slope = 9.0 .*\[1.5, 6\]"):
        explorer.set(slope=9.0)
    with pytest.raises(TypeError, match="no control"):
        HormesisExplorer(context=0)


def test_in_a_kernel_the_display_is_the_live_widget(monkeypatch):
    monkeypatch.delenv(STATIC_BUILD_VARIABLE, raising=False)
    bundle = HormesisExplorer()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_in_the_book_build_the_display_is_static_html_only(monkeypatch):
    monkeypatch.setenv(STATIC_BUILD_VARIABLE, "1")
    explorer = HormesisExplorer()
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" not in bundle
    assert 'data-explorer="hormesis"' in bundle["text/html"]
    assert explorer._widget is None  # no widget was created, so no widget state is saved


# -- static mode ---------------------------------------------------------------

@pytest.mark.parametrize("explorer_class", WHOLE_GRIDS)
def test_static_export_stays_within_its_budgets(explorer_class, payload_of):
    assert explorer_class().grid_points() <= MAX_GRID_POINTS
    payload_text, _ = payload_of(explorer_class)
    assert len(payload_text.encode()) <= MAX_EMBEDDED_BYTES
    assert "</" not in payload_text
    assert "NaN" not in payload_text and "Infinity" not in payload_text


@pytest.mark.parametrize("explorer_class", WHOLE_GRIDS)
def test_static_lookup_gives_what_the_model_gives(explorer_class, payload_of):
    explorer = explorer_class()
    _, payload = payload_of(explorer_class)
    grids = [c.grid for c in explorer.controls]
    rng = np.random.default_rng(7)
    samples = [dict(zip([c.name for c in explorer.controls],
                        [float(rng.choice(g)) for g in grids], strict=True))
               for _ in range(25)]
    samples.append({c.name: c.default for c in explorer.controls})
    samples.append({c.name: c.min for c in explorer.controls})
    samples.append({c.name: c.max for c in explorer.controls})
    for values in samples:
        looked_up, text = decode_point(payload, values)
        fresh = explorer_class(**values)
        for key, stored in looked_up.items():
            np.testing.assert_allclose(stored, fresh.results[key], rtol=1e-3, atol=1e-9)
        assert text == fresh.readout()


@pytest.mark.parametrize("explorer_class", WHOLE_GRIDS)
def test_every_grid_point_is_stored_in_order(explorer_class, payload_of):
    explorer = explorer_class()
    _, payload = payload_of(explorer_class)
    assert len(payload["points"]) == math.prod(len(c.grid) for c in explorer.controls)
    # Row-major: the last control varies fastest. Check the first few points' texts
    # against describe() at the matching settings.
    settings = itertools.islice(itertools.product(*(c.grid for c in explorer.controls)), 5)
    for i, combination in enumerate(settings):
        values = dict(zip([c.name for c in explorer.controls], combination, strict=True))
        text = " ".join(payload["texts"][t] for t in payload["points"][i][-1])
        assert text == explorer_class(**{k: float(v) for k, v in values.items()}).readout()


# -- the control declaration ----------------------------------------------------

def test_control_grid_and_snapping():
    control = Control("mimicry", "Mimicry", 0, 1, 0.1, 0.5)
    assert len(control.grid) == 11
    assert control.grid[3] == 0.3  # no 0.30000000000000004
    assert control.snap(0.26) == 0.3


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min": 1, "max": 0},
        {"step": 0.3},  # (1 - 0) / 0.3 is not whole
        {"default": 2},
        {"default": 0.55},  # not on the grid
        {"name": "not a name"},
    ],
)
def test_bad_control_declarations_are_refused(kwargs):
    arguments = {"name": "mimicry", "label": "Mimicry", "min": 0, "max": 1, "step": 0.1,
                 "default": 0.5, **kwargs}
    with pytest.raises(ValueError):
        Control(**arguments)


def test_a_grid_shown_on_two_pages_is_computed_once_per_build(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path))
    first = HormesisExplorer().static_payload()
    assert len(list(tmp_path.glob("hormesis-*.json"))) == 1

    class MoreReadings(HormesisExplorer):
        readings = 10

    # A second page: the explorer is created again, and the grid is read back.
    again, other = HormesisExplorer(), MoreReadings()

    def no_model(self, **values):
        raise AssertionError("the model ran again")

    monkeypatch.setattr(HormesisExplorer, "compute", no_model)
    assert again.static_payload() == first
    # Another number of readings is another grid, not the kept one.
    with pytest.raises(AssertionError, match="ran again"):
        other.static_payload()


def test_grid_results_are_the_model_at_every_grid_point_and_kept(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path))
    results = HormesisExplorer().grid_results()
    assert len(results) == HormesisExplorer().grid_points()
    rng = np.random.default_rng(3)
    for point in rng.choice(len(results), size=5, replace=False):
        key = list(results)[point]
        values = dict(zip([c.name for c in HormesisExplorer.controls], key, strict=True))
        fresh = HormesisExplorer(**values).results
        for name, value in fresh.items():
            np.testing.assert_allclose(results[key][name], value)
    # Kept on disk: another page reads them back without running the model.
    again = HormesisExplorer()
    monkeypatch.setattr(HormesisExplorer, "compute",
                        lambda self, **values: pytest.fail("the model ran again"))
    assert again.grid_results().keys() == results.keys()


def test_a_grid_computed_in_two_processes_is_the_grid_computed_in_one(monkeypatch):
    """The build splits grids between processes: each point's seed is its own, so the
    results are identical, point for point, to one process's (not just close)."""
    from widgets.explorers import framework

    explorer_class = next(cls for cls in ALL_EXPLORERS if cls.name == "attachment-plane")
    monkeypatch.delenv(GRID_WORKERS_VARIABLE, raising=False)
    serial = explorer_class().grid_results()
    monkeypatch.setenv(GRID_WORKERS_VARIABLE, "2")
    monkeypatch.setattr(framework, "WORTH_SPLITTING", 0.0)  # split even a quick grid
    pools, real_map = [], framework._map_in_processes
    monkeypatch.setattr(framework, "_map_in_processes",
                        lambda n, *args: pools.append(n) or real_map(n, *args))
    parallel = explorer_class().grid_results()
    if (os.cpu_count() or 1) > 1:
        assert pools == [2], "the grid was not split between two processes"
    assert list(parallel) == list(serial)  # same points, same order
    for point, results in serial.items():
        assert parallel[point].keys() == results.keys()
        for key, value in results.items():
            np.testing.assert_array_equal(parallel[point][key], value, err_msg=f"{point} {key}")


class _Blocked(HormesisExplorer):
    """A stand-in whose results say which process computed them: its grid is split by
    the first control, as the church model's is split by its congregation."""

    grid_blocks_by = ("hormesis",)

    def compute(self, **values):
        return {**super().compute(**values), "process": os.getpid()}


def test_a_grid_split_by_a_control_keeps_each_block_in_one_process(monkeypatch):
    """With grid_blocks_by, the points that share that control's value are computed in one
    process (so a run they share is run once), and the grid is the one-process grid,
    point for point and in the same order."""
    from widgets.explorers import framework

    monkeypatch.delenv(GRID_WORKERS_VARIABLE, raising=False)
    serial = _Blocked().grid_results()
    monkeypatch.setenv(GRID_WORKERS_VARIABLE, "2")
    pools, real_map = [], framework._map_in_processes
    monkeypatch.setattr(framework, "_map_in_processes",
                        lambda n, *args: pools.append((n, len(args[1]))) or real_map(n, *args))
    parallel = _Blocked().grid_results()
    blocks = len(_Blocked.controls[0].grid)
    if (os.cpu_count() or 1) > 1:
        assert pools == [(2, blocks)], "the grid was not split into one block per value"
        first = [c.name for c in _Blocked.controls].index("hormesis")
        by_value: dict[float, set[int]] = {}
        for point, results in parallel.items():
            by_value.setdefault(point[first], set()).add(results["process"])
        assert all(len(processes) == 1 for processes in by_value.values()), by_value
        assert len(set().union(*by_value.values())) == 2, "one process did all the blocks"
    assert list(parallel) == list(serial)
    for point, results in serial.items():
        for key, value in results.items():
            if key != "process":
                np.testing.assert_array_equal(parallel[point][key], value,
                                              err_msg=f"{point} {key}")


def test_grid_blocks_name_controls_of_their_explorer():
    for cls in ALL_EXPLORERS:
        names = {c.name for c in cls.controls}
        assert set(cls.grid_blocks_by) <= names, (cls.name, cls.grid_blocks_by)

    class Wrong(HormesisExplorer):
        grid_blocks_by = ("gain",)

    with pytest.raises(ValueError, match="grid_blocks_by.*'gain'.*controls are"):
        Wrong()._grid_blocks([(0.0,) * len(Wrong.controls)])


@pytest.mark.parametrize("value", ["0", "two", "-1", "1.5"])
def test_a_bad_number_of_grid_processes_is_refused_naming_it(monkeypatch, value):
    monkeypatch.setenv(GRID_WORKERS_VARIABLE, value)
    with pytest.raises(ValueError, match=f"{GRID_WORKERS_VARIABLE}.*{re.escape(repr(value))}"):
        HormesisExplorer().grid_results()
