"""Labels and interface settings for Prodigy, derived from the plugin registry.

The annotation view is Prodigy's ``blocks`` interface:

1. ``relations``: triggers (span labels = event types), argument mentions (span labels =
   argument kinds) and roles (relation labels), drawn from trigger to argument.
2. ``choice`` (correct recipes only): the arguments the relations view cannot show because
   they overlap other spans (``overlapping_relations``), to keep or drop, and the modality of
   each proposed trigger. See ``eventcoder.annotation.edits``.
3. ``text_input``: additions the relations view cannot express (an overlapping argument, a
   modality for a trigger drawn by hand), one per line.
4. ``llm_io`` (LLM recipes only): the prompt and the raw response behind the proposals.
"""

from __future__ import annotations

from eventcoder.core.vocabulary import MODALITIES, Registry

#: The task key of the ``text_input`` block (Prodigy's ``field_id``).
EDITS_FIELD = "event_edits"
#: The task key Prodigy's ``llm_io`` view reads: ``{"prompt": ..., "response": ...}``.
LLM_IO_KEY = "llm"


def span_labels(registry: Registry) -> list[str]:
    """Event types (trigger spans) and argument kinds (argument mentions)."""
    return [*registry.types, *registry.kinds]


def relation_labels(registry: Registry) -> list[str]:
    """Every role of every event type: the relation labels."""
    return registry.role_labels()


def edits_block() -> dict:
    return {
        "view_id": "text_input",
        "field_id": EDITS_FIELD,
        "field_label": "Edits the relations view cannot make, one per line: "
        f"TRIGGER -> ROLE: ARGUMENT TEXT, or TRIGGER: {'|'.join(MODALITIES)}",
        "field_placeholder": "said -> content: Minsk will not send any officials\nmet: planned",
        "field_rows": 2,
    }


def blocks(*, choices: bool, llm: bool) -> list[dict]:
    """The blocks of an events recipe (see the module docstring)."""
    result: list[dict] = [{"view_id": "relations"}]
    if choices:
        result.append({"view_id": "choice", "text": None})  # text None: show the text once
    result.append(edits_block())
    if llm:
        result.append({"view_id": "llm_io"})
    return result


def interface_config(registry: Registry, *, choices: bool, llm: bool = False) -> dict:
    """Prodigy ``config`` for an events recipe."""
    config = {
        "labels": relation_labels(registry),
        "relations_span_labels": span_labels(registry),
        "wrap_relations": True,
        "blocks": blocks(choices=choices, llm=llm),
    }
    if choices:
        config["choice_style"] = "multiple"
        # One answer per text: the proposals change with the extractor, the text does not.
        config["exclude_by"] = "input"
    return config
