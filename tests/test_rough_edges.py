"""Rough edges a newcomer hit (issue 18, item 6): swapped evaluate arguments."""

from __future__ import annotations

from conftest import SEEDS, run_cli


def test_evaluate_refuses_extract_output_as_gold(tmp_path):
    tasks = tmp_path / "pred.jsonl"
    assert run_cli("extract", str(SEEDS / "gold.jsonl"), "-o", str(tasks), "--unit", "doc").returncode == 0
    swapped = run_cli("evaluate", str(tasks), str(SEEDS / "gold.jsonl"))
    assert swapped.returncode == 2
    assert swapped.stderr.strip() == f"{tasks}:1: GOLD looks like extract output (a task with tokens/_task_hash): the order is evaluate GOLD PRED"
    assert run_cli("evaluate", str(SEEDS / "gold.jsonl"), str(tasks)).returncode == 0


def test_a_best_dev_score_under_the_floor_is_a_loud_warning(tmp_path):
    import json

    from eventcoder.learn.train import TrainFiles, low_score_warning

    files = TrainFiles(tmp_path)
    assert low_score_warning(files) is None  # no model-best yet: nothing known, nothing said
    files.best.mkdir(parents=True)
    (files.best / "meta.json").write_text(json.dumps({"performance": {"events_trigger_f": 0.04}}))
    assert low_score_warning(files).startswith("WARNING: the best dev trigger F1 is 0.040, below 0.3")
    (files.best / "meta.json").write_text(json.dumps({"performance": {"events_trigger_f": 0.91}}))
    assert low_score_warning(files) is None


def test_without_dev_train_holds_out_an_eval_split(tmp_path, registry):
    from eventcoder.core.errors import UserError
    from eventcoder.learn.convert import read_gold
    from eventcoder.learn.train import split_gold

    gold = SEEDS / "gold.jsonl"
    records = read_gold(gold, registry)
    train, dev, n_train, n_dev = split_gold(str(gold), tmp_path, 0.2, registry, seed=0)
    assert n_dev == max(1, round(len(records) * 0.2)) and n_train + n_dev == len(records)
    texts = lambda path: [r["text"] for r in read_gold(path, registry)]  # noqa: E731
    assert len(texts(dev)) == n_dev and not set(texts(dev)) & set(texts(train))
    assert sorted(texts(train) + texts(dev)) == sorted(r["text"] for r in records)
    assert split_gold(str(gold), tmp_path / "again", 0.2, registry, seed=0)[3] == n_dev
    assert texts(split_gold(str(gold), tmp_path / "again", 0.2, registry, seed=0)[1]) == texts(dev)  # the same ones
    import pytest

    with pytest.raises(UserError, match="between 0 and 1"):
        split_gold(str(gold), tmp_path, 1.5, registry)


def test_metrics_with_nothing_to_score_are_n_a(tmp_path):
    import json

    gold = SEEDS / "gold.jsonl"
    scores = json.loads(run_cli("evaluate", str(gold), str(gold), "--json").stdout)
    empty = [label for label, row in scores["per_type"].items() if row["irrealis"]["tp"] + row["irrealis"]["fn"] == 0]
    assert empty, "the seeds have a type without irrealis events"
    for label in empty:
        assert scores["per_type"][label]["irrealis"] == {"precision": None, "recall": None, "f1": None, "tp": 0, "fp": 0, "fn": 0}
    table = run_cli("evaluate", str(gold), str(gold)).stdout
    assert "n/a" in table
    report = tmp_path / "r.html"
    assert run_cli("evaluate", str(gold), str(gold), "--report", str(report)).returncode == 0
    assert "n/a" in report.read_text(encoding="utf-8")
