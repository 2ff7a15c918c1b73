"""The dashboard's layout and its events. Each event calls one service function (the same ones the
REST API calls) and hands the result to `dashboard.panels` / `dashboard.charts` to draw it.

Named events (`api_name`, usable with gradio_client): search, show_client, compare, what_if, model.
"""

from __future__ import annotations

import gradio as gr

from dashboard import panels
from service.scoring_service import ScoringService

PAGE_TITLE = "Credit scoring dashboard — Prêt à dépenser"
POPULATIONS = [("All clients", "all"), ("A group chosen with filters", "group"), ("The 20 most similar clients", "similar")]
# Application fields a relationship manager can change in the what-if panel (Kaggle names).
WHAT_IF_FIELDS = panels.WHAT_IF_NAMES
SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "DejaVu Sans", "Helvetica", "Arial", "sans-serif"]
CSS = """
.alt-text { font-size: 0.95rem; color: #1a1a1a; }
#profile table { width: 100%; table-layout: auto; border-collapse: collapse; font-size: 0.95rem; }
#profile thead { display: none; }
#profile td { padding: .3rem .5rem; vertical-align: top; overflow-wrap: anywhere; white-space: normal; border-bottom: 1px solid #e5e5e5; }
#profile td:first-child { color: #3d3d3d; width: 45%; }
#decision-text h3 { margin-top: 0; }
footer, footer a, footer button { color: #4b5563 !important; }
/* Gradio's selected tab is blue-500 on white (3.7:1); a darker blue keeps the look at 6.5:1. */
button[role="tab"][aria-selected="true"] { color: #0060a0 !important; }
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
        body_text_color_subdued="#4b5563",  # 7.6:1 on white (Gradio's default grey is 4.8:1)
        input_placeholder_color="#595959",  # 7:1; Gradio's default placeholder grey is 2.5:1
        block_label_text_color="#3d3d3d",
        block_info_text_color="#4b5563",
    )


def build_dashboard(service: ScoringService) -> gr.Blocks:
    events = panels.Events(service, [name for name, _ in WHAT_IF_FIELDS])
    # First values for the pickers; every page load re-reads them (events.choices) after a rebuild.
    feature_choices = events.feature_choices()
    default_features = [value for _, value in feature_choices[:3]]
    filters = events.filter_choices()

    with gr.Blocks(title=PAGE_TITLE, analytics_enabled=False) as demo:
        gr.Markdown(
            "# Credit scoring dashboard\nScores, reasons and comparisons for credit applications. "
            "Search an application by its id, then read the decision, the reasons and how the client compares."
        )
        # The chosen client, as a hidden component (not gr.State) so API clients can pass it too.
        client_id = gr.Number(value=None, precision=0, visible=False, label="Client id")

        with gr.Row(equal_height=False):
            with gr.Column(scale=2, min_width=320):
                gr.Markdown("## Choose an application")
                query = gr.Textbox(
                    label="Application id (or its first digits)", placeholder="e.g. 1000", max_lines=1, elem_id="client-search"
                )
                matches = gr.Radio(choices=[], label="Matching applications", elem_id="client-matches")
                match_note = gr.Markdown(elem_classes="alt-text")
                gr.Markdown("## Client")
                profile = gr.Markdown("Choose an application to see the client's profile.", elem_id="profile")
            with gr.Column(scale=3, min_width=380):
                gr.Markdown("## Decision")
                decision = gr.Markdown("Choose an application to see its decision.", elem_id="decision-text")
                gauge = gr.Plot(label="Probability of default against the bank's limit", elem_id="gauge")
                gauge_alt = gr.Markdown(elem_classes="alt-text", elem_id="gauge-alt")

        with gr.Tabs():
            with gr.Tab("Why", id="why"):
                # One chart above the other, each the full width: long feature labels need the room.
                gr.Markdown("## Why this decision")
                why_summary = gr.Markdown(elem_id="why-summary")
                why_plot = gr.Plot(label="What moved this client's score", elem_id="why-plot")
                why_alt = gr.Markdown(elem_classes="alt-text", elem_id="why-alt")
                gr.Markdown("## What matters for all clients")
                importance_plot = gr.Plot(label="Global importance", elem_id="importance-plot")
                importance_alt = gr.Markdown(elem_classes="alt-text")

            with gr.Tab("Compare", id="compare"):
                population = gr.Radio(POPULATIONS, value="all", label="Compare the client with", elem_id="population")
                with gr.Row():
                    group_filters = [
                        gr.Dropdown(
                            filters[f],
                            value=None,
                            label=f"Group filter: {panels.FILTER_LABELS[f]}",
                            allow_custom_value=False,
                            elem_id=f"filter-{f.replace('_', '-')}",
                        )
                        for f in panels.GROUP_FILTERS
                    ]
                features = gr.Dropdown(
                    feature_choices,
                    value=default_features,
                    multiselect=True,
                    max_choices=4,
                    label="Features for the box plots",
                    elem_id="box-features",
                )
                with gr.Row():
                    show_box = gr.Checkbox(label="Box plots by outcome", value=False, elem_id="show-box")
                    show_scatter = gr.Checkbox(label="Two-feature plot", value=False, elem_id="show-scatter")
                with gr.Row():
                    fx = gr.Dropdown(
                        feature_choices, value=default_features[0] if default_features else None, label="Horizontal axis"
                    )
                    fy = gr.Dropdown(
                        feature_choices, value=default_features[1] if len(default_features) > 1 else None, label="Vertical axis"
                    )
                compare_note = gr.Markdown(elem_classes="alt-text", elem_id="compare-note")
                refresh_compare = gr.Button("Refresh comparison", size="sm")
                box_plot = gr.Plot(label="Box plots by outcome", visible=False, elem_id="box-plot")
                box_alt = gr.Markdown(elem_classes="alt-text", visible=False)
                scatter_plot = gr.Plot(label="Two-feature plot", visible=False, elem_id="scatter-plot")
                scatter_alt = gr.Markdown(elem_classes="alt-text", visible=False, elem_id="scatter-alt")

            with gr.Tab("What-if", id="what-if"):
                gr.Markdown("## What-if\nChange a few fields of the application and see the new score and what moved it.")
                with gr.Row():
                    what_if_inputs = [
                        gr.Number(label=f"{label} ({name})", elem_id=f"wi-{name.lower()}") for name, label in WHAT_IF_FIELDS
                    ]
                what_if_button = gr.Button("Score the edited application", variant="primary", elem_id="what-if-run")
                gr.Markdown(
                    "Amounts are in the application's currency; the fields start with the client's own values.",
                    elem_classes="alt-text",
                )
                what_if_result = gr.Markdown(elem_id="what-if-result")
                what_if_plot = gr.Plot(label="What moved the edited score")
                what_if_alt = gr.Markdown(elem_classes="alt-text")

            with gr.Tab("Model", id="model"):
                gr.Markdown("## The model in service")
                model_summary = gr.Markdown(elem_id="model-summary")
                with gr.Row():
                    with gr.Column(min_width=420):
                        roc_plot = gr.Plot(label="ROC curve")
                        roc_alt = gr.Markdown(elem_classes="alt-text")
                    with gr.Column(min_width=420):
                        calibration_plot = gr.Plot(label="Calibration")
                        calibration_alt = gr.Markdown(elem_classes="alt-text")
                cost_plot = gr.Plot(label="Cost against threshold")
                cost_alt = gr.Markdown(elem_classes="alt-text")
                gr.Markdown("### Fairness: decisions by group")
                fairness = gr.Dataframe(interactive=False, label="Fairness")
                gr.Markdown("### Baselines")
                baselines = gr.Dataframe(interactive=False, label="Baselines")
                with gr.Accordion("Model card", open=False):
                    model_card = gr.Markdown(elem_id="model-card")

        compare_inputs = [client_id, population, features, show_box, show_scatter, fx, fy, *group_filters]
        compare_outputs = [compare_note, box_plot, box_alt, scatter_plot, scatter_alt]
        client_outputs = [decision, gauge, gauge_alt, profile, why_summary, why_plot, why_alt, *what_if_inputs]

        query.change(
            events.search, [query], [matches, match_note], api_name="search", show_progress="hidden", trigger_mode="always_last"
        )
        query.submit(events.search, [query], [matches, match_note], api_name=False, show_progress="hidden")
        matches.change(events.pick, [matches], [client_id], api_name=False, show_progress="hidden")
        client_id.change(events.show_client, compare_inputs, client_outputs + compare_outputs, api_name="show_client")
        for control in (population, features, show_box, show_scatter, fx, fy, *group_filters):
            control.change(events.compare, compare_inputs, compare_outputs, api_name=False, show_progress="minimal")
        # A named copy of the comparison for API clients (gradio_client) and the benchmark.
        refresh_compare.click(events.compare, compare_inputs, compare_outputs, api_name="compare")
        what_if_button.click(
            events.what_if, [client_id, *what_if_inputs], [what_if_result, what_if_plot, what_if_alt], api_name="what_if"
        )
        demo.load(
            events.choices,
            [features, fx, fy, *group_filters],
            [features, fx, fy, *group_filters],
            api_name=False,
            show_progress="hidden",
        )
        demo.load(
            events.model,
            None,
            [
                model_summary,
                roc_plot,
                roc_alt,
                cost_plot,
                cost_alt,
                calibration_plot,
                calibration_alt,
                fairness,
                baselines,
                importance_plot,
                importance_alt,
            ],
            api_name="model",
        )
        demo.load(events.model_card, None, [model_card], api_name="model_card", show_progress="hidden")
    return demo


__all__ = ["CSS", "PAGE_TITLE", "build_dashboard", "theme"]
