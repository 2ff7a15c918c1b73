"""The dashboard's Plotly charts (comparison and model tabs): plain data in, a plotly figure and its text
alternative out. The first screen's charts (gauge, reasons, importance) are inline SVG / HTML, in html_charts.py.

Accessibility rules every chart follows (WCAG 2.1 AA 1.1.1, 1.4.1, 1.4.3):
- each function returns `(figure, alt_text)`; the dashboard shows the text beside the chart;
- class is carried by marker shape and a text label as well as colour (repaid = circle, defaulted =
  cross, unknown = diamond, this client = large star labelled "this client");
- Okabe-Ito colours (blue #0072B2, vermillion #D55E00) for marks; text is near-black on white, never
  on a coloured band or bar (bar values sit outside the bars), and coloured text uses the darker
  BLUE / VERMILLION_TEXT (contrast >= 4.5:1 on white, checked by `contrast_ratio` in the tests);
- labels are wrapped (`wrap`) and margins sized for them, so nothing is clipped at the chart's edge.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.format import format_value, percent

BLUE = "#0072B2"  # below the threshold / lowers risk / repaid
VERMILLION = "#D55E00"  # above the threshold / raises risk / defaulted (marks only: 3.9:1 on white)
VERMILLION_TEXT = "#B34700"  # the same hue dark enough for text (5.5:1 on white)
GREY = "#595959"  # unknown outcome (new applications); 7:1 on white
INK = "#1a1a1a"
BLUE_BAND = "#cfe3f1"
VERMILLION_BAND = "#f6d5c0"
FONT = dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif", size=14, color=INK)

# class -> (colour, marker symbol); the legend and the axis labels carry the class name in words.
CLASS_STYLE = {
    "repaid": (BLUE, "circle"),
    "defaulted": (VERMILLION, "x"),
    "new application": (GREY, "diamond"),
    "unknown": (GREY, "diamond"),
}


# Colours that text is drawn in, and what it is drawn on (the browser test checks every SVG text too).
TEXT_COLOURS = {
    "ink": (INK, "#ffffff"),
    "grey": (GREY, "#ffffff"),
    "blue": (BLUE, "#ffffff"),
    "vermillion": (VERMILLION_TEXT, "#ffffff"),
}


def _luminance(colour: str) -> float:
    rgb = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours (1 to 21)."""
    a, b = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def wrap(text: str, width: int = 42) -> str:
    """A long label on several lines (plotly wraps nothing by itself)."""
    return "<br>".join(textwrap.wrap(str(text), width=width, break_long_words=False)) or str(text)


def _layout(fig: go.Figure, title: str, height: int = 360, **kw) -> go.Figure:
    margin = kw.pop("margin", dict(l=10, r=20, t=60, b=40))
    fig.update_layout(
        title=dict(text=wrap(title, 30) if "<br>" not in title else title, x=0, xanchor="left"),
        font=FONT,
        height=height,
        margin=margin,
        paper_bgcolor="white",
        plot_bgcolor="white",
        **kw,
    )
    fig.update_xaxes(showgrid=True, gridcolor="#e5e5e5", zeroline=False, automargin=True)
    fig.update_yaxes(showgrid=True, gridcolor="#e5e5e5", zeroline=False, automargin=True)
    return fig


def empty(message: str) -> tuple[go.Figure, str]:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font=dict(size=16))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, "", height=200), message


LABEL_WRAP = 38  # characters per label line: ~300 px at 13 px, so a 390-px phone shows every label whole


# --- comparison ------------------------------------------------------------------------------------


