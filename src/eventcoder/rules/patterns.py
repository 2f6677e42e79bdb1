"""Reading trigger patterns from JSON files (the format is documented in docs/patterns.md).

A pattern file is a JSON object ``{"patterns": [ENTRY, ...]}``. Each entry names an event
type, a spaCy ``Matcher`` pattern (``pattern``) or ``DependencyMatcher`` pattern
(``dep_pattern``), which matched tokens form the trigger, which one is the syntactic anchor
that arguments hang from, and which syntactic slots fill which roles.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Literal, Optional, Union

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from ..errors import UserError
from ..schema import Registry
from .modality import ModalityCues

BUILTIN_DIR = Path(__file__).parent / "patterns"

#: Syntactic slots a pattern may map to roles; see docs/patterns.md for each one's meaning.
SLOTS = frozenset(
    {
        "subject", "passive_subject", "agent", "object", "dative", "clause", "xcomp",
        "possessor", "compound", "governor_subject", "governor_object", "attr_of",
    }
)


class TriggerPattern(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    type: str
    pattern: Optional[list[dict]] = None
    dep_pattern: Optional[list[dict]] = None
    #: The syntactic anchor: a token index into ``pattern`` or a RIGHT_ID of ``dep_pattern``.
    anchor: Union[int, str] = 0
    #: Matched tokens forming the trigger (their min..max); default: all matched tokens.
    trigger: Optional[list[Union[int, str]]] = None
    #: slot -> role; ``prep:with`` style keys name a preposition's object.
    slots: dict[str, str] = {}
    #: The negation is part of the trigger ("will not send"): it does not make it negated.
    negation_in_trigger: bool = False
    #: Stretch the trigger leftwards over the anchor's modal/auxiliary ("will take part").
    include_aux: bool = False
    #: Fixed modality (e.g. a refusal), otherwise computed from the context.
    modality: Optional[Literal["asserted", "planned", "negated", "hypothetical"]] = None
    #: Higher wins when matches of different patterns overlap.
    priority: int = 0

    @model_validator(mode="after")
    def _one_pattern(self):
        if (self.pattern is None) == (self.dep_pattern is None):
            raise ValueError("give exactly one of 'pattern' and 'dep_pattern'")
        for slot in self.slots:
            if slot not in SLOTS and not slot.startswith("prep:"):
                raise ValueError(f"unknown slot {slot!r} (known: prep:WORD, {', '.join(sorted(SLOTS))})")
        return self


class PatternFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = ""
    patterns: list[TriggerPattern] = []
    #: Cue words for modality (see ``rules.modality.ModalityCues``); merged across files.
    modality_cues: dict[str, list[str]] = {}


@dataclass
class PatternSet:
    patterns: list[TriggerPattern] = field(default_factory=list)
    cues: ModalityCues = field(default_factory=ModalityCues)


def _load_file(path: Path, registry: Registry) -> PatternFile:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}:0: cannot read pattern file: {exc}") from None
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    try:
        parsed = PatternFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UserError(f"{path}:0: {where}: {first['msg']}") from None
    for key in parsed.modality_cues:
        if key not in ModalityCues.__dataclass_fields__:
            raise UserError(f"{path}:0: modality_cues: unknown cue list {key!r}")
    for entry in parsed.patterns:
        etype = registry.types.get(entry.type)
        if etype is None:
            raise UserError(f"{path}:0: pattern {entry.id!r}: unknown event type {entry.type!r}")
        for slot, role in entry.slots.items():
            if etype.role(role) is None:
                raise UserError(f"{path}:0: pattern {entry.id!r}: {entry.type} has no role {role!r} (slot {slot})")
    return parsed


def load_patterns(dirs: Iterable[Path], registry: Registry) -> PatternSet:
    """All patterns and cues of the ``*.json`` files in ``dirs``, in order; ids must be unique."""
    dirs = list(dirs)
    result = PatternSet()
    seen: dict[str, Path] = {}
    for folder in dirs:
        folder = Path(folder)
        if not folder.is_dir():
            raise UserError(f"{folder}:0: pattern folder does not exist")
        for path in sorted(folder.glob("*.json")):
            parsed = _load_file(path, registry)
            result.cues.update(parsed.modality_cues)
            for entry in parsed.patterns:
                if entry.id in seen:
                    raise UserError(f"{path}:0: pattern id {entry.id!r} also used in {seen[entry.id]}")
                seen[entry.id] = path
                result.patterns.append(entry)
    if not result.patterns:
        raise UserError(f"{', '.join(map(str, dirs))}:0: no patterns found")
    return result
