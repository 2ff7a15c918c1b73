"""What-if: edit a client's application fields and recompute the app_* features with the warehouse's
own SQL (the `application_features(rel)` table function the dbt models use), never in Python."""

from __future__ import annotations

import math
import uuid

import duckdb
import numpy as np
import pandas as pd

from kernel.errors import InvalidField
from kernel.kaggle_schema import FILES

# Editable fields: every application column except the key and the target.
EDITABLE = {c.name: c for c in FILES["application_train"].columns if c.name not in ("SK_ID_CURR", "TARGET")}
NON_NEGATIVE_PREFIXES = ("AMT_", "CNT_", "OWN_CAR_AGE", "OBS_", "DEF_")
DAYS_EMPLOYED_PLACEHOLDER = 365243  # Kaggle's "not employed" (pensioners, unemployed)
# Plausible values of the numeric fields, in Kaggle's units (days are counted back from the application,
# so they are negative): a value outside is a typing mistake to point out, not a client to score.
# The first rule whose name or prefix matches applies; the real data's extremes are well inside.
PLAUSIBLE: list[tuple[str, float, float, str]] = [
    ("DAYS_BIRTH", -36525, -6570, "an age of 18 to 100 years, in days before the application (negative)"),
    ("DAYS_", -36525, 0, "days before the application (0 or negative, at most 100 years)"),
    ("EXT_SOURCE_", 0, 1, "a normalised score from 0 to 1"),
    ("REGION_POPULATION_RELATIVE", 0, 1, "a share from 0 to 1"),
    ("REGION_RATING_CLIENT", 1, 3, "a rating of 1, 2 or 3"),
    ("HOUR_APPR_PROCESS_START", 0, 23, "an hour from 0 to 23"),
    ("FLAG_", 0, 1, "0 or 1"),
    ("REG_", 0, 1, "0 or 1"),
    ("LIVE_", 0, 1, "0 or 1"),
    ("CNT_CHILDREN", 0, 20, "0 to 20 children"),
    ("CNT_FAM_MEMBERS", 1, 21, "1 to 21 family members"),
    ("OWN_CAR_AGE", 0, 100, "a car age of 0 to 100 years"),
    ("OBS_", 0, 1000, "0 to 1,000 people"),
    ("DEF_", 0, 1000, "0 to 1,000 people"),
    ("AMT_REQ_CREDIT_BUREAU_", 0, 1000, "0 to 1,000 enquiries"),
    ("AMT_", 0, 1e9, "an amount from 0 to 1,000,000,000"),
]
NORMALISED_SUFFIXES = ("_AVG", "_MODE", "_MEDI")  # building information, normalised to 0-1 by Kaggle


def plausible_range(name: str) -> tuple[float, float, str] | None:
    if name.endswith(NORMALISED_SUFFIXES):
        return 0, 1, "a normalised value from 0 to 1"
    for prefix, lo, hi, words in PLAUSIBLE:
        if name.startswith(prefix):
            return lo, hi, words
    return None


def validate_changes(changes: dict, levels: dict[str, set[str]] | None = None) -> dict:
    """The changes, checked against the Kaggle application columns, their types and plausible values;
    `levels` gives the known values of category columns (those the data has), when known."""

    if not isinstance(changes, dict) or not changes:
        raise InvalidField("changes: give at least one application field to change")
    clean: dict = {}
    for name, value in changes.items():
        col = EDITABLE.get(name)
        if col is None:
            raise InvalidField(f"{name}: not an editable application field (Kaggle column names, e.g. AMT_INCOME_TOTAL)")
        if value is None:
            clean[name] = None
            continue
        if col.kind == "category":
            if not isinstance(value, str) or not value.strip():
                raise InvalidField(f"{name}: expected a text value, got {value!r}")
            known = (levels or {}).get(name)
            if known and value not in known:
                raise InvalidField(f"{name}: {value[:60]!r} is not a known value; one of: {', '.join(sorted(known))}")
            clean[name] = value
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidField(f"{name}: expected a number, got {value!r}")
        if not math.isfinite(float(value)):
            raise InvalidField(f"{name}: expected a finite number, got {value!r}")
        if col.kind == "integer" and float(value) != int(value):
            raise InvalidField(f"{name}: expected a whole number, got {value!r}")
        if name.startswith(NON_NEGATIVE_PREFIXES) and value < 0:
            raise InvalidField(f"{name}: must not be negative, got {value!r}")
        bounds = plausible_range(name)
        if (
            bounds
            and not bounds[0] <= value <= bounds[1]
            and not (name == "DAYS_EMPLOYED" and value == DAYS_EMPLOYED_PLACEHOLDER)
        ):
            raise InvalidField(f"{name}: {value:g} is not plausible; expected {bounds[2]}")
        clean[name] = float(value) if col.kind == "float" else int(value)
    return clean


