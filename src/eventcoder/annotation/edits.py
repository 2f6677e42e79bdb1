"""What annotators edit outside the relations view, and folding it back into the task.

Prodigy's relations view edits ``spans`` and ``relations`` but cannot show spans that overlap
others, nor any attribute of a span. Those are edited in blocks of their own (see
``eventcoder.annotation.labels``), over keys derived from the task:

* ``options`` / ``accept`` (Prodigy's ``choice`` block, several ticks allowed): one option per
  overlapping argument (``arg:I`` = ``overlapping_relations[I]``; untick to drop it) and, per
  proposed trigger, one option per modality (``mod:START:END:MODALITY``; tick one).
* ``event_edits`` (a ``text_input`` block), one edit per line::

      said -> content: Minsk will not send any officials    (add an argument)
      met: planned                                          (set a modality)

  A trigger is named by its text, ``met#2`` for the second trigger reading "met". An
  argument is named by its text; when it occurs more than once, the occurrence nearest the
  trigger is meant. It goes to ``relations`` (a span is added when none is there) or, when it
  overlaps other spans, to ``overlapping_relations``.

:func:`normalize_answer` gives a trigger the annotator deleted and redrew its proposal's keys
back (Prodigy's UI drops keys it does not know), folds all of this back, re-syncs each
relation with the spans as the annotator left them (a relation drawn twice counts once) and
rebuilds ``events`` with ``tasks.events_from_task``. It is
idempotent, so ``before_db`` and export can both run it.
"""

from __future__ import annotations

import copy
import re

from eventcoder.annotation.labels import EDITS_FIELD, LLM_IO_KEY, NO_LLM_RECORD
from eventcoder.core.vocabulary import MODALITIES, Registry
from eventcoder.pipeline.tasks import events_from_task

ARG_OPTION = "arg:"
#: Our keys on a trigger span, which Prodigy drops when an annotator deletes and redraws it.
PROPOSAL_KEYS = ("modality", "score", "extractors", "agreement")
MODALITY_OPTION = "mod:"
SPAN_KEYS = ("start", "end", "token_start", "token_end", "label")

_ADD = re.compile(r"^(?P<trigger>.+?)\s*->\s*(?P<role>\w+)\s*:\s*(?P<argument>.+)$")
_MODALITY = re.compile(rf"^(?P<trigger>.+?)\s*:\s*(?P<modality>{'|'.join(MODALITIES)})$")
_NTH = re.compile(r"^(?P<name>.+?)#(?P<n>[1-9][0-9]*)$")


class EditError(ValueError):
    """An edit line that cannot be applied to the task."""


def _plain(span: dict) -> dict:
    return {key: span[key] for key in SPAN_KEYS}


def _key(span) -> tuple | None:
    return (span.get("start"), span.get("end")) if isinstance(span, dict) else None


def _quote(text: str, span: dict, limit: int = 60) -> str:
    piece = text[span["start"] : span["end"]]
    return f'"{piece if len(piece) <= limit else piece[: limit - 1] + "…"}"'


def triggers(task: dict, registry: Registry) -> list[dict]:
    """The task's trigger spans (spans labelled with an event type), in text order."""
    found = [s for s in task.get("spans", []) if s.get("label") in registry.types]
    return sorted(found, key=lambda s: (s["start"], s["end"]))


def add_choices(task: dict, registry: Registry) -> dict:
    """Add the ``choice`` block's options for overlapping arguments and modalities."""
    text = task["text"]
    options, ticked = [], []
    for i, rel in enumerate(task.get("overlapping_relations", [])):
        option_id = f"{ARG_OPTION}{i}"
        options.append({"id": option_id, "text": f"{_quote(text, rel['head_span'])} → {rel['label']}: {_quote(text, rel['child_span'], 200)}"})
        ticked.append(option_id)
    for span in triggers(task, registry):
        current = span.get("modality") or "asserted"
        for modality in MODALITIES:
            option_id = f"{MODALITY_OPTION}{span['start']}:{span['end']}:{modality}"
            options.append({"id": option_id, "text": f"{_quote(text, span)} ({span['label']}): {modality}"})
            if modality == current:
                ticked.append(option_id)
    task["options"], task["accept"] = options, ticked
    return task


