"""The dashboard's layout and its events. Each event calls one service function (the same ones the
REST API calls) and hands the result to `dashboard.panels` / `dashboard.charts` to draw it.

Named events (`api_name`, usable with gradio_client): search, open_id, show_client, compare, what_if, model, monitoring.
"""

from __future__ import annotations

import threading

import gradio as gr

from dashboard import charts, html_charts, panels
from dashboard.counterfactual import counterfactual_block
from service.scoring_service import ScoringService

PAGE_TITLE = "Credit scoring dashboard — Prêt à dépenser"
POPULATIONS = [("All clients", "all"), ("A group chosen with filters", "group"), ("The 20 most similar clients", "similar")]
SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "DejaVu Sans", "Helvetica", "Arial", "sans-serif"]
FOCUS = "#0060a0"  # 6.5:1 on white: the focus ring meets WCAG 1.4.11's 3:1 against the page and the control
CSS = (
    html_charts.CSS
    + f"""
.alt-text {{ font-size: 0.95rem; color: #1a1a1a; }}
#profile table, #profile-full table {{ width: 100%; table-layout: auto; border-collapse: collapse; font-size: 0.95rem; }}
#profile thead, #profile-full thead {{ display: none; }}
#profile td, #profile-full td {{ padding: .25rem .5rem; vertical-align: top; overflow-wrap: anywhere; white-space: normal;
  border-bottom: 1px solid #e5e5e5; }}
#profile td:first-child, #profile-full td:first-child {{ color: #3d3d3d; width: 45%; }}
#decision-text h2 {{ margin: 0 0 .3rem 0; font-size: 1.5rem; }}
#decision-text p {{ margin: .3rem 0; }}
#page-head h1 {{ margin: 0; font-size: 1.4rem; }}
#page-head p {{ margin: .2rem 0 0 0; }}
footer, footer a, footer button {{ color: #4b5563 !important; }}
/* Gradio's selected tab is blue-500 on white (3.7:1); a darker blue keeps the look at 6.5:1. */
button[role="tab"][aria-selected="true"] {{ color: #0060a0 !important; }}
/* A visible focus ring on every control, at least 3:1 (Gradio's input ring is ~1.9:1). */
:is(a, button, input, textarea, select, summary, [tabindex], [role="tab"], [role="option"]):focus-visible {{
  outline: 3px solid {FOCUS} !important; outline-offset: 2px !important; }}
input:focus, textarea:focus {{ outline: 3px solid {FOCUS} !important; outline-offset: 1px !important; }}
/* Plotly's mode bar (zoom, pan, lasso, logo link) adds unnamed controls to the tab order: the charts are read-only. */
.modebar-container {{ display: none !important; }}
.field-error input {{ border: 2px solid #b00020 !important; }}
.field-error [data-testid="block-info"], .field-error .info {{ color: #b00020 !important; font-weight: 600; }}
#neighbours-headline p {{ font-weight: 600; }}
/* Five tabs fit a 390-px phone side by side rather than behind Gradio's "More tabs" menu. */
.tab-container button {{ padding-left: .5rem !important; padding-right: .5rem !important; }}
"""
)

# Runs once in the page: charts become images named by their title and described by their text alternative
# (WCAG 1.1.1); the decision is a polite live region (4.1.3); the address follows the open application; and
# a request refused for want of a session (it ended or was revoked) takes the user to the login page.
HEAD = """
<script>
(() => {
  const nativeFetch = window.fetch;
  window.fetch = async (...args) => {
    const response = await nativeFetch(...args);
    const url = new URL(typeof args[0] === 'string' ? args[0] : args[0].url, location.href);
    if (response.status === 401 && url.origin === location.origin && !location.pathname.startsWith('/login')) {
      location.assign('/login?next=' + encodeURIComponent(location.pathname + location.search));
    }
    return response;
  };
  const label = () => {
    document.querySelectorAll('.js-plotly-plot').forEach((plot, i) => {
      const block = plot.closest('.block');
      if (!block) return;
      const alt = block.nextElementSibling;
      if (alt && alt.innerText.trim()) {
        if (!alt.id) alt.id = (block.id || 'chart-' + i) + '-alt';
        plot.setAttribute('aria-describedby', alt.id);
      }
      const title = plot.querySelector('.gtitle');
      const name = (block.querySelector('label, [data-testid="block-label"]') || {}).innerText || (title && title.textContent) || 'Chart';
      plot.setAttribute('role', 'img');
      plot.setAttribute('aria-label', name.trim());
    });
    const decision = document.getElementById('decision-text');
    if (decision && !decision.hasAttribute('aria-live')) decision.setAttribute('aria-live', 'polite');
  };
  // Once per frame at most: while the page mounts, every mutation calling label() cost the first paint time.
  let queued = false;
  new MutationObserver(() => {
    if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; label(); }); }
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
</script>
"""

