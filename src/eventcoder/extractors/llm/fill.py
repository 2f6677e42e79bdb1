"""``-O llm.fill_rules=true``: the rules' events, with the model used only where they are weak.

The rules find triggers well and leave roles empty more often than they fill them wrongly,
while a small model's own triggers are noisy: merging the two as equals (``--extractor
rules,llm``) adds the model's noise to the rules' precision. Here every event is a rule
event; when the model proposes an event of the same type on an overlapping trigger, the
roles the rule event leaves empty are filled from the model's (all its mentions of such a
role), except mentions that overlap the trigger or an argument the event already has; the
event's ``extractors`` then names both. The trigger, modality and score stay the rules'.
The model's other events are added only with ``min_score`` set, when their score (from the
token log-probabilities) reaches it and no kept event is on that trigger.
"""

from __future__ import annotations

from eventcoder.core.formats import Argument, Mention, ProposedEvent


def _overlap(a: Mention, b: Mention) -> bool:
    return a.start < b.end and b.start < a.end


def _filled(rule: ProposedEvent, model: ProposedEvent) -> ProposedEvent:
    """A copy of ``rule`` with its empty roles taken from ``model``."""
    event = rule.model_copy(deep=True)
    have = {arg.role for arg in rule.arguments}
    taken: list[Mention] = [rule.trigger, *rule.arguments]
    for arg in model.arguments:
        if arg.role in have or any(_overlap(arg, other) for other in taken):
            continue
        event.arguments.append(Argument.model_validate(arg.model_dump()))
        taken.append(arg)
    if len(event.arguments) > len(rule.arguments):
        event.extractors = list(dict.fromkeys([*rule.extractors, *model.extractors]))
    return event


def fill(rules: list[ProposedEvent], model: list[ProposedEvent], min_score: float | None = None) -> list[ProposedEvent]:
    """One doc's events: see the module docstring. Each model event fills one rule event."""
    events, used = [], set()
    for rule in rules:
        match = next((i for i, proposed in enumerate(model) if i not in used and proposed.label == rule.label
                      and _overlap(proposed.trigger, rule.trigger)), None)
        if match is None:
            events.append(rule.model_copy(deep=True))
            continue
        used.add(match)
        events.append(_filled(rule, model[match]))
    if min_score is not None:
        for i, proposed in enumerate(model):
            if i not in used and proposed.score >= min_score and not any(_overlap(proposed.trigger, e.trigger) for e in events):
                events.append(proposed.model_copy(deep=True))
    return events
