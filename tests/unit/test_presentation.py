"""Feature labels and values in a relationship manager's words (service/wording.py), on
feature_catalog rows as the dbt build writes them."""

from __future__ import annotations

import pytest

from dashboard.charts import TEXT_COLOURS, contrast_ratio
from service.wording import FeatureInfo, decision_sentence, describe, label, percent, short, summary, value

APP = "value on the application"


def one_hot(column: str, level: str, words: str) -> FeatureInfo:
    return FeatureInfo(
        f"app_{column.lower()}_{level.lower()}",
        f'Application: {words} is "{level}"',
        "application",
        column,
        f'one-hot: 1 if the level is "{level}"',
    )


EDUCATION = one_hot("NAME_EDUCATION_TYPE", "Secondary / secondary special", "name education type")


@pytest.mark.parametrize(
    "info,raw,expected",
    [
        (EDUCATION, 0, "Education: Secondary / secondary special — no"),
        (EDUCATION, 1.0, "Education: Secondary / secondary special — yes"),
        (one_hot("CODE_GENDER", "F", "code gender"), 1, "Gender: female — yes"),
        (
            FeatureInfo("app_amt_income_total", "Application: amount income total", "application", "AMT_INCOME_TOTAL", APP),
            202500.0,
            "Annual income — 202,500",
        ),
        (FeatureInfo("app_days_birth", "Application: days birth", "application", "DAYS_BIRTH", APP), -9461.0, "Age — 26 years"),
        (
            FeatureInfo(
                "app_days_employed",
                "Application: days employed (NULL for pensioners and unemployed)",
                "application",
                "DAYS_EMPLOYED",
                APP,
            ),
            None,
            "Time employed — no data",
        ),
        (
            FeatureInfo("app_days_id_publish", "Application: days id publish", "application", "DAYS_ID_PUBLISH", APP),
            -2120.0,
            "ID document last changed — 5.8 years ago",
        ),
        (
            FeatureInfo(
                "inst_late_share",
                "Instalments: share paid late",
                "installments_payments",
                "DAYS_ENTRY_PAYMENT",
                "share of instalments",
            ),
            0.25,
            "Instalments: share paid late — 25 %",
        ),
        (
            FeatureInfo("app_flag_phone", "Application: flag phone", "application", "FLAG_PHONE", APP),
            1,
            "Gave a home phone — yes",
        ),
        (
            FeatureInfo(
                "bureau_credit_duration_days_min",
                "Credit bureau, all credits: planned length in days (minimum)",
                "bureau",
                None,
                "minimum over Credit bureau, all credits",
            ),
            127.0,
            "Credit bureau, all credits: planned length in days (minimum) — 127 days",
        ),
        (
            FeatureInfo(
                "prev_days_decision_sum",
                "Previous applications: days decision (total)",
                "previous_application",
                "DAYS_DECISION",
                "total over Previous applications",
            ),
            -3000.0,
            "Previous applications: days decision (total) — -3,000 days",
        ),
        (
            FeatureInfo("app_credit_to_income_ratio", "Credit amount / income", "application", None, "ratio"),
            2.5,
            "Credit amount / income — 2.50",
        ),
        (FeatureInfo("not_in_the_catalog"), 3.0, "Not in the catalog — 3"),
    ],
)
def test_describe_by_kind(info, raw, expected):
    assert describe(info, raw) == expected


def test_labels_drop_code_talk():
    assert label(EDUCATION) == "Education: Secondary / secondary special"
    assert short(EDUCATION, 0) == "Education: not Secondary / secondary special"
    info = FeatureInfo(
        "inst_days_past_due_mean",
        "Instalments: days paid after the due date (average)",
        "installments_payments",
        "DAYS_ENTRY_PAYMENT",
        "average over Instalments",
    )
    assert short(info, 3.0) == "Instalments: days paid after the due date (average, 3 days)"
    assert value(info, float("nan")) == "no data"


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
