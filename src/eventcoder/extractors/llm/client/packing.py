"""Several docs' prompts in one request, and the answer split back into one per doc.

Prompts that are :class:`~eventcoder.extractors.llm.prompts.PackablePrompt` with the same
prefix and suffix are packed in their order, up to ``max_sentences`` sentences and a token
budget per request (a prompt over either limit goes alone). The request shows the prefix once
and the sentences of all its docs numbered on (doc 2's first sentence is ``[n]`` when doc 1
has n), so the model sees one document and answers with one events list; each event goes
back to the doc whose sentence it names, its ``sentence`` renumbered for that doc. An event
with no usable sentence number goes to the first doc holding its trigger text (else the
first doc, whose parse then drops it with the reason). An answer with no events list is
handed to every doc as it is, so each records why.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable
from dataclasses import dataclass

from eventcoder.extractors.llm.prompts import PackablePrompt, render
from eventcoder.extractors.llm.tasks.events.parser import _sentence, event_items


@dataclass
class Pack:
    """The members' cache keys and prompts, the request's prompt, and each member's first line."""

    keys: list[str]
    prompts: list[str]
    prompt: str
    starts: list[int]


def _packable(prompt) -> bool:
    return isinstance(prompt, PackablePrompt) and bool(prompt.lines)


def make_packs(jobs: list[tuple[str, str]], max_sentences: int, max_tokens: float,
               estimate: Callable[[str], int]) -> list[Pack]:
    """``(key, prompt)`` jobs as requests, in order; see the module docstring."""
    packs: list[Pack] = []
    group: list[tuple[str, PackablePrompt]] = []

    def close() -> None:
        if group:
            lines = [line for _, prompt in group for line in prompt.lines]
            starts, n = [], 0
            for _, prompt in group:
                starts.append(n)
                n += len(prompt.lines)
            first = group[0][1]
            prompt = (render(first.prefix, lines, first.suffix, first.examples, first.insert_at)
                      if len(group) > 1 else str(first))
            packs.append(Pack([k for k, _ in group], [p for _, p in group], prompt, starts))
            group.clear()

    cost = 0
    for key, prompt in jobs:
        if max_sentences <= 1 or not _packable(prompt):
            close()
            packs.append(Pack([key], [prompt], str(prompt), [0]))
            continue
        lines_cost = sum(estimate(f"[{len(prompt.lines)}] {line}") for line in prompt.lines)
        if group:
            first = group[0][1]
            same = first.shape() == prompt.shape()
            n_lines = sum(len(p.lines) for _, p in group)
            if not same or n_lines + len(prompt.lines) > max_sentences or cost + lines_cost > max_tokens:
                close()
        if not group:
            cost = estimate(prompt.frame())
        group.append((key, prompt))
        cost += lines_cost
    close()
    return packs


def _member_of(item, pack: Pack) -> tuple[int, int | None]:
    """The member an answer item belongs to, and its sentence number within that member."""
    total = sum(len(p.lines) for p in pack.prompts)
    number = _sentence(item.get("sentence")) if isinstance(item, dict) else None
    if number is not None and 0 <= number < total:
        member = bisect.bisect_right(pack.starts, number) - 1
        return member, number - pack.starts[member]
    trigger = item.get("trigger") if isinstance(item, dict) else None
    if isinstance(trigger, str) and trigger.strip():
        for member, prompt in enumerate(pack.prompts):
            if any(trigger.strip().lower() in line.lower() for line in prompt.lines):
                return member, None
    return 0, None


def split_answer(pack: Pack, content: str, scores: list[float | None] | None = None) -> list[str]:
    """One answer per member of ``pack``; ``scores`` (one per item) are written into the items."""
    items, problem = event_items(content)
    if problem:
        return [content] * len(pack.keys)
    per_member: list[list] = [[] for _ in pack.keys]
    for i, item in enumerate(items):
        member, number = _member_of(item, pack)
        if isinstance(item, dict):
            item = dict(item)
            if number is not None:
                item["sentence"] = number
            if scores and i < len(scores) and scores[i] is not None:
                item["score"] = scores[i]
        per_member[member].append(item)
    return [json.dumps({"events": member_items}, ensure_ascii=False) for member_items in per_member]
