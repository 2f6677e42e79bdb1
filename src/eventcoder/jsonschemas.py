"""JSON Schemas of the file formats, generated from ``eventcoder.model``.

``schemas/*.schema.json`` in the repository are these, written by
``eventcoder schemas --write schemas/``; a test fails when they drift apart.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from .llm.response_schema import default_registry, response_schema
from .model import GoldRecord, Task

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _finish(schema: dict, title: str, description: str, doc: str) -> dict:
    return {"$schema": SCHEMA_DIALECT, "$id": f"https://eventcoder.dev/schemas/{doc}", **schema,
            "title": title, "description": description}


@functools.cache
def schemas() -> dict[str, dict]:
    """File name -> JSON Schema, for every format eventcoder reads or writes."""
    return {
        "task.schema.json": _finish(
            Task.model_json_schema(by_alias=True, mode="serialization"),
            "eventcoder task",
            "One line of `eventcoder extract` output: Prodigy's task format (text, tokens, spans,"
            " relations, _input_hash, _task_hash, _view_id) plus derived `events`. `spans` never"
            " overlap, so Prodigy's relations view can show them; roles whose argument overlaps"
            " another span (a statement's content clause holds other events' triggers) are kept in"
            " `overlapping_relations`, which recipes render in a block of their own.",
            "task.schema.json",
        ),
        "gold.schema.json": _finish(
            GoldRecord.model_json_schema(mode="validation"),
            "eventcoder gold record",
            "One line of a gold JSONL file, as in docs/guidelines.md.",
            "gold.schema.json",
        ),
        "llm_response.schema.json": _finish(
            response_schema(default_registry()),
            "eventcoder LLM answer",
            "What the `llm` extractor asks a model to answer (docs/llm.md), generated from the"
            " built-in event types; sent as `response_format` where the server supports it.",
            "llm_response.schema.json",
        ),
    }


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = folder / name
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
