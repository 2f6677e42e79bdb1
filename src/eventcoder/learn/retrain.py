"""``eventcoder retrain``: reviewers' answers in, a better model out, or the current one kept.

1. The accepted answers (a ``prodigy db-out`` file or a dataset of the review database) are
   exported to gold with ``annotation.export``; with the ``gold`` files given too (the data
   the model was trained on), they make the training set: an answer replaces a gold
   record of the same text. Records whose text is in the test file are left out: the test
   split stays unseen.
2. The candidate trains into a temp folder beside MODEL, with ``eventcoder train``'s files
   (``training.train.prepare``) and spaCy's loop, from the weights of the current model
   (its event components are sourced and trained on) or, with ``from_base``, afresh.
3. Both models are scored on the frozen test file, each by ``SCORE_WEIGHTS`` over the
   micro F1s, the weights training picks ``model-best`` by.
4. A candidate scoring at least as well (or ``force``) replaces MODEL: MODEL is renamed to
   ``MODEL.previous`` (replacing an older backup) and the candidate to MODEL, so MODEL is
   always a complete model. A refused candidate is kept as ``MODEL.rejected``. Either way it
   holds ``retrain.json``: what it was trained on, both scores, and the decision.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from eventcoder.annotation.datasets import dataset_name, export_dataset
from eventcoder.annotation.export import ExportStats, export
from eventcoder.core.atomic import atomic_writer
from eventcoder.core.errors import UserError
from eventcoder.core.vocabulary import Registry
from eventcoder.learn.evaluate import evaluate_model

#: Weights of the micro F1s in the test score (the score_weights of eventcoder train's config).
SCORE_WEIGHTS = {"triggers": 0.4, "arguments": 0.4, "irrealis": 0.2}
RECORD_FILE = "retrain.json"
BACKUP_SUFFIX, REJECTED_SUFFIX = ".previous", ".rejected"


def weighted_score(scores: dict) -> float:
    """The weighted F1 of an ``evaluate`` result (see ``SCORE_WEIGHTS``)."""
    return round(sum(weight * (scores[key]["f1"] or 0.0) for key, weight in SCORE_WEIGHTS.items()), 4)


@dataclass
class RetrainResult:
    """What ``retrain`` did. ``model`` is where the new model lies now (MODEL or MODEL.rejected);
    ``resumed_from`` the pipeline it was trained on from, where it was then."""

    model: Path
    replaced: bool
    forced: bool
    new_score: float
    old_score: float | None
    new: dict
    old: dict | None
    backup: Path | None
    answers: int
    records: int
    left_out_test: int
    resumed_from: Path | None


def current_model(model: Path) -> Path | None:
    """The pipeline folder of the model at ``model``; None when there is none yet."""
    from eventcoder.extractors.model.extractor import resolve_model_path

    if not model.exists():
        return None
    return resolve_model_path(model)


def training_records(answers: Path, gold: Sequence[str], test: str, registry: Registry) -> tuple[list[dict], int]:
    """The gold records then the answers, one per text (answers win), minus the test texts;
    and how many were left out for being test texts."""
    from eventcoder.learn.convert import read_gold

    test_texts = {record["text"] for record in read_gold(test, registry)}
    by_text: dict[str, dict] = {}
    for path in [*gold, answers]:
        for record in read_gold(path, registry):
            by_text.pop(record["text"], None)  # a later record of the same text goes last
            by_text[record["text"]] = record
    kept = [record for text, record in by_text.items() if text not in test_texts]
    return kept, len(by_text) - len(kept)


def resume_config(config_path: Path, last: Path) -> None:
    """Rewrite ``config_path`` to source the event components from pipeline ``last``, so
    training goes on from its weights (spaCy resumes sourced components that are not frozen)."""
    from spacy import util

    from eventcoder.learn.config import OWN

    pipeline = util.load_config(last / "config.cfg")["nlp"]["pipeline"]
    missing = [name for name in OWN if name not in pipeline]
    if missing:
        raise UserError(f"{last} has no {', '.join(missing)}: not a model of eventcoder train (retrain it with --from-base)")
    text = config_path.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    config = util.load_config(config_path)
    for name in OWN:
        config["components"][name] = {"source": str(last.resolve())}
    with atomic_writer(config_path) as handle:
        handle.write(header + config.to_str())


def _train(gold: Path, dev: str, output: Path, registry: Registry, last: Path | None, settings: dict) -> None:
    """``eventcoder train`` into ``output``, from the weights of ``last`` when given."""
    from eventcoder.learn.train import prepare, run_spacy_training

    files = prepare(str(gold), dev, output, registry, **settings)
    if last is not None:
        resume_config(files.config, last)
    run_spacy_training(files)


def _sibling(model: Path, suffix: str) -> Path:
    return model.with_name(model.name + suffix)


def _move(source: Path, target: Path) -> None:
    """Rename ``source`` to ``target``, removing what was at ``target``."""
    if target.exists():
        shutil.rmtree(target)
    os.rename(source, target)


def replace_model(model: Path, candidate: Path) -> Path | None:
    """Put ``candidate`` at ``model``, the old model at ``model.previous``; returns the backup.

    Two renames on one file system: MODEL is missing only between them, and is put back
    when the second fails.
    """
    backup = None
    if model.exists():
        backup = _sibling(model, BACKUP_SUFFIX)
        _move(model, backup)
    try:
        os.rename(candidate, model)
    except BaseException:
        if backup is not None:
            os.rename(backup, model)
        raise
    return backup


def export_answers(answers: str, db: str | None, output: Path, registry: Registry, keep: Sequence[str],
                   merge: str) -> ExportStats:
    """Gold JSONL at ``output`` from a db-out file or a dataset of ``db``."""
    dataset = dataset_name(answers, db)
    if dataset is not None:
        return export_dataset(db, dataset, str(output), registry, keep=keep, merge=merge, fmt="jsonl")
    return export(answers, str(output), registry, keep=keep, merge=merge, fmt="jsonl")


def _install(model: Path, candidate: Path, replace: bool) -> tuple[Path, Path | None]:
    """Move ``candidate`` to MODEL (or MODEL.rejected); where it went, and the backup."""
    if replace:
        return model, replace_model(model, candidate)
    rejected = _sibling(model, REJECTED_SUFFIX)
    _move(candidate, rejected)
    return rejected, None


def retrain(answers: str, model: str | Path, registry: Registry, *, dev: str, test: str, gold: Sequence[str] = (),
            db: str | None = None, keep: Sequence[str] = ("accept",), merge: str = "latest", force: bool = False,
            from_base: bool = False, log: Callable[[str], None] = lambda message: None, **settings) -> RetrainResult:
    """Export, train, score on ``test`` and replace MODEL or not (see the module docstring).

    ``answers`` is a db-out file, or a dataset of the review database ``db``; ``settings`` go
    to ``eventcoder train`` (``max_steps``, ``base_model``, ``from_scratch``, ``seed``).
    """
    model = Path(model)
    last = current_model(model)
    dataset_name(answers, db)  # neither a file nor a dataset: fail before anything is made
    model.parent.mkdir(parents=True, exist_ok=True)
    # Beside MODEL, so the final rename stays on one file system.
    candidate = Path(tempfile.mkdtemp(prefix=f".{model.name}.new-", dir=model.parent))
    try:
        exported = candidate / "answers.jsonl"
        stats = export_answers(answers, db, exported, registry, keep, merge)
        if not stats.records:
            raise UserError(f"{answers}: no {'/'.join(keep)} answers to train on")
        records, left_out = training_records(exported, gold, test, registry)
        if not records:
            raise UserError("nothing to train on: every record's text is in the test file")
        train_file = candidate / "gold.jsonl"
        with atomic_writer(train_file) as handle:
            handle.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
        log(f"{stats.records} answers exported; training on {len(records)} records"
            + (f" ({left_out} left out: their text is in {test})" if left_out else ""))
        old = None
        if last is not None:
            log(f"scoring the current model {model} on {test}")
            old = evaluate_model(model, test, registry, settings.get("base_model"))
        resumed_from = None if from_base or last is None else last
        log(f"training {'from ' + str(resumed_from) if resumed_from else 'afresh'} into {candidate}")
        _train(train_file, dev, candidate, registry, resumed_from, settings)
        new = evaluate_model(candidate, test, registry, settings.get("base_model"))
        old_score, new_score = (weighted_score(old) if old else None), weighted_score(new)
        better = old_score is None or new_score >= old_score
        replaced = better or force
        record = {
            "answers": answers, "gold": list(gold), "dev": dev, "test": test, "records": len(records),
            "answers_exported": stats.records, "left_out_test": left_out,
            "trained_from": "current model" if resumed_from else "afresh", "score_weights": SCORE_WEIGHTS,
            "old_score": old_score, "new_score": new_score, "replaced": replaced, "forced": replaced and not better,
            "test_scores": {"old": old, "new": new},
        }
        with atomic_writer(candidate / RECORD_FILE) as handle:
            handle.write(json.dumps(record, indent=2) + "\n")
        where, backup = _install(model, candidate, replaced)
    except BaseException:
        shutil.rmtree(candidate, ignore_errors=True)
        raise
    return RetrainResult(model=where, replaced=replaced, forced=replaced and not better, new_score=new_score,
                         old_score=old_score, new=new, old=old, backup=backup, answers=stats.records,
                         records=len(records), left_out_test=left_out, resumed_from=resumed_from)
