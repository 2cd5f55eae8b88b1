"""The attention-budget explorer: its curves are the model's closed forms, recomputed here."""

from __future__ import annotations

import math

import numpy as np
import pytest

from widgets.explorers import ALL_EXPLORERS, EXPLORER_PAGES, AttentionExplorer
from widgets.explorers.attention import CHANNEL_STYLE, LEVELS
from widgets.models.attention import DEFAULT_CHANNELS, DEFAULT_SOCIAL, FULL_D_PRIME

SETTINGS = [(0.0, 0.0), (1.0, 0.0), (0.25, -1.5), (3.0, 1.5), (1.75, -0.5), (2.5, 0.75)]


def normal_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def closed_forms(boost: float, criterion: float, level: float) -> dict[str, dict[str, float]]:
    """Shares, d′, hits and false alarms from the equations, independently of the model."""
    weights = {c: math.exp(boost * level if c in DEFAULT_SOCIAL else 0.0)
               for c in DEFAULT_CHANNELS}
    total = sum(weights.values())
    out: dict[str, dict[str, float]] = {}
    for channel, weight in weights.items():
        share = weight / total
        d_prime = FULL_D_PRIME * math.sqrt(share)
        out[channel] = {
            "share": share,
            "d_prime": d_prime,
            "hits": normal_cdf(d_prime / 2 - criterion),
            "false_alarms": normal_cdf(-d_prime / 2 - criterion),
        }
    return out


def test_it_is_registered_with_its_chapter():
    assert AttentionExplorer in ALL_EXPLORERS
    assert EXPLORER_PAGES["attention-budget"] == "chapters/attention.html"
    # deterministic: no readings or seed, so no noise rule applies
    assert AttentionExplorer.readings is None and AttentionExplorer.seed is None


def test_level_is_the_x_axis_from_placebo_to_one():
    explorer = AttentionExplorer()
    assert LEVELS[0] == 0.0 and LEVELS[-1] == 1.0
    assert np.all(np.diff(LEVELS) > 0)
    assert {c.name for c in explorer.controls} == {"boost", "criterion"}
    for panel in explorer.panels:
        assert panel.x_range == (0, 1)
        assert [line.label for line in panel.lines] == list(DEFAULT_CHANNELS)
        assert all(line.x == "level" for line in panel.lines)


@pytest.mark.parametrize(("boost", "criterion"), SETTINGS)
def test_curves_equal_the_closed_forms(boost, criterion):
    results = AttentionExplorer(boost=boost, criterion=criterion).results
    for i, level in enumerate(LEVELS):
        expected = closed_forms(boost, criterion, float(level))
        for channel in DEFAULT_CHANNELS:
            for quantity, value in expected[channel].items():
                assert results[f"{quantity}_{channel}"][i] == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(("boost", "criterion"), SETTINGS)
def test_shares_sum_to_one_at_every_level(boost, criterion):
    results = AttentionExplorer(boost=boost, criterion=criterion).results
    total = sum(results[f"share_{channel}"] for channel in DEFAULT_CHANNELS)
    np.testing.assert_allclose(total, 1.0, rtol=1e-12)


@pytest.mark.parametrize("criterion", [-1.5, -0.25, 0.0, 1.0, 1.5])
def test_with_more_d_prime_hits_rise_and_false_alarms_fall_at_a_fixed_criterion(criterion):
    results = AttentionExplorer(boost=2.0, criterion=criterion).results
    for channel in DEFAULT_CHANNELS:
        d_prime = results[f"d_prime_{channel}"]
        hits, alarms = results[f"hits_{channel}"], results[f"false_alarms_{channel}"]
        step = np.sign(np.diff(d_prime))
        assert np.all(step != 0)  # a boost above 0 moves every channel's d′
        # hits move with d′, false alarms against it: sensitivity is not bias
        assert np.array_equal(np.sign(np.diff(hits)), step)
        assert np.array_equal(np.sign(np.diff(alarms)), -step)
    # social channels gain, the others lose
    assert np.all(np.diff(results["d_prime_faces"]) > 0)
    assert np.all(np.diff(results["d_prime_objects"]) < 0)


def test_only_the_criterion_moves_hits_and_false_alarms_together():
    lower = AttentionExplorer(boost=1.0, criterion=-0.5).results
    higher = AttentionExplorer(boost=1.0, criterion=0.5).results
    for channel in DEFAULT_CHANNELS:
        np.testing.assert_allclose(lower[f"d_prime_{channel}"], higher[f"d_prime_{channel}"])
        assert np.all(lower[f"hits_{channel}"] > higher[f"hits_{channel}"])
        assert np.all(lower[f"false_alarms_{channel}"] > higher[f"false_alarms_{channel}"])


def test_the_boost_and_the_level_act_only_through_their_product():
    # boost 2 at level 0.5 is boost 1 at level 1
    half = list(LEVELS).index(0.5)
    a = AttentionExplorer(boost=2.0).results
    b = AttentionExplorer(boost=1.0).results
    for channel in DEFAULT_CHANNELS:
        assert a[f"share_{channel}"][half] == pytest.approx(b[f"share_{channel}"][-1])


def test_at_boost_zero_every_line_is_flat_and_equal():
    results = AttentionExplorer(boost=0.0, criterion=0.25).results
    for channel in DEFAULT_CHANNELS:
        np.testing.assert_allclose(results[f"share_{channel}"], 0.25)
        np.testing.assert_allclose(results[f"d_prime_{channel}"], FULL_D_PRIME / 2)
        np.testing.assert_allclose(results[f"hits_{channel}"],
                                   normal_cdf(FULL_D_PRIME / 4 - 0.25))


def test_two_social_channels_can_never_take_more_than_half_each():
    # Faces compete with voices: even an unbounded boost leaves faces at most 1/2,
    # so their d′ stays under D·√(1/2).
    results = AttentionExplorer(boost=3.0).results
    assert results["share_faces"][-1] < 0.5
    assert results["d_prime_faces"][-1] < FULL_D_PRIME * math.sqrt(0.5)


def test_the_readout_gives_the_numbers_at_oxytocin_one():
    boost, criterion = 1.0, 0.0
    expected = closed_forms(boost, criterion, 1.0)
    text = AttentionExplorer(boost=boost, criterion=criterion).readout()
    faces, objects = expected["faces"], expected["objects"]
    assert f"each get {100 * faces['share']:.0f} %" in text
    assert f"objects and text {100 * objects['share']:.0f} % each" in text
    assert f"to {faces['d_prime']:.2f}, objects' from 1.00 to {objects['d_prime']:.2f}" in text
    assert f"from 69 % to {100 * faces['hits']:.0f} %" in text
    assert f"from 31 % to {100 * faces['false_alarms']:.0f} %" in text
    flat = AttentionExplorer().readout()
    assert "boost of 0 oxytocin changes nothing" in flat
    assert "liberal" in AttentionExplorer(criterion=-1.0).readout()
    assert "conservative" in AttentionExplorer(criterion=1.0).readout()
    assert "−1.25" in AttentionExplorer(criterion=-1.25).readout()  # a true minus sign


def test_overlapping_channels_are_told_apart_by_dashes():
    # faces = voices and objects = text in this model: the second of each pair is dashed
    assert not CHANNEL_STYLE["faces"][1] and CHANNEL_STYLE["voices"][1]
    assert not CHANNEL_STYLE["objects"][1] and CHANNEL_STYLE["text"][1]
    colours = [color for color, _ in CHANNEL_STYLE.values()]
    assert len(set(colours)) == len(colours)
