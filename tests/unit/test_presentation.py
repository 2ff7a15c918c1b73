"""Feature labels and values in a relationship manager's words (service/wording.py), on
feature_catalog rows as the dbt build writes them: the catalog's kind and unit drive the values."""

from __future__ import annotations

import pytest

from dashboard.charts import TEXT_COLOURS, contrast_ratio
from service.wording import FeatureInfo, decision_sentence, describe, label, percent, short, summary, value

APP = "value on the application"


def one_hot(column: str, level: str, name: str, words: str | None = None) -> FeatureInfo:
    words = words or level
    return FeatureInfo(
        f"app_{column.lower()}_{level.lower()}",
        f"{name}: {words}",
        "application",
        column,
        f'one-hot: 1 if the level is "{level}"',
        kind="one-hot",
        unit="none",
        level=level,
        level_label=words,
    )


def app(column: str, label_: str, kind: str, unit: str) -> FeatureInfo:
    return FeatureInfo(f"app_{column.lower()}", label_, "application", column, APP, kind=kind, unit=unit)


EDUCATION = one_hot("NAME_EDUCATION_TYPE", "Secondary / secondary special", "Education")


@pytest.mark.parametrize(
    "info,raw,expected",
    [
        (EDUCATION, 0, "Education: Secondary / secondary special — no"),
        (EDUCATION, 1.0, "Education: Secondary / secondary special — yes"),
        (one_hot("CODE_GENDER", "F", "Gender", "female"), 1, "Gender: female — yes"),
        (app("AMT_INCOME_TOTAL", "Annual income", "amount", "currency"), 202500.0, "Annual income — 202,500"),
        (app("DAYS_BIRTH", "Age", "days", "days"), -9461.0, "Age — 26 years"),
        (app("DAYS_EMPLOYED", "Time employed", "days", "days"), None, "Time employed — no data"),
        (app("DAYS_EMPLOYED", "Time employed", "days", "days"), -200.0, "Time employed — 200 days"),
        (
            app("DAYS_ID_PUBLISH", "ID document last changed", "days", "days from application"),
            -2120.0,
            "ID document last changed — 5.8 years ago",
        ),
        (
            app("DAYS_LAST_PHONE_CHANGE", "Phone number last changed", "days", "days from application"),
            -12.0,
            "Phone number last changed — 12 days ago",
        ),
        (
            FeatureInfo(
                "inst_late_share",
                "Instalments: share paid late",
                "installments_payments",
                "DAYS_ENTRY_PAYMENT",
                "share of instalments",
                kind="share",
                unit="share 0-1",
            ),
            0.25,
            "Instalments: share paid late — 25 %",
        ),
        (app("FLAG_PHONE", "Gave a home phone", "flag", "none"), 1, "Gave a home phone — yes"),
        (
            FeatureInfo(
                "bureau_credit_duration_days_min",
                "Credit bureau, all credits: planned length in days (minimum)",
                "bureau",
                None,
                "minimum over Credit bureau, all credits",
                kind="days",
                unit="days",
            ),
            127.0,
            "Credit bureau, all credits: planned length in days (minimum) — 127 days",
        ),
        (
            FeatureInfo(
                "pos_months_balance_min",
                "Point-of-sale and cash loans: month (before the application) (minimum)",
                "pos_cash_balance",
                "MONTHS_BALANCE",
                "minimum over Point-of-sale and cash loans",
                kind="months",
                unit="months from application",
            ),
            -96.0,
            "Point-of-sale and cash loans: month (before the application) (minimum) — 96 months ago",
        ),
        (
            FeatureInfo(
                "app_credit_to_income_ratio",
                "Credit amount / income",
                "application",
                None,
                "computed on the application",
                kind="ratio",
                unit="none",
                formula="AMT_CREDIT / AMT_INCOME_TOTAL",
            ),
            2.5,
            "Credit amount / income — 2.50",
        ),
        (
            FeatureInfo(
                "bureau_amt_credit_sum_var",
                "Credit bureau, all credits: credit amount (variance)",
                "bureau",
                "AMT_CREDIT_SUM",
                "variance over Credit bureau, all credits",
                kind="variance",
                unit="none",
            ),
            123456789.0,
            "Credit bureau, all credits: credit amount (variance) — 123,456,789",
        ),
        (FeatureInfo("not_in_the_catalog"), 3.0, "Not in the catalog — 3"),
    ],
)
def test_describe_by_kind(info, raw, expected):
    assert describe(info, raw) == expected


