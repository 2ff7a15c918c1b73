"""The dashboard's events: each calls service functions (the same the REST API calls) and turns
their plain results into what a panel shows (figures, text alternatives, tables). No scoring here.
"""

from __future__ import annotations

import gradio as gr

from dashboard import charts
from dashboard.format import format_value, money, percent, years
from kernel.errors import ClientNotFound, InvalidField, ScoringError
from service import wording as presentation
from service.scoring_service import GROUP_FILTERS, ScoringService

SEARCH_LIMIT = 10
COMPARE_SAMPLE = 3000
IMPORTANT_FEATURES = 20
# Profile fields worth comparing, beside the model's most important features.
PROFILE_FEATURES = {
    "age_years": "Age (years)",
    "income_total": "Annual income",
    "credit_amount": "Credit amount",
    "annuity": "Loan annuity",
    "employment_years": "Years employed",
}
# The group filters in words: the filter menus, the comparison sentence and the fairness table.
FILTER_LABELS = {"gender": "gender", "age_band": "age band", "income_type": "income type", "contract_type": "contract"}
# How each profile field is shown: label and formatter.
PROFILE_FIELDS = {
    "kind": ("Type", str),
    "contract_type": ("Contract", str),
    "gender": ("Gender", str),
    "age_years": ("Age", years),
    "age_band": ("Age band", str),
    "family_status": ("Family status", str),
    "children": ("Children", format_value),
    "education": ("Education", str),
    "income_type": ("Income type", str),
    "occupation": ("Occupation", str),
    "employment_years": ("Employed for", years),
    "housing": ("Housing", str),
    "organization": ("Employer type", str),
    "family_members": ("Family members", format_value),
    "own_car": ("Owns a car", format_value),
    "own_realty": ("Owns a home", format_value),
    "is_pensioner_or_unemployed": ("Pensioner or unemployed", format_value),
    "region_rating": ("Region rating (1 best, 3 worst)", format_value),
    "income_total": ("Annual income", money),
    "credit_amount": ("Credit amount", money),
    "annuity": ("Loan annuity", money),
    "goods_price": ("Price of the goods", money),
    "credit_to_income_ratio": ("Credit / annual income", lambda v: f"{float(v):.2f} ×"),
    "annuity_to_income_ratio": ("Annuity / annual income", lambda v: percent(v)),
}
HIDDEN_PROFILE = {"sk_id_curr", "is_train", "target"}
# What-if fields as the what-if panel names them (Kaggle name -> words); ui.py lays them out.
WHAT_IF_NAMES = [
    ("AMT_INCOME_TOTAL", "Annual income"),
    ("AMT_CREDIT", "Credit amount"),
    ("AMT_ANNUITY", "Loan annuity"),
    ("AMT_GOODS_PRICE", "Price of the goods"),
    ("CNT_CHILDREN", "Number of children"),
]


def _message(exc: Exception) -> str:
    return str(exc.args[0]) if exc.args else str(exc)


