"""The two rules every score goes through, in one place: LightGBM's raw score (log-odds) to a
probability, and a calibrated probability against the threshold to a decision.

A client is refused when the calibrated probability of default is >= the threshold, accepted otherwise.
"""

from __future__ import annotations

import numpy as np

ACCEPTED = "accepted"
REFUSED = "refused"


def probability(raw_score):
    """The sigmoid of a raw score: a float for a number, an array for an array. This is the model's
    uncalibrated probability; `Calibrator.transform` turns it into the one decisions are made on."""
    p = 1.0 / (1.0 + np.exp(-np.asarray(raw_score, dtype=np.float64)))
    return float(p) if p.ndim == 0 else p


def is_refused(probability, threshold: float):
    """The rule itself: a bool for a number, a boolean array for an array."""
    refused = np.asarray(probability) >= threshold
    return bool(refused) if refused.ndim == 0 else refused


def decide(probability: float, threshold: float) -> str:
    """ "accepted" or "refused" for one probability."""
    return REFUSED if is_refused(probability, threshold) else ACCEPTED


def decisions(probabilities: np.ndarray, threshold: float) -> np.ndarray:
    """The same rule for an array of probabilities: an array of "accepted" / "refused"."""
    return np.where(is_refused(probabilities, threshold), REFUSED, ACCEPTED)
