"""The Python API of the app: one `ScoringService` the REST API and the dashboard both call.

Reads the published warehouse through `WarehouseReader` (read-only, a cursor per thread, follows
republication) and the model named by `models/CURRENT` (reloaded when it changes). Every method
returns plain JSON-serialisable dicts. Unknown clients raise `ClientNotFound` (404), invalid input
raises `InvalidField` (422).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import duckdb
import numpy as np
import pandas as pd

from kernel.errors import ClientNotFound, InvalidField, ScoringError
from kernel.jsonable import jsonable
from kernel.settings import Settings
from kernel.warehouse import WarehouseReader
from models_ml import counterfactual as counterfactual_mod
from models_ml import explain as explain_mod
from models_ml import neighbours as neighbours_mod
from models_ml import population as population_mod
from models_ml.calibration import Calibrator
from models_ml.decision import REFUSED, decide, is_refused, probability
from models_ml.reasons import FamilyMatrix
from models_ml.registry import MODEL_CARD, LoadedModel, ModelCache, run_dir
from models_ml.whatif import WhatIf
from service import reasons as reasons_mod
from service import wording as presentation

KINDS = {True: "historical client", False: "new application"}
PROFILE_FILTERS_EXCLUDED = {"sk_id_curr"}
T = TypeVar("T")
# Profile fields the comparison population can be filtered on (the dashboard's group filters).
GROUP_FILTERS = ("gender", "age_band", "income_type", "contract_type")


# PSI of one column between train and new applications, over train deciles (null is its own bin); shares
# below 0.01 % are floored so an empty bin does not make the logarithm infinite.
PSI_SQL = """
with v as (select is_train, cast("{column}" as double) as x from {table}),
edges as (select quantile_cont(x, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) as q from v where is_train),
binned as (select is_train, case when x is null then -1 else len(list_filter(q, e -> x > e)) end as bin from v, edges),
counts as (select bin, count(*) filter (where is_train) as a, count(*) filter (where not is_train) as b from binned group by bin),
totals as (select sum(a) as ta, sum(b) as tb from counts)
select sum((pa - pb) * ln(pa / pb)), max(ta), max(tb)
from (select greatest(a / ta, 1e-4) as pa, greatest(b / nullif(tb, 0), 1e-4) as pb, ta, tb from counts, totals)
"""
MAX_ID = 2**63 - 1  # SK_ID_CURR is a BIGINT
SUMMARY_CONTRIBUTIONS = 10  # contributions an explanation's plain-language summary chooses its reasons from


def id_prefix_ranges(prefix: str) -> list[tuple[int, int]]:
    """The id ranges whose decimal form starts with `prefix` (digits): p * 10^e .. (p + 1) * 10^e - 1
    for every count e of further digits, within BIGINT. None for a leading 0 (no id is written so)."""
    if not prefix or prefix.startswith("0"):
        return []
    p, ranges = int(prefix), []
    for extra in range(0, 20 - len(prefix)):
        lo, hi = p * 10**extra, (p + 1) * 10**extra - 1
        if lo > MAX_ID:
            break
        ranges.append((lo, min(hi, MAX_ID)))
    return ranges


def _policy_dict(rule_ids: list[str], texts: list[str]) -> dict:
    return {"refused": bool(rule_ids), "rules": [{"rule_id": r, "text": t} for r, t in zip(rule_ids, texts)]}


class PolicyVerdicts:
    """application_policy in memory, read once per publication (~0.1 s at full scale): every client's id and
    train flag, and the rules that refuse the few refused; a request then asks DuckDB one query, not three."""

    def __init__(self, cur: duckdb.DuckDBPyConnection) -> None:
        cols = cur.execute("select sk_id_curr, is_train from application_policy order by sk_id_curr").fetchnumpy()
        self.ids = np.asarray(cols["sk_id_curr"], dtype=np.int64)
        self.is_train = np.asarray(cols["is_train"], dtype=bool)
        self.refusals = {
            int(i): (list(rules), list(texts))
            for i, rules, texts in cur.execute(
                "select sk_id_curr, rules_fired, rule_texts from application_policy where refused_by_policy"
            ).fetchall()
        }

    def position(self, client_id: int) -> int | None:
        pos = int(np.searchsorted(self.ids, client_id))
        return pos if pos < len(self.ids) and self.ids[pos] == client_id else None

    def of(self, client_id: int) -> dict | None:
        """The verdict on the client's application, None for an unknown client."""
        if self.position(client_id) is None:
            return None
        return _policy_dict(*self.refusals.get(client_id, ([], [])))


def _raw_table(is_train: bool) -> str:
    """The client's application as ingested (raw.duckdb, attached as `raw`)."""
    return "raw.application_train" if is_train else "raw.application_test"


