"""Folder output: deterministic parts, the manifest, resume after a kill, and bad input."""

from __future__ import annotations

import gzip
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS, read_jsonl, run_cli

from eventcoder.core.errors import UserError
from eventcoder.run.extract import ExtractConfig, extract
from eventcoder.run.manifest import MANIFEST
from eventcoder.run.partitioned import extract_parts
from eventcoder.run.parts import plan_parts, read_part

CORPUS = [json.loads(line) for line in (ROOT / "corpus" / "dev.jsonl").read_text(encoding="utf-8").splitlines()]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps({"text": record["text"], "id": record["meta"]["id"]}) + "\n")
    return path


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    """A plain JSONL file, a gzip one with a blank line, and a folder of text files."""
    folder = tmp_path_factory.mktemp("in")
    plain = write_jsonl(folder / "a.jsonl", CORPUS[:23])
    packed = write_jsonl(folder / "b.jsonl.gz", CORPUS[23:40])
    with gzip.open(packed, "at", encoding="utf-8") as handle:
        handle.write("\n" + json.dumps({"text": CORPUS[40]["text"]}) + "\n")
    return [str(plain), str(packed), str(SEEDS)]


def manifest_entries(folder: Path) -> list[dict]:
    return read_jsonl(folder / MANIFEST)[1:]


def part_lines(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(folder.glob("part-*.jsonl")))


def test_parts_are_fixed_line_ranges_and_read_back_with_file_line_numbers(inputs):
    parts = list(plan_parts(inputs, 10))
    assert [(Path(p.source).name, p.first, p.last) for p in parts] == [
        ("a.jsonl", 1, 10), ("a.jsonl", 11, 20), ("a.jsonl", 21, 23),
        ("b.jsonl.gz", 1, 10), ("b.jsonl.gz", 11, 19), ("seeds", 1, 2),
    ]
    assert [p.name for p in parts] == [f"part-{i:06d}.jsonl" for i in range(1, 7)]
    assert [r.meta["line"] for r in read_part(parts[1])] == list(range(11, 21))
    assert [r.meta["line"] for r in read_part(parts[4])] == [11, 12, 13, 14, 15, 16, 17, 19]  # 18 is blank
    assert [r.meta["doc"] for r in read_part(parts[5])] == sorted(p.name for p in SEEDS.glob("*.txt"))


def test_folder_output_is_the_single_file_output_cut_into_parts(inputs, tmp_path):
    config = ExtractConfig(unit="sentence", batch_size=4)
    extract(inputs, str(tmp_path / "one.jsonl"), config)
    stats = extract_parts(inputs, str(tmp_path / "out") + "/", config, part_size=10)
    folder = tmp_path / "out"
    assert part_lines(folder) == (tmp_path / "one.jsonl").read_bytes()
    entries = manifest_entries(folder)
    assert [e["part"] for e in entries] == [f"part-{i:06d}.jsonl" for i in range(1, 7)]
    assert sum(e["documents"] for e in entries) == stats.documents == 23 + 18 + 2
    assert sum(e["tasks"] for e in entries) == stats.tasks == len(read_jsonl(tmp_path / "one.jsonl"))
    assert entries[4]["lines"] == 9 and entries[4]["documents"] == 8 and entries[4]["errors"] == 0
    header = read_jsonl(folder / MANIFEST)[0]
    assert header["config"]["unit"] == "sentence" and header["config"]["extractors"] == ["rules"]
    assert header["config"]["spacy_model"] and header["inputs"] == inputs and header["part_size"] == 10


def test_rerun_keeps_intact_parts_and_redoes_missing_or_damaged_ones(inputs, tmp_path):
    out = str(tmp_path / "out") + "/"
    extract_parts(inputs, out, part_size=10)
    folder = tmp_path / "out"
    before = part_lines(folder)
    mtimes = {p.name: p.stat().st_mtime_ns for p in folder.glob("part-*.jsonl")}
    (folder / "part-000002.jsonl").unlink()
    damaged = folder / "part-000004.jsonl"
    damaged.write_bytes(damaged.read_bytes().replace(b'"text"', b'"TEXT"', 1))  # same size, other checksum
    stats = extract_parts(inputs, out, part_size=10)
    assert (stats.parts, stats.resumed) == (6, 4)
    assert part_lines(folder) == before
    redone = {p.name for p in folder.glob("part-*.jsonl") if p.stat().st_mtime_ns != mtimes.get(p.name)}
    assert redone == {"part-000002.jsonl", "part-000004.jsonl"}


