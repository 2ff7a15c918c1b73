"""What-if: edit a client's application fields and recompute the app_* features with the warehouse's
own SQL (the `application_features(rel)` table function the dbt models use), never in Python."""

from __future__ import annotations

import math
import uuid

import duckdb
import numpy as np
import pandas as pd

from scoring.kaggle_schema import FILES

# Editable fields: every application column except the key and the target.
EDITABLE = {c.name: c for c in FILES["application_train"].columns if c.name not in ("SK_ID_CURR", "TARGET")}
NON_NEGATIVE_PREFIXES = ("AMT_", "CNT_", "OWN_CAR_AGE", "OBS_", "DEF_")


def validate_changes(changes: dict) -> dict:
    """The changes, checked against the Kaggle application columns and their types."""
    from models_ml.service import InvalidField

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
        clean[name] = float(value) if col.kind == "float" else int(value)
    return clean


class WhatIf:
    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self.cursor = cursor

    def app_features(self, application: pd.DataFrame) -> pd.DataFrame:
        """app_* features of application rows (Kaggle columns), by the warehouse's table function."""
        name = f"what_if_{uuid.uuid4().hex[:12]}"
        self.cursor.register(name, application)
        try:
            return self.cursor.execute(f"select * from application_features('{name}')").df()
        finally:
            self.cursor.unregister(name)

    def edited_features(
        self, raw_application: pd.DataFrame, changes: dict, features: list[str], x: np.ndarray, only: set[str] | None = None
    ) -> tuple[np.ndarray, dict]:
        applied = validate_changes(changes)
        edited = raw_application.drop(columns=[c for c in ("TARGET",) if c in raw_application.columns]).copy()
        for name, value in applied.items():
            kind = EDITABLE[name].kind
            edited[name] = pd.Series([value] * len(edited), dtype="object" if kind == "category" else "float64", index=edited.index)
        recomputed = self.app_features(edited).iloc[0]
        out = x.copy()
        for j, f in enumerate(features):
            if f in recomputed.index and f != "sk_id_curr" and (only is None or f in only):
                v = recomputed[f]
                out[j] = np.nan if v is None or pd.isna(v) else float(v)
        return out, applied
