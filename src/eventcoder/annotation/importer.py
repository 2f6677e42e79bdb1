"""``eventcoder db-in``: Prodigy db-out files and gold JSONL into the answer database.

* A line with ``answer`` is a Prodigy answer (``prodigy db-out``, or the review app's own
  export): its edits are folded in, ``events`` rebuilt, and an accepted one is checked like
  the app checks answers. Its hashes, annotator and session are kept.
* A line without ``answer`` is a gold record (docs/guidelines.md): it becomes an answer
  again, its spans and relations rebuilt from the events on the spaCy pipeline's tokens by
  ``tasks.make_task``. ``meta.annotation`` (written by ``eventcoder export``) gives the
  answer, the annotator and the input hash back, so export -> db-in -> export is the same file.

Nothing is stored unless every line is good (one transaction); a bad line is an InputError.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from eventcoder.annotation.answers import ANSWERS, Answer, read_answers, require
from eventcoder.annotation.answers import annotator as answered_by
from eventcoder.annotation.checks import relation_problems
from eventcoder.annotation.edits import normalize_answer
from eventcoder.annotation.store import AnswerStore, session_id
from eventcoder.core.errors import InputError
from eventcoder.core.formats import ProposedEvent
from eventcoder.core.reading import Skipping
from eventcoder.core.vocabulary import Registry
from eventcoder.pipeline.hashing import set_hashes
from eventcoder.pipeline.inputs import DROPPED_KEYS
from eventcoder.pipeline.tasks import make_task
from eventcoder.pipeline.validate import line_errors

#: What ``eventcoder export`` adds to a gold record's meta.
ANNOTATION_KEY = "annotation"
GOLD_EVENT_KEYS = ("label", "trigger", "arguments", "modality")


@dataclass
class ImportStats:
    answers: int = 0
    gold: int = 0


def _fail(answer: Answer, problems: list[str]) -> None:
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InputError(answer.path, answer.line, problems[0] + more)


def _core(events: list[dict]) -> list[tuple]:
    return sorted((e["label"], e["trigger"]["start"], e["trigger"]["end"], e.get("modality", "asserted"),
                   tuple(sorted((a["role"], a["start"], a["end"]) for a in e.get("arguments", []))))
                  for e in events)


def _misaligned(record: dict, doc) -> list[str]:
    """Mentions that do not start and end where tokens do (a task could not hold them)."""
    starts, ends = {token.idx for token in doc}, {token.idx + len(token) for token in doc}
    text, problems = record["text"], []
    for event in record["events"]:
        for mention in (event["trigger"], *event.get("arguments", [])):
            start, end = mention["start"], mention["end"]
            if start not in starts or end not in ends:
                problems.append(f'{event["label"]} "{event["trigger"]["text"]}": "{text[start:end]}" ({start}-{end})'
                                " does not start and end on token boundaries")
    return problems


def from_prodigy(answer: Answer, registry: Registry) -> dict:
    """A db-out line as a stored answer: edits folded in, events rebuilt, accepts checked."""
    task = require(answer)
    if not isinstance(task.get("tokens"), list) or not isinstance(task.get("spans"), list):
        _fail(answer, ["not an event task: it has no tokens and spans"])
    task, problems = normalize_answer(task, registry)
    if task["answer"] == "accept":
        problems += relation_problems(task, registry)
        _fail(answer, problems or line_errors(task, "task", registry))
    return set_hashes(task)


def from_gold(answer: Answer, registry: Registry, tokenizer) -> dict:
    """A gold record as an answer, its spans and relations laid out on fresh tokens."""
    record = answer.task
    _fail(answer, line_errors(record, "gold", registry))
    meta = dict(record.get("meta") or {})
    annotation = meta.pop(ANNOTATION_KEY, None)
    annotation = annotation if isinstance(annotation, dict) else {}
    meta.update({key: value for key, value in record.items() if key not in DROPPED_KEYS})
    doc = tokenizer(record["text"])
    _fail(answer, _misaligned(record, doc))
    events = [ProposedEvent(**{key: event[key] for key in GOLD_EVENT_KEYS if key in event}) for event in record["events"]]
    task = make_task(doc[:], events, meta, registry)
    if _core(task["events"]) != _core(record["events"]):
        _fail(answer, ["the events cannot be laid out as spans and relations: two triggers overlap"])
    if isinstance(annotation.get("input_hash"), int):
        task["_input_hash"] = annotation["input_hash"]  # the hash it was answered under
    task["answer"] = annotation.get("answer") if annotation.get("answer") in ANSWERS else "accept"
    if annotation.get("annotator"):
        task["_annotator_id"] = str(annotation["annotator"])
    return task


def import_answers(path: str, dataset: str, store: AnswerStore, registry: Registry, annotator: str,
                   spacy_model: str | None = None) -> ImportStats:
    """Import every line of ``path`` into ``dataset``; all of them, or none on a bad line.

    Answers without an annotator get ``annotator`` and the session ``DATASET-ANNOTATOR``.
    """
    answers, stats = read_for_import(path, dataset, registry, annotator, spacy_model)
    store.add_many(dataset, answers)
    return stats


def read_for_import(path: str, dataset: str, registry: Registry, annotator: str,
                    spacy_model: str | None = None, skipping: Skipping | None = None) -> tuple[list[dict], ImportStats]:
    """The answers :func:`import_answers` stores, all checked before any store is opened.

    ``skipping`` (``--skip-invalid``): bad lines skipped, lone surrogates replaced, both counted.
    """
    stats, answers, tokenizer = ImportStats(), [], None
    now = round(time.time(), 3)
    for answer in read_answers(path, skipping):
        try:
            if "answer" in answer.task:
                task = from_prodigy(answer, registry)
            else:
                if tokenizer is None:
                    from eventcoder.pipeline.nlp import (
                        load_pipeline,  # the pipeline loads only when there is gold to lay out
                    )

                    tokenizer = load_pipeline(spacy_model).make_doc
                task = from_gold(answer, registry, tokenizer)
        except InputError as exc:
            if skipping is None:
                raise
            skipping.skip(exc)
            continue
        if "answer" in answer.task:
            stats.answers += 1
        else:
            stats.gold += 1
        who = answered_by(task) or annotator
        task["_annotator_id"] = who
        task.setdefault("_session_id", session_id(dataset, who))
        task.setdefault("_timestamp", now)
        answers.append(task)
    return answers, stats
