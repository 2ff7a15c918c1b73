"""Credit history: bureau, bureau_balance, previous_application, POS_CASH_balance, installments_payments,
credit_card_balance.

Each client's `behaviour` (see applicants.py) drives what is written here: more overdue bureau credits
and late bureau_balance statuses, more refused applications, more late and short instalment payments,
higher card utilisation and more days past due. That is the signal SQL aggregations can recover.

Keys: a `core` per parent table holds the columns children need (ids, client, dates, terms) for all
rows; the wide tables are then produced chunk by chunk of parent rows, so memory stays bounded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.generator.frame import Frame
from pipeline.generator.marginals import (
    SENTINEL,
    draw_category,
    draw_codes,
    ensure_every_level,
    from_quantiles,
    marginal,
    sigmoid,
)

B, P = "bureau", "previous_application"
POS, CC = "POS_CASH_balance", "credit_card_balance"

BUREAU_ID_RANGE = (5000000, 6843457)
PREV_ID_RANGE = (1000001, 2845382)


@dataclass(frozen=True)
class HistoryShape:
    """How much history clients have; tuned so full scale lands on the real row counts (profile full_scale)."""

    bureau_client_share: float = 305811 / 356255
    bureau_per_client: float = 1716428 / 305811
    balance_share: float = 0.41  # bureau credits that have monthly bureau_balance rows
    pos_share: float = 0.7  # drawn loans that have monthly POS_CASH_balance rows
    prev_client_share: float = 338857 / 356255
    prev_per_client: float = 1670214 / 338857


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parent index and position within parent for `counts[i]` children of each parent i."""
    parent = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return parent, np.arange(len(parent)) - starts[parent]


def _counts(rng: np.random.Generator, n: int, share: float, mean: float) -> np.ndarray:
    has = rng.random(n) < share
    extra = rng.negative_binomial(1.3, 1.3 / (1.3 + mean - 1), n)  # 1 + NB(mean - 1), over-dispersed
    return np.where(has, 1 + extra, 0)


def _ids(rng: np.random.Generator, n: int, lo: int, hi: int, shuffle: bool) -> np.ndarray:
    """n distinct ids spread over [lo, hi] as in the real files (consecutive per client unless shuffled)."""
    rank = rng.permutation(n) if shuffle else np.arange(n)
    step = (hi - lo) / max(n, 1)
    return lo + np.floor(rank * max(step, 1.0)).astype(np.int64)


def _cat_by_prefix(
    rng, table: str, col: str, prefixes: np.ndarray, choices: dict[int, tuple[str, ...]]
) -> tuple[np.ndarray, tuple]:
    """Codes of `col` drawn only among the levels that fit each row's group (e.g. POS products for POS loans)."""
    m = marginal(table, col)
    codes = np.zeros(len(prefixes), dtype=np.int16)
    for group, starts in choices.items():
        rows = np.flatnonzero(prefixes == group)
        allowed = [lv for lv in m.levels if lv.startswith(starts)]
        idx = np.array([m.levels.index(lv) for lv in allowed])
        codes[rows] = idx[draw_codes(rng, m.shares_of(allowed), len(rows))]
    return codes, m.levels


# ------------------------------------------------------------------ bureau


@dataclass
class BureauCore:
    client: np.ndarray  # index into the applicants
    sk_id_bureau: np.ndarray
    days_credit: np.ndarray
    active: np.ndarray  # 0 closed, 1 active, 2 sold (CREDIT_ACTIVE levels order below)
    enddate_fact: np.ndarray  # NaN when not closed
    has_balance: np.ndarray


CREDIT_ACTIVE = ("Closed", "Active", "Sold")


