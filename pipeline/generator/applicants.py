"""Applicants: application_train/test columns and two latent risks that shape the records.

Two latent risks per client (standard normal):
- `app_risk` shows in the application: it drives the EXT_SOURCE scores;
- `behaviour` drives the side tables (late payments, refusals, overdue credits, DPD).
They decide how records are generated, not the truth: truth.py scores the written values. TARGET is
drawn later, once the side tables exist.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.generator.frame import Frame
from pipeline.generator.marginals import SENTINEL, draw_category, draw_codes, from_quantiles, marginal, normal_to_uniform

T = "application_train"


@dataclass(frozen=True)
class Signal:
    """How the latent risks show in the records."""

    ext_loading: float = 0.70  # corr(EXT_SOURCE score, app_risk)
    behaviour_app_corr: float = 0.25  # behaviour partly shows in the EXT scores, as bureau data does


@dataclass
class Applicants:
    frame: Frame  # every application column; TARGET is set once the truth is known
    is_train: np.ndarray
    app_risk: np.ndarray
    behaviour: np.ndarray


def _cat(f: Frame, rng: np.random.Generator, col: str, n: int, null: np.ndarray | None = None) -> None:
    draw_category(f, rng, T, col, n, null)


def _num(
    rng: np.random.Generator, col: str, u: np.ndarray | None, n: int, null_rate: float | np.ndarray | None = None
) -> np.ndarray:
    m = marginal(T, col)
    v = from_quantiles(m, rng.random(n) if u is None else u)
    rate = m.null_rate if null_rate is None else null_rate
    if np.any(rate > 0):
        v[rng.random(n) < rate] = np.nan
    return v


def make_applicants(rng: np.random.Generator, ids: np.ndarray, is_train: np.ndarray, signal: Signal) -> Applicants:
    n = len(ids)
    f = Frame(n)
    f.set("SK_ID_CURR", ids)
    app_risk = rng.standard_normal(n)
    behaviour = signal.behaviour_app_corr * app_risk + np.sqrt(1 - signal.behaviour_app_corr**2) * rng.standard_normal(n)

    # -- who the client is --
    for col in (
        "NAME_CONTRACT_TYPE",
        "FLAG_OWN_CAR",
        "FLAG_OWN_REALTY",
        "NAME_TYPE_SUITE",
        "NAME_EDUCATION_TYPE",
        "NAME_FAMILY_STATUS",
        "NAME_HOUSING_TYPE",
        "WEEKDAY_APPR_PROCESS_START",
    ):
        _cat(f, rng, col, n)
    gender = draw_codes(rng, marginal(T, "CODE_GENDER").shares, n)
    levels = marginal(T, "CODE_GENDER").levels + ("XNA",)
    gender[rng.random(n) < 4 / 307511] = len(levels) - 1  # the full data has 4 of them
    if n >= 10_000:
        gender[rng.integers(n)] = len(levels) - 1
    f.set_category("CODE_GENDER", gender, levels)

    days_birth = np.round(_num(rng, "DAYS_BIRTH", None, n))
    f.set("DAYS_BIRTH", days_birth)
    # Pensioners are the oldest clients (plus noise), at exactly the real share; the unemployed are rare.
    inc = marginal(T, "NAME_INCOME_TYPE")
    n_pension = int(round(inc.shares[inc.levels.index("Pensioner")] * n))
    oldness = -days_birth / 365.25 + rng.normal(0, 4.0, n)
    income_type = np.full(n, -1, dtype=np.int16)
    income_type[np.argsort(-oldness, kind="stable")[:n_pension]] = inc.levels.index("Pensioner")
    others = [lv for lv in inc.levels if lv != "Pensioner"]
    rest = income_type < 0
    income_type[rest] = np.array([inc.levels.index(lv) for lv in others])[draw_codes(rng, inc.shares_of(others), int(rest.sum()))]
    f.set_category("NAME_INCOME_TYPE", income_type, inc.levels)
    no_job = f.is_level("NAME_INCOME_TYPE", "Pensioner", "Unemployed")

    # -- employment: 365243 for pensioners and the unemployed; otherwise after the 18th birthday --
    emp = np.round(from_quantiles(marginal(T, "DAYS_EMPLOYED"), rng.random(n)))
    emp = np.maximum(emp, days_birth + 18 * 365)
    emp = np.minimum(emp, -1)
    f.set("DAYS_EMPLOYED", np.where(no_job, SENTINEL, emp))
    f.set("FLAG_EMP_PHONE", (~no_job).astype(np.int64))
    org = marginal(T, "ORGANIZATION_TYPE")
    jobs = [lv for lv in org.levels if lv != "XNA"]
    org_codes = np.array([org.levels.index(lv) for lv in jobs])[draw_codes(rng, org.shares_of(jobs), n)]
    f.set_category("ORGANIZATION_TYPE", np.where(no_job, org.levels.index("XNA"), org_codes).astype(np.int16), org.levels)
    occ = marginal(T, "OCCUPATION_TYPE")
    occ_codes = draw_codes(rng, occ.shares, n)
    null_among_workers = (occ.null_rate - no_job.mean()) / max(1e-9, 1 - no_job.mean())
    occ_codes[no_job | (rng.random(n) < null_among_workers)] = -1
    f.set_category("OCCUPATION_TYPE", occ_codes, occ.levels)

    # -- family --
    children = draw_codes(rng, np.array([0.70, 0.20, 0.087, 0.0105, 0.0015, 0.0006, 0.0003, 0.0001]), n, ensure_all=False)
    f.set("CNT_CHILDREN", children.astype(np.int64))
    couple = f.is_level("NAME_FAMILY_STATUS", "Married", "Civil marriage")
    f.set("CNT_FAM_MEMBERS", (1 + couple + children).astype(np.float64))

    # -- money: goods price, credit near it, annuity from a term, income --
    income = np.round(from_quantiles(marginal(T, "AMT_INCOME_TOTAL"), rng.random(n)) / 2250) * 2250
    f.set("AMT_INCOME_TOTAL", np.maximum(income, 25650.0))
    goods = np.round(from_quantiles(marginal(T, "AMT_GOODS_PRICE"), rng.random(n)) / 4500) * 4500
    goods = np.maximum(goods, 45000.0)
    revolving = f.is_level("NAME_CONTRACT_TYPE", "Revolving loans")
    markup = np.where(rng.random(n) < 0.3, 1.0, 1.0 + rng.gamma(2.0, 0.07, n))
    credit = np.where(revolving, goods, np.round(goods * markup * 2) / 2)
    term_months = rng.choice(np.array([12, 18, 24, 30, 36, 48, 60]), n, p=[0.15, 0.1, 0.2, 0.1, 0.2, 0.1, 0.15])
    monthly_rate = rng.uniform(0.008, 0.02, n)
    annuity = credit * monthly_rate / (1 - (1 + monthly_rate) ** -term_months)
    annuity = np.where(revolving, credit * 0.05, annuity)
    f.set("AMT_CREDIT", credit)
    f.set("AMT_ANNUITY", np.round(np.minimum(annuity, credit * 0.5) * 2) / 2)
    goods_null = revolving & (rng.random(n) < 0.006 / max(revolving.mean(), 1e-9))
    f.set("AMT_GOODS_PRICE", np.where(goods_null, np.nan, goods))

    # -- where and when --
    pop_u = rng.random(n)
    f.set("REGION_POPULATION_RELATIVE", np.round(from_quantiles(marginal(T, "REGION_POPULATION_RELATIVE"), pop_u), 6))
    rating = np.where(pop_u > 0.9, 1, np.where(pop_u < 0.15, 3, 2)) + (rng.random(n) < 0.05) * rng.choice([-1, 1], n)
    rating = np.clip(rating, 1, 3)
    f.set("REGION_RATING_CLIENT", rating.astype(np.int64))
    f.set("REGION_RATING_CLIENT_W_CITY", np.clip(rating - (rng.random(n) < 0.03), 1, 3).astype(np.int64))
    f.set("DAYS_REGISTRATION", np.maximum(np.round(_num(rng, "DAYS_REGISTRATION", None, n)), days_birth).astype(float))
    f.set("DAYS_ID_PUBLISH", np.maximum(np.round(_num(rng, "DAYS_ID_PUBLISH", None, n)), days_birth + 14 * 365))
    f.set("HOUR_APPR_PROCESS_START", np.round(_num(rng, "HOUR_APPR_PROCESS_START", None, n)).astype(np.int64))
    f.set("DAYS_LAST_PHONE_CHANGE", np.round(_num(rng, "DAYS_LAST_PHONE_CHANGE", None, n)))
    car = f.is_level("FLAG_OWN_CAR", "Y")
    car_age = np.round(from_quantiles(marginal(T, "OWN_CAR_AGE"), rng.random(n)))
    f.set("OWN_CAR_AGE", np.where(car, car_age, np.nan))

    # -- flags: Bernoulli at the real means --
    for col in (
        "FLAG_MOBIL",
        "FLAG_WORK_PHONE",
        "FLAG_CONT_MOBILE",
        "FLAG_PHONE",
        "FLAG_EMAIL",
        "REG_REGION_NOT_LIVE_REGION",
        "REG_REGION_NOT_WORK_REGION",
        "LIVE_REGION_NOT_WORK_REGION",
        "REG_CITY_NOT_LIVE_CITY",
        "REG_CITY_NOT_WORK_CITY",
        "LIVE_CITY_NOT_WORK_CITY",
    ):
        f.set(col, (rng.random(n) < marginal(T, col).mean).astype(np.int64))
    for k in range(2, 22):
        col = f"FLAG_DOCUMENT_{k}"
        f.set(col, (rng.random(n) < max(marginal(T, col).mean, 4e-5)).astype(np.int64))

    # -- external scores: noisy views of app_risk (high score = low risk) --
    for k in (1, 2, 3):
        col = f"EXT_SOURCE_{k}"
        z = signal.ext_loading * app_risk + np.sqrt(1 - signal.ext_loading**2) * rng.standard_normal(n)
        # The real test file has fewer missing scores than the train file.
        rate = np.where(is_train, marginal(T, col).null_rate, marginal("application_test", col).null_rate)
        f.set(col, _num(rng, col, normal_to_uniform(-z), n, rate))

    _building(f, rng, n)
    _social_circle(f, rng, n)
    _bureau_requests(f, rng, n)

    return Applicants(frame=f, is_train=is_train, app_risk=app_risk, behaviour=behaviour)


BUILDING_BASES = (
    "APARTMENTS",
    "BASEMENTAREA",
    "YEARS_BEGINEXPLUATATION",
    "YEARS_BUILD",
    "COMMONAREA",
    "ELEVATORS",
    "ENTRANCES",
    "FLOORSMAX",
    "FLOORSMIN",
    "LANDAREA",
    "LIVINGAPARTMENTS",
    "LIVINGAREA",
    "NONLIVINGAPARTMENTS",
    "NONLIVINGAREA",
)


def _building(f: Frame, rng: np.random.Generator, n: int) -> None:
    """The 47 building columns: one availability draw (nested NULLs), AVG/MODE/MEDI of one building agree."""
    known = rng.random(n)  # a column is NULL where known < its null rate: sparse columns nest in dense ones
    size = rng.standard_normal(n)
    for base in BUILDING_BASES:
        z = 0.6 * size + 0.8 * rng.standard_normal(n)
        for stat, noise in (("AVG", 0.0), ("MODE", 0.15), ("MEDI", 0.05)):
            col = f"{base}_{stat}"
            m = marginal(T, col)
            u = normal_to_uniform(z + noise * rng.standard_normal(n)) if noise else normal_to_uniform(z)
            f.set(col, np.where(known < m.null_rate, np.nan, np.round(from_quantiles(m, u), 4)))
    m = marginal(T, "TOTALAREA_MODE")
    f.set("TOTALAREA_MODE", np.where(known < m.null_rate, np.nan, np.round(from_quantiles(m, normal_to_uniform(size)), 4)))
    for col in ("FONDKAPREMONT_MODE", "HOUSETYPE_MODE", "WALLSMATERIAL_MODE", "EMERGENCYSTATE_MODE"):
        _cat(f, rng, col, n, null=known < marginal(T, col).null_rate)


def _social_circle(f: Frame, rng: np.random.Generator, n: int) -> None:
    null = rng.random(n) < marginal(T, "OBS_30_CNT_SOCIAL_CIRCLE").null_rate
    obs30 = np.round(from_quantiles(marginal(T, "OBS_30_CNT_SOCIAL_CIRCLE"), rng.random(n)))
    obs60 = np.maximum(obs30 - (rng.random(n) < 0.05), 0)
    def30 = rng.binomial(obs30.astype(np.int64), 0.1).astype(float)
    def60 = rng.binomial(def30.astype(np.int64), 0.7).astype(float)
    for col, v in (
        ("OBS_30_CNT_SOCIAL_CIRCLE", obs30),
        ("DEF_30_CNT_SOCIAL_CIRCLE", def30),
        ("OBS_60_CNT_SOCIAL_CIRCLE", obs60),
        ("DEF_60_CNT_SOCIAL_CIRCLE", def60),
    ):
        f.set(col, np.where(null, np.nan, v))


def _bureau_requests(f: Frame, rng: np.random.Generator, n: int) -> None:
    null = rng.random(n) < marginal(T, "AMT_REQ_CREDIT_BUREAU_YEAR").null_rate
    means = {"HOUR": 0.0066, "DAY": 0.0083, "WEEK": 0.037}
    for period, mean in means.items():
        f.set(f"AMT_REQ_CREDIT_BUREAU_{period}", np.where(null, np.nan, rng.poisson(mean, n).astype(float)))
    for period in ("MON", "QRT", "YEAR"):
        col = f"AMT_REQ_CREDIT_BUREAU_{period}"
        v = np.floor(from_quantiles(marginal(T, col), rng.random(n)) + 0.5 * rng.random(n))
        f.set(col, np.where(null, np.nan, v))
