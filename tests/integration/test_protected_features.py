"""Training's feature selection leaves the protected features out, reading feature_catalog.protected, and
refuses a catalog that does not say which features are protected (it would train on gender)."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from model_synthetic import make_synthetic_warehouse

from kernel.errors import ScoringError
from models_ml.data import feature_columns, numeric_columns, protected_features


def test_protected_features_are_not_model_inputs(tmp_path):
    settings = make_synthetic_warehouse(tmp_path / "wh", n_train=300, n_test=50, n_features=12)
    con = duckdb.connect(str(settings.features_db), read_only=True)
    try:
        assert "app_code_gender_f" in numeric_columns(con)  # in the mart, and it predicts the target
        assert protected_features(con) == {"app_code_gender_f": "gender"}
        assert "app_code_gender_f" not in feature_columns(con)
        assert len(feature_columns(con)) == len(numeric_columns(con)) - 1
    finally:
        con.close()


def test_a_catalog_without_the_protected_column_is_refused(tmp_path):
    settings = make_synthetic_warehouse(tmp_path / "wh", n_train=300, n_test=50, n_features=12)
    con = duckdb.connect(str(settings.features_db))
    try:
        con.execute("alter table feature_catalog drop column protected")
        with pytest.raises(ScoringError, match="feature_catalog: cannot read the protected features"):
            feature_columns(con)
    finally:
        con.close()