def bureau_core(rng: np.random.Generator, n_clients: int, shape: HistoryShape) -> BureauCore:
    counts = _counts(rng, n_clients, shape.bureau_client_share, shape.bureau_per_client)
    order = rng.permutation(n_clients)  # ids are consecutive per client, clients in random order
    client = np.repeat(order, counts[order])
    n = len(client)
    days_credit = np.round(from_quantiles(marginal(B, "DAYS_CREDIT"), rng.random(n)))
    m = marginal(B, "CREDIT_ACTIVE")
    # Old credits are mostly closed: rank by age so the active share stays the real one.
    p_active = m.shares[m.levels.index("Active")]
    score = -days_credit / 3000 + rng.normal(0, 0.35, n)
    active = np.zeros(n, dtype=np.int16)
    active[np.argsort(score, kind="stable")[: int(round(p_active * n))]] = 1
    sold = rng.random(n) < m.shares[m.levels.index("Sold")]
    active[sold] = 2
    duration = np.exp(rng.normal(6.2, 0.8, n))
    fact = np.where(active == 0, np.minimum(0, np.round(days_credit + duration * rng.uniform(0.3, 1.0, n))), np.nan)
    fact = np.where(active == 0, np.maximum(fact, days_credit), np.nan)
    return BureauCore(
        client=client,
        sk_id_bureau=_ids(rng, n, *BUREAU_ID_RANGE, shuffle=False),
        days_credit=days_credit,
        active=active,
        enddate_fact=fact,
        has_balance=rng.random(n) < shape.balance_share,
    )


def bureau_frame(rng: np.random.Generator, core: BureauCore, rows: slice, behaviour: np.ndarray) -> Frame:
    client = core.client[rows]
    n = len(client)
    b = behaviour[client]
    f = Frame(n)
    f.set("SK_ID_CURR", client)  # replaced by the caller with SK_ID_CURR values
    f.set("SK_ID_BUREAU", core.sk_id_bureau[rows])
    active = core.active[rows]
    f.set_category("CREDIT_ACTIVE", active, CREDIT_ACTIVE)
    draw_category(f, rng, B, "CREDIT_CURRENCY", n)
    draw_category(f, rng, B, "CREDIT_TYPE", n)
    days_credit = core.days_credit[rows]
    f.set("DAYS_CREDIT", days_credit)
    fact = core.enddate_fact[rows]
    planned = np.round(days_credit + np.exp(rng.normal(6.4, 0.9, n)))
    planned = np.where(active == 0, np.minimum(planned, np.where(np.isnan(fact), 0, fact) + rng.integers(-60, 200, n)), planned)
    planned[rng.random(n) < marginal(B, "DAYS_CREDIT_ENDDATE").null_rate] = np.nan
    f.set("DAYS_CREDIT_ENDDATE", planned)
    f.set("DAYS_ENDDATE_FACT", fact)
    # Behaviour: overdue now (active credits), overdue once, prolonged.
    overdue_now = (active == 1) & (rng.random(n) < sigmoid(-5.6 + 1.5 * b))
    days_overdue = np.where(overdue_now, np.ceil(rng.exponential(40 + 60 * np.maximum(b, 0), n)), 0)
    f.set("CREDIT_DAY_OVERDUE", days_overdue.astype(np.int64))
    amount = np.round(from_quantiles(marginal(B, "AMT_CREDIT_SUM"), rng.random(n)) / 9) * 9
    f.set("AMT_CREDIT_SUM", amount)
    debt = np.where(active == 1, np.round(amount * rng.beta(2, 2, n), 3), 0.0)
    overdue_amount = np.where(overdue_now, np.round(np.maximum(debt, 1000) * rng.uniform(0.02, 0.3, n), 3), 0.0)
    had_overdue = overdue_now | (rng.random(n) < sigmoid(-3.4 + 1.4 * b))
    max_overdue = np.where(had_overdue, np.round(np.maximum(overdue_amount, rng.lognormal(8.5, 1.2, n)), 3), 0.0)
    max_overdue[rng.random(n) < marginal(B, "AMT_CREDIT_MAX_OVERDUE").null_rate] = np.nan
    f.set("AMT_CREDIT_MAX_OVERDUE", max_overdue)
    prolong = np.where(rng.random(n) < sigmoid(-6.2 + 1.1 * b), rng.integers(1, 3, n), 0)
    f.set("CNT_CREDIT_PROLONG", prolong.astype(np.int64))
    debt = np.where(rng.random(n) < marginal(B, "AMT_CREDIT_SUM_DEBT").null_rate, np.nan, debt)
    f.set("AMT_CREDIT_SUM_DEBT", debt)
    card = f.is_level("CREDIT_TYPE", "Credit card")
    limit = np.where(card & (active == 1), np.round(np.maximum(amount - np.nan_to_num(debt), 0), 3), 0.0)
    limit[rng.random(n) < marginal(B, "AMT_CREDIT_SUM_LIMIT").null_rate] = np.nan
    f.set("AMT_CREDIT_SUM_LIMIT", limit)
    f.set("AMT_CREDIT_SUM_OVERDUE", overdue_amount)
    end = np.where(np.isnan(fact), 0, fact)
    update = np.where(active == 1, -np.floor(rng.exponential(30, n)), np.round(end + rng.uniform(0, 1, n) * (0 - end) * 0.3))
    f.set("DAYS_CREDIT_UPDATE", np.maximum(update, days_credit).astype(np.int64))
    annuity = np.round(from_quantiles(marginal(B, "AMT_ANNUITY"), rng.random(n)), 1)
    annuity[rng.random(n) < marginal(B, "AMT_ANNUITY").null_rate] = np.nan
    f.set("AMT_ANNUITY", annuity)
    f.set("DAYS_CREDIT", days_credit.astype(np.int64))
    return f


