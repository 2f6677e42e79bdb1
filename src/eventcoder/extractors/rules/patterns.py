"""Reading trigger patterns from JSON files (the format is documented in docs/patterns.md).

A pattern file is a JSON object ``{"patterns": [ENTRY, ...]}``, optionally with
``modality_cues`` and ``lexicon`` word lists. Each entry names an event type, a spaCy
``Matcher`` pattern (``pattern``) or ``DependencyMatcher`` pattern (``dep_pattern``), which
matched tokens form the trigger, which one is the syntactic anchor that arguments hang from,
which syntactic slots fill which roles, and which fillers rule a match in or out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Literal, Optional, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    PrivateAttr,
    ValidationError,
    model_validator,
)

from eventcoder.core.errors import InputError, UserError
from eventcoder.core.reading import line_of, read_json_document
from eventcoder.core.vocabulary import Registry
from eventcoder.extractors.rules.modality import ModalityCues

BUILTIN_DIR = Path(__file__).parent / "patterns"

#: Syntactic slots a pattern may map to roles; see docs/patterns.md for each one's meaning.
SLOTS = frozenset(
    {
        "subject", "passive_subject", "agent", "object", "dative", "xcomp", "clause",
        "possessor", "compound", "modifier", "preceding", "governor_subject", "governor_object",
    }
)
#: Extra scope for ``exclude``: any word of the trigger's sentence.
SENTENCE = "sentence"
#: Word lists of the ``lexicon`` section and what they are used for.
LEXICON_KEYS = frozenset({"actor_nouns", "non_political_nouns", "refusable_nouns", "inanimate_nouns", "relationship_nouns",
                          "located_nouns"})


def is_slot(name: str) -> bool:
    """True for a known slot name or ``prep:WORD`` (``prep:WORD|WORD`` for several)."""
    return name in SLOTS or (name.startswith("prep:") and len(name) > 5)


def split_slots(key: str) -> list[str]:
    """The slots of a guard key: "object|prep:with|to" -> ["object", "prep:with|to"].

    Alternatives are separated by "|"; a bare word after ``prep:WORD`` is one more
    preposition of that slot.
    """
    slots: list[str] = []
    for piece in key.split("|"):
        if slots and slots[-1].startswith("prep:") and piece not in SLOTS and ":" not in piece:
            slots[-1] += "|" + piece
        else:
            slots.append(piece)
    return slots


class TriggerPattern(BaseModel):
    """One entry of a pattern file's ``patterns`` list."""

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
    #: Words a noun trigger may hang from and take arguments of ("held talks", "after a meeting").
    governors: list[str] = []
    #: Slots whose place names fill the ``place`` role instead ("visited Moscow").
    places: list[str] = []
    #: "slot|slot" (or "sentence") -> words; a filler matching one drops the match.
    exclude: dict[str, list[str]] = {}
    #: "slot|slot" -> words; the match is kept only if some filler of those slots matches.
    require: dict[str, list[str]] = {}
    #: Slots whose head words cannot trigger another event ("refused to sign": no AGREEMENT).
    suppress: list[str] = []
    #: A future modal or date does not make this event planned: "will boycott" is a refusal
    #: stated now (the governing "is expected to" still does).
    future_is_asserted: bool = False
    #: The negation is part of the trigger ("will not send"): it does not make it negated.
    negation_in_trigger: bool = False
    #: Stretch the trigger leftwards over the anchor's modal, auxiliary and negation.
    include_aux: bool = False
    #: Fixed modality (e.g. a refusal), otherwise computed from the context.
    modality: Optional[Literal["asserted", "planned", "negated", "hypothetical"]] = None
    #: Higher wins when matches of different patterns overlap.
    priority: int = 0

    _source: str = PrivateAttr(default="")
    _line: int = PrivateAttr(default=0)

    @model_validator(mode="after")
    def _check(self):
        if (self.pattern is None) == (self.dep_pattern is None):
            raise ValueError("give exactly one of 'pattern' and 'dep_pattern'")
        known = f"known: prep:WORD, {', '.join(sorted(SLOTS))}"
        for where, names in (
            ("slots", list(self.slots)),
            ("places", self.places),
            ("suppress", self.suppress),
            ("exclude", [name for key in self.exclude if key != SENTENCE for name in split_slots(key)]),
            ("require", [name for key in self.require for name in split_slots(key)]),
        ):
            for name in names:
                if not is_slot(name):
                    raise ValueError(f"{where}: unknown slot {name!r} ({known})")
        self._check_positions()
        return self

    def _check_positions(self) -> None:
        if self.pattern is not None:
            size = len(self.pattern)
            for ref in [self.anchor, *(self.trigger or [])]:
                if not isinstance(ref, int) or not 0 <= ref < size:
                    raise ValueError(f"anchor/trigger {ref!r} is not a token index of 'pattern' (0..{size - 1})")
        else:
            names = {node.get("RIGHT_ID") for node in self.dep_pattern}
            for ref in [self.anchor, *(self.trigger or [])]:
                if isinstance(ref, str) and ref not in names:
                    raise ValueError(f"anchor/trigger {ref!r} is not a RIGHT_ID of 'dep_pattern'")
                if isinstance(ref, int) and not 0 <= ref < len(self.dep_pattern):
                    raise ValueError(f"anchor/trigger {ref!r} is not a node index of 'dep_pattern'")

    @property
    def source(self) -> str:
        """The file this pattern was read from."""
        return self._source

    @property
    def line(self) -> int:
        """The line of its file where this pattern starts (0 when it was not read from one)."""
        return self._line


