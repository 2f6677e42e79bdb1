"""The file formats, as pydantic models: gold records, events, and Prodigy-style tasks.

These models are the single source of the JSON Schemas in ``schemas/`` (see
``eventcoder.core.json_schemas``); the files there are generated from them and a test keeps them in
sync. Extra keys are allowed everywhere, as in Prodigy.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt

Modality = Literal["asserted", "planned", "negated", "hypothetical"]


class _Open(BaseModel):
    # In the schemas of what we write (serialization mode) every field we always write is
    # required; gold files use validation mode, where defaults make fields optional.
    model_config = ConfigDict(extra="allow", json_schema_serialization_defaults_required=True)


class Mention(_Open):
    """A piece of the text: character offsets into ``text``, end exclusive."""

    start: NonNegativeInt
    end: NonNegativeInt
    text: str


class Argument(Mention):
    role: str = Field(description="The role this mention plays in the event, e.g. participant.")


class Event(_Open):
    """One event mention: a trigger, its arguments, and how real it is."""

    label: str = Field(description="The event type, e.g. MEETING.")
    trigger: Mention
    arguments: list[Argument] = Field(default_factory=list)
    modality: Modality = "asserted"


class ProposedEvent(Event):
    """An event as an extractor proposes it, with who proposed it and how sure it is."""

    score: float = Field(1.0, ge=0.0, le=1.0)
    extractors: list[str] = Field(default_factory=list)


class GoldRecord(_Open):
    """One line of a gold JSONL file (docs/guidelines.md, "Gold format")."""

    text: str
    meta: dict = Field(default_factory=dict)
    events: list[Event]


class Token(_Open):
    text: str
    start: NonNegativeInt
    end: NonNegativeInt
    id: NonNegativeInt
    ws: bool


class Span(_Open):
    """A Prodigy span: character offsets and inclusive token indices."""

    start: NonNegativeInt
    end: NonNegativeInt
    token_start: NonNegativeInt
    token_end: NonNegativeInt = Field(description="Index of the span's last token (inclusive).")
    label: str


class Relation(_Open):
    """A Prodigy relation: ``head``/``child`` are the token index of each span's last token."""

    head: NonNegativeInt
    child: NonNegativeInt
    head_span: Span
    child_span: Span
    label: str


class Task(_Open):
    """One annotation task: Prodigy's task format plus our derived ``events``."""

    text: str
    meta: dict
    tokens: list[Token]
    spans: list[Span] = Field(
        description="Triggers (labelled with the event type) and argument mentions (labelled with"
        " their kind). Never overlapping, so Prodigy's relations view can show them. Trigger"
        " spans also carry the event's modality, score, extractors (and agreement)."
    )
    relations: list[Relation] = Field(description="Trigger -> argument, labelled with the role.")
    overlapping_relations: list[Relation] = Field(
        default_factory=list,
        description="Roles whose argument overlaps other spans (a statement's content clause)."
        " Same shape as relations; the child span is not in spans.",
    )
    events: list[ProposedEvent] = Field(
        description="Derived from spans + relations + overlapping_relations by"
        " eventcoder.pipeline.tasks.events_from_task; never edited directly."
    )
    input_hash: int = Field(alias="_input_hash")
    task_hash: int = Field(alias="_task_hash")
    view_id: str = Field("relations", alias="_view_id")


class Gold(NamedTuple):
    """A gold record and the tokens it was annotated on (for a spaCy Doc)."""

    record: dict
    tokens: list | None