BB_STATUS = ("C", "0", "X", "1", "5", "2", "3", "4")  # profile order


def bureau_balance_frame(rng: np.random.Generator, core: BureauCore, rows: slice, behaviour: np.ndarray) -> Frame:
    """Monthly statuses counting back from the application (0) to the month the credit was opened."""
    sel = np.flatnonzero(core.has_balance[rows]) + (rows.start or 0)
    months = np.minimum(np.floor(-core.days_credit[sel] / 30.4), 96).astype(np.int64) + 1
    parent, pos = _expand(months)
    n = len(parent)
    f = Frame(n)
    credit = sel[parent]
    f.set("SK_ID_BUREAU", core.sk_id_bureau[credit])
    f.set("_CLIENT", core.client[credit])  # for the truth's per-client summaries; not a Kaggle column
    f.set("MONTHS_BALANCE", -pos)
    closed_ago = np.floor(-np.nan_to_num(core.enddate_fact[credit], nan=1e9) / 30.4)
    b = behaviour[core.client[credit]]
    status = np.full(n, 1, dtype=np.int16)  # "0": open, paid on time
    status[pos < closed_ago] = 0  # "C": closed by then
    late = rng.random(n) < sigmoid(-6.1 + 1.9 * b)
    severity = np.array([3, 5, 6, 7, 4], dtype=np.int16)[
        draw_codes(rng, np.array([0.72, 0.08, 0.05, 0.02, 0.13]), n, ensure_all=False)
    ]
    open_month = status == 1
    status = np.where(late & open_month, severity, status)
    # Unknown months ("X"): whole stretches of some credits, more often long ago.
    x_credit = rng.random(len(sel)) < 0.35
    x_row = x_credit[parent] & (rng.random(n) < 0.35 + 0.5 * (pos / 96))
    status[x_row] = 2
    ensure_every_level(rng, status, len(BB_STATUS))  # every status occurs, as in the real file
    f.set_category("STATUS", status, BB_STATUS)
    return f


# ------------------------------------------------------------------ previous applications


@dataclass
class PreviousCore:
    client: np.ndarray
    sk_id_prev: np.ndarray
    kind: np.ndarray  # 0 consumer, 1 cash, 2 revolving (NAME_CONTRACT_TYPE order below)
    status: np.ndarray  # index into PREV_STATUS
    days_decision: np.ndarray
    cnt_payment: np.ndarray  # NaN when unknown
    amt_credit: np.ndarray
    amt_annuity: np.ndarray
    days_first_due: np.ndarray  # NaN when not approved; SENTINEL when never drawn


PREV_TYPES = ("Consumer loans", "Cash loans", "Revolving loans")
PREV_STATUS = ("Approved", "Canceled", "Refused", "Unused offer")


