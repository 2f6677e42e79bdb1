"""The rule proposal score: learned weights that rank, and --min-score filtering (issue 15)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from eventcoder.extractors.rules.score import WEIGHTS, Scorer
from eventcoder.run.extract import ExtractConfig, above_min_score, extract

ROOT = Path(__file__).resolve().parents[1]


def _fit_module():
    spec = importlib.util.spec_from_file_location("fit_score", ROOT / "corpus" / "fit_score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_weights_load_and_give_probabilities():
    scorer = Scorer.load(WEIGHTS)
    assert scorer is not None and scorer.weights
    assert 0.0 < scorer(["bias"]) < 1.0


def test_auroc_and_reliability_by_hand():
    fit = _fit_module()
    assert fit.auroc([0.9, 0.8, 0.3, 0.2], [1, 1, 0, 0]) == 1.0
    assert fit.auroc([0.5, 0.5], [1, 0]) == 0.5
    rows = fit.reliability([0.05, 0.95, 0.92], [0, 1, 0])
    assert rows[0][:2] == ("0.0-0.1", 1) and rows[-1][1] == 2 and rows[-1][3] == 0.5


def test_score_ranks_kept_above_wrong_proposals_on_dev(rules, nlp):
    """Dev is the calibration split, not the training one: the ranking must hold there."""
    fit = _fit_module()
    rows = fit.proposals(rules, nlp, ROOT / "corpus" / "dev.jsonl")
    scores = [rules.scorer(names) for names, _ in rows]
    labels = [y for _, y in rows]
    assert 0 < sum(labels) < len(labels)
    assert fit.auroc(scores, labels) >= 0.8
    assert len(set(scores)) > 10, "not a constant per modality"


def test_above_min_score_keeps_unscored_and_drops_low():
    events = [{"score": 0.2}, {"score": 0.7}, {}]
    assert above_min_score(events, 0.5) == [{"score": 0.7}, {}]
    assert above_min_score(events, 0.0) == events
    with pytest.raises(ValueError):
        ExtractConfig(min_score=1.5)


def test_extract_with_min_score_drops_doubtful_proposals(tmp_path):
    source = tmp_path / "in.jsonl"
    lines = [{"text": "Makei met Lavrov in Moscow on Wednesday."}, {"text": "The ministers discussed trade, the ministry said."}]
    source.write_text("".join(json.dumps(line) + "\n" for line in lines))

    def events(min_score: float) -> list[dict]:
        out = tmp_path / f"out{min_score}.jsonl"
        extract([str(source)], str(out), ExtractConfig(min_score=min_score))
        return [e for line in out.read_text().splitlines() for e in json.loads(line)["events"]]

    every = events(0.0)
    scores = sorted(e["score"] for e in every)
    cut = (scores[0] + scores[-1]) / 2
    assert scores[0] < scores[-1]
    kept = events(cut)
    assert kept and len(kept) < len(every) and all(e["score"] >= cut for e in kept)
