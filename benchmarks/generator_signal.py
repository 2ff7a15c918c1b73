"""Is the generator's signal where it should be? Oracle AUC, and application-only vs +side-table AUC.

    .venv/bin/python benchmarks/generator_signal.py [--scale 0.1] [--seed 42] [--data DIR]

Generates (or reads) a data set, aggregates a few side-table features per client in DuckDB, and
compares 5-fold CV AUCs of LightGBM on application columns alone and with the aggregates.
Aims (issue 2): oracle AUC 0.80-0.86, gap >= 0.03.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb
import lightgbm as lgb
import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from pipeline.generate import generate

SIDE_FEATURES = """
with b as (
  select SK_ID_CURR, count(*) as b_n, avg((CREDIT_DAY_OVERDUE > 0)::int) as b_overdue_share,
         max(CREDIT_DAY_OVERDUE) as b_overdue_max, avg((coalesce(AMT_CREDIT_MAX_OVERDUE, 0) > 0)::int) as b_had_overdue,
         sum(CNT_CREDIT_PROLONG) as b_prolong, avg((CREDIT_ACTIVE = 'Active')::int) as b_active_share
  from read_csv('{d}/bureau.csv') group by 1),
bb as (
  select bu.SK_ID_CURR, avg((bb.STATUS in ('1','2','3','4','5'))::int) as bb_late_share, count(*) as bb_n
  from read_csv('{d}/bureau_balance.csv') bb join read_csv('{d}/bureau.csv') bu using (SK_ID_BUREAU) group by 1),
p as (
  select SK_ID_CURR, count(*) as p_n, avg((NAME_CONTRACT_STATUS = 'Refused')::int) as p_refused_share,
         sum((NAME_CONTRACT_STATUS = 'Refused')::int) as p_refused_n
  from read_csv('{d}/previous_application.csv') group by 1),
i as (
  select SK_ID_CURR, avg((DAYS_ENTRY_PAYMENT > DAYS_INSTALMENT)::int) as i_late_share,
         avg(greatest(DAYS_ENTRY_PAYMENT - DAYS_INSTALMENT, 0)) as i_late_days,
         avg((AMT_PAYMENT < AMT_INSTALMENT * 0.95)::int) as i_short_share
  from read_csv('{d}/installments_payments.csv') group by 1),
pos as (
  select SK_ID_CURR, avg((SK_DPD > 0)::int) as pos_dpd_share, max(SK_DPD) as pos_dpd_max
  from read_csv('{d}/POS_CASH_balance.csv') group by 1),
cc as (
  select SK_ID_CURR, avg(AMT_BALANCE / nullif(AMT_CREDIT_LIMIT_ACTUAL, 0)) as cc_util,
         avg((SK_DPD > 0)::int) as cc_dpd_share
  from read_csv('{d}/credit_card_balance.csv') group by 1)
select a.SK_ID_CURR, b.* exclude (SK_ID_CURR), bb.* exclude (SK_ID_CURR), p.* exclude (SK_ID_CURR),
       i.* exclude (SK_ID_CURR), pos.* exclude (SK_ID_CURR), cc.* exclude (SK_ID_CURR)
from read_csv('{d}/application_train.csv') a
left join b using (SK_ID_CURR) left join bb using (SK_ID_CURR) left join p using (SK_ID_CURR)
left join i using (SK_ID_CURR) left join pos using (SK_ID_CURR) left join cc using (SK_ID_CURR)
order by a.SK_ID_CURR
"""


def cv_auc(x, y: np.ndarray, seed: int) -> float:
    oof = np.zeros(len(y))
    for train, valid in StratifiedKFold(5, shuffle=True, random_state=seed).split(x, y):
        model = lgb.LGBMClassifier(
            n_estimators=200,
            learning_rate=0.08,
            num_leaves=31,
            min_child_samples=50,
            subsample=0.8,
            subsample_freq=1,
            colsample_bytree=0.7,
            verbose=-1,
            random_state=seed,
            n_jobs=2,
        )
        model.fit(x.iloc[train], y[train])
        oof[valid] = model.predict_proba(x.iloc[valid])[:, 1]
    return roc_auc_score(y, oof)


def measure(data: Path, seed: int) -> dict:
    con = duckdb.connect()
    app = con.execute(f"select * from read_csv('{data}/application_train.csv') order by SK_ID_CURR").df()
    side = con.execute(SIDE_FEATURES.format(d=data)).df()
    truth = con.execute(f"select * from read_csv('{data}/truth/true_pd.csv') where IS_TRAIN = 1 order by SK_ID_CURR").df()
    y = app.pop("TARGET").to_numpy()
    app = app.drop(columns=["SK_ID_CURR"])
    for col in app.columns[app.dtypes == object].tolist() + app.select_dtypes("string").columns.tolist():  # noqa: E721
        app[col] = app[col].astype("category")
    both = app.join(side.drop(columns=["SK_ID_CURR"]))
    return {
        "applicants": len(y),
        "target_rate": float(y.mean()),
        "oracle_auc": roc_auc_score(y, truth["TRUE_PD"]),
        "app_only_auc": cv_auc(app, y, seed),
        "with_side_auc": cv_auc(both, y, seed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="0.1")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data", type=Path, default=None, help="an already generated data set")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data
        if data is None:
            data = Path(tmp) / "data"
            scale = args.scale if args.scale in ("small", "full") else float(args.scale)
            generate(data, scale=scale, seed=args.seed)
        started = time.perf_counter()
        r = measure(data, args.seed)
    print(f"applicants (train): {r['applicants']:,}   TARGET rate: {r['target_rate']:.4f}")
    print(f"oracle AUC (true PD vs TARGET):       {r['oracle_auc']:.4f}   aim 0.80-0.86")
    print(f"LightGBM 5-fold AUC, application only: {r['app_only_auc']:.4f}")
    print(f"LightGBM 5-fold AUC, + side tables:    {r['with_side_auc']:.4f}")
    print(f"gap: {r['with_side_auc'] - r['app_only_auc']:+.4f}   aim >= 0.03   ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
