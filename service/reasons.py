"""Principal reasons in words: models_ml.reasons' numbers plus, per reason, a sentence with the client's value
and the population's typical one. The one function the API, the dashboard and a warehouse table share:
`reasons_frame` takes a frame of contributions (one row per client) and returns one row per reason.

    {rank, family, sentence, effect_pp, features, client_value, typical_value}
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from kernel.settings import Settings
from models_ml.calibration import Calibrator
from models_ml.reasons import COLUMNS, MAX_REASONS, FamilyMatrix, Typical, principal_reasons, reason_rows
from service import wording

API_KEYS = ["rank", "family", "sentence", "effect_pp", "features", "client_value", "typical_value"]


def typical_values(cur: duckdb.DuckDBPyConnection, features: list[str]) -> Typical:
    """Quartiles and mean of each feature over the train clients of client_features, in one query."""
    if not features:
        return {}
    cols = ", ".join(f'quantile_cont("{f}", [0.25, 0.5, 0.75]), avg(cast("{f}" as double))' for f in features)
    row = cur.execute(f"select {cols} from client_features where is_train").fetchone()
    return {f: (tuple(row[2 * i] or (np.nan,) * 3), row[2 * i + 1]) for i, f in enumerate(features)}


def _worded(rows: list[tuple], catalog: dict[str, wording.FeatureInfo], typical: Typical) -> list[dict]:
    """models_ml.reasons' COLUMNS tuples with the API's words: the client's value, the typical one, the sentence."""
    out = []
    for row in rows:
        r = dict(zip(COLUMNS, row))
        info = catalog.get(r["feature"]) or wording.FeatureInfo(r["feature"])
        quartiles, mean = typical.get(r["feature"], (None, None))
        t = wording.typical(info, quartiles, mean)
        v = None if r["value"] is None or np.isnan(r["value"]) else float(r["value"])
        r.update(
            sentence=wording.reason_sentence(info, v, t),
            client_value=wording.value(info, v),
            typical_value=t,
            effect_pp=round(r["effect_pp"], 2),
        )
        out.append(r)
    return out


def reasons_frame(
    contributions: pd.DataFrame,
    values: pd.DataFrame,
    catalog: dict[str, wording.FeatureInfo],
    calibrator: Calibrator,
    threshold: float,
    typical: Typical,
    top: int = MAX_REASONS,
) -> pd.DataFrame:
    """One row per reason: sk_id_curr, the API_KEYS, and the numbers behind them (see models_ml.reasons).
    `typical` must cover the rows' `feature` column (typical_values of those features)."""
    rows = principal_reasons(contributions, values, {f: i.family for f, i in catalog.items()}, calibrator, threshold, top)
    worded = _worded(list(rows.itertuples(index=False, name=None)), catalog, typical)
    return pd.DataFrame(worded, columns=[*COLUMNS, "sentence", "client_value", "typical_value"], index=rows.index)


def client_reasons(
    client_id: int,
    contributions: np.ndarray,
    x: np.ndarray,
    matrix: FamilyMatrix,
    catalog: dict[str, wording.FeatureInfo],
    calibrator: Calibrator,
    threshold: float,
    typical: Typical,
) -> list[dict]:
    """The API's `reasons` of one client: the same numbers and words as reasons_frame, without a frame
    (contributions: the row's feature contributions then its base value, as LightGBM's pred_contrib)."""
    contributions = np.asarray(contributions, dtype=np.float64)
    rows = reason_rows(
        [client_id],
        contributions[None, :-1],
        np.array([contributions.sum()]),
        np.asarray(x, dtype=np.float64)[None, :],
        matrix,
        calibrator,
        threshold,
        MAX_REASONS,
    )
    return [{k: (list(r[k]) if k == "features" else r[k]) for k in API_KEYS} for r in _worded(rows, catalog, typical)]


def as_items(frame: pd.DataFrame) -> list[dict]:
    """The API's `reasons` list of one client's rows."""
    return [{k: (list(r[k]) if k == "features" else r[k]) for k in API_KEYS} for r in frame.to_dict("records")]


def batch_reasons(settings: Settings):
    """`scoring train`'s describe for client_reasons: reasons_frame on the published feature_catalog, so the
    table holds exactly the API's reasons."""
    from service.scoring_service import ScoringService

    catalog = ScoringService(settings).catalog()

    def describe(contributions: pd.DataFrame, values: pd.DataFrame, calibrator: Calibrator, threshold: float, typical: Typical):
        return reasons_frame(contributions, values, catalog, calibrator, threshold, typical).reset_index(drop=True)

    return describe
