"""Readable units for people. The rules live in `service.wording` (shared with the API's
explanation summary); the dashboard imports them from here under its own short names."""

from __future__ import annotations

from service.wording import is_missing, number, percent, years
from service.wording import money as _amount

format_value = number


def money(value, currency: str = "€") -> str:
    """An amount with the lender's currency (Settings.currency): '135,000 €'."""
    text = _amount(value)
    return text if is_missing(value) else f"{text} {currency}"


def points(value: float) -> str:
    """A difference of two probabilities in percentage points: 0.706 -> '70.6 percentage points'."""
    return f"{abs(value) * 100:.1f} percentage points"


def effect_points(value: float) -> str:
    """A reason's effect in percentage points, signed: '+12.3 points'; under 0.05 in size, 'under 0.1 points'
    rather than a '+0.0' that says nothing (models_ml.reasons gives such a reason only when it is the one push)."""
    v = float(value)
    return f"{v:+.1f} points" if abs(v) >= 0.05 else f"{'+' if v >= 0 else '-'}under 0.1 points"


__all__ = ["effect_points", "format_value", "is_missing", "money", "percent", "points", "years"]
