"""The rule proposal score: learned weights that rank, and --min-score filtering (issue 15)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from eventcoder.annotation.prodigy import recipes
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


def test_score_ranks_kept_above_wrong_proposals_out_of_fold(rules, nlp):
    """Train and dev are both fitted on, so the ranking is checked out of fold: each record's
    proposals scored by weights fitted without it (one draw of 5 folds, by record)."""
    fit = _fit_module()
    records = fit.record_proposals(rules, nlp, ROOT / "corpus" / "train.jsonl") + fit.record_proposals(rules, nlp, ROOT / "corpus" / "dev.jsonl")
    scored = fit.out_of_fold(records, 5, fit.L2, fit.MIN_COUNT, seed=0)
    labels = [y for _, _, y in scored]
    assert 0 < sum(labels) < len(labels) and {f for f, _, _ in scored} == set(range(5))
    assert fit.auroc([z for _, z, _ in scored], labels) >= 0.85
    shipped = [rules.scorer(names) for rs in records for names, _ in rs]
    assert len(set(shipped)) > 10, "not a constant per modality"


def test_cross_validation_folds_keep_a_records_proposals_together():
    fit = _fit_module()
    records = [[(["bias", f"r{r}"], r % 2)] * 3 for r in range(10)]
    scored = fit.out_of_fold(records, 5, 1.0, 1, seed=0)
    assert len(scored) == 30
    folds = [[f for f, _, _ in scored[i:i + 3]] for i in range(0, 30, 3)]
    assert all(len(set(f)) == 1 for f in folds)  # a record's three rows sit in one fold
    assert sorted(f[0] for f in folds) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]


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


# --min-score on the recipes and review (a file of tasks is filtered as it is served).
SCORED_TEXT = "Makei met Lavrov in Moscow on Wednesday. Lavrov said Minsk will not send any officials."
SCORED = [  # label, trigger, [(role, text)], score
    ("MEETING", "met", [("participant", "Makei"), ("participant", "Lavrov")], 0.9),
    ("STATEMENT", "said", [("speaker", "Lavrov#2"), ("content", "Minsk will not send any officials")], 0.4),
    ("REFUSAL", "will not send", [("refuser", "Minsk")], 0.7),
]


def scored_task(nlp, registry) -> dict:
    from annotation_helpers import proposed

    from eventcoder.pipeline.tasks import make_task

    events = [proposed(SCORED_TEXT, label, trigger, args).model_copy(update={"score": score})
              for label, trigger, args, score in SCORED]
    return make_task(nlp(SCORED_TEXT)[:], events, {"doc": "d1", "offset": 0}, registry)


@pytest.fixture
def scored_file(nlp, registry, tmp_path):
    task = scored_task(nlp, registry)
    path = tmp_path / "tasks.jsonl"
    path.write_text(json.dumps(task) + "\n")
    return path, task


def check_filtered(served: dict, original: dict, registry) -> None:
    """The statement (0.4) is gone with the arguments only it had; the refusal keeps Minsk."""
    from test_recipes import assert_valid_task

    assert [(e["label"], e["score"]) for e in served["events"]] == [("MEETING", 0.9), ("REFUSAL", 0.7)]
    texts = {SCORED_TEXT[s["start"]:s["end"]] for s in served["spans"]}
    assert "said" not in texts and "Minsk" in texts and "Makei" in texts
    assert [s["start"] for s in served["spans"] if SCORED_TEXT[s["start"]:s["end"]] == "Lavrov"] == [10]  # not the speaker
    assert not [r for r in served["relations"] + served["overlapping_relations"] if r["label"] in ("speaker", "content")]
    assert served["_input_hash"] == original["_input_hash"] and served["_task_hash"] != original["_task_hash"]
    assert_valid_task(served, registry)


def test_correct_recipes_leave_out_low_scored_proposals_of_a_task_file(registry, scored_file):
    path, task = scored_file
    for recipe in (recipes.events_correct, recipes.events_llm_correct):
        [served] = list(recipe("set", str(path), min_score=0.6)["stream"])
        check_filtered(served, task, registry)
        [whole] = list(recipe("set", str(path))["stream"])
        assert len(whole["events"]) == 3 and whole["_task_hash"] == task["_task_hash"]
    from eventcoder.core.errors import UserError

    with pytest.raises(UserError, match="--min-score must be between 0 and 1"):
        recipes.events_correct("set", str(path), min_score=1.5)


def test_recipes_drop_low_scored_fresh_proposals(tmp_path):
    news = tmp_path / "news.jsonl"
    news.write_text(json.dumps({"text": SCORED_TEXT}) + "\n" + json.dumps({"text": "The ministers discussed trade, the ministry said."}) + "\n")

    def scores(**options) -> list[float]:
        return [e["score"] for t in recipes.events_correct("set", str(news), **options)["stream"] for e in t["events"]]

    every = sorted(scores())
    cut = (every[0] + every[-1]) / 2
    assert every[0] < cut
    kept = scores(min_score=cut)
    assert kept and len(kept) < len(every) and min(kept) >= cut
    out = tmp_path / "fetched.jsonl"
    recipes.events_llm_fetch(str(news), str(out), extractor="rules", min_score=cut)
    fetched = [e["score"] for line in out.read_text().splitlines() for e in json.loads(line)["events"]]
    assert sorted(fetched) == sorted(kept)


def test_the_corpus_rebuilds_to_the_shipped_splits_and_holds_the_issue_15_kinds(tmp_path):
    """The sources build to exactly the shipped files (the test split stays frozen when train
    grows), and train holds sentences for the rules' failure kinds with hard negatives."""
    import subprocess
    import sys

    subprocess.run([sys.executable, str(ROOT / "corpus" / "build.py"), "--out-dir", str(tmp_path)], check=True,
                   capture_output=True)
    for split in ("dev", "test", "train"):
        assert (tmp_path / f"{split}.jsonl").read_bytes() == (ROOT / "corpus" / f"{split}.jsonl").read_bytes(), split
    train = {json.loads(line)["text"]: json.loads(line)["events"] for line in (ROOT / "corpus" / "train.jsonl").open()}
    assert [e["trigger"]["text"] for e in train["Ghana and Togo signed the Volta Basin Protocol on shared water use in Accra on Tuesday."]] == [
        "signed the Volta Basin Protocol"]
    assert train["Dock workers in Antwerp shunned work for a third day over pay."] == []
    summit = [e for e in train["The leaders of Kenya and Ethiopia did not meet during the summit in Addis Ababa."] if e["trigger"]["text"] == "summit"]
    assert summit[0]["modality"] == "asserted"
