"""``eventcoder train``: gold JSONL -> DocBin -> a spaCy pipeline that plugs back in as ``--extractor model``.

One small model is trained once for the module (a few dozen dev sentences, a few dozen
steps: enough to overfit them, so extraction has events to lay out and validate).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import ROOT, read_jsonl, run_cli

DEV = ROOT / "corpus" / "dev.jsonl"
TRAIN_RECORDS = 24
STEPS = 80


@pytest.fixture(scope="module")
def small_gold(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gold")
    lines = DEV.read_text(encoding="utf-8").splitlines()
    train, dev = folder / "train.jsonl", folder / "dev.jsonl"
    train.write_text("\n".join(lines[:TRAIN_RECORDS]) + "\n", encoding="utf-8")
    dev.write_text("\n".join(lines[TRAIN_RECORDS : TRAIN_RECORDS + 8]) + "\n", encoding="utf-8")
    return train, dev


@pytest.fixture(scope="module")
def training_run(small_gold, tmp_path_factory):
    """The module's one training, its output captured (so not a terminal, as in a redirected log)."""
    train, dev = small_gold
    output = tmp_path_factory.mktemp("model") / "events"
    result = run_cli("train", str(train), "--dev", str(dev), "-o", str(output), "--max-steps", str(STEPS))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "--extractor model --model-path" in result.stderr
    return output, result


@pytest.fixture(scope="module")
def trained(training_run):
    return training_run[0]


def test_redirected_training_prints_one_plain_line_per_evaluation(training_run):
    from eventcoder.learn.config import EVAL_FREQUENCY

    _, result = training_run
    printed = result.stdout + result.stderr
    assert "\x1b" not in printed  # no colour codes
    assert "LOSS" not in printed and "EVENTS_TRI" not in printed and "===" not in printed  # no spaCy table
    assert "\u2139" not in printed and "\u2714" not in printed  # nor wasabi's info and success icons
    progress = [line for line in result.stderr.splitlines() if line.startswith("step ")]
    evaluations = [0, *range(min(EVAL_FREQUENCY, STEPS), STEPS + 1, min(EVAL_FREQUENCY, STEPS))]
    assert [int(line.split(",")[0].removeprefix("step ")) for line in progress] == evaluations
    line = re.compile(r"step \d+, epoch \d+: loss events_tok2vec [\d.]+, event_triggers [\d.]+, event_arguments [\d.]+,"
                      r" event_roles [\d.]+; dev trigger F1 [\d.]+, argument F1 [\d.]+, irrealis F1 [\d.]+; score [\d.]+")
    assert all(line.match(text) for text in progress), progress
    assert "(best so far)" in progress[0]


def test_trained_model_extracts_schema_valid_tasks(trained, small_gold, tmp_path):
    train, _ = small_gold
    out = tmp_path / "proposals.jsonl"
    result = run_cli("extract", str(train), "--extractor", "model", "--model-path", str(trained), "-o", str(out))
    assert result.returncode == 0, result.stderr
    tasks = read_jsonl(out)
    assert len(tasks) == TRAIN_RECORDS
    events = [event for task in tasks for event in task["events"]]
    assert events and all(event["extractors"] == ["model"] and 0 <= event["score"] <= 1 for event in events)
    assert any(event["arguments"] for event in events)
    assert run_cli("validate", str(out)).returncode == 0
    scores = json.loads(run_cli("evaluate", str(train), str(out), "--json").stdout)
    assert scores["triggers"]["f1"] > 0.5  # it has learnt the sentences it saw


def test_reusing_the_shared_parse_changes_nothing(trained, nlp, small_gold):
    from eventcoder.extractors.model.extractor import ModelExtractor, load_trained

    texts = [record["text"] for record in read_jsonl(small_gold[0])[:8]]
    docs = list(nlp.pipe(texts))
    reusing = ModelExtractor(load_trained(str(trained)), nlp)
    assert reusing.reuse and [name for name, _ in reusing.own][0] == "events_tok2vec"
    standalone = ModelExtractor(load_trained(str(trained)), None)
    assert not standalone.reuse
    assert list(reusing.extract(docs)) == list(standalone.extract(docs))


def test_extract_without_model_path_is_a_user_error(tmp_path):
    result = run_cli("extract", str(DEV), "--extractor", "model", "-o", str(tmp_path / "o.jsonl"))
    assert result.returncode == 2
    assert "needs -O model.path=DIR (or --model-path DIR)" in result.stderr


def test_config_is_valid_and_names_our_components(trained):
    from spacy import util

    from eventcoder.learn.train import TrainFiles

    files = TrainFiles(trained)
    config = util.load_config(files.config)
    components = config["components"]
    assert components["event_roles"]["factory"] == "eventcoder_roles"
    assert components["event_roles"]["model"]["@architectures"] == "eventcoder.RoleClassifier.v1"
    assert components["event_arguments"]["suggester"]["@misc"] == "eventcoder.argument_suggester.v1"
    assert components["parser"]["source"] and "parser" in config["training"]["frozen_components"]
    assert files.spacy_command() in files.config.read_text()  # the re-run command heads the file
    # spaCy's own check, in a fresh process that knows our parts only through --code
    check = subprocess.run(
        [sys.executable, "-m", "spacy", "debug", "config", str(files.config), "--paths.train", str(files.train),
         "--paths.dev", str(files.dev), "--code", str(files.code)],
        capture_output=True, text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Config is valid" in check.stdout


def test_malformed_gold_is_reported_by_file_and_line(small_gold, tmp_path):
    train, dev = small_gold
    bad = tmp_path / "bad.jsonl"
    good = train.read_text(encoding="utf-8").splitlines()[0]
    bad.write_text(good + "\n\n{not json\n", encoding="utf-8")
    result = run_cli("train", str(bad), "--dev", str(dev), "-o", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith(f"{bad}:3: invalid JSON")
    assert not (tmp_path / "out").exists()

    record = json.loads(good)
    record["events"][0]["arguments"][0]["role"] = "speaker"  # MEETING has no speaker
    bad.write_text(good + "\n" + json.dumps(record) + "\n", encoding="utf-8")
    result = run_cli("train", str(train), "--dev", str(bad), "-o", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == f"{bad}:2: events/0: MEETING has no role 'speaker'"