@pytest.mark.parametrize(
    "kind,unit,raw,expected",
    [
        ("amount", "currency", 1234567.8, "1,234,568"),
        ("share", "share 0-1", 0.034, "3.4 %"),
        ("share", "share 0-1", 0.5, "50 %"),
        ("days", "days", 30.0, "30 days"),
        ("days", "days", 4000.0, "11 years"),
        ("days", "days from application", -30.0, "30 days ago"),
        ("days", "days from application", 400.0, "1.1 years later"),
        ("one-hot", "none", 1.0, "yes"),
        ("flag", "none", 0.0, "no"),
        ("count", "count", 4000.0, "4,000"),
        ("years", "years", 4.25, "4.2 years"),
    ],
)
def test_the_kind_not_the_name_drives_the_value(kind, unit, raw, expected):
    """One feature name, one value: what is shown follows the catalog's kind and unit alone."""
    assert value(FeatureInfo("x_feature", "X", kind=kind, unit=unit), raw) == expected


def test_one_hot_reads_as_its_level():
    gender = one_hot("CODE_GENDER", "M", "Gender", "male")
    assert (label(gender), short(gender, 1), short(gender, 0)) == ("Gender: male", "Gender: male", "Gender: not male")


def test_labels_are_the_catalogs():
    assert label(EDUCATION) == "Education: Secondary / secondary special"
    assert short(EDUCATION, 0) == "Education: not Secondary / secondary special"
    info = FeatureInfo(
        "inst_days_past_due_mean",
        "Instalments: days paid after the due date (average)",
        "installments_payments",
        "DAYS_ENTRY_PAYMENT",
        "average over Instalments",
        kind="days",
        unit="days",
    )
    assert short(info, 3.0) == "Instalments: days paid after the due date (average, 3 days)"
    assert value(info, float("nan")) == "no data"


def test_catalog_rows_by_column_name():
    row = {"feature": "app_amt_credit", "label": "Credit amount", "kind": "amount", "unit": "currency", "description": "ignored"}
    info = FeatureInfo.from_row(row)
    assert (info.kind, info.unit, info.level) == ("amount", "currency", None)
    assert describe(info, 1e6) == "Credit amount — 1,000,000"


def test_decision_in_words_a_client_understands():
    assert decision_sentence(0.124, 0.078) == "Refused: the estimated risk of default (12.4 %) is above the bank's limit (7.8 %)."
    assert decision_sentence(0.004, 0.078).startswith("Accepted: the estimated risk of default (0.40 %) is below")
    assert percent(0.0) == "0.0 %"


def test_summary_names_the_decision_and_the_reasons():
    catalog = {EDUCATION.feature: EDUCATION}
    contributions = [
        {"feature": EDUCATION.feature, "label": "x", "value": 1.0, "contribution": 0.3},
        {"feature": "other", "label": "Other thing", "value": 2.0, "contribution": -0.1},
    ]
    text = summary(contributions, catalog, 0.2, 0.1)
    assert text == (
        "The application is refused: the estimated risk of default (20.0 %) is above the bank's limit (10.0 %); "
        "the risk is raised mostly by Education: Secondary / secondary special; lowered mostly by Other thing (2)."
    )


def test_text_colours_meet_aa_contrast():
    """WCAG 1.4.3: every colour the charts draw text in, on what it is drawn on (the browser test checks the page)."""
    for name, (fg, bg) in TEXT_COLOURS.items():
        assert contrast_ratio(fg, bg) >= 4.5, name
    assert contrast_ratio("#D55E00", "#ffffff") < 4.5  # why vermillion itself is kept for marks, not text
