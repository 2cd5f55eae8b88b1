"""One service, greeting by greeting: the explorer shows the model's trace, and says so."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from widgets.explorers import ALL_EXPLORERS, EXPLORER_PAGES, ServiceTraceExplorer, service_trace
from widgets.explorers.tom_and_mary import GREETINGS, MARY_BELIEF, TOM_BELIEF
from widgets.models import Perceiver, trace_service


def test_it_is_registered_with_its_page():
    assert ServiceTraceExplorer in ALL_EXPLORERS
    assert EXPLORER_PAGES["one-service"] == "chapters/tom-and-mary.html"
    assert ServiceTraceExplorer.seed == 2015


@pytest.mark.parametrize("values", [dict(mimicry=0.6, oxytocin=1.0, congregation_mean=0.2),
                                    dict(mimicry=1.0, oxytocin=0.0, congregation_mean=-0.4)])
def test_the_lines_are_the_model_trace_for_both_perceivers(values):
    results = ServiceTraceExplorer().compute(**values)
    for who, bias in (("tom", TOM_BELIEF), ("mary", MARY_BELIEF)):
        trace = trace_service(Perceiver(bias=bias), n_greetings=GREETINGS, seed=2015, **values)
        assert np.array_equal(results[f"{who}_belief"], trace.belief)
        assert np.array_equal(results[f"{who}_face"], trace.face)
        assert np.array_equal(results["intention"], trace.intention)
    assert results["greeting"].tolist() == list(range(1, GREETINGS + 1))
    assert results["step"].tolist() == list(range(GREETINGS + 1))


def test_without_mimicry_both_see_the_intended_faces_and_the_gap_is_geometric():
    explorer = ServiceTraceExplorer(mimicry=0.0)
    results = explorer.results
    assert np.array_equal(results["tom_face"], results["intention"])
    assert np.array_equal(results["mary_face"], results["intention"])
    gap = results["tom_belief"][-1] - results["mary_belief"][-1]
    rate = service_trace.LEARNING_RATE
    assert gap == pytest.approx((TOM_BELIEF - MARY_BELIEF) * (1 - rate) ** GREETINGS, rel=1e-9)
    assert f"the gap ends at {gap:.2f}" in explorer.readout()


def test_the_readout_counts_add_up_and_makes_no_general_claim():
    words = re.compile(r"\b(widens|narrows|more than|less than|up from|down from|always|"
                       r"never)\b")
    explorer = ServiceTraceExplorer()
    for combination in itertools.product(*(c.grid for c in explorer.controls)):
        values = {c.name: float(v) for c, v in zip(explorer.controls, combination, strict=True)}
        results = explorer.compute(**values)
        text = " ".join(explorer.describe(values, results))
        assert "This is one service" in text
        assert not words.search(text), text
        assert explorer.claims(values, results) == {}
        for who in ("Tom", "Mary"):
            found = re.search(rf"{who} answered (\d+) with a smile, (\d+) with a scowl and "
                              rf"(\d+) with a neutral face", text)
            assert found and sum(map(int, found.groups())) == GREETINGS
            answers = results[f"{who.lower()}_answers"]
            assert int(found.group(1)) == np.count_nonzero(answers == 1)
        final = results["tom_belief"][-1] - results["mary_belief"][-1]
        assert f"{final:.2f}" in text


def test_where_the_answers_differ_the_faces_differ_by_mimicry_times_the_answers():
    values = dict(mimicry=0.6, oxytocin=1.0, congregation_mean=0.2)
    results = ServiceTraceExplorer().compute(**values)
    difference = results["tom_face"] - results["mary_face"]
    answers = results["tom_answers"].astype(float) - results["mary_answers"]
    assert np.allclose(difference, values["mimicry"] * answers, rtol=0, atol=1e-12)
    assert np.any(answers != 0)
