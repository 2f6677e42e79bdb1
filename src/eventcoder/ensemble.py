"""Merging proposals of several extractors for one doc.

Events with the same type and overlapping triggers are one event: the trigger of the first
extractor (in the order the user named them) wins, arguments are united (same role and
overlapping text count once), ``extractors`` lists who proposed it and ``agreement`` says what
share of the extractors did (1.0 = all).
"""

from __future__ import annotations

from .model import Argument, ProposedEvent


def _overlap(a, b) -> bool:
    return a.start < b.end and b.start < a.end


def merge_events(proposals: list[list[ProposedEvent]]) -> list[ProposedEvent]:
    """Merge one doc's events, one list per extractor, into a single list."""
    if len(proposals) == 1:
        return proposals[0]
    merged: list[ProposedEvent] = []
    for events in proposals:
        for event in events:
            same = next(
                (m for m in merged if m.label == event.label and _overlap(m.trigger, event.trigger)),
                None,
            )
            if same is None:
                merged.append(event.model_copy(deep=True))
                continue
            for arg in event.arguments:
                if not any(a.role == arg.role and _overlap(a, arg) for a in same.arguments):
                    same.arguments.append(Argument.model_validate(arg.model_dump()))
            same.extractors = list(dict.fromkeys([*same.extractors, *event.extractors]))
            same.score = max(same.score, event.score)
    for event in merged:
        event.agreement = round(len(set(event.extractors)) / len(proposals), 4)
    return merged
