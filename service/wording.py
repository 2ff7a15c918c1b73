"""Features and decisions in the words a relationship manager would use: the one place that turns a
feature_catalog row and a value into text. The API's explanation summary and every dashboard label
and chart come from here, so the two never disagree.

    describe(info, 0) for app_name_education_type_secondary_secondary_special
        -> 'Education: Secondary / secondary special — no'

Values are formatted by kind, inferred from the catalog (the Kaggle source column and how the value
is aggregated): money with thousands separators, DAYS_* dates as years, shares as %, one-hot and
0/1 flags as yes/no, NULL as "no data".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from models_ml.decision import REFUSED, decide

NO_DATA = "no data"

# Kaggle application columns as a relationship manager says them.
COLUMN_NAMES = {
    "AMT_INCOME_TOTAL": "Annual income",
    "AMT_CREDIT": "Credit amount",
    "AMT_ANNUITY": "Loan annuity",
    "AMT_GOODS_PRICE": "Price of the goods",
    "CNT_CHILDREN": "Children",
    "CNT_FAM_MEMBERS": "Family members",
    "CODE_GENDER": "Gender",
    "DAYS_BIRTH": "Age",
    "DAYS_EMPLOYED": "Time employed",
    "DAYS_ID_PUBLISH": "ID document last changed",
    "DAYS_REGISTRATION": "Registration last changed",
    "DAYS_LAST_PHONE_CHANGE": "Phone number last changed",
    "EXT_SOURCE_1": "External score 1",
    "EXT_SOURCE_2": "External score 2",
    "EXT_SOURCE_3": "External score 3",
    "FLAG_OWN_CAR": "Owns a car",
    "FLAG_OWN_REALTY": "Owns a home",
    "OWN_CAR_AGE": "Age of the car",
    "NAME_CONTRACT_TYPE": "Contract",
    "NAME_EDUCATION_TYPE": "Education",
    "NAME_FAMILY_STATUS": "Family status",
    "NAME_HOUSING_TYPE": "Housing",
    "NAME_INCOME_TYPE": "Income type",
    "NAME_TYPE_SUITE": "Accompanied by",
    "OCCUPATION_TYPE": "Occupation",
    "ORGANIZATION_TYPE": "Employer type",
    "REGION_RATING_CLIENT": "Region rating",
    "REGION_RATING_CLIENT_W_CITY": "Region rating (with city)",
    "REGION_POPULATION_RELATIVE": "Region population (relative)",
    "WEEKDAY_APPR_PROCESS_START": "Day the application was made",
    "HOUR_APPR_PROCESS_START": "Hour the application was made",
    "FLAG_MOBIL": "Gave a mobile phone",
    "FLAG_EMP_PHONE": "Gave an employer phone",
    "FLAG_WORK_PHONE": "Gave a work phone",
    "FLAG_CONT_MOBILE": "Mobile phone reachable",
    "FLAG_PHONE": "Gave a home phone",
    "FLAG_EMAIL": "Gave an e-mail",
    "REG_REGION_NOT_LIVE_REGION": "Lives outside the registered region",
    "REG_REGION_NOT_WORK_REGION": "Works outside the registered region",
    "LIVE_REGION_NOT_WORK_REGION": "Works outside the home region",
    "REG_CITY_NOT_LIVE_CITY": "Lives outside the registered city",
    "REG_CITY_NOT_WORK_CITY": "Works outside the registered city",
    "LIVE_CITY_NOT_WORK_CITY": "Works outside the home city",
    "OBS_30_CNT_SOCIAL_CIRCLE": "Social circle observed (30 days)",
    "OBS_60_CNT_SOCIAL_CIRCLE": "Social circle observed (60 days)",
    "DEF_30_CNT_SOCIAL_CIRCLE": "Social circle defaulted (30 days)",
    "DEF_60_CNT_SOCIAL_CIRCLE": "Social circle defaulted (60 days)",
    "AMT_REQ_CREDIT_BUREAU_HOUR": "Credit bureau enquiries (last hour)",
    "AMT_REQ_CREDIT_BUREAU_DAY": "Credit bureau enquiries (last day)",
    "AMT_REQ_CREDIT_BUREAU_WEEK": "Credit bureau enquiries (last week)",
    "AMT_REQ_CREDIT_BUREAU_MON": "Credit bureau enquiries (last month)",
    "AMT_REQ_CREDIT_BUREAU_QRT": "Credit bureau enquiries (last quarter)",
    "AMT_REQ_CREDIT_BUREAU_YEAR": "Credit bureau enquiries (last year)",
}
LEVEL_NAMES = {("CODE_GENDER", "F"): "female", ("CODE_GENDER", "M"): "male"}
# DAYS_* columns that measure a length of time rather than a date in the past.
DURATION_DAYS = {"DAYS_BIRTH", "DAYS_EMPLOYED"}
# Words the catalog's generated labels carry that only an engineer needs.
LABEL_NOISE = [r"\s*\(NULL for pensioners and unemployed\)", r"^Application:\s*"]
ONE_HOT = re.compile(r'^one-hot: 1 if the level is "(?P<level>.*)"$')


@dataclass(frozen=True)
class FeatureInfo:
    """One feature_catalog row (only `feature` is required: unknown features still get a label)."""

    feature: str
    label: str | None = None
    source_table: str | None = None
    source_column: str | None = None
    aggregation: str | None = None

    @property
    def level(self) -> str | None:
        m = ONE_HOT.match(self.aggregation or "")
        return m.group("level") if m else None

    @property
    def kind(self) -> str:
        """money | date | duration | days | share | flag | ratio | count | number"""
        name, col, agg = self.feature.lower(), (self.source_column or "").upper(), (self.aggregation or "").lower()
        if (
            self.level is not None
            or name.endswith("_is_sentinel")
            or (self.source_table == "application" and col.startswith(("FLAG_", "REG_", "LIVE_")) and "share" not in name)
        ):
            return "flag"
        if agg.startswith("variance"):
            return "number"
        if (
            name.endswith("_share")
            or "_share_" in name
            or "share of" in agg
            or "default_rate" in name
            or "utilisation" in name
            or (self.label or "").lower().startswith("share")
        ):
            return "share"
        if re.search(r"(^|_)(ratio|x)(_|$)", name):
            return "ratio"
        if col.startswith("DAYS_") and col.lower() in name and not agg.startswith("total"):
            return "duration" if col in DURATION_DAYS else "date"
        if re.search(r"(^|_)(days|dpd)(_|$)", name) and "months" not in name:
            return "days"
        if (
            col.startswith("AMT_REQ")
            or name.startswith(("app_cnt_", "cnt_"))
            or re.search(r"(^|_)(count|rows|months)(_|$)", name)
            or "number of" in (self.label or "").lower()
        ):
            return "count"
        if col.startswith("AMT_") or "amt_" in name or "income_per" in name or "minus_goods" in name or "paid_diff" in name:
            return "money"
        if name.endswith("_years"):
            return "years"
        return "number"


def label(info: FeatureInfo) -> str:
    """Short, readable name of the feature (no value): 'Age', 'Education: Higher education'."""
    name = _base_label(info)
    return f"{name}: {_level(info)}" if info.level is not None else name


def _level(info: FeatureInfo) -> str:
    return LEVEL_NAMES.get(((info.source_column or "").upper(), info.level), info.level)


def _base_label(info: FeatureInfo) -> str:
    """The feature's name without a one-hot level: 'Education'."""
    col = (info.source_column or "").upper()
    if (
        info.source_table == "application"
        and col in COLUMN_NAMES
        and (info.aggregation or "").startswith(("value on", "one-hot"))
    ):
        return COLUMN_NAMES[col]
    text = info.label or info.feature.replace("_", " ")
    for pattern in LABEL_NOISE:
        text = re.sub(pattern, "", text)
    text = re.sub(r' is "[^"]*"$', "", text) if info.level is not None else text
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


