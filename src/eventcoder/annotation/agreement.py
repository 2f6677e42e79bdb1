"""Agreement between annotators: ``eventcoder agreement answers.jsonl``.

For every pair of annotators (``_annotator_id``, else ``_session_id``) and every text both
answered, one annotator's events are scored against the other's with the matching of
``eventcoder.learn.evaluate``: triggers of the same type match on overlap, arguments on role and
overlap within matched events, real (asserted, planned) and irrealis events apart. Treating
either annotator as the reference gives the same F1 (precision and recall swap). When an
annotator answered a text more than once, the latest answer counts.
"""

from __future__ import annotations

from itertools import combinations, count
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
from eventcoder.annotation.export import gold_from_answer
from eventcoder.core.errors import InputError, UserError
from eventcoder.core.reading import Skipping
from eventcoder.core.scoring import Scores, report, score_document
from eventcoder.core.vocabulary import Registry


def _latest_events(answers: Iterable[Answer | dict], registry: Registry, keep: Sequence[str]) -> dict[int, dict[str, list]]:
    """Input hash -> annotator -> the events of their latest kept answer."""
    latest: dict[int, dict[str, tuple[tuple, list]]] = {}
    order = count()
    for answer in answers_of(answers):
        task = require(answer)
        if task["answer"] not in keep:
            continue
        who = annotator(task)
        if who is None:
            raise InputError(answer.path, answer.line, 'no "_annotator_id" or "_session_id": cannot tell who answered')
        events = gold_from_answer(answer, registry).record["events"]
        rank = (timestamp(task), next(order))
        per_input = latest.setdefault(input_key(task), {})
        if who not in per_input or rank > per_input[who][0]:
            per_input[who] = (rank, events)
    return {key: {who: events for who, (_, events) in per.items()} for key, per in latest.items()}


def agreement(answers: Iterable[Answer | dict], registry: Registry, keep: Sequence[str] = ("accept",)) -> dict:
    """Per annotator pair: shared texts and trigger/argument P/R/F1, overall and per type."""
    by_input = _latest_events(answers, registry, keep)
    annotators = sorted({who for per_input in by_input.values() for who in per_input})
    if len(annotators) < 2:
        raise UserError(f"agreement needs answers from two annotators or more; found {', '.join(annotators) or 'none'}")
    pairs = []
    for reference, other in combinations(annotators, 2):
        scores = Scores()
        for per_input in by_input.values():
            if reference in per_input and other in per_input:
                scores.documents += 1
                score_document(per_input[reference], per_input[other], scores)
        result = report(scores, registry)
        pairs.append({"reference": reference, "annotator": other, "shared_inputs": result.pop("documents"), **result})
    return {"annotators": annotators, "inputs": len(by_input), "pairs": pairs}


def agreement_file(path: str, registry: Registry, keep: Sequence[str] = ("accept",),
                   skipping: Skipping | None = None) -> dict:
    """:func:`agreement` over a ``prodigy db-out`` file.

    ``skipping`` (``--skip-invalid``): unreadable lines skipped, lone surrogates replaced.
    """
    return agreement(read_answers(path, skipping), registry, keep)
