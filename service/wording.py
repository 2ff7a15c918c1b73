"""Features and decisions in the words a relationship manager would use: the one place that turns a
feature_catalog row and a value into text. The API's explanation summary and every dashboard label
and chart come from here, so the two never disagree.

    describe(info, 0) for app_name_education_type_secondary_secondary_special
        -> 'Education: Secondary / secondary special — no'

Labels are the catalog's; values are shown by the catalog's `kind` and `unit` (the feature-spec
format, dbt_project/macros/features/specs.sql): amounts with thousands separators, days as days or
years (dates as "... ago"), shares as %, flags and one-hot levels as yes/no, NULL as "no data".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from models_ml import counterfactual as cf
from models_ml.decision import REFUSED, decide

NO_DATA = "no data"


@dataclass(frozen=True)
class FeatureInfo:
    """One feature_catalog row (only `feature` is required: unknown features still get a label and a
    plain number)."""

    feature: str
    label: str | None = None
    source_table: str | None = None
    source_column: str | None = None
    aggregation: str | None = None
    kind: str | None = None
    unit: str | None = None
    level: str | None = None
    level_label: str | None = None
    family: str | None = None
    risk_direction: int | None = None
    formula: str | None = None

    @classmethod
    def from_row(cls, row: dict) -> FeatureInfo:
        """From a feature_catalog row by column name (columns it does not know are ignored)."""
        return cls(**{f.name: row[f.name] for f in fields(cls) if f.name in row})


def label(info: FeatureInfo) -> str:
    """Short, readable name of the feature (no value): 'Age', 'Education: Higher education'."""
    text = info.label or info.feature.replace("_", " ")
    return text[:1].upper() + text[1:]


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value) -> str:
    """Any number, readable: thousands separators, at most three significant digits below 1,000."""
    if is_missing(value):
        return NO_DATA
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, (int, float)):
        return str(value)
    v = float(value)
    if v.is_integer() and abs(v) < 1e15:
        return f"{int(v):,}"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:,.1f}"
    return f"{v:.3g}"


def money(value) -> str:
    return NO_DATA if is_missing(value) else f"{float(value):,.0f}"


def percent(value, digits: int = 1) -> str:
    """0.124 -> '12.4 %'; below 1 % one more digit, so a small risk never reads '0.0 %'."""
    if is_missing(value):
        return NO_DATA
    v = float(value) * 100
    return f"{v:.{digits + 1 if 0 < abs(v) < 1 else digits}f} %"


def years(value, digits: int = 0) -> str:
    return NO_DATA if is_missing(value) else f"{float(value):.{digits}f} years"


def _years_of_days(days: float) -> str:
    y = abs(days) / 365.25
    return f"{y:.0f} years" if y >= 10 else f"{y:.1f} years"


def _days(v: float) -> str:
    """A length in days (Kaggle stores ages and times employed as negative days): days under a year, else years."""
    if abs(v) >= 365:
        return _years_of_days(v)
    return f"{abs(v):,.1f} days" if not v.is_integer() else f"{abs(int(v)):,} days"


def _relative(amount: float, unit: str) -> str:
    """A date as a distance from the application: '12 days ago', '5.8 years later'."""
    if amount == 0:
        return "at the application"
    return f"{number(abs(amount))} {unit} {'ago' if amount < 0 else 'later'}"


def value(info: FeatureInfo, v) -> str:
    """The client's value of the feature, in readable units (by the catalog's kind and unit)."""
    if is_missing(v):
        return NO_DATA
    v = float(v)
    kind = info.kind
    if kind in ("flag", "one-hot"):
        return "yes" if v >= 0.5 else "no"
    if kind == "share":
        return percent(v, 0 if abs(v) >= 0.1 else 1)
    if kind == "amount":
        return money(v)
    if kind == "days" and info.unit == "days from application":
        if abs(v) >= 365:
            return f"{_years_of_days(v)} {'ago' if v < 0 else 'later'}"
        return _relative(round(v), "days")
    if kind == "days":
        return _days(v)
    if kind == "months":
        return _relative(v, "months")
    if kind == "years":
        return f"{v:.1f} years"
    if kind == "ratio":
        return f"{v:,.2f}" if 0.1 <= abs(v) < 1000 else number(v)
    return number(v)


def describe(info: FeatureInfo, v) -> str:
    """'Label — value', e.g. 'Education: Secondary / secondary special — no', 'Age — 26 years'."""
    return f"{label(info)} — {value(info, v)}"


def short(info: FeatureInfo, v) -> str:
    """For a sentence: 'Age (63 years)', 'Education: Higher education', 'Income type: not Working'."""
    name = label(info)
    if info.kind == "one-hot" and not is_missing(v):
        if float(v) >= 0.5:
            return name
        # one-hot labels end with their level's words ("Income type: Working"): negate the level
        words = info.level_label or info.level or ""
        return f"{name.removesuffix(words)}not {words}" if words and name.endswith(words) else f"{name}: no"
    # 'Instalments: days late (average, 3 days)' rather than '(average) (3 days)'
    return f"{name[:-1]}, {value(info, v)})" if name.endswith(")") else f"{name} ({value(info, v)})"


# --- decisions -------------------------------------------------------------------------------------


def decision_sentence(probability: float, threshold: float, policy: dict | None = None) -> str:
    """The decision as a client could understand it: a policy refusal first, then the model's estimate."""
    if policy and policy.get("refused"):
        rules = "; ".join(r["text"] for r in policy["rules"])
        return (
            f"Refused by policy: {rules}. The model's estimated risk of default is {percent(probability)} "
            f"(the bank's limit is {percent(threshold)})."
        )
    if decide(probability, threshold) == REFUSED:
        return (
            f"Refused: the estimated risk of default ({percent(probability)}) is above the bank's limit ({percent(threshold)})."
        )
    return f"Accepted: the estimated risk of default ({percent(probability)}) is below the bank's limit ({percent(threshold)})."


