"""The JSON Schema of what the model is asked to answer, generated from the plugin registry.

One ``anyOf`` branch per event type restricts ``role`` to that type's roles, so a server with
structured outputs cannot even produce a role the type lacks. The schema keeps to the subset
OpenAI's strict mode accepts: every property required, no ``additionalProperties``, no
``const`` or numeric bounds. ``schemas/llm_response.schema.json`` is the default registry's.
"""

from __future__ import annotations

import importlib
from typing import Iterable

import pluggy

from eventcoder.core.vocabulary import MODALITIES, Registry

RESPONSE_FORMAT_NAME = "eventcoder_events"


def _event_schema(etype) -> dict:
    return {
        "type": "object",
        "description": etype.description,
        "properties": {
            "type": {"type": "string", "enum": [etype.name]},
            "modality": {"type": "string", "enum": list(MODALITIES)},
            "sentence": {"type": "integer", "description": "Number of the sentence holding the trigger."},
            "trigger": {"type": "string", "description": "The trigger, copied exactly from the text."},
            "arguments": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "role": {"type": "string", "enum": list(etype.role_names)},
                        "text": {"type": "string", "description": "The argument, copied exactly from the text."},
                    },
                    "required": ["role", "text"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["type", "modality", "sentence", "trigger", "arguments"],
        "additionalProperties": False,
    }


def response_schema(registry: Registry, labels: Iterable[str] | None = None) -> dict:
    """The schema of an answer listing events of ``labels`` (default: every registered type)."""
    names = list(labels) if labels else list(registry.types)
    return {
        "type": "object",
        "properties": {
            "events": {
                "type": "array",
                "items": {"anyOf": [_event_schema(registry.types[name]) for name in names]},
            }
        },
        "required": ["events"],
        "additionalProperties": False,
    }


def response_format(registry: Registry, labels: Iterable[str] | None = None) -> dict:
    """The OpenAI ``response_format`` (structured outputs) for :func:`response_schema`."""
    return {
        "type": "json_schema",
        "json_schema": {"name": RESPONSE_FORMAT_NAME, "strict": True, "schema": response_schema(registry, labels)},
    }


def _flat_event_schema(etype) -> dict:
    roles = {
        role.name: {"type": "array", "items": {"type": "string"}} if role.repeats else {"type": "string"}
        for role in etype.roles
    }
    return {
        "type": "object",
        "properties": {
            "sentence": {"type": "integer"},
            "type": {"type": "string", "enum": [etype.name]},
            "trigger": {"type": "string"},
            "modality": {"type": "string", "enum": list(MODALITIES)},
            **roles,
        },
        "required": ["sentence", "type", "trigger", "modality"],
        "additionalProperties": False,
    }


def flat_response_schema(registry: Registry, labels: Iterable[str] | None = None) -> dict:
    """The compact answer of ``eventcoder.Events.v2``: roles are keys of the event itself.

    ``{"events": [{"sentence": 0, "type": "MEETING", "trigger": "met", "modality": "asserted",
    "participant": ["A", "B"], "place": "Geneva"}]}``: a repeating role takes a list, any other
    a string, and a role left out is absent. About half the tokens of :func:`response_schema`,
    which matters most where answers are generated on a CPU; role names are still only those
    of the type. Not OpenAI-strict (optional keys), so sent with ``strict: false``.
    """
    names = list(labels) if labels else list(registry.types)
    return {
        "type": "object",
        "properties": {
            "events": {"type": "array", "items": {"anyOf": [_flat_event_schema(registry.types[n]) for n in names]}}
        },
        "required": ["events"],
        "additionalProperties": False,
    }


def flat_response_format(registry: Registry, labels: Iterable[str] | None = None) -> dict:
    """The ``response_format`` for :func:`flat_response_schema`."""
    return {
        "type": "json_schema",
        "json_schema": {"name": RESPONSE_FORMAT_NAME, "strict": False, "schema": flat_response_schema(registry, labels)},
    }


def default_registry() -> Registry:
    """The registry of the built-in plugins only, whatever else is installed."""
    from eventcoder import hookspecs
    from eventcoder.plugins import DEFAULT_PLUGINS, build_registry

    pm = pluggy.PluginManager("eventcoder")
    pm.add_hookspecs(hookspecs)
    for module_name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(module_name), name=module_name)
    return build_registry(pm)


def published_schemas() -> dict[str, dict]:
    """``llm_response.schema.json``: the answer schema of the built-in types, as in ``schemas/``."""
    from eventcoder.core.json_schemas import finish

    return {
        "llm_response.schema.json": finish(
            response_schema(default_registry()),
            "eventcoder LLM answer",
            "What the `llm` extractor asks a model to answer (docs/llm.md), generated from the"
            " built-in event types; sent as `response_format` where the server supports it.",
            "llm_response.schema.json",
        )
    }
