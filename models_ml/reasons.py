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
from dataclasses import dataclass

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


@dataclass(frozen=True)
class FamilyMatrix:
    """Which family each feature's contribution adds up to: built once per model and catalog (the service
    keeps one; rebuilding it per client cost more than the arithmetic)."""

    features: tuple[str, ...]
    names: tuple[str, ...]
    member: np.ndarray  # (features, families) of 0/1
    members: tuple[np.ndarray, ...]  # per family, the positions of its features

    @classmethod
    def of(cls, features: list[str], families: dict[str, str | None]) -> FamilyMatrix:
        of = [family_of(f, families) for f in features]
        names = sorted(set(of))
        col = {n: j for j, n in enumerate(names)}
        member = np.zeros((len(features), len(names)))
        member[np.arange(len(features)), [col[n] for n in of]] = 1.0
        return cls(tuple(features), tuple(names), member, tuple(np.flatnonzero(member[:, j]) for j in range(len(names))))


def reason_rows(
    ids, C: np.ndarray, raw: np.ndarray, V: np.ndarray, matrix: FamilyMatrix, calibrator: Calibrator, threshold: float, top: int
) -> list[tuple]:
    """The COLUMNS tuples of every client's reasons. C: (clients, features) contributions in log-odds, raw: each
    client's raw score (base value + every contribution), V: the feature values, columns as `matrix.features`."""
    member, names, features = matrix.member, matrix.names, matrix.features
    by_family = C @ member  # (clients, families) in log-odds
    p_with = calibrator.transform(probability(raw))
    p_without = calibrator.transform(probability(raw[:, None] - by_family).ravel()).reshape(by_family.shape)
    effect = 100.0 * (p_with[:, None] - p_without)
    refused = is_refused(p_with, threshold)
    members = matrix.members
    rows = []
    for r, cid in enumerate(ids):
        sign = 1.0 if refused[r] else -1.0
        # the families that push the way of the decision in the model, by effect on the probability, then log-odds
        # (an isotonic calibration is flat in places: a real push can move the probability by 0 points)
        candidates = np.flatnonzero(sign * by_family[r] > 0)
        order = sorted(candidates, key=lambda j: (-sign * effect[r, j], -sign * by_family[r, j]))
        order = [j for j in order if sign * effect[r, j] >= MIN_EFFECT_PP][:top] or order[:1]
        for rank, j in enumerate(order, start=1):
            idx = members[j]
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
                    float(V[r, idx[0]]),
                )
            )
    return rows


def principal_reasons(
    contributions: pd.DataFrame,
    values: pd.DataFrame,
    families: dict[str, str | None] | FamilyMatrix,
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
    matrix = families if isinstance(families, FamilyMatrix) else FamilyMatrix.of(features, families)
    if list(matrix.features) != features:
        raise ValueError("principal_reasons: the family matrix was built for other features")
    # positional, not by label: a label lookup of ~660 columns cost more than the arithmetic for one client
    A = contributions.to_numpy(dtype=np.float64)
    C = np.delete(A, columns.index("base_value"), axis=1)
    same = values.columns.tolist() == features and values.index.equals(contributions.index)
    V = (values if same else values.reindex(index=contributions.index, columns=features)).to_numpy(dtype=np.float64)
    rows = reason_rows(contributions.index, C, A.sum(axis=1), V, matrix, calibrator, threshold, top)
    return pd.DataFrame(rows, columns=COLUMNS)