def previous_core(rng: np.random.Generator, n_clients: int, behaviour: np.ndarray, shape: HistoryShape) -> PreviousCore:
    counts = _counts(rng, n_clients, shape.prev_client_share, shape.prev_per_client)
    client = np.repeat(np.arange(n_clients), counts)
    n = len(client)
    b = behaviour[client]
    kind = draw_codes(rng, marginal(P, "NAME_CONTRACT_TYPE").shares_of(PREV_TYPES), n)
    ms = marginal(P, "NAME_CONTRACT_STATUS")
    p_refused = ms.shares[ms.levels.index("Refused")]
    # Refusals follow behaviour: find the intercept that keeps the real share.
    lo, hi = -10.0, 5.0
    for _ in range(50):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if sigmoid(mid + 1.1 * b).mean() > p_refused else (mid, hi)
    refused = rng.random(n) < sigmoid(lo + 1.1 * b)
    others = ["Approved", "Canceled", "Unused offer"]
    status = np.array([PREV_STATUS.index(s) for s in others], dtype=np.int16)[draw_codes(rng, ms.shares_of(others), n)]
    status[refused] = PREV_STATUS.index("Refused")
    days_decision = np.round(from_quantiles(marginal(P, "DAYS_DECISION"), rng.random(n)))
    terms = {0: ([6, 10, 12, 18, 24], [0.2, 0.25, 0.3, 0.1, 0.15]), 1: ([12, 24, 36, 48, 60], [0.3, 0.25, 0.25, 0.1, 0.1])}
    cnt = np.zeros(n)
    for k, (vals, p) in terms.items():
        rows = kind == k
        cnt[rows] = rng.choice(vals, int(rows.sum()), p=p)
    cnt[(status == PREV_STATUS.index("Canceled")) | (refused & (rng.random(n) < 0.2))] = np.nan
    amount = np.round(from_quantiles(marginal(P, "AMT_CREDIT"), 0.05 + 0.95 * rng.random(n)) / 4.5) * 4.5
    amount = np.where(kind == 2, np.round(amount / 22500) * 22500, amount)
    amount = np.maximum(amount, 0.0)
    rate = rng.uniform(0.01, 0.03, n)
    annuity = np.where(cnt > 0, amount * rate / (1 - (1 + rate) ** -np.where(cnt > 0, cnt, 1)), amount * 0.05)
    annuity = np.where(np.isnan(cnt), np.nan, np.round(annuity, 3))
    approved = status == 0
    first_due = np.where(approved, days_decision + rng.integers(10, 40, n), np.nan)
    first_due = np.where(approved & (kind == 2) & (rng.random(n) < 0.35), SENTINEL, first_due)
    return PreviousCore(
        client=client,
        sk_id_prev=_ids(rng, n, *PREV_ID_RANGE, shuffle=True),
        kind=kind,
        status=status,
        days_decision=days_decision,
        cnt_payment=np.where(kind == 2, 0.0, cnt),
        amt_credit=amount,
        amt_annuity=annuity,
        days_first_due=first_due,
    )


