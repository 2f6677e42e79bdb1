"""Review order: serve first the tasks whose answer teaches the most, within a bounded buffer.

Like Prodigy's active-learning sorters (``prefer_uncertain``), but over whole tasks and
without reading the input into memory. Each event of a task has a **doubt**, the chance that
something about it is wrong, read from what extractors put on it::

    doubt(event) = 1 - score * agreement * (1 - modality_doubt)

* ``score`` (0..1, default 1): the extractor's confidence in the trigger (the highest one
  when several extractors proposed it);
* ``agreement`` (0..1, default 1, i.e. one extractor): the share of the ensemble that
  proposed the event and its arguments (see ``eventcoder.extractors.ensemble``);
* ``modality_doubt``: how often a call of the event's modality is wrong (``MODALITY_DOUBT``;
  no extractor gives a probability of its modality).

The event is right only if its trigger is, the extractors agree, and its modality is right;
the product treats these as independent. A task is as doubtful as its most doubtful event
(one such event is enough for the answer to matter); a task with no event gets
``EMPTY_DOUBT``, about as doubtful as a confident proposal (score 0.9, asserted: 0.109):
the extractor's silence is a prediction too, but rarely a wrong one. The **disagreement**
of a task is ``1 - min(agreement)`` over its events (0 with no event, or one extractor).

Orders (``ORDERS``):

* ``uncertain``: the most doubtful first, ties broken by disagreement;
* ``disagreement``: the most disputed first, ties broken by doubt;
* ``stream``: the input order.

:func:`reorder` keeps a heap over a sliding window of the stream. Like Prodigy's
``prefer_uncertain``, it does not read far ahead before the first task: the window starts
at ``warmup`` tasks (the recipes pass one batch) and grows by one with each task let out,
up to ``buffer``. Once the window is full, each task read in lets the highest-priority task
of the window out. So the first task waits for one warm-up window, not the whole buffer,
and the early tasks are picked from fewer candidates; equal priorities leave in stream order.
"""

from __future__ import annotations

import heapq
from itertools import count
from typing import Callable, Iterable, Iterator, Tuple

from eventcoder.core.errors import UserError

ORDERS = ("uncertain", "disagreement", "stream")
DEFAULT_BUFFER = 256
#: Tasks read before the first one is served (Prodigy's default batch size).
DEFAULT_WARMUP = 10
#: Doubt of a modality call: the error rates of the rule extractor's calls on
#: corpus/dev.jsonl, rounded (negations are where cues mislead most).
MODALITY_DOUBT = {"asserted": 0.01, "planned": 0.05, "hypothetical": 0.05, "negated": 0.3}
#: Doubt of a task with no event.
EMPTY_DOUBT = 0.1

Priority = Tuple[float, float]


def _unit(value, default: float) -> float:
    """``value`` clamped to 0..1; ``default`` when missing or not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    return min(1.0, max(0.0, float(value)))


def modality_doubt(event: dict) -> float:
    """How often a call of the event's modality is wrong (an unknown one: the worst rate)."""
    return MODALITY_DOUBT.get(event.get("modality") or "asserted", max(MODALITY_DOUBT.values()))


def event_doubt(event: dict) -> float:
    """``1 - score * agreement * (1 - modality_doubt)`` (see the module docstring)."""
    right = _unit(event.get("score"), 1.0) * _unit(event.get("agreement"), 1.0) * (1.0 - modality_doubt(event))
    return round(1.0 - right, 6)


def task_doubt(task: dict, empty: float = EMPTY_DOUBT) -> float:
    """The doubt of the task's most doubtful event; ``empty`` when it has none."""
    events = task.get("events") or []
    return max((event_doubt(e) for e in events), default=empty)


def task_disagreement(task: dict) -> float:
    """``1 - min(agreement)`` over the task's events; 0 when none has an agreement."""
    events = task.get("events") or []
    return round(1.0 - min((_unit(e.get("agreement"), 1.0) for e in events), default=1.0), 6)


def priority(task: dict, order: str) -> Priority:
    """How early ``task`` is served in ``order`` (higher first): a pair of the two measures."""
    if order == "uncertain":
        return task_doubt(task), task_disagreement(task)
    if order == "disagreement":
        return task_disagreement(task), task_doubt(task)
    raise ValueError(f"order is uncertain or disagreement, not {order!r}")


def reorder(items: Iterable, key: Callable[[object], Priority], buffer: int = DEFAULT_BUFFER,
            warmup: int = DEFAULT_WARMUP) -> Iterator:
    """``items`` with the highest ``key`` of a sliding window first (see the module docstring).

    The first item leaves after ``warmup`` were read (at most ``buffer + 1``); never holds more than
    ``buffer`` items: with k items emitted, at most ``k + buffer`` have been read.
    """
    if buffer < 1:
        raise ValueError("buffer must be at least 1")
    held = max(0, min(buffer, warmup - 1))  # items kept back once one has left
    heap: list = []
    arrival = count()  # ties leave in stream order; items themselves are never compared
    for item in items:
        high, low = key(item)
        heapq.heappush(heap, (-high, -low, next(arrival), item))
        if len(heap) > held:
            yield heapq.heappop(heap)[-1]
            held = min(buffer, held + 1)  # widen as the annotator works, not before
    while heap:
        yield heapq.heappop(heap)[-1]


def check_order(order: str, buffer: int = DEFAULT_BUFFER) -> None:
    """UserError for an unknown order or a buffer below 1."""
    if order not in ORDERS:
        raise UserError(f"order must be one of {', '.join(ORDERS)}, not {order!r}")
    if buffer < 1:
        raise UserError(f"buffer must be at least 1, not {buffer}")


def ordered(tasks: Iterable[dict], order: str = "stream", buffer: int = DEFAULT_BUFFER,
            warmup: int = DEFAULT_WARMUP) -> Iterator[dict]:
    """``tasks`` in review ``order`` (one of ``ORDERS``), reordered within ``buffer`` tasks,
    the first served after ``warmup``."""
    check_order(order, buffer)
    if order == "stream":
        return iter(tasks)
    return reorder(tasks, lambda task: priority(task, order), buffer, warmup)
