"""What would change a refusal: the smallest change of what the client can change that gets the application
accepted. Only the loan moves (credit amount, annuity and term, goods price); age, gender, family and income
never do. Three levers, each a grid searched from the smallest step up:

    less credit     the credit and the annuity scaled down together (same term), the same goods (a down payment)
    cheaper goods   goods price, credit and annuity scaled down together (same term, same share financed)
    longer term     the same credit over more months, up to MAX_TERM_MONTHS: the annuity falls as term0 / term1

The term is the credit over the annuity in months (interest ignored: Kaggle gives no rate, so the annuity of a
longer term is slightly optimistic). The size of a change is the relative fall of the credit (first two levers)
or of the annuity (the third); the smallest accepted change over the levers is the answer.
Every candidate is scored in one batch by the caller (the what-if path), then `smallest` picks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

CREDIT_STEPS = tuple(round(0.05 * k, 2) for k in range(1, 15))  # 5 % to 70 % less
MAX_TERM_MONTHS = 60  # the longest term of Home Credit's cash loans (previous_application.CNT_PAYMENT)
TERM_STEP_MONTHS = 6
LESS_CREDIT, CHEAPER_GOODS, LONGER_TERM = "less credit", "cheaper goods", "longer term"


@dataclass(frozen=True)
class Candidate:
    lever: str
    changes: dict  # Kaggle application columns -> new values
    size: float  # relative fall of the credit (or of the annuity, for a longer term), 0-1


def _money(v: float) -> float:
    return round(v * 2) / 2  # Kaggle amounts are in half units at most


def candidates(application: dict) -> list[Candidate]:
    """The grid of changes for one application (Kaggle columns); none when credit or annuity is unknown or 0."""
    credit, annuity, goods = (application.get(c) for c in ("AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE"))
    if not credit or not annuity or any(isinstance(v, float) and math.isnan(v) for v in (credit, annuity)):
        return []
    has_goods = goods is not None and not (isinstance(goods, float) and math.isnan(goods))
    out = []
    for step in CREDIT_STEPS:
        scaled = {"AMT_CREDIT": _money(credit * (1 - step)), "AMT_ANNUITY": _money(annuity * (1 - step))}
        out.append(Candidate(LESS_CREDIT, scaled, step))
        if has_goods:
            out.append(Candidate(CHEAPER_GOODS, scaled | {"AMT_GOODS_PRICE": _money(goods * (1 - step))}, step))
    term = credit / annuity
    months = math.ceil(term / TERM_STEP_MONTHS) * TERM_STEP_MONTHS
    while (months := months + TERM_STEP_MONTHS) <= MAX_TERM_MONTHS:
        out.append(Candidate(LONGER_TERM, {"AMT_ANNUITY": _money(credit / months)}, 1 - term / months))
    return out


def smallest(plan: list[Candidate], accepted: np.ndarray) -> int | None:
    """Index in `plan` of the accepted candidate with the smallest change (ties: the plan's order), or None."""
    ok = np.flatnonzero(np.asarray(accepted, dtype=bool))
    if not len(ok):
        return None
    return int(min(ok, key=lambda i: (plan[i].size, i)))