def box_by_class(
    stats: dict[str, list[dict]], client: dict[str, float | None], features: Sequence[str], labels: dict[str, str]
) -> tuple[go.Figure, str]:
    """One panel per feature, one box per outcome (drawn from quartiles computed in SQL over the whole
    population), and the client as a dashed line labelled "this client".

    `stats[feature]` = [{outcome, n_values, min, q1, median, q3, max}, ...]; `client[feature]` = value.
    """
    features = [f for f in features if stats.get(f)]
    if not features:
        return empty("Choose at least one feature to compare.")
    # One panel under the other: side by side, three panels leave a phone ~100 px each and their titles collide.
    fig = make_subplots(
        rows=len(features), cols=1, subplot_titles=[wrap(labels.get(f, f), LABEL_WRAP) for f in features], vertical_spacing=0.12
    )
    # The panels' titles at the labels' size (plotly's 16 px would overflow a phone at LABEL_WRAP characters).
    fig.update_annotations(font=dict(size=13, color=INK))
    alt_parts = []
    lines: list[dict] = []
    notes: list[dict] = []
    for col, feature in enumerate(features, start=1):
        medians = []
        for row in stats[feature]:
            if not row.get("n_values") or row.get("median") is None:
                continue
            cls = row["outcome"]
            colour, symbol = CLASS_STYLE.get(cls, CLASS_STYLE["unknown"])
            name = f"{cls}<br>n={int(row['n_values']):,}"
            fig.add_trace(
                go.Box(
                    x=[name],
                    q1=[row["q1"]],
                    median=[row["median"]],
                    q3=[row["q3"]],
                    lowerfence=[row["min"]],
                    upperfence=[row["max"]],
                    mean=[row["mean"]] if row.get("mean") is not None else None,
                    name=cls,
                    marker=dict(color=colour, symbol=symbol),
                    line=dict(color=colour, width=2),
                    fillcolor="rgba(0,0,0,0)",
                    boxpoints=False,
                    showlegend=False,
                ),
                row=col,
                col=1,
            )
            medians.append(
                f"{cls} median {format_value(row['median'])} (quartiles {format_value(row['q1'])} to {format_value(row['q3'])})"
            )
        value = client.get(feature)
        if value is not None and not (isinstance(value, float) and math.isnan(value)):
            # A dashed line across the boxes, labelled in words, so the client's place needs no colour. Written
            # as a shape and an annotation on the panel's axes: add_hline took ~0.1 s a panel in plotly.
            axis = "" if col == 1 else str(col)
            lines.append(
                dict(
                    type="line",
                    xref=f"x{axis} domain",
                    x0=0,
                    x1=1,
                    yref=f"y{axis}",
                    y0=float(value),
                    y1=float(value),
                    line=dict(color=INK, width=2, dash="dash"),
                )
            )
            notes.append(
                dict(
                    text=f"this client: {format_value(value)}",
                    xref=f"x{axis} domain",
                    x=0,
                    yref=f"y{axis}",
                    y=float(value),
                    xanchor="left",
                    yanchor="bottom",
                    showarrow=False,
                    font=dict(size=12, color=INK),
                )
            )
        alt_parts.append(f"{labels.get(feature, feature)}: this client {format_value(value)}; " + "; ".join(medians))
    fig.update_layout(shapes=lines, annotations=[*fig.layout.annotations, *notes])
    _layout(
        fig,
        "The client against the population, by outcome",
        height=150 + 260 * len(features),
        margin=dict(l=10, r=20, t=90, b=40),
    )
    return fig, "Box plots by outcome. " + ". ".join(alt_parts) + "."


def scatter_by_class(
    rows: Sequence[dict], client: dict[str, float | None], fx: str, fy: str, labels: dict[str, str]
) -> tuple[go.Figure, str]:
    """The sampled population, one trace per outcome (shape + colour + legend), the client as a labelled star."""
    fig = go.Figure()
    counts = []
    by_class: dict[str, list[tuple[float, float]]] = {}
    for r in rows:
        x, y = r.get(fx), r.get(fy)
        if x is not None and y is not None:
            by_class.setdefault(r.get("outcome") or "unknown", []).append((x, y))
    for cls in sorted(by_class, key=lambda c: list(CLASS_STYLE).index(c) if c in CLASS_STYLE else 9):
        pairs = by_class[cls]
        colour, symbol = CLASS_STYLE.get(cls, CLASS_STYLE["unknown"])
        counts.append(f"{len(pairs):,} {cls}")
        fig.add_trace(
            go.Scattergl(
                x=[p[0] for p in pairs],
                y=[p[1] for p in pairs],
                mode="markers",
                name=cls,
                marker=dict(color=colour, symbol=symbol, size=7, opacity=0.6),
            )
        )
    cx, cy = client.get(fx), client.get(fy)
    if cx is not None and cy is not None:
        fig.add_trace(
            go.Scatter(
                x=[cx],
                y=[cy],
                mode="markers+text",
                name="this client",
                text=["this client"],
                textposition="top center",
                marker=dict(symbol="star", size=22, color=INK, line=dict(color="white", width=2)),
            )
        )
    lx, ly = labels.get(fx, fx), labels.get(fy, fy)
    _layout(
        fig,
        f"{ly} against {lx}",
        height=520,
        legend=dict(title="outcome (shape and colour)", orientation="h", x=0, y=-0.25, yanchor="top"),
        margin=dict(l=10, r=20, t=90, b=140),
    )
    fig.update_xaxes(title=wrap(lx, 60))
    fig.update_yaxes(title=wrap(ly, 40))
    alt = f"Scatter plot of {ly} against {lx} for {', '.join(counts) or 'no'} clients; this client at ({format_value(cx)}, {format_value(cy)})."
    return fig, alt