def previous_frame(rng: np.random.Generator, core: PreviousCore, rows: slice) -> Frame:
    kind, status = core.kind[rows], core.status[rows]
    n = len(kind)
    f = Frame(n)
    f.set("SK_ID_PREV", core.sk_id_prev[rows])
    f.set("SK_ID_CURR", core.client[rows])
    f.set_category("NAME_CONTRACT_TYPE", kind, PREV_TYPES)
    f.set_category("NAME_CONTRACT_STATUS", status, PREV_STATUS)
    approved, canceled, refused = status == 0, status == 1, status == 2
    credit = core.amt_credit[rows]
    canceled_zero = canceled & (rng.random(n) < 0.6)  # most canceled applications carry no amount
    credit = np.where(canceled_zero, 0.0, credit)
    application = np.where(rng.random(n) < 0.5, credit, np.round(credit / rng.uniform(1.0, 1.25, n) / 4.5) * 4.5)
    consumer = kind == 0
    down = np.where(consumer, np.round(application * np.where(rng.random(n) < 0.5, 0, rng.beta(1.2, 8, n)), 3), np.nan)
    f.set("AMT_ANNUITY", core.amt_annuity[rows])
    f.set("AMT_APPLICATION", application)
    f.set("AMT_CREDIT", credit)
    f.set("AMT_DOWN_PAYMENT", down)
    goods = np.where(np.isnan(core.cnt_payment[rows]), np.nan, application + np.nan_to_num(down))
    f.set("AMT_GOODS_PRICE", goods)
    f.set("RATE_DOWN_PAYMENT", np.where(np.isnan(down), np.nan, down / np.maximum(application + np.nan_to_num(down), 1)))
    f.set("NFLAG_LAST_APPL_IN_DAY", (rng.random(n) < 0.9967).astype(np.int64))
    draw_category(f, rng, P, "WEEKDAY_APPR_PROCESS_START", n)
    f.set(
        "HOUR_APPR_PROCESS_START",
        np.round(from_quantiles(marginal(P, "HOUR_APPR_PROCESS_START"), rng.random(n))).astype(np.int64),
    )
    draw_category(f, rng, P, "FLAG_LAST_APPL_PER_CONTRACT", n)
    for col in ("RATE_INTEREST_PRIMARY", "RATE_INTEREST_PRIVILEGED"):
        m = marginal(P, col)
        v = from_quantiles(m, rng.random(n))
        f.set(col, np.where(rng.random(n) < m.null_rate, np.nan, v))
    # Cash purposes only for cash loans; XAP for the others.
    purpose = marginal(P, "NAME_CASH_LOAN_PURPOSE")
    codes, _ = _cat_by_prefix(
        rng,
        P,
        "NAME_CASH_LOAN_PURPOSE",
        (kind == 1).astype(int),
        {0: ("XAP",), 1: tuple(lv for lv in purpose.levels if lv != "XAP")},
    )
    f.set_category("NAME_CASH_LOAN_PURPOSE", codes, purpose.levels)
    f.set("DAYS_DECISION", core.days_decision[rows].astype(np.int64))
    draw_category(f, rng, P, "NAME_PAYMENT_TYPE", n)
    reason = marginal(P, "CODE_REJECT_REASON")
    refusal = [lv for lv in reason.levels if lv not in ("XAP", "CLIENT")]
    rc = np.full(n, reason.levels.index("XAP"), dtype=np.int16)
    rc[refused] = np.array([reason.levels.index(lv) for lv in refusal])[
        draw_codes(rng, reason.shares_of(refusal), int(refused.sum()))
    ]
    rc[status == 3] = reason.levels.index("CLIENT")
    f.set_category("CODE_REJECT_REASON", rc, reason.levels)
    draw_category(f, rng, P, "NAME_TYPE_SUITE", n)
    draw_category(f, rng, P, "NAME_CLIENT_TYPE", n)
    goods_cat = marginal(P, "NAME_GOODS_CATEGORY")
    codes, _ = _cat_by_prefix(
        rng, P, "NAME_GOODS_CATEGORY", consumer.astype(int), {0: ("XNA",), 1: tuple(lv for lv in goods_cat.levels if lv != "XNA")}
    )
    f.set_category("NAME_GOODS_CATEGORY", codes, goods_cat.levels)
    portfolio = marginal(P, "NAME_PORTFOLIO").levels
    pf = np.select(
        [canceled, kind == 0, kind == 1, kind == 2],
        [portfolio.index("XNA"), portfolio.index("POS"), portfolio.index("Cash"), portfolio.index("Cards")],
    )
    pf = np.where(consumer & (rng.random(n) < 0.0005), portfolio.index("Cars"), pf).astype(np.int16)
    f.set_category("NAME_PORTFOLIO", pf, portfolio)
    draw_category(f, rng, P, "NAME_PRODUCT_TYPE", n)
    draw_category(f, rng, P, "CHANNEL_TYPE", n)
    area = np.round(from_quantiles(marginal(P, "SELLERPLACE_AREA"), rng.random(n)))
    f.set("SELLERPLACE_AREA", np.where(consumer, area, -1).astype(np.int64))
    draw_category(f, rng, P, "NAME_SELLER_INDUSTRY", n)
    f.set("CNT_PAYMENT", core.cnt_payment[rows])
    draw_category(f, rng, P, "NAME_YIELD_GROUP", n)
    combo = marginal(P, "PRODUCT_COMBINATION")
    codes, _ = _cat_by_prefix(rng, P, "PRODUCT_COMBINATION", kind.astype(int), {0: ("POS",), 1: ("Cash",), 2: ("Card",)})
    f.set_category("PRODUCT_COMBINATION", codes, combo.levels)
    # Dates of approved contracts: 365243 means "no such date (yet)".
    first_due = core.days_first_due[rows]
    cnt = np.nan_to_num(core.cnt_payment[rows])
    drawing = np.where(
        approved, np.where(rng.random(n) < 0.946, SENTINEL, core.days_decision[rows] + rng.integers(1, 20, n)), np.nan
    )
    last_1st = np.where(first_due == SENTINEL, SENTINEL, first_due + 30 * np.maximum(cnt - 1, 0))
    last_1st = np.where((kind == 2) & approved, SENTINEL, last_1st)
    # Many contracts end before their planned last due date (repaid early, card closed): real share of
    # 365243 in DAYS_LAST_DUE is about 20%.
    started = np.where(first_due == SENTINEL, core.days_decision[rows], first_due)
    early_end = np.round(started + (0 - started) * rng.uniform(0.2, 1.0, n))
    early = rng.random(n) < np.where(kind == 2, 0.4, 0.55)
    ended = (last_1st < 0) | early
    last_due = np.where(
        ended, np.minimum(np.where(last_1st < 0, last_1st, early_end), np.where(early, early_end, np.inf)), SENTINEL
    )
    last_due = np.where(approved, last_due, np.nan)
    termination = np.where(approved, np.where(ended, last_due + rng.integers(0, 10, n), SENTINEL), np.nan)
    f.set("DAYS_FIRST_DRAWING", drawing)
    f.set("DAYS_FIRST_DUE", first_due)
    f.set("DAYS_LAST_DUE_1ST_VERSION", np.where(approved, last_1st, np.nan))
    f.set("DAYS_LAST_DUE", last_due)
    f.set("DAYS_TERMINATION", termination)
    f.set("NFLAG_INSURED_ON_APPROVAL", np.where(approved, (rng.random(n) < 0.3).astype(float), np.nan))
    return f


