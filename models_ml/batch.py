"""Batch scoring of every client of the mart with the model in service.

Reads only the columns the trees split on (the others cannot change a score), in one query.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kernel.errors import ScoringError
from kernel.settings import Settings
from models_ml import registry
from models_ml.calibration import Calibrator
from models_ml.data import open_features
from models_ml.decision import decisions, probability


def score_all(settings: Settings) -> pd.DataFrame:
    run_id = registry.current_run_id(settings)
    if run_id is None:
        raise ScoringError(f"{settings.models_dir / registry.CURRENT}: no model in service; run `scoring train` first")
    model = registry.load_run(settings, run_id)
    used = model.record.get("row_features") or model.features
    con = open_features(settings)
    try:
        cols = ", ".join(f'cast("{f}" as double) as "{f}"' for f in used)
        # no ORDER BY: sorting ~600 wide columns in DuckDB costs more than the whole scoring
        res = con.execute(f"select sk_id_curr, is_train, {cols} from client_features").fetchnumpy()
    finally:
        con.close()
    ids = np.asarray(res.pop("sk_id_curr"), dtype=np.int64)
    X = np.full((len(ids), len(model.features)), np.nan)
    pos = {f: j for j, f in enumerate(model.features)}
    for f in used:
        X[:, pos[f]] = np.ma.filled(np.ma.asarray(res.pop(f)).astype(np.float64), np.nan)
    raw = model.booster.predict(X, raw_score=True)
    p = Calibrator.from_dict(model.record["calibration"]).transform(probability(raw))
    out = pd.DataFrame(
        {
            "sk_id_curr": ids,
            "is_train": np.asarray(res["is_train"], dtype=bool),
            "probability": p,
            "raw_score": raw,
            "decision": decisions(p, model.threshold),
            "run_id": run_id,
        }
    )
    return out.sort_values("sk_id_curr", kind="mergesort", ignore_index=True)
