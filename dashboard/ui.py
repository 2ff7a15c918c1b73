"""The dashboard's layout and its events. Each event calls one service function (the same ones the
REST API calls) and hands the result to `dashboard.panels` / `dashboard.charts` to draw it.

Named events (`api_name`, usable with gradio_client): search, show_client, compare, what_if, model.
"""

from __future__ import annotations

import gradio as gr

from dashboard import panels
from models_ml.service import ScoringService

PAGE_TITLE = "Credit scoring dashboard — Prêt à dépenser"
POPULATIONS = [("All clients", "all"), ("A group chosen with filters", "group"), ("The 20 most similar clients", "similar")]
# Application fields a relationship manager can change in the what-if panel (Kaggle names).
WHAT_IF_FIELDS = [
    ("AMT_INCOME_TOTAL", "Annual income"),
    ("AMT_CREDIT", "Credit amount"),
    ("AMT_ANNUITY", "Loan annuity"),
    ("AMT_GOODS_PRICE", "Price of the goods"),
    ("CNT_CHILDREN", "Number of children"),
]
SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "DejaVu Sans", "Helvetica", "Arial", "sans-serif"]
CSS = """
.alt-text { font-size: 0.95rem; color: #1a1a1a; }
.decision-accepted { border-left: 6px solid #0072B2; padding-left: .6rem; }
.decision-refused { border-left: 6px solid #D55E00; padding-left: .6rem; }
"""


def theme() -> gr.themes.Base:
    """Gradio's default theme with system fonts only (nothing fetched from the internet) and AA buttons."""
    return gr.themes.Default(
        primary_hue="blue",
        font=SYSTEM_FONTS,
        font_mono=["ui-monospace", "DejaVu Sans Mono", "Menlo", "Consolas", "monospace"],
    ).set(
        button_primary_background_fill="#0060a0",
        button_primary_background_fill_hover="#004f85",
        button_primary_text_color="#ffffff",
        body_text_color="#1a1a1a",
    )


