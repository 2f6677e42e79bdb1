"""Refit the rule extractor's ``score``: logistic weights on train, Platt calibration on dev.

    python corpus/fit_score.py            # fit, write the weights, report on test
    python corpus/fit_score.py --check    # report the shipped weights on test, write nothing

A proposal is *kept* when a gold event of its type has an overlapping trigger and the same
modality: what a reviewer would accept without editing the event's kind. The report gives the
AUROC of score for kept against wrong proposals on the frozen test split and a reliability
table (mean predicted score and observed kept rate per decile of score).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from eventcoder.core.atomic import atomic_writer
from eventcoder.core.scoring import match, same_type, triggers
from eventcoder.extractors import ExtractorContext
from eventcoder.extractors.rules.extractor import RuleExtractor
from eventcoder.extractors.rules.score import WEIGHTS, Scorer
from eventcoder.pipeline.nlp import load_pipeline
from eventcoder.plugins import get_registry

HERE = Path(__file__).parent
L2 = 10.0
#: Features seen fewer times than this in train get no weight of their own.
MIN_COUNT = 2


def proposals(rules: RuleExtractor, nlp, path: Path) -> list[tuple[list[str], int]]:
    """(feature names, kept 0/1) for every rule proposal on the records of ``path``."""
    records = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    found = []
    for record, doc in zip(records, nlp.pipe(r["text"] for r in records)):
        pairs = rules.proposals(doc)
        preds = [event.model_dump() for event, _ in pairs]
        gold = record["events"]
        matched = dict(match(triggers(preds), triggers(gold), same_type))
        for i, (event, names) in enumerate(pairs):
            kept = i in matched and gold[matched[i]].get("modality", "asserted") == event.modality
            found.append((names, int(kept)))
    return found


def design(rows, index: dict[str, int]) -> np.ndarray:
    x = np.zeros((len(rows), len(index)))
    for r, (names, _) in enumerate(rows):
        for name in names:
            if name in index:
                x[r, index[name]] = 1.0
    return x


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float, steps: int = 50) -> np.ndarray:
    """L2-regularised logistic regression by Newton's method (the bias is not penalised)."""
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + penalty * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def auroc(scores: list[float], labels: list[int]) -> float:
    """Probability that a kept proposal outscores a wrong one (ties count half)."""
    pos = [s for s, y in zip(scores, labels) if y]
    neg = [s for s, y in zip(scores, labels) if not y]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def reliability(scores: list[float], labels: list[int], bins: int = 10) -> list[tuple[str, int, float, float]]:
    """(decile range, count, mean score, kept rate) per decile of score."""
    rows = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(s, y) for s, y in zip(scores, labels) if lo <= s < hi or (b == bins - 1 and s == 1.0)]
        if inside:
            rows.append((f"{lo:.1f}-{hi:.1f}", len(inside), sum(s for s, _ in inside) / len(inside), sum(y for _, y in inside) / len(inside)))
    return rows


def report(scorer: Scorer, rows, name: str) -> str:
    scores = [scorer(names) for names, _ in rows]
    labels = [y for _, y in rows]
    lines = [f"{name}: {len(rows)} proposals, {sum(labels)} kept, AUROC {auroc(scores, labels):.3f}",
             "| score | n | mean score | kept rate |", "|---|---:|---:|---:|"]
    lines += [f"| {r} | {n} | {m:.3f} | {k:.3f} |" for r, n, m, k in reliability(scores, labels)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report the shipped weights, write nothing")
    parser.add_argument("--l2", type=float, default=L2, help=f"L2 penalty of the logistic fit (default {L2}, chosen on dev)")
    args = parser.parse_args(argv)
    nlp = load_pipeline(None)
    registry = get_registry()
    rules = RuleExtractor.from_context(ExtractorContext(registry, nlp, {}))
    test = proposals(rules, nlp, HERE / "test.jsonl")
    if args.check:
        scorer = Scorer.load()
        if scorer is None:
            print(f"{WEIGHTS}: no weights; run without --check", file=sys.stderr)
            return 1
        print(report(scorer, test, "test"))
        return 0
    train = proposals(rules, nlp, HERE / "train.jsonl")
    dev = proposals(rules, nlp, HERE / "dev.jsonl")
    counts: dict[str, int] = {}
    for names, _ in train:
        for name in names:
            counts[name] = counts.get(name, 0) + 1
    vocab = ["bias"] + sorted(n for n, c in counts.items() if c >= MIN_COUNT and n != "bias")
    index = {n: i for i, n in enumerate(vocab)}
    w = fit_logistic(design(train, index), np.array([y for _, y in train], dtype=float), args.l2)
    raw = Scorer({n: float(w[i]) for n, i in index.items()})
    # Platt scaling on dev: score = sigmoid(a * logit + b).
    z = np.array([[raw.logit(names), 1.0] for names, _ in dev])
    ab = fit_logistic(z, np.array([y for _, y in dev], dtype=float), 0.0)
    scorer = Scorer(raw.weights, float(ab[0]), float(ab[1]))
    data = {
        "description": "Rule proposal score: logistic weights fitted on corpus/train.jsonl, Platt calibration on dev (corpus/fit_score.py).",
        "calibration": {"a": round(scorer.a, 6), "b": round(scorer.b, 6)},
        "weights": {n: round(v, 6) for n, v in sorted(scorer.weights.items()) if abs(v) > 1e-6},
    }
    with atomic_writer(WEIGHTS) as handle:
        handle.write(json.dumps(data, indent=1) + "\n")
    print(report(scorer, train, "train"))
    print(report(scorer, dev, "dev"))
    print(report(scorer, test, "test"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
