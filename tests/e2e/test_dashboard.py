"""The dashboard's named events through gradio_client against a live server, and a refresh under load:
requests keep succeeding while a new warehouse and model are published by other processes."""

from __future__ import annotations

import base64
import json
import shutil
import threading

import duckdb
import httpx
import pytest
from gradio_client import Client
from live_server import run_scoring, start_server

from dashboard.charts import TEXT_COLOURS, contrast_ratio

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(pipeline_warehouse, tmp_path_factory):
    live = start_server(pipeline_warehouse, tmp_path_factory.mktemp("logs") / "dashboard.log")
    yield live
    live.stop()


@pytest.fixture(scope="module")
def dash(server):
    return Client(server.url + "/", verbose=False, download_files=False)


def _figure(plot) -> dict:
    """A gr.Plot value (possibly inside an update) as the plotly figure dict."""
    value = plot.get("value", plot) if isinstance(plot, dict) else plot
    assert value["type"] == "plotly"
    return json.loads(value["plot"])


def test_named_events_are_exposed(dash):
    names = set(dash.view_api(return_format="dict", print_info=False)["named_endpoints"])
    assert {"/search", "/show_client", "/compare", "/what_if", "/model"} <= names


def test_search_lists_a_short_labelled_list(dash, client_id):
    update, note = dash.predict(str(client_id)[:2], api_name="/search")
    choices = update["choices"]
    assert 1 <= len(choices) <= 10
    assert all(str(value).startswith(str(client_id)[:2]) for _, value in choices)
    assert all(label.endswith(("historical client", "new application")) for label, _ in choices)
    assert "match" in note
    update, note = dash.predict("x1", api_name="/search")
    assert update["choices"] == [] and "digits" in note


def test_show_client_draws_every_panel(dash, client_id, server):
    out = dash.predict(client_id, "all", [], True, False, None, None, None, None, None, None, api_name="/show_client")
    decision, gauge, gauge_alt, profile, why_summary, why, why_alt = out[:7]
    score = httpx.get(f"{server.url}/api/v1/clients/{client_id}/score", timeout=30).json()
    assert score["decision"].upper() in decision and str(client_id) in decision
    # In words a client understands, with a symbol beside the word (not colour alone).
    assert f"{score['decision'].capitalize()}: the estimated risk of default" in decision and "bank's limit" in decision
    assert ("✖ REFUSED" if score["decision"] == "refused" else "✔ ACCEPTED") in decision
    gauge_fig = _figure(gauge)
    indicator = gauge_fig["data"][0]
    assert indicator["type"] == "indicator"
    assert indicator["gauge"]["threshold"]["value"] == pytest.approx(round(score["threshold"] * 100, 1), abs=0.05)
    assert indicator["value"] == pytest.approx(score["probability"] * 100, abs=0.006)
    assert "threshold" in gauge_alt and score["decision"] in gauge_alt
    # The profile is a two-column Markdown table (it wraps instead of cutting long values).
    rows = {cells[0]: cells[1] for cells in (line.strip("| ").split(" | ") for line in profile.splitlines()[2:])}
    assert rows["Age"].strip("*").endswith("years")
    income = rows["Annual income"].strip("*")
    assert "," in income or float(income) < 1000
    assert rows["Type"].strip("*") == "historical client"
    assert why_summary and why_alt.startswith("Bar chart")
    bars = _figure(why)["data"][0]
    assert bars["orientation"] == "h"
    # Values sit outside the bars in ink (no text on the orange bars) and say the direction in words.
    assert bars["textposition"] == "outside" and all(t.endswith(("raises risk", "lowers risk")) for t in bars["text"])
    # Labels are the principal reasons (at most four), each a sentence with the client's and most clients' values;
    # never "N other features".
    assert 1 <= len(bars["y"]) <= 4 and all("clients" in y and "features together" not in y for y in bars["y"])
    assert all(" points, " in t for t in bars["text"])
    assert not any(y.startswith("Application:") or "= " in y for y in bars["y"])
    # What-if fields are prefilled with the client's application values.
    application = httpx.get(f"{server.url}/api/v1/clients/{client_id}", timeout=30).json()["application"]
    assert out[7] == pytest.approx(application["AMT_INCOME_TOTAL"])


