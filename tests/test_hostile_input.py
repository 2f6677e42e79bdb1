"""Hostile input reaches one ``FILE:LINE: problem`` line (exit 2), never a traceback (issue 14)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventcoder.core.errors import InputError
from eventcoder.core.reading import MAX_DEPTH, iter_lines, parse_json_line

GOOD = {"text": "Obama met Putin.", "events": [{"label": "MEETING", "trigger": {"start": 6, "end": 9, "text": "met"}}]}
DEEP = '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
SURROGATE = '{"text": "Obama met Putin. \\ud800"}\n'


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def one_line_error(result, where: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert where in result.stderr


def test_deep_nesting_is_one_error_not_recursion():
    with pytest.raises(InputError, match=f"nested deeper than {MAX_DEPTH}"):
        parse_json_line(DEEP.encode(), "f.jsonl", 1)
    shallow_but_over = '{"a": ' + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "}"
    with pytest.raises(InputError, match="nested deeper"):
        parse_json_line(shallow_but_over.encode(), "f.jsonl", 1)


def test_lone_surrogate_reported_or_replaced_and_counted():
    with pytest.raises(InputError, match="lone surrogate"):
        parse_json_line(SURROGATE.encode(), "f.jsonl", 1)
    counts: list[int] = []
    obj = parse_json_line(SURROGATE.encode(), "f.jsonl", 1, on_replace=counts.append)
    assert obj["text"].endswith("\ufffd") and counts == [1]
    pair = '{"text": "\\ud83d\\ude00"}'  # a valid pair is one character, not an error
    assert parse_json_line(pair.encode(), "f.jsonl", 1)["text"] == "\U0001f600"


def test_line_length_is_bounded(tmp_path):
    path = tmp_path / "long.jsonl"
    path.write_bytes(b'{"text": "' + b"a" * 100 + b'"}\n')
    with open(path, "rb") as handle, pytest.raises(InputError, match="longer than 50 bytes"):
        list(iter_lines(handle, str(path), limit=50))


@pytest.mark.parametrize("text", [DEEP, SURROGATE])
def test_extract_refuses_and_writes_nothing(tmp_path, text):
    source = write(tmp_path / "bad.jsonl", text)
    result = run_cli("extract", source, "-o", str(tmp_path / "out.jsonl"))
    one_line_error(result, f"{source}:1:")
    assert not (tmp_path / "out.jsonl").exists()


def test_extract_skip_invalid_replaces_surrogate(tmp_path):
    source = write(tmp_path / "bad.jsonl", SURROGATE)
    result = run_cli("extract", "--skip-invalid", source, "-o", str(tmp_path / "out.jsonl"))
    assert result.returncode == 0, result.stderr
    task = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert task["text"].endswith("\ufffd")


@pytest.mark.parametrize("event", [
    "many",
    [{"label": "MEETING", "trigger": {"start": "6", "end": 9, "text": "met"}}],
    [{"trigger": {"start": 6, "end": 9, "text": "met"}}],
])
@pytest.mark.parametrize("side", ["gold", "pred"])
def test_evaluate_checks_field_types(tmp_path, event, side):
    good = write(tmp_path / "good.jsonl", json.dumps(GOOD) + "\n")
    bad = write(tmp_path / "bad.jsonl", json.dumps({**GOOD, "events": event}) + "\n")
    args = (bad, good) if side == "gold" else (good, bad)
    one_line_error(run_cli("evaluate", *args), f"{bad}:1: events")


def test_gzip_is_read_by_validate_and_evaluate(tmp_path):
    path = tmp_path / "gold.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(GOOD) + "\n")
    result = run_cli("validate", str(path))
    assert result.returncode == 0 and "1 lines valid" in result.stderr + result.stdout
    assert run_cli("evaluate", str(path), str(path)).returncode == 0


# Random JSON values, unicode edge cases, truncation and binary: a reader either returns a
# dict or raises InputError, and the CLI never shows a traceback.
_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
_json = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4), max_leaves=20)
_lines = st.one_of(
    _json.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.sampled_from(["text", "events", "meta", "spans", "tokens"]), _json, max_size=4).map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
    st.sampled_from([b'{"text": "\\udfff"}', b'{"text": "a', b"\xff\xfe", ("[" * 5000).encode()]),
)


@settings(max_examples=300, deadline=None)
@given(_lines)
def test_fuzz_reader_returns_dict_or_input_error(raw):
    try:
        obj = parse_json_line(raw, "f.jsonl", 1)
    except InputError as exc:
        assert str(exc).startswith("f.jsonl:1: ") and "\n" not in str(exc)
    else:
        assert obj is None or isinstance(obj, dict)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_lines, min_size=1, max_size=3))
@pytest.mark.parametrize("command", ["validate", "evaluate", "extract"])
def test_fuzz_commands_exit_cleanly(tmp_path, command, lines):
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n")
    out = tmp_path / "out.jsonl"
    out.unlink(missing_ok=True)
    args = {"validate": ("validate", str(source)), "evaluate": ("evaluate", str(source), str(source)),
            "extract": ("extract", str(source), "-o", str(out))}[command]
    result = run_cli(*args)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1, 2)  # validate reports bad lines with 1
    if result.returncode == 2:
        assert not out.exists()


def test_long_text_is_cut_on_boundaries_with_document_offsets():
    from eventcoder.pipeline.inputs import Record
    from eventcoder.pipeline.units import split_units

    text = "Obama met Putin. " * 20 + "\n\n" + "Xi spoke. " * 10
    for unit in ("doc", "paragraph"):
        units = list(split_units(Record(text, {"source": "a.jsonl", "line": 3}), unit, max_chars=60))
        assert all(len(u.text) <= 60 and text[u.meta["offset"]:u.meta["offset"] + len(u.text)] == u.text for u in units)
        assert "".join(u.text for u in units).replace(" ", "") == text.replace(" ", "").replace("\n", "")


def test_unbroken_run_is_an_error_or_skipped(tmp_path):
    from eventcoder.pipeline.inputs import Record
    from eventcoder.pipeline.units import split_units

    record = Record("a" * 100, {"source": "a.jsonl", "line": 3})
    with pytest.raises(InputError, match="a.jsonl:3: text has 100 characters without a paragraph or sentence break"):
        list(split_units(record, "doc", max_chars=60))
    skipped: list[InputError] = []
    assert list(split_units(record, "doc", max_chars=60, on_error=skipped.append)) == [] and len(skipped) == 1


def test_extract_cuts_a_text_over_the_unit_limit(tmp_path):
    source = write(tmp_path / "long.jsonl", json.dumps({"text": "Obama met Putin in Paris. " * 1_000}) + "\n")
    result = run_cli("extract", source, "-o", str(tmp_path / "out.jsonl"))
    assert result.returncode == 0, result.stderr
    tasks = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(tasks) > 1 and all(t["meta"]["offset"] % 26 == 0 for t in tasks)


def test_train_refuses_earlier_output_without_a_prompt(tmp_path):
    gold = write(tmp_path / "gold.jsonl", json.dumps(GOOD) + "\n")
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "config.cfg").write_text("", encoding="utf-8")
    result = run_cli("train", gold, "--dev", gold, "-o", str(tmp_path / "model"), input="y\n")
    one_line_error(result, "--overwrite")
    assert [p.name for p in (tmp_path / "model").iterdir()] == ["config.cfg"]


def test_db_in_refusal_leaves_no_database(tmp_path):
    source = write(tmp_path / "bad.jsonl", DEEP)
    one_line_error(run_cli("db-in", "ds", source, "--db", str(tmp_path / "x.db")), f"{source}:1:")
    assert not (tmp_path / "x.db").exists()


def test_resume_refuses_a_changed_input_and_damaged_manifest(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"text": f"Obama met Putin on day {i}."}) + "\n" for i in range(4)), encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("extract", str(source), "-o", f"{out}/", "--part-size", "2").returncode == 0
    source.write_text(json.dumps({"text": "Xi met Modi."}) + "\n" + source.read_text(encoding="utf-8"), encoding="utf-8")
    one_line_error(run_cli("extract", str(source), "-o", f"{out}/", "--part-size", "2"), "changed since the run")
    assert run_cli("extract", str(source), "-o", f"{out}/", "--part-size", "2", "--overwrite").returncode == 0
    manifest = out / "manifest.jsonl"
    for bad in ("{}", '{"part": "part-00001.jsonl"}', DEEP.strip()):
        lines = manifest.read_text(encoding="utf-8").splitlines()[:1]
        manifest.write_text("\n".join([*lines, bad]) + "\n", encoding="utf-8")
        one_line_error(run_cli("extract", str(source), "-o", f"{out}/", "--part-size", "2"), f"{manifest}:2: damaged manifest line")


@pytest.mark.parametrize("body", [DEEP.encode(), SURROGATE.encode(), b"\xff{", b"[1]"])
def test_review_api_body_reader_answers_400(body):
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from eventcoder.annotation.webapp.app import ApiError, _api_error, read_json

    async def echo(request):
        return JSONResponse(await read_json(request))

    app = Starlette(routes=[Route("/", echo, methods=["POST"])], exception_handlers={ApiError: _api_error})
    response = TestClient(app).post("/", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json()["error"]
