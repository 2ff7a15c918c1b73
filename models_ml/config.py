"""Every number that decides something about a training run, in one typed place.

The whole `TrainConfig` is written into the run record (`run.json` and `model_runs`), so a run can
be explained and repeated from its record alone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace


@dataclass(frozen=True)
class Costs:
    """Business cost of a wrong decision, per client."""

    fn: float = 10.0  # a defaulter we accepted
    fp: float = 1.0  # a good client we refused


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 42
    folds: int = 5
    costs: Costs = field(default_factory=Costs)

    # LightGBM. Conservative settings that hold on 30k and 300k rows and on small real samples:
    # slow learning rate, shallow trees (default risk is close to additive in its drivers; measured
    # on generated `small`: 7 leaves 0.802-0.803 OOF AUC, 15 leaves 0.800, 31 leaves 0.798), strong
    # column subsampling (~930 correlated mart columns) and L2 regularisation.
    learning_rate: float = 0.05
    num_leaves: int = 7
    max_depth: int = -1
    # min_child_samples grows with the data: rows * fraction, within [min, max].
    min_child_fraction: float = 0.002
    min_child_samples_min: int = 20
    min_child_samples_max: int = 200
    feature_fraction: float = 0.2
    bagging_fraction: float = 0.8
    bagging_freq: int = 1
    reg_lambda: float = 10.0
    reg_alpha: float = 0.0
    min_split_gain: float = 0.0
    max_bin: int = 255
    max_rounds: int = 2000
    early_stopping_rounds: int = 100
    num_threads: int = 2
    # Class imbalance: positives are weighted by (negatives / positives) ** power. 0.5 is a deliberate
    # compromise: the trees look harder at defaulters without the full re-weighting that degrades
    # ranking; isotonic calibration on out-of-fold scores then restores honest probabilities.
    pos_weight_power: float = 0.5
    # Monotone constraints from feature_catalog.risk_direction: the risk never moves against the declared
    # direction of a feature (e.g. more credit for the same income and goods never lowers it). LightGBM's
    # "intermediate" method loses less AUC than "basic" for the same guarantee.
    monotone: bool = True
    monotone_method: str = "intermediate"

    # Calibration and threshold
    calibration: str = "isotonic"  # or "platt"
    threshold_grid_step: float = 0.001
    reliability_bins: int = 10
    auc_bootstrap_resamples: int = 200  # for the out-of-fold AUC's 95 % interval

    # Explanations and neighbours
    shap_sample_rows: int = 20_000
    n_neighbour_features: int = 16
    k_neighbours: int = 20

    # Logistic baseline: the first mart column matching each pattern (regex, searched in order).
    baseline_feature_patterns: tuple[str, ...] = (
        r"^app_ext_source_1$",
        r"^app_ext_source_2$",
        r"^app_ext_source_3$",
        r"^app_(age_years|years_birth|days_birth|age)$",
        r"^app_credit_(to_)?income(_ratio)?$",
        r"^app_annuity_(to_)?income(_ratio)?$",
        r"^app_(credit_to_annuity(_ratio)?|annuity_to_credit(_ratio)?|payment_rate)$",
        r"^app_(employment_years|years_employed|days_employed)$",
    )

    def lgb_params(self, rows: int, positives: int, directions: list[int] | None = None) -> dict:
        """LightGBM's parameters; `directions` (one +1/-1/0 per feature, in feature order) become monotone
        constraints when `monotone` is on and any is non-zero."""
        negatives = max(rows - positives, 1)
        min_child = int(min(max(rows * self.min_child_fraction, self.min_child_samples_min), self.min_child_samples_max))
        return {
            "objective": "binary",
            "metric": "auc",
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "max_depth": self.max_depth,
            "min_child_samples": min_child,
            "feature_fraction": self.feature_fraction,
            "bagging_fraction": self.bagging_fraction,
            "bagging_freq": self.bagging_freq,
            "lambda_l2": self.reg_lambda,
            "lambda_l1": self.reg_alpha,
            "min_gain_to_split": self.min_split_gain,
            "max_bin": self.max_bin,
            "scale_pos_weight": round((negatives / max(positives, 1)) ** self.pos_weight_power, 6),
            "num_threads": self.num_threads,
            "seed": self.seed,
            "deterministic": True,
            "force_col_wise": True,
            "verbosity": -1,
        } | self._monotone_params(directions)

    def _monotone_params(self, directions: list[int] | None) -> dict:
        if not self.monotone or not directions or not any(directions):
            return {}
        return {"monotone_constraints": [int(d) for d in directions], "monotone_constraints_method": self.monotone_method}

    def with_seed(self, seed: int | None) -> TrainConfig:
        return self if seed is None else replace(self, seed=seed)

    def to_dict(self) -> dict:
        return asdict(self)