def reasons(contributions: list[dict], catalog: dict[str, FeatureInfo], n: int = 3) -> tuple[list[str], list[str]]:
    """The n strongest reasons raising and lowering the risk, each 'what — value'."""

    def text(c):
        return short(catalog.get(c["feature"], FeatureInfo(c["feature"], c.get("label"))), c.get("value"))

    up = [text(c) for c in contributions if c["contribution"] > 0][:n]
    down = [text(c) for c in contributions if c["contribution"] < 0][:n]
    return up, down


def summary(
    contributions: list[dict], catalog: dict[str, FeatureInfo], probability: float, threshold: float, policy: dict | None = None
) -> str:
    """The plain-language summary of an explanation: the decision (a policy refusal first, then what the
    model alone would decide), then what raised and lowered the risk."""
    decision = decide(probability, threshold)
    up, down = reasons(contributions, catalog, 2)
    side = "above" if decision == REFUSED else "below"
    risk = f"the estimated risk of default ({percent(probability)}) is {side} the bank's limit ({percent(threshold)})"
    if policy and policy.get("refused"):
        rules = "; ".join(r["text"] for r in policy["rules"])
        model = "refuse" if decision == REFUSED else "accept"
        parts = [f"The application is refused by policy: {rules}. The model alone would {model} it: {risk}"]
    else:
        parts = [f"The application is {decision}: {risk}"]
    if up:
        parts.append("the risk is raised mostly by " + " and ".join(up))
    if down:
        parts.append("lowered mostly by " + " and ".join(down))
    return "; ".join(parts) + "."


# --- principal reasons -----------------------------------------------------------------------------


def typical(info: FeatureInfo, quartiles: tuple[float, float, float] | None, mean: float | None = None) -> str:
    """What most clients have, from the train population's quartiles (and mean, for a yes/no feature): the side
    the risk is low on when the direction is known ('5 % or less' for a lateness), else the middle half."""
    if info.kind in ("flag", "one-hot"):
        return NO_DATA if mean is None or is_missing(mean) else f"{percent(mean, 0)} of clients"
    if quartiles is None or any(is_missing(q) for q in quartiles):
        return NO_DATA
    q1, q2, q3 = (value(info, q) for q in quartiles)
    if q1 == q3:
        return q2
    if info.risk_direction == 1:
        return f"{q3} or less"
    if info.risk_direction == -1:
        return f"{q1} or more"
    return f"{q1} to {q3}"


def reason_sentence(info: FeatureInfo, v, typical_text: str) -> str:
    """'Instalments: share paid late is 40 % (most clients: 5 % or less)'; yes/no features:
    'Education: Lower secondary (3 % of clients)'; a missing value: 'Years employed: not known for this client
    (most clients: ...)'."""
    if info.kind in ("flag", "one-hot") and not is_missing(v):
        return f"{short(info, v)} ({typical_text})"
    if is_missing(v):  # a missing value can be the reason itself (no external score, no credit history)
        return f"{label(info)}: not known for this client (most clients: {typical_text})"
    return f"{label(info)} is {value(info, v)} (most clients: {typical_text})"


# --- what would change the decision ------------------------------------------------------------------

CHANGE_WORDS = {"AMT_CREDIT": "credit", "AMT_ANNUITY": "annuity", "AMT_GOODS_PRICE": "goods price"}


def counterfactual_sentence(change: dict | None, result: dict) -> str:
    """What would get a refused application accepted, in words; or why there is nothing to say."""
    p, t = result["probability"], result["threshold"]
    if result["decision"] != REFUSED:
        return f"Already accepted (estimated risk {percent(p)}, limit {percent(t)}): nothing needs to change."
    if change is None:
        return (
            f"No change within these limits gets the application accepted: a credit up to {percent(cf.CREDIT_STEPS[-1], 0)} "
            f"smaller (with or without cheaper goods) or a term up to {cf.MAX_TERM_MONTHS} months still leaves the estimated "
            f"risk at or above the limit ({percent(t)})."
        )
    moved = ", ".join(
        f"{CHANGE_WORDS[k]} {money(v)} instead of {money(change['before'][k])}" for k, v in change["changes"].items()
    )
    how = {
        cf.LESS_CREDIT: "Borrowing less for the same goods",
        cf.CHEAPER_GOODS: "Cheaper goods, financed in the same proportion",
        cf.LONGER_TERM: "The same credit over a longer term",
    }[change["lever"]]
    return f"{how} ({moved}) would be accepted: estimated risk {percent(change['probability'])}, below the limit ({percent(t)})."
