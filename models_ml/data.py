"""Reading the feature mart: the one SQL query of training, and the frames the model tables need.

Features come only from `client_features` (built by dbt); nothing here computes a feature.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from kernel.errors import ScoringError
from kernel.settings import Settings
from kernel.warehouse import duckdb_config

KEY_COLUMNS = ("sk_id_curr", "is_train", "target")
NUMERIC_TYPES = (
    "DOUBLE",
    "FLOAT",
    "REAL",
    "BIGINT",
    "INTEGER",
    "SMALLINT",
    "TINYINT",
    "HUGEINT",
    "UBIGINT",
    "UINTEGER",
    "USMALLINT",
    "UTINYINT",
    "BOOLEAN",
)


@dataclass
class TrainingData:
    ids: np.ndarray  # int64
    X: np.ndarray  # float64, NaN for missing
    y: np.ndarray  # int8
    features: list[str]

    @property
    def rows(self) -> int:
        return len(self.ids)

    def fingerprint(self) -> str:
        """Same data, same fingerprint: ids, target and every feature value."""
        h = hashlib.blake2b(digest_size=16)
        h.update(",".join(self.features).encode())
        for arr in (self.ids, self.y, self.X):
            h.update(np.ascontiguousarray(arr).tobytes())
        return h.hexdigest()


def open_features(settings: Settings) -> duckdb.DuckDBPyConnection:
    path = settings.features_db
    if not path.exists():
        raise ScoringError(f"{path}: no published feature warehouse; run `scoring build` first")
    try:
        return duckdb.connect(str(path), config=duckdb_config(settings, read_only=True))
    except duckdb.Error as exc:
        raise ScoringError(f"{path}: cannot open the feature warehouse ({str(exc).splitlines()[0]})") from None


def feature_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The model's inputs: numeric columns of client_features, in table order, without the key, flag and
    target, and without the protected features (feature_catalog.protected)."""
    protected = protected_features(con)
    return [f for f in numeric_columns(con) if f not in protected]


def protected_features(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Feature -> the protected attribute it is or encodes (gender, family status), from feature_catalog.
    A catalog without the column is refused: training on it would use gender as an input."""
    try:
        rows = con.execute("select feature, protected from feature_catalog where protected is not null").fetchall()
    except duckdb.Error as exc:
        raise ScoringError(
            f"feature_catalog: cannot read the protected features ({str(exc).splitlines()[0]}); run `scoring build`"
        ) from None
    return dict(rows)


def numeric_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Numeric columns of client_features, in table order, without the key, flag and target."""
    try:
        cols = con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_name = 'client_features' and table_schema = 'main' order by ordinal_position"
        ).fetchall()
    except duckdb.Error as exc:
        raise ScoringError(f"client_features: cannot read the mart ({str(exc).splitlines()[0]})") from None
    if not cols:
        raise ScoringError("client_features: table not found in the feature warehouse")
    names = {c for c, _ in cols}
    for key in KEY_COLUMNS:
        if key not in names:
            raise ScoringError(f"client_features.{key}: column missing from the mart")
    feats = [c for c, t in cols if c not in KEY_COLUMNS and t.split("(")[0].upper() in NUMERIC_TYPES]
    if not feats:
        raise ScoringError("client_features: no numeric feature column")
    return feats


def _to_matrix(result: dict[str, np.ndarray], features: list[str], order: np.ndarray) -> np.ndarray:
    X = np.empty((len(order), len(features)), dtype=np.float64)
    for j, f in enumerate(features):
        col = result.pop(f)
        X[:, j] = np.ma.filled(np.ma.asarray(col).astype(np.float64), np.nan)[order]
    return X


