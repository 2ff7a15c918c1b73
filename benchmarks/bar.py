"""The bar `scoring build` is measured against (issue 3): what a user would do instead.

    .venv/bin/python benchmarks/bar.py [--scale full|FRACTION] [--engine duckdb|pandas|both] [--runs N] [--with-build]
                                       [--with-dbt-run]

Issue 3 gives two reference figures for the same feature families as the warehouse, computed from
Parquet: pandas 3 (with pyarrow) in 27.6 s with 4.35 GB peak, and a straightforward DuckDB SQL version
in 21 s of query time with 8.9 GB. Those figures were taken on another day; this machine's speed varies
from day to day (BENCHMARKS.md, build). This script computes those families both ways on the same data
as `benchmarks/build.py`, so the warehouse build can be compared with the bar in the same hour.

The families are the public single-model baseline's for this data: the application table with its
categories one-hot encoded and five domain ratios; bureau_balance per bureau credit, then bureau per client
(numeric aggregates, category shares, active and closed splits); previous applications (numeric
aggregates, category shares, approved and refused splits); POS cash, instalments (days past due and
before due, paid share and difference) and credit card (every column min/max/mean/sum/var), each with a
row count; a ratio with a zero divisor is missing. 782 columns on the generated full-scale data (one per
category level found, so the count depends on the data; issue 3 says 775). Both engines compute them
straightforwardly: one GROUP BY per table and split, joined on the client, in memory, with each engine's
default settings. tests/test_benchmark_bar.py checks that the two engines agree value for value, and that
the warehouse's aggregates equal the bar's where both compute the same one.

The Parquet files are written once from the benchmark's raw tables (warehouse/bench/parquet_<scale>/) and
reused. Each engine runs in its own child process: the figures are its wall and CPU seconds (reading
Parquet included, interpreter start-up excluded from "features") and its peak RSS. With --with-build, each
round also times `scoring build` on the same raw tables (as benchmarks/build.py does) and prints the
build's time as a share of each engine's: this machine's speed changes from hour to hour, so only figures
from the same round compare. --with-dbt-run also times a bare `dbt run` (the refresh command: models and
publication, no tests) on the same warehouse. The last lines give the medians over the rounds, the ratios
of the medians, and each one's peak memory against the bar's (issue 15: the build at most 0.5 times the pandas
bar's time and half its peak memory).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.measure import Measured, run_measured  # noqa: E402

TABLES = (
    "application_train",
    "application_test",
    "bureau",
    "bureau_balance",
    "previous_application",
    "POS_CASH_balance",
    "installments_payments",
    "credit_card_balance",
)
DAYS_SENTINEL = 365243

# Numeric aggregates per family (the baseline's choice of columns and aggregates).
BUREAU_NUM = {
    "DAYS_CREDIT": ["min", "max", "mean", "var"],
    "DAYS_CREDIT_ENDDATE": ["min", "max", "mean"],
    "DAYS_CREDIT_UPDATE": ["mean"],
    "CREDIT_DAY_OVERDUE": ["max", "mean"],
    "AMT_CREDIT_MAX_OVERDUE": ["mean"],
    "AMT_CREDIT_SUM": ["max", "mean", "sum"],
    "AMT_CREDIT_SUM_DEBT": ["max", "mean", "sum"],
    "AMT_CREDIT_SUM_OVERDUE": ["mean"],
    "AMT_CREDIT_SUM_LIMIT": ["mean", "sum"],
    "AMT_ANNUITY": ["max", "mean"],
    "CNT_CREDIT_PROLONG": ["sum"],
    "MONTHS_BALANCE_MIN": ["min"],
    "MONTHS_BALANCE_MAX": ["max"],
    "MONTHS_BALANCE_SIZE": ["mean", "sum"],
}
PREV_NUM = {
    "AMT_ANNUITY": ["min", "max", "mean"],
    "AMT_APPLICATION": ["min", "max", "mean"],
    "AMT_CREDIT": ["min", "max", "mean"],
    "APP_CREDIT_PERC": ["min", "max", "mean", "var"],
    "AMT_DOWN_PAYMENT": ["min", "max", "mean"],
    "AMT_GOODS_PRICE": ["min", "max", "mean"],
    "HOUR_APPR_PROCESS_START": ["min", "max", "mean"],
    "RATE_DOWN_PAYMENT": ["min", "max", "mean"],
    "DAYS_DECISION": ["min", "max", "mean"],
    "CNT_PAYMENT": ["mean", "sum"],
}
POS_NUM = {"MONTHS_BALANCE": ["max", "mean", "size"], "SK_DPD": ["max", "mean"], "SK_DPD_DEF": ["max", "mean"]}
INSTAL_NUM = {
    "NUM_INSTALMENT_VERSION": ["nunique"],
    "DPD": ["max", "mean", "sum"],
    "DBD": ["max", "mean", "sum"],
    "PAYMENT_PERC": ["max", "mean", "sum", "var"],
    "PAYMENT_DIFF": ["max", "mean", "sum", "var"],
    "AMT_INSTALMENT": ["max", "mean", "sum"],
    "AMT_PAYMENT": ["min", "max", "mean", "sum"],
    "DAYS_ENTRY_PAYMENT": ["max", "mean", "sum"],
}
CC_AGGS = ["min", "max", "mean", "sum", "var"]
PREV_DAYS = ["DAYS_FIRST_DRAWING", "DAYS_FIRST_DUE", "DAYS_LAST_DUE_1ST_VERSION", "DAYS_LAST_DUE", "DAYS_TERMINATION"]


def export_parquet(raw_db: Path, out: Path) -> None:
    import duckdb

    if (out / "_complete").exists():
        return
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(raw_db), read_only=True)
    for table in TABLES:
        con.execute(f"copy {table.lower()} to '{out / (table + '.parquet')}' (format parquet)")
    con.close()
    (out / "_complete").touch()


# ---------------------------------------------------------------- DuckDB: straightforward SQL

SQL_AGG = {
    "min": "min({})",
    "max": "max({})",
    "mean": "avg({})",
    "sum": "sum({})",
    "var": "var_samp({})",
    "size": "count(*)",
    "nunique": "count(distinct {})",
}


def _sql_aggs(spec: dict[str, list[str]], prefix: str) -> list[str]:
    return [f'{SQL_AGG[a].format(c)} as "{prefix}{c}_{a.upper()}"' for c, aggs in spec.items() for a in aggs]


def _sql_dummies(con, table: str, columns: list[str]) -> dict[str, str]:
    """name -> 0/1 expression for each level of each category column, and one for NULL (pandas'
    get_dummies with dummy_na=True)."""
    out = {}
    for col in columns:
        levels = con.execute(f"select distinct {col} from {table} where {col} is not null order by 1").fetchall()
        for (level,) in levels:
            out[f"{col}_{level}"] = f"cast(coalesce({col} = '{level.replace(chr(39), chr(39) * 2)}', false) as double)"
        out[f"{col}_nan"] = f"cast({col} is null as double)"
    return out


def _sql_text_columns(con, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"describe {table}").fetchall() if r[1] == "VARCHAR"]


def duckdb_features(parquet: Path):
    """An in-memory DuckDB connection holding the table `features` (one row per application)."""
    import duckdb

    con = duckdb.connect()  # in memory, default settings: the straightforward way
    for table in TABLES:
        con.execute(f"create view {table.lower()} as select * from read_parquet('{parquet / (table + '.parquet')}')")

    # Application: train and test, categories one-hot, the sentinel, five ratios.
    con.execute("create table app as select * from application_train union all by name select * from application_test")
    app_text = _sql_text_columns(con, "app")
    app_dummies = _sql_dummies(con, "app", app_text)
    con.execute(f"""create table app_f as select * exclude ({", ".join(app_text)}, DAYS_EMPLOYED),
        nullif(DAYS_EMPLOYED, {DAYS_SENTINEL}) as DAYS_EMPLOYED,
        nullif(DAYS_EMPLOYED, {DAYS_SENTINEL}) / nullif(DAYS_BIRTH, 0) as DAYS_EMPLOYED_PERC,
        AMT_INCOME_TOTAL / nullif(AMT_CREDIT, 0) as INCOME_CREDIT_PERC, AMT_INCOME_TOTAL / nullif(CNT_FAM_MEMBERS, 0) as INCOME_PER_PERSON,
        AMT_ANNUITY / nullif(AMT_INCOME_TOTAL, 0) as ANNUITY_INCOME_PERC, AMT_ANNUITY / nullif(AMT_CREDIT, 0) as PAYMENT_RATE,
        {", ".join(f'{e} as "{n}"' for n, e in app_dummies.items())} from app""")

    # Bureau balance per bureau credit, then bureau per client.
    bb_dummies = _sql_dummies(con, "bureau_balance", ["STATUS"])
    con.execute(f"""create table bb as select SK_ID_BUREAU, min(MONTHS_BALANCE) as MONTHS_BALANCE_MIN,
        max(MONTHS_BALANCE) as MONTHS_BALANCE_MAX, count(*) as MONTHS_BALANCE_SIZE,
        {", ".join(f'avg({e}) as "{n}"' for n, e in bb_dummies.items())} from bureau_balance group by SK_ID_BUREAU""")
    bureau_dummies = _sql_dummies(con, "bureau", _sql_text_columns(con, "bureau"))
    con.execute(f"""create table bureau_x as select b.*, bb.* exclude (SK_ID_BUREAU),
        {", ".join(f'{e} as "{n}"' for n, e in bureau_dummies.items())}
        from bureau b left join bb using (SK_ID_BUREAU)""")
    cat_means = [f'avg("{n}") as "BURO_{n}_MEAN"' for n in [*bureau_dummies, *bb_dummies]]
    con.execute(
        f"create table buro as select SK_ID_CURR, {', '.join(_sql_aggs(BUREAU_NUM, 'BURO_') + cat_means)} "
        "from bureau_x group by SK_ID_CURR"
    )
    for split, level in (("ACTIVE", "Active"), ("CLOSED", "Closed")):
        con.execute(
            f"create table buro_{split} as select SK_ID_CURR, {', '.join(_sql_aggs(BUREAU_NUM, split + '_'))} "
            f"from bureau_x where CREDIT_ACTIVE = '{level}' group by SK_ID_CURR"
        )

    # Previous applications: sentinels, one ratio, categories, approved and refused splits.
    prev_text = _sql_text_columns(con, "previous_application")
    prev_dummies = _sql_dummies(con, "previous_application", prev_text)
    con.execute(f"""create table prev_x as select * exclude ({", ".join(PREV_DAYS)}),
        {", ".join(f"nullif({c}, {DAYS_SENTINEL}) as {c}" for c in PREV_DAYS)},
        AMT_APPLICATION / nullif(AMT_CREDIT, 0) as APP_CREDIT_PERC,
        {", ".join(f'{e} as "{n}"' for n, e in prev_dummies.items())} from previous_application""")
    cat_means = [f'avg("{n}") as "PREV_{n}_MEAN"' for n in prev_dummies]
    con.execute(
        f"create table prev as select SK_ID_CURR, {', '.join(_sql_aggs(PREV_NUM, 'PREV_') + cat_means)} "
        "from prev_x group by SK_ID_CURR"
    )
    for split, level in (("APPROVED", "Approved"), ("REFUSED", "Refused")):
        con.execute(
            f"create table prev_{split} as select SK_ID_CURR, {', '.join(_sql_aggs(PREV_NUM, split + '_'))} "
            f"from prev_x where NAME_CONTRACT_STATUS = '{level}' group by SK_ID_CURR"
        )

    # POS cash, instalments, credit card.
    pos_dummies = _sql_dummies(con, "pos_cash_balance", ["NAME_CONTRACT_STATUS"])
    con.execute(f"""create table pos as select SK_ID_CURR, {", ".join(_sql_aggs(POS_NUM, "POS_"))},
        {", ".join(f'avg({e}) as "POS_{n}_MEAN"' for n, e in pos_dummies.items())}, count(*) as POS_COUNT
        from pos_cash_balance group by SK_ID_CURR""")
    con.execute(f"""create table ins as select SK_ID_CURR, {", ".join(_sql_aggs(INSTAL_NUM, "INSTAL_"))},
        count(*) as INSTAL_COUNT from (select *, AMT_PAYMENT / nullif(AMT_INSTALMENT, 0) as PAYMENT_PERC,
        AMT_INSTALMENT - AMT_PAYMENT as PAYMENT_DIFF,
        DAYS_ENTRY_PAYMENT - DAYS_INSTALMENT as DAYS_LATE,
        case when DAYS_LATE < 0 then 0 else DAYS_LATE end as DPD, case when DAYS_LATE > 0 then 0 else -DAYS_LATE end as DBD
        from installments_payments) group by SK_ID_CURR""")
    cc_dummies = _sql_dummies(con, "credit_card_balance", ["NAME_CONTRACT_STATUS"])
    cc_numeric = [
        r[0]
        for r in con.execute("describe credit_card_balance").fetchall()
        if r[1] != "VARCHAR" and r[0] not in ("SK_ID_PREV", "SK_ID_CURR")
    ]
    cc_columns = {c: c for c in cc_numeric} | cc_dummies
    con.execute(f"""create table cc as select SK_ID_CURR,
        {", ".join(f'{SQL_AGG[a].format(e)} as "CC_{n}_{a.upper()}"' for n, e in cc_columns.items() for a in CC_AGGS)},
        count(*) as CC_COUNT from credit_card_balance group by SK_ID_CURR""")

    parts = ["buro", "buro_ACTIVE", "buro_CLOSED", "prev", "prev_APPROVED", "prev_REFUSED", "pos", "ins", "cc"]
    con.execute("create table features as select * from app_f " + " ".join(f"left join {p} using (SK_ID_CURR)" for p in parts))
    return con


# ---------------------------------------------------------------- pandas 3 (pyarrow)


def _pd_aggs(frame, spec: dict[str, list[str]], prefix: str):
    out = frame.groupby("SK_ID_CURR").agg(spec)
    out.columns = [f"{prefix}{c}_{a.upper()}" for c, a in out.columns]
    return out


def _pd_one_hot(frame, columns: list[str]):
    import pandas as pd

    dummies = pd.get_dummies(frame[columns], columns=columns, dummy_na=True, dtype="float64")
    return pd.concat([frame.drop(columns=columns), dummies], axis=1), list(dummies.columns)


def _nonzero(series):
    """A ratio with a zero divisor is missing, in both engines (not inf, whose variance is undefined)."""
    return series.where(series != 0)


def _text_columns(frame) -> list[str]:
    return [c for c in frame.columns if frame[c].dtype == "object" or str(frame[c].dtype).startswith(("str", "string"))]


def pandas_features(parquet: Path):
    """A DataFrame indexed by SK_ID_CURR (one row per application)."""
    import numpy as np
    import pandas as pd

    def read(table):
        return pd.read_parquet(parquet / f"{table}.parquet")

    app = pd.concat([read("application_train"), read("application_test")], ignore_index=True)
    app_text = _text_columns(app)
    app, _ = _pd_one_hot(app, app_text)
    app["DAYS_EMPLOYED"] = app["DAYS_EMPLOYED"].replace(DAYS_SENTINEL, np.nan)
    app["DAYS_EMPLOYED_PERC"] = app["DAYS_EMPLOYED"] / _nonzero(app["DAYS_BIRTH"])
    app["INCOME_CREDIT_PERC"] = app["AMT_INCOME_TOTAL"] / _nonzero(app["AMT_CREDIT"])
    app["INCOME_PER_PERSON"] = app["AMT_INCOME_TOTAL"] / _nonzero(app["CNT_FAM_MEMBERS"])
    app["ANNUITY_INCOME_PERC"] = app["AMT_ANNUITY"] / _nonzero(app["AMT_INCOME_TOTAL"])
    app["PAYMENT_RATE"] = app["AMT_ANNUITY"] / _nonzero(app["AMT_CREDIT"])

    bb, bb_cat = _pd_one_hot(read("bureau_balance"), ["STATUS"])
    bb_agg = bb.groupby("SK_ID_BUREAU").agg({"MONTHS_BALANCE": ["min", "max", "size"], **{c: ["mean"] for c in bb_cat}})
    bb_agg.columns = [f"{c}_{a.upper()}" if c == "MONTHS_BALANCE" else c for c, a in bb_agg.columns]
    del bb
    bureau = read("bureau")
    active = bureau["CREDIT_ACTIVE"].to_numpy()
    bureau, bureau_cat = _pd_one_hot(bureau, _text_columns(bureau))
    bureau = bureau.join(bb_agg, on="SK_ID_BUREAU")
    del bb_agg
    buro = _pd_aggs(bureau, BUREAU_NUM, "BURO_").join(_pd_aggs(bureau, {c: ["mean"] for c in [*bureau_cat, *bb_cat]}, "BURO_"))
    splits = [
        _pd_aggs(bureau[active == level], BUREAU_NUM, split + "_")
        for split, level in (("ACTIVE", "Active"), ("CLOSED", "Closed"))
    ]
    del bureau

    prev = read("previous_application")
    status = prev["NAME_CONTRACT_STATUS"].to_numpy()
    prev, prev_cat = _pd_one_hot(prev, _text_columns(prev))
    for c in PREV_DAYS:
        prev[c] = prev[c].replace(DAYS_SENTINEL, np.nan)
    prev["APP_CREDIT_PERC"] = prev["AMT_APPLICATION"] / _nonzero(prev["AMT_CREDIT"])
    prev_agg = _pd_aggs(prev, PREV_NUM, "PREV_").join(_pd_aggs(prev, {c: ["mean"] for c in prev_cat}, "PREV_"))
    splits += [
        _pd_aggs(prev[status == level], PREV_NUM, split + "_")
        for split, level in (("APPROVED", "Approved"), ("REFUSED", "Refused"))
    ]
    del prev

    pos, pos_cat = _pd_one_hot(read("POS_CASH_balance"), ["NAME_CONTRACT_STATUS"])
    pos_agg = _pd_aggs(pos, {**POS_NUM, **{c: ["mean"] for c in pos_cat}}, "POS_")
    pos_agg["POS_COUNT"] = pos.groupby("SK_ID_CURR").size()
    del pos

    ins = read("installments_payments")
    ins["PAYMENT_PERC"] = ins["AMT_PAYMENT"] / _nonzero(ins["AMT_INSTALMENT"])
    ins["PAYMENT_DIFF"] = ins["AMT_INSTALMENT"] - ins["AMT_PAYMENT"]
    ins["DPD"] = (ins["DAYS_ENTRY_PAYMENT"] - ins["DAYS_INSTALMENT"]).clip(lower=0)
    ins["DBD"] = (ins["DAYS_INSTALMENT"] - ins["DAYS_ENTRY_PAYMENT"]).clip(lower=0)
    ins_agg = _pd_aggs(ins, INSTAL_NUM, "INSTAL_")
    ins_agg["INSTAL_COUNT"] = ins.groupby("SK_ID_CURR").size()
    del ins

    cc, _ = _pd_one_hot(read("credit_card_balance"), ["NAME_CONTRACT_STATUS"])
    cc = cc.drop(columns=["SK_ID_PREV"])
    cc_agg = _pd_aggs(cc, {c: CC_AGGS for c in cc.columns if c != "SK_ID_CURR"}, "CC_")
    cc_agg["CC_COUNT"] = cc.groupby("SK_ID_CURR").size()
    del cc

    features = app.set_index("SK_ID_CURR")
    for part in [buro, *splits[:2], prev_agg, *splits[2:], pos_agg, ins_agg, cc_agg]:
        features = features.join(part, how="left")
    return features


ENGINES = {"duckdb": duckdb_features, "pandas": pandas_features}


def shape(result) -> tuple[int, int]:
    """(rows, columns) of either engine's features, the key counted as a column."""
    if hasattr(result, "shape"):
        return result.shape[0], result.shape[1] + 1
    rows = result.execute("select count(*) from features").fetchone()[0]
    return rows, len(result.execute("describe features").fetchall())