class Events:
    """One method per dashboard event; `service` is the app's one ScoringService."""

    def __init__(self, service: ScoringService, what_if_fields: list[str] | None = None) -> None:
        self.service = service
        self.what_if_fields = what_if_fields or []

    # -- choices: read through the service on every page load, so a rebuild or a new model shows ---
    def labels(self) -> dict[str, str]:
        return {**self.service.feature_labels(), **PROFILE_FEATURES}

    def feature_choices(self) -> list[tuple[str, str]]:
        top = self.service.comparable_features(limit=IMPORTANT_FEATURES)
        return [(r["label"], r["feature"]) for r in top] + [(label, f) for f, label in PROFILE_FEATURES.items()]

    def filter_choices(self) -> dict[str, list[str]]:
        return {f: self.service.population_filters().get(f, []) for f in GROUP_FILTERS}

    def choices(self, features, fx, fy, *filters):
        """Updates for the feature pickers and group filters: the current model's important features
        and the published profile's levels; the user's picks are kept where they still exist."""
        options = self.feature_choices()
        known = {value for _, value in options}
        defaults = [value for _, value in options[:3]]
        kept = [f for f in features or [] if f in known] or defaults
        pick = lambda v, i: v if v in known else (defaults[i] if len(defaults) > i else None)  # noqa: E731
        levels = self.filter_choices()
        return [
            gr.update(choices=options, value=kept),
            gr.update(choices=options, value=pick(fx, 0)),
            gr.update(choices=options, value=pick(fy, 1)),
            *[gr.update(choices=levels[f], value=v if v in levels[f] else None) for f, v in zip(GROUP_FILTERS, filters)],
        ]

    # -- events -------------------------------------------------------------------------------
    def search(self, query: str):
        try:
            page = self.service.search_clients(query or "", limit=SEARCH_LIMIT)
        except InvalidField:
            return gr.update(choices=[], value=None), "Type the digits of an application id."
        choices = [(f"{hit['sk_id_curr']} — {hit['kind']}", hit["sk_id_curr"]) for hit in page["items"]]
        total = page["total"]
        note = (
            f"{total:,} applications match; showing the first {len(choices)}. Type more digits to narrow the list."
            if total > len(choices)
            else f"{total:,} matching application{'s' if total != 1 else ''}."
        )
        return gr.update(choices=choices, value=None), note

    def pick(self, value):
        return int(value) if value not in (None, "") else None

    def show_client(self, client_id, population, features, show_box, show_scatter, fx, fy, *filters):
        """Every client panel at once: decision, gauge, profile, explanation, what-if fields, comparison."""
        compare_args = (population, features, show_box, show_scatter, fx, fy, *filters)
        if client_id is None:
            fig, alt = charts.empty("Choose an application.")
            return [
                "Choose an application to see its decision.",
                fig,
                alt,
                "",
                "",
                fig,
                alt,
                *[None] * len(self.what_if_fields),
                *self.compare(None, *compare_args),
            ]
        try:
            explanation = self.service.explanation(client_id)
            client = self.service.client(client_id)
        except (ClientNotFound, ScoringError) as exc:  # unknown client, or a model that needs retraining
            fig, alt = charts.empty(_message(exc))
            return [
                f"**{_message(exc)}**",
                fig,
                alt,
                "",
                "",
                fig,
                alt,
                *[None] * len(self.what_if_fields),
                *self.compare(None, *compare_args),
            ]
        gauge, gauge_alt = charts.gauge(explanation["probability"], explanation["threshold"], explanation["decision"])
        why, why_alt = charts.explanation_bars(explanation["contributions"], explanation["rest"])
        application = client.get("application") or {}
        return [
            decision_text(explanation),
            gauge,
            gauge_alt,
            profile_table(client),
            explanation["summary"],
            why,
            why_alt,
            *[application.get(f) for f in self.what_if_fields],
            *self.compare(client_id, *compare_args),
        ]

    def compare(self, client_id, population, features, show_box, show_scatter, fx, fy, *filters):
        hidden = [gr.update(visible=False)] * 4
        if client_id is None:
            return ["Choose an application to compare it with other clients.", *hidden]
        if not (show_box or show_scatter):
            return ["Tick “Box plots by outcome” or “Two-feature plot” to compare the client with other clients.", *hidden]
        wanted = list(dict.fromkeys([*(features or [] if show_box else []), *([fx, fy] if show_scatter and fx and fy else [])]))
        if not wanted:
            return ["Choose the features to compare.", *hidden]
        chosen = {k: v for k, v in zip(GROUP_FILTERS, filters) if v} if population == "group" else None
        try:
            pop = self.service.population(
                wanted, population=population or "all", filters=chosen, client_id=client_id, sample=COMPARE_SAMPLE
            )
        except (InvalidField, ClientNotFound) as exc:
            return [_message(exc), *hidden]
        labels = self.labels()
        mine = (pop.get("client") or {}).get("values", {})
        out = [population_note(pop)]
        if show_box:
            fig, alt = charts.box_by_class(pop["stats"], mine, [f for f in features or [] if f in pop["stats"]], labels)
            out += [gr.update(value=fig, visible=True), gr.update(value=alt, visible=True)]
        else:
            out += [gr.update(visible=False)] * 2
        if show_scatter and fx and fy:
            fig, alt = charts.scatter_by_class(pop["rows"], mine, fx, fy, labels)
            out += [gr.update(value=fig, visible=True), gr.update(value=alt, visible=True)]
        else:
            out += [gr.update(visible=False)] * 2
        return out

    def what_if(self, client_id, *values):
        if client_id is None:
            fig, alt = charts.empty("Choose an application first.")
            return "Choose an application first.", fig, alt
        changes = {f: _number(v) for f, v in zip(self.what_if_fields, values) if v is not None}
        try:
            result = self.service.what_if(client_id, changes)
        except (InvalidField, ClientNotFound, ScoringError) as exc:
            fig, alt = charts.empty(_message(exc))
            return f"**Cannot score this edit:** {_message(exc)}", fig, alt
        fig, alt = charts.explanation_bars(
            result["edited"]["contributions"], result["edited"]["rest"], title="What moved the edited score"
        )
        return what_if_text(result), fig, alt

    def model_card(self) -> str:
        try:
            return self.service.model_card()["markdown"]
        except ScoringError as exc:
            return f"No model card: {exc}"

    def model(self):
        info = self.service.model_info()
        roc, roc_alt = charts.roc(info["roc_curve"], (info.get("metrics") or {}).get("oof_auc"))
        cost, cost_alt = charts.cost_curve(info["threshold_curve"], info["threshold"], info.get("costs"))
        cal, cal_alt = charts.calibration(info["calibration"])
        imp, imp_alt = charts.importance_bars(self.service.importance(limit=15))
        return (
            model_text(info),
            roc,
            roc_alt,
            cost,
            cost_alt,
            cal,
            cal_alt,
            fairness_rows(info["fairness"]),
            baseline_rows(info),
            imp,
            imp_alt,
        )