def _fetch_sorted(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[dict, np.ndarray]:
    """Run `sql` and return its columns with the row order that sorts sk_id_curr. Sorting in numpy:
    an ORDER BY over ~900 wide columns costs DuckDB more than the whole fetch."""
    res = con.execute(sql).fetchnumpy()
    ids = np.asarray(res["sk_id_curr"], dtype=np.int64)
    return res, np.argsort(ids, kind="stable")


def _select_list(features: list[str]) -> str:
    return ", ".join(f'cast("{f}" as double) as "{f}"' for f in features)


def load_training(con: duckdb.DuckDBPyConnection, features: list[str]) -> TrainingData:
    """The train rows: one query; rows sorted by id so that folds are reproducible."""
    sql = f"select sk_id_curr, target, {_select_list(features)} from client_features where is_train"
    res, order = _fetch_sorted(con, sql)
    ids = np.asarray(res.pop("sk_id_curr"), dtype=np.int64)[order]
    target = np.ma.asarray(res.pop("target"))[order]
    if np.ma.count_masked(target):
        raise ScoringError("client_features.target: NULL target on a train row")
    y = np.asarray(target, dtype=np.int8)
    if len(ids) == 0:
        raise ScoringError("client_features: no train rows (is_train = true)")
    if len(np.unique(y)) < 2:
        raise ScoringError("client_features.target: train rows hold only one class; cannot train")
    return TrainingData(ids, _finite(_to_matrix(res, features, order), features, ids), y, features)


def load_unlabelled(con: duckdb.DuckDBPyConnection, features: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The test rows (new applications), for scoring once the model is fitted."""
    sql = f"select sk_id_curr, {_select_list(features)} from client_features where not is_train"
    res, order = _fetch_sorted(con, sql)
    ids = np.asarray(res.pop("sk_id_curr"), dtype=np.int64)[order]
    return ids, _finite(_to_matrix(res, features, order), features, ids)


def _finite(X: np.ndarray, features: list[str], ids: np.ndarray) -> np.ndarray:
    """Missing values (NaN) are fine for the models; an infinite one crashes them deep inside scikit-learn.
    Ingest refuses infinite inputs, so this names a feature whose SQL overflowed."""
    bad = np.isinf(X)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ScoringError(
            f"client_features.{features[col]}: {int(bad[:, col].sum()):,} infinite value(s), e.g. client {ids[row]}; "
            "cannot train (check the raw values this feature is computed from)"
        )
    return X


def feature_labels(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    try:
        return {f: (lbl or f) for f, lbl in con.execute("select feature, label from feature_catalog").fetchall()}
    except duckdb.Error:
        return {}


def feature_directions(con: duckdb.DuckDBPyConnection, features: list[str]) -> list[int]:
    """feature_catalog.risk_direction per feature, in feature order: +1 risk rises with the value, -1 falls, 0 unknown."""
    try:
        known = dict(
            con.execute("select feature, risk_direction from feature_catalog where risk_direction is not null").fetchall()
        )
    except duckdb.Error as exc:
        raise ScoringError(f"feature_catalog: cannot read risk_direction ({str(exc).splitlines()[0]})") from None
    return [int(known.get(f, 0)) for f in features]


def train_profile(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Gender, family status and age band of the train clients, for the fairness table."""
    try:
        return con.execute(
            "select sk_id_curr, gender, family_status, age_band from client_profile where is_train order by sk_id_curr"
        ).df()
    except duckdb.Error as exc:
        raise ScoringError(
            f"client_profile: cannot read gender, family_status and age_band ({str(exc).splitlines()[0]})"
        ) from None


def policy_in_force(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The policy rules of the warehouse (seed policy_rules) and the share of applications each refuses,
    among the train and among the new ones; empty for a warehouse built before the policy existed."""
    try:
        return con.execute(
            """
            select r.rule_id, r.text, r.condition, r.source,
                   coalesce(avg(case when p.is_train then list_contains(p.rules_fired, r.rule_id)::int end), 0) as share_train,
                   coalesce(avg(case when not p.is_train then list_contains(p.rules_fired, r.rule_id)::int end), 0) as share_new
            from staging.policy_rules r cross join application_policy p
            group by all order by r.rule_id
            """
        ).df()
    except duckdb.Error:
        return pd.DataFrame(columns=["rule_id", "text", "condition", "source", "share_train", "share_new"])


def warehouse_built_at(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        row = con.execute("select built_at from warehouse_build").fetchone()
    except duckdb.Error:
        return None
    return row[0].isoformat(sep=" ") if row else None
