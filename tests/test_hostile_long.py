"""Long lines and long texts in bounded memory (issue 14): extract honours the line bound like
every reader, and a long text's units are streamed, never all held at once."""

from __future__ import annotations

import json
import tracemalloc

import pytest
from conftest import run_cli

from eventcoder.core import reading
from eventcoder.pipeline.inputs import Record
from eventcoder.pipeline.units import split_units

LONG = json.dumps({"text": "Obama met Putin in Paris. " * 20}) + "\n"
SHORT = json.dumps({"text": "Xi met Modi."}) + "\n"


@pytest.fixture
def small_line_bound(monkeypatch):
    monkeypatch.setattr(reading, "MAX_LINE_BYTES", 200)


@pytest.mark.parametrize("folder", [False, True])
def test_extract_refuses_a_line_over_the_bound(tmp_path, small_line_bound, folder):
    source = tmp_path / "in.jsonl"
    source.write_text(SHORT + LONG, encoding="utf-8")
    out = f"{tmp_path / 'out'}/" if folder else str(tmp_path / "out.jsonl")
    result = run_cli("extract", str(source), "-o", out)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].endswith(f"{source}:2: line longer than 200 bytes")
    assert not (tmp_path / "out.jsonl").exists() and not list((tmp_path / "out").glob("part-*"))


@pytest.mark.parametrize("folder", [False, True])
def test_skip_invalid_reads_past_an_overlong_line(tmp_path, small_line_bound, folder):
    source = tmp_path / "in.jsonl"
    source.write_text(LONG + SHORT + LONG + SHORT, encoding="utf-8")
    out = f"{tmp_path / 'out'}/" if folder else str(tmp_path / "out.jsonl")
    result = run_cli("extract", "--skip-invalid", "--part-size", "2", str(source), "-o", out)
    assert result.returncode == 0, result.stderr
    assert f"skipped {source}:1: line longer than 200 bytes" in result.stderr
    assert f"skipped {source}:3: line longer than 200 bytes" in result.stderr
    files = sorted((tmp_path / "out").glob("part-*.jsonl")) if folder else [tmp_path / "out.jsonl"]
    tasks = [json.loads(line) for path in files for line in path.read_text(encoding="utf-8").splitlines()]
    assert [t["meta"]["line"] for t in tasks] == [2, 4]  # each once, numbered as in the file
    assert "2 invalid inputs skipped" in result.stderr.splitlines()[-1]


def test_long_text_units_are_streamed_not_held():
    text = "Obama met Putin in Paris on Monday. " * 150_000  # 5.4 MB, 150,000 sentence ends
    units = split_units(Record(text, {"source": "a.jsonl", "line": 1}), "doc")
    tracemalloc.start()
    try:
        first = next(units)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert first.meta["offset"] == 0 and len(first.text) <= 20_000
    # Holding every unit (or every sentence end) would take several times the text's size.
    assert peak < len(text) / 10, f"{peak:,} bytes traced for the first unit of a {len(text):,}-character text"
    rest = list(units)
    assert sum(len(u.text) for u in [first, *rest]) + len(rest) == len(text) - 1  # all of it, cut at spaces


def test_every_reader_skips_an_overlong_line_under_skip_invalid(tmp_path, small_line_bound):
    gold = {"doc": "d1", "text": "Obama met Putin.", "events": [{"label": "MEETING", "trigger": {"start": 6, "end": 9, "text": "met"}}]}
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({**gold, "meta": {"pad": "x" * 300}}) + "\n" + json.dumps(gold) + "\n", encoding="utf-8")
    assert run_cli("evaluate", str(path), str(path)).returncode == 2
    result = run_cli("evaluate", "--skip-invalid", "--json", str(path), str(path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["documents"] == 1
    assert f"skipped {path}:1: line longer than 200 bytes" in result.stderr
