"""Event types, roles and argument kinds: the vocabulary plugins register.

An *event type* (MEETING, STATEMENT, ...) has *roles* (participant, speaker, ...). Each role
says which *argument kind* fills it: the kind is the span label a mention gets in a task
(ACTOR, PLACE, TIME, TOPIC, CONTENT), the role is the relation label from trigger to mention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MODALITIES = ("asserted", "planned", "negated", "hypothetical")
#: Modalities that count as real events; the others are annotated but never counted.
REAL_MODALITIES = ("asserted", "planned")

_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
_ROLE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class ArgumentKind:
    """A span label for argument mentions (ACTOR, PLACE, ...)."""

    name: str
    description: str = ""
    #: Kinds whose mentions may overlap other spans by nature (a reported clause holds other
    #: events' triggers). They go in the task's ``overlapping_relations``.
    may_overlap: bool = False


@dataclass(frozen=True)
class Role:
    """One role of an event type, e.g. ``participant`` of MEETING."""

    name: str
    kind: str
    repeats: bool = False
    description: str = ""


@dataclass(frozen=True)
class EventType:
    """An event type with its roles, as defined in the annotation guidelines."""

    name: str
    description: str
    roles: tuple[Role, ...]
    triggers: tuple[str, ...] = ()

    def role(self, name: str) -> Role | None:
        for role in self.roles:
            if role.name == name:
                return role
        return None

    @property
    def role_names(self) -> tuple[str, ...]:
        return tuple(role.name for role in self.roles)


@dataclass
class Registry:
    """Everything the plugins registered, checked and ready to use."""

    kinds: dict[str, ArgumentKind] = field(default_factory=dict)
    types: dict[str, EventType] = field(default_factory=dict)
    #: extractor name -> factory; see ``hookspecs.register_extractors``.
    extractors: dict[str, object] = field(default_factory=dict)
    #: extractor name -> description shown by ``eventcoder plugins``.
    extractor_descriptions: dict[str, str] = field(default_factory=dict)
    #: extractor name -> its options model (an ``ExtractorOptions`` subclass).
    extractor_options: dict[str, type] = field(default_factory=dict)
    #: folders of rule patterns registered by plugins, in registration order.
    pattern_dirs: list[object] = field(default_factory=list)
    #: actor data files or folders registered by plugins (``register_actors``), in order.
    actor_data: list[object] = field(default_factory=list)
    #: what each plugin registered, for ``eventcoder plugins``.
    provided: dict[str, list[str]] = field(default_factory=dict)
    #: plugins that failed to load or registered something invalid: name -> message.
    errors: dict[str, str] = field(default_factory=dict)

    def kind_of(self, event_type: str, role: str) -> str | None:
        etype = self.types.get(event_type)
        found = etype.role(role) if etype else None
        return found.kind if found else None

    def role_labels(self) -> list[str]:
        """Every role name across types, in first-seen order (relation labels)."""
        seen: dict[str, None] = {}
        for etype in self.types.values():
            for role in etype.roles:
                seen.setdefault(role.name, None)
        return list(seen)

    def check_event_type(self, etype: EventType) -> None:
        """Raise ValueError when ``etype`` cannot join this registry."""
        if not _NAME.match(etype.name):
            raise ValueError(f"event type name {etype.name!r} must be UPPER_CASE")
        if etype.name in self.types:
            raise ValueError(f"duplicate event type {etype.name!r}")
        if etype.name in self.kinds:
            raise ValueError(f"event type {etype.name!r} clashes with an argument kind")
        names = [role.name for role in etype.roles]
        if len(set(names)) != len(names):
            raise ValueError(f"event type {etype.name!r} lists a role twice")
        for role in etype.roles:
            self.check_role(etype.name, role)

    def check_role(self, type_name: str, role: Role) -> None:
        if not _ROLE.match(role.name):
            raise ValueError(f"role name {role.name!r} of {type_name} must be lower_case")
        if role.kind not in self.kinds:
            raise ValueError(
                f"role {role.name!r} of {type_name} has unknown argument kind {role.kind!r}"
                f" (known: {', '.join(self.kinds)})"
            )
