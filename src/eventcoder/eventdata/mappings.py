"""The PLOVER and CAMEO mappings (data files under ``data/mappings/``), applied to trigger words.

A phrase matches when its words occur, in order and adjacent, among the trigger's lemmas
(lower case); longer phrases are tried first, so "express concern" beats "express".
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

MAPPINGS = Path(__file__).resolve().parent / "data" / "mappings"


@functools.cache
def load(name: str) -> dict:
    return json.loads((MAPPINGS / f"{name}.json").read_text(encoding="utf-8"))


def _contains(words: tuple[str, ...], phrase: str) -> bool:
    wanted = tuple(phrase.lower().split())
    return any(words[i : i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1))


def first_match(words: tuple[str, ...], table: dict[str, list[str]]) -> str | None:
    """The key of ``table`` whose longest phrase occurs in ``words`` (ties: table order)."""
    best, best_size = None, 0
    for key, phrases in table.items():
        for phrase in phrases:
            size = len(phrase.split())
            if size > best_size and _contains(words, phrase):
                best, best_size = key, size
    return best


def plover_event(label: str, lemmas: tuple[str, ...]) -> str | None:
    """The PLOVER event category of an event, None when it has none (a plain statement)."""
    data = load("plover")
    if label == "STATEMENT":
        return first_match(lemmas, data["statements"])
    return data["types"].get(label)


def plover_mode(event: str | None, lemmas: tuple[str, ...]) -> str | None:
    modes = load("plover")["modes"].get(event or "", {})
    return first_match(lemmas, modes)


def cameo_code(label: str, lemmas: tuple[str, ...], refused: tuple[str, ...] = ()) -> str | None:
    """The CAMEO event code of an event; None for a type the mapping does not know."""
    entry = load("cameo")["types"].get(label)
    if entry is None:
        return None
    return first_match(lemmas + refused, entry["codes"]) or entry["default"]


def cameo_name(code: str | None) -> str | None:
    return load("cameo")["names"].get(code or "")
