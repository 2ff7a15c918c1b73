"""The first screen's charts (the gauge, the reasons, the global importance), drawn on the server as inline
SVG and HTML: the page answers without loading a charting library (Plotly's script alone took 2-3 s to
start in Chromium on the 2-core machine; the other tabs' charts keep Plotly and load it when opened).

Each function returns `(html, alt_text)`, as charts.py's do, and follows the same rules: class carried by
words and pattern as well as colour, Okabe-Ito colours, dark text on white. Each chart is one
`role="img"` element named by its title and described by its text alternative (the Markdown block whose
id is `describedby`); bar labels are real text that wraps, so they read whole at 390 px and 200 % zoom.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from dashboard.charts import BLUE, BLUE_BAND, GREY, INK, VERMILLION, VERMILLION_BAND, VERMILLION_TEXT
from dashboard.format import effect_points, percent

# Dial geometry (SVG user units): a half circle of radius R around (CX, CY).
CX, CY, R, BAND = 160.0, 150.0, 112.0, 26.0


def _figure(kind: str, title: str, body: str, describedby: str | None) -> str:
    described = f' aria-describedby="{escape(describedby)}"' if describedby else ""
    return (
        f'<figure class="html-chart {kind}" role="img" aria-label="{escape(title)}"{described}>'
        f'<p class="chart-title" aria-hidden="true">{escape(title)}</p>{body}</figure>'
    )


def message(text: str, describedby: str | None = None, pending: bool = False) -> tuple[str, str]:
    """A chart's place when there is nothing to draw (no client yet, nothing that moves the score);
    `pending`: a placeholder until the first answer arrives (class "pending")."""
    return _figure("chart-message pending" if pending else "chart-message", text, "", describedby), text


def _point(value: float, axis_max: float, radius: float) -> tuple[float, float]:
    angle = math.pi * (1.0 - min(max(value / axis_max, 0.0), 1.0))
    return CX + radius * math.cos(angle), CY - radius * math.sin(angle)


def _arc(lo: float, hi: float, axis_max: float, colour: str, width: float, radius: float = R) -> str:
    if hi <= lo:
        return ""
    (x0, y0), (x1, y1) = _point(lo, axis_max, radius), _point(hi, axis_max, radius)
    return (
        f'<path d="M{x0:.1f} {y0:.1f} A{radius:.0f} {radius:.0f} 0 0 1 {x1:.1f} {y1:.1f}" '
        f'stroke="{colour}" stroke-width="{width:.0f}" fill="none"/>'
    )


def gauge(probability: float, threshold: float, decision: str, describedby: str | None = "gauge-alt") -> tuple[str, str]:
    """The client's probability on a dial against the limit: blue band = accepted, orange = refused, a black
    tick at the limit and a grey bar up to the client. `decision` is the service's (the policy may refuse
    below the limit), so the dial never words the rule differently."""
    p, t = probability * 100, threshold * 100
    # A dial with a limit at 8 % would squeeze the accepted band into a sliver: zoom to the useful range.
    axis_max = max(min(100.0, max(4 * t, p * 1.25, 10.0)), p)
    (tx0, ty0), (tx1, ty1) = _point(t, axis_max, R - BAND / 2 - 6), _point(t, axis_max, R + BAND / 2 + 6)
    ticks = []
    for value in (0.0, axis_max / 2, axis_max):
        x, y = _point(value, axis_max, R + BAND / 2 + 14)
        anchor = "end" if value == 0 else "start" if value == axis_max else "middle"
        ticks.append(f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" font-size="13">{value:.0f} %</text>')
    distance = p - t
    above = distance >= 0
    delta = f"{'▲' if above else '▼'} {abs(distance):.1f} pp {'above' if above else 'below'} the limit"
    number = f"{p:.2f} %" if p < 1 else f"{p:.1f} %"
    svg = (
        '<svg viewBox="-30 0 380 190" width="100%" aria-hidden="true" focusable="false" '
        f'font-family="system-ui, sans-serif" fill="{INK}">'
        + _arc(0, t, axis_max, BLUE_BAND, BAND)
        + _arc(t, axis_max, axis_max, VERMILLION_BAND, BAND)
        + _arc(0, min(p, axis_max), axis_max, GREY, BAND * 0.3)
        + f'<line x1="{tx0:.1f}" y1="{ty0:.1f}" x2="{tx1:.1f}" y2="{ty1:.1f}" stroke="{INK}" stroke-width="5"/>'
        + "".join(ticks)
        + f'<text x="{CX}" y="{CY - 22}" text-anchor="middle" font-size="38" font-weight="600">{number}</text>'
        + f'<text x="{CX}" y="{CY + 4}" text-anchor="middle" font-size="15" '
        f'fill="{VERMILLION_TEXT if above else BLUE}">{escape(delta)}</text>'
        + f'<text x="{CX}" y="{CY + 32}" text-anchor="middle" font-size="15">limit {t:.1f} %</text>'
        + "</svg>"
    )
    legend = (
        f'<p class="chart-legend">blue band: accepted below {t:.1f} % · orange band: refused from {t:.1f} % · '
        "black tick: the limit · grey bar: this client</p>"
    )
    alt = (
        f"Gauge: probability of default {percent(probability)} against the bank's limit (threshold) of {percent(threshold)}; "
        f"{abs(distance):.1f} percentage points {'above' if above else 'below'} it, so the application is {decision}."
    )
    return _figure("gauge-chart", f"Probability of default: {decision.upper()}", svg + legend, describedby), alt


def _bars(rows: Sequence[tuple[str, float, str]], title: str, axis: str, describedby: str | None) -> str:
    """Horizontal bars, each under its label (real text, wrapped by the page); `rows` = (label, value,
    class), the class naming the bar's colour and pattern in the stylesheet."""
    values = [v for _, v, _ in rows]
    lo, hi = min([0.0, *values]), max([0.0, *values])
    span = (hi - lo) or 1.0
    zero = -lo / span * 100
    items = []
    for label, value, kind in rows:
        left = zero + min(value, 0.0) / span * 100
        width = max(abs(value) / span * 100, 0.5)
        items.append(
            f'<li><span class="bar-label">{escape(label)}</span><span class="bar-track">'
            f'<span class="bar {kind}" style="left:{left:.2f}%;width:{width:.2f}%"></span></span></li>'
        )
    return _figure(
        "bar-chart", title, f'<ol class="bar-rows">{"".join(items)}</ol><p class="chart-legend">{axis}</p>', describedby
    )


