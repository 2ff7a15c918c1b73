"""The model tables, published as one new `model.duckdb` (readers never see half a run).

model_runs         one row per run ever (rows of the previous file are carried forward)
client_scores      every client: calibrated probability, raw score, decision, run id
global_importance  mean |SHAP| per feature, with the catalog's label
threshold_curve    cost and confusion counts per threshold
calibration        reliability table (mean predicted against observed default rate)
fairness           approval rate, FNR, FPR by gender and age band
roc_curve          out-of-fold ROC curve
client_vectors     standardised vectors of the most important features, FLOAT[n], for neighbours
client_rows        each client's values of the features the model splits on, DOUBLE[m] (exact),
                   so that scoring one client reads one array instead of ~900 columns
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from kernel.settings import Settings
from kernel.warehouse import building, duckdb_config, sql_literal


def previous_runs(settings: Settings) -> pd.DataFrame | None:
    """The model_runs rows of the published model.duckdb, if there is one that can be read."""
    if not settings.model_db.exists():
        return None
    # A fresh in-memory database that attaches the file: `duckdb.connect(path)` could hand back a
    # database this process already holds open on the file's previous publication.
    con = duckdb.connect(config=duckdb_config(settings))
    try:
        con.execute(f"attach {sql_literal(str(settings.model_db))} as previous (read_only)")
        return con.execute("select * from previous.model_runs").df()
    except duckdb.Error:
        return None
    finally:
        con.close()


def _vectors_arrow(frame: pd.DataFrame, vectors: np.ndarray) -> pa.Table:
    dim = vectors.shape[1]
    flat = pa.array(np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1))
    return pa.table(
        {
            "sk_id_curr": pa.array(frame["sk_id_curr"].to_numpy(np.int64)),
            "is_train": pa.array(frame["is_train"].to_numpy(bool)),
            "target": pa.array([None if pd.isna(v) else int(v) for v in frame["target"]], type=pa.int32()),
            "probability": pa.array(frame["probability"].to_numpy(np.float64)),
            "vec": pa.FixedSizeListArray.from_arrays(flat, dim),
        }
    )


def write_model_db(
    settings: Settings,
    run_row: dict,
    tables: dict[str, pd.DataFrame],
    vectors_frame: pd.DataFrame,
    vectors: np.ndarray,
    rows: np.ndarray,
) -> None:
    old = previous_runs(settings)
    runs = pd.DataFrame([run_row])
    if old is not None and len(old):
        old = old[old["run_id"] != run_row["run_id"]]
        runs = pd.concat([old, runs], ignore_index=True)
    with building(settings.model_db, settings) as con:
        con.register("runs_df", runs)
        con.execute("create table model_runs as select * from runs_df order by run_id")
        con.unregister("runs_df")
        for name, df in tables.items():
            con.register("df", df)
            con.execute(f"create table {name} as select * from df")
            con.unregister("df")
        arrow = _vectors_arrow(vectors_frame, vectors)
        con.register("vec_arrow", arrow)
        con.execute(
            f"create table client_vectors as select sk_id_curr, is_train, target, probability, "
            f"vec::FLOAT[{vectors.shape[1]}] as vec from vec_arrow order by sk_id_curr"
        )
        con.unregister("vec_arrow")
        con.register(
            "rows_arrow",
            pa.table(
                {
                    "sk_id_curr": pa.array(vectors_frame["sk_id_curr"].to_numpy(np.int64)),
                    "x": pa.FixedSizeListArray.from_arrays(
                        pa.array(np.ascontiguousarray(rows, dtype=np.float64).reshape(-1)), rows.shape[1]
                    ),
                }
            ),
        )
        con.execute(
            f"create table client_rows as select sk_id_curr, x::DOUBLE[{rows.shape[1]}] as x from rows_arrow order by sk_id_curr"
        )
        con.unregister("rows_arrow")
        con.execute("create unique index client_scores_id on client_scores (sk_id_curr)")
