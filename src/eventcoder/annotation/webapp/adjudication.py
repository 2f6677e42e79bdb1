"""Adjudication: every annotator's answer to one text side by side, the differences marked.

``eventcoder review DATASET --adjudicate --dataset FINAL`` serves one task per text of
DATASET (like Prodigy's ``review`` recipe). The task is the majority version (the events most
accepted answers share; else the first accepted answer, else the first answer), ready to
edit, and carries ``versions``: each annotator's latest answer with its spans, relations and
events, every event, modality and argument that not all versions share marked ``differs``.
The adjudicator picks a version, merges events from several, or edits; the answer goes to
FINAL with ``_adjudicated_from`` naming the answers it came from.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterator

from eventcoder.annotation.edits import normalize_answer
from eventcoder.annotation.store import answers_by_input
from eventcoder.core.vocabulary import Registry

#: Keys of an answer that are not part of the task it answers.
ANSWER_KEYS = ("answer", "_annotator_id", "_session_id", "_timestamp")
#: Actor attributes (issue 17) compared and shown beside an argument when a span has them.
ACTOR_KEYS = ("name", "code", "sector")
#: Keys of the adjudicated task that are for the page only, never stored.
PAGE_KEYS = ("versions", "agreed")


def _trigger_key(event: dict) -> tuple:
    return event["label"], event["trigger"]["start"], event["trigger"]["end"]


def _argument_key(argument: dict) -> tuple:
    return (argument["role"], argument["start"], argument["end"], *(argument.get(key) for key in ACTOR_KEYS))


def _signature(events: list[dict]) -> tuple:
    return tuple(sorted((*_trigger_key(e), e.get("modality", "asserted"), tuple(sorted(map(_argument_key, e["arguments"]))))
                        for e in events))


def _with_actor_attributes(events: list[dict], spans: list[dict]) -> list[dict]:
    """Events whose arguments carry the name/code/sector of their span, where it has them."""
    by_offsets = {(s["start"], s["end"]): s for s in spans}
    for event in events:
        for argument in event["arguments"]:
            span = by_offsets.get((argument["start"], argument["end"]), {})
            argument.update({key: span[key] for key in ACTOR_KEYS if span.get(key) not in (None, "")})
    return events


def _version(answer: dict, registry: Registry) -> dict:
    task, _ = normalize_answer(answer, registry)
    return {
        "annotator": str(answer.get("_annotator_id") or answer.get("_session_id") or "?"),
        "session": answer.get("_session_id"),
        "answer": answer.get("answer"),
        "timestamp": answer.get("_timestamp"),
        "task_hash": answer.get("_task_hash"),
        "spans": task.get("spans", []),
        "relations": task.get("relations", []),
        "overlapping_relations": task.get("overlapping_relations", []),
        "events": _with_actor_attributes(task["events"], task.get("spans", [])),
    }


def mark_differences(versions: list[dict]) -> bool:
    """Mark, in place, what of each version's events the other versions lack; True when all agree."""
    for version in versions:
        others = [{_trigger_key(e): e for e in other["events"]} for other in versions if other is not version]
        for event in version["events"]:
            matches = [by_key.get(_trigger_key(event)) for by_key in others]
            event["differs"] = any(match is None for match in matches)
            event["modality_differs"] = any(match is not None and match.get("modality", "asserted") != event.get("modality", "asserted")
                                            for match in matches)
            for argument in event["arguments"]:
                argument["differs"] = any(match is None or _argument_key(argument) not in map(_argument_key, match["arguments"])
                                          for match in matches)
        version["differs"] = any(version["answer"] != other["answer"] for other in versions)
    return len({(_signature(v["events"]), v["answer"]) for v in versions}) <= 1


def adjudication_task(answers: list[dict], registry: Registry) -> dict:
    """The task to adjudicate for the answers to one text (one version per annotator, the latest)."""
    latest: dict[str, dict] = {}
    for answer in answers:
        who = str(answer.get("_annotator_id") or answer.get("_session_id") or "?")
        if who not in latest or float(answer.get("_timestamp") or 0) >= float(latest[who].get("_timestamp") or 0):
            latest[who] = answer
    chosen = [latest[who] for who in sorted(latest)]
    versions = [_version(answer, registry) for answer in chosen]
    agreed = mark_differences(versions)
    accepted = [(answer, version) for answer, version in zip(chosen, versions) if version["answer"] == "accept"]
    if accepted:
        votes = Counter(_signature(version["events"]) for _, version in accepted)
        best = votes.most_common(1)[0][0]
        base = next(answer for answer, version in accepted if _signature(version["events"]) == best)
    else:
        base = chosen[0]
    task = {key: value for key, value in base.items() if key not in ANSWER_KEYS and key not in PAGE_KEYS}
    task, _ = normalize_answer(task, registry)
    task["versions"] = versions
    task["agreed"] = agreed
    return task


def adjudication_stream(db: str, dataset: str, registry: Registry) -> Iterator[dict]:
    """One task to adjudicate per text answered in ``dataset``, in the order first answered."""
    for answers in answers_by_input(db, dataset):
        yield adjudication_task(answers, registry)


def provenance(task: dict) -> list[dict]:
    """What ``_adjudicated_from`` records for an answer to the adjudicated ``task``."""
    return [{"_annotator_id": v["annotator"], "_session_id": v["session"], "answer": v["answer"],
             "_task_hash": v["task_hash"], "_timestamp": v["timestamp"]} for v in task.get("versions", [])]