# The address follows the open application, so it can be shared or bookmarked.
FOLLOW_ADDRESS = """
(id) => { if (id !== null && id !== undefined && id !== '') { const u = new URL(location.href);
  u.searchParams.set('id', String(Math.trunc(id))); history.replaceState(history.state, '', u); } return []; }
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
        input_border_color_focus=FOCUS,
    )


def build_dashboard(service: ScoringService) -> gr.Blocks:
    events = panels.Events(service)
    events.warm_up()
    threading.Thread(target=events.warm_comparisons, name="warm-comparisons", daemon=True).start()
    feature_choices = events.feature_choices()
    filters = events.filter_choices()
    opening = "Opening the application…"
    loading_figure, loading_alt = charts.empty(opening)
    loading = panels.plot(loading_figure)

    with gr.Blocks(title=PAGE_TITLE, analytics_enabled=False) as demo:
        gr.Markdown(
            "# Credit scoring dashboard\nThe decision on an application, its reasons and how the client compares.",
            elem_id="page-head",
        )
        # The open application, as a hidden component (not gr.State) so API clients can pass it too.
        client_id = gr.Number(value=None, precision=0, visible=False, label="Client id")

        with gr.Row(equal_height=False):
            query = gr.Textbox(
                label="Application id (or its first digits)",
                info="Enter opens an exact id.",
                placeholder="e.g. 100042",
                max_lines=1,
                elem_id="client-search",
                scale=1,
                min_width=240,
            )
            match_note = gr.Markdown(elem_classes="alt-text", elem_id="match-note")
        matches = gr.Radio(choices=[], label="Matching applications", elem_id="client-matches", visible=False)

        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=320):
                decision = gr.Markdown("Opening the newest application…", elem_id="decision-text")
                gr.Markdown("### The client", elem_id="client-head")
                profile = gr.Markdown(elem_id="profile")
                with gr.Accordion("Full profile", open=False, elem_id="profile-more"):
                    profile_full = gr.Markdown(elem_id="profile-full")
            with gr.Column(scale=2, min_width=300):
                gauge = gr.HTML(html_charts.message(opening, "gauge-alt", pending=True)[0], elem_id="gauge")
                gauge_alt = gr.Markdown(opening, elem_classes="alt-text", elem_id="gauge-alt")

        with gr.Tabs():
            with gr.Tab("Why", id="why"):
                gr.Markdown("## Why this decision")
                why_summary = gr.Markdown(elem_id="why-summary")
                why_plot = gr.HTML(html_charts.message(opening, "why-alt", pending=True)[0], elem_id="why-plot")
                why_alt = gr.Markdown(opening, elem_classes="alt-text", elem_id="why-alt")
                counterfactual_block(service, client_id)
                gr.Markdown("## What matters for all clients")
                importance_plot = gr.HTML(
                    html_charts.message("Reading the model…", "importance-alt", pending=True)[0], elem_id="importance-plot"
                )
                importance_alt = gr.Markdown("Reading the model…", elem_classes="alt-text", elem_id="importance-alt")

            with gr.Tab("Compare", id="compare"):
                population = gr.Radio(POPULATIONS, value="all", label="Compare the client with", elem_id="population")
                with gr.Row():
                    group_filters = [
                        gr.Dropdown(
                            filters[f],
                            value=None,
                            label=f"Group filter: {panels.FILTER_LABELS[f]}",
                            info="Used when comparing with a group.",
                            allow_custom_value=False,
                            interactive=False,
                            elem_id=f"filter-{f.replace('_', '-')}",
                        )
                        for f in panels.GROUP_FILTERS
                    ]
                features = gr.Dropdown(
                    feature_choices,
                    value=[],
                    multiselect=True,
                    max_choices=4,
                    label="Features for the box plots (this client's strongest reasons first)",
                    elem_id="box-features",
                )
                with gr.Row():
                    show_box = gr.Checkbox(label="Box plots by outcome", value=True, elem_id="show-box")
                    show_scatter = gr.Checkbox(label="Two-feature plot", value=False, elem_id="show-scatter")
                with gr.Row():
                    fx = gr.Dropdown(feature_choices, value=None, label="Horizontal axis", elem_id="scatter-x")
                    fy = gr.Dropdown(feature_choices, value=None, label="Vertical axis", elem_id="scatter-y")
                compare_note = gr.Markdown(elem_classes="alt-text", elem_id="compare-note")
                refresh_compare = gr.Button("Refresh comparison", size="sm")
                neighbours_headline = gr.Markdown(visible=False, elem_id="neighbours-headline")
                neighbours_table = gr.Dataframe(
                    interactive=False, visible=False, label="The 20 most similar clients", elem_id="neighbours-table", wrap=True
                )
                box_plot = gr.Plot(loading, label="Box plots by outcome", elem_id="box-plot")
                box_alt = gr.Markdown(loading_alt, elem_classes="alt-text", elem_id="box-alt")
                scatter_plot = gr.Plot(label="Two-feature plot", visible=False, elem_id="scatter-plot")
                scatter_alt = gr.Markdown(elem_classes="alt-text", visible=False, elem_id="scatter-alt")

            with gr.Tab("What-if", id="what-if"):
                gr.Markdown(
                    "## What-if\nChange a few fields of the application and see the new score and what moved it. "
                    "The fields start with the client's own values."
                )
                with gr.Row():
                    what_if_inputs = [
                        gr.Number(label=label, info=info, elem_id=f"wi-{name.lower()}")
                        for name, label, info in panels.what_if_fields(service.settings.currency)
                    ]
                with gr.Row():
                    term = gr.Number(
                        label="Repayment term (credit ÷ annuity)",
                        info="Changing it recomputes the annuity.",
                        elem_id="wi-term",
                    )
                    keep_annuity = gr.Checkbox(label="Keep the annuity fixed when the credit or term changes", elem_id="wi-keep")
                with gr.Row():
                    what_if_button = gr.Button("Score the edited application", variant="primary", elem_id="what-if-run")
                    reset_button = gr.Button("Back to the client's values", elem_id="what-if-reset")
                what_if_result = gr.Markdown(elem_id="what-if-result")
                what_if_plot = gr.HTML(visible=False, elem_id="what-if-plot")
                what_if_alt = gr.Markdown(elem_classes="alt-text", visible=False, elem_id="what-if-alt")

            with gr.Tab("Model", id="model") as model_tab:
                gr.Markdown("## The model in service")
                model_summary = gr.Markdown("Reading the model…", elem_id="model-summary")
                with gr.Row():
                    with gr.Column(min_width=300):
                        roc_plot = gr.Plot(loading, label="ROC curve", elem_id="roc-plot")
                        roc_alt = gr.Markdown(loading_alt, elem_classes="alt-text")
                    with gr.Column(min_width=300):
                        calibration_plot = gr.Plot(loading, label="Calibration", elem_id="calibration-plot")
                        calibration_alt = gr.Markdown(loading_alt, elem_classes="alt-text")
                cost_plot = gr.Plot(loading, label="Cost against threshold", elem_id="cost-plot")
                cost_alt = gr.Markdown(loading_alt, elem_classes="alt-text")
                gr.Markdown("### Fairness: decisions by group")
                fairness = gr.Dataframe(interactive=False, label="Fairness", wrap=True)
                gr.Markdown("### Baselines")
                baselines = gr.Dataframe(interactive=False, label="Baselines", wrap=True)
                with gr.Accordion("Model card", open=False):
                    model_card = gr.Markdown(elem_id="model-card")

            with gr.Tab("Monitoring", id="monitoring") as monitoring_tab:
                gr.Markdown(
                    "## Drift between the training clients and the new applications\n"
                    "Population stability index (PSI): below 0.1 stable, 0.1 to 0.25 worth watching, above 0.25 shifted."
                )
                drift_summary = gr.Markdown("Open this tab to compute the drift.", elem_id="drift-summary")
                drift_table = gr.Dataframe(interactive=False, label="Drift by feature", elem_id="drift-table", wrap=True)

        compare_inputs = [client_id, population, features, show_box, show_scatter, fx, fy, *group_filters]
        compare_outputs = [compare_note, box_plot, box_alt, scatter_plot, scatter_alt, neighbours_headline, neighbours_table]
        client_outputs = [
            decision,
            gauge,
            gauge_alt,
            profile,
            why_summary,
            why_plot,
            why_alt,
            *what_if_inputs,
            profile_full,
            features,
            fx,
            fy,
            term,
            what_if_result,
            what_if_plot,
            what_if_alt,
        ]

        search_outputs = [matches, match_note]
        query.change(
            events.search, [query], search_outputs, api_name="search", show_progress="hidden", trigger_mode="always_last"
        )
        # Opening an application draws the client in the step that chooses it (one round trip), then the
        # comparison (the slowest panel) follows with the client's own reasons as features.
        query.submit(
            events.open_id, [query], [client_id, *search_outputs, *client_outputs], api_name="open_id", show_progress="minimal"
        ).then(events.compare, compare_inputs, compare_outputs, api_name=False, show_progress="minimal")
        matches.input(events.pick, [matches], [client_id, *client_outputs], api_name=False, show_progress="minimal").then(
            events.compare, compare_inputs, compare_outputs, api_name=False, show_progress="minimal"
        )
        # The client panels alone, for API clients (gradio_client): a button never shown.
        show = gr.Button("Show the client", visible=False)
        show.click(events.show_client, [client_id], client_outputs, api_name="show_client")
        client_id.change(None, [client_id], None, js=FOLLOW_ADDRESS)
        population.input(events.filters_for, [population], group_filters, api_name=False, show_progress="hidden")
        for control in (population, features, show_box, show_scatter, fx, fy, *group_filters):
            control.input(events.compare, compare_inputs, compare_outputs, api_name=False, show_progress="minimal")
        # A named copy of the comparison for API clients (gradio_client) and the benchmark.
        refresh_compare.click(events.compare, compare_inputs, compare_outputs, api_name="compare")
        what_if_outputs = [what_if_result, what_if_plot, what_if_alt, *what_if_inputs]
        what_if_button.click(events.what_if, [client_id, *what_if_inputs], what_if_outputs, api_name="what_if")
        reset_button.click(events.reset, [client_id], [*what_if_inputs, term, *what_if_outputs[:3]], api_name=False)
        credit, annuity = what_if_inputs[1], what_if_inputs[2]
        credit.input(events.follow_credit, [credit, annuity, term, keep_annuity], [annuity, term], api_name=False)
        term.input(events.follow_term, [credit, annuity, term, keep_annuity], [annuity, term], api_name=False)
        annuity.input(events.follow_annuity, [credit, annuity], [term], api_name=False)
        monitoring_tab.select(events.monitoring, None, [drift_summary, drift_table], api_name="monitoring")
        # The first page draws its application in one step (no round trip between choosing and drawing it), then
        # the global importance and the comparison; the Model tab is drawn when it is opened (one event at load).
        opened = demo.load(
            events.open_initial, None, [client_id, match_note, *client_outputs], api_name=False, show_progress="hidden"
        )
        opened.then(events.importance, None, [importance_plot, importance_alt], api_name=False, show_progress="hidden")
        opened.then(events.compare, compare_inputs, compare_outputs, api_name=False, show_progress="minimal")
        model_tab.select(
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
            show_progress="hidden",
        )
        model_tab.select(events.model_card, None, [model_card], api_name="model_card", show_progress="hidden")
    return demo


__all__ = ["CSS", "HEAD", "PAGE_TITLE", "build_dashboard", "theme"]
