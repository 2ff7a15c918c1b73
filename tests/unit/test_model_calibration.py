"""Calibration: monotonic, faithful to scikit-learn, stored as plain numbers."""

import json

import numpy as np
from sklearn.isotonic import IsotonicRegression

from models_ml.calibration import Calibrator, brier, reliability_table


def _scores(n=5000, seed=0):
    rng = np.random.default_rng(seed)
    raw = rng.uniform(0, 1, n)
    # over-confident scores: the true rate is much lower than the raw probability (as after re-weighting)
    y = (rng.uniform(0, 1, n) < raw**3).astype(int)
    return raw, y


def test_isotonic_is_monotonic_and_matches_sklearn():
    raw, y = _scores()
    cal = Calibrator.fit(raw, y, "isotonic")
    grid = np.linspace(-0.5, 1.5, 2001)
    out = cal.transform(grid)
    assert np.all(np.diff(out) >= 0)
    assert out.min() >= 0 and out.max() <= 1
    ref = IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip").fit(raw, y)
    assert np.allclose(out, ref.predict(grid))


def test_platt_is_monotonic():
    raw, y = _scores()
    cal = Calibrator.fit(raw, y, "platt")
    out = cal.transform(np.linspace(0.001, 0.999, 999))
    assert np.all(np.diff(out) > 0)


def test_calibration_improves_brier_and_round_trips_through_json():
    raw, y = _scores()
    cal = Calibrator.fit(raw, y, "isotonic")
    assert brier(y, cal.transform(raw)) < brier(y, raw)
    again = Calibrator.from_dict(json.loads(json.dumps(cal.to_dict())))
    assert np.array_equal(again.transform(raw), cal.transform(raw))


def test_reliability_table_bins():
    raw, y = _scores()
    table = reliability_table(y, raw, bins=10)
    assert list(table["bin"]) == list(range(1, 11))
    assert table["count"].sum() == len(y)
    assert np.all(np.diff(table["mean_predicted"]) > 0)
