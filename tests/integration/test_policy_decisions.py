"""Decisions a relationship manager can defend (issue 16): protected attributes out of the model, the credit
policy in SQL before the model (seed -> application_policy, application_policy_of, final_decision), the
what-if through the same rules, the model card, and the API's `policy`. On a warehouse built by the real
pipeline (generate -> ingest -> build -> train)."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys

import duckdb
import httpx
import pandas as pd
import pytest
from conftest import TEST_PASSWORD, TEST_USER
from live_server import REPO

from kernel.settings import Settings
from models_ml.model_card import SECTIONS
from service.scoring_service import ScoringService

pytestmark = pytest.mark.slow

DEFAULT_RULES = {"annuity_over_half_income", "credit_over_13_times_income", "income_not_positive", "over_70_at_end_of_credit"}
BORROWING_100_TIMES_INCOME = {"AMT_INCOME_TOTAL": 30000, "AMT_CREDIT": 3000000, "AMT_ANNUITY": 150000}


@pytest.fixture(scope="module")
def service(pipeline_warehouse) -> ScoringService:
    return ScoringService(Settings(warehouse=pipeline_warehouse))


def warehouse_con(warehouse) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(warehouse / "scoring.duckdb"), read_only=True)
    con.execute(f"attach '{warehouse / 'raw.duckdb'}' as raw (read_only)")
    return con


def current_run(warehouse) -> str:
    return (warehouse / "models" / "CURRENT").read_text().strip()


# -- protected attributes --------------------------------------------------------------------------


def test_protected_features_are_kept_in_the_warehouse_but_are_not_model_inputs_nor_reasons(
    pipeline_warehouse, service, client_id
):
    con = warehouse_con(pipeline_warehouse)
    try:
        protected = dict(con.execute("select feature, protected from feature_catalog where protected is not null").fetchall())
        columns = {
            c
            for (c,) in con.execute(
                "select column_name from information_schema.columns where table_name = 'client_features'"
            ).fetchall()
        }
        profile = {
            c
            for (c,) in con.execute(
                "select column_name from information_schema.columns where table_name = 'client_profile'"
            ).fetchall()
        }
    finally:
        con.close()
    assert protected["app_code_gender_f"] == protected["app_code_gender_m"] == "gender"
    assert protected["app_name_family_status_married"] == protected["app_cnt_fam_members"] == "family status"
    assert protected["app_income_per_person"] == "family status"  # derived from the household size
    assert set(protected) <= columns and {"gender", "family_status"} <= profile  # kept for fairness reporting

    record = json.loads((pipeline_warehouse / "models" / current_run(pipeline_warehouse) / "run.json").read_text())
    assert not set(protected) & set(record["features"])
    assert record["protected_features"] == protected
    explanation = service.explanation(client_id, top=50)
    assert not {c["feature"] for c in explanation["contributions"]} & set(protected)
    assert not any(c["label"].startswith(("Gender", "Family status")) for c in explanation["contributions"])
    assert not {r["feature"] for r in service.importance()} & set(protected)
    assert not {r["feature"] for r in service.comparable_features(limit=50)} & set(protected)


def test_fairness_table_covers_gender_family_status_and_age_band_with_flags(service):
    fairness = pd.DataFrame(service.model_info()["fairness"])
    assert {"gender", "family_status", "age_band"} <= set(fairness["attribute"])
    assert {"flag_approval", "flag_missed_default", "flagged", "flag_reason"} <= set(fairness.columns)
    flagged = fairness[fairness["flagged"]]
    assert flagged["flag_reason"].notna().all() and fairness.loc[~fairness["flagged"], "flag_reason"].isna().all()


# -- the credit policy -----------------------------------------------------------------------------


def crafted_applications(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One real application in Kaggle's columns, edited into cases each default rule decides."""
    base = con.execute('select * exclude ("TARGET") from raw.application_train limit 1').df()
    cases = {
        1: {"AMT_INCOME_TOTAL": 200_000, "AMT_CREDIT": 400_000, "AMT_ANNUITY": 20_000, "DAYS_BIRTH": -40 * 365},
        2: {"AMT_INCOME_TOTAL": 200_000, "AMT_CREDIT": 400_000, "AMT_ANNUITY": 120_000, "DAYS_BIRTH": -40 * 365},
        3: {"AMT_INCOME_TOTAL": 200_000, "AMT_CREDIT": 2_700_000, "AMT_ANNUITY": 30_000, "DAYS_BIRTH": -40 * 365},
        4: {"AMT_INCOME_TOTAL": 0, "AMT_CREDIT": 400_000, "AMT_ANNUITY": 20_000, "DAYS_BIRTH": -40 * 365},
        5: {"AMT_INCOME_TOTAL": 200_000, "AMT_CREDIT": 400_000, "AMT_ANNUITY": 5_000, "DAYS_BIRTH": -66 * 365},
        6: {"AMT_INCOME_TOTAL": 200_000, "AMT_CREDIT": 400_000, "AMT_ANNUITY": 5_000, "DAYS_BIRTH": -60 * 365},
    }
    rows = []
    for sk_id, values in cases.items():
        row = base.copy()
        row["SK_ID_CURR"] = sk_id
        for k, v in values.items():
            row[k] = float(v)
        rows.append(row)
    return pd.concat(rows, ignore_index=True)


