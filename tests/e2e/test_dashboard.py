"""The dashboard's named events through gradio_client against a live server, and a refresh under load:
requests keep succeeding while a new warehouse and model are published by other processes."""

from __future__ import annotations

import base64
import html
import json
import re
import threading

import duckdb
import httpx
import pytest
from conftest import TEST_PASSWORD, TEST_USER, run_default
from gradio_client import Client
from live_server import start_server

pytestmark = pytest.mark.slow


AUTH = (TEST_USER, TEST_PASSWORD)
BASIC = {"Authorization": "Basic " + base64.b64encode(f"{TEST_USER}:{TEST_PASSWORD}".encode()).decode()}


@pytest.fixture(scope="module")
def server(auth_server):
    """The session's live server (authentication on, conftest.py): every request here signs in with HTTP Basic."""
    return auth_server


@pytest.fixture(scope="module")
def dash(server):
    return Client(server.url + "/", verbose=False, download_files=False, headers=BASIC)


def _bar_labels(chart) -> list[str]:
    """The labels of an inline bar chart (a gr.HTML value, possibly inside an update)."""
    value = chart.get("value", chart) if isinstance(chart, dict) else chart
    return [html.unescape(t) for t in re.findall(r'<span class="bar-label">(.*?)</span>', value)]


def _figure(plot) -> dict:
    """A gr.Plot value (possibly inside an update) as the plotly figure dict."""
    value = plot.get("value", plot) if isinstance(plot, dict) else plot
    assert value["type"] == "plotly"
    return json.loads(value["plot"])


def test_named_events_are_exposed(dash):
    names = set(dash.view_api(return_format="dict", print_info=False)["named_endpoints"])
    assert {"/search", "/open_id", "/show_client", "/compare", "/what_if", "/model", "/monitoring"} <= names


def test_search_lists_a_short_labelled_list(dash, client_id):
    update, note = dash.predict(str(client_id)[:2], api_name="/search")
    choices = update["choices"]
    assert 1 <= len(choices) <= 10
    assert all(str(value).startswith(str(client_id)[:2]) for _, value in choices)
    # Each result names the contract, the amount in the lender's currency and the decision.
    assert all(label.endswith(("(historical client)", "(new application)")) for label, _ in choices)
    assert all(re.search(r" loans of [\d,]+ € — (accepted|refused) ", label) for label, _ in choices)
    assert "match" in note
    update, note = dash.predict("x1", api_name="/search")
    assert update["choices"] == [] and "digits" in note


def test_open_id_exact_or_nearest(dash, client_id, pipeline_warehouse):
    opened, _, note, decision, *_ = dash.predict(str(client_id), api_name="/open_id")
    assert opened == client_id and not note.startswith("No application") and str(client_id) in decision
    unknown = _published_value(pipeline_warehouse, "select max(sk_id_curr) + 1 from client_profile")
    _, _, note, *_ = dash.predict(str(unknown), api_name="/open_id")
    assert note.startswith(f"No application has the id {unknown}.") and f"{unknown - 1}" in note