# --- the model -------------------------------------------------------------------------------------


def roc(points: Sequence[dict], auc: float | None) -> tuple[go.Figure, str]:
    fpr = [float(p["fpr"]) for p in points]
    tpr = [float(p["tpr"]) for p in points]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance", line=dict(color=GREY, dash="dash")))
    fig.add_trace(go.Scatter(x=fpr, y=tpr, mode="lines", name="model (out of fold)", line=dict(color=BLUE, width=3)))
    title = f"ROC curve — AUC {auc:.3f}" if auc is not None else "ROC curve"
    _layout(fig, title, height=420, legend=dict(x=0.98, y=0.02, xanchor="right", yanchor="bottom", bgcolor="white"))
    fig.update_xaxes(title="good clients refused<br>(false positive rate)", range=[0, 1])
    fig.update_yaxes(title="defaulters caught<br>(true positive rate)", range=[0, 1])
    return (
        fig,
        f"ROC curve of the out-of-fold predictions{f', area under the curve {auc:.3f}' if auc is not None else ''}; the dashed diagonal is chance.",
    )


def cost_curve(curve: Sequence[dict], threshold: float, costs: dict | None = None) -> tuple[go.Figure, str]:
    xs = [float(r["threshold"]) for r in curve]
    ys = [float(r["cost_per_client"]) for r in curve]
    fig = go.Figure(go.Scatter(x=xs, y=ys, mode="lines", name="expected cost per client", line=dict(color=BLUE, width=3)))
    chosen = min(range(len(xs)), key=lambda i: abs(xs[i] - threshold)) if xs else None
    if chosen is not None:
        fig.add_vline(x=threshold, line=dict(color=VERMILLION, width=2, dash="dash"))
        fig.add_trace(
            go.Scatter(
                x=[threshold],
                y=[ys[chosen]],
                mode="markers+text",
                text=[f"chosen limit {percent(threshold)}"],
                textposition="middle right",
                textfont=dict(color=INK),
                marker=dict(symbol="diamond", size=14, color=VERMILLION),
                name="chosen threshold",
            )
        )
    cost_txt = (
        f"<br><sup>a missed default costs {costs.get('fn')},<br>a refused good client {costs.get('fp')}</sup>" if costs else ""
    )
    _layout(
        fig,
        wrap("Expected cost per client by threshold", 30) + cost_txt,
        height=420,
        margin=dict(l=10, r=20, t=110, b=40),
        legend=dict(x=0.98, y=0.98, xanchor="right", bgcolor="white"),
    )
    fig.update_xaxes(title="limit (threshold) on the<br>probability of default")
    fig.update_yaxes(title="cost units per client")
    best = f"; the chosen limit {percent(threshold)} costs {ys[chosen]:.3f} per client" if chosen is not None else ""
    return (
        fig,
        f"Line chart of expected cost per client for thresholds from {min(xs, default=0):.2f} to {max(xs, default=1):.2f}{best}.",
    )


def calibration(bins: Sequence[dict]) -> tuple[go.Figure, str]:
    xs = [float(b["mean_predicted"]) for b in bins]
    ys = [float(b["observed_rate"]) for b in bins]
    ns = [int(b.get("count", 0)) for b in bins]
    top = max(xs + ys + [0.05]) * 1.05
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(x=[0, top], y=[0, top], mode="lines", name="perfect calibration", line=dict(color=GREY, dash="dash"))
    )
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines+markers",
            name="model",
            marker=dict(size=9, color=BLUE),
            line=dict(color=BLUE),
            customdata=ns,
            hovertemplate="predicted %{x:.3f}<br>observed %{y:.3f}<br>n=%{customdata}<extra></extra>",
        )
    )
    _layout(fig, "Calibration: predicted against observed", height=420, legend=dict(x=0.02, y=0.98, bgcolor="white"))
    fig.update_xaxes(title="mean predicted probability", range=[0, top])
    fig.update_yaxes(title="observed default rate", range=[0, top])
    worst = max((abs(x - y) for x, y in zip(xs, ys)), default=0)
    return (
        fig,
        f"Calibration plot over {len(xs)} bins; the largest gap between predicted and observed default rate is {percent(worst)}.",
    )
