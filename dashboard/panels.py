"""The dashboard's events: each calls service functions (the same the REST API calls) and turns
their plain results into what a panel shows (figures, text alternatives, tables). No scoring here.
"""

from __future__ import annotations

import math

import duckdb
import gradio as gr
import pandas as pd
from gradio.components.plot import PlotData

from dashboard import charts, html_charts
from dashboard.format import effect_points, format_value, money, percent, points, years
from kernel.errors import ClientNotFound, InvalidField, ScoringError
from service import wording as presentation
from service.scoring_service import GROUP_FILTERS, ScoringService

SEARCH_LIMIT = 10
SUGGESTIONS = 5
COMPARE_SAMPLE = 3000
COMPARE_DEFAULTS = 3
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
# The six facts a relationship manager reads first; the rest of the profile is in the accordion.
KEY_FACTS = ("contract_type", "credit_amount", "annuity", "income_total", "age_years", "employment_years")
# How each profile field is shown: label and formatter (`money` takes the currency).
PROFILE_FIELDS = {
    "kind": ("Type", str),
    "contract_type": ("Contract", str),
    "credit_amount": ("Credit amount", money),
    "annuity": ("Loan annuity", money),
    "income_total": ("Annual income", money),
    "age_years": ("Age", years),
    "employment_years": ("Employed for", years),
    "gender": ("Gender", str),
    "age_band": ("Age band", str),
    "family_status": ("Family status", str),
    "children": ("Children", format_value),
    "education": ("Education", str),
    "income_type": ("Income type", str),
    "occupation": ("Occupation", str),
    "housing": ("Housing", str),
    "organization": ("Employer type", str),
    "family_members": ("Family members", format_value),
    "own_car": ("Owns a car", format_value),
    "own_realty": ("Owns a home", format_value),
    "is_pensioner_or_unemployed": ("Pensioner or unemployed", format_value),
    "region_rating": ("Region rating (1 best, 3 worst)", format_value),
    "goods_price": ("Price of the goods", money),
    "credit_to_income_ratio": ("Credit / annual income", lambda v: f"{float(v):.2f} ×"),
    "annuity_to_income_ratio": ("Annuity / annual income", lambda v: percent(v)),
}
HIDDEN_PROFILE = {"sk_id_curr", "is_train", "target"}
# What-if fields: Kaggle name (what the service takes) -> the words the panel shows.
WHAT_IF_NAMES = [
    ("AMT_INCOME_TOTAL", "Annual income"),
    ("AMT_CREDIT", "Credit amount"),
    ("AMT_ANNUITY", "Loan annuity"),
    ("AMT_GOODS_PRICE", "Price of the goods"),
    ("CNT_CHILDREN", "Number of children"),
]
WHAT_IF_FIELDS = [name for name, _ in WHAT_IF_NAMES]
WHOLE_FIELDS = {"CNT_CHILDREN"}
PSI_BANDS = ((0.1, "stable"), (0.25, "worth watching"), (math.inf, "shifted"))


def what_if_fields(currency: str) -> list[tuple[str, str, str]]:
    """(Kaggle name, label, hint) of each what-if field; amounts carry the currency."""
    return [
        (name, f"{label} ({currency})" if name.startswith("AMT_") else label, "a whole number" if name in WHOLE_FIELDS else "")
        for name, label in WHAT_IF_NAMES
    ]


def plot(spec: dict) -> PlotData:
    """A charts.py figure as a gr.Plot value: its JSON as Gradio sends a plotly figure (no plotly.py on the way)."""
    return PlotData(type="plotly", plot=charts.to_json(spec))


def _message(exc: Exception) -> str:
    return str(exc.args[0]) if exc.args else str(exc)


def psi_band(psi: float | None) -> str:
    if psi is None:
        return "no data"
    return next(word for bound, word in PSI_BANDS if psi < bound)


