"""The embedded default data set: synthetic Kaggle Home Credit files with a known truth.

`generate(out, scale, seed, fmt)` writes the 8 data files, sample_submission and truth/true_pd.csv
into a hidden sibling of `out`, then renames it to `out`; `is_complete(out)` checks the marker
written last. Same seed and scale give the same bytes.

How the truth is defined: two latent risks per client (applicants.py) shape the records (EXT_SOURCE
scores, late payments, refusals, overdue credits...), but the true probability of default is a
scorecard over the values actually written (truth.py): the application columns as written plus
per-client summaries of the side-table rows generated for the client, accumulated chunk by chunk.
So the side tables are generated first, then TARGET ~ Bernoulli(true PD), then the application files.
truth/true_pd.csv holds TRUE_PD, its application and history parts of the logit, and the latent risks.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from kernel.errors import ScoringError
from kernel.kaggle_schema import FILES, SUBMISSION, KaggleFile
from kernel.progress import Progress, log
from kernel.warehouse import sql_literal
from pipeline.generator import history as h
from pipeline.generator.applicants import Applicants, Signal, make_applicants
from pipeline.generator.frame import Frame
from pipeline.generator.marginals import full_scale
from pipeline.generator.truth import History, Scorecard, Truth
from pipeline.generator.truth import truth as score_truth

MARKER = "_GENERATED.json"
GENERATOR_VERSION = 2
ID_RANGE = (100001, 456255)  # SK_ID_CURR of the real train and test files
MAX_SCALE = 20.0  # 1.2 G raw rows: past what one machine's disk holds as CSV


@dataclass(frozen=True)
class Plan:
    """What to generate: sizes from the scale, streams from the seed."""

    scale: float
    seed: int
    fmt: str
    n_train: int
    n_test: int

    @classmethod
    def of(cls, scale: str | float, seed: int, fmt: str) -> Plan:
        fraction = {"small": 0.1, "full": 1.0}.get(scale, scale) if isinstance(scale, str) else scale
        try:
            fraction = float(fraction)
        except (TypeError, ValueError):
            raise ScoringError(
                f"--scale: expected small, full or a positive number (1 = the Kaggle files' size), got {scale!r}"
            ) from None
        if not 0 < fraction <= MAX_SCALE:
            raise ScoringError(f"--scale: must be above 0 and at most {MAX_SCALE:g} (times the Kaggle files' size), got {scale}")
        if fmt not in ("csv", "parquet"):
            raise ScoringError(f"--format: expected csv or parquet, got {fmt!r}")
        sizes = full_scale()
        n_train = max(100, round(sizes["application_train"]["rows"] * fraction))
        n_test = max(20, round(sizes["application_test"]["rows"] * fraction))
        return cls(fraction, seed, fmt, n_train, n_test)

    def rng(self, *stream: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, *stream])


def is_complete(out: Path) -> bool:
    """True if `out` holds a finished generated data set (the marker is written last)."""
    marker = Path(out) / MARKER
    if not marker.is_file():
        return False
    try:
        files = json.loads(marker.read_text())["files"]
    except (ValueError, KeyError):
        return False
    return all((Path(out) / name).is_file() for name in files)


def generate(out: Path, scale: str | float = "small", seed: int = 42, fmt: str = "csv") -> None:
    out = Path(out).absolute()
    plan = Plan.of(scale, seed, fmt)
    if out.exists() and not is_complete(out) and any(out.iterdir()):
        raise ScoringError(f"{out}: exists and is not a generated data set; choose an empty or new directory")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.mkdir()
    try:
        summary = _write_all(tmp, plan)
        (tmp / MARKER).write_text(json.dumps(summary, indent=1) + "\n")
        if out.exists():
            old = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.old")
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    rows = sum(summary["rows"].values())
    log(
        f"generate: {rows:,} rows in {len(summary['rows'])} files into {out} "
        f"(scale {plan.scale:g}, seed {seed}, {fmt}; train default rate {summary['train_target_rate']:.4f}, "
        f"oracle AUC {summary['oracle_auc']:.3f})"
    )


# ------------------------------------------------------------------ orchestration


def _write_all(dest: Path, plan: Plan) -> dict:
    n = plan.n_train + plan.n_test
    rng = plan.rng(0)
    ids = _client_ids(rng, n)
    is_train = np.zeros(n, dtype=bool)
    is_train[rng.choice(n, size=plan.n_train, replace=False)] = True
    apps = make_applicants(plan.rng(1), ids, is_train, Signal())
    shape = h.HistoryShape()
    bureau = h.bureau_core(plan.rng(2), n, shape)
    prev = h.previous_core(plan.rng(3), n, apps.behaviour, shape)
    loans, cards = h.active_loans(prev), h.cards(prev)
    pos_loans = h.pos_loans(plan.rng(4), loans, shape)
    b = apps.behaviour

    # The side tables first: the truth scores what they show, so TARGET is drawn after them.
    writer = _Writer(dest, plan.fmt)
    seen = History(n)
    writer.write(
        FILES["bureau"],
        _chunks(plan, 10, len(bureau.client), 400_000, lambda r, s: h.bureau_frame(r, bureau, s, b), ids, seen.add_bureau),
    )
    writer.write(
        FILES["bureau_balance"],
        _chunks(
            plan,
            11,
            len(bureau.client),
            50_000,
            lambda r, s: h.bureau_balance_frame(r, bureau, s, b),
            ids,
            seen.add_bureau_balance,
        ),
    )
    writer.write(
        FILES["previous_application"],
        _chunks(plan, 12, len(prev.client), 150_000, lambda r, s: h.previous_frame(r, prev, s), ids, seen.add_previous),
    )
    writer.write(
        FILES["POS_CASH_balance"],
        _chunks(plan, 13, len(pos_loans), 80_000, lambda r, s: h.pos_frame(r, prev, pos_loans[s], b), ids, seen.add_pos),
    )
    writer.write(
        FILES["installments_payments"],
        _chunks(
            plan, 14, len(loans), 60_000, lambda r, s: h.installments_frame(r, prev, loans[s], b), ids, seen.add_installments
        ),
    )
    writer.write(
        FILES["credit_card_balance"],
        _chunks(plan, 15, len(cards), 25_000, lambda r, s: h.card_frame(r, prev, cards[s], b), ids, seen.add_cards),
    )

    truth = score_truth(apps.frame, seen, is_train, Scorecard())
    apps.frame.set("TARGET", (plan.rng(5).random(n) < truth.true_pd).astype(np.int64))
    writer.write(FILES["application_train"], [_subset(apps.frame, is_train)])
    test = _subset(apps.frame, ~is_train)
    writer.write(FILES["application_test"], [test])
    writer.write(SUBMISSION, [_submission(test)])
    truth_rows = _write_truth(dest, ids, apps, truth)
    train_y = apps.frame.data["TARGET"][is_train]
    from sklearn.metrics import roc_auc_score

    return {
        "generator_version": GENERATOR_VERSION,
        "scale": plan.scale,
        "seed": plan.seed,
        "format": plan.fmt,
        "rows": writer.rows | {"truth/true_pd.csv": truth_rows},
        "files": list(writer.rows) + ["truth/true_pd.csv"],
        "train_target_rate": float(train_y.mean()),
        "oracle_auc": float(roc_auc_score(train_y, truth.true_pd[is_train])),
    }


def _client_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """SK_ID_CURR: a sample of the real files' id range; past the real size (scale > 1) every id of the range
    and then new ones above it, in sequence, as a lender's later applications would be numbered."""
    first, last = ID_RANGE
    if n <= last - first + 1:
        return np.sort(rng.choice(np.arange(first, last + 1), size=n, replace=False))
    return np.arange(first, first + n, dtype=np.int64)


