"""Few-shot examples: gold records (docs/guidelines.md) shown to the model as solved prompts.

An example is rendered exactly like the document to annotate: numbered sentences (cut by
spaCy's rule-based sentencizer, so no pipeline is needed) and the answer the model should
give, in the shape of ``schemas/llm_response.schema.json``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

import spacy
from pydantic import ValidationError
from spacy.training import Example
from spacy_llm.ty import FewshotExample

from eventcoder.core.errors import InputError
from eventcoder.core.formats import GoldRecord
from eventcoder.core.reading import read_json_objects
from eventcoder.extractors.llm.tasks.events.resolve import RESULT_KEY
from eventcoder.extractors.llm.tasks.events.sentences import (
    numbered_sentences,
    sentence_lines,
)

#: The examples shipped with eventcoder, used when a task names none.
DEFAULT_EXAMPLES = Path(__file__).resolve().parents[2] / "examples.jsonl"


class EventsExample(FewshotExample):
    """A gold record: text and events with character offsets."""

    text: str
    events: List[Dict[str, Any]] = []

    @classmethod
    def generate(cls, example: Example, task) -> Optional["EventsExample"]:
        """An example from a spaCy Example whose reference doc holds events (``RESULT_KEY``)."""
        result = example.reference.user_data.get(RESULT_KEY)
        if not result:
            return None
        return cls(text=example.reference.text, events=list(result.get("events", [])))


def read_gold_examples(path: str | Path) -> List[Dict[str, Any]]:
    """Gold records from a JSONL file, checked: schema, and offsets that match their texts.

    Lines are read by the project's one reader (gzip, line and depth bounds, UTF-8, surrogates).
    """
    path = Path(path)
    records = []
    for number, obj in read_json_objects(str(path)):
        try:
            record = GoldRecord.model_validate(obj)
        except ValidationError as exc:
            raise InputError(str(path), number, f"not a gold record: {_first_error(exc)}") from None
        for event in record.events:
            for mention in [event.trigger, *event.arguments]:
                if record.text[mention.start : mention.end] != mention.text:
                    raise InputError(
                        str(path), number,
                        f"{event.label} mention {mention.text!r} is not at {mention.start}:{mention.end}",
                    )
        records.append({"text": record.text, "events": [e.model_dump() for e in record.events]})
    return records


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    return f"{'/'.join(map(str, error['loc']))}: {error['msg']}"


@functools.cache
def _sentencizer():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _flat(event: dict, repeats: dict[str, bool]) -> dict:
    """An answer item of Events.v2: roles as keys, a list for a repeating role."""
    item = {key: event[key] for key in ("sentence", "type", "trigger", "modality")}
    for arg in event["arguments"]:
        role, text = arg["role"], arg["text"]
        if repeats.get(role):
            item.setdefault(role, []).append(text)
        else:
            item.setdefault(role, text)
    return item


def render_example(example: EventsExample, labels: Iterable[str], registry=None, hint=None) -> Dict[str, str]:
    """``{"sentences": numbered lines, "answer": JSON}`` for the prompt, events of ``labels`` only.

    With ``registry`` the answer is the flat one of Events.v2 (roles as keys), else v1's;
    ``hint`` adds its text to each sentence line (Events.v2's trigger-word hints).
    """
    doc = _sentencizer()(example.text)
    sentences = numbered_sentences(doc)
    wanted = set(labels)
    events = []
    for event in sorted(example.events, key=lambda e: (e["trigger"]["start"], e["trigger"]["end"])):
        if event["label"] not in wanted:
            continue
        start = event["trigger"]["start"]
        sentence = next((i for i, s in enumerate(sentences) if s.start_char <= start < s.end_char), 0)
        events.append(
            {
                "type": event["label"],
                "modality": event.get("modality", "asserted"),
                "sentence": sentence,
                "trigger": event["trigger"]["text"],
                "arguments": [{"role": a["role"], "text": a["text"]} for a in event.get("arguments", [])],
            }
        )
    if registry is not None:
        events = [_flat(e, {r.name: r.repeats for r in registry.types[e["type"]].roles}) for e in events]
    return {"sentences": sentence_lines(sentences, hint), "answer": json.dumps({"events": events}, ensure_ascii=False)}