def active_loans(core: PreviousCore) -> np.ndarray:
    """Approved instalment loans (consumer or cash) that were drawn: they have instalments (and POS months)."""
    return np.flatnonzero((core.status == 0) & (core.kind != 2) & (core.cnt_payment > 0) & (core.days_first_due < 0))


def pos_loans(rng: np.random.Generator, loans: np.ndarray, shape: HistoryShape) -> np.ndarray:
    """The drawn loans that have POS_CASH_balance months (not all of them do in the real files)."""
    return loans[rng.random(len(loans)) < shape.pos_share]


def cards(core: PreviousCore) -> np.ndarray:
    return np.flatnonzero((core.status == 0) & (core.kind == 2))


def pos_frame(rng: np.random.Generator, core: PreviousCore, loans: np.ndarray, behaviour: np.ndarray) -> Frame:
    """One row per month from the decision to the month before the application (at most 96 back)."""
    start = np.floor(core.days_decision[loans] / 30.4).astype(np.int64)  # negative month of the decision
    cnt = core.cnt_payment[loans].astype(np.int64)
    first = np.maximum(start, -96)
    last = np.minimum(start + cnt, -1)
    months = np.maximum(last - first + 1, 0)
    parent, pos = _expand(months)
    n = len(parent)
    loan = loans[parent]
    f = Frame(n)
    f.set("SK_ID_PREV", core.sk_id_prev[loan])
    f.set("SK_ID_CURR", core.client[loan])
    month = first[parent] + pos
    f.set("MONTHS_BALANCE", month)
    elapsed = month - start[parent]
    future = np.maximum(cnt[parent] - elapsed, 0).astype(float)
    instalments = cnt[parent].astype(float)
    null = rng.random(n) < 0.0027
    f.set("CNT_INSTALMENT", np.where(null, np.nan, instalments))
    f.set("CNT_INSTALMENT_FUTURE", np.where(null, np.nan, future))
    m = marginal(POS, "NAME_CONTRACT_STATUS")
    status = np.where(future == 0, m.levels.index("Completed"), m.levels.index("Active")).astype(np.int16)
    rare = rng.random(n) < 0.011
    status[rare] = draw_codes(rng, m.shares, int(rare.sum()))
    ensure_every_level(rng, status, len(m.levels))
    f.set_category("NAME_CONTRACT_STATUS", status, m.levels)
    b = behaviour[core.client[loan]]
    late = rng.random(n) < sigmoid(-5.0 + 1.8 * b)
    dpd = np.where(late, np.ceil(rng.exponential(15 + 40 * np.maximum(b, 0), n)), 0).astype(np.int64)
    f.set("SK_DPD", dpd)
    f.set("SK_DPD_DEF", np.where((dpd > 0) & (rng.random(n) < 0.15), np.minimum(dpd, rng.integers(1, 30, n)), 0))
    return f


