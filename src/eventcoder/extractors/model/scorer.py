"""The dev-set score of training: the matching of ``eventcoder evaluate``, inside spaCy.

spaCy keeps ``model-best`` by this score, so the model it keeps is the best one by the
measure users see: triggers of the same type overlapping one to one, arguments by role and
overlap within matched events, irrealis events scored apart. Gold events come from the
reference docs' ``user_data["events"]`` (see ``convert``), predictions from the predicted
docs' (set by the ``eventcoder_roles`` component). Registered as ``eventcoder.event_scorer.v1``.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable

from spacy.training import Example
from spacy.util import registry

from eventcoder.core.scoring import Counts, Scores, score_document
from eventcoder.pipeline.docbin import EVENTS_KEY


def _total(table: dict[str, Counts]) -> Counts:
    total = Counts()
    for counts in table.values():
        total.add(counts)
    return total


def score_events(examples: Iterable[Example], **kwargs) -> Dict[str, Any]:
    """``events_trigger_{p,r,f}``, ``events_argument_{p,r,f}``, ``events_irrealis_f`` and
    ``events_modality_acc`` (of matched real events)."""
    scores = Scores()
    for example in examples:
        gold = example.reference.user_data.get(EVENTS_KEY, [])
        predicted = example.predicted.user_data.get(EVENTS_KEY, [])
        score_document(gold, predicted, scores)
    result: Dict[str, Any] = {}
    for name, table in (("trigger", scores.triggers), ("argument", scores.arguments)):
        counts = _total(table).as_dict()
        result.update({f"events_{name}_p": counts["precision"], f"events_{name}_r": counts["recall"], f"events_{name}_f": counts["f1"]})
    result["events_irrealis_f"] = _total(scores.irrealis).as_dict()["f1"]
    result["events_modality_acc"] = scores.modality_right / scores.modality_total if scores.modality_total else None
    return result


@registry.scorers("eventcoder.event_scorer.v1")
def make_event_scorer() -> Callable[..., Dict[str, Any]]:
    return score_events
