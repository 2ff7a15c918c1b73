"""The model card of a training run (models/<run_id>/model_card.md), written from the run's record alone
(run.json), so any run's card can be regenerated: data, features used and excluded, validation,
calibration, threshold and cost, fairness with its flags, the policy rules in force, known limitations."""

from __future__ import annotations

SECTIONS = (
    "Data",
    "Features",
    "Validation",
    "Calibration",
    "Threshold and cost",
    "Fairness",
    "Policy rules in force",
    "Known limitations",
)


def _pct(x) -> str:
    return "n/a" if x is None else f"{100 * x:.1f} %"


def _table(header: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return out


def render(record: dict) -> str:
    r, m, d = record, record["metrics"], record["data"]
    lo, hi = m.get("oof_auc_ci") or (None, None)
    costs, cost = r["costs"], r["cost_per_client"]
    lines = [
        f"# Model card: run {r['run_id']}",
        "",
        "LightGBM gradient-boosted trees predicting the probability that an applicant defaults (Home Credit data), "
        "calibrated, with a cost-based refusal threshold. Applications first go through the credit policy's hard rules.",
        "",
        "## Data",
        "",
        f"- Trained at {r['trained_at']} on the feature warehouse {d['features_db']}"
        + (f", built at {d['warehouse_built_at']}" if d.get("warehouse_built_at") else "")
        + ".",
        f"- {d['rows']:,} historical applications, {d['positives']:,} defaults ({_pct(d['positives'] / max(d['rows'], 1))}); "
        f"{d['new_applications']:,} new applications scored.",
        f"- Data fingerprint {d['fingerprint']} (same data, same fingerprint).",
        "",
        "## Features",
        "",
        f"- {len(r['features'])} features used (columns of client_features); the final model splits on "
        f"{len(r.get('row_features', []))} of them.",
    ]
    excluded = r.get("protected_features") or {}
    if excluded:
        by_attr: dict[str, list[str]] = {}
        for f, attr in excluded.items():
            by_attr.setdefault(attr, []).append(f)
        lines.append(
            f"- {len(excluded)} features excluded because they are or encode a protected attribute (US Equal Credit "
            "Opportunity Act / Regulation B; gender also in EU practice). They stay in the warehouse for the fairness "
            "report below, are never model inputs and so never reasons:"
        )
        lines += [f"  - {attr}: {', '.join(sorted(fs))}" for attr, fs in sorted(by_attr.items())]
        lines.append(
            "  - The household size (CNT_FAM_MEMBERS) counts as family status: family members minus children is 2 for "
            "a couple and 1 otherwise."
        )
    else:
        lines.append("- No feature excluded: the feature catalog names no protected feature.")
    top = r.get("top_features") or []
    if top:
        lines.append(f"- Most important (mean |SHAP|): {', '.join(top)}.")
    lines += [
        "",
        "## Validation",
        "",
        f"- {r['config']['folds']}-fold stratified cross-validation (seed {r['config']['seed']}), early stopping per fold; "
        f"final model {r['num_rounds']} rounds on all rows.",
        f"- Out-of-fold AUC {m['oof_auc']:.4f}"
        + (
            f", 95 % bootstrap interval {lo:.4f} to {hi:.4f} ({m.get('oof_auc_ci_resamples')} resamples)"
            if lo is not None
            else ""
        )
        + f"; per fold: {', '.join(f'{a:.4f}' for a in m['fold_auc'])}.",
        "- Baselines on the same folds: "
        + ", ".join(f"{k} AUC {b['auc']:.4f}" for k, b in sorted(r.get("baselines", {}).items()))
        + ".",
        "",
        "## Calibration",
        "",
        f"- Method: {r['calibration']['method']}, fitted on the out-of-fold probabilities. Brier score {m['brier']:.4f}.",
    ]
    rel = r.get("reliability") or []
    if rel:
        gap = max(abs(b["mean_predicted"] - b["observed_rate"]) for b in rel)
        lines.append(f"- Reliability over {len(rel)} bins: largest gap between predicted and observed default rate {_pct(gap)}.")
    lines += [
        "",
        "## Threshold and cost",
        "",
        f"- An application is refused when the calibrated probability of default is at least {r['threshold']:.3f}.",
        f"- Costs: an accepted defaulter costs {costs['fn']:g}, a refused good client {costs['fp']:g}; the threshold "
        "minimises the out-of-fold cost.",
        f"- Cost per client: model {cost['model']:.4f}, accepting everyone {cost['accept_all']:.4f}, "
        f"threshold 0.5 {cost['threshold_0_5']:.4f}.",
        "",
        "## Fairness",
        "",
        "Out-of-fold decisions of the model at the threshold, by group. A group is flagged when its approval rate is "
        "below 0.8 times the best group's (four-fifths rule) or its missed-default rate (defaulters accepted) exceeds "
        "the best group's by more than 5 percentage points. Groups under 100 applications (30 defaulters for the "
        "missed-default rate) are shown but neither flagged nor taken as the best group.",
        "",
    ]
    fair = r.get("fairness") or []
    lines += _table(
        ["attribute", "group", "applications", "approval", "missed defaults", "good refused", "flag"],
        [
            [
                f["attribute"],
                f["group"],
                f"{f['n']:,}",
                _pct(f["approval_rate"]),
                _pct(f["fnr"]),
                _pct(f["fpr"]),
                f.get("flag_reason") or "-",
            ]
            for f in fair
        ],
    )
    flagged = [f for f in fair if f.get("flagged")]
    lines += ["", f"{len(flagged)} group(s) flagged." if flagged else "No group flagged."]
    lines += ["", "## Policy rules in force", ""]
    policy = r.get("policy_rules") or []
    if policy:
        lines.append(
            "Hard rules of the warehouse's seed policy_rules, applied before the model: a rule that fires refuses "
            '("Refused by policy: <text>"). Share of applications each refuses:'
        )
        lines.append("")
        lines += _table(
            ["rule", "refused when", "condition", "historical", "new", "source"],
            [
                [p["rule_id"], p["text"], f"`{p['condition']}`", _pct(p["share_train"]), _pct(p["share_new"]), p["source"]]
                for p in policy
            ],
        )
    else:
        lines.append("No policy rules in the warehouse this model was trained on (built before the policy existed).")
    lines += [
        "",
        "## Known limitations",
        "",
        "- Trained on historical approved applications only: the applicants refused in the past have no outcome (reject inference is not done).",
        "- The protected attributes are out of the model, but other features may still correlate with them (age is a model input; "
        "the fairness table above shows the outcome by group).",
        "- The threshold rests on the assumed costs above; another cost ratio gives another threshold.",
        "- Validation is out-of-fold on the same period; no out-of-time test. Watch drift between historical and new applications.",
        "- Policy rules are applied after training: the model also learnt from applications a rule would refuse today.",
        "- Risk moves in a declared direction for the features where lenders know it (feature_catalog.risk_direction). "
        "The payment rate (annuity / credit) is declared 'lower is riskier' so that more credit for the same annuity "
        "never lowers the risk; on the real samples the term's effect is not clearly monotone, and the real data's "
        "out-of-fold AUC with and without the constraints has not been measured here (the data is not in this workplace).",
        "",
    ]
    return "\n".join(lines)
