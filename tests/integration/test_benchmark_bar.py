"""The bar of issue 3 (benchmarks/bar.py): the public baseline's feature families computed the
straightforward way in DuckDB and in pandas. Its two engines must agree, or the benchmark compares
different work; and where the bar and the warehouse compute the same aggregate, the warehouse's SQL is
checked against an independent pandas implementation on the pipeline's generated data."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks import bar  # noqa: E402

# warehouse feature (client_features) -> the bar's column, the same aggregate of the same raw column.
SAME_AGGREGATE = {
    "app_annuity_to_credit_ratio": "PAYMENT_RATE",
    "app_annuity_to_income_ratio": "ANNUITY_INCOME_PERC",
    "app_income_per_person": "INCOME_PER_PERSON",
    "app_employed_to_age_ratio": "DAYS_EMPLOYED_PERC",
    "bureau_days_credit_min": "BURO_DAYS_CREDIT_MIN",
    "bureau_days_credit_var": "BURO_DAYS_CREDIT_VAR",
    "bureau_amt_credit_sum_max": "BURO_AMT_CREDIT_SUM_MAX",
    "bureau_active_amt_credit_sum_mean": "ACTIVE_AMT_CREDIT_SUM_MEAN",
    "bureau_closed_days_credit_max": "CLOSED_DAYS_CREDIT_MAX",
    "prev_amt_annuity_mean": "PREV_AMT_ANNUITY_MEAN",
    "prev_approved_amt_application_max": "APPROVED_AMT_APPLICATION_MAX",
    "prev_refused_amt_annuity_min": "REFUSED_AMT_ANNUITY_MIN",
    "pos_sk_dpd_max": "POS_SK_DPD_MAX",
    "pos_months_balance_mean": "POS_MONTHS_BALANCE_MEAN",
    "cc_amt_balance_max": "CC_AMT_BALANCE_MAX",
    "cc_amt_balance_var": "CC_AMT_BALANCE_VAR",
    # Payments summed per instalment, then per client, against all payment rows summed per client.
    "inst_amt_paid_sum": "INSTAL_AMT_PAYMENT_SUM",
}


@pytest.fixture(scope="module")
def parquet(tmp_path_factory, pipeline_warehouse) -> Path:
    out = tmp_path_factory.mktemp("bar") / "parquet"
    bar.export_parquet(pipeline_warehouse / "raw.duckdb", out)
    return out


@pytest.fixture(scope="module")
def pandas_bar(parquet) -> pd.DataFrame:
    return bar.pandas_features(parquet)


def _same(sql: pd.Series, pandas: pd.Series, column: str) -> np.ndarray:
    """Row by row: equal values (missing on both sides counts as equal). pandas sums nothing but
    missing values to 0 where SQL says NULL; that difference is not a defect of either."""
    if sql.dtype.kind not in "iufb" or pandas.dtype.kind not in "iufb":
        return sql.astype("string").fillna("").to_numpy() == pandas.astype("string").fillna("").to_numpy()
    x, y = sql.astype("float64").to_numpy(), pandas.astype("float64").to_numpy()
    same = np.isclose(x, y, rtol=1e-9, atol=1e-6, equal_nan=True)
    if column.endswith("_SUM"):
        same |= np.isnan(x) & (y == 0)
    return same


def test_both_engines_compute_the_same_features(parquet, pandas_bar):
    con = bar.duckdb_features(parquet)
    sql = con.execute("select * from features order by SK_ID_CURR").df().set_index("SK_ID_CURR")
    con.close()
    pdf = pandas_bar.sort_index()
    assert bar.shape(pdf) == bar.shape(sql) and len(pdf.columns) > 700
    assert set(pdf.columns) == set(sql.columns)
    assert (pdf.index.to_numpy() == sql.index.to_numpy()).all()
    differing = []
    for column in pdf.columns:
        same = _same(sql[column], pdf[column], column)
        if not same.all():
            differing.append(f"{column}: {int((~same).sum())} rows")
    assert not differing, differing


def test_warehouse_aggregates_equal_the_bars(pipeline_warehouse, pandas_bar):
    con = duckdb.connect(str(pipeline_warehouse / "scoring.duckdb"), read_only=True)
    try:
        ours = con.execute(f"select sk_id_curr, {', '.join(SAME_AGGREGATE)} from client_features").df()
    finally:
        con.close()
    ours = ours.set_index("sk_id_curr").sort_index()
    theirs = pandas_bar.loc[ours.index, list(SAME_AGGREGATE.values())]
    for feature, column in SAME_AGGREGATE.items():
        same = _same(ours[feature], theirs[column], column)
        assert same.all(), f"{feature} != bar {column} for {int((~same).sum())} of {len(same)} clients"
        assert ours[feature].notna().sum() > 100, f"{feature}: too few clients with a value to compare"