def reason_bars(
    reasons: Sequence[dict], title: str = "The principal reasons", describedby: str | None = "why-alt"
) -> tuple[str, str]:
    """The principal reasons (service/reasons.py), strongest first, each its sentence and its effect in
    percentage points of the probability of default: orange striped bars raise the risk, blue bars lower it."""
    items = list(reasons)
    if not items:
        return message("No single factor moves this client's estimated risk by 0.1 point or more.", describedby)
    rows = []
    for r in items:
        v = float(r["effect_pp"])
        word = "raises risk" if v > 0 else "lowers risk"
        rows.append((f"{r['sentence']} · {word} ({effect_points(v)})", v, "raises" if v > 0 else "lowers"))
    alt = "Bar chart of the principal reasons. " + " ".join(
        f"{r['rank']}. {r['sentence']}: {effect_points(r['effect_pp'])}." for r in items
    )
    return _bars(rows, title, "← lowers · raises the risk → (percentage points)", describedby), alt


def importance_bars(importance: Sequence[dict], top: int = 15, describedby: str | None = "importance-alt") -> tuple[str, str]:
    """Mean |SHAP| of the most important features over the training clients, largest first."""
    items = sorted(importance, key=lambda r: -float(r["mean_abs_shap"]))[:top]
    if not items:
        return message("No global importance recorded for this model.", describedby)
    rows = [
        (f"{r.get('label') or r['feature']}: {float(r['mean_abs_shap']):.3f}", float(r["mean_abs_shap"]), "neutral")
        for r in items
    ]
    alt = (
        "Global importance, most important first: "
        + ", ".join(f"{r.get('label') or r['feature']} ({float(r['mean_abs_shap']):.3f})" for r in items[:8])
        + "."
    )
    return _bars(
        rows, "What matters for all clients", "average size of the contribution (mean |SHAP|, log-odds)", describedby
    ), alt


CSS = f"""
.html-chart {{ margin: 0; padding: .25rem .25rem .5rem; background: #fff; color: {INK}; }}
.html-chart .chart-title {{ font-weight: 600; font-size: 1.05rem; margin: 0 0 .4rem 0; }}
.html-chart .chart-legend {{ font-size: .85rem; color: #3d3d3d; margin: .3rem 0 0 0; }}
.gauge-chart svg {{ max-width: 420px; display: block; margin: 0 auto; }}
.bar-rows {{ list-style: none; margin: 0; padding: 0; }}
.bar-rows li {{ margin: 0 0 .55rem 0; }}
.bar-label {{ display: block; font-size: .9rem; line-height: 1.25; overflow-wrap: anywhere; }}
.bar-track {{ display: block; position: relative; height: 14px; background: #f2f2f2; margin-top: .15rem; }}
.bar {{ position: absolute; top: 0; bottom: 0; }}
.bar.raises {{ background: repeating-linear-gradient(135deg, {VERMILLION} 0 6px, #ffffff 6px 8px); }}
.bar.lowers, .bar.neutral {{ background: {BLUE}; }}
"""
