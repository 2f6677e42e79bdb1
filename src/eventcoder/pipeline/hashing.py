"""Prodigy-style hashes: stable 32-bit MurmurHash of canonical JSON.

Hashes are set once when a task is made and never recomputed, so a reviewer's edits do not
change them (as Prodigy's ``set_hashes(..., overwrite=False)``).
"""

from __future__ import annotations

import json

from murmurhash.mrmr import hash_unicode

#: What identifies the input (Prodigy's default input keys).
INPUT_KEYS = ("text", "image", "html", "input")
#: What identifies the question asked about it. Unlike Prodigy's defaults we include relations.
TASK_KEYS = ("spans", "relations", "overlapping_relations", "label", "options")
#: Span keys that identify a span; scores and provenance do not change the question.
SPAN_KEYS = ("start", "end", "token_start", "token_end", "label", "modality")


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":"))


def _span_key(span: dict) -> dict:
    return {key: span[key] for key in SPAN_KEYS if key in span}


def input_hash(task: dict) -> int:
    return hash_unicode(_canonical({key: task[key] for key in INPUT_KEYS if key in task}))


def task_hash(task: dict, input_hash_value: int) -> int:
    content: dict = {"_input_hash": input_hash_value}
    for key in TASK_KEYS:
        if key not in task:
            continue
        value = task[key]
        if key == "spans":
            value = [_span_key(span) for span in value]
        elif key in ("relations", "overlapping_relations"):
            value = [
                {
                    "head": rel["head"],
                    "child": rel["child"],
                    "label": rel["label"],
                    "head_span": _span_key(rel["head_span"]),
                    "child_span": _span_key(rel["child_span"]),
                }
                for rel in value
            ]
        content[key] = value
    return hash_unicode(_canonical(content))


def set_hashes(task: dict, overwrite: bool = False) -> dict:
    """Add ``_input_hash`` and ``_task_hash`` unless present (or ``overwrite``)."""
    if overwrite or "_input_hash" not in task:
        task["_input_hash"] = input_hash(task)
    if overwrite or "_task_hash" not in task:
        task["_task_hash"] = task_hash(task, task["_input_hash"])
    return task
