"""The ``score`` of a rule proposal: the probability that a reviewer keeps it.

A small logistic model over features of the match (pattern, trigger lemma, part of speech,
roles found, modality and its cue, sentence length, extractors) learned on the train split
and calibrated on dev (Platt scaling) by ``corpus/fit_score.py``. It ships as a JSON file of
weights (``score_weights.json``); scoring is a dictionary look-up per feature.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from eventcoder.core.formats import ProposedEvent

WEIGHTS = Path(__file__).with_name("score_weights.json")
#: Used when no weights file is there (a fresh checkout before refitting): a neutral score.
DEFAULT_SCORE = 0.5


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if n <= edge:
            return f"<={edge}"
    return f">{edges[-1]}"


def features(event: ProposedEvent, pattern_id: str, lemma: str, pos: str, cued: bool, sentence_words: int) -> list[str]:
    """The names of the features that fire for one proposal (all binary)."""
    roles = sorted({a.role for a in event.arguments})
    found = [
        "bias",
        f"type={event.label}",
        f"pattern={pattern_id}",
        f"lemma={event.label}:{lemma}",
        f"pos={pos}",
        f"modality={event.modality}",
        f"type_modality={event.label}:{event.modality}",
        f"cued={cued}",
        f"n_args={_bucket(len(event.arguments), (0, 1, 2, 3))}",
        f"words={_bucket(sentence_words, (8, 15, 25, 40))}",
        f"trigger_words={_bucket(len(event.trigger.text.split()), (1, 2))}",
        *(f"role={event.label}:{r}" for r in roles),
        *(f"extractor={name}" for name in event.extractors),
    ]
    if not event.arguments:
        found.append(f"no_args={event.label}")
    return found


class Scorer:
    """Logistic weights plus the Platt calibration fitted on dev."""

    def __init__(self, weights: dict[str, float], a: float = 1.0, b: float = 0.0):
        self.weights, self.a, self.b = weights, a, b

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> Scorer | None:
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["weights"], data["calibration"]["a"], data["calibration"]["b"])

    def logit(self, names: list[str]) -> float:
        return sum(self.weights.get(name, 0.0) for name in names)

    def __call__(self, names: list[str]) -> float:
        z = self.a * self.logit(names) + self.b
        return round(1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))), 4)


@lru_cache(maxsize=1)
def default_scorer() -> Scorer | None:
    """The shipped scorer, loaded once per process."""
    return Scorer.load()