def test_show_client_draws_every_panel(dash, client_id, server):
    out = dash.predict(client_id, api_name="/show_client")
    decision, gauge, gauge_alt, profile, why_summary, why, why_alt = out[:7]
    profile_full, features = out[12], out[13]
    score = httpx.get(f"{server.url}/api/v1/clients/{client_id}/score", auth=AUTH, timeout=30).json()
    assert score["decision"].capitalize() in decision and str(client_id) in decision
    # No internal ids in sentences (the run is named in the Model tab); distances in percentage points.
    assert score["run_id"] not in decision and "percentage points" in decision
    # In words a client understands, with a symbol beside the word (not colour alone).
    assert f"{score['decision'].capitalize()}: the estimated risk of default" in decision and "bank's limit" in decision
    assert ("✖ Refused" if score["decision"] == "refused" else "✔ Accepted") in decision
    # The first screen's charts are inline SVG / HTML (dashboard/html_charts.py): an image named by its title.
    assert 'role="img"' in gauge and 'aria-describedby="gauge-alt"' in gauge and "<svg" in gauge
    shown = score["probability"] * 100
    assert (f"{shown:.2f} %" if shown < 1 else f"{shown:.1f} %") in gauge
    assert f"limit {score['threshold'] * 100:.1f} %" in gauge
    assert "threshold" in gauge_alt and score["decision"] in gauge_alt
    # The profile: six facts in a two-column Markdown table (it wraps), amounts in the lender's currency.
    rows = {cells[0]: cells[1] for cells in (line.strip("| ").split(" | ") for line in profile.splitlines()[2:])}
    assert list(rows) == ["Contract", "Credit amount", "Loan annuity", "Annual income", "Age", "Employed for"]
    assert rows["Age"].strip("*").endswith("years")
    assert rows["Annual income"].strip("*").endswith(" €")
    full = {cells[0]: cells[1] for cells in (line.strip("| ").split(" | ") for line in profile_full.splitlines()[2:])}
    assert full["Type"].strip("*") == "historical client" and "Annual income" not in full
    # The comparison starts on the client's strongest reasons.
    assert 1 <= len(features["value"]) <= 3
    assert why_summary and why_alt.startswith("Bar chart")
    # Each bar under its label (real text that wraps, so it fits a phone): a principal reason (at most four),
    # a sentence with the client's and most clients' values, its direction in words and its effect in points;
    # never "N other features".
    labels = _bar_labels(why)
    assert 1 <= len(labels) == why.count('class="bar ') <= 4
    assert all(re.search(r" · (raises|lowers) risk \([+-]\d+\.\d points\)", label) for label in labels)
    assert all("clients" in label and "features together" not in label for label in labels)
    assert not any(label.startswith("Application:") or "= " in label for label in labels)
    # What-if fields are prefilled with the client's application values.
    application = httpx.get(f"{server.url}/api/v1/clients/{client_id}", auth=AUTH, timeout=30).json()["application"]
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
    note, box, box_alt, scatter, scatter_alt, headline, table = dash.predict(
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
        # The 20 look-alikes themselves: a headline and one row each.
        assert re.fullmatch(r"\d+ of \d+ past look-alikes defaulted(; \d+ of the 20 are new applications)?\.", headline["value"])
        assert len(table["value"]["data"]) == 20
        assert {"Application", "Outcome", "Probability of default"} <= set(table["value"]["headers"])
    else:
        assert not headline["visible"] and not table["visible"]
    if population == "group":
        assert f"gender = {a_gender}" in note and f"income type = {an_income_type}" in note
    else:
        assert "gender =" not in note, "group filters apply only in group mode"


def test_compare_hides_charts_when_unticked(dash, client_id):
    note, box, _, scatter, _, _, _ = dash.predict(
        client_id, "all", ["age_years"], False, False, "age_years", "income_total", None, None, None, None, api_name="/compare"
    )
    assert not box["visible"] and not scatter["visible"] and "Tick" in note


def test_what_if_event(dash, client_id, server):
    application = httpx.get(f"{server.url}/api/v1/clients/{client_id}", auth=AUTH, timeout=30).json()["application"]
    text, plot, alt, *fields = dash.predict(
        client_id,
        application["AMT_INCOME_TOTAL"] * 4,
        application["AMT_CREDIT"],
        application["AMT_ANNUITY"],
        application["AMT_GOODS_PRICE"],
        application["CNT_CHILDREN"],
        api_name="/what_if",
    )
    assert "**Current:**" in text and "**Edited** (Annual income " in text and "Credit amount" not in text.split("):")[0]
    assert _bar_labels(plot) and len(fields) == 5
    # A negative and an emptied field are refused, each beside its field, in words; nothing is dropped silently.
    text, plot, _, *fields = dash.predict(client_id, -1, None, None, None, None, api_name="/what_if")
    assert "Cannot score" in text and "Annual income: cannot be negative" in text and "Credit amount: empty" in text
    assert "AMT_" not in text and not plot["visible"]
    assert fields[0]["info"] == "cannot be negative" and fields[0]["elem_classes"] == ["field-error"]
    assert fields[1]["info"].startswith("empty")


def test_model_event(dash):
    summary, roc, roc_alt, cost, cost_alt, cal, cal_alt, fairness, baselines, imp, imp_alt = dash.predict(api_name="/model")
    assert re.search(r"ranks the defaulter as riskier \*\*\d+ times in 100\*\*", summary) and "AUC" in summary
    assert "cost units per client" in summary and "Model run" in summary
    assert len(_figure(roc)["data"]) == 2 and "ROC" in roc_alt
    assert any(t.get("name") == "chosen threshold" for t in _figure(cost)["data"]) and "chosen limit" in cost_alt
    assert re.search(r"chosen limit \d+\.\d %", cost_alt), "the limit in one format everywhere"
    assert "Calibration" in cal_alt
    assert {"Attribute", "Group", "Accepted", "Good clients refused (FPR)"} <= set(fairness["headers"])
    assert any(row[0] == "this model" for row in baselines["data"])
    assert imp_alt.startswith("Global importance")
    assert len(_bar_labels(imp)) == imp.count('class="bar ') == 15


def test_monitoring_event(dash):
    summary, table = dash.predict(api_name="/monitoring")
    assert "PSI" in summary and re.search(r"\*\*(stable|worth watching|shifted)\*\*", summary)
    assert table["headers"] == ["What", "PSI", "In words", "Training clients", "New applications"]
    assert table["data"][0][0].startswith("Score")
    assert {row[2] for row in table["data"]} <= {"stable", "worth watching", "shifted"}


def test_dashboard_events_behind_authentication(auth_server, client_id):
    with pytest.raises(Exception):
        Client(auth_server.url + "/", verbose=False, download_files=False)
    dash = Client(auth_server.url + "/", verbose=False, download_files=False, headers=BASIC)
    update, _ = dash.predict(str(client_id), api_name="/search")
    assert update["choices"][0][1] == client_id


def test_refresh_under_load(warehouse_copy, tmp_path_factory, client_id):
    """Requests keep succeeding while a second `scoring run` (ingest, build and train: it reuses the data the
    session's run generated) publishes; then the new run is served."""
    warehouse = warehouse_copy("refresh")
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
        again = run_default(warehouse)
        done.set()
        assert "using the embedded default data already generated" in again.stderr
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