class WhatIf:
    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self.cursor = cursor

    def _table_function(self, function: str, application: pd.DataFrame) -> pd.DataFrame:
        """One of the warehouse's table functions (made by the dbt project) over application rows in Kaggle's columns."""
        name = f"what_if_{uuid.uuid4().hex[:12]}"
        self.cursor.register(name, application)
        try:
            return self.cursor.execute(f"select * from {function}('{name}')").df()
        finally:
            self.cursor.unregister(name)

    def app_features(self, application: pd.DataFrame) -> pd.DataFrame:
        """app_* features of application rows (Kaggle columns), by the warehouse's table function."""
        return self._table_function("application_features", application)

    def known_levels(self, columns: list[str]) -> dict[str, set[str]]:
        """The values each category column has in the raw applications (train and test)."""
        out = {}
        for c in columns:
            rows = self.cursor.execute(
                f'select distinct "{c}" from raw.application_train union select distinct "{c}" from raw.application_test'
            ).fetchall()
            out[c] = {v for (v,) in rows if v is not None}
        return out

    def policy(self, application: pd.DataFrame) -> pd.DataFrame:
        """The credit policy's rules on application rows (Kaggle columns), by the warehouse's table function
        (the rules of the seed policy_rules as the last build compiled them)."""
        return self._table_function("application_policy_of", application)

    def edit(self, raw_application: pd.DataFrame, changes: dict) -> tuple[pd.DataFrame, dict]:
        """The application with the validated changes applied (its own id kept), and those changes."""
        applied = validate_changes(
            changes, self.known_levels([n for n in changes if n in EDITABLE and EDITABLE[n].kind == "category"])
        )
        return self.edited_applications(raw_application, [applied]), applied

    def edited_applications(self, raw_application: pd.DataFrame, edits: list[dict]) -> pd.DataFrame:
        """One application row (Kaggle columns, no TARGET) per edit (validated changes) of the application."""
        base = raw_application.drop(columns=[c for c in ("TARGET",) if c in raw_application.columns])
        edited = base.iloc[[0] * len(edits)].reset_index(drop=True)
        for name in {n for e in edits for n in e}:
            kind = EDITABLE[name].kind
            column = edited[name].astype("object" if kind == "category" else "float64")
            for i, e in enumerate(edits):
                if name in e:
                    column.iat[i] = e[name]
            edited[name] = column
        return edited

    def features_of(self, edited: pd.DataFrame, features: list[str], x: np.ndarray, only: set[str] | None = None) -> np.ndarray:
        """x with the app_* features recomputed from the edited application rows (those in `only`, when given):
        one model row per application row; the other features stay as in `x`."""
        edited = edited.assign(SK_ID_CURR=np.arange(len(edited), dtype=np.int64))  # puts the rows back in order
        recomputed = self.app_features(edited).sort_values("sk_id_curr", kind="mergesort")
        out = np.tile(x, (len(edited), 1))
        for j, f in enumerate(features):
            if f in recomputed.columns and f != "sk_id_curr" and (only is None or f in only):
                out[:, j] = pd.to_numeric(recomputed[f], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        return out[0] if len(edited) == 1 else out

    def edited_rows(
        self, raw_application: pd.DataFrame, edits: list[dict], features: list[str], x: np.ndarray, only: set[str] | None = None
    ) -> np.ndarray:
        """One model row per edit of the application (validated changes), the app_* features recomputed in one
        query; the other features (and those outside `only`) stay as in `x`."""
        return np.atleast_2d(self.features_of(self.edited_applications(raw_application, edits), features, x, only))