def _subset(frame: Frame, rows: np.ndarray) -> Frame:
    out = Frame(int(rows.sum()))
    out.data = {k: v[rows] for k, v in frame.data.items()}
    out.levels = dict(frame.levels)
    return out


def _submission(test: Frame) -> Frame:
    f = Frame(test.n)
    f.set("SK_ID_CURR", test.data["SK_ID_CURR"])
    f.set("TARGET", np.full(test.n, 0.5))
    return f


def _chunks(
    plan: Plan,
    stream: int,
    n_parents: int,
    per_chunk: int,
    make: Callable[[np.random.Generator, slice], Frame],
    ids: np.ndarray,
    observe: Callable[[Frame], None],
) -> Iterator[Frame]:
    """Frames for consecutive slices of parent rows, each from its own random stream (reproducible);
    `observe` sees each frame with client indices, before they become SK_ID_CURR values."""
    for k, start in enumerate(range(0, max(n_parents, 1), per_chunk)):
        frame = make(plan.rng(stream, k), slice(start, min(start + per_chunk, n_parents)))
        observe(frame)
        if "SK_ID_CURR" in frame.data:
            frame.data["SK_ID_CURR"] = ids[frame.data["SK_ID_CURR"]]
        yield frame


def _write_truth(dest: Path, ids: np.ndarray, apps: Applicants, truth: Truth) -> int:
    (dest / "truth").mkdir()
    table = pa.table(
        {
            "SK_ID_CURR": ids,
            "TRUE_PD": truth.true_pd,
            "IS_TRAIN": apps.is_train.astype(np.int64),
            "TARGET": apps.frame.data["TARGET"],
            "APP_LOGIT": truth.app_score,  # application part of the logit (intercept excluded)
            "HISTORY_LOGIT": truth.history_score,  # side-table part of the logit
            "APP_RISK": apps.app_risk,  # the latent risks that shaped the records (not the truth)
            "BEHAVIOUR": apps.behaviour,
        }
    )
    con = duckdb.connect()
    con.register("truth", table)
    con.execute(f"COPY truth TO {sql_literal(str(dest / 'truth' / 'true_pd.csv'))} (HEADER, DELIMITER ',')")
    con.close()
    return len(ids)


