"""Pattern files, LLM configs and LLM examples go through the one reader: bad input is one
``FILE:LINE: problem`` line, exit 2, never a traceback (issue 14)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from eventcoder.core.errors import InputError
from eventcoder.core.reading import MAX_DEPTH, line_of, read_json_document
from eventcoder.extractors.llm.pipeline import read_llm_config
from eventcoder.extractors.llm.tasks.events.examples import read_gold_examples

ENTRY = {"id": "p", "type": "MEETING", "pattern": [{"LEMMA": "meet"}], "slots": {"subject": "participant"}}
DEEP = "[" * 100_000 + "]" * 100_000


def pattern_dir(folder: Path, text: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mine.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return folder


def pretty(patterns: list) -> str:
    """A pattern file laid out one key per line, as people write them."""
    return json.dumps({"patterns": patterns}, indent=2)


@pytest.mark.parametrize("text, line, problem", [
    ('{"patterns": ' + DEEP + "}", 1, f"JSON nested deeper than {MAX_DEPTH} levels"),
    ('{\n"patterns": [\n' + "[" * 70 + "]" * 70 + "]}", 3, "nested deeper"),
    ('{\n"description": "caf\xe9",\n "x": "\xff"}'.encode("latin-1"), 2, "not valid UTF-8 (byte 0xe9 at column 20)"),
    ('{"description": "a",\n "patterns": "\\ud800"}', 2, "lone surrogate"),
    ("[1, 2]", 1, "expected a JSON object, got list"),
    ('{\n  "patterns": [\n    {"id": "x",,}\n  ]\n}\n', 3, "invalid JSON"),
])
def test_whole_file_json_is_bounded_like_jsonl(tmp_path, text, line, problem):
    path = tmp_path / "p.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(InputError) as caught:
        read_json_document(path, "pattern file")
    assert str(caught.value).startswith(f"{path}:{line}: ") and problem in str(caught.value)


def test_line_of_finds_the_deepest_known_part():
    text = pretty([ENTRY, {**ENTRY, "id": "q", "slots": {"subject": "speaker"}}])
    assert text.splitlines()[line_of(text, ("patterns", 1, "slots", "subject")) - 1].strip() == '"subject": "speaker"'
    # pydantic's union tags are no key of the document: passed over
    assert line_of(text, ("patterns", 1, "function-after[check()]", "id")) == line_of(text, ("patterns", 1, "id"))


@pytest.mark.parametrize("patterns, key, problem", [
    ([ENTRY, {**ENTRY, "id": "q", "type": "PARADE"}], '"type": "PARADE"', "unknown event type 'PARADE'"),
    ([ENTRY, {**ENTRY, "id": "q", "slots": {"subject": "speaker"}}], '"subject": "speaker"', "MEETING has no role 'speaker'"),
    ([ENTRY, {**ENTRY, "id": "q", "colour": "red"}], '"colour": "red"', "colour"),
    ([ENTRY, ENTRY], None, "pattern id 'p' also used"),
])
def test_extract_names_the_line_of_a_bad_pattern(tmp_path, patterns, key, problem):
    text = pretty(patterns)
    folder = pattern_dir(tmp_path / "pats", text)
    source = tmp_path / "in.txt"
    source.write_text("Obama met Putin.\n", encoding="utf-8")
    result = run_cli("extract", str(source), "-o", str(tmp_path / "out.jsonl"), "--patterns", str(folder))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    error = result.stderr.strip().splitlines()[-1]
    path, line, message = error.split(":", 2)
    assert path == str(folder / "mine.json") and problem in message
    lines = text.splitlines()
    # the line holds the bad key, or (a duplicate id) opens the second entry, just above its id
    expected = next(i for i, t in enumerate(lines, 1) if key in t) if key else [i for i, t in enumerate(lines, 1) if '"id"' in t][1] - 1
    assert int(line) == expected
    assert not (tmp_path / "out.jsonl").exists()


def test_extract_refuses_a_deep_pattern_file_without_a_traceback(tmp_path):
    folder = pattern_dir(tmp_path / "pats", '{"patterns": ' + DEEP + "}")
    source = tmp_path / "in.txt"
    source.write_text("Obama met Putin.\n", encoding="utf-8")
    result = run_cli("extract", str(source), "-o", str(tmp_path / "out.jsonl"), "--patterns", str(folder))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == f"{folder / 'mine.json'}:1: JSON nested deeper than {MAX_DEPTH} levels"


@pytest.mark.parametrize("text, line, problem", [
    (b"[nlp]\nlang = \"en\"\nthis is not\n", 3, "cannot read the test config"),
    (b"[a]\nx = 1\n[a]\ny = 2\n", 3, "section 'a' already exists"),
    (b"x = 1\n", 1, "cannot read the test config"),
    (b"[a]\nx = \"caf\xe9\"\n", 2, "not valid UTF-8"),
    (b"[a]\nx = ${b.c}\n", 0, "b.c"),
])
def test_llm_config_problems_are_file_line(tmp_path, text, line, problem):
    path = tmp_path / "bad.cfg"
    path.write_bytes(text)
    with pytest.raises(InputError) as caught:
        read_llm_config(path, "the test config")
    assert str(caught.value).startswith(f"{path}:{line}: ") and problem in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("text, problem", [
    ('{"text": ' + DEEP + "}\n", f"JSON nested deeper than {MAX_DEPTH} levels"),
    ('{"text": "a \\ud800", "events": []}\n', "lone surrogate"),
    (b"\xff\n", "not valid UTF-8"),
    ('{"text": 5}\n', "not a gold record: text"),
])
def test_llm_examples_are_read_by_the_one_reader(tmp_path, text, problem):
    path = tmp_path / "examples.jsonl"
    path.write_bytes(b"\n" + (text if isinstance(text, bytes) else text.encode("utf-8")))
    with pytest.raises(InputError) as caught:
        read_gold_examples(path)
    assert str(caught.value).startswith(f"{path}:2: ") and problem in str(caught.value)


@pytest.mark.parametrize("flag, name, content, where", [
    ("--llm-config", "bad.cfg", "[nlp]\nlang = \"en\"\nthis is not\n", "bad.cfg:3: "),
    ("--llm-examples", "ex.jsonl", '{"text": ' + DEEP + "}\n", "ex.jsonl:1: JSON nested deeper"),
])
def test_extract_with_bad_llm_files_is_one_line_exit_2(tmp_path, flag, name, content, where):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    source = tmp_path / "in.txt"
    source.write_text("Obama met Putin.\n", encoding="utf-8")
    result = run_cli("extract", str(source), "-o", str(tmp_path / "out.jsonl"), "-e", "llm", flag, str(path),
                     "--llm-base-url", "http://127.0.0.1:9/v1", "--llm-model", "none", "--no-cache")
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert where in result.stderr.strip().splitlines()[-1]
    assert not (tmp_path / "out.jsonl").exists()