class PatternFile(BaseModel):
    """A whole pattern file."""

    model_config = ConfigDict(extra="forbid")

    description: str = ""
    patterns: list[TriggerPattern] = []
    #: Cue words for modality (see ``rules.modality.ModalityCues``); merged across files.
    modality_cues: dict[str, list[str]] = {}
    #: Shared word lists (``actor_nouns``); merged across files.
    lexicon: dict[str, list[str]] = {}


@dataclass
class PatternSet:
    """Every pattern, modality cue and lexicon list of a set of folders."""

    patterns: list[TriggerPattern] = field(default_factory=list)
    cues: ModalityCues = field(default_factory=ModalityCues)
    lexicon: dict[str, set[str]] = field(default_factory=lambda: {key: set() for key in LEXICON_KEYS})


def _load_file(path: Path, registry: Registry) -> PatternFile:
    """One pattern file, read by the project's one reader; every problem is ``FILE:LINE: ...``."""
    data, text = read_json_document(path, "pattern file")

    def fail(loc: tuple, problem: str) -> InputError:
        return InputError(str(path), line_of(text, loc), problem)

    try:
        parsed = PatternFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise fail(first["loc"], f"{where}: {first['msg']}") from None
    for key in parsed.modality_cues:
        if key not in ModalityCues.__dataclass_fields__:
            raise fail(("modality_cues", key), f"modality_cues: unknown cue list {key!r}")
    for key in parsed.lexicon:
        if key not in LEXICON_KEYS:
            raise fail(("lexicon", key), f"lexicon: unknown word list {key!r} (known: {', '.join(sorted(LEXICON_KEYS))})")
    for index, entry in enumerate(parsed.patterns):
        entry._source = str(path)
        entry._line = line_of(text, ("patterns", index))
        at = ("patterns", index)
        etype = registry.types.get(entry.type)
        if etype is None:
            raise fail((*at, "type"), f"pattern {entry.id!r}: unknown event type {entry.type!r} (known: {', '.join(registry.types)})")
        for slot, role in entry.slots.items():
            if etype.role(role) is None:
                raise fail((*at, "slots", slot), f"pattern {entry.id!r}: {entry.type} has no role {role!r} (slot {slot}; roles: {', '.join(etype.role_names)})")
        if entry.places and etype.role("place") is None:
            raise fail((*at, "places"), f"pattern {entry.id!r}: 'places' needs a place role, which {entry.type} lacks")
    return parsed


def load_patterns(dirs: Iterable[Path], registry: Registry) -> PatternSet:
    """All patterns, cues and word lists of the ``*.json`` files in ``dirs``, in order.

    Pattern ids must be unique across all files. Any problem is a :class:`UserError` that
    names the file.
    """
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
            for key, words in parsed.lexicon.items():
                result.lexicon[key].update(w.lower() for w in words)
            for entry in parsed.patterns:
                if entry.id in seen:
                    raise InputError(str(path), entry._line, f"pattern id {entry.id!r} also used in {seen[entry.id]}")
                seen[entry.id] = path
                result.patterns.append(entry)
    if not result.patterns:
        raise UserError(f"{', '.join(map(str, dirs))}:0: no patterns found")
    return result
