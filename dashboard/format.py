"""Readable units for people: thousands separators, percentages, years."""

from __future__ import annotations

import math


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_value(value) -> str:
    if is_missing(value):
        return "no data"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        v = float(value)
        if v.is_integer() and abs(v) < 1e15:
            return f"{int(v):,}"
        if abs(v) >= 1000:
            return f"{v:,.0f}"
        if abs(v) >= 10:
            return f"{v:,.1f}"
        return f"{v:.3g}"
    return str(value)


def money(value) -> str:
    return "no data" if is_missing(value) else f"{float(value):,.0f}"


def years(value) -> str:
    return "no data" if is_missing(value) else f"{float(value):.0f} years"


def percent(value, digits: int = 1) -> str:
    return "no data" if is_missing(value) else f"{float(value) * 100:.{digits}f} %"