class Events:
    """One method per dashboard event; `service` is the app's one ScoringService."""

    def __init__(self, service: ScoringService) -> None:
        self.service = service
        self.currency = service.settings.currency
        self._important: tuple[object, list[tuple[str, str]]] | None = None
        self._model_panels: tuple[object, tuple] | None = None

    def warm_up(self) -> None:
        """Load the model, the marts' structure and the first page's comparison before the first visitor (the
        first pick was 2.7 s cold)."""
        try:
            newest = self.service.newest_application()
            if newest is not None:  # the first page's application, and its comparison with all clients
                defaults = self.default_features(self.service.explanation(newest)["contributions"])
                if defaults:
                    self.service.population([f for _, f in defaults], "all", client_id=newest, sample=COMPARE_SAMPLE)
            self.feature_choices()
        except ScoringError:  # nothing published yet: the page says so when it opens
            pass

    def warm_comparisons(self, batch: int = 40) -> None:
        """The comparison with all clients for every feature that can be a client's reason (the model's features
        with some importance, most important first) and the profile's, a batch of columns per query: run in a
        background thread at start (31 s at full scale), so a client's first comparison is a lookup."""
        try:
            features = [r["feature"] for r in self.service.comparable_features(limit=10_000) if r["mean_abs_shap"] > 0]
            features += list(PROFILE_FEATURES)
            for start in range(0, len(features), batch):
                self.service.population(features[start : start + batch], "all", sample=COMPARE_SAMPLE)
        except (ScoringError, InvalidField, duckdb.Error):  # nothing published yet, or a rebuild under way
            pass

    # -- choices: read through the service, so a rebuild or a new model shows ---------------------
    def labels(self) -> dict[str, str]:
        return {**self.service.feature_labels(), **PROFILE_FEATURES}

    def important(self) -> list[tuple[str, str]]:
        """(label, feature) of the model's most important comparable features, read once per publication."""
        stamp = self.service.publication()
        if self._important is None or self._important[0] != stamp:
            top = self.service.comparable_features(limit=IMPORTANT_FEATURES)
            self._important = (stamp, [(r["label"], r["feature"]) for r in top])
        return self._important[1]

    def feature_choices(self, first: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
        """`first`, then the model's important features, then profile fields; one entry per label."""
        top = self.important()
        seen_labels, seen, out = set(), set(), []
        for label, value in [*(first or []), *top, *[(label, f) for f, label in PROFILE_FEATURES.items()]]:
            if value in seen or label.lower() in seen_labels:
                continue
            seen.add(value)
            seen_labels.add(label.lower())
            out.append((label, value))
        return out

    def filter_choices(self) -> dict[str, list[str]]:
        return {f: self.service.population_filters().get(f, []) for f in GROUP_FILTERS}

    def default_features(self, contributions: list[dict]) -> list[tuple[str, str]]:
        """The client's strongest reasons that can be compared, one per feature family."""
        present = self.service.feature_labels()  # the published mart's features
        families = self.service.feature_families()
        chosen, seen_families = [], set()
        for c in sorted(contributions, key=lambda c: -abs(float(c["contribution"]))):
            feature, label = c["feature"], c.get("label") or c["feature"]
            # Without a family column, the label's topic ("External scores: highest") stands for it.
            family = families.get(feature) or (label.split(":")[0] if ":" in label else None)
            if feature not in present or (family and family in seen_families):
                continue
            seen_families.add(family)
            chosen.append((label, feature))
            if len(chosen) == COMPARE_DEFAULTS:
                break
        return chosen

    def filters_for(self, population):
        """Group filters are usable only when comparing with a group."""
        levels = self.filter_choices()
        return [gr.update(interactive=population == "group", choices=levels[f]) for f in GROUP_FILTERS]

    # -- opening an application -------------------------------------------------------------------
    def open_initial(self, request: gr.Request):
        """The application in the address (?id=N), else the newest new application: its id, a note, and every
        client panel (show_client's outputs) drawn in the same step."""
        asked = (request.query_params.get("id") or "").strip() if request is not None else ""
        if asked:
            cid, note = self._existing(asked)
        else:
            try:
                cid, note = self.service.newest_application(), ""
            except ScoringError as exc:
                cid, note = None, f"**{_message(exc)}**"
        if cid is None:
            return [gr.update(), note, *self._no_client("Choose an application to see its decision.")]
        return [cid, note, *self.show_client(cid)]

    def _existing(self, text: str) -> tuple[int | None, str]:
        """(id, "") when `text` is an existing id, else (None, a sentence with the nearest ids)."""
        text = (text or "").strip()
        if not text.isdigit():
            return None, f"“{text}” is not an application id: type its digits."
        cid = int(text)
        if self.service.client_summaries([cid]):
            return cid, ""
        nearest = self.service.nearest_ids(cid, SUGGESTIONS)
        hint = f" The nearest existing ids: {', '.join(map(str, nearest))}." if nearest else ""
        return None, f"No application has the id {cid}.{hint}"

    def search(self, query: str):
        q = (query or "").strip()
        if not q:
            return gr.update(choices=[], value=None, visible=False), ""
        try:
            page = self.service.search_clients(q, limit=SEARCH_LIMIT)
        except InvalidField:
            return gr.update(choices=[], value=None, visible=False), "Type the digits of an application id."
        if not page["items"]:
            return gr.update(choices=[], value=None, visible=False), self._existing(q)[1]
        found = self.service.client_summaries([hit["sk_id_curr"] for hit in page["items"]])
        choices = [(self.match_label(found.get(hit["sk_id_curr"], hit)), hit["sk_id_curr"]) for hit in page["items"]]
        total = page["total"]
        note = (
            f"{total:,} applications match; the first {len(choices)} are listed. Type more digits to narrow the list."
            if total > len(choices)
            else f"{total:,} matching application{'s' if total != 1 else ''}. Press Enter to open an exact id."
        )
        return gr.update(choices=choices, value=None, visible=True), note

    def match_label(self, hit: dict) -> str:
        parts = [str(hit["sk_id_curr"])]
        if hit.get("contract_type"):
            parts.append(f"{hit['contract_type']} of {money(hit.get('credit_amount'), self.currency)}")
        if hit.get("decision"):
            parts.append(hit["decision"])
        return " — ".join(parts) + f" ({hit['kind']})"

    def open_id(self, query: str):
        """Enter in the search box: open the exact id (its id, the list closed, and every client panel drawn in
        the same step), or say it does not exist, list what matches and suggest the nearest ids."""
        cid, note = self._existing(query)
        if cid is None:
            matches, listed = self.search(query)
            return [gr.update(), matches, note or listed, *[gr.update()] * len(self._no_client(""))]
        return [cid, gr.update(choices=[], value=None, visible=False), "", *self.show_client(cid)]

    def pick(self, value):
        """A click in the list of matches: that application's id and every client panel."""
        cid = int(value) if value not in (None, "") else None
        return [cid, *self.show_client(cid)]

    def show_client(self, client_id):
        """Every client panel but the comparison (which follows, see ui.py): decision, gauge, profile,
        explanation, what-if fields, and the comparison's default features (the client's strongest reasons)."""
        if client_id is None:
            return self._no_client("Choose an application to see its decision.")
        try:
            explanation = self.service.explanation(client_id)
            client = self.service.client(client_id)
        except (ClientNotFound, ScoringError) as exc:  # unknown client, or a model that needs retraining
            return self._no_client(f"**{_message(exc)}**")
        gauge, gauge_alt = html_charts.gauge(explanation["probability"], explanation["threshold"], explanation["decision"])
        why, why_alt = html_charts.reason_bars(explanation["reasons"])
        application = client.get("application") or {}
        defaults = self.default_features(explanation["contributions"])
        options = self.feature_choices(defaults)
        chosen = [v for _, v in defaults] or [v for _, v in options[:COMPARE_DEFAULTS]]
        x = chosen[0] if chosen else None
        y = chosen[1] if len(chosen) > 1 else None
        values = [application.get(f) for f in WHAT_IF_FIELDS]
        return [
            decision_text(explanation),
            gauge,
            gauge_alt,
            profile_table(client, self.currency, KEY_FACTS),
            explanation["summary"],
            why,
            why_alt,
            *values,
            profile_table(client, self.currency, exclude=KEY_FACTS),
            gr.update(choices=options, value=chosen),
            gr.update(choices=options, value=x),
            gr.update(choices=options, value=y),
            _term(application.get("AMT_CREDIT"), application.get("AMT_ANNUITY")),
            "",
            gr.update(visible=False),
            gr.update(visible=False),
        ]

    def _no_client(self, message: str) -> list:
        text = message.strip("*")
        return [
            message,
            html_charts.message(text, "gauge-alt")[0],
            text,
            "",
            "",
            html_charts.message(text, "why-alt")[0],
            text,
            *[None] * len(WHAT_IF_FIELDS),
            "",
            gr.update(),
            gr.update(),
            gr.update(),
            None,
            "",
            gr.update(visible=False),
            gr.update(visible=False),
        ]

    # -- compare ----------------------------------------------------------------------------------
    def compare(self, client_id, population, features, show_box, show_scatter, fx, fy, *filters):
        hidden = [gr.update(visible=False)] * 6
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
        except (InvalidField, ClientNotFound, ScoringError) as exc:
            return [_message(exc), *hidden]
        labels = self.labels()
        mine = (pop.get("client") or {}).get("values", {})
        out = [population_note(pop)]
        if show_box:
            fig, alt = charts.box_by_class(pop["stats"], mine, [f for f in features or [] if f in pop["stats"]], labels)
            out += [gr.update(value=plot(fig), visible=True), gr.update(value=alt, visible=True)]
        else:
            out += [gr.update(visible=False)] * 2
        if show_scatter and fx and fy:
            fig, alt = charts.scatter_by_class(pop["rows"], mine, fx, fy, labels)
            out += [gr.update(value=plot(fig), visible=True), gr.update(value=alt, visible=True)]
        else:
            out += [gr.update(visible=False)] * 2
        if population == "similar":
            table = self.service.neighbour_table(client_id, wanted)
            headline, rows = neighbour_rows(table, labels)
            out += [gr.update(value=headline, visible=True), gr.update(value=rows, visible=True)]
        else:
            out += [gr.update(visible=False)] * 2
        return out

    # -- what-if ----------------------------------------------------------------------------------
    def what_if(self, client_id, *values):
        fields = what_if_fields(self.currency)
        if client_id is None:
            return (
                "Choose an application first.",
                gr.update(visible=False),
                gr.update(visible=False),
                *[gr.update()] * len(fields),
            )
        errors = {name: error for name, v in zip(WHAT_IF_FIELDS, values) if (error := field_error(name, v))}
        application = (self.service.client(client_id).get("application")) or {}
        changes = {
            name: _number(v)
            for name, v in zip(WHAT_IF_FIELDS, values)
            if name not in errors and not _same(v, application.get(name))
        }
        if not errors and not changes:
            return (
                "Nothing changed yet: edit a field, then score the edited application.",
                gr.update(visible=False),
                gr.update(visible=False),
                *self._field_states(fields, {}),
            )
        result = None
        if not errors:
            try:
                result = self.service.what_if(client_id, changes)
            except (InvalidField, ClientNotFound, ScoringError) as exc:
                name, _, text = _message(exc).partition(": ")
                errors = {name: text} if name in WHAT_IF_FIELDS else {"": _message(exc)}
        if errors:
            listed = "; ".join(f"{dict(WHAT_IF_NAMES).get(n, 'the edit')}: {e}" for n, e in errors.items())
            return (
                f"**Cannot score this edit.** {listed}.",
                gr.update(visible=False),
                gr.update(visible=False),
                *self._field_states(fields, errors),
            )
        fig, alt = html_charts.reason_bars(
            result["edited"]["reasons"], title="The principal reasons of the edited decision", describedby="what-if-alt"
        )
        return (
            what_if_text(result, self.currency),
            gr.update(value=fig, visible=True),
            gr.update(value=alt, visible=True),
            *self._field_states(fields, {}),
        )

    def model_card(self) -> str:
        try:
            return self.service.model_card()["markdown"]
        except ScoringError as exc:
            return f"No model card: {exc}"

    def _field_states(self, fields, errors: dict[str, str]) -> list:
        return [
            gr.update(info=errors[name], elem_classes=["field-error"])
            if name in errors
            else gr.update(info=hint, elem_classes=[])
            for name, _, hint in fields
        ]

    def reset(self, client_id):
        """The client's own values back in every field."""
        application = (self.service.client(client_id).get("application") or {}) if client_id is not None else {}
        values = [application.get(f) for f in WHAT_IF_FIELDS]
        fields = what_if_fields(self.currency)
        states = self._field_states(fields, {})
        return [
            *[gr.update(value=v, **s) for v, s in zip(values, states)],
            _term(application.get("AMT_CREDIT"), application.get("AMT_ANNUITY")),
            "The fields are back to the client's values.",
            gr.update(visible=False),
            gr.update(visible=False),
        ]

    def follow_credit(self, credit, annuity, term, keep):
        """A new credit amount: the annuity follows at the same term, unless it is kept fixed."""
        if keep or not _positive(credit) or not _positive(term):
            return gr.update(), _term(credit, annuity)
        return round(float(credit) / float(term), 1), gr.update()

    def follow_term(self, credit, annuity, term, keep):
        if keep or not _positive(credit) or not _positive(term):
            return gr.update(), gr.update()
        return round(float(credit) / float(term), 1), gr.update()

    def follow_annuity(self, credit, annuity):
        return _term(credit, annuity)

    # -- model and monitoring ---------------------------------------------------------------------
    def model(self):
        """The Model tab and the global importance: the same for every visitor until a model or the warehouse is
        published again, so drawn once per publication (every page asks for the importance, see `importance`)."""
        key = self.service.publication()
        if self._model_panels is None or self._model_panels[0] != key:
            self._model_panels = (key, self._draw_model(self.service.model_info()))
        return self._model_panels[1]

    def importance(self):
        """The global importance under the reasons on the first screen: the Model tab's last two outputs (the
        rest of the tab is sent when it is opened)."""
        return self.model()[-2:]

    def _draw_model(self, info: dict) -> tuple:
        roc, roc_alt = charts.roc(info["roc_curve"], (info.get("metrics") or {}).get("oof_auc"))
        cost, cost_alt = charts.cost_curve(info["threshold_curve"], info["threshold"], info.get("costs"))
        cal, cal_alt = charts.calibration(info["calibration"])
        imp, imp_alt = html_charts.importance_bars(self.service.importance(limit=15))
        return (
            model_text(info),
            plot(roc),
            roc_alt,
            plot(cost),
            cost_alt,
            plot(cal),
            cal_alt,
            fairness_rows(info["fairness"]),
            baseline_rows(info),
            imp,
            imp_alt,
        )

    def monitoring(self):
        drift = self.service.drift()
        rows = drift["rows"]
        if not rows:
            return "No drift to show: the warehouse has no new applications or no model tables yet.", pd.DataFrame()
        table = pd.DataFrame(
            [
                {
                    "What": r["label"],
                    "PSI": f"{r['psi']:.3f}" if r.get("psi") is not None else "no data",
                    "In words": psi_band(r.get("psi")),
                    "Training clients": format_value(r.get("n_train")),
                    "New applications": format_value(r.get("n_new")),
                }
                for r in rows
            ]
        )
        score = next((r for r in rows if r["feature"] == "score"), None)
        shifted = [r["label"] for r in rows if r["feature"] != "score" and psi_band(r.get("psi")) != "stable"]
        lead = (
            f"The score's distribution is **{psi_band(score['psi'])}** (PSI {score['psi']:.3f}). "
            if score and score.get("psi") is not None
            else ""
        )
        rest = (
            f"Features to look at: {', '.join(shifted)}."
            if shifted
            else "The most important features are stable between training and new applications."
        )
        source = (
            " (from the warehouse's feature_drift table)"
            if drift["source"] == "feature_drift"
            else " (over the training deciles)"
        )
        return lead + rest + source, table


# --- text and tables: plain data in, strings and rows out -----------------------------------------


def _number(v):
    f = float(v)
    return int(f) if f.is_integer() else f


def _positive(v) -> bool:
    try:
        return v is not None and float(v) > 0 and math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


def _same(a, b) -> bool:
    try:
        return b is not None and math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    except (TypeError, ValueError):
        return False


def _term(credit, annuity):
    return round(float(credit) / float(annuity), 1) if _positive(credit) and _positive(annuity) else None


def field_error(name: str, value) -> str:
    """A what-if value in plain words when it cannot be used; an emptied or mistyped field is refused, not dropped."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "empty — type a number"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return f"“{value}” is not a number"
    if not math.isfinite(v):
        return "type a finite number"
    if v < 0:
        return "cannot be negative"
    if name in WHOLE_FIELDS and not v.is_integer():
        return "a whole number, please"
    return ""


def decision_text(explanation: dict) -> str:
    """The decision in a heading (word and symbol, not colour), in a sentence a client understands,
    and the main reasons in plain language. No internal ids: the model run is named in the Model tab."""
    refused = explanation["decision"] == "refused"
    distance = explanation["distance_to_threshold"]
    sentence = explanation.get("decision_text") or presentation.decision_sentence(
        explanation["probability"], explanation["threshold"]
    )
    listed = "\n".join(f"{r['rank']}. {r['sentence']} ({effect_points(r['effect_pp'])})" for r in explanation.get("reasons", []))
    reasons = f"\n\n**{'Why it is refused' if refused else 'Why it is accepted'}:**\n\n{listed}" if listed else ""
    return (
        f"## {('✖ Refused by policy' if explanation.get('decided_by') == 'policy' else '✖ Refused') if refused else '✔ Accepted'}"
        f" — application {explanation['sk_id_curr']} ({explanation['kind']})\n"
        f"{sentence} The client is {points(distance)} {'above' if distance >= 0 else 'below'} the limit."
        f"{reasons}"
    )


def profile_rows(client: dict, currency: str = "€", only=None, exclude=()) -> list[list[str]]:
    profile = {"kind": client["kind"], **client["profile"]}

    def shown(k, fmt):
        v = profile.get(k)
        if v is None:
            return "no data"
        return fmt(v, currency) if fmt is money else fmt(v)

    keys = list(only) if only else [k for k in PROFILE_FIELDS if k not in exclude]
    rows = [[PROFILE_FIELDS[k][0], shown(k, PROFILE_FIELDS[k][1])] for k in keys if k in profile]
    if not only:
        rows += [
            [k.replace("_", " ").capitalize(), format_value(v)]
            for k, v in profile.items()
            if k not in PROFILE_FIELDS and k not in HIDDEN_PROFILE
        ]
    return rows


def profile_table(client: dict, currency: str = "€", only=None, exclude=()) -> str:
    """Profile rows as a two-column Markdown table: long values wrap instead of being cut."""

    def cell(text) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    rows = profile_rows(client, currency, only, exclude)
    return "\n".join(["| | |", "|:--|:--|"] + [f"| {cell(label)} | **{cell(value)}** |" for label, value in rows])


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


def neighbour_rows(table: dict, labels: dict[str, str]) -> tuple[str, pd.DataFrame]:
    """The headline ("9 of 16 past look-alikes defaulted") and one row per neighbour."""
    rows = table["neighbors"]
    past = [r for r in rows if r.get("outcome")]
    defaulted = sum(r["outcome"] == "defaulted" for r in past)
    new = len(rows) - len(past)
    headline = f"{defaulted} of {len(past)} past look-alikes defaulted" + (
        f"; {new} of the {len(rows)} are new applications." if new else "."
    )
    frame = pd.DataFrame(
        [
            {
                "Application": str(r["sk_id_curr"]),
                "Outcome": r.get("outcome") or "new",
                "Probability of default": percent(r.get("probability")),
                **{labels.get(f, f): format_value(v) for f, v in r["values"].items()},
            }
            for r in rows
        ]
    )
    return headline, frame


def what_if_text(result: dict, currency: str = "€") -> str:
    cur, new = result["current"], result["edited"]
    names = dict(WHAT_IF_NAMES)
    changed = ", ".join(
        f"{names.get(k, k)} {money(v, currency) if k.startswith('AMT_') else format_value(v)}"
        for k, v in result["changes"].items()
    )
    moved = result.get("changed_features") or []
    moved_txt = "; ".join(
        f"{m.get('label', m['feature'])}: {m.get('before_text', format_value(m['before']))} → "
        f"{m.get('after_text', format_value(m['after']))}"
        for m in moved[:8]
    )
    change = result["probability_change"]
    return (
        f"**Current:** {percent(cur['probability'])}, {cur['decision']}.  \n"
        f"**Edited** ({changed}): {percent(new['probability'])}, **{new['decision']}** "
        f"({'+' if change >= 0 else '−'}{points(change)}).  \n"
        f"{new['summary']}  \n"
        + (f"Features the edit changed: {moved_txt}." if moved_txt else "The edit changed none of the model's features.")
    )


def model_text(info: dict) -> str:
    """A plain summary first (what the AUC means for a relationship manager), then the figures and the run."""
    m = info.get("metrics") or {}
    cpc = info.get("cost_per_client") or {}
    costs = info.get("costs") or {}
    auc = m.get("oof_auc")
    plain = (
        f"Given one client who defaulted and one who repaid, the model ranks the defaulter as riskier "
        f"**{round(auc * 100)} times in 100** (a coin would manage 50). "
        if auc is not None
        else ""
    )
    unit = "cost units per client"
    return (
        f"{plain}Applications at or above a **{percent(info['threshold'])}** probability of default are refused: "
        f"that limit minimises the expected cost when a missed default costs {format_value(costs.get('fn'))} times "
        f"as much as refusing a good client ({format_value(costs.get('fp'))}).\n\n"
        f"Expected cost: {format_value(cpc.get('model'))} {unit} with the model, {format_value(cpc.get('accept_all'))} "
        f"if everyone were accepted, {format_value(cpc.get('threshold_0_5'))} with a 50 % limit. "
        f"Out-of-fold AUC {format_value(auc)}; trained on {info.get('rows', 0):,} clients and "
        f"{info.get('n_features', 0)} features.\n\n<small>Model run {info['run_id']}, trained {info.get('trained_at', '')}.</small>"
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
    df = pd.DataFrame(rows)
    df = df[[c for c in FAIRNESS_HEADERS if c in df]]
    for col in ("approval_rate", "fnr", "fpr"):
        if col in df:
            df[col] = df[col].map(percent)
    if "n" in df:
        df["n"] = df["n"].map(format_value)
    if "attribute" in df:
        df["attribute"] = df["attribute"].map(lambda a: FILTER_LABELS.get(a, a.replace("_", " ")))
    if "group" in df:
        df["group"] = df["group"].fillna("unknown")  # NULL in client_profile
    if "flag_reason" in df:
        df["flag_reason"] = df["flag_reason"].fillna("—")
    return df.rename(columns=FAIRNESS_HEADERS)


def baseline_rows(info: dict):
    rows = []
    for name, b in (info.get("baselines") or {}).items():
        if isinstance(b, dict):
            rows.append(
                {
                    "baseline": name,
                    **{
                        k: (percent(v) if k == "threshold" else format_value(v)) if isinstance(v, (int, float)) else str(v)
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
                "threshold": percent(info.get("threshold")),
            }
        )
    return (
        pd.DataFrame(rows)
        .fillna("")
        .rename(
            columns={
                "baseline": "Baseline",
                "auc": "AUC",
                "cost_per_client": "Cost per client (cost units)",
                "threshold": "Limit",
            }
        )
    )