# --- text and tables: plain data in, strings and rows out -----------------------------------------


def _number(v):
    f = float(v)
    return int(f) if f.is_integer() else f


def decision_text(explanation: dict) -> str:
    """The decision in a heading (word and symbol, not colour), in a sentence a client understands,
    and the main reasons in plain language."""
    refused = explanation["decision"] == "refused"
    distance = explanation["distance_to_threshold"] * 100
    sentence = explanation.get("decision_text") or presentation.decision_sentence(
        explanation["probability"], explanation["threshold"]
    )
    up = [_reason(c) for c in explanation.get("contributions", []) if c["contribution"] > 0][:3]
    down = [_reason(c) for c in explanation.get("contributions", []) if c["contribution"] < 0][:3]
    reasons = ""
    if up:
        reasons += "\n\n**What raises the risk:** " + "; ".join(up) + "."
    if down:
        reasons += "\n\n**What lowers the risk:** " + "; ".join(down) + "."
    return (
        f"### {('✖ REFUSED BY POLICY' if explanation.get('decided_by') == 'policy' else '✖ REFUSED') if refused else '✔ ACCEPTED'}"
        f" — application {explanation['sk_id_curr']} ({explanation['kind']})\n"
        f"{sentence} The client is {abs(distance):.1f} points {'above' if distance >= 0 else 'below'} the limit."
        f"{reasons}\n\n<small>Model {explanation['run_id']}.</small>"
    )


def _reason(c: dict) -> str:
    return c.get("text") or f"{c['label']} — {format_value(c.get('value'))}"


def profile_rows(client: dict) -> list[list[str]]:
    profile = {"kind": client["kind"], **client["profile"]}
    rows = [
        [label, fmt(profile[k]) if profile.get(k) is not None else "no data"]
        for k, (label, fmt) in PROFILE_FIELDS.items()
        if k in profile
    ]
    rows += [
        [k.replace("_", " ").capitalize(), format_value(v)]
        for k, v in profile.items()
        if k not in PROFILE_FIELDS and k not in HIDDEN_PROFILE
    ]
    return rows


def profile_table(client: dict) -> str:
    """The profile as a two-column Markdown table: long values wrap instead of being cut."""

    def cell(text) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = ["| | |", "|:--|:--|"] + [f"| {cell(label)} | **{cell(value)}** |" for label, value in profile_rows(client)]
    return "\n".join(lines)


