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