def build_dashboard(service: ScoringService) -> gr.Blocks:
    events = panels.Events(service, [name for name, _ in WHAT_IF_FIELDS])
    feature_choices = events.feature_choices()
    default_features = [value for _, value in feature_choices[:3]]
    filters = events.filter_choices()

    with gr.Blocks(title=PAGE_TITLE, analytics_enabled=False) as demo:
        gr.Markdown("# Credit scoring dashboard\nScores, reasons and comparisons for credit applications. "
                    "Search an application by its id, then read the decision, the reasons and how the client compares.")
        # The chosen client, as a hidden component (not gr.State) so API clients can pass it too.
        client_id = gr.Number(value=None, precision=0, visible=False, label="Client id")

        with gr.Row(equal_height=False):
            with gr.Column(scale=1, min_width=280):
                gr.Markdown("## Choose an application")
                query = gr.Textbox(label="Application id (or its first digits)", placeholder="e.g. 1000", max_lines=1, elem_id="client-search")
                matches = gr.Radio(choices=[], label="Matching applications", elem_id="client-matches")
                match_note = gr.Markdown(elem_classes="alt-text")
                gr.Markdown("## Client")
                profile = gr.Dataframe(headers=["", "value"], label="Profile", interactive=False, wrap=True, elem_id="profile")
            with gr.Column(scale=2, min_width=380):
                gr.Markdown("## Decision")
                decision = gr.Markdown("Choose an application to see its decision.", elem_id="decision-text")
                gauge = gr.Plot(label="Probability of default against the threshold", elem_id="gauge")
                gauge_alt = gr.Markdown(elem_classes="alt-text", elem_id="gauge-alt")

        with gr.Tabs():
            with gr.Tab("Why", id="why"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=420):
                        gr.Markdown("## Why this decision")
                        why_summary = gr.Markdown(elem_id="why-summary")
                        why_plot = gr.Plot(label="What moved this client's score", elem_id="why-plot")
                        why_alt = gr.Markdown(elem_classes="alt-text")
                    with gr.Column(scale=2, min_width=380):
                        gr.Markdown("## What matters for all clients")
                        importance_plot = gr.Plot(label="Global importance")
                        importance_alt = gr.Markdown(elem_classes="alt-text")

            with gr.Tab("Compare", id="compare"):
                with gr.Row():
                    population = gr.Radio(POPULATIONS, value="all", label="Compare the client with", elem_id="population")
                    gender = gr.Dropdown(filters["gender"], value=None, label="Group filter: gender", allow_custom_value=False)
                    age_band = gr.Dropdown(filters["age_band"], value=None, label="Group filter: age band", allow_custom_value=False)
                features = gr.Dropdown(feature_choices, value=default_features, multiselect=True, max_choices=4,
                                       label="Features for the box plots", elem_id="box-features")
                with gr.Row():
                    show_box = gr.Checkbox(label="Box plots by outcome", value=False, elem_id="show-box")
                    show_scatter = gr.Checkbox(label="Two-feature plot", value=False, elem_id="show-scatter")
                with gr.Row():
                    fx = gr.Dropdown(feature_choices, value=default_features[0] if default_features else None, label="Horizontal axis")
                    fy = gr.Dropdown(feature_choices, value=default_features[1] if len(default_features) > 1 else None, label="Vertical axis")
                compare_note = gr.Markdown(elem_classes="alt-text", elem_id="compare-note")
                refresh_compare = gr.Button("Refresh comparison", size="sm")
                box_plot = gr.Plot(label="Box plots by outcome", visible=False, elem_id="box-plot")
                box_alt = gr.Markdown(elem_classes="alt-text", visible=False)
                scatter_plot = gr.Plot(label="Two-feature plot", visible=False, elem_id="scatter-plot")
                scatter_alt = gr.Markdown(elem_classes="alt-text", visible=False, elem_id="scatter-alt")

            with gr.Tab("What-if", id="what-if"):
                gr.Markdown("## What-if\nChange a few fields of the application and see the new score and what moved it.")
                with gr.Row():
                    what_if_inputs = [gr.Number(label=f"{label} ({name})", elem_id=f"wi-{name.lower()}") for name, label in WHAT_IF_FIELDS]
                what_if_button = gr.Button("Score the edited application", variant="primary", elem_id="what-if-run")
                what_if_result = gr.Markdown(elem_id="what-if-result")
                what_if_plot = gr.Plot(label="What moved the edited score")
                what_if_alt = gr.Markdown(elem_classes="alt-text")

            with gr.Tab("Model", id="model"):
                gr.Markdown("## The model in service")
                model_summary = gr.Markdown(elem_id="model-summary")
                with gr.Row():
                    with gr.Column():
                        roc_plot = gr.Plot(label="ROC curve")
                        roc_alt = gr.Markdown(elem_classes="alt-text")
                    with gr.Column():
                        cost_plot = gr.Plot(label="Cost against threshold")
                        cost_alt = gr.Markdown(elem_classes="alt-text")
                    with gr.Column():
                        calibration_plot = gr.Plot(label="Calibration")
                        calibration_alt = gr.Markdown(elem_classes="alt-text")
                gr.Markdown("### Fairness: decisions by group")
                fairness = gr.Dataframe(interactive=False, label="Fairness")
                gr.Markdown("### Baselines")
                baselines = gr.Dataframe(interactive=False, label="Baselines")

        compare_inputs = [client_id, population, features, show_box, show_scatter, fx, fy, gender, age_band]
        compare_outputs = [compare_note, box_plot, box_alt, scatter_plot, scatter_alt]
        client_outputs = [decision, gauge, gauge_alt, profile, why_summary, why_plot, why_alt, *what_if_inputs]

        query.change(events.search, [query], [matches, match_note], api_name="search", show_progress="hidden", trigger_mode="always_last")
        query.submit(events.search, [query], [matches, match_note], api_name=False, show_progress="hidden")
        matches.change(events.pick, [matches], [client_id], api_name=False, show_progress="hidden")
        client_id.change(events.show_client, compare_inputs, client_outputs + compare_outputs, api_name="show_client")
        for control in (population, features, show_box, show_scatter, fx, fy, gender, age_band):
            control.change(events.compare, compare_inputs, compare_outputs, api_name=False, show_progress="minimal")
        # A named copy of the comparison for API clients (gradio_client) and the benchmark.
        refresh_compare.click(events.compare, compare_inputs, compare_outputs, api_name="compare")
        what_if_button.click(events.what_if, [client_id, *what_if_inputs], [what_if_result, what_if_plot, what_if_alt], api_name="what_if")
        demo.load(events.model, None, [model_summary, roc_plot, roc_alt, cost_plot, cost_alt, calibration_plot, calibration_alt,
                                       fairness, baselines, importance_plot, importance_alt], api_name="model")
    return demo


__all__ = ["CSS", "PAGE_TITLE", "build_dashboard", "theme"]
