"""The sigmoid and the accept/refuse rule (models_ml/decision.py), the one place both are applied."""

import math

import numpy as np
import pytest

from models_ml.decision import ACCEPTED, REFUSED, decide, decisions, is_refused, probability


@pytest.mark.parametrize("raw", [-30.0, -2.5, -1e-9, 0.0, 0.7, 4.0, 30.0])
def test_probability_of_a_number_is_the_logistic_function(raw):
    p = probability(raw)
    assert isinstance(p, float)
    assert p == pytest.approx(1.0 / (1.0 + math.exp(-raw)), rel=1e-15)


def test_probability_of_an_array_is_elementwise_and_keeps_its_shape():
    raw = np.array([[-3.0, 0.0], [1.5, 40.0]])
    p = probability(raw)
    assert isinstance(p, np.ndarray) and p.shape == (2, 2) and p.dtype == np.float64
    assert p[0, 1] == 0.5 and p[1, 1] == pytest.approx(1.0)
    assert [probability(float(r)) for r in raw.ravel()] == list(p.ravel())  # scalar and vector agree exactly
    assert np.all(np.diff(probability(np.linspace(-10, 10, 101))) > 0)  # increasing: log-odds order is kept


def test_decision_at_and_around_the_threshold():
    assert decide(0.1, 0.1) == REFUSED  # the threshold itself refuses
    assert decide(np.nextafter(0.1, 0), 0.1) == ACCEPTED
    assert decide(0.9, 0.1) == REFUSED and decide(0.0, 0.1) == ACCEPTED
    assert decide(np.float64(0.25), 0.25) == REFUSED  # numpy scalars follow the same rule
    assert is_refused(0.1, 0.1) is True and is_refused(0.05, 0.1) is False


def test_vectorised_decisions_equal_the_scalar_rule():
    rng = np.random.default_rng(0)
    p = np.concatenate([rng.random(1000), [0.0, 0.08, 0.08, 1.0]])
    got = decisions(p, 0.08)
    assert got.shape == p.shape
    assert list(got) == [decide(float(x), 0.08) for x in p]
    assert list(is_refused(p, 0.08)) == [x >= 0.08 for x in p]
    assert set(got) == {ACCEPTED, REFUSED} == {"accepted", "refused"}  # the words the API and tables carry