def value(info: FeatureInfo, v) -> str:
    """The client's value of the feature, in readable units."""
    if is_missing(v):
        return NO_DATA
    v = float(v)
    kind = info.kind
    if kind == "flag":
        return "yes" if v >= 0.5 else "no"
    if kind == "share":
        return percent(v, 0 if abs(v) >= 0.1 else 1)
    if kind == "money":
        return money(v)
    if kind == "duration":
        return _years_of_days(v)
    if kind == "date":
        if abs(v) < 60:
            return "today" if v == 0 else f"{abs(v):.0f} days {'ago' if v < 0 else 'later'}"
        return (
            f"{_years_of_days(v)} {'ago' if v < 0 else 'later'}"
            if abs(v) >= 365
            else f"{abs(v):.0f} days {'ago' if v < 0 else 'later'}"
        )
    if kind == "days":
        return f"{v:,.1f} days" if not v.is_integer() else f"{int(v):,} days"
    if kind == "years":
        return f"{v:.1f} years"
    if kind == "ratio":
        return f"{v:,.2f}" if 0.1 <= abs(v) < 1000 else number(v)
    return number(v)


def describe(info: FeatureInfo, v) -> str:
    """'Label — value', e.g. 'Education: Secondary / secondary special — no', 'Age — 63 years'."""
    return f"{label(info)} — {value(info, v)}"


def short(info: FeatureInfo, v) -> str:
    """For a sentence: 'Age (63 years)', 'Education: Higher education', 'Income type: not Working'."""
    if info.level is not None and not is_missing(v):
        return f"{_base_label(info)}: {'' if float(v) >= 0.5 else 'not '}{_level(info)}"
    name = label(info)
    # 'Instalments: days late (average, 3 days)' rather than '(average) (3 days)'
    return f"{name[:-1]}, {value(info, v)})" if name.endswith(")") else f"{name} ({value(info, v)})"


# --- decisions -------------------------------------------------------------------------------------


def decision_sentence(probability: float, threshold: float) -> str:
    """The decision as a client could understand it."""
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


def summary(contributions: list[dict], catalog: dict[str, FeatureInfo], probability: float, threshold: float) -> str:
    """The plain-language summary of an explanation: the decision, then what raised and lowered the risk."""
    decision = decide(probability, threshold)
    up, down = reasons(contributions, catalog, 2)
    side = "above" if decision == REFUSED else "below"
    parts = [
        f"The application is {decision}: the estimated risk of default ({percent(probability)}) is {side} the bank's limit ({percent(threshold)})"
    ]
    if up:
        parts.append("the risk is raised mostly by " + " and ".join(up))
    if down:
        parts.append("lowered mostly by " + " and ".join(down))
    return "; ".join(parts) + "."