class _Writer:
    """Streams frames into one CSV (or Parquet) file per Kaggle file through DuckDB's COPY."""

    def __init__(self, dest: Path, fmt: str) -> None:
        self.dest = dest
        self.fmt = fmt
        self.rows: dict[str, int] = {}
        self.con = duckdb.connect(config={"threads": 2, "preserve_insertion_order": True})
        self.con.execute("SET enable_progress_bar = false")

    def write(self, spec: KaggleFile, frames) -> None:
        name = f"{spec.name}.{self.fmt}"
        progress = Progress(f"generate {name}")
        count = 0

        def batches() -> Iterator[pa.RecordBatch]:
            nonlocal count
            for frame in frames:
                batch = frame.to_arrow(spec)
                count += batch.num_rows
                progress.advance(batch.num_rows)
                yield batch

        gen = batches()
        head = next(gen)  # the schema comes from the first batch; DuckDB pulls the rest as it writes
        reader = pa.RecordBatchReader.from_batches(head.schema, _prepend(head, gen))
        self.con.register("frame", reader)
        select = ", ".join(
            f'CAST("{c.name}" AS VARCHAR) AS "{c.name}"' if c.sql_type == "VARCHAR" else f'"{c.name}"' for c in spec.columns
        )
        target = self.dest / name
        options = "(FORMAT parquet)" if self.fmt == "parquet" else "(HEADER, DELIMITER ',')"
        self.con.execute(f"COPY (SELECT {select} FROM frame) TO {sql_literal(str(target))} {options}")
        self.con.unregister("frame")
        self.rows[name] = count
        progress.done()


def _prepend(head, rest):
    yield head
    yield from rest
