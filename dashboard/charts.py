"""The dashboard's Plotly charts (comparison and model tabs): plain data in, a Plotly figure as its JSON (a dict
of `data` and `layout`, drawn by the plotly.js that Gradio ships; `panels.plot` hands it to gr.Plot) and its
text alternative out. The first screen's charts (gauge, reasons, importance) are inline SVG / HTML, in
html_charts.py.

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

import orjson

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


def _axes(spec: dict) -> list[str]:
    """The layout keys of the figure's axes ("xaxis", "yaxis", "xaxis2", ...): every trace's and every
    subplot's, created when missing."""
    layout = spec["layout"]
    names = {"xaxis", "yaxis"} | {k for k in layout if k.startswith(("xaxis", "yaxis"))}
    for trace in spec["data"]:
        names |= {f"xaxis{trace.get('xaxis', 'x')[1:]}", f"yaxis{trace.get('yaxis', 'y')[1:]}"}
    return sorted(names)


def _layout(spec: dict, title: str, height: int = 360, **kw) -> dict:
    margin = kw.pop("margin", dict(l=10, r=20, t=60, b=40))
    spec["layout"].update(
        title=dict(text=wrap(title, 30) if "<br>" not in title else title, x=0, xanchor="left"),
        font=FONT,
        height=height,
        margin=margin,
        paper_bgcolor="white",
        plot_bgcolor="white",
        # what plotly.py's default template set and these charts relied on
        hovermode="closest",
        hoverlabel=dict(align="left"),
        autotypenumbers="strict",
        **kw,
    )
    for axis in _axes(spec):
        settings = spec["layout"].setdefault(axis, {})
        settings.update(showgrid=True, gridcolor="#e5e5e5", zeroline=False, automargin=True)
        settings.setdefault("title", {}).setdefault("standoff", 15)
    return spec


def figure(*traces: dict, **layout) -> dict:
    """A Plotly figure as its JSON, keys as in plotly.js' reference (https://plotly.com/javascript/reference/):
    what the browser draws, without plotly.py's object model (building the comparison's figures with it took
    ~180 ms of a client switch; these dicts take ~2 ms)."""
    return {"data": list(traces), "layout": dict(layout)}


def to_json(spec: dict) -> str:
    """The figure as JSON text: NaN and infinities (no JSON numbers) become null, as plotly.py writes them."""
    return orjson.dumps(spec, option=orjson.OPT_SERIALIZE_NUMPY).decode()


def empty(message: str) -> tuple[dict, str]:
    note = dict(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font=dict(size=16))
    spec = figure(annotations=[note], xaxis=dict(visible=False), yaxis=dict(visible=False))
    return _layout(spec, "", height=200), message


LABEL_WRAP = 38  # characters per label line: ~300 px at 13 px, so a 390-px phone shows every label whole


# --- comparison ------------------------------------------------------------------------------------


def _stacked(n: int, spacing: float = 0.12) -> list[tuple[float, float]]:
    """The vertical domains of `n` panels one under the other, the first at the top (plotly's make_subplots
    with rows=n, cols=1 and this vertical_spacing)."""
    height = (1.0 - spacing * (n - 1)) / n
    return [(1.0 - k * (height + spacing) - height, 1.0 - k * (height + spacing)) for k in range(n)]


