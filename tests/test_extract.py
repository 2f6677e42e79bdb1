"""`eventcoder extract` end to end: inputs, units, bad input, atomic output, processes."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, SEEDS, read_jsonl, run_cli

from eventcoder.core.atomic import atomic_writer
from eventcoder.pipeline.validate import line_errors
from eventcoder.run.extract import ExtractConfig, extract

TASK_SCHEMA = json.loads((ROOT / "schemas" / "task.schema.json").read_text())
SEED_TEXTS = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}


@pytest.fixture(scope="module", params=["doc", "paragraph", "sentence"])
def seed_tasks(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(request.param) / "p.jsonl"
    stats = extract([str(SEEDS)], str(out), ExtractConfig(unit=request.param))
    tasks = read_jsonl(out)
    assert stats.tasks == len(tasks) and stats.documents == 2
    return request.param, tasks


def test_every_seed_task_validates(seed_tasks, registry):
    _, tasks = seed_tasks
    for task in tasks:
        jsonschema.validate(task, TASK_SCHEMA)
        assert line_errors(task, "task", registry) == []


def test_units_map_back_into_their_documents(seed_tasks):
    unit, tasks = seed_tasks
    for task in tasks:
        meta = task["meta"]
        assert meta["unit"] == unit and meta["doc"] in SEED_TEXTS
        source = SEED_TEXTS[meta["doc"]]
        assert source[meta["offset"] : meta["offset"] + len(task["text"])] == task["text"]
    per_doc = {}
    for task in tasks:
        per_doc[task["meta"]["doc"]] = per_doc.get(task["meta"]["doc"], 0) + 1
    if unit == "doc":
        assert set(per_doc.values()) == {1}
    else:
        assert all(count > 5 for count in per_doc.values())


def test_seed_extraction_finds_real_events(seed_tasks):
    _, tasks = seed_tasks
    labels = {e["label"] for t in tasks for e in t["events"]}
    assert labels == {"MEETING", "STATEMENT", "AGREEMENT", "REFUSAL"}


def test_jsonl_input_keeps_other_fields_in_meta(tmp_path):
    src = tmp_path / "news.jsonl.gz"
    with gzip.open(src, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"text": "Lavrov met Makei in Moscow.", "id": "a1", "outlet": "TASS", "meta": {"lang": "en"}}) + "\n\n")
        handle.write(json.dumps({"text": "Prices rose."}) + "\n")
    out = tmp_path / "out.jsonl"
    extract([str(src)], str(out), ExtractConfig(unit="doc"))
    first, second = read_jsonl(out)
    assert first["meta"]["outlet"] == "TASS" and first["meta"]["lang"] == "en" and first["meta"]["doc"] == "a1"
    assert first["meta"]["line"] == 1 and second["meta"]["line"] == 3
    assert second["events"] == []


def test_stdin_text_and_jsonl(tmp_path):
    out = tmp_path / "o.jsonl"
    result = run_cli("extract", "-", "-o", str(out), "--unit", "doc", input="Lavrov met Makei in Moscow.")
    assert result.returncode == 0, result.stderr
    assert read_jsonl(out)[0]["events"][0]["label"] == "MEETING"
    result = run_cli("extract", "-", "-o", "-", input='{"text": "Lavrov met Makei."}\n{"text": "He said so."}\n')
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 2


def _bad_inputs(tmp: Path) -> list[tuple[list[str], str]]:
    (tmp / "latin1.txt").write_bytes("Caf\xe9 talks".encode("latin-1"))
    (tmp / "bad.jsonl").write_text('{"text": "ok"}\n{"text": "broken"\n', encoding="utf-8")
    (tmp / "notext.jsonl").write_text('{"text": "ok"}\n{"body": "no text"}\n', encoding="utf-8")
    (tmp / "empty.jsonl").write_text('{"text": "ok"}\n{"text": "   "}\n', encoding="utf-8")
    (tmp / "empty.txt").write_text("\n\n", encoding="utf-8")
    (tmp / "binary.jsonl").write_bytes(b'{"text": "ok"}\n{"text": "\xff"}\n')
    return [
        ([str(tmp / "missing.txt")], "missing.txt:0: no such file or folder"),
        ([str(tmp / "latin1.txt")], "latin1.txt:1: not valid UTF-8"),
        ([str(tmp / "bad.jsonl")], "bad.jsonl:2: invalid JSON"),
        ([str(tmp / "notext.jsonl")], 'notext.jsonl:2: no "text" field'),
        ([str(tmp / "empty.jsonl")], "empty.jsonl:2: empty text"),
        ([str(tmp / "empty.txt")], "empty.txt:1: empty text"),
        ([str(tmp / "binary.jsonl")], "binary.jsonl:2: not valid UTF-8"),
    ]


def test_bad_input_is_one_line_error_exit_2_and_no_output(tmp_path):
    for inputs, expected in _bad_inputs(tmp_path):
        out = tmp_path / "out.jsonl"
        result = run_cli("extract", *inputs, "-o", str(out))
        assert result.returncode == 2, (expected, result.stderr)
        assert expected in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert not out.exists() and not list(tmp_path.glob(".out.jsonl*")), expected


def test_skip_invalid_processes_the_rest_and_counts(tmp_path):
    src = tmp_path / "mixed.jsonl"
    src.write_text('{"text": "Lavrov met Makei."}\n{"text": \n{"body": 1}\n{"text": ""}\n{"text": "Makei said so."}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run_cli("extract", str(src), str(tmp_path / "missing.txt"), "-o", str(out), "--skip-invalid")
    assert result.returncode == 0, result.stderr
    assert [t["text"] for t in read_jsonl(out)] == ["Lavrov met Makei.", "Makei said so."]
    assert "4 invalid inputs skipped" in result.stderr
    assert "mixed.jsonl:2:" in result.stderr and "missing.txt:0:" in result.stderr


def test_failed_run_keeps_previous_output(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n", encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Lavrov met Makei."}\nnot json\n', encoding="utf-8")
    assert run_cli("extract", str(bad), "-o", str(out)).returncode == 2
    assert out.read_text(encoding="utf-8") == "previous\n"


def test_atomic_writer_leaves_nothing_on_error(tmp_path):
    target = tmp_path / "x.jsonl"
    with pytest.raises(RuntimeError):
        with atomic_writer(target) as handle:
            handle.write("half")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_quiet_when_piped(tmp_path):
    out = tmp_path / "out.jsonl"
    result = run_cli("extract", str(SEEDS), "-o", str(out))
    assert result.returncode == 0
    # The seeds' dateline, three share lines and source line are boilerplate.
    assert result.stderr.strip().splitlines() == [f"2 documents -> {len(read_jsonl(out))} tasks in {out}; 5 boilerplate units skipped"]


def test_unknown_extractor_and_unit_are_clear_errors(tmp_path):
    result = run_cli("extract", str(SEEDS), "-o", str(tmp_path / "o.jsonl"), "--extractor", "nope")
    assert result.returncode == 2 and "unknown extractor 'nope'" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("extract", str(SEEDS), "-o", str(tmp_path / "o.jsonl"), "--unit", "page")
    assert result.returncode == 2 and "--unit" in result.stderr


def test_two_processes_give_identical_output(tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    config = ExtractConfig(unit="sentence", batch_size=4)
    extract([str(SEEDS)], str(one), config, n_process=1)
    extract([str(SEEDS)], str(two), config, n_process=2)
    assert one.read_bytes() == two.read_bytes()


def test_progress_bar_shows_on_a_terminal(tmp_path, monkeypatch):
    """With stderr on a pseudo-terminal the run draws a progress bar (in this process: the
    check is what the command writes to a terminal, not how a new interpreter starts)."""
    import os
    import pty
    import sys
    import threading

    from eventcoder.cli import main

    out = tmp_path / "out.jsonl"
    primary, secondary = pty.openpty()
    chunks = []

    def read_screen():  # drain the terminal as the run writes, so a full buffer never blocks it
        while True:
            try:
                data = os.read(primary, 4096)
            except OSError:  # the terminal's other end closed
                break
            if not data:
                break
            chunks.append(data)

    reader = threading.Thread(target=read_screen, daemon=True)
    reader.start()
    with open(secondary, "w", encoding="utf-8") as terminal, monkeypatch.context() as patch:
        patch.setenv("COLUMNS", "120")
        patch.setenv("TERM", "xterm")
        patch.setattr(sys, "stderr", terminal)
        main(["extract", str(SEEDS), "-o", str(out)])  # returns on success: no SystemExit
    reader.join(timeout=30)
    os.close(primary)
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert "extract" in screen and "docs" in screen and "\x1b[" in screen  # drawn with terminal codes
    assert out.exists()


def test_the_summary_counts_in_the_right_number(tmp_path):
    text = tmp_path / "one.txt"
    text.write_text("Makei met Lavrov.", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run_cli("extract", str(text), "-o", str(out), "--unit", "doc")
    assert result.stderr.strip() == f"1 document -> 1 task in {out}"