def test_default_rules_fire_on_crafted_applications(pipeline_warehouse):
    con = warehouse_con(pipeline_warehouse)
    try:
        con.register("crafted", crafted_applications(con))
        fired = {
            i: set(rules)
            for i, rules, refused in con.execute(
                "select sk_id_curr, rules_fired, refused_by_policy from application_policy_of('crafted')"
            ).fetchall()
            if refused == bool(rules)
        }
    finally:
        con.close()
    assert fired == {
        1: set(),  # an affordable credit
        2: {"annuity_over_half_income"},  # 120,000 > 100,000
        3: {"credit_over_13_times_income"},  # 2,700,000 > 13 x 200,000
        4: {"income_not_positive", "annuity_over_half_income", "credit_over_13_times_income"},
        5: {"over_70_at_end_of_credit"},  # 66 years + 80 months
        6: set(),  # 60 years + 80 months = 66.7
    }


def test_application_policy_is_the_default_rules_on_every_application(pipeline_warehouse):
    con = warehouse_con(pipeline_warehouse)
    try:
        built = con.execute("select sk_id_curr, rules_fired, refused_by_policy, policy_text from application_policy").df()
        columns = (
            '"SK_ID_CURR" as sk_id_curr, "AMT_INCOME_TOTAL" as income, "AMT_CREDIT" as credit, "AMT_ANNUITY" as annuity, '
            '"DAYS_BIRTH" as days_birth'
        )
        raw = con.execute(
            f"select {columns} from raw.application_train union all select {columns} from raw.application_test"
        ).df()
        rules = {r for (r,) in con.execute("select rule_id from staging.policy_rules").fetchall()}
    finally:
        con.close()
    assert rules == DEFAULT_RULES
    df = raw.merge(built, on="sk_id_curr", how="outer", validate="one_to_one")
    assert len(df) == len(raw) == len(built)
    expected = {
        "annuity_over_half_income": df["annuity"] > 0.5 * df["income"],
        "credit_over_13_times_income": df["credit"] > 13 * df["income"],
        "income_not_positive": df["income"].isna() | (df["income"] <= 0),
        "over_70_at_end_of_credit": -df["days_birth"] / 365.25 + df["credit"] / (12 * df["annuity"]) > 70,
    }
    for rule, fires in expected.items():
        assert (df["rules_fired"].map(lambda r, rule=rule: rule in list(r)) == fires.fillna(False)).all(), rule
    assert (df["refused_by_policy"] == (df["rules_fired"].map(len) > 0)).all()
    assert df.loc[df["refused_by_policy"], "policy_text"].str.startswith("Refused by policy: ").all()
    assert df["refused_by_policy"].any()  # the generated data has applications the policy refuses


