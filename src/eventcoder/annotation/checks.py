"""What makes an answer invalid: Prodigy's ``validate_answer``, and export's checks.

A relation must run from a trigger (a span labelled with an event type) to a marked span, with
a role that event type has, and a role that may not repeat appears once per trigger. Messages
quote the text, so an annotator can act on them.
"""

from __future__ import annotations

from typing import Callable

from eventcoder.annotation.edits import normalize_answer
from eventcoder.core.vocabulary import Registry
from eventcoder.pipeline.validate import line_errors

#: Answers that say nothing about the events, so nothing in them needs to be valid.
UNCHECKED_ANSWERS = ("reject", "ignore")


def _quote(text: str, span: dict) -> str:
    return f'"{text[span["start"] : span["end"]]}"'


def relation_problems(task: dict, registry: Registry) -> list[str]:
    """Problems with the relations of a task whose edits are folded in."""
    text = task["text"]
    spans = {(s["start"], s["end"]): s for s in task.get("spans", [])}
    problems: list[str] = []
    roles: dict[tuple, set] = {}
    for key in ("relations", "overlapping_relations"):
        for rel in task.get(key, []):
            role, head, child = rel.get("label"), rel.get("head_span"), rel.get("child_span")
            if not isinstance(head, dict) or not isinstance(child, dict):
                problems.append(f'relation "{role}" has no head_span or child_span')
                continue
            span = spans.get((head["start"], head["end"]))
            if span is None:
                problems.append(f'relation "{role}" starts at {_quote(text, head)}, which is not a marked span')
                continue
            etype = registry.types.get(span.get("label"))
            if etype is None:
                problems.append(
                    f'relation "{role}" starts at {_quote(text, head)} ({span.get("label")}), not at a trigger:'
                    " draw relations from the event's trigger to its argument"
                )
                continue
            if etype.role(role) is None:
                problems.append(f'{_quote(text, head)} is a {etype.name}, which has no role "{role}" (its roles: {", ".join(etype.role_names)})')
                continue
            if key == "relations" and (child["start"], child["end"]) not in spans:
                problems.append(f'relation "{role}" from {_quote(text, head)} ends at {_quote(text, child)}, which is not a marked span')
            roles.setdefault((head["start"], head["end"], etype.name, role), set()).add((child["start"], child["end"]))
    for (start, end, type_name, role), children in roles.items():
        if len(children) > 1 and not registry.types[type_name].role(role).repeats:
            problems.append(f'"{text[start:end]}" has {len(children)} "{role}" arguments; a {type_name} has at most one')
    return problems


def answer_problems(answer: dict, registry: Registry) -> list[str]:
    """Everything wrong with an answer from the annotation UI, as messages for the annotator."""
    task, problems = normalize_answer(answer, registry)
    problems += relation_problems(task, registry)
    if not problems:  # the clear messages first; the full task check catches the rest
        problems += [f"not a valid task: {p}" for p in line_errors(task, "task", registry)]
    return problems


def answer_validator(registry: Registry) -> Callable[[dict], None]:
    """Prodigy's ``validate_answer``: raise ValueError, shown in the UI, for an invalid accept."""

    def validate_answer(answer: dict) -> None:
        if answer.get("answer") in UNCHECKED_ANSWERS:
            return
        problems = answer_problems(answer, registry)
        if problems:
            raise ValueError("\n".join(problems))

    return validate_answer
