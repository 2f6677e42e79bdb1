"""Merging proposals of several extractors for one doc.

Events with the same type and overlapping triggers are one event: the trigger (and modality)
of the first extractor, in the order the user named them, wins; arguments are united (same
role and overlapping text count as one argument), except that a role which does not repeat
keeps the first extractor's mention; ``extractors`` names every extractor that proposed the
event, and ``score`` is the highest score.

``agreement`` (0..1) is how much of the event the extractors agree on: the mean, over the
trigger and each merged argument, of the share of the N extractors that proposed it::

    agreement = (n_trigger / N + sum(n_arg / N for each argument)) / (1 + number of arguments)

1.0 means every extractor proposed the event with the same arguments. With two extractors,
an event only one of them proposed gets 0.5 whatever its arguments; one both proposed, with
one shared argument and one argument from each alone, gets (1 + 1 + 0.5 + 0.5) / 4 = 0.75.
A second extractor's other mention for a role that does not repeat is left out; the kept
mention's share (0.5) records the disagreement.
"""

from __future__ import annotations

from eventcoder.core.formats import Argument, ProposedEvent
from eventcoder.core.vocabulary import Registry


def _overlap(a, b) -> bool:
    return a.start < b.end and b.start < a.end


def _repeats(registry: Registry, label: str, role: str) -> bool:
    etype = registry.types.get(label)
    found = etype.role(role) if etype else None
    return bool(found and found.repeats)


def merge_events(proposals: list[list[ProposedEvent]], registry: Registry | None = None) -> list[ProposedEvent]:
    """Merge one doc's events, one list per extractor, into a single list.

    ``registry`` (default: the process-wide one) says which roles may repeat.
    """
    if len(proposals) == 1:
        return proposals[0]
    if registry is None:
        from eventcoder.plugins import get_registry

        registry = get_registry()
    # Per merged event: the event, who proposed it, and who proposed each of its arguments
    # (extractors counted by position, so two extractors that share a name still count twice).
    merged: list[tuple[ProposedEvent, set[int], list[set[int]]]] = []
    for who, events in enumerate(proposals):
        for event in events:
            same = next(
                (m for m in merged if m[0].label == event.label and _overlap(m[0].trigger, event.trigger)),
                None,
            )
            if same is None:
                copy = event.model_copy(deep=True)
                merged.append((copy, {who}, [{who} for _ in copy.arguments]))
                continue
            target, proposers, arg_proposers = same
            proposers.add(who)
            for arg in event.arguments:
                index = next(
                    (i for i, a in enumerate(target.arguments) if a.role == arg.role and _overlap(a, arg)), None
                )
                if index is not None:
                    arg_proposers[index].add(who)
                elif _repeats(registry, event.label, arg.role) or all(a.role != arg.role for a in target.arguments):
                    target.arguments.append(Argument.model_validate(arg.model_dump()))
                    arg_proposers.append({who})
            target.extractors = list(dict.fromkeys([*target.extractors, *event.extractors]))
            target.score = max(target.score, event.score)
    n = len(proposals)
    for event, proposers, arg_proposers in merged:
        shares = [len(proposers) / n, *(len(s) / n for s in arg_proposers)]
        event.agreement = round(sum(shares) / len(shares), 4)
    return [event for event, _, _ in merged]
