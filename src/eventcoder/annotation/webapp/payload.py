"""From what the browser sends to the answer that is stored, trusting nothing it says.

The browser sends the task hash, the answer and the edited ``spans``, ``relations`` and
``overlapping_relations``. Of each span only ``token_start``/``token_end`` (inclusive),
``label`` and ``modality`` are read (and an actor's ``name``, ``code`` and ``sector``, strings); of each relation the token ranges of its head and child
(and the child's label, for an overlapping one) and its role. Character offsets, ``head``,
``child`` and ``events`` are rebuilt here from the served task's tokens, so spans always sit on
token boundaries; a trigger keeps its proposal's ``score``/``extractors`` only while its range
and label are unchanged. The result must pass the checks Prodigy's ``validate_answer`` and
``eventcoder validate`` make, or it is refused with every problem listed.
"""

from __future__ import annotations

from eventcoder.annotation.answers import ANSWERS
from eventcoder.annotation.checks import relation_problems
from eventcoder.annotation.edits import normalize_answer
from eventcoder.core.vocabulary import MODALITIES, Registry
from eventcoder.pipeline.validate import line_errors

#: Keys a trigger span carries from its proposal, kept while the reviewer leaves it as it was.
PROVENANCE_KEYS = ("score", "extractors", "agreement")
#: Attributes an argument span may carry (an actor's name and codes), kept as the reviewer left them.
ATTRIBUTE_KEYS = ("name", "code", "sector")


class AnswerError(ValueError):
    """An answer that cannot be stored; ``problems`` says why, one message each."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _index(value, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise AnswerError([f"{what} must be an integer"])
    return value


def _span(raw, tokens: list[dict], where: str, labels: set[str]) -> dict:
    """A full span dict from token indices; AnswerError when they make no span."""
    if not isinstance(raw, dict):
        raise AnswerError([f"{where} must be an object"])
    first = _index(raw.get("token_start"), f"{where}.token_start")
    last = _index(raw.get("token_end"), f"{where}.token_end")
    if not 0 <= first <= last < len(tokens):
        raise AnswerError([f"{where}: tokens {first}-{last} are not within the text's {len(tokens)} tokens"])
    label = raw.get("label")
    if label not in labels:
        raise AnswerError([f"{where}: unknown label {label!r}"])
    return {"start": tokens[first]["start"], "end": tokens[last]["end"], "token_start": first, "token_end": last, "label": label}


def _list(payload: dict, key: str) -> list:
    value = payload.get(key, [])
    if not isinstance(value, list):
        raise AnswerError([f"{key} must be a list"])
    return value


def _spans(payload: dict, task: dict, registry: Registry) -> list[dict]:
    labels = {*registry.types, *registry.kinds}
    proposed = {(s["start"], s["end"], s["label"]): s for s in task.get("spans", [])}
    spans = []
    for i, raw in enumerate(_list(payload, "spans")):
        span = _span(raw, task["tokens"], f"spans/{i}", labels)
        if span["label"] in registry.types:
            modality = raw.get("modality", "asserted")
            if modality not in MODALITIES:
                raise AnswerError([f"spans/{i}: modality must be one of {', '.join(MODALITIES)}"])
            span["modality"] = modality
            original = proposed.get((span["start"], span["end"], span["label"]), {})
            span.update({key: original[key] for key in PROVENANCE_KEYS if key in original})
        else:
            for key in ATTRIBUTE_KEYS:
                value = raw.get(key)
                if value is not None and not isinstance(value, str):
                    raise AnswerError([f"spans/{i}: {key} must be a string"])
                if value is not None and value.strip():
                    span[key] = value.strip()
        spans.append(span)
    return sorted(spans, key=lambda s: (s["start"], s["end"]))


def _relations(payload: dict, key: str, task: dict, spans: list[dict], registry: Registry) -> list[dict]:
    by_tokens = {(s["token_start"], s["token_end"]): s for s in spans}
    labels = {*registry.types, *registry.kinds}
    relations = []
    for i, raw in enumerate(_list(payload, key)):
        where = f"{key}/{i}"
        if not isinstance(raw, dict) or not isinstance(raw.get("label"), str):
            raise AnswerError([f"{where} must be an object with a label (the role)"])
        ends = {}
        for end in ("head", "child"):
            given = raw.get(f"{end}_span")
            if not isinstance(given, dict):
                raise AnswerError([f"{where}.{end}_span must be an object"])
            tokens = (_index(given.get("token_start"), f"{where}.{end}_span.token_start"),
                      _index(given.get("token_end"), f"{where}.{end}_span.token_end"))
            marked = by_tokens.get(tokens)
            if marked is not None:
                ends[end] = {k: marked[k] for k in ("start", "end", "token_start", "token_end", "label")}
            elif end == "child" and key == "overlapping_relations":
                ends[end] = _span(given, task["tokens"], f"{where}.child_span", labels)
            else:
                raise AnswerError([f"{where}: the {end} is not a marked span"])
        relations.append({"head": ends["head"]["token_end"], "child": ends["child"]["token_end"],
                          "head_span": ends["head"], "child_span": ends["child"], "label": raw["label"]})
    return relations


def build_answer(task: dict, payload: dict, registry: Registry, annotator: str, session: str) -> dict:
    """The answer to store for the served ``task``; AnswerError listing what is wrong."""
    answer = payload.get("answer")
    if answer not in ANSWERS:
        raise AnswerError([f"answer must be one of {', '.join(ANSWERS)}"])
    spans = _spans(payload, task, registry)
    edited = {
        **task,
        "spans": spans,
        "relations": _relations(payload, "relations", task, spans, registry),
        "overlapping_relations": _relations(payload, "overlapping_relations", task, spans, registry),
    }
    edited, problems = normalize_answer(edited, registry)  # events rebuilt here, never taken
    problems += relation_problems(edited, registry)
    if not problems:
        problems = line_errors(edited, "task", registry)
    if problems:
        raise AnswerError(problems)
    edited.update({"answer": answer, "_annotator_id": annotator, "_session_id": session})
    return edited