def _fold_choices(task: dict, registry: Registry) -> list[str]:
    """Drop unticked overlapping arguments and set the ticked modalities; remove the choice keys."""
    options = task.get("options")
    if not isinstance(options, list) or not any(
        str(o.get("id", "")).startswith((ARG_OPTION, MODALITY_OPTION)) for o in options if isinstance(o, dict)
    ):
        return []  # not our choice block
    task.pop("options")
    ticked = [str(i) for i in task.pop("accept", None) or []]
    offered = {str(o.get("id")) for o in options if isinstance(o, dict)}
    overlapping = task.get("overlapping_relations", [])
    task["overlapping_relations"] = [
        rel for i, rel in enumerate(overlapping) if f"{ARG_OPTION}{i}" not in offered or f"{ARG_OPTION}{i}" in ticked
    ]
    spans = {_key(s): s for s in triggers(task, registry)}
    chosen: dict[tuple, list[str]] = {}
    for option_id in ticked:
        if not option_id.startswith(MODALITY_OPTION):
            continue
        start, end, modality = option_id[len(MODALITY_OPTION) :].split(":")
        chosen.setdefault((int(start), int(end)), []).append(modality)
    problems = []
    for key, modalities in chosen.items():
        span = spans.get(key)
        if span is None:
            continue  # the annotator removed or moved this trigger
        if len(modalities) > 1:
            problems.append(f"{_quote(task['text'], span)} has several modalities ticked ({', '.join(modalities)}); tick one")
        span["modality"] = modalities[0]
    return problems


def _find_trigger(task: dict, registry: Registry, name: str) -> dict:
    match = _NTH.match(name)
    name, n = (match["name"].strip(), int(match["n"])) if match else (name, None)
    text = task["text"]
    found = [s for s in triggers(task, registry) if text[s["start"] : s["end"]] == name]
    if not found:
        known = ", ".join(_quote(text, s) for s in triggers(task, registry)) or "none"
        raise EditError(f'no trigger "{name}" (triggers: {known}); mark it in the relations view first')
    if n is None and len(found) > 1:
        raise EditError(f'{len(found)} triggers read "{name}"; write {name}#1 … {name}#{len(found)}')
    if n is not None and n > len(found):
        raise EditError(f'only {len(found)} trigger(s) read "{name}"')
    return found[(n or 1) - 1]


def _locate(task: dict, piece: str, near: dict) -> dict:
    """The token-aligned span of ``piece`` in the text, nearest the trigger ``near``."""
    text = task["text"]
    starts = [i for i in range(len(text)) if text.startswith(piece, i)]
    if not starts:
        raise EditError(f'"{piece}" is not in the text')
    start = min(starts, key=lambda i: abs(i - near["start"]))
    end = start + len(piece)
    first = {t["start"]: t["id"] for t in task.get("tokens", [])}
    last = {t["end"]: t["id"] for t in task.get("tokens", [])}
    if start not in first or end not in last:
        raise EditError(f'"{piece}" must start and end on word boundaries')
    return {"start": start, "end": end, "token_start": first[start], "token_end": last[end]}


def _add_argument(task: dict, registry: Registry, trigger: dict, role: str, piece: str) -> None:
    etype = registry.types[trigger["label"]]
    kind = registry.kind_of(etype.name, role)
    if kind is None:
        raise EditError(f'{etype.name} has no role "{role}" (its roles: {", ".join(etype.role_names)})')
    child = _locate(task, piece, trigger)
    spans = task.setdefault("spans", [])
    same = next((s for s in spans if _key(s) == _key(child)), None)
    overlaps = any(s["start"] < child["end"] and child["start"] < s["end"] for s in spans)
    if same is not None:
        child, target = _plain(same), "relations"
    elif overlaps:
        child, target = {**child, "label": kind}, "overlapping_relations"
    else:
        child, target = {**child, "label": kind}, "relations"
        spans.append(dict(child))
        spans.sort(key=lambda s: (s["start"], s["end"]))
    relation = {"head": trigger["token_end"], "child": child["token_end"], "head_span": _plain(trigger), "child_span": child, "label": role}
    existing = task.setdefault(target, [])
    if not any(_key(r.get("head_span")) == _key(trigger) and _key(r.get("child_span")) == _key(child) and r.get("label") == role for r in existing):
        existing.append(relation)


