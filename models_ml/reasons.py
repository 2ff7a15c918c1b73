"""Principal reasons, in numbers: the SHAP contributions of related features (one catalog `family`) add up to
one reason, whose effect is in percentage points of the calibrated probability:

    effect_pp = 100 * (calibrated p with every contribution - calibrated p without the family's)

A refusal gets the (at most four) families that raise the risk most, an acceptance those that lower it most;
a family that moves the probability by less than MIN_EFFECT_PP is not a reason (where the isotonic
calibration is flat, a real push in the model can leave the probability where it is), unless no family
moves it that much: then the strongest push alone is given.
Batch first: a frame of contributions in (one row per client), one row per reason out; one client is a
one-row frame. The words are service/reasons.py's.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from models_ml.calibration import Calibrator
from models_ml.decision import is_refused, probability

MAX_REASONS = 4
MIN_EFFECT_PP = 0.05  # under this, the effect reads "+0.0 points": nothing to tell a client
COLUMNS = ["sk_id_curr", "rank", "family", "effect_pp", "effect_log_odds", "features", "feature", "value"]


Typical = dict[str, tuple[tuple[float, float, float], float]]  # feature -> (quartiles, mean) over the train rows


def typical_values(X: np.ndarray, features: list[str]) -> Typical:
    """Quartiles and mean of each feature over the rows of X (the train clients), NaN ignored: what the
    sentences call "most clients"."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN column gives NaN, shown as "no data"
        q = np.nanpercentile(X, [25, 50, 75], axis=0)
        mean = np.nanmean(X, axis=0)
    return {f: ((float(q[0, j]), float(q[1, j]), float(q[2, j])), float(mean[j])) for j, f in enumerate(features)}


def family_of(feature: str, families: dict[str, str | None]) -> str:
    """A feature without a family in the catalog is a reason of its own."""
    return families.get(feature) or feature


def principal_reasons(
    contributions: pd.DataFrame,
    values: pd.DataFrame,
    families: dict[str, str | None],
    calibrator: Calibrator,
    threshold: float,
    top: int = MAX_REASONS,
) -> pd.DataFrame:
    """contributions: index sk_id_curr, one column per feature (log-odds) and `base_value`; values: the same
    clients' feature values. Returns COLUMNS: per client its reasons ranked 1..top; `features` the family's
    features that moved the score, strongest first; `feature`/`value` the strongest of them, which the
    sentence quotes."""
    columns = contributions.columns.tolist()  # a plain list: iterating pandas' Arrow-backed labels is slow
    features = [c for c in columns if c != "base_value"]
    names = sorted({family_of(f, families) for f in features})
    member = np.zeros((len(features), len(names)))
    col_of = {n: j for j, n in enumerate(names)}
    for i, f in enumerate(features):
        member[i, col_of[family_of(f, families)]] = 1.0
    # positional, not by label: a label lookup of ~660 columns cost more than the arithmetic for one client
    A = contributions.to_numpy(dtype=np.float64)
    C = np.delete(A, columns.index("base_value"), axis=1)
    raw = A.sum(axis=1)  # base value + every contribution
    by_family = C @ member  # (clients, families) in log-odds
    p_with = calibrator.transform(probability(raw))
    p_without = calibrator.transform(probability(raw[:, None] - by_family).ravel()).reshape(by_family.shape)
    effect = 100.0 * (p_with[:, None] - p_without)
    refused = is_refused(p_with, threshold)
    same = values.columns.tolist() == features and values.index.equals(contributions.index)
    V = (values if same else values.reindex(index=contributions.index, columns=features)).to_numpy(dtype=np.float64)
    rows = []
    for r, cid in enumerate(contributions.index):
        sign = 1.0 if refused[r] else -1.0
        # the families that push the way of the decision in the model, by effect on the probability, then log-odds
        # (an isotonic calibration is flat in places: a real push can move the probability by 0 points)
        candidates = np.flatnonzero(sign * by_family[r] > 0)
        order = sorted(candidates, key=lambda j: (-sign * effect[r, j], -sign * by_family[r, j]))
        order = [j for j in order if sign * effect[r, j] >= MIN_EFFECT_PP][:top] or order[:1]
        for rank, j in enumerate(order, start=1):
            idx = np.flatnonzero(member[:, j])
            idx = idx[np.argsort(-sign * C[r, idx], kind="mergesort")]
            idx = idx[sign * C[r, idx] > 0] if (sign * C[r, idx] > 0).any() else idx[:1]
            rows.append(
                (
                    cid,
                    rank,
                    names[j],
                    float(effect[r, j]),
                    float(by_family[r, j]),
                    [features[i] for i in idx],
                    features[idx[0]],
                    V[r, idx[0]],
                )
            )
    return pd.DataFrame(rows, columns=COLUMNS)
