"""JSON Schemas of the file formats, generated from ``eventcoder.core.formats``.

The LLM answer's schema is the llm extractor's own
(:func:`eventcoder.extractors.llm.response_schema.published_schemas`); ``eventcoder schemas``
writes both.

``schemas/*.schema.json`` in the repository are these, written by
``eventcoder schemas --write schemas/``; a test fails when they drift apart.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from eventcoder.core.formats import GoldRecord, Task

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def finish(schema: dict, title: str, description: str, doc: str) -> dict:
    return {"$schema": SCHEMA_DIALECT, "$id": f"https://eventcoder.dev/schemas/{doc}", **schema,
            "title": title, "description": description}


@functools.cache
def schemas() -> dict[str, dict]:
    """File name -> JSON Schema, for the task and gold formats."""
    return {
        "task.schema.json": finish(
            Task.model_json_schema(by_alias=True, mode="serialization"),
            "eventcoder task",
            "One line of `eventcoder extract` output: Prodigy's task format (text, tokens, spans,"
            " relations, _input_hash, _task_hash, _view_id) plus derived `events`. `spans` never"
            " overlap, so Prodigy's relations view can show them; roles whose argument overlaps"
            " another span (a statement's content clause holds other events' triggers) are kept in"
            " `overlapping_relations`, which recipes render in a block of their own.",
            "task.schema.json",
        ),
        "gold.schema.json": finish(
            GoldRecord.model_json_schema(mode="validation"),
            "eventcoder gold record",
            "One line of a gold JSONL file, as in docs/guidelines.md.",
            "gold.schema.json",
        ),
    }


def write_schemas(folder: Path, files: dict[str, dict]) -> list[Path]:
    """Write ``files`` (file name -> schema) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in files.items():
        path = folder / name
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
