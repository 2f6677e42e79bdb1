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
#: What the ``llm_io`` view shows for a task no LLM record came with.
NO_LLM_RECORD = "(no LLM prompt or response was recorded for this task)"
#: Tasks Prodigy sends the browser per request (its default); the LLM recipes ask for fewer,
#: since each fresh task there costs a model call before the first card shows.
UI_BATCH_SIZE = 10
LLM_UI_BATCH_SIZE = 2
#: Keys labels must not take: Prodigy's accept (a), reject (x) and ignore (i); the choice block
#: numbers its options 1-9, so labels get letters only.
RESERVED_KEYS = frozenset("axi")
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def span_labels(registry: Registry) -> list[str]:
    """Event types (trigger spans) and argument kinds (argument mentions)."""
    return [*registry.types, *registry.kinds]


def relation_labels(registry: Registry) -> list[str]:
    """Every role of every event type: the relation labels."""
    return registry.role_labels()


def keymap_by_label(labels: list[str]) -> dict[str, str]:
    """One letter per label, its first free letter where it has one, for Prodigy's
    ``keymap_by_label``: without it, span labels, relation labels and choice options all
    take the number keys. Labels beyond the free letters get no key (pick them by mouse)."""
    taken = set(RESERVED_KEYS)
    keymap = {}
    for label in labels:
        free = [c for c in label.lower() if c in LETTERS and c not in taken] or [c for c in LETTERS if c not in taken]
        if free:
            keymap[label] = free[0]
            taken.add(free[0])
    return keymap


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
        "keymap_by_label": keymap_by_label([*span_labels(registry), *relation_labels(registry)]),
        "batch_size": LLM_UI_BATCH_SIZE if llm else UI_BATCH_SIZE,
    }
    if choices:
        config["choice_style"] = "multiple"
    return config
