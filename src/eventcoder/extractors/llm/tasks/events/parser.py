"""From a model's answer to the event items it lists, whatever the wrapping.

Models wrap JSON in code fences, put prose before and after it, write one object per bullet
line, or leave trailing commas. :func:`event_items` tries the answer as it is, then the
insides of code fences, then every JSON value found by scanning, each also with trailing
commas removed, and accepts ``{"events": [...]}``, a bare list of events, or loose event
objects. :func:`normalise_item` then maps the usual variants of one event (``label`` for
``type``, a trigger object, arguments as a role -> text mapping) to one shape.
"""

from __future__ import annotations

import json
import re

_FENCE = re.compile(r"```[\w-]*[ \t]*\n?(.*?)```", re.S)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_DECODER = json.JSONDecoder()


def _json_values(text: str) -> list:
    """Every JSON object or array in ``text``, left to right, not nested in one another."""
    values, i = [], 0
    while True:
        starts = [pos for pos in (text.find("{", i), text.find("[", i)) if pos >= 0]
        if not starts:
            return values
        start = min(starts)
        try:
            value, i = _DECODER.raw_decode(text, start)
        except json.JSONDecodeError:
            i = start + 1
            continue
        values.append(value)


def _is_event(value) -> bool:
    return isinstance(value, dict) and any(key in value for key in ("type", "label", "trigger"))


def _items(values: list) -> list[dict] | None:
    """The event items in decoded ``values``, or None when they hold no events list at all."""
    for value in values:
        if isinstance(value, dict) and isinstance(value.get("events"), list):
            return value["events"]
    for value in values:
        if isinstance(value, list) and (not value or any(_is_event(v) for v in value)):
            return value
    events = [value for value in values if _is_event(value)]
    return events or None


def event_items(text: str) -> tuple[list, str | None]:
    """The items of the events list in ``text`` and, when none was found, why."""
    if not text or not text.strip():
        return [], "empty response"
    candidates = [text, *_FENCE.findall(text)]
    for candidate in candidates:
        for variant in (candidate, _TRAILING_COMMA.sub(r"\1", candidate)):
            try:
                items = _items([json.loads(variant)])
            except json.JSONDecodeError:
                items = None
            if items is not None:
                return items, None
    for candidate in candidates:
        for variant in (candidate, _TRAILING_COMMA.sub(r"\1", candidate)):
            items = _items(_json_values(variant))
            if items is not None:
                return items, None
    return [], "no JSON events list in the response"


def _text(value) -> str:
    if isinstance(value, dict):
        value = value.get("text")
    return value.strip() if isinstance(value, str) else ""


def _sentence(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("[").rstrip("]").isdigit():
        return int(value.strip().lstrip("[").rstrip("]"))
    return None


#: Keys of an event item that are not roles (in the flat answer of Events.v2 roles are keys).
EVENT_KEYS = frozenset({"type", "label", "event_type", "modality", "sentence", "trigger", "arguments", "score"})


def _role_pairs(mapping: dict) -> list[dict]:
    """``{"participant": ["A", "B"], "place": "Geneva"}`` -> ``[{"role", "text"}, ...]``."""
    return [
        {"role": role, "text": text}
        for role, texts in mapping.items()
        for text in (texts if isinstance(texts, list) else [texts])
        if isinstance(text, (str, dict))
    ]


def normalise_item(item) -> dict | None:
    """``{"type", "modality", "sentence", "trigger", "arguments": [{"role", "text"}], "score"}``
    or None. Roles may come as an ``arguments`` list, an ``arguments`` mapping, or keys of the
    item itself (the flat answer); role names are matched case-insensitively."""
    if not isinstance(item, dict):
        return None
    arguments = item.get("arguments") or []
    if isinstance(arguments, dict):  # {"participant": ["A", "B"], "place": "Geneva"}
        arguments = _role_pairs(arguments)
    flat = {key: value for key, value in item.items() if isinstance(key, str) and key.lower() not in EVENT_KEYS}
    if flat and isinstance(arguments, list):
        arguments = [*arguments, *_role_pairs(flat)]
    score = item.get("score")
    return {
        "score": float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) and 0 <= score <= 1 else None,
        "type": str(item.get("type") or item.get("label") or item.get("event_type") or "").strip(),
        "modality": str(item.get("modality") or "asserted").strip().lower(),
        "sentence": _sentence(item.get("sentence")),
        "trigger": _text(item.get("trigger")),
        "arguments": [
            {"role": str(arg.get("role") or "").strip().lower(), "text": _text(arg.get("text"))}
            for arg in (arguments if isinstance(arguments, list) else [])
            if isinstance(arg, dict)
        ],
    }