def installments_frame(rng: np.random.Generator, core: PreviousCore, loans: np.ndarray, behaviour: np.ndarray) -> Frame:
    """Instalments due before the application; late and short payments follow behaviour; some are split."""
    first_due = core.days_first_due[loans]
    cnt = core.cnt_payment[loans].astype(np.int64)
    due_count = np.minimum(cnt, np.ceil(-first_due / 30.0).astype(np.int64))  # due dates before the application
    parent, number = _expand(np.maximum(due_count, 0))
    # Split payments: a second row for the same instalment (same number and due date).
    split = rng.random(len(parent)) < 0.07
    parent = np.concatenate([parent, parent[split]])
    number = np.concatenate([number, number[split]])
    second = np.concatenate([np.zeros(len(split), bool), np.ones(int(split.sum()), bool)])
    is_split = np.concatenate([split, np.ones(int(split.sum()), bool)])
    order = np.lexsort((second, number, parent))
    parent, number, second, is_split = parent[order], number[order], second[order], is_split[order]
    n = len(parent)
    loan = loans[parent]
    b = behaviour[core.client[loan]]
    f = Frame(n)
    f.set("SK_ID_PREV", core.sk_id_prev[loan])
    f.set("SK_ID_CURR", core.client[loan])
    version = draw_codes(rng, np.array([0.3, 0.58, 0.08, 0.02, 0.01, 0.01]), len(loans), ensure_all=False)
    f.set("NUM_INSTALMENT_VERSION", version[parent].astype(float))
    f.set("NUM_INSTALMENT_NUMBER", number + 1)
    due = first_due[parent] + 30 * number
    f.set("DAYS_INSTALMENT", due.astype(float))
    late = rng.random(n) < sigmoid(-3.3 + 1.5 * b)
    delay = np.where(late, np.ceil(rng.exponential(6 + 12 * np.maximum(b, 0), n)), -np.floor(rng.exponential(9, n)))
    delay = delay + np.where(second, rng.integers(1, 20, n), 0)
    entry = np.minimum(due + delay, -1)
    amount = np.round(core.amt_annuity[loan], 3)
    f.set("AMT_INSTALMENT", amount)
    short = rng.random(n) < sigmoid(-4.2 + 1.4 * b)
    share = np.where(is_split, np.where(second, 0.4, 0.6), 1.0)
    paid = np.round(amount * share * np.where(short, rng.uniform(0.1, 0.9, n), 1.0), 3)
    unpaid = rng.random(n) < 0.0001 * np.exp(np.minimum(b, 3))
    f.set("DAYS_ENTRY_PAYMENT", np.where(unpaid, np.nan, entry))
    f.set("AMT_PAYMENT", np.where(unpaid, np.nan, paid))
    return f