def copy_project(dest, edit_rule: tuple[str, str]) -> None:
    """The dbt project (dbt_project.yml, profiles.yml, dbt_project/) with one rule's condition edited in the seed."""
    dest.mkdir()
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(REPO / name, dest / name)
    shutil.copytree(REPO / "dbt_project", dest / "dbt_project")
    seed = dest / "dbt_project" / "seeds" / "policy_rules.csv"
    with seed.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["rule_id"] == edit_rule[0]:
            row["condition"] = edit_rule[1]
    with seed.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_editing_the_seed_and_dbt_build_changes_final_decisions_without_retraining(pipeline_warehouse, tmp_path):
    # The pipeline built before it trained: final_decision was empty then, saying why in the build log.
    con = warehouse_con(pipeline_warehouse)
    try:
        assert con.execute("select count(*) from final_decision").fetchone()[0] == 0
    finally:
        con.close()

    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    for name in ("raw.duckdb", "model.duckdb"):
        shutil.copy(pipeline_warehouse / name, warehouse / name)
    shutil.copytree(pipeline_warehouse / "models", warehouse / "models")
    run_id, model_bytes = current_run(warehouse), digest(warehouse / "model.duckdb")
    project = tmp_path / "project"
    copy_project(project, ("credit_over_13_times_income", "amt_credit > 3 * amt_income_total"))
    env = {**os.environ, "SCORING_WAREHOUSE": str(warehouse), "PYTHONPATH": str(REPO)}
    dbt = os.path.join(os.path.dirname(sys.executable), "dbt")
    proc = subprocess.run(
        [dbt, "build", "--project-dir", str(project), "--profiles-dir", str(project)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert proc.returncode == 0, proc.stdout[-4000:]

    assert current_run(warehouse) == run_id and digest(warehouse / "model.duckdb") == model_bytes  # no retraining
    con = duckdb.connect(str(warehouse / "scoring.duckdb"), read_only=True)
    try:
        con.execute(f"attach '{warehouse / 'model.duckdb'}' as model (read_only)")
        final = con.execute("select * from final_decision").df()
        scores = con.execute("select count(*) from model.client_scores").fetchone()[0]
        credit_ratio = con.execute(
            "select sk_id_curr, amt_credit / amt_income_total as ratio from intermediate.int_applications__cleaned"
        ).df()
    finally:
        con.close()
    assert len(final) == scores
    final = final.merge(credit_ratio, on="sk_id_curr")
    edited_fires = final["rules_fired"].map(lambda r: "credit_over_13_times_income" in list(r))
    assert (edited_fires == (final["ratio"] > 3)).all()  # the edited condition, not the default 13
    assert edited_fires.mean() > 0.2
    assert (final.loc[final["refused_by_policy"], "decision"] == "refused").all()
    assert (final.loc[~final["refused_by_policy"], "decision"] == final.loc[~final["refused_by_policy"], "model_decision"]).all()
    overruled = final[final["refused_by_policy"] & (final["model_decision"] == "accepted")]
    assert len(overruled) > 0

    # The service follows the new policy at once: the model accepts, the policy refuses.
    service = ScoringService(Settings(warehouse=warehouse))
    cid = int(overruled["sk_id_curr"].iloc[0])
    score = service.score(cid)
    assert (score["decision"], score["decided_by"], score["model_decision"]) == ("refused", "policy", "accepted")
    assert score["policy"]["refused"] and "credit_over_13_times_income" in {r["rule_id"] for r in score["policy"]["rules"]}
    assert score["probability"] < score["threshold"]  # the model's probability is still reported
    assert service.explanation(cid)["summary"].startswith("The application is refused by policy: the credit amount is more than")


# -- what-if, model card, API ----------------------------------------------------------------------


def test_what_if_borrowing_100_times_the_income_is_refused_by_policy(service, client_id):
    result = service.what_if(client_id, BORROWING_100_TIMES_INCOME)
    edited = result["edited"]
    assert edited["decision"] == "refused" and edited["decided_by"] == "policy"
    assert {"annuity_over_half_income", "credit_over_13_times_income"} <= {r["rule_id"] for r in edited["policy"]["rules"]}
    assert edited["decision_text"].startswith("Refused by policy: ")
    assert 0 <= edited["probability"] <= 1 and edited["contributions"]  # the model's view still reported
    assert result["current"]["policy"] == service.policy(client_id)


def test_model_card_has_every_section(pipeline_warehouse, service):
    run_id = current_run(pipeline_warehouse)
    card = (pipeline_warehouse / "models" / run_id / "model_card.md").read_text()
    for section in SECTIONS:
        assert f"\n## {section}\n" in card, section
    record = json.loads((pipeline_warehouse / "models" / run_id / "run.json").read_text())
    lo, hi = record["metrics"]["oof_auc_ci"]
    assert lo < record["metrics"]["oof_auc"] < hi
    assert f"95 % bootstrap interval {lo:.4f} to {hi:.4f}" in card
    for rule in DEFAULT_RULES:
        assert rule in card
    assert "app_code_gender_f" in card and "family status" in card
    assert service.model_card() == {"run_id": run_id, "markdown": card}


def test_api_returns_the_policy_and_the_model_card(pipeline_warehouse, client_id, auth_server):
    with httpx.Client(base_url=auth_server.url, timeout=60, auth=(TEST_USER, TEST_PASSWORD)) as api:
        for path in ("score", "explanation"):
            body = api.get(f"/api/v1/clients/{client_id}/{path}").json()
            assert set(body["policy"]) >= {"refused", "rules"} and body["decided_by"] in ("policy", "model")
            assert body["decision"] == ("refused" if body["policy"]["refused"] else body["model_decision"])
        what_if = api.post(f"/api/v1/clients/{client_id}/what-if", json=BORROWING_100_TIMES_INCOME).json()
        assert what_if["edited"]["policy"]["refused"] and what_if["edited"]["decision"] == "refused"
        card = api.get("/api/v1/model/card").json()
        assert card["run_id"] == current_run(pipeline_warehouse) and card["markdown"].startswith("# Model card")