def population_note(pop: dict) -> str:
    names = {
        "all": "all historical clients",
        "group": "the historical clients of the chosen group",
        "similar": "the 20 most similar clients",
    }
    counts = {}
    for rows in pop["stats"].values():
        for r in rows:
            counts[r["outcome"]] = max(counts.get(r["outcome"], 0), int(r["n"]))
        break
    filters = ", ".join(f"{FILTER_LABELS.get(k, k)} = {v}" for k, v in (pop.get("filters") or {}).items())
    by = "; ".join(f"{n:,} {cls}" for cls, n in sorted(counts.items())) or "no clients"
    if pop["population"] == "group" and not filters:
        filters = "no filter chosen yet, so everyone"
    return f"Compared with {names.get(pop['population'], pop['population'])}{f' ({filters})' if filters else ''}: {by}. Scatter plots show a sample of at most {COMPARE_SAMPLE:,}."


def what_if_text(result: dict) -> str:
    cur, new = result["current"], result["edited"]
    names = dict(WHAT_IF_NAMES)
    changed = ", ".join(f"{names.get(k, k)} {format_value(v)}" for k, v in result["changes"].items()) or "nothing"
    moved = result.get("changed_features") or []
    moved_txt = "; ".join(
        f"{m.get('label', m['feature'])}: {m.get('before_text', format_value(m['before']))} → "
        f"{m.get('after_text', format_value(m['after']))}"
        for m in moved[:8]
    )
    return (
        f"**Current:** {percent(cur['probability'])}, {cur['decision']}.  \n"
        f"**Edited** ({changed}): {percent(new['probability'])}, **{new['decision']}** "
        f"({result['probability_change'] * 100:+.1f} points).  \n"
        f"{new['summary']}  \n"
        + (f"Features the edit changed: {moved_txt}." if moved_txt else "The edit changed none of the model's features.")
    )


def model_text(info: dict) -> str:
    m = info.get("metrics") or {}
    cpc = info.get("cost_per_client") or {}
    costs = info.get("costs") or {}
    auc = m.get("oof_auc")
    return (
        f"Model **{info['run_id']}**, trained {info.get('trained_at', '')} on {info.get('rows', 0):,} clients "
        f"and {info.get('n_features', 0)} features. Out-of-fold AUC {format_value(auc)}. "
        f"Threshold {info['threshold']:.3f}: a missed default costs {costs.get('fn')}, a refused good client {costs.get('fp')}. "
        f"Expected cost per client: model {format_value(cpc.get('model'))}, accept everyone {format_value(cpc.get('accept_all'))}, "
        f"threshold 0.5 {format_value(cpc.get('threshold_0_5'))}."
    )


FAIRNESS_HEADERS = {
    "attribute": "Attribute",
    "group": "Group",
    "n": "Clients",
    "approval_rate": "Accepted",
    "fnr": "Defaulters accepted (FNR)",
    "fpr": "Good clients refused (FPR)",
    "flag_reason": "Flag",
}


def fairness_rows(rows: list[dict]):
    import pandas as pd

    df = pd.DataFrame(rows)
    df = df[[c for c in FAIRNESS_HEADERS if c in df]]
    for col in ("approval_rate", "fnr", "fpr"):
        if col in df:
            df[col] = df[col].map(percent)
    if "n" in df:
        df["n"] = df["n"].map(format_value)
    if "attribute" in df:
        df["attribute"] = df["attribute"].map(lambda a: FILTER_LABELS.get(a, a.replace("_", " ")))
    if "flag_reason" in df:
        df["flag_reason"] = df["flag_reason"].fillna("—")
    return df.rename(columns=FAIRNESS_HEADERS)


def baseline_rows(info: dict):
    import pandas as pd

    rows = []
    for name, b in (info.get("baselines") or {}).items():
        if isinstance(b, dict):
            rows.append(
                {
                    "baseline": name,
                    **{
                        k: format_value(v) if isinstance(v, (int, float)) else str(v)
                        for k, v in b.items()
                        if not isinstance(v, (list, dict)) and k != "name"
                    },
                }
            )
        else:
            rows.append({"baseline": name, "value": format_value(b)})
    auc = (info.get("metrics") or {}).get("oof_auc")
    if auc is not None:
        rows.append(
            {
                "baseline": "this model",
                "auc": format_value(auc),
                "cost_per_client": format_value((info.get("cost_per_client") or {}).get("model")),
                "threshold": format_value(info.get("threshold")),
            }
        )
    return (
        pd.DataFrame(rows)
        .fillna("")
        .rename(columns={"baseline": "Baseline", "auc": "AUC", "cost_per_client": "Cost per client", "threshold": "Threshold"})
    )
