"""Gold from Prodigy answers: ``eventcoder export answers.jsonl -o gold.jsonl``.

Each kept answer (accepted ones by default) has its edits folded in, its relations checked as
the UI checks them, and its ``events`` rebuilt from spans and relations with
``tasks.events_from_task``; the gold record is checked against ``schemas/gold.schema.json``.
Several answers for one text (same ``_input_hash``) become one record:

* ``first``: the first answer in the input wins;
* ``latest``: the answer with the latest ``_timestamp`` wins (the later line on a tie);
* ``strict``: all answers must give the same events (and answer); every disagreement is
  reported as ``FILE:LINE`` and nothing is written.

:func:`build_gold` takes any iterable of answers (dicts, or
:class:`~eventcoder.annotation.answers.Answer` tuples that say where each came from), so they
can come from a file or a database alike.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from itertools import count
from typing import Iterable, Sequence

from eventcoder.annotation.answers import (
    Answer,
    annotator,
    answers_of,
    input_key,
    read_answers,
    require,
    timestamp,
)
from eventcoder.annotation.checks import relation_problems
from eventcoder.annotation.edits import normalize_answer
from eventcoder.core.atomic import atomic_writer
from eventcoder.core.errors import InputError
from eventcoder.core.formats import Gold
from eventcoder.core.reading import Skipping
from eventcoder.core.vocabulary import Registry
from eventcoder.pipeline.validate import line_errors

MERGES = ("first", "latest", "strict")
FORMATS = ("jsonl", "spacy")
GOLD_EVENT_KEYS = ("label", "trigger", "arguments", "modality")
#: Meta keys not carried into gold: the LLM's prompt and response are provenance, not gold.
DROPPED_META = ("llm_io",)


class MergeConflicts(InputError):
    """Answers for one text that disagree (``--merge strict``); every one is reported."""

    def __init__(self, conflicts: list[InputError]):
        first = conflicts[0]
        super().__init__(first.path, first.line, first.problem)
        self.conflicts = conflicts

    def __str__(self) -> str:
        return "\n".join(str(conflict) for conflict in self.conflicts)


@dataclass
class ExportStats:
    answers: int = 0
    records: int = 0
    events: int = 0
    #: Answers left out because of their kind (reject, ignore, ...).
    left_out: Counter = field(default_factory=Counter)


def gold_from_answer(answer: Answer, registry: Registry) -> Gold:
    """The gold record of one answer; InputError naming its place when it is invalid."""
    task, problems = normalize_answer(require(answer), registry)
    problems += relation_problems(task, registry)
    meta = {key: value for key, value in task.get("meta", {}).items() if key not in DROPPED_META}
    meta["annotation"] = {"answer": task["answer"], "annotator": annotator(task), "input_hash": input_key(task)}
    record = {
        "text": task["text"],
        "meta": meta,
        "events": [{key: event[key] for key in GOLD_EVENT_KEYS} for event in task["events"]],
    }
    if not problems:
        problems = line_errors(record, "gold", registry)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InputError(answer.path, answer.line, problems[0] + more)
    return Gold(record, task.get("tokens"))


def _describe(event: dict, text: str) -> str:
    args = ", ".join(f'{a["role"]} "{text[a["start"]:a["end"]]}"' for a in event.get("arguments", []))
    return f'{event["label"]} "{event["trigger"]["text"]}" {event.get("modality", "asserted")}' + (f" ({args})" if args else "")


def _signature(event: dict) -> tuple:
    return (event["label"], event["trigger"]["start"], event["trigger"]["end"], event.get("modality", "asserted"),
            tuple(sorted((a["role"], a["start"], a["end"]) for a in event.get("arguments", []))))


def disagreement(a: Gold, b: Gold) -> str | None:
    """How ``b`` differs from ``a`` (the same text), or None."""
    kind_a, kind_b = a.record["meta"]["annotation"]["answer"], b.record["meta"]["annotation"]["answer"]
    if kind_a != kind_b:
        return f"answer {kind_b!r} here, {kind_a!r} there"
    text = a.record["text"]
    events_a = {_signature(e): e for e in a.record["events"]}
    events_b = {_signature(e): e for e in b.record["events"]}
    only_b = [_describe(e, text) for key, e in events_b.items() if key not in events_a]
    only_a = [_describe(e, text) for key, e in events_a.items() if key not in events_b]
    if not only_a and not only_b:
        return None
    return f"only here: {'; '.join(only_b) or 'nothing'}; only there: {'; '.join(only_a) or 'nothing'}"


def build_gold(answers: Iterable[Answer | dict], registry: Registry, keep: Sequence[str] = ("accept",),
               merge: str = "latest", stats: ExportStats | None = None, skipping: Skipping | None = None) -> list[Gold]:
    """One gold record per text, in order of first appearance (see the module docstring).

    ``answers`` are :class:`Answer` tuples (``read_answers``) or plain answer dicts.
    ``skipping`` (``--skip-invalid``): an answer that is no answer or holds a bad event is
    skipped and counted there instead of refusing the export.
    """
    if merge not in MERGES:
        raise ValueError(f"merge is one of {', '.join(MERGES)}, not {merge!r}")
    stats = stats if stats is not None else ExportStats()
    chosen: dict[int, tuple[tuple, Answer, Gold]] = {}
    conflicts: list[InputError] = []
    order = count()
    for answer in answers_of(answers):
        try:
            task = require(answer)
            gold = gold_from_answer(answer, registry) if task["answer"] in keep else None
        except InputError as exc:
            if skipping is None:
                raise
            skipping.skip(exc)
            continue
        stats.answers += 1
        if gold is None:
            stats.left_out[task["answer"]] += 1
            continue
        key, rank = input_key(task), (timestamp(task), next(order))
        if key not in chosen:
            chosen[key] = (rank, answer, gold)
        elif merge == "strict":
            _, first, first_gold = chosen[key]
            problem = disagreement(first_gold, gold)
            if problem:
                who = annotator(task) or "?"
                other = annotator(first.task) or "?"
                conflicts.append(InputError(answer.path, answer.line, f"{who} disagrees with {other} at line {first.line} on the same text: {problem}"))
        elif merge == "latest" and rank > chosen[key][0]:
            chosen[key] = (rank, answer, gold)
    if conflicts:
        raise MergeConflicts(conflicts)
    golds = [gold for _, _, gold in chosen.values()]
    stats.records = len(golds)
    stats.events = sum(len(g.record["events"]) for g in golds)
    return golds


def output_format(output: str, fmt: str | None = None) -> str:
    """``fmt`` when given, else ``spacy`` for a ``.spacy`` file and ``jsonl`` otherwise."""
    if fmt:
        if fmt not in FORMATS:
            raise ValueError(f"format is one of {', '.join(FORMATS)}, not {fmt!r}")
        return fmt
    return "spacy" if str(output).endswith(".spacy") else "jsonl"


def write_gold(golds: list[Gold], output: str, fmt: str, registry: Registry) -> None:
    """Write gold JSONL or a spaCy DocBin to ``output``, atomically."""
    if fmt == "spacy":
        from eventcoder.pipeline.docbin import (
            gold_docbin,  # spaCy's DocBin only when asked for
        )

        data = gold_docbin(golds, registry).to_bytes()
        with atomic_writer(output, "wb") as handle:
            handle.write(data)
        return
    with atomic_writer(output) as handle:
        for gold in golds:
            handle.write(json.dumps(gold.record, ensure_ascii=False) + "\n")


def export(input_path: str, output: str, registry: Registry, keep: Sequence[str] = ("accept",),
           merge: str = "latest", fmt: str | None = None, skipping: Skipping | None = None) -> ExportStats:
    """Read Prodigy answers from ``input_path`` and write their gold to ``output``.

    ``skipping`` (``--skip-invalid``): bad lines skipped, lone surrogates replaced, both counted.
    """
    fmt = output_format(output, fmt)
    stats = ExportStats()
    golds = build_gold(read_answers(input_path, skipping), registry, keep, merge, stats, skipping)
    write_gold(golds, output, fmt, registry)
    return stats