def _apply_edit(task: dict, registry: Registry, line: str) -> None:
    if match := _ADD.match(line):
        trigger = _find_trigger(task, registry, match["trigger"].strip())
        _add_argument(task, registry, trigger, match["role"], match["argument"].strip())
    elif match := _MODALITY.match(line):
        _find_trigger(task, registry, match["trigger"].strip())["modality"] = match["modality"]
    else:
        raise EditError(f"write TRIGGER -> ROLE: ARGUMENT TEXT, or TRIGGER: {'|'.join(MODALITIES)}")


def _fold_text_edits(task: dict, registry: Registry) -> list[str]:
    """Apply the ``event_edits`` lines; lines that fail stay in the field, with a problem each."""
    value = task.pop(EDITS_FIELD, None)
    if not isinstance(value, str):
        return []
    problems, kept = [], []
    for line in (raw.strip() for raw in value.splitlines()):
        if not line:
            continue
        try:
            _apply_edit(task, registry, line)
        except EditError as exc:
            problems.append(f'edit "{line}": {exc}')
            kept.append(line)
    if kept:
        task[EDITS_FIELD] = "\n".join(kept)
    return problems


def _restore_proposals(task: dict, registry: Registry) -> None:
    """Give a redrawn trigger (same offsets and type as a served event) the keys it lost.

    The served ``events`` travel with the answer, so they say what the trigger was proposed
    with; the choice block and the edits, folded in after this, still override the modality.
    """
    served = {}
    for event in task.get("events") or []:
        trigger = event.get("trigger") if isinstance(event, dict) else None
        if isinstance(trigger, dict):
            served[(trigger.get("start"), trigger.get("end"), event.get("label"))] = event
    for span in triggers(task, registry):
        event = served.get((span["start"], span["end"], span["label"]))
        for key in PROPOSAL_KEYS if event else ():
            if key not in span and event.get(key) is not None:
                span[key] = copy.deepcopy(event[key])


def _relation_key(rel: dict) -> tuple:
    return _key(rel.get("head_span")), _key(rel.get("child_span")), rel.get("label")


def _sync_relations(task: dict, registry: Registry) -> None:
    """Point each relation at the spans as they are now, once each; drop overlapping roles whose trigger is gone."""
    spans = {_key(s): s for s in task.get("spans", [])}
    seen: set = set()
    relations = []
    for rel in task.get("relations", []):
        for end in ("head", "child"):
            span = spans.get(_key(rel.get(f"{end}_span")))
            if span is not None:
                rel[f"{end}_span"], rel[end] = _plain(span), span["token_end"]
        if _relation_key(rel) not in seen:  # one relation drawn twice is one argument
            seen.add(_relation_key(rel))
            relations.append(rel)
    if "relations" in task:
        task["relations"] = relations
    kept = []
    for rel in task.get("overlapping_relations", []):
        head = spans.get(_key(rel.get("head_span")))
        if head is None or head.get("label") not in registry.types:
            continue  # hidden from the annotator once its trigger is gone, so dropped with it
        rel["head_span"], rel["head"] = _plain(head), head["token_end"]
        kept.append(rel)
    if "overlapping_relations" in task:
        task["overlapping_relations"] = kept


def normalize_answer(answer: dict, registry: Registry) -> tuple[dict, list[str]]:
    """A copy of ``answer`` with every edit folded in and ``events`` rebuilt; and the problems.

    Problems are edits that could not be applied (they stay in ``event_edits``) and
    contradictory ticks; the copy is usable either way.
    """
    task = copy.deepcopy(answer)
    _restore_proposals(task, registry)
    problems = _fold_choices(task, registry) + _fold_text_edits(task, registry)
    _sync_relations(task, registry)
    record = task.get(LLM_IO_KEY)
    if isinstance(record, dict) and set(record.values()) <= {NO_LLM_RECORD}:
        task.pop(LLM_IO_KEY)  # only the placeholder the llm_io view showed; the real record is kept
    task["events"] = events_from_task(task, registry)
    return task, problems
