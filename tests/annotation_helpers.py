"""Helpers for the recipe, export and agreement tests: tasks from hand-written events, answers,
and a table-driven extractor (so these tests do not depend on what the rules propose)."""

from __future__ import annotations

import importlib.util
import re

import pytest
from conftest import ROOT

from eventcoder.core.formats import ProposedEvent

TEXT = "Makei met Lavrov in Moscow on Wednesday. Lavrov said Minsk will not send any officials."
#: What the fake extractor proposes wherever the words occur: type, trigger, [(role, text)].
#: "Wednesday" as the meeting's place is a deliberate mistake for annotators to correct.
PROPOSALS = [
    ("MEETING", "met", [("participant", "Makei"), ("participant", "Lavrov"), ("place", "Wednesday")]),
    ("STATEMENT", "said", [("speaker", "Lavrov#2"), ("content", "Minsk will not send any officials")]),
    ("REFUSAL", "will not send", [("refuser", "Minsk")]),
]


def locate(text: str, piece: str) -> dict:
    """``piece`` in ``text``; ``"Lavrov#2"`` is the second occurrence."""
    match = re.fullmatch(r"(.+)#(\d+)", piece)
    piece, n = (match[1], int(match[2])) if match else (piece, 1)
    start = -1
    for _ in range(n):
        start = text.index(piece, start + 1)
    return {"start": start, "end": start + len(piece), "text": piece}


def proposed(text: str, label: str, trigger: str, args: list, modality: str = "asserted", extractor: str = "fake") -> ProposedEvent:
    return ProposedEvent(
        label=label, trigger=locate(text, trigger), modality=modality, score=0.8, extractors=[extractor],
        arguments=[{**locate(text, piece), "role": role} for role, piece in args],
    )


def build_task(nlp, registry, text: str, events: list, doc: str = "doc1") -> dict:
    """A task for ``text`` from ``(label, trigger, args[, modality])`` tuples."""
    from eventcoder.pipeline.tasks import make_task

    return make_task(nlp(text)[:], [proposed(text, *event) for event in events], {"doc": doc, "offset": 0}, registry)


def as_answer(task: dict, answer: str = "accept", who: str | None = "alice", ts: int = 0, session_only: bool = False) -> dict:
    """A task as Prodigy's db-out writes it once answered."""
    result = {**task, "answer": answer, "_timestamp": ts}
    if who is not None:
        result["_session_id"] = f"events-{who}"
        if not session_only:
            result["_annotator_id"] = f"events-{who}"
    return result


class FakeExtractor:
    """Proposes PROPOSALS wherever their trigger and argument words are in the doc."""

    name = "fake"

    def extract(self, docs):
        for doc in docs:
            found = []
            for label, trigger, args in PROPOSALS:
                try:
                    found.append(proposed(doc.text, label, trigger, args))
                except ValueError:  # a word is missing from this doc
                    continue
            yield found


@pytest.fixture
def fake_extractor(registry, monkeypatch):
    """Register the ``fake`` extractor for this test (any extractor name must work)."""
    monkeypatch.setitem(registry.extractors, "fake", lambda context: FakeExtractor())
    return "fake"


@pytest.fixture(scope="session")
def recipes():
    """recipes/events.py, loaded as Prodigy's -F loads it."""
    spec = importlib.util.spec_from_file_location("events_recipes", ROOT / "recipes" / "events.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
