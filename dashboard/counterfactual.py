"""The "What would change the decision" block: one button, one text, fed by ScoringService.counterfactual.
Self-contained, so that the layout can place it anywhere: `counterfactual_block(service, client_id)`."""

from __future__ import annotations

import gradio as gr

from kernel.errors import ClientNotFound, ScoringError
from service.scoring_service import ScoringService


def counterfactual_markdown(result: dict) -> str:
    """The sentence, and the change as a short list of fields."""
    text = result["sentence"]
    change = result.get("change")
    if change:
        rows = "\n".join(
            f"- {field}: {change['before'][field]:,.0f} → {value:,.0f}" for field, value in change["changes"].items()
        )
        text += f"\n\n{rows}"
    return text


def counterfactual_block(service: ScoringService, client_id: gr.components.Component) -> None:
    """A titled group with a button; the search runs on demand (about 40 edited applications scored at once)."""

    def find(cid):
        if cid is None:
            return "Choose an application first."
        try:
            return counterfactual_markdown(service.counterfactual(cid))
        except (ClientNotFound, ScoringError) as exc:
            return f"**{str(exc).splitlines()[0]}**"

    with gr.Group():
        gr.Markdown("## What would change the decision")
        button = gr.Button("Find the smallest change of the loan", elem_id="counterfactual-button")
        text = gr.Markdown(
            "For a refused application: the smallest change of the credit, the term or the goods price that gets it accepted.",
            elem_id="counterfactual-text",
        )
    button.click(find, [client_id], [text], api_name="counterfactual")
    # Another client clears the answer, in the page (no round trip to the server).
    client_id.change(None, [client_id], [text], js="(id) => ''")
