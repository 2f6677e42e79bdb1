"""``eventcoder validate``: check a task or gold JSONL file line by line.

Beyond the JSON Schema (``schemas/``) each line is checked for what a schema cannot say:
offsets inside the text and on token boundaries, inclusive ``token_end``, relation
``head``/``child`` equal to the last token of their spans, no overlapping ``spans``, known
event types and roles, and ``events`` equal to what spans and relations say.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Iterator

from jsonschema import Draft202012Validator

from eventcoder.core.errors import InputError
from eventcoder.core.json_schemas import schemas
from eventcoder.core.reading import (
    Skipping,
    iter_lines,
    open_binary,
    parse_json_line,
    read_json_objects,
)
from eventcoder.core.vocabulary import Registry
from eventcoder.pipeline.tasks import events_from_task

KINDS = ("auto", "task", "gold")


@functools.cache
def _validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(schemas()[f"{kind}.schema.json"])


def schema_errors(obj: dict, kind: str) -> list[str]:
    errors = sorted(_validator(kind).iter_errors(obj), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(line)'}: {e.message}" for e in errors]


def detect_kind(obj: dict) -> str:
    return "task" if "tokens" in obj or "spans" in obj else "gold"


def _check_event_vocab(events: list, registry: Registry, where: str) -> Iterator[str]:
    for i, event in enumerate(events):
        etype = registry.types.get(event["label"])
        if etype is None:
            yield f"{where}/{i}: unknown event type {event['label']!r}"
            continue
        roles: dict[str, int] = {}
        for arg in event.get("arguments", []):
            role = etype.role(arg["role"])
            if role is None:
                yield f"{where}/{i}: {etype.name} has no role {arg['role']!r}"
            else:
                roles[role.name] = roles.get(role.name, 0) + 1
                if roles[role.name] > 1 and not role.repeats:
                    yield f"{where}/{i}: role {role.name!r} of {etype.name} may not repeat"


def _check_mentions(obj: dict, events: list, where: str) -> Iterator[str]:
    text = obj["text"]
    for i, event in enumerate(events):
        for name, mention in [("trigger", event["trigger"]), *(("arguments", a) for a in event.get("arguments", []))]:
            start, end = mention["start"], mention["end"]
            if not 0 <= start < end <= len(text):
                yield f"{where}/{i}/{name}: offsets {start}-{end} outside the text (length {len(text)})"
            elif mention.get("text") is not None and text[start:end] != mention["text"]:
                yield f"{where}/{i}/{name}: text {mention['text']!r} is not text[{start}:{end}] = {text[start:end]!r}"


def task_errors(task: dict, registry: Registry) -> Iterator[str]:
    """Problems of a schema-valid task beyond its schema."""
    text, tokens = task["text"], task["tokens"]
    starts, ends = {}, {}
    for i, tok in enumerate(tokens):
        if tok["id"] != i:
            yield f"tokens/{i}: id {tok['id']} should be {i}"
        if text[tok["start"] : tok["end"]] != tok["text"]:
            yield f"tokens/{i}: text {tok['text']!r} is not text[{tok['start']}:{tok['end']}]"
        starts[tok["start"]], ends[tok["end"]] = i, i

    def check_span(span: dict, where: str) -> Iterator[str]:
        s, e, ts, te = span["start"], span["end"], span["token_start"], span["token_end"]
        if starts.get(s) != ts:
            yield f"{where}: start {s} is not the start of token {ts}"
        if ends.get(e) != te:
            yield f"{where}: end {e} is not the end of token {te} (token_end is inclusive)"

    spans = task["spans"]
    for i, span in enumerate(spans):
        yield from check_span(span, f"spans/{i}")
        if span["label"] not in registry.types and span["label"] not in registry.kinds:
            yield f"spans/{i}: unknown label {span['label']!r}"
    ordered = sorted(spans, key=lambda s: (s["start"], s["end"]))
    for a, b in zip(ordered, ordered[1:]):
        if b["start"] < a["end"]:
            yield f"spans: {a['start']}-{a['end']} overlaps {b['start']}-{b['end']}"
    # A reviewer may relabel a span after a relation was drawn: the span's own label counts.
    span_labels = {(s["start"], s["end"]): s["label"] for s in spans}
    span_keys = set(span_labels)
    for key in ("relations", "overlapping_relations"):
        for i, rel in enumerate(task.get(key, [])):
            where = f"{key}/{i}"
            head, child = rel["head_span"], rel["child_span"]
            yield from check_span(head, f"{where}/head_span")
            yield from check_span(child, f"{where}/child_span")
            if rel["head"] != head["token_end"]:
                yield f"{where}: head {rel['head']} should be the last token of head_span ({head['token_end']})"
            if rel["child"] != child["token_end"]:
                yield f"{where}: child {rel['child']} should be the last token of child_span ({child['token_end']})"
            head_label = span_labels.get((head["start"], head["end"]), head["label"])
            etype = registry.types.get(head_label)
            if etype is None:
                yield f"{where}: head span label {head_label!r} is not an event type"
            elif etype.role(rel["label"]) is None:
                yield f"{where}: {etype.name} has no role {rel['label']!r}"
            if (head["start"], head["end"]) not in span_keys:
                yield f"{where}: head span {head['start']}-{head['end']} is not in spans"
            if key == "relations" and (child["start"], child["end"]) not in span_keys:
                yield f"{where}: child span {child['start']}-{child['end']} is not in spans"
    derived = events_from_task(task, registry)
    core = lambda events: [  # noqa: E731 - compare what spans and relations determine
        (e["label"], e["trigger"]["start"], e["trigger"]["end"], e.get("modality", "asserted"),
         sorted((a["role"], a["start"], a["end"]) for a in e.get("arguments", [])))
        for e in events
    ]
    if core(derived) != core(sorted(task["events"], key=lambda e: (e["trigger"]["start"], e["trigger"]["end"]))):
        yield "events: do not match spans + relations (rebuild them with events_from_task)"


def line_errors(obj: dict, kind: str, registry: Registry) -> list[str]:
    kind = detect_kind(obj) if kind == "auto" else kind
    errors = schema_errors(obj, kind)
    if errors:
        return errors
    events = obj["events"]
    errors += list(_check_event_vocab(events, registry, "events"))
    errors += list(_check_mentions(obj, events, "events"))
    if kind == "task":
        errors += list(task_errors(obj, registry))
    return errors


def read_valid(path: str, kind: str, registry: Registry, skipping: Skipping | None = None) -> Iterator[dict]:
    """The objects of a JSONL file (gzip too), lazily; InputError ``FILE:LINE`` at the first bad one.

    ``skipping`` (``--skip-invalid``): bad lines skipped, lone surrogates replaced, both counted.
    """
    for number, obj in read_json_objects(path, skipping):
        problems = line_errors(obj, kind, registry)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            error = InputError(path, number, problems[0] + more)
            if skipping is None:
                raise error
            skipping.skip(error)
            continue
        yield obj


def validate_file(path: str, registry: Registry, kind: str = "auto",
                  skipping: Skipping | None = None) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, problem)`` for every problem in the JSONL file at ``path``.

    With ``skipping`` lone surrogates are replaced (and counted) as ``--skip-invalid`` would.
    """
    if not Path(path).is_file():
        raise InputError(path, 0, "no such file")
    with open_binary(path) as handle:
        for number, raw in iter_lines(handle, path):
            try:
                obj = parse_json_line(raw, path, number, on_replace=None if skipping is None else skipping.replace)
            except InputError as exc:
                yield number, exc.problem
                continue
            if obj is None:
                continue
            for problem in line_errors(obj, kind, registry):
                yield number, problem
