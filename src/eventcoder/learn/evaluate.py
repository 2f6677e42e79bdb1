"""``eventcoder evaluate GOLD PRED``: trigger and argument P/R/F1 against gold events.

* Documents are aligned by id (``doc``, ``meta.doc``, ``id`` or ``meta.id``) and each line's
  ``meta.offset``, so predictions made per paragraph or sentence score against whole-document
  gold; lines without an id align by their text.
* Events are matched and counted by :mod:`eventcoder.core.scoring`.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

from eventcoder.core.errors import InputError
from eventcoder.core.reading import Skipping, read_json_objects
from eventcoder.core.scoring import Scores, report, score_document
from eventcoder.core.vocabulary import Registry
from eventcoder.pipeline.inputs import doc_id
from eventcoder.pipeline.tasks import events_from_task
from eventcoder.pipeline.validate import detect_kind, schema_errors


def _text_key(text: str) -> str:
    return "text:" + hashlib.sha1(text.encode("utf-8")).hexdigest()


def _events(obj: dict, registry: Registry) -> list[dict]:
    if "events" in obj:
        return obj["events"]
    return events_from_task(obj, registry)


def _shifted(event: dict, offset: int) -> dict:
    def shift(m: dict) -> dict:
        return {**m, "start": m["start"] + offset, "end": m["end"] + offset}

    return {**event, "trigger": shift(event["trigger"]), "arguments": [shift(a) for a in event.get("arguments", [])]}


@dataclass
class Documents:
    """Events per document key (in file order), and each whole-text line's text key and text."""

    events: dict[str, list[dict]] = field(default_factory=dict)
    by_text: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)

    def find(self, key: str, text_key: str | None) -> list[dict]:
        if key in self.events:
            return self.events[key]
        other = self.by_text.get(text_key) if text_key else None
        return self.events.get(other, []) if other else []


def _line_problem(obj: dict) -> str | None:
    """Why a gold or task line cannot be scored, or None."""
    if not isinstance(obj.get("text"), str):
        return 'no "text" field'
    if "events" not in obj and "spans" not in obj:
        return 'no "events" (or "spans") field'
    # The same models (as JSON Schema) validate, train and db-in check lines with.
    problems = schema_errors(obj, detect_kind(obj))
    if problems:
        return problems[0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
    return None


def load_events(path: str, registry: Registry, skipping: Skipping | None = None) -> Documents:
    """Events at document offsets per document, from a gold or task JSONL file.

    ``skipping`` (``--skip-invalid``): bad lines skipped, lone surrogates replaced, both counted.
    """
    docs = Documents()
    for number, obj in read_json_objects(path, skipping):
        problem = _line_problem(obj)
        if problem:
            if skipping is None:
                raise InputError(path, number, problem)
            skipping.skip(InputError(path, number, problem))
            continue
        meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
        text_key = _text_key(obj["text"])
        key = doc_id(obj) or text_key
        offset = meta.get("offset", 0) if isinstance(meta.get("offset"), int) else 0
        docs.events.setdefault(key, []).extend(_shifted(e, offset) for e in _events(obj, registry))
        if offset == 0:
            docs.by_text.setdefault(text_key, key)
            docs.texts.setdefault(key, obj["text"])
    return docs


class Aligned(NamedTuple):
    """One gold document, its text (None when no gold line holds it whole) and both event lists."""

    key: str
    text: str | None
    gold: list[dict]
    pred: list[dict]


def check_not_tasks(gold_path: str, skipping: Skipping | None = None) -> None:
    """InputError when GOLD looks like ``extract`` output (tasks: ``tokens``/``_task_hash``, no ``answer``).

    Swapped arguments would otherwise score fine with precision and recall swapped.
    """
    if not Path(gold_path).is_file():
        return
    # A throw-away Skipping: the lines are read (and counted) again by load_events.
    for number, obj in read_json_objects(gold_path, None if skipping is None else Skipping()):
        if ("tokens" in obj or "_task_hash" in obj) and "answer" not in obj:
            raise InputError(gold_path, number, "GOLD looks like extract output (a task with tokens/_task_hash):"
                             " the order is evaluate GOLD PRED")
        return


def aligned(gold_path: str, pred_path: str, registry: Registry, skipping: Skipping | None = None) -> Iterator[Aligned]:
    """The gold documents in file order, each with the predictions aligned to it."""
    check_not_tasks(gold_path, skipping)
    gold = load_events(gold_path, registry, skipping)
    pred = load_events(pred_path, registry, skipping)
    text_keys = {key: text_key for text_key, key in gold.by_text.items()}
    for key, events in gold.events.items():
        yield Aligned(key, gold.texts.get(key), events, pred.find(key, text_keys.get(key)))


def score_aligned(documents: Iterable[Aligned], registry: Registry) -> dict:
    """The scores of aligned documents (what :func:`evaluate` returns)."""
    scores = Scores()
    for doc in documents:
        scores.documents += 1
        score_document(doc.gold, doc.pred, scores)
    return report(scores, registry)


def evaluate(gold_path: str, pred_path: str, registry: Registry, skipping: Skipping | None = None) -> dict:
    """Score the predictions in ``pred_path`` against the gold events in ``gold_path``.

    ``skipping`` (``--skip-invalid``): bad lines of either file skipped and counted there.
    """
    return score_aligned(aligned(gold_path, pred_path, registry, skipping), registry)


def evaluate_model(model: str | Path, gold_path: str, registry: Registry, spacy_model: str | None = None) -> dict:
    """Score a model trained by ``eventcoder train`` (its output folder, or a pipeline folder)
    on ``gold_path``: its texts go through ``extract --extractor model --unit doc``."""
    from eventcoder.extractors.model.extractor import load_trained
    from eventcoder.run.extract import ExtractConfig, extract

    config = ExtractConfig(extractors=("model",), unit="doc", spacy_model=spacy_model,
                           options={"model": {"path": str(model)}})
    with tempfile.TemporaryDirectory(prefix="eventcoder-eval-") as tmp:
        predictions = str(Path(tmp) / "predictions.jsonl")
        try:
            extract([str(gold_path)], predictions, config)
        finally:
            load_trained.cache_clear()  # a model folder may be replaced (retrain): never reuse it
        return evaluate(str(gold_path), predictions, registry)