def run_one(engine: str, parquet: Path) -> None:
    """Child process: compute the features, print one JSON line with the engine's own timing."""
    started = time.perf_counter()
    result = ENGINES[engine](parquet)
    seconds = time.perf_counter() - started
    rows, cols = shape(result)
    print(json.dumps({"engine": engine, "seconds": seconds, "rows": rows, "columns": cols}))


def timed_dbt_run(warehouse: Path) -> Measured:
    """A bare `dbt run` from the repository root on `warehouse`, as an engineer refreshes features."""
    env = os.environ | {"SCORING_WAREHOUSE": str(warehouse), "DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    dbt = Path(sys.executable).with_name("dbt")
    return run_measured([str(dbt), "run", "--quiet"], cwd=ROOT, env=env)


def print_medians(rounds: list[dict[str, Measured]], timed: list[str], engines: list[str]) -> None:
    """Median wall time and peak RSS over the rounds; each timed command's against each engine's."""
    if not rounds:
        return

    def median(name: str, field: str) -> float:
        return statistics.median(getattr(r[name], field) for r in rounds)

    for name in [*timed, *engines]:
        print(f"median of {len(rounds)}: {name} {median(name, 'seconds'):.1f} s, peak RSS {median(name, 'peak_mb'):,.0f} MB")
    for name in timed:
        print(
            f"median of {len(rounds)}: {name} / bar: "
            + ", ".join(
                f"time {median(name, 'seconds') / median(e, 'seconds'):.2f} and memory "
                f"{median(name, 'peak_mb') / median(e, 'peak_mb'):.2f} ({e})"
                for e in engines
            )
        )


def main() -> None:
    from benchmarks.build import make_raw, timed_build

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="full")
    parser.add_argument("--engine", choices=["duckdb", "pandas", "both"], default="both")
    parser.add_argument("--runs", type=int, default=1, help="rounds")
    parser.add_argument("--with-build", action="store_true", help="also time `scoring build` in each round")
    parser.add_argument("--with-dbt-run", action="store_true", help="also time a bare `dbt run` in each round")
    parser.add_argument("--run-one", choices=list(ENGINES), help=argparse.SUPPRESS)
    parser.add_argument("--parquet", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_one:
        run_one(args.run_one, args.parquet)
        return
    scale = args.scale if args.scale in ("full", "small") else float(args.scale)
    bench = ROOT / "warehouse" / "bench"
    warehouse = bench / f"build_{args.scale}"
    make_raw(bench / f"generated_{args.scale}", warehouse, scale)
    parquet = bench / f"parquet_{args.scale}"
    export_parquet(warehouse / "raw.duckdb", parquet)
    engines = list(ENGINES) if args.engine == "both" else [args.engine]
    timed = {}  # the commands timed beside the bar, each round
    if args.with_build:
        timed["scoring build"] = lambda: timed_build(warehouse)
    if args.with_dbt_run:
        timed["dbt run"] = lambda: timed_dbt_run(warehouse)
    rounds: list[dict[str, Measured]] = []
    for run in range(1, args.runs + 1):
        measured: dict[str, Measured] = {}
        for name, time_it in timed.items():
            m = measured[name] = time_it()
            if m.status != 0:
                sys.exit(f"bar: {name} failed (exit {m.status})")
            print(
                f"run {run}: {name} {m.seconds:.1f} s wall, {m.cpu:.1f} s CPU, peak RSS {m.peak_mb:,.0f} MB; "
                f"load average {os.getloadavg()[0]:.1f}"
            )
        for engine in engines:
            out_file = bench / f"bar_{engine}.json"
            with out_file.open("w") as out:
                m = run_measured([sys.executable, __file__, "--run-one", engine, "--parquet", str(parquet)], stdout=out)
            if m.status != 0:
                sys.exit(f"bar: {engine} failed (exit {m.status})")
            result = json.loads(out_file.read_text().splitlines()[-1])
            # the engine's own time, without the interpreter's start-up
            measured[engine] = Measured(result["seconds"], m.cpu, m.peak_mb, m.status)
            print(
                f"run {run}: {engine:6s} features {result['seconds']:.1f} s ({m.seconds:.1f} s wall with start-up), "
                f"{m.cpu:.1f} s CPU, peak RSS {m.peak_mb:,.0f} MB; {result['rows']:,} rows x {result['columns']} columns; "
                f"load average {os.getloadavg()[0]:.1f}"
            )
        for name in timed:
            ratios = ", ".join(f"{measured[name].seconds / measured[e].seconds:.2f} ({e})" for e in engines)
            print(f"run {run}: {name} / bar: {ratios}")
        rounds.append(measured)
    print_medians(rounds, list(timed), engines)
    print(
        "issue 3's figures for the bar (another day): DuckDB 21 s and 8.9 GB, pandas 27.6 s and 4.35 GB; "
        "its 15 s target is 0.71 and 0.54 of them"
    )


if __name__ == "__main__":
    main()