def box_by_class(
    stats: dict[str, list[dict]], client: dict[str, float | None], features: Sequence[str], labels: dict[str, str]
) -> tuple[dict, str]:
    """One panel per feature, one box per outcome (drawn from quartiles computed in SQL over the whole
    population), and the client as a dashed line labelled "this client".

    `stats[feature]` = [{outcome, n_values, min, q1, median, q3, max}, ...]; `client[feature]` = value.
    """
    features = [f for f in features if stats.get(f)]
    if not features:
        return empty("Choose at least one feature to compare.")
    # One panel under the other: side by side, three panels leave a phone ~100 px each and their titles collide.
    spec = figure()
    layout = spec["layout"]
    titles: list[dict] = []
    lines: list[dict] = []
    notes: list[dict] = []
    alt_parts = []
    for col, ((bottom, top), feature) in enumerate(zip(_stacked(len(features)), features), start=1):
        axis = "" if col == 1 else str(col)
        layout[f"xaxis{axis}"] = dict(anchor=f"y{axis}", domain=[0.0, 1.0])
        layout[f"yaxis{axis}"] = dict(anchor=f"x{axis}", domain=[bottom, top])
        # The panel's title at the labels' size (plotly's 16 px would overflow a phone at LABEL_WRAP characters).
        titles.append(
            dict(
                text=wrap(labels.get(feature, feature), LABEL_WRAP),
                x=0.5,
                xanchor="center",
                xref="paper",
                y=top,
                yanchor="bottom",
                yref="paper",
                showarrow=False,
                font=dict(size=13, color=INK),
            )
        )
        medians = []
        for row in stats[feature]:
            if not row.get("n_values") or row.get("median") is None:
                continue
            cls = row["outcome"]
            colour, symbol = CLASS_STYLE.get(cls, CLASS_STYLE["unknown"])
            box = dict(
                type="box",
                x=[f"{cls}<br>n={int(row['n_values']):,}"],
                q1=[row["q1"]],
                median=[row["median"]],
                q3=[row["q3"]],
                lowerfence=[row["min"]],
                upperfence=[row["max"]],
                name=cls,
                marker=dict(color=colour, symbol=symbol),
                line=dict(color=colour, width=2),
                fillcolor="rgba(0,0,0,0)",
                boxpoints=False,
                showlegend=False,
                xaxis=f"x{axis}",
                yaxis=f"y{axis}",
            )
            if row.get("mean") is not None:
                box["mean"] = [row["mean"]]
            spec["data"].append(box)
            medians.append(
                f"{cls} median {format_value(row['median'])} (quartiles {format_value(row['q1'])} to {format_value(row['q3'])})"
            )
        value = client.get(feature)
        if value is not None and not (isinstance(value, float) and math.isnan(value)):
            # A dashed line across the boxes, labelled in words, so the client's place needs no colour.
            y = float(value)
            lines.append(
                dict(
                    type="line",
                    xref=f"x{axis} domain",
                    x0=0,
                    x1=1,
                    yref=f"y{axis}",
                    y0=y,
                    y1=y,
                    line=dict(color=INK, width=2, dash="dash"),
                )
            )
            notes.append(
                dict(
                    text=f"this client: {format_value(value)}",
                    xref=f"x{axis} domain",
                    x=0,
                    yref=f"y{axis}",
                    y=y,
                    xanchor="left",
                    yanchor="bottom",
                    showarrow=False,
                    font=dict(size=12, color=INK),
                )
            )
        alt_parts.append(f"{labels.get(feature, feature)}: this client {format_value(value)}; " + "; ".join(medians))
    layout.update(shapes=lines, annotations=[*titles, *notes])
    _layout(
        spec,
        "The client against the population, by outcome",
        height=150 + 260 * len(features),
        margin=dict(l=10, r=20, t=90, b=40),
    )
    return spec, "Box plots by outcome. " + ". ".join(alt_parts) + "."


