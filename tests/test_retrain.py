"""The training side of the learning loop: ``eventcoder retrain`` (refuses a worse model unless
forced, replaces the model folder atomically, keeps a backup) and ``train --learning-curve``.

The decision logic runs on fakes of training and scoring with controlled scores; the command
line runs real tiny trainings (a few steps, a few sentences): a learning curve, then a
retraining from its model's weights.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, read_jsonl, run_cli

from eventcoder.core.errors import UserError

DEV = ROOT / "corpus" / "dev.jsonl"


def write_lines(path: Path, lines: list[str]) -> str:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


def fake_model(folder: Path, score: float) -> Path:
    (folder / "model-best").mkdir(parents=True)
    for name in ("meta.json", "config.cfg"):
        (folder / "model-best" / name).write_text("{}")
    (folder / "score").write_text(str(score))
    return folder


@pytest.fixture
def fakes(monkeypatch):
    """Training writes a model that scores ``fakes.next`` on test; scoring reads that score back."""
    import eventcoder.learn.retrain as retrain

    class Fakes:
        next = 0.5
        trained: list = []

    def train(gold, dev, output, registry, last, settings):
        Fakes.trained.append({"gold": read_jsonl(gold), "last": last, "settings": settings})
        fake_model(output, Fakes.next)

    def evaluate_model(model, test, registry, base=None):
        score = float((Path(model) / "score").read_text())
        return {key: {"f1": score} for key in ("triggers", "arguments", "irrealis")}

    Fakes.trained = []
    monkeypatch.setattr(retrain, "_train", train)
    monkeypatch.setattr(retrain, "evaluate_model", evaluate_model)
    return Fakes


@pytest.fixture(scope="module")
def answers(tmp_path_factory, nlp, registry):
    """A db-out file: two accepted answers, one rejected; the second text is also a test text."""
    from annotation_helpers import as_answer, build_task

    texts = ["Makei met Lavrov in Moscow.", "Lavrov said Minsk will not send any officials.", "Prices rose."]
    events = [[("MEETING", "met", [("participant", "Makei")])], [("STATEMENT", "said", [("speaker", "Lavrov")])], []]
    folder = tmp_path_factory.mktemp("answers")
    lines = [json.dumps(as_answer(build_task(nlp, registry, text, evs, doc=f"d{n}"), "reject" if n == 2 else "accept", ts=n))
             for n, (text, evs) in enumerate(zip(texts, events))]
    test = write_lines(folder / "test.jsonl", [json.dumps({"text": texts[1], "events": []})])
    gold = write_lines(folder / "gold.jsonl", [json.dumps({"text": "Kyiv and Minsk agreed.", "events": []}),
                                               json.dumps({"text": texts[0], "events": []})])
    return {"answers": write_lines(folder / "answers.jsonl", lines), "test": test, "gold": gold, "texts": texts}


def run(answers, model, registry, **options):
    from eventcoder.learn.retrain import retrain

    return retrain(answers["answers"], model, registry, dev=answers["test"], test=answers["test"], **options)


def test_a_worse_model_is_refused_and_kept_aside(fakes, answers, registry, tmp_path):
    model = fake_model(tmp_path / "events", 0.6)
    fakes.next = 0.5
    result = run(answers, model, registry)
    assert not result.replaced and result.old_score == 0.6 and result.new_score == 0.5
    assert (model / "score").read_text() == "0.6"  # untouched
    rejected = tmp_path / "events.rejected"
    assert result.model == rejected and (rejected / "score").read_text() == "0.5"
    record = json.loads((rejected / "retrain.json").read_text())
    assert record["replaced"] is False and record["old_score"] == 0.6 and record["new_score"] == 0.5
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp folder left
    assert fakes.trained[0]["last"] == model / "model-best"  # trained on from the current model


def test_force_replaces_it_and_keeps_the_previous_model(fakes, answers, registry, tmp_path):
    model = fake_model(tmp_path / "events", 0.6)
    fake_model(tmp_path / "events.previous", 0.1)  # an older backup gives way
    fakes.next = 0.5
    result = run(answers, model, registry, force=True)
    assert result.replaced and result.forced and result.model == model
    assert (model / "score").read_text() == "0.5"
    assert (tmp_path / "events.previous" / "score").read_text() == "0.6" and result.backup == tmp_path / "events.previous"
    assert json.loads((model / "retrain.json").read_text())["forced"] is True


def test_a_model_scoring_as_well_replaces_it(fakes, answers, registry, tmp_path):
    model = fake_model(tmp_path / "events", 0.6)
    fakes.next = 0.6
    result = run(answers, model, registry, from_base=True)
    assert result.replaced and not result.forced and (model / "score").read_text() == "0.6"
    assert (model / "retrain.json").is_file() and (tmp_path / "events.previous").is_dir()
    assert fakes.trained[0]["last"] is None  # --from-base


def test_training_data_never_holds_test_texts(fakes, answers, registry, tmp_path):
    result = run(answers, tmp_path / "events", registry, gold=[answers["gold"]], max_steps=3)
    assert result.replaced and result.old_score is None and result.backup is None  # the first model
    trained = fakes.trained[0]
    texts = [record["text"] for record in trained["gold"]]
    # the gold first, the answer replacing its record of the same text; the test text left out
    assert texts == ["Kyiv and Minsk agreed.", answers["texts"][0]]
    assert trained["gold"][1]["events"][0]["label"] == "MEETING"
    assert result.left_out_test == 1 and result.records == 2 and result.answers == 2
    assert trained["settings"] == {"max_steps": 3}


def test_failures_leave_the_model_alone(fakes, answers, registry, tmp_path, monkeypatch):
    import eventcoder.learn.retrain as retrain

    model = fake_model(tmp_path / "events", 0.6)

    def broken(*args):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(retrain, "_train", broken)
    with pytest.raises(RuntimeError):
        run(answers, model, registry)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events"] and (model / "score").read_text() == "0.6"
    rejected_only = write_lines(tmp_path / "rejected.jsonl", [Path(answers["answers"]).read_text().splitlines()[2]])
    with pytest.raises(UserError, match="no accept answers"):
        retrain.retrain(rejected_only, model, registry, dev=answers["test"], test=answers["test"])


def test_learning_curve_trains_nested_shares(monkeypatch, registry, tmp_path):
    import eventcoder.learn.learning_curve as curve_module
    import eventcoder.learn.train as training
    from eventcoder.learn.train import TrainFiles

    gold = write_lines(tmp_path / "gold.jsonl", DEV.read_text(encoding="utf-8").splitlines()[:20])
    trained = []

    def train(gold_file, dev, output, registry, **settings):
        trained.append((Path(output), [r["text"] for r in read_jsonl(gold_file)], settings))
        return TrainFiles(Path(output))

    monkeypatch.setattr(training, "train", train)
    monkeypatch.setattr(curve_module, "evaluate_model", lambda model, dev, registry, base: {"model": str(model)})
    points = []
    curve = curve_module.learning_curve(gold, str(DEV), tmp_path / "out", registry, curve_module.parse_shares("50,25,100"),
                                        seed=3, max_steps=7, on_point=points.append)
    assert [p["records"] for p in curve["points"]] == [5, 10, 20] and points == curve["points"]
    folders = [output for output, _, _ in trained]
    assert folders == [tmp_path / "out/learning-curve/share-025", tmp_path / "out/learning-curve/share-050", tmp_path / "out"]
    quarter, half, whole = (set(texts) for _, texts, _ in trained)
    assert quarter < half < whole and len(whole) == 20  # each share holds the smaller ones
    assert trained[0][2] == {"seed": 3, "max_steps": 7}
    assert json.loads((tmp_path / "out" / "learning_curve.json").read_text()) == curve
    assert curve["points"][0]["dev"] == {"model": str(tmp_path / "out/learning-curve/share-025")}
    with pytest.raises(UserError):
        curve_module.parse_shares("0,50")


def test_learning_curve_then_retrain_for_real(tmp_path):
    """Tiny real trainings: a learning curve whose full share is the model, then a model trained
    on from its weights with answers from the review database (forced: a few steps decide little)."""
    lines = DEV.read_text(encoding="utf-8").splitlines()
    gold = write_lines(tmp_path / "gold.jsonl", lines[:16])
    dev = write_lines(tmp_path / "dev.jsonl", lines[16:22])
    model = tmp_path / "models" / "events"
    curve = run_cli("train", gold, "--dev", dev, "-o", str(model), "--max-steps", "6", "--learning-curve", "--shares", "50,100")
    assert curve.returncode == 0, curve.stderr[-2000:]
    points = json.loads((model / "learning_curve.json").read_text())["points"]
    assert [p["records"] for p in points] == [8, 16] and all("f1" in p["dev"]["triggers"] for p in points)
    assert (model / "learning-curve" / "share-050" / "model-best").is_dir() and (model / "model-best").is_dir()
    assert f"--model-path {model}" in curve.stderr

    db = str(tmp_path / "answers.db")
    assert run_cli("db-in", "reviewed", gold, "--db", db, "--annotator", "anna").returncode == 0
    result = run_cli("retrain", "reviewed", "--db", db, "--model", str(model), "--dev", dev, "--test", dev,
                     "--max-steps", "6", "--force")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "replaced" in result.stderr and "current model" in result.stderr
    record = json.loads((model / "retrain.json").read_text())
    assert record["trained_from"] == "current model" and record["records"] == 16 and record["old_score"] is not None
    assert (tmp_path / "models" / "events.previous" / "learning_curve.json").is_file()  # the old model, whole
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["events", "events.previous"]
