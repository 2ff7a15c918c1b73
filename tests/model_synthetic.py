"""A synthetic feature warehouse with the mart contract (client_features, feature_catalog,
client_profile, application_policy), for the model's tests that do not need the dbt pipeline."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from sklearn.datasets import make_classification

from kernel.settings import Settings


def make_synthetic_warehouse(
    warehouse: Path, n_train: int = 3000, n_test: int = 500, n_features: int = 20, seed: int = 0
) -> Settings:
    X, y = make_classification(
        n_samples=n_train + n_test,
        n_features=n_features,
        n_informative=min(8, n_features - 2),
        n_redundant=min(4, max(n_features - 10, 0)),
        weights=[0.9, 0.1],
        flip_y=0.02,
        class_sep=0.8,
        random_state=seed,
    )
    rng = np.random.default_rng(seed)
    names = [f"app_ext_source_{i + 1}" if i < 3 else f"bureau_feat_{i:02d}" for i in range(n_features)]
    X[rng.random(X.shape) < 0.05] = np.nan  # the mart has NULLs where there is no history
    ids = np.arange(100001, 100001 + n_train + n_test)
    is_train = np.arange(n_train + n_test) < n_train
    feats = pd.DataFrame(X, columns=names)
    feats.insert(0, "sk_id_curr", ids)
    feats.insert(1, "is_train", is_train)
    feats.insert(2, "target", pd.array(np.where(is_train, y, 0), dtype="Int32"))
    feats.loc[~is_train, "target"] = pd.NA
    feats["app_children"] = rng.integers(0, 4, len(ids)).astype("int64")
    # A protected feature that predicts the target: training must leave it out all the same.
    feats["app_code_gender_f"] = np.where(rng.random(len(ids)) < 0.8, np.where(is_train, y, 0), 1 - np.where(is_train, y, 0))
    profile = pd.DataFrame(
        {
            "sk_id_curr": ids,
            "is_train": is_train,
            "target": feats["target"],
            "contract_type": rng.choice(["Cash loans", "Revolving loans"], len(ids)),
            "gender": rng.choice(["F", "M"], len(ids)),
            "family_status": rng.choice(["Married", "Single / not married"], len(ids)),
            "age_years": rng.uniform(21, 68, len(ids)).round(1),
            "income_type": rng.choice(["Working", "Pensioner", "State servant"], len(ids)),
        }
    )
    profile["age_band"] = pd.cut(
        profile["age_years"], [0, 30, 40, 50, 60, 100], labels=["<30", "30-39", "40-49", "50-59", "60+"]
    ).astype(str)
    catalog = pd.DataFrame(
        {
            "feature": names + ["app_children", "app_code_gender_f"],
            "label": [f"Label of {n}" for n in names] + ["Number of children", "Gender: female"],
            "protected": [None] * (len(names) + 1) + ["gender"],
            "source_table": "synthetic",
            "source_column": None,
            "aggregation": "none",
            "description": "synthetic",
            "risk_direction": pd.array([None] * (len(names) + 2), dtype="Int64"),  # none declared: no constraint
        }
    )
    settings = Settings(warehouse=warehouse)
    warehouse.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.features_db))
    for name, df in (("client_features", feats), ("client_profile", profile), ("feature_catalog", catalog)):
        con.register("df", df)
        con.execute(f"create table {name} as select * from df")
        con.unregister("df")
    # The credit policy's verdicts (dbt's application_policy): no rule fires on these clients.
    con.execute(
        "create table application_policy as select sk_id_curr, is_train, cast([] as varchar[]) as rules_fired, "
        "cast([] as varchar[]) as rule_texts, false as refused_by_policy, cast(null as varchar) as policy_text from client_profile"
    )
    con.close()
    return settings