def _client_id(client_id) -> int:
    try:
        if isinstance(client_id, bool):
            raise ValueError
        if isinstance(client_id, int):
            return client_id
        text = str(client_id).strip()
        if not text.isascii():  # int() reads other scripts' digits ('٣٤' is 34): not an id as written
            raise ValueError
        return int(text)
    except (TypeError, ValueError):
        raise InvalidField(f"id: {client_id!r} is not a client id (a whole number)") from None


class ScoringService:
    def __init__(self, settings: Settings, policy_accepts: Callable[[pd.Series], bool] | None = None) -> None:
        """`policy_accepts(edited_application) -> bool`: the credit policy's verdict on an application (Kaggle
        columns), which a counterfactual must also pass; None: the model alone decides."""
        self.settings = settings
        self.policy_accepts = policy_accepts
        self.reader = WarehouseReader(settings)
        self.models = ModelCache(settings)
        self._calibrators: dict[str, Calibrator] = {}
        self._typicals: dict[str, reasons_mod.Typical] = {}
        self._row_idx: tuple[str, np.ndarray] | None = None
        self._published: dict[str, tuple[object, Any]] = {}  # see _per_publication
        self._index_lock = threading.Lock()
        self._index: tuple[str, neighbours_mod.NeighbourIndex] | None = None  # (run_id, index)

    # -- plumbing ---------------------------------------------------------------------------
    def _cur(self):
        return self.reader.cursor()

    def _model(self) -> tuple[LoadedModel, Calibrator]:
        model = self.models.current()
        cal = self._calibrators.get(model.run_id)
        if cal is None:
            cal = Calibrator.from_dict(model.record["calibration"])
            self._calibrators = {model.run_id: cal}
        return model, cal

    def _per_publication(self, key: str, compute: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """compute(cursor), once per publication of the warehouse files (the reader's stamp changes when
        a build or a training run publishes): what is read from the marts' structure stays cached."""
        hit = self._published.get(key)
        # A hit is checked against the stamp the last query saw (no stat of the files here: this runs a dozen
        # times per request); a republication is followed from the next query on.
        if hit is None or hit[0] != self.reader.stamp:
            cur = self._cur()
            hit = self._published[key] = (self.reader.stamp, compute(cur))
        return hit[1]

    def publication(self) -> tuple:
        """What is published now (the warehouse files and the model run): answers that depend on no client
        are the same while it is."""
        self._cur()  # follows a republication
        return (self.reader.stamp, self._model()[0].run_id)

    def _columns(self) -> dict[str, dict[str, str]]:
        """Column name -> type of client_features and client_profile."""

        def read(cur) -> dict[str, dict[str, str]]:
            sql = (
                "select column_name, data_type from information_schema.columns "
                "where table_catalog = current_database() and table_schema = 'main' and table_name = ? order by ordinal_position"
            )
            return {table: dict(cur.execute(sql, [table]).fetchall()) for table in ("client_features", "client_profile")}

        return self._per_publication("columns", read)

    def _catalog_and_labels(self) -> tuple[dict[str, presentation.FeatureInfo], dict[str, str]]:
        def read(cur):
            # by column name: a warehouse built before a catalog column existed still reads
            res = cur.execute("select * from feature_catalog")
            names = [d[0] for d in res.description]
            infos = {
                info.feature: info for info in (presentation.FeatureInfo.from_row(dict(zip(names, r))) for r in res.fetchall())
            }
            return infos, {f: presentation.label(info) for f, info in infos.items()}

        return self._per_publication("catalog", read)

    def catalog(self) -> dict[str, presentation.FeatureInfo]:
        """feature_catalog rows by feature (labels and value kinds come from here)."""
        return self._catalog_and_labels()[0]

    def _info(self, feature: str, label: str | None = None) -> presentation.FeatureInfo:
        return self.catalog().get(feature) or presentation.FeatureInfo(feature, label)

    def feature_labels(self) -> dict[str, str]:
        """Readable label of every feature of the published mart."""
        return self._catalog_and_labels()[1]

    def _model_tables_run(self) -> str | None:
        """Run id of the published model.duckdb."""

        def read(cur) -> str | None:
            try:
                run = cur.execute("select run_id from model.client_scores limit 1").fetchone()
            except Exception:  # no model tables published yet
                return None
            return run[0] if run else None

        return self._per_publication("model_tables_run", read)

    def _model_row(self, client_id: int, model: LoadedModel) -> tuple[bool, np.ndarray]:
        """The client's feature vector for the model. Fast path: one DOUBLE[] array of the features
        the trees use, from model.client_rows of the same run; otherwise the ~900 mart columns."""
        if self._model_tables_run() == model.run_id and "row_features" in model.record:
            cur = self._cur()
            try:  # the train flag from memory when the published policy knows the client (one query, not a join)
                verdicts = self._verdicts()
                pos = verdicts.position(client_id)
            except ScoringError:
                pos = None
            if pos is not None:
                row = cur.execute("select x from model.client_rows where sk_id_curr = ?", [client_id]).fetchone()
                row = None if row is None else (verdicts.is_train[pos], row[0])
            else:
                row = cur.execute(
                    "select s.is_train, r.x from model.client_rows r join model.client_scores s using (sk_id_curr) "
                    "where r.sk_id_curr = ?",
                    [client_id],
                ).fetchone()
            if row is not None:
                idx = self._row_index(model)
                x = np.full(len(model.features), np.nan)
                x[idx] = np.array(row[1], dtype=np.float64)
                return bool(row[0]), x
        return self._feature_row(client_id, model.features, model.run_id)

    def _row_index(self, model: LoadedModel) -> np.ndarray:
        cache = self._row_idx
        if cache is None or cache[0] != model.run_id:
            pos = {f: i for i, f in enumerate(model.features)}
            cache = (model.run_id, np.array([pos[f] for f in model.record["row_features"]], dtype=np.int64))
            self._row_idx = cache
        return cache[1]

    def _feature_row(self, client_id: int, features: list[str], run_id: str | None = None) -> tuple[bool, np.ndarray]:
        # A rebuild may change the feature columns before the model is retrained: say so (503), not a binder error (500).
        present = self._columns()["client_features"]
        if any(f not in present for f in features):
            raise ScoringError(f"model {run_id or '?'} was trained on another feature set; run scoring train")
        cols = ", ".join(f'cast("{f}" as double)' for f in features)
        row = self._cur().execute(f"select is_train, {cols} from client_features where sk_id_curr = ?", [client_id]).fetchone()
        if row is None:
            raise ClientNotFound(f"client {client_id}: not found")
        return bool(row[0]), np.array([np.nan if v is None else v for v in row[1:]], dtype=np.float64)

    def _score_row(self, model: LoadedModel, cal: Calibrator, x: np.ndarray) -> tuple[float, float]:
        raw = float(model.booster.predict(x.reshape(1, -1), raw_score=True)[0])
        return raw, float(cal.transform(probability(raw)))

    # -- clients ----------------------------------------------------------------------------
    def search_clients(self, query: str = "", limit: int = 10, offset: int = 0) -> dict:
        """Clients whose id starts with `query`, by id; integer ranges keep it instant at any size."""
        q = (query or "").strip()
        # ASCII digits only: str.isdigit() also accepts '²' (int() fails) and '٣٤' (int() reads 34).
        if q and not (q.isascii() and q.isdigit()):
            raise InvalidField(f"q: {query!r} is not an id prefix (digits only)")
        limit, offset = max(0, min(int(limit), 1000)), max(0, min(int(offset), MAX_ID))
        if q:
            ranges = id_prefix_ranges(q)
            where = " or ".join(f"sk_id_curr between {lo} and {hi}" for lo, hi in ranges) if ranges else "false"
        else:
            where = "true"
        cur = self._cur()
        # client_profile is a narrow table (client_features is a wide view): 13 ms at 356k clients.
        total = cur.execute(f"select count(*) from client_profile where {where}").fetchone()[0]
        rows = cur.execute(
            f"select sk_id_curr, is_train from client_profile where {where} order by sk_id_curr limit ? offset ?", [limit, offset]
        ).fetchall()
        return {
            "query": q,
            "total": int(total),
            "limit": limit,
            "offset": offset,
            "items": [{"sk_id_curr": int(i), "is_train": bool(t), "kind": KINDS[bool(t)]} for i, t in rows],
        }

    def client(self, client_id) -> dict:
        cid = _client_id(client_id)
        profile = self._record("select * from client_profile where sk_id_curr = ?", cid)
        if profile is None:
            raise ClientNotFound(f"client {cid}: not found")
        is_train = bool(profile["is_train"])
        try:
            application = self._record(f'select * from {_raw_table(is_train)} where "SK_ID_CURR" = ?', cid)
        except duckdb.Error:  # raw.duckdb not attached
            application = None
        return {
            "sk_id_curr": cid,
            "is_train": is_train,
            "kind": KINDS[is_train],
            "profile": {k: jsonable(v) for k, v in profile.items()},
            "application": {k: jsonable(v) for k, v in application.items()} if application is not None else None,
        }

    def _record(self, sql: str, cid: int) -> dict | None:
        """One row as a dict (a data frame of one row costs ~10 ms for the 122 application columns)."""
        res = self._cur().execute(sql, [cid])
        row = res.fetchone()
        return None if row is None else dict(zip((d[0] for d in res.description), row))

    def _raw_application(self, cid: int, is_train: bool) -> pd.DataFrame | None:
        table = _raw_table(is_train)
        try:
            df = self._cur().execute(f'select * from {table} where "SK_ID_CURR" = ?', [cid]).df()
        except Exception:  # raw.duckdb not attached
            return None
        return None if df.empty else df

    # -- policy -----------------------------------------------------------------------------
    def policy(self, client_id) -> dict:
        """The credit policy's verdict on the client's application, from the warehouse (application_policy)."""
        cid = _client_id(client_id)
        verdict = self._verdicts().of(cid)
        if verdict is None:
            raise ClientNotFound(f"client {cid}: not found")
        return verdict

    def _verdicts(self) -> PolicyVerdicts:
        try:
            return self._per_publication("policy", PolicyVerdicts)
        except duckdb.Error:  # a warehouse built before the policy existed
            raise ScoringError("application_policy: the warehouse has no credit policy; run `scoring build`") from None

    def _policy_of(self, application: pd.DataFrame) -> dict:
        """The same rules on an application in Kaggle's columns (the what-if's edited one)."""
        try:
            row = WhatIf(self._cur()).policy(application).iloc[0]
        except duckdb.Error:
            raise ScoringError("application_policy_of: the warehouse has no credit policy; run `scoring build`") from None
        return _policy_dict(list(row["rules_fired"]), list(row["rule_texts"]))

    def newest_application(self) -> int | None:
        """The highest id among new applications (the dashboard opens it), else the highest id of all."""
        row = (
            self._cur()
            .execute("select coalesce(max(sk_id_curr) filter (where not is_train), max(sk_id_curr)) from client_profile")
            .fetchone()
        )
        return None if row is None or row[0] is None else int(row[0])

    def nearest_ids(self, client_id, n: int = 5) -> list[int]:
        """The n existing ids closest to `client_id` (for an id that does not exist), nearest first."""
        cid = _client_id(client_id)
        rows = (
            self._cur()
            .execute(
                "(select sk_id_curr from client_profile where sk_id_curr < $id order by sk_id_curr desc limit $n) "
                "union all (select sk_id_curr from client_profile where sk_id_curr >= $id order by sk_id_curr limit $n)",
                {"id": cid, "n": int(n)},
            )
            .fetchall()
        )
        return sorted((int(r[0]) for r in rows), key=lambda i: (abs(i - cid), i))[:n]

    def client_summaries(self, ids: list[int]) -> dict[int, dict]:
        """Per id: kind, contract type, credit amount and the decision: the credit policy (application_policy),
        then the published score (model.client_scores) at the threshold."""
        ids = [int(i) for i in ids]
        if not ids:
            return {}
        where = f"p.sk_id_curr in ({', '.join(map(str, ids))})"
        try:
            rows = (
                self._cur()
                .execute(
                    "select p.sk_id_curr, p.is_train, p.contract_type, p.credit_amount, s.probability, ap.refused_by_policy "
                    "from client_profile p left join model.client_scores s using (sk_id_curr) "
                    f"left join application_policy ap using (sk_id_curr) where {where}"
                )
                .fetchall()
            )
        except duckdb.Error:  # no model tables published yet: no decision to show
            rows = (
                self._cur()
                .execute(
                    f"select sk_id_curr, is_train, contract_type, credit_amount, null, null from client_profile p where {where}"
                )
                .fetchall()
            )
        threshold = self._threshold()
        return {
            int(i): {
                "sk_id_curr": int(i),
                "kind": KINDS[bool(t)],
                "contract_type": contract,
                "credit_amount": jsonable(amount),
                "probability": jsonable(p),
                "decision": None if p is None or threshold is None else REFUSED if refused_by_policy else decide(p, threshold),
            }
            for i, t, contract, amount, p, refused_by_policy in rows
        }

    def _threshold(self) -> float | None:
        try:
            return self._model()[0].threshold
        except ScoringError:
            return None

    # -- model ------------------------------------------------------------------------------
    def score(self, client_id) -> dict:
        cid = _client_id(client_id)
        model, cal = self._model()
        is_train, x = self._model_row(cid, model)
        raw, p = self._score_row(model, cal, x)
        return self._score_dict(cid, is_train, model, raw, p, self.policy(cid))

    def _score_dict(self, cid: int, is_train: bool, model: LoadedModel, raw: float, p: float, policy: dict) -> dict:
        """`decision` is the final one: the policy first (a rule that fires refuses), then the model at the
        threshold; the model's own decision and probability are reported after the rule."""
        t = model.threshold
        model_decision = decide(p, t)
        return {
            "sk_id_curr": cid,
            "kind": KINDS[is_train],
            "probability": p,
            "raw_score": raw,
            "decision": REFUSED if policy["refused"] else model_decision,
            "decided_by": "policy" if policy["refused"] else "model",
            "model_decision": model_decision,
            "policy": policy,
            "threshold": t,
            "distance_to_threshold": p - t,
            "run_id": model.run_id,
        }

    def explanation(self, client_id, top: int = 10) -> dict:
        cid = _client_id(client_id)
        model, cal = self._model()
        is_train, x = self._model_row(cid, model)
        return self._explain_row(cid, is_train, model, cal, x, top, self.policy(cid))

    def _explain_row(
        self, cid: int, is_train: bool, model: LoadedModel, cal: Calibrator, x: np.ndarray, top: int, policy: dict
    ) -> dict:
        top = max(1, min(int(top), len(model.features)))
        # The summary reads the same leading contributions whatever `top` the caller lists.
        listed = max(top, SUMMARY_CONTRIBUTIONS)
        contrib = explain_mod.contributions(model.booster, x.reshape(1, -1))[0]
        exp = explain_mod.local_explanation(model.booster, model.features, self.feature_labels(), x, listed, contrib)
        p = float(cal.transform(probability(exp["raw_score"])))
        exp["reasons"] = self._reasons(cid, model, cal, x, contrib)
        exp.update(self._score_dict(cid, is_train, model, exp["raw_score"], p, policy))
        catalog = self.catalog()
        for c in exp["contributions"]:
            info = self._info(c["feature"], c["label"])
            c["value_text"] = presentation.value(info, c["value"])
            c["text"] = presentation.describe(info, c["value"])
        exp["summary"] = presentation.summary(exp["contributions"][:SUMMARY_CONTRIBUTIONS], catalog, p, model.threshold, policy)
        unlisted = exp["contributions"][top:]
        exp["contributions"] = exp["contributions"][:top]
        exp["rest"] = {
            "count": exp["rest"]["count"] + len(unlisted),
            "contribution": exp["rest"]["contribution"] + sum(c["contribution"] for c in unlisted),
        }
        exp["decision_text"] = presentation.decision_sentence(p, model.threshold, policy)
        exp["units"] = "log-odds of default (positive raises the risk)"
        return exp

    def _reasons(self, cid: int, model: LoadedModel, cal: Calibrator, x: np.ndarray, contrib: np.ndarray) -> list[dict]:
        """At most four principal reasons of the decision, in words and percentage points (service/reasons.py)."""
        catalog = self.catalog()
        return reasons_mod.client_reasons(
            cid, contrib, x, self._family_matrix(model), catalog, cal, model.threshold, self._typical(model)
        )

    def _family_matrix(self, model: LoadedModel) -> FamilyMatrix:
        """Which family each of the model's features adds up to, once per model and publication of the catalog."""
        matrices = self._per_publication("family_matrix", lambda cur: {})
        matrix = matrices.get(model.run_id)
        if matrix is None:
            matrix = matrices[model.run_id] = FamilyMatrix.of(model.features, {f: i.family for f, i in self.catalog().items()})
        return matrix

    def _typical(self, model: LoadedModel) -> reasons_mod.Typical:
        """Quartiles and mean of the features the trees use over the train clients: from the run's record, or
        read from the mart once per publication for a run recorded without them."""
        if "typical_values" in model.record:
            hit = self._typicals.get(model.run_id)
            if hit is None:
                hit = {f: (tuple(q), m) for f, (q, m) in model.record["typical_values"].items()}
                self._typicals = {model.run_id: hit}
            return hit
        present = self._columns()["client_features"]
        used = [f for f in model.record.get("row_features") or model.features if f in present]
        return self._per_publication("typical", lambda cur: reasons_mod.typical_values(cur, used))

    def neighbors(self, client_id, k: int | None = None) -> dict:
        cid = _client_id(client_id)
        model, _ = self._model()
        k = int(k or model.record["config"]["k_neighbours"])
        if not 1 <= k <= 500:
            raise InvalidField(f"k: {k} is out of range (1-500)")
        try:
            index = self._neighbour_index()
        except duckdb.Error:
            raise ScoringError(f"{self.settings.model_db}: model tables not published; run `scoring train` first") from None
        if index.position(cid) is None:
            raise ClientNotFound(f"client {cid}: not found")
        items = index.nearest(cid, k)
        return {"sk_id_curr": cid, "k": k, "features": model.record["neighbour_space"]["features"], "neighbors": items}

    def warm(self, explanation: bool = False) -> None:
        """Load what a first request would otherwise wait for: the neighbour index (1-2 s at full scale) and, with
        `explanation`, the model, the policy's verdicts and the catalog (one explanation: 4.8 s at full scale; the
        dashboard's own warm-up already runs one); nothing when no model is published yet. app.py calls it in a
        background thread at start, with `explanation` in each of `scoring api`'s workers."""
        try:
            newest = self.newest_application() if explanation else None
            if newest is not None:
                self.explanation(newest)
            self._neighbour_index()
        except (duckdb.Error, ScoringError, OSError):
            pass  # no warehouse or model yet: the first request says so

    def _neighbour_index(self) -> neighbours_mod.NeighbourIndex:
        """The KD-tree over model.client_vectors, built once per trained model (1-2 s at full scale; a
        publication of features alone keeps it), by one thread while the others wait for it."""
        model, _ = self._model()
        with self._index_lock:
            if self._index is None or self._index[0] != model.run_id:
                self._index = (model.run_id, neighbours_mod.NeighbourIndex.read(self._cur(), "model.client_vectors"))
            return self._index[1]

    def population(
        self,
        features: list[str],
        population: str = "all",
        filters: dict | None = None,
        client_id=None,
        sample: int = 5000,
    ) -> dict:
        cols = self._columns()
        chosen: list[tuple[str, str]] = []
        for f in features or []:
            if f in cols["client_features"] and f not in ("sk_id_curr", "is_train", "target"):
                chosen.append((f, f'f."{f}"'))
            elif (
                f in cols["client_profile"]
                and f not in ("sk_id_curr", "is_train", "target")
                and not cols["client_profile"][f].startswith("VARCHAR")
            ):
                chosen.append((f, f'p."{f}"'))
            else:
                raise InvalidField(f"features: unknown numeric feature {f!r}")
        if not chosen:
            raise InvalidField("features: choose at least one feature")
        sample = max(1, min(int(sample), 50_000))
        params: dict = {}
        where = ["true"]
        cid = _client_id(client_id) if client_id is not None else None
        if population == "all":
            where.append("f.is_train")
        elif population == "group":
            where.append("f.is_train")
            for i, (name, value) in enumerate((filters or {}).items()):
                if name not in cols["client_profile"] or name in PROFILE_FILTERS_EXCLUDED:
                    raise InvalidField(f"filters: unknown profile field {name!r}")
                values = value if isinstance(value, (list, tuple)) else [value]
                keys = []
                for j, v in enumerate(values):
                    params[f"f{i}_{j}"] = v
                    keys.append(f"$f{i}_{j}")
                where.append(f'p."{name}" in ({", ".join(keys)})')
        elif population == "similar":
            if cid is None:
                raise InvalidField("client_id: required for the similar-clients population")
            ids = [n["sk_id_curr"] for n in self.neighbors(cid)["neighbors"]]
            where.append(f"f.sk_id_curr in ({', '.join(str(int(i)) for i in ids) or 'null'})")
        else:
            raise InvalidField(f"population: {population!r} is not one of all, group, similar")
        cur = self._cur()
        if population == "all":  # the same figures for every client: computed once per publication
            everyone = self._per_publication(f"all clients {sample}", lambda cur: population_mod.AllClients(sample))
            out = everyone.figures(cur, chosen)
        else:
            out = population_mod.run_population(cur, chosen, " and ".join(where), params, sample)
        out.update({"population": population, "filters": filters or {}, "features": [n for n, _ in chosen]})
        if cid is not None:
            out["client"] = {"sk_id_curr": cid, "values": self._client_values(cid, chosen)}
        return out

    def _client_values(self, cid: int, chosen: list[tuple[str, str]]) -> dict:
        """The client's values of the compared columns: the features the trees use from the model's row of the
        client (what the explanation shows), the profile's from client_profile, only the others from the
        client_features view (whose planning alone costs ~0.1 s: it joins every per-client table)."""
        found: dict[str, float | None] = {}
        try:
            model = self._model()[0]
            used = set(model.record.get("row_features") or []) if self._model_tables_run() == model.run_id else set()
        except ScoringError:  # no model: every value from the marts
            model, used = None, set()
        from_row = [n for n, c in chosen if c.startswith("f.") and n in used]
        if from_row:
            _, x = self._model_row(cid, model)
            position = {f: i for i, f in enumerate(model.features)}
            found.update({n: jsonable(float(x[position[n]])) for n in from_row})
        rest = [(n, c) for n, c in chosen if n not in found]
        if rest or not found:  # also tells an unknown client
            sel = ", ".join(f"cast({c} as double)" for _, c in rest) or "1"
            source = (
                "client_features f join client_profile p using (sk_id_curr)"
                if any(c.startswith("f.") for _, c in rest)
                else "client_profile p"
            )
            row = self._cur().execute(f"select {sel} from {source} where p.sk_id_curr = ?", [cid]).fetchone()
            if row is None:
                raise ClientNotFound(f"client {cid}: not found")
            found.update({n: jsonable(v) for (n, _), v in zip(rest, row)})
        return {n: found[n] for n, _ in chosen}

    def model_info(self) -> dict:
        model, _ = self._model()
        r = model.record
        cur = self._cur()
        tables = {}
        for name in ("roc_curve", "threshold_curve", "calibration", "fairness"):
            try:  # the tables keep every run: this run's rows, without the key
                df = cur.execute(f"select * exclude (run_id) from model.{name} where run_id = ?", [model.run_id]).df()
                tables[name] = [{k: jsonable(v) for k, v in row.items()} for row in df.to_dict("records")]
            except Exception:
                tables[name] = []
        return {
            "run_id": model.run_id,
            "trained_at": r["trained_at"],
            "rows": r["data"]["rows"],
            "n_features": len(r["features"]),
            "metrics": r["metrics"],
            "threshold": r["threshold"],
            "costs": r["costs"],
            "cost_per_client": r["cost_per_client"],
            "baselines": r["baselines"],
            "calibration_method": r["calibration"]["method"],
            "num_rounds": r["num_rounds"],
            "config": r["config"],
            **tables,
        }

    def model_card(self) -> dict:
        """The model card of the run in service (models/<run_id>/model_card.md, written by training)."""
        model, _ = self._model()
        path = run_dir(self.settings, model.run_id) / MODEL_CARD
        try:
            text = path.read_text()
        except FileNotFoundError:
            raise ScoringError(
                f"model {model.run_id} has no model card (trained before cards existed); run `scoring train`"
            ) from None
        return {"run_id": model.run_id, "markdown": text}

    def importance(self, limit: int | None = None) -> list[dict]:
        model, _ = self._model()
        sql = "select feature, label, mean_abs_shap, rank from model.global_importance where run_id = ? order by rank"
        if limit:
            sql += f" limit {int(limit)}"
        rows = self._cur().execute(sql, [model.run_id]).fetchall()
        return [
            {"feature": f, "label": presentation.label(self._info(f, lbl)), "mean_abs_shap": float(v), "rank": int(r)}
            for f, lbl, v, r in rows
        ]

    def comparable_features(self, limit: int = 20) -> list[dict]:
        """The model's most important features that the published mart still has (a rebuild may drop some)."""
        present = self._columns()["client_features"]
        return [r for r in self.importance() if r["feature"] in present][:limit]

    def population_filters(self) -> dict[str, list[str]]:
        """Levels of each group filter in the published profile mart (re-read after a rebuild)."""
        present = self._columns()["client_profile"]

        def read(cur) -> dict[str, list[str]]:
            sql = 'select distinct "{f}" from client_profile where "{f}" is not null order by 1'
            return {f: [v for (v,) in cur.execute(sql.format(f=f)).fetchall()] for f in GROUP_FILTERS if f in present}

        return self._per_publication("population_filters", read)

    def feature_families(self) -> dict[str, str]:
        """feature -> family, when feature_catalog has a `family` column (else empty)."""

        def read(cur) -> dict[str, str]:
            try:
                return {f: fam for f, fam in cur.execute("select feature, family from feature_catalog").fetchall() if fam}
            except duckdb.Error:
                return {}

        return self._per_publication("families", read)

    def neighbour_table(self, client_id, features: list[str]) -> dict:
        """The client's nearest neighbours with their outcome, probability and the values of `features`."""
        found = self.neighbors(client_id)
        ids = [n["sk_id_curr"] for n in found["neighbors"]]
        values = {}
        if ids and features:
            pop = self.population(features, population="similar", client_id=client_id, sample=len(ids))
            values = {r["sk_id_curr"]: r for r in pop["rows"]}
        rows = [{**n, "values": {f: (values.get(n["sk_id_curr"]) or {}).get(f) for f in features}} for n in found["neighbors"]]
        return {"sk_id_curr": found["sk_id_curr"], "features": list(features), "neighbors": rows}

    def drift(self, top: int = 5) -> dict:
        """Population stability (PSI) between the training clients and the new applications, for the score
        and the `top` most important features: from the warehouse's feature_drift mart when published,
        else computed here over train deciles (a missing value is a bin of its own)."""

        def read(cur) -> dict:
            present = self._columns()["client_features"]
            wanted = ["score"] + [r["feature"] for r in self.importance() if r["feature"] in present][:top]
            try:
                df = cur.execute(
                    "select feature, psi, band, train_rows as n_train, new_rows as n_new from feature_drift where psi is not null"
                ).df()
                found = {r["feature"]: {k: jsonable(v) for k, v in r.items()} for r in df.to_dict("records")}
                return {"source": "feature_drift", "rows": [found[f] for f in wanted if f in found]}
            except duckdb.Error:  # no feature_drift mart (no model when the warehouse was built)
                pass
            targets = [("model.client_scores", "probability", "score")]
            targets += [("client_features", f, f) for f in wanted[1:]]
            rows = []
            for table, column, name in targets:
                try:
                    psi, n_train, n_new = cur.execute(PSI_SQL.format(table=table, column=column)).fetchone()
                except duckdb.Error:  # no model tables yet
                    continue
                rows.append({"feature": name, "psi": jsonable(psi), "n_train": int(n_train or 0), "n_new": int(n_new or 0)})
            return {"source": "computed", "rows": rows}

        out = self._per_publication("drift", read)
        labels = self.feature_labels()
        rows = [
            {
                **r,
                "label": "Score (probability of default)" if r["feature"] == "score" else labels.get(r["feature"], r["feature"]),
            }
            for r in out["rows"]
        ]
        return {"source": out["source"], "rows": rows}

    def what_if(self, client_id, changes: dict) -> dict:
        """Score and explain the client as is and with the edited application fields."""
        cid = _client_id(client_id)
        model, cal = self._model()
        is_train, x = self._model_row(cid, model)
        raw_app = self._raw_application(cid, is_train)
        if raw_app is None:
            raise ClientNotFound(f"client {cid}: no raw application row")
        # Only the features the trees use can move the score (x holds exactly those when read from
        # client_rows); the other columns stay as they are.
        used = set(model.record.get("row_features") or model.features)
        what_if = WhatIf(self._cur())
        edited_app, applied = what_if.edit(raw_app, changes)
        edited_x = what_if.features_of(edited_app, model.features, x, only=used)
        current = self._explain_row(cid, is_train, model, cal, x, 10, self.policy(cid))
        edited = self._explain_row(cid, is_train, model, cal, edited_x, 10, self._policy_of(edited_app))
        moved = [
            {
                "feature": f,
                "before": jsonable(a),
                "after": jsonable(b),
                "label": presentation.label(info := self._info(f)),
                "before_text": presentation.value(info, jsonable(a)),
                "after_text": presentation.value(info, jsonable(b)),
            }
            for f, a, b in zip(model.features, x, edited_x)
            if not (np.isnan(a) and np.isnan(b)) and a != b
        ]
        return {
            "sk_id_curr": cid,
            "changes": applied,
            "current": current,
            "edited": edited,
            "changed_features": moved,
            "probability_change": edited["probability"] - current["probability"],
        }

    def _policy_passes(self, what_if: WhatIf, raw_app: pd.DataFrame, application: dict, plan: list) -> np.ndarray:
        """Per candidate change, whether the credit policy accepts the edited application: `policy_accepts` when
        given, else the warehouse's rules (application_policy_of) on every candidate in one query."""
        if self.policy_accepts is not None:
            return np.array([self.policy_accepts(pd.Series(application | c.changes)) for c in plan], dtype=bool)
        edited = what_if.edited_applications(raw_app, [c.changes for c in plan])
        edited["SK_ID_CURR"] = np.arange(len(plan), dtype=np.int64)  # the candidate, to put the verdicts in order
        try:
            verdicts = what_if.policy(edited).sort_values("sk_id_curr", kind="mergesort")
        except duckdb.Error:  # a warehouse built before the policy existed: the model alone decides
            return np.ones(len(plan), dtype=bool)
        return ~verdicts["refused_by_policy"].to_numpy(dtype=bool)

    def counterfactual(self, client_id) -> dict:
        """For a refused application, the smallest change of the loan (credit, annuity and term, goods price) that
        gets it accepted, or a clear "no change within these limits" (models_ml/counterfactual.py)."""
        cid = _client_id(client_id)
        model, cal = self._model()
        is_train, x = self._model_row(cid, model)
        _, p = self._score_row(model, cal, x)
        # the final decision: the credit policy first, then the model
        decision = REFUSED if self.policy(cid)["refused"] else decide(p, model.threshold)
        out = {"sk_id_curr": cid, "probability": p, "threshold": model.threshold, "decision": decision}
        if out["decision"] != REFUSED:
            return out | {"found": False, "change": None, "sentence": presentation.counterfactual_sentence(None, out)}
        raw_app = self._raw_application(cid, is_train)
        if raw_app is None:
            raise ClientNotFound(f"client {cid}: no raw application row")
        application = raw_app.iloc[0].to_dict()
        plan = counterfactual_mod.candidates(application)
        accepted = np.zeros(len(plan), dtype=bool)
        if plan:
            used = set(model.record.get("row_features") or model.features)
            what_if = WhatIf(self._cur())
            X = what_if.edited_rows(raw_app, [c.changes for c in plan], model.features, x, only=used)
            probabilities = cal.transform(probability(model.booster.predict(X, raw_score=True)))
            accepted = ~is_refused(probabilities, model.threshold) & self._policy_passes(what_if, raw_app, application, plan)
        best = counterfactual_mod.smallest(plan, accepted)
        change = None
        if best is not None:
            c = plan[best]
            change = {
                "lever": c.lever,
                "changes": c.changes,
                "before": {k: jsonable(application.get(k)) for k in c.changes},
                "size": c.size,
                "probability": float(probabilities[best]),
            }
        out |= {"found": change is not None, "change": change, "candidates_scored": len(plan)}
        return out | {"sentence": presentation.counterfactual_sentence(change, out)}

    def health(self) -> dict:
        def built(path):
            try:
                return datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat()
            except FileNotFoundError:
                return None

        s = self.settings
        out = {
            "warehouse": {"path": str(s.features_db), "built_at": built(s.features_db)},
            "model_tables": {"path": str(s.model_db), "built_at": built(s.model_db)},
        }
        try:
            model, _ = self._model()
            out["model"] = {"run_id": model.run_id, "trained_at": model.record["trained_at"]}
        except ScoringError as exc:
            out["model"] = {"run_id": None, "error": str(exc)}
        out["status"] = "ok" if out["warehouse"]["built_at"] and out["model"].get("run_id") else "degraded"
        return out