def scatter_by_class(
    rows: Sequence[dict], client: dict[str, float | None], fx: str, fy: str, labels: dict[str, str]
) -> tuple[dict, str]:
    """The sampled population, one trace per outcome (shape + colour + legend), the client as a labelled star."""
    spec = figure()
    counts = []
    by_class: dict[str, tuple[list, list]] = {}
    for r in rows:
        x, y = r.get(fx), r.get(fy)
        if x is not None and y is not None:
            xs, ys = by_class.setdefault(r.get("outcome") or "unknown", ([], []))
            xs.append(x)
            ys.append(y)
    for cls in sorted(by_class, key=lambda c: list(CLASS_STYLE).index(c) if c in CLASS_STYLE else 9):
        xs, ys = by_class[cls]
        colour, symbol = CLASS_STYLE.get(cls, CLASS_STYLE["unknown"])
        counts.append(f"{len(xs):,} {cls}")
        spec["data"].append(
            dict(
                type="scattergl",
                x=xs,
                y=ys,
                mode="markers",
                name=cls,
                marker=dict(color=colour, symbol=symbol, size=7, opacity=0.6),
            )
        )
    cx, cy = client.get(fx), client.get(fy)
    if cx is not None and cy is not None:
        spec["data"].append(
            dict(
                type="scatter",
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
    spec["layout"].update(xaxis=dict(title=dict(text=wrap(lx, 60))), yaxis=dict(title=dict(text=wrap(ly, 40))))
    _layout(
        spec,
        f"{ly} against {lx}",
        height=520,
        legend=dict(title=dict(text="outcome (shape and colour)"), orientation="h", x=0, y=-0.25, yanchor="top"),
        margin=dict(l=10, r=20, t=90, b=140),
    )
    alt = f"Scatter plot of {ly} against {lx} for {', '.join(counts) or 'no'} clients; this client at ({format_value(cx)}, {format_value(cy)})."
    return spec, alt


# --- the model -------------------------------------------------------------------------------------


def _line(x, y, name: str, **kw) -> dict:
    return dict(type="scatter", x=list(x), y=list(y), mode="lines", name=name, **kw)


def roc(points: Sequence[dict], auc: float | None) -> tuple[dict, str]:
    fpr = [float(p["fpr"]) for p in points]
    tpr = [float(p["tpr"]) for p in points]
    spec = figure(
        _line([0, 1], [0, 1], "chance", line=dict(color=GREY, dash="dash")),
        _line(fpr, tpr, "model (out of fold)", line=dict(color=BLUE, width=3)),
        xaxis=dict(title=dict(text="good clients refused<br>(false positive rate)"), range=[0, 1]),
        yaxis=dict(title=dict(text="defaulters caught<br>(true positive rate)"), range=[0, 1]),
    )
    title = f"ROC curve — AUC {auc:.3f}" if auc is not None else "ROC curve"
    _layout(spec, title, height=420, legend=dict(x=0.98, y=0.02, xanchor="right", yanchor="bottom", bgcolor="white"))
    return (
        spec,
        f"ROC curve of the out-of-fold predictions{f', area under the curve {auc:.3f}' if auc is not None else ''}; the dashed diagonal is chance.",
    )


def cost_curve(curve: Sequence[dict], threshold: float, costs: dict | None = None) -> tuple[dict, str]:
    xs = [float(r["threshold"]) for r in curve]
    ys = [float(r["cost_per_client"]) for r in curve]
    spec = figure(
        _line(xs, ys, "expected cost per client", line=dict(color=BLUE, width=3)),
        xaxis=dict(title=dict(text="limit (threshold) on the<br>probability of default")),
        yaxis=dict(title=dict(text="cost units per client")),
    )
    chosen = min(range(len(xs)), key=lambda i: abs(xs[i] - threshold)) if xs else None
    if chosen is not None:
        limit = dict(type="line", x0=threshold, x1=threshold, xref="x", y0=0, y1=1, yref="y domain")
        spec["layout"]["shapes"] = [dict(limit, line=dict(color=VERMILLION, width=2, dash="dash"))]
        spec["data"].append(
            dict(
                type="scatter",
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
        spec,
        wrap("Expected cost per client by threshold", 30) + cost_txt,
        height=420,
        margin=dict(l=10, r=20, t=110, b=40),
        legend=dict(x=0.98, y=0.98, xanchor="right", bgcolor="white"),
    )
    best = f"; the chosen limit {percent(threshold)} costs {ys[chosen]:.3f} per client" if chosen is not None else ""
    return (
        spec,
        f"Line chart of expected cost per client for thresholds from {min(xs, default=0):.2f} to {max(xs, default=1):.2f}{best}.",
    )


def calibration(bins: Sequence[dict]) -> tuple[dict, str]:
    xs = [float(b["mean_predicted"]) for b in bins]
    ys = [float(b["observed_rate"]) for b in bins]
    ns = [int(b.get("count", 0)) for b in bins]
    top = max(xs + ys + [0.05]) * 1.05
    spec = figure(
        _line([0, top], [0, top], "perfect calibration", line=dict(color=GREY, dash="dash")),
        dict(
            _line(xs, ys, "model"),
            mode="lines+markers",
            marker=dict(size=9, color=BLUE),
            line=dict(color=BLUE),
            customdata=ns,
            hovertemplate="predicted %{x:.3f}<br>observed %{y:.3f}<br>n=%{customdata}<extra></extra>",
        ),
        xaxis=dict(title=dict(text="mean predicted probability"), range=[0, top]),
        yaxis=dict(title=dict(text="observed default rate"), range=[0, top]),
    )
    _layout(spec, "Calibration: predicted against observed", height=420, legend=dict(x=0.02, y=0.98, bgcolor="white"))
    worst = max((abs(x - y) for x, y in zip(xs, ys)), default=0)
    return (
        spec,
        f"Calibration plot over {len(xs)} bins; the largest gap between predicted and observed default rate is {percent(worst)}.",
    )