def card_frame(rng: np.random.Generator, core: PreviousCore, card_rows: np.ndarray, behaviour: np.ndarray) -> Frame:
    """Monthly card balances: utilisation and days past due follow behaviour; balances stay within limits most months."""
    start = np.maximum(np.floor(core.days_decision[card_rows] / 30.4).astype(np.int64), -96)
    months = -start
    parent, pos = _expand(months)
    n = len(parent)
    card = card_rows[parent]
    b_card = behaviour[core.client[card_rows]]
    b = b_card[parent]
    f = Frame(n)
    f.set("SK_ID_PREV", core.sk_id_prev[card])
    f.set("SK_ID_CURR", core.client[card])
    f.set("MONTHS_BALANCE", start[parent] + pos)
    limit = (
        np.round(from_quantiles(marginal(CC, "AMT_CREDIT_LIMIT_ACTUAL"), 0.3 + 0.7 * rng.random(len(card_rows))) / 22500) * 22500
    )
    limit = np.maximum(limit, 22500)[parent]
    used_card = rng.random(len(card_rows)) < sigmoid(-0.3 + 0.6 * b_card)
    level = sigmoid(-1.2 + 1.3 * b_card + rng.normal(0, 0.6, len(card_rows)))
    used = used_card[parent] & (rng.random(n) < 0.85)
    util = np.where(used, np.clip(level[parent] + rng.normal(0, 0.12, n), 0, 1.15), 0.0)
    balance = np.round(limit * util, 3)
    f.set("AMT_BALANCE", balance)
    f.set("AMT_CREDIT_LIMIT_ACTUAL", limit.astype(np.int64))
    active = used & (rng.random(n) < 0.6)
    atm = np.where(active & (rng.random(n) < 0.4), np.round(rng.uniform(0.02, 0.25, n) * limit / 450) * 450, 0.0)
    pos_amt = np.where(active, np.round(rng.exponential(0.05, n) * limit, 2), 0.0)
    other = np.where(active & (rng.random(n) < 0.005), np.round(rng.uniform(0.05, 0.3, n) * limit, 0), 0.0)
    no_detail = rng.random(n) < marginal(CC, "AMT_DRAWINGS_ATM_CURRENT").null_rate
    cnt_atm = np.where(atm > 0, rng.integers(1, 4, n), 0).astype(float)
    cnt_pos = np.where(pos_amt > 0, rng.integers(1, 12, n), 0).astype(float)
    cnt_other = (other > 0).astype(float)
    f.set("AMT_DRAWINGS_ATM_CURRENT", np.where(no_detail, np.nan, atm))
    f.set("AMT_DRAWINGS_CURRENT", atm + pos_amt + other)
    f.set("AMT_DRAWINGS_OTHER_CURRENT", np.where(no_detail, np.nan, other))
    f.set("AMT_DRAWINGS_POS_CURRENT", np.where(no_detail, np.nan, pos_amt))
    first_months = pos < 2
    min_reg = np.round(balance * 0.05, 3)
    f.set("AMT_INST_MIN_REGULARITY", np.where(first_months & (rng.random(n) < 0.7), np.nan, min_reg))
    pays = sigmoid(2.0 - 1.2 * b) > rng.random(n)
    payment = np.where(pays, np.round(np.maximum(min_reg, balance * rng.uniform(0.05, 0.6, n)), 3), 0.0)
    payment_null = (balance == 0) & (rng.random(n) < 0.32)
    f.set("AMT_PAYMENT_CURRENT", np.where(payment_null, np.nan, payment))
    f.set("AMT_PAYMENT_TOTAL_CURRENT", payment)
    principal = np.round(balance * 0.96, 3)
    f.set("AMT_RECEIVABLE_PRINCIPAL", principal)
    receivable = np.round(balance * 1.0 + np.where(balance > 0, rng.uniform(0, 500, n), 0), 3)
    f.set("AMT_RECIVABLE", receivable)
    f.set("AMT_TOTAL_RECEIVABLE", receivable)
    f.set("CNT_DRAWINGS_ATM_CURRENT", np.where(no_detail, np.nan, cnt_atm))
    f.set("CNT_DRAWINGS_CURRENT", (cnt_atm + cnt_pos + cnt_other).astype(np.int64))
    f.set("CNT_DRAWINGS_OTHER_CURRENT", np.where(no_detail, np.nan, cnt_other))
    f.set("CNT_DRAWINGS_POS_CURRENT", np.where(no_detail, np.nan, cnt_pos))
    f.set("CNT_INSTALMENT_MATURE_CUM", np.where(first_months & (rng.random(n) < 0.7), np.nan, pos.astype(float)))
    m = marginal(CC, "NAME_CONTRACT_STATUS")
    status = np.full(n, m.levels.index("Active"), dtype=np.int16)
    status[(pos == months[parent] - 1) & (rng.random(n) < 0.5) & ~used] = m.levels.index("Completed")
    rare = rng.random(n) < 0.003
    status[rare] = draw_codes(rng, m.shares, int(rare.sum()))
    ensure_every_level(rng, status, len(m.levels))
    f.set_category("NAME_CONTRACT_STATUS", status, m.levels)
    late = used & (rng.random(n) < sigmoid(-4.6 + 1.8 * b))
    dpd = np.where(late, np.ceil(rng.exponential(10 + 30 * np.maximum(b, 0), n)), 0).astype(np.int64)
    f.set("SK_DPD", dpd)
    f.set("SK_DPD_DEF", np.where((dpd > 0) & (rng.random(n) < 0.1), 1, 0).astype(np.int64))
    return f