def test_another_config_or_other_inputs_refuse_to_mix_unless_overwrite(inputs, tmp_path):
    out = str(tmp_path / "out") + "/"
    extract_parts(inputs[:1], out, part_size=10)
    with pytest.raises(UserError, match=r"config\.unit differ.*--overwrite"):
        extract_parts(inputs[:1], out, ExtractConfig(unit="sentence"), part_size=10)
    with pytest.raises(UserError, match="inputs, part_size differ"):
        extract_parts(inputs[:2], out, part_size=5)
    stats = extract_parts(inputs[:1], out, ExtractConfig(unit="sentence"), part_size=10, overwrite=True)
    assert stats.resumed == 0 and read_jsonl(tmp_path / "out" / MANIFEST)[0]["config"]["unit"] == "sentence"
    assert all(t["meta"]["unit"] == "sentence" for t in read_jsonl(tmp_path / "out" / "part-000001.jsonl"))


def test_bad_input_stops_with_file_line_and_leaves_no_partial_part(tmp_path):
    src = tmp_path / "news.jsonl"
    lines = [json.dumps({"text": r["text"]}) for r in CORPUS[:12]]
    lines[7] = '{"text": "broken"'
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("extract", str(src), "-o", f"{out}/", "--part-size", "5")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == f"{src}:8: invalid JSON: Expecting ',' delimiter (column 18)"
    assert [p.name for p in out.glob("part-*")] == ["part-000001.jsonl"]  # the part before the bad line
    assert not list(out.glob(".*")) and [e["part"] for e in manifest_entries(out)] == ["part-000001.jsonl"]

    result = run_cli("extract", str(src), "-o", f"{out}/", "--part-size", "5", "--skip-invalid", "--overwrite")
    assert result.returncode == 0, result.stderr
    assert f"skipped {src}:8: invalid JSON" in result.stderr and "1 invalid input skipped" in result.stderr
    assert [e["errors"] for e in manifest_entries(out)] == [0, 1, 0]
    assert len(read_jsonl(out / "part-000002.jsonl")) == 4


def test_stdin_cannot_be_cut_into_parts(tmp_path):
    result = run_cli("extract", "-", "-o", f"{tmp_path}/out/", input="Lavrov met Makei.")
    assert result.returncode == 2 and "stdin cannot be cut into resumable parts" in result.stderr


def test_killed_run_resumes_without_loss_or_duplicates(tmp_path):
    """SIGKILL the CLI once parts are in the manifest; the re-run finishes only the rest."""
    src = write_jsonl(tmp_path / "news.jsonl", CORPUS[:120] * 2)
    out = tmp_path / "out"
    args = [str(src), "-o", f"{out}/", "--part-size", "8", "--unit", "doc"]
    proc = subprocess.Popen([sys.executable, "-m", "eventcoder", "extract", *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if (out / MANIFEST).exists() and len(manifest_entries(out)) >= 3:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.01)
    assert proc.wait(timeout=30) == -signal.SIGKILL, "the run ended before it could be killed"
    done = {e["part"]: (out / e["part"]).stat().st_mtime_ns for e in manifest_entries(out)}
    assert 3 <= len(done) < 30

    result = run_cli("extract", *args)
    assert result.returncode == 0, result.stderr
    assert f"(30 parts, {len(done)} done by an earlier run)" in result.stderr
    assert {name: (out / name).stat().st_mtime_ns for name in done} == done  # not redone
    lines = [t["meta"]["line"] for p in sorted(out.glob("part-*.jsonl")) for t in read_jsonl(p)]
    assert lines == list(range(1, 241))  # every input line exactly once, in order
    assert not list(out.glob(".*"))
