"""The Kaggle Home Credit files: names, column order and types, as the real files have them.

`sql_type` is how the column is written in the real CSVs: integer columns that pandas wrote with
`.0` (because they hold NULLs) are DOUBLE, as they are in the original files.
Generated once from the real headers; the generator and ingest both follow it.
`low`/`high` is the possible range of a numeric column (VALUE_RANGES): ingest refuses anything
outside it, and any non-finite number, before training can choke on it.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

# The possible range of each numeric column, by name, first match wins. Bounds are the real data's
# extremes widened (sample extremes in /work/shared/data/homecredit_profile.json; the full files reach
# further, e.g. income 117 M, bureau credit sum 585 M, debt -4.7 M, card balance -420 k), so a real file
# never hits them, while a count below zero, a label other than 0/1, 1e308 or inf does.
# tests/unit/test_value_ranges.py checks that every numeric column has a rule and that the real samples fit.
AMOUNT = 1e10  # 17x the largest real amount (bureau AMT_CREDIT_SUM 585 M)
COUNT = 1e6  # largest real counts: SK_DPD 4,231 days, NUM_INSTALMENT_NUMBER 277, OBS_30_CNT_SOCIAL_CIRCLE 348
DAYS = 1e6  # real days span -42,060 .. 365,243 (Kaggle's "not applicable" code)
VALUE_RANGES: tuple[tuple[str, float, float], ...] = (
    (r"TARGET", 0, 1),
    (r"SK_ID_\w+", 0, 1e9),  # real ids are under 3 M
    (r"FLAG_\w+|NFLAG_\w+|(REG|LIVE)_(REGION|CITY)_NOT_\w+", 0, 1),
    (r"HOUR_APPR_PROCESS_START", 0, 23),
    (r"REGION_RATING_CLIENT\w*", 1, 3),
    (r"SELLERPLACE_AREA", -1, 1e8),  # -1: unknown; real max 4 M
    (r"MONTHS_BALANCE", -1e4, 1e4),  # real -96 .. 0
    (r"DAYS_\w+", -DAYS, DAYS),
    (
        r"CNT_\w+|\w+_CNT_SOCIAL_CIRCLE|AMT_REQ_CREDIT_BUREAU_\w+|NUM_INSTALMENT_\w+|SK_DPD\w*|CREDIT_DAY_OVERDUE|OWN_CAR_AGE",
        0,
        COUNT,
    ),
    # The applicant's own figures are never negative; other amounts are, where they mean something
    # (debt and card balances below zero, refunds, down payments of -0.9).
    (r"AMT_(INCOME_TOTAL|CREDIT|ANNUITY|GOODS_PRICE|APPLICATION)", 0, AMOUNT),
    (r"AMT_\w+", -AMOUNT, AMOUNT),
    # Shares: normalised building statistics, external scores, population density (real 0 .. 1).
    (r"EXT_SOURCE_\d|\w+_(AVG|MODE|MEDI)|REGION_POPULATION_RELATIVE", 0, 1),
    (r"RATE_\w+", -1, 1),  # real RATE_DOWN_PAYMENT reaches -1.5e-05
)


def value_range(name: str) -> tuple[float, float]:
    """The possible range of a numeric column (VALUE_RANGES); every numeric Kaggle column has one."""
    for pattern, low, high in VALUE_RANGES:
        if re.fullmatch(pattern, name):
            return low, high
    raise KeyError(f"{name}: no value range declared in kernel/kaggle_schema.py")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "integer", "float" or "category"
    sql_type: str  # BIGINT, DOUBLE or VARCHAR
    low: float = -math.inf  # possible range (numeric columns only)
    high: float = math.inf

    @property
    def numeric(self) -> bool:
        return self.kind != "category"


@dataclass(frozen=True)
class KaggleFile:
    name: str  # file stem as Kaggle spells it, e.g. "POS_CASH_balance"
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] | None
    required: bool = True

    @property
    def table(self) -> str:
        """Raw table name in the warehouse: the file stem in lower case."""
        return self.name.lower()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _cols(spec: str) -> tuple[Column, ...]:
    kinds = {"I": ("integer", "BIGINT"), "F": ("float", "DOUBLE"), "C": ("category", "VARCHAR")}
    out = []
    for item in spec.split():
        name, code = item.rsplit(":", 1)
        kind, sql = kinds[code[0]]
        if code == "I.":  # integer values written as floats (they have NULLs)
            sql = "DOUBLE"
        out.append(Column(name, kind, sql, *value_range(name)) if kind != "category" else Column(name, kind, sql))
    return tuple(out)


FILES: dict[str, KaggleFile] = {}

FILES["application_train"] = KaggleFile(
    "application_train",
    _cols(
        "SK_ID_CURR:I TARGET:I NAME_CONTRACT_TYPE:C CODE_GENDER:C FLAG_OWN_CAR:C FLAG_OWN_REALTY:C "
        "CNT_CHILDREN:I AMT_INCOME_TOTAL:F AMT_CREDIT:F AMT_ANNUITY:F AMT_GOODS_PRICE:F "
        "NAME_TYPE_SUITE:C NAME_INCOME_TYPE:C NAME_EDUCATION_TYPE:C NAME_FAMILY_STATUS:C "
        "NAME_HOUSING_TYPE:C REGION_POPULATION_RELATIVE:F DAYS_BIRTH:I DAYS_EMPLOYED:I "
        "DAYS_REGISTRATION:I. DAYS_ID_PUBLISH:I OWN_CAR_AGE:I. FLAG_MOBIL:I FLAG_EMP_PHONE:I "
        "FLAG_WORK_PHONE:I FLAG_CONT_MOBILE:I FLAG_PHONE:I FLAG_EMAIL:I OCCUPATION_TYPE:C "
        "CNT_FAM_MEMBERS:I. REGION_RATING_CLIENT:I REGION_RATING_CLIENT_W_CITY:I "
        "WEEKDAY_APPR_PROCESS_START:C HOUR_APPR_PROCESS_START:I REG_REGION_NOT_LIVE_REGION:I "
        "REG_REGION_NOT_WORK_REGION:I LIVE_REGION_NOT_WORK_REGION:I REG_CITY_NOT_LIVE_CITY:I "
        "REG_CITY_NOT_WORK_CITY:I LIVE_CITY_NOT_WORK_CITY:I ORGANIZATION_TYPE:C EXT_SOURCE_1:F "
        "EXT_SOURCE_2:F EXT_SOURCE_3:F APARTMENTS_AVG:F BASEMENTAREA_AVG:F "
        "YEARS_BEGINEXPLUATATION_AVG:F YEARS_BUILD_AVG:F COMMONAREA_AVG:F ELEVATORS_AVG:F "
        "ENTRANCES_AVG:F FLOORSMAX_AVG:F FLOORSMIN_AVG:F LANDAREA_AVG:F LIVINGAPARTMENTS_AVG:F "
        "LIVINGAREA_AVG:F NONLIVINGAPARTMENTS_AVG:F NONLIVINGAREA_AVG:F APARTMENTS_MODE:F "
        "BASEMENTAREA_MODE:F YEARS_BEGINEXPLUATATION_MODE:F YEARS_BUILD_MODE:F COMMONAREA_MODE:F "
        "ELEVATORS_MODE:F ENTRANCES_MODE:F FLOORSMAX_MODE:F FLOORSMIN_MODE:F LANDAREA_MODE:F "
        "LIVINGAPARTMENTS_MODE:F LIVINGAREA_MODE:F NONLIVINGAPARTMENTS_MODE:F NONLIVINGAREA_MODE:F "
        "APARTMENTS_MEDI:F BASEMENTAREA_MEDI:F YEARS_BEGINEXPLUATATION_MEDI:F YEARS_BUILD_MEDI:F "
        "COMMONAREA_MEDI:F ELEVATORS_MEDI:F ENTRANCES_MEDI:F FLOORSMAX_MEDI:F FLOORSMIN_MEDI:F "
        "LANDAREA_MEDI:F LIVINGAPARTMENTS_MEDI:F LIVINGAREA_MEDI:F NONLIVINGAPARTMENTS_MEDI:F "
        "NONLIVINGAREA_MEDI:F FONDKAPREMONT_MODE:C HOUSETYPE_MODE:C TOTALAREA_MODE:F "
        "WALLSMATERIAL_MODE:C EMERGENCYSTATE_MODE:C OBS_30_CNT_SOCIAL_CIRCLE:I. "
        "DEF_30_CNT_SOCIAL_CIRCLE:I. OBS_60_CNT_SOCIAL_CIRCLE:I. DEF_60_CNT_SOCIAL_CIRCLE:I. "
        "DAYS_LAST_PHONE_CHANGE:I. FLAG_DOCUMENT_2:I FLAG_DOCUMENT_3:I FLAG_DOCUMENT_4:I "
        "FLAG_DOCUMENT_5:I FLAG_DOCUMENT_6:I FLAG_DOCUMENT_7:I FLAG_DOCUMENT_8:I FLAG_DOCUMENT_9:I "
        "FLAG_DOCUMENT_10:I FLAG_DOCUMENT_11:I FLAG_DOCUMENT_12:I FLAG_DOCUMENT_13:I "
        "FLAG_DOCUMENT_14:I FLAG_DOCUMENT_15:I FLAG_DOCUMENT_16:I FLAG_DOCUMENT_17:I "
        "FLAG_DOCUMENT_18:I FLAG_DOCUMENT_19:I FLAG_DOCUMENT_20:I FLAG_DOCUMENT_21:I "
        "AMT_REQ_CREDIT_BUREAU_HOUR:I. AMT_REQ_CREDIT_BUREAU_DAY:I. AMT_REQ_CREDIT_BUREAU_WEEK:I. "
        "AMT_REQ_CREDIT_BUREAU_MON:I. AMT_REQ_CREDIT_BUREAU_QRT:I. AMT_REQ_CREDIT_BUREAU_YEAR:I. "
    ),
    ("SK_ID_CURR",),
    required=True,
)
# application_test is application_train without TARGET (121 columns against 122), in the same order.
FILES["application_test"] = KaggleFile(
    "application_test",
    tuple(c for c in FILES["application_train"].columns if c.name != "TARGET"),
    ("SK_ID_CURR",),
    required=False,
)
FILES["bureau"] = KaggleFile(
    "bureau",
    _cols(
        "SK_ID_CURR:I SK_ID_BUREAU:I CREDIT_ACTIVE:C CREDIT_CURRENCY:C DAYS_CREDIT:I "
        "CREDIT_DAY_OVERDUE:I DAYS_CREDIT_ENDDATE:I. DAYS_ENDDATE_FACT:I. AMT_CREDIT_MAX_OVERDUE:F "
        "CNT_CREDIT_PROLONG:I AMT_CREDIT_SUM:F AMT_CREDIT_SUM_DEBT:F AMT_CREDIT_SUM_LIMIT:F "
        "AMT_CREDIT_SUM_OVERDUE:F CREDIT_TYPE:C DAYS_CREDIT_UPDATE:I AMT_ANNUITY:F "
    ),
    ("SK_ID_BUREAU",),
    required=True,
)
FILES["bureau_balance"] = KaggleFile(
    "bureau_balance",
    _cols("SK_ID_BUREAU:I MONTHS_BALANCE:I STATUS:C "),
    ("SK_ID_BUREAU", "MONTHS_BALANCE"),
    required=True,
)
FILES["previous_application"] = KaggleFile(
    "previous_application",
    _cols(
        "SK_ID_PREV:I SK_ID_CURR:I NAME_CONTRACT_TYPE:C AMT_ANNUITY:F AMT_APPLICATION:F AMT_CREDIT:F "
        "AMT_DOWN_PAYMENT:F AMT_GOODS_PRICE:F WEEKDAY_APPR_PROCESS_START:C HOUR_APPR_PROCESS_START:I "
        "FLAG_LAST_APPL_PER_CONTRACT:C NFLAG_LAST_APPL_IN_DAY:I RATE_DOWN_PAYMENT:F "
        "RATE_INTEREST_PRIMARY:F RATE_INTEREST_PRIVILEGED:F NAME_CASH_LOAN_PURPOSE:C "
        "NAME_CONTRACT_STATUS:C DAYS_DECISION:I NAME_PAYMENT_TYPE:C CODE_REJECT_REASON:C "
        "NAME_TYPE_SUITE:C NAME_CLIENT_TYPE:C NAME_GOODS_CATEGORY:C NAME_PORTFOLIO:C "
        "NAME_PRODUCT_TYPE:C CHANNEL_TYPE:C SELLERPLACE_AREA:I NAME_SELLER_INDUSTRY:C CNT_PAYMENT:I. "
        "NAME_YIELD_GROUP:C PRODUCT_COMBINATION:C DAYS_FIRST_DRAWING:I. DAYS_FIRST_DUE:I. "
        "DAYS_LAST_DUE_1ST_VERSION:I. DAYS_LAST_DUE:I. DAYS_TERMINATION:I. "
        "NFLAG_INSURED_ON_APPROVAL:I. "
    ),
    ("SK_ID_PREV",),
    required=True,
)
FILES["POS_CASH_balance"] = KaggleFile(
    "POS_CASH_balance",
    _cols(
        "SK_ID_PREV:I SK_ID_CURR:I MONTHS_BALANCE:I CNT_INSTALMENT:I. CNT_INSTALMENT_FUTURE:I. "
        "NAME_CONTRACT_STATUS:C SK_DPD:I SK_DPD_DEF:I "
    ),
    None,
    required=True,
)
FILES["installments_payments"] = KaggleFile(
    "installments_payments",
    _cols(
        "SK_ID_PREV:I SK_ID_CURR:I NUM_INSTALMENT_VERSION:I. NUM_INSTALMENT_NUMBER:I "
        "DAYS_INSTALMENT:I. DAYS_ENTRY_PAYMENT:I. AMT_INSTALMENT:F AMT_PAYMENT:F "
    ),
    None,
    required=True,
)
FILES["credit_card_balance"] = KaggleFile(
    "credit_card_balance",
    _cols(
        "SK_ID_PREV:I SK_ID_CURR:I MONTHS_BALANCE:I AMT_BALANCE:F AMT_CREDIT_LIMIT_ACTUAL:I "
        "AMT_DRAWINGS_ATM_CURRENT:F AMT_DRAWINGS_CURRENT:F AMT_DRAWINGS_OTHER_CURRENT:F "
        "AMT_DRAWINGS_POS_CURRENT:F AMT_INST_MIN_REGULARITY:F AMT_PAYMENT_CURRENT:F "
        "AMT_PAYMENT_TOTAL_CURRENT:F AMT_RECEIVABLE_PRINCIPAL:F AMT_RECIVABLE:F "
        "AMT_TOTAL_RECEIVABLE:F CNT_DRAWINGS_ATM_CURRENT:I. CNT_DRAWINGS_CURRENT:I "
        "CNT_DRAWINGS_OTHER_CURRENT:I. CNT_DRAWINGS_POS_CURRENT:I. CNT_INSTALMENT_MATURE_CUM:I. "
        "NAME_CONTRACT_STATUS:C SK_DPD:I SK_DPD_DEF:I "
    ),
    None,
    required=True,
)

SUBMISSION = KaggleFile("sample_submission", _cols("SK_ID_CURR:I TARGET:F "), ("SK_ID_CURR",), required=False)


# --- what the columns mean: Kaggle's HomeCredit_columns_description.csv -------------------------------------

# The file as dbt's seed loads it (converted from cp1252 to UTF-8): the one source of the raw columns'
# documentation, read by dbt (seed, sources YAML) and by ingest (raw.duckdb's column comments).
DESCRIPTIONS_CSV = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds" / "home_credit_columns_description.csv"
DESCRIPTION_NAME_FIXES = {"SK_BUREAU_ID": "SK_ID_BUREAU"}  # the description file's spelling of a bureau key

TABLE_DOCS = {
    "application_train": "Loan applications with the TARGET (1 = payment difficulties). One row per SK_ID_CURR.",
    "application_test": "Loan applications to score (no TARGET column). One row per SK_ID_CURR.",
    "bureau": "Previous credits reported by other institutions to the Credit Bureau. One row per SK_ID_BUREAU.",
    "bureau_balance": "Monthly status of each Credit Bureau credit. One row per (SK_ID_BUREAU, MONTHS_BALANCE).",
    "previous_application": "Previous Home Credit applications of the clients. One row per SK_ID_PREV.",
    "pos_cash_balance": "Monthly snapshots of previous point-of-sale and cash loans with Home Credit.",
    "installments_payments": "Payment history of previous Home Credit credits: one row per payment (an instalment can have several).",
    "credit_card_balance": "Monthly snapshots of previous Home Credit credit cards.",
}


def column_descriptions(path: Path = DESCRIPTIONS_CSV) -> dict[tuple[str, str], str]:
    """(raw table, column) -> Kaggle's description, its 'Special' note in brackets; the file's
    'application_{train|test}.csv' rows describe both application tables."""
    out: dict[tuple[str, str], str] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            stem = row["Table"].replace(".csv", "")
            tables = ("application_train", "application_test") if stem.startswith("application_") else (stem.lower(),)
            column = DESCRIPTION_NAME_FIXES.get(row["Row"].strip(), row["Row"].strip())
            text = row["Description"].strip()
            if (row.get("Special") or "").strip():
                text += f" ({row['Special'].strip()})"
            for table in tables:
                out[(table, column)] = text
    return out
