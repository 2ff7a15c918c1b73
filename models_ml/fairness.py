"""Fairness check: approval rate, missed-default (false-negative) and false-positive rates by group, at the
threshold in force, with flags where a group fares worse than the best group of its attribute.

Flags follow common practice: the four-fifths rule on approval rates (a group approved at less than 0.8
times the rate of the most approved group) and a gap in missed-default rate (share of the group's
defaulters that the model accepts) of more than 5 percentage points from the group with the lowest one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models_ml.costs import confusion

ATTRIBUTES = ("gender", "family_status", "age_band")
ATTRIBUTE_WORDS = {"gender": "gender", "family_status": "family status", "age_band": "age band"}
MIN_APPROVAL_RATIO = 0.8  # the four-fifths rule
MAX_FNR_GAP = 0.05  # 5 percentage points
# Smaller groups are reported but neither flagged nor the benchmark: 2 applicants of unknown gender all
# approved would otherwise be "the best group" (their rates are noise).
MIN_APPLICATIONS = 100
MIN_DEFAULTERS = 30
COLUMNS = [
    "attribute",
    "group",
    "n",
    "defaulters",
    "approval_rate",
    "fnr",
    "fpr",
    "approval_ratio_to_best",
    "fnr_gap_to_best",
    "flag_approval",
    "flag_missed_default",
    "flagged",
    "flag_reason",
]


def fairness_table(
    groups: pd.DataFrame, y: np.ndarray, proba: np.ndarray, threshold: float, attributes=ATTRIBUTES
) -> pd.DataFrame:
    """One row per (attribute, group); `groups` is aligned with y and proba. Clients whose group is NULL
    in client_profile form the group NULL (None), as in SQL. Attributes `groups` lacks are skipped."""
    rows = []
    for attr in [a for a in attributes if a in groups.columns]:
        missing = groups[attr].isna().to_numpy()
        values = groups[attr].astype("object").where(~missing, "").astype(str).to_numpy()
        for g in sorted(set(values[~missing])) + ([None] if missing.any() else []):
            mask = missing if g is None else (values == g) & ~missing
            c = confusion(y[mask], proba[mask], threshold)
            rows.append(
                {
                    "attribute": attr,
                    "group": g,
                    "n": int(mask.sum()),
                    "defaulters": int(y[mask].sum()),
                    "approval_rate": c.approval_rate,
                    # no defaulters (no good clients): no rate, rather than a 0 that would be "best"
                    "fnr": c.fnr if c.fn + c.tp else np.nan,
                    "fpr": c.fpr if c.fp + c.tn else np.nan,
                }
            )
    return flag_groups(pd.DataFrame(rows, columns=COLUMNS[:7]))


def flag_groups(table: pd.DataFrame) -> pd.DataFrame:
    """Add the comparison with the attribute's best group and the flags, with the reason in words. Only groups
    of at least MIN_APPLICATIONS applications (MIN_DEFAULTERS defaulters for the missed-default rate) are
    compared; a rate that cannot be computed (no defaulters) flags nothing."""
    out = table.copy()
    approval = out["approval_rate"].where(out["n"] >= MIN_APPLICATIONS)
    fnr = out["fnr"].where(out["defaulters"] >= MIN_DEFAULTERS)
    best_approval = approval.groupby(out["attribute"]).transform("max")
    best_fnr = fnr.groupby(out["attribute"]).transform("min")
    out["approval_ratio_to_best"] = approval / best_approval.where(best_approval > 0)
    out["fnr_gap_to_best"] = fnr - best_fnr
    out["flag_approval"] = (out["approval_ratio_to_best"] < MIN_APPROVAL_RATIO).fillna(False).astype(bool)
    out["flag_missed_default"] = (out["fnr_gap_to_best"] > MAX_FNR_GAP).fillna(False).astype(bool)
    out["flagged"] = out["flag_approval"] | out["flag_missed_default"]
    out["flag_reason"] = [_reason(r) for r in out.itertuples(index=False)]
    return out[COLUMNS]


def _reason(r) -> str | None:
    words = []
    attr = ATTRIBUTE_WORDS.get(r.attribute, r.attribute)
    if r.flag_approval:
        words.append(
            f"approved at {100 * r.approval_rate:.1f} %, {r.approval_ratio_to_best:.2f} times the best {attr} group's rate (below 0.8)"
        )
    if r.flag_missed_default:
        words.append(
            f"the model accepts {100 * r.fnr:.1f} % of its defaulters, {100 * r.fnr_gap_to_best:.1f} percentage points more than "
            f"the best {attr} group (over 5)"
        )
    return "; ".join(words) if words else None