def _published_value(warehouse, sql: str):
    """The first value of a query on the published warehouse."""
    con = duckdb.connect(str(warehouse / "scoring.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def a_gender(pipeline_warehouse) -> str:
    return _published_value(pipeline_warehouse, "select min(gender) from client_profile")


@pytest.fixture(scope="module")
def an_income_type(pipeline_warehouse) -> str:
    return _published_value(
        pipeline_warehouse, "select income_type from client_profile where is_train group by 1 order by count(*) desc limit 1"
    )


@pytest.mark.parametrize("population", ["all", "group", "similar"])
def test_compare_populations_with_both_charts(dash, client_id, a_gender, an_income_type, population):
    # group filters: gender, age band, income type, contract
    filters = (a_gender, None, an_income_type, None) if population == "group" else (None, None, None, None)
    top = ["age_years", "income_total"]
    note, box, box_alt, scatter, scatter_alt = dash.predict(
        client_id, population, top, True, True, "age_years", "income_total", *filters, api_name="/compare"
    )
    assert box["visible"] and scatter["visible"]
    box_fig, scatter_fig = _figure(box), _figure(scatter)
    assert {t["type"] for t in box_fig["data"]} == {"box"}
    names = {t["name"] for t in scatter_fig["data"]}
    assert "this client" in names and names & {"repaid", "defaulted", "new application"}
    symbols = {t["name"]: t["marker"]["symbol"] for t in scatter_fig["data"]}
    assert len(set(symbols.values())) == len(symbols), "each class has its own marker shape"
    assert "this client" in box_alt["value"] and "this client" in scatter_alt["value"]
    if population == "similar":
        assert "20 most similar" in note
    if population == "group":
        assert f"gender = {a_gender}" in note and f"income type = {an_income_type}" in note


def test_compare_hides_charts_when_unticked(dash, client_id):
    note, box, _, scatter, _ = dash.predict(
        client_id, "all", ["age_years"], False, False, "age_years", "income_total", None, None, None, None, api_name="/compare"
    )
    assert not box["visible"] and not scatter["visible"] and "Tick" in note


def test_what_if_event(dash, client_id, server):
    application = httpx.get(f"{server.url}/api/v1/clients/{client_id}", timeout=30).json()["application"]
    text, plot, alt = dash.predict(
        client_id,
        application["AMT_INCOME_TOTAL"] * 4,
        application["AMT_CREDIT"],
        application["AMT_ANNUITY"],
        application["AMT_GOODS_PRICE"],
        application["CNT_CHILDREN"],
        api_name="/what_if",
    )
    assert "**Current:**" in text and "**Edited**" in text
    assert _figure(plot)["data"][0]["type"] == "bar"
    text, _, _ = dash.predict(client_id, -1, None, None, None, None, api_name="/what_if")
    assert "Cannot score" in text and "AMT_INCOME_TOTAL" in text


def test_model_event(dash):
    summary, roc, roc_alt, cost, cost_alt, cal, cal_alt, fairness, baselines, imp, imp_alt = dash.predict(api_name="/model")
    assert "AUC" in summary and "Threshold" in summary
    assert len(_figure(roc)["data"]) == 2 and "ROC" in roc_alt
    assert any(t.get("name") == "chosen threshold" for t in _figure(cost)["data"]) and "chosen threshold" in cost_alt
    assert "Calibration" in cal_alt
    assert {"Attribute", "Group", "Accepted", "Good clients refused (FPR)"} <= set(fairness["headers"])
    assert any(row[0] == "this model" for row in baselines["data"])
    assert imp_alt.startswith("Global importance")
    assert _figure(imp)["data"][0]["textposition"] == "outside"


def test_text_colours_meet_aa_contrast():
    """WCAG 1.4.3: every colour the charts draw text in, on what it is drawn on (the browser test checks the page)."""
    for name, (fg, bg) in TEXT_COLOURS.items():
        assert contrast_ratio(fg, bg) >= 4.5, name
    assert contrast_ratio("#D55E00", "#ffffff") < 4.5  # why vermillion itself is kept for marks, not text


def test_dashboard_events_behind_authentication(pipeline_warehouse, tmp_path_factory, client_id):
    users = tmp_path_factory.mktemp("dash-users") / "users.json"
    run_scoring("users", "add", "rm", "--password-stdin", env={"SCORING_USERS": str(users)}, input="a long password\n")
    live = start_server(pipeline_warehouse, tmp_path_factory.mktemp("logs") / "dash-auth.log", users_file=users)
    try:
        with pytest.raises(Exception):
            Client(live.url + "/", verbose=False, download_files=False)
        token = base64.b64encode(b"rm:a long password").decode()
        dash = Client(live.url + "/", verbose=False, download_files=False, headers={"Authorization": f"Basic {token}"})
        update, _ = dash.predict(str(client_id), api_name="/search")
        assert update["choices"][0][1] == client_id
    finally:
        live.stop()


def test_refresh_under_load(pipeline_warehouse, tmp_path_factory, client_id):
    """Requests keep succeeding while `scoring build` and `scoring train` publish; then the new run is served."""
    warehouse = tmp_path_factory.mktemp("refresh") / "warehouse"
    shutil.copytree(pipeline_warehouse, warehouse, ignore=shutil.ignore_patterns("build", "*.tmp", "*.wal"))
    old_run = (warehouse / "models" / "CURRENT").read_text().strip()
    live = start_server(warehouse, tmp_path_factory.mktemp("logs") / "refresh.log")
    failures: list[str] = []
    done = threading.Event()
    counts = {"ok": 0}

    def hammer() -> None:
        with httpx.Client(base_url=live.url, timeout=60) as http:
            while not done.is_set():
                for path in (
                    f"/api/v1/clients/{client_id}/score",
                    f"/api/v1/clients/{client_id}/explanation",
                    f"/api/v1/clients/{client_id}/neighbors",
                    "/api/v1/clients?q=1",
                ):
                    r = http.get(path)
                    if r.status_code != 200:
                        failures.append(f"{path}: {r.status_code} {r.text[:200]}")
                    else:
                        counts["ok"] += 1

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    try:
        for t in threads:
            t.start()
        run_scoring("--warehouse", str(warehouse), "build")
        run_scoring("--warehouse", str(warehouse), "train", "--seed", "11")
        done.set()
        for t in threads:
            t.join(timeout=120)
        new_run = (warehouse / "models" / "CURRENT").read_text().strip()
        assert new_run != old_run
        assert not failures, failures[:5]
        assert counts["ok"] > 0
        with httpx.Client(base_url=live.url, timeout=60) as http:
            assert http.get(f"/api/v1/clients/{client_id}/score").json()["run_id"] == new_run
            assert http.get("/healthz").json()["model"]["run_id"] == new_run
            assert http.get("/api/v1/model").json()["run_id"] == new_run
    finally:
        done.set()
        live.stop()


def test_counterfactual_block_answers_in_words(dash, client_id):
    """The "What would change the decision" block: a sentence, never an error, for any client."""
    text = dash.predict(client_id, api_name="/counterfactual")
    assert text.startswith(
        ("Already accepted", "No change within these limits", "Borrowing less", "Cheaper goods", "The same credit")
    )
