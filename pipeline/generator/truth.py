"""The true probability of default: a scorecard over what the written files show.

Latent risks (applicants.py) decide how records are generated; the truth is not a function of them
but of the observed record, as in a world where the record is what drives risk:

    logit(true PD) = intercept + application score + history score

- application score: the EXT_SOURCE values as written (on a normal-score scale, a missing score
  adds nothing), the profile's default rate by level of nine categories (shrunk for rare levels:
  the profile's rates come from a 14k-row sample), age, years employed, region rating;
- history score: per-client summaries of the side-table rows actually written for the client
  (`History`, accumulated chunk by chunk while they are generated), the kind of aggregate the SQL
  features compute: share of instalments paid late or short and days past due, refused share of
  previous applications, overdue bureau credits and days, months past due in bureau_balance, worst
  POS and card days past due, card utilisation. A client with no history gets only the small term
  its absence implies.
- affordability (part of the application score): risk rises with the annuity over the income and
  with the credit above the goods price, the two effects lenders see. Sizes from the real samples
  (real_random1500 + real_head199 application_train, 1,697 rows, 9.3 % defaults; homecredit_profile.json
  has quintiles of single columns only, which show no affordability effect): by quintile of
  AMT_ANNUITY / AMT_INCOME_TOTAL the default rate goes 6.8 % (median ratio ~0.08) to 13.5 % (~0.30), a
  log-odds slope of ~3.4 per unit of the ratio; AMT_CREDIT / AMT_GOODS_PRICE at most 1.08 defaults at
  7.7 %, above 1.145 at 12.5 %, ~2.3 per unit of the ratio above 1. The credit weight is what the sample
  shows; the annuity weight is under half the raw slope: part of it is selection (lower incomes), and
  the generated ratio is more spread than the real one (quintile bounds 0.06/0.11/0.18/0.32 against
  0.11/0.15/0.19/0.24), so the full slope would overstate the effect and lift the oracle AUC out of its band.
Every term is smooth and monotone in its input; the intercept is calibrated to the real default rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.generator.frame import Frame
from pipeline.generator.marginals import marginal, sigmoid

T = "application_train"
BASE_RATE = 0.0807  # the real train default rate
PROFILE_ROWS = 14_000  # rows behind the profile's default rate by level
LEVEL_COLUMNS = (
    "NAME_CONTRACT_TYPE",
    "CODE_GENDER",
    "FLAG_OWN_CAR",
    "NAME_INCOME_TYPE",
    "NAME_EDUCATION_TYPE",
    "NAME_FAMILY_STATUS",
    "NAME_HOUSING_TYPE",
    "OCCUPATION_TYPE",
    "ORGANIZATION_TYPE",
)


@dataclass(frozen=True)
class Scorecard:
    """Logit weights; tuned for an oracle AUC near 0.84 and a clear side-table gap."""

    ext: tuple[float, float, float] = (0.36, 0.4, 0.44)  # per normal score of EXT_SOURCE_1/2/3 (high = safe)
    level_weight: float = 0.64  # share of the profile's log-odds by level taken as a causal effect
    level_shrink: float = 100.0  # pseudo-rows pulling a rare level's effect towards 0
    age: float = 0.18  # per 4,400 days younger
    tenure: float = 0.14  # per unit of log days employed
    rating: float = 0.2  # per region rating step
    annuity_income: float = 1.5  # per unit of AMT_ANNUITY / AMT_INCOME_TOTAL
    credit_over_goods: float = 2.3  # per unit of AMT_CREDIT / AMT_GOODS_PRICE above 1 (0 when the price is unknown)
    # history
    inst_late_share: float = 1.8
    inst_short_share: float = 1.2
    inst_dpd_mean: float = 0.2  # per log1p(mean days past due)
    prev_refused_share: float = 1.0
    bureau_day_overdue: float = 0.24  # per log1p(max CREDIT_DAY_OVERDUE)
    bureau_max_overdue: float = 0.05  # per log1p(max AMT_CREDIT_MAX_OVERDUE)
    bb_dpd_months: float = 0.32  # per log1p(months with status 1-5)
    pos_dpd: float = 0.16  # per log1p(max SK_DPD)
    card_util: float = 1.0  # per unit of mean utilisation above 0.3
    card_dpd: float = 0.16  # per log1p(max SK_DPD)
    no_bureau: float = 0.12
    no_previous: float = 0.16


class History:
    """Per-client summaries of the side-table rows, accumulated from each generated chunk.

    Frames arrive with client indices (0..n-1) in SK_ID_CURR (bureau_balance: in _CLIENT), before
    the ids are written; numpy only (bincount / maximum.at), so the cost stays small at full scale.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        z = lambda: np.zeros(n)  # noqa: E731
        self.bureau_n, self.bureau_day_overdue_max, self.bureau_max_overdue_max = z(), z(), z()
        self.bb_dpd_months = z()
        self.prev_n, self.prev_refused = z(), z()
        self.inst_n, self.inst_late, self.inst_short, self.inst_dpd_sum, self.inst_paid_n = z(), z(), z(), z(), z()
        self.pos_dpd_max = z()
        self.card_n, self.card_util_sum, self.card_dpd_max = z(), z(), z()

    def _count(self, client: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(client, weights=weights, minlength=self.n)

    def add_bureau(self, f: Frame) -> None:
        c = f.data["SK_ID_CURR"]
        self.bureau_n += self._count(c)
        np.maximum.at(self.bureau_day_overdue_max, c, f.data["CREDIT_DAY_OVERDUE"].astype(float))
        np.maximum.at(self.bureau_max_overdue_max, c, np.nan_to_num(f.data["AMT_CREDIT_MAX_OVERDUE"]))

    def add_bureau_balance(self, f: Frame) -> None:
        late = np.isin(f.data["STATUS"], [3, 4, 5, 6, 7])  # "1".."5" in BB_STATUS order
        self.bb_dpd_months += self._count(f.data["_CLIENT"], late.astype(float))

    def add_previous(self, f: Frame) -> None:
        c = f.data["SK_ID_CURR"]
        self.prev_n += self._count(c)
        self.prev_refused += self._count(c, f.is_level("NAME_CONTRACT_STATUS", "Refused").astype(float))

    def add_installments(self, f: Frame) -> None:
        """Per instalment, as the SQL does: split payments add up, late if the last one came after the due date."""
        prev, number = f.data["SK_ID_PREV"], f.data["NUM_INSTALMENT_NUMBER"]
        if len(prev) == 0:
            return
        starts = np.flatnonzero(np.r_[True, (prev[1:] != prev[:-1]) | (number[1:] != number[:-1])])
        client = f.data["SK_ID_CURR"][starts]
        due = f.data["DAYS_INSTALMENT"][starts]
        amount = f.data["AMT_INSTALMENT"][starts]
        entry = np.maximum.reduceat(np.nan_to_num(f.data["DAYS_ENTRY_PAYMENT"], nan=-np.inf), starts)
        paid = np.add.reduceat(np.nan_to_num(f.data["AMT_PAYMENT"]), starts)
        has_payment = np.isfinite(entry)
        dpd = np.where(has_payment, np.maximum(entry - due, 0), 0.0)
        self.inst_n += self._count(client)
        self.inst_late += self._count(client, (dpd > 0).astype(float))
        self.inst_short += self._count(client, (paid < 0.99 * amount).astype(float))  # rounding of split parts is not short
        self.inst_dpd_sum += self._count(client, dpd)
        self.inst_paid_n += self._count(client, has_payment.astype(float))

    def add_pos(self, f: Frame) -> None:
        np.maximum.at(self.pos_dpd_max, f.data["SK_ID_CURR"], f.data["SK_DPD"].astype(float))

    def add_cards(self, f: Frame) -> None:
        c = f.data["SK_ID_CURR"]
        self.card_n += self._count(c)
        self.card_util_sum += self._count(c, f.data["AMT_BALANCE"] / f.data["AMT_CREDIT_LIMIT_ACTUAL"])
        np.maximum.at(self.card_dpd_max, c, f.data["SK_DPD"].astype(float))


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    return np.divide(part, whole, out=np.zeros_like(part), where=whole > 0)


def history_score(h: History, card: Scorecard) -> np.ndarray:
    has_inst, has_card = h.inst_n > 0, h.card_n > 0
    return (
        card.inst_late_share * _share(h.inst_late, h.inst_n)
        + card.inst_short_share * _share(h.inst_short, h.inst_n)
        + card.inst_dpd_mean * np.log1p(_share(h.inst_dpd_sum, h.inst_paid_n)) * has_inst
        + card.prev_refused_share * _share(h.prev_refused, h.prev_n)
        + card.bureau_day_overdue * np.log1p(h.bureau_day_overdue_max)
        + card.bureau_max_overdue * np.log1p(h.bureau_max_overdue_max)
        + card.bb_dpd_months * np.log1p(h.bb_dpd_months)
        + card.pos_dpd * np.log1p(h.pos_dpd_max)
        + card.card_util * np.where(has_card, _share(h.card_util_sum, h.card_n) - 0.3, 0.0)
        + card.card_dpd * np.log1p(h.card_dpd_max)
        + card.no_bureau * (h.bureau_n == 0)
        + card.no_previous * (h.prev_n == 0)
    )


def _logit(p: np.ndarray | float) -> np.ndarray | float:
    return np.log(p / (1 - p))


def _level_effect(f: Frame, col: str, card: Scorecard) -> np.ndarray:
    m = marginal(T, col)
    rates = m.target_rate_by_level
    effect = []
    for lv in f.levels[col]:
        if lv not in rates or lv not in m.levels:
            effect.append(0.0)
            continue
        rows = m.shares[m.levels.index(lv)] * PROFILE_ROWS
        effect.append((_logit(rates[lv]) - _logit(BASE_RATE)) * rows / (rows + card.level_shrink))
    return np.array(effect + [0.0])[f.data[col]]


def ext_normal_score(f: Frame, col: str) -> np.ndarray:
    """A written EXT_SOURCE value on a normal-score scale (its profile quantile, probit-like); NaN stays NaN."""
    m = marginal(T, col)
    u = np.clip(np.interp(f.data[col], m.knots_q, m.knots_p), 0.005, 0.995)
    return _logit(u) / 1.7  # the logistic quantile scaled to the normal one


def application_score(f: Frame, card: Scorecard) -> np.ndarray:
    days_birth, emp = f.data["DAYS_BIRTH"], f.data["DAYS_EMPLOYED"]
    working = emp < 0  # 365243 for pensioners and the unemployed
    tenure = np.where(working, (np.log1p(-np.minimum(emp, -1)) - 7.0) / 1.1, 0.0)
    ext = sum(-w * np.nan_to_num(ext_normal_score(f, f"EXT_SOURCE_{k}")) for k, w in zip((1, 2, 3), card.ext))
    credit, goods = f.data["AMT_CREDIT"], f.data["AMT_GOODS_PRICE"]
    over_goods = np.maximum(_share(credit, np.nan_to_num(goods)) - 1.0, 0.0)  # an unknown price gives 0
    return (
        ext
        + card.annuity_income * _share(f.data["AMT_ANNUITY"], f.data["AMT_INCOME_TOTAL"])
        + card.credit_over_goods * over_goods
        + card.level_weight * sum(_level_effect(f, c, card) for c in LEVEL_COLUMNS)
        + card.age * (days_birth + 16000) / 4400  # younger (less negative) = riskier
        - card.tenure * tenure
        + card.rating * (f.data["REGION_RATING_CLIENT"] - 2)
    )


def calibrate_intercept(z: np.ndarray, rate: float = BASE_RATE) -> float:
    lo, hi = -15.0, 5.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if sigmoid(mid + z).mean() > rate:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


@dataclass
class Truth:
    app_score: np.ndarray
    history_score: np.ndarray
    true_pd: np.ndarray


def truth(f: Frame, h: History, is_train: np.ndarray, card: Scorecard) -> Truth:
    app, hist = application_score(f, card), history_score(h, card)
    z = app + hist
    return Truth(app_score=app, history_score=hist, true_pd=sigmoid(calibrate_intercept(z[is_train]) + z))
