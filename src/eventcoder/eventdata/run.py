"""``eventcoder events``: read event files, build the records, write one format atomically."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from eventcoder.core.atomic import atomic_writer
from eventcoder.core.errors import UserError
from eventcoder.core.vocabulary import Registry
from eventcoder.eventdata.actors import build_table
from eventcoder.eventdata.cameo import cameo_record
from eventcoder.eventdata.documents import read_documents
from eventcoder.eventdata.dyads_csv import COLUMNS, dyad_rows
from eventcoder.eventdata.plover import plover_record
from eventcoder.eventdata.records import Context, annotated_tasks, document_records

FORMATS = ("plover", "cameo", "csv", "tasks")


@dataclass
class EventStats:
    documents: int = 0
    events: int = 0
    written: int = 0
    by_code: dict[str, int] = field(default_factory=dict)


def make_context(registry: Registry, spacy_model: str | None = None) -> Context:
    from eventcoder.pipeline.nlp import load_pipeline

    return Context(registry, load_pipeline(spacy_model), build_table(registry.actor_data))


def _write(handle: IO, fmt: str, records: Iterable[dict], all_modalities: bool, stats: EventStats) -> None:
    writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n") if fmt == "csv" else None
    if writer:
        writer.writeheader()
    for record in records:
        if fmt == "tasks":
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            stats.written += 1
            continue
        stats.events += 1
        if writer:
            rows = dyad_rows(record, all_modalities)
            writer.writerows(rows)
            stats.written += len(rows)
            continue
        out = (plover_record if fmt == "plover" else cameo_record)(record, all_modalities)
        if out is not None:
            handle.write(json.dumps(out, ensure_ascii=False) + "\n")
            stats.written += 1
            key = out.get("event") or out.get("eventCode")
            stats.by_code[key] = stats.by_code.get(key, 0) + 1


def write_events(inputs: list[str], output: str, fmt: str, registry: Registry, all_modalities: bool = False,
                 answers: tuple[str, ...] = ("accept",), spacy_model: str | None = None) -> EventStats:
    """Write the events of ``inputs`` to ``output`` in ``fmt``; nothing is left on failure."""
    if fmt not in FORMATS:
        raise UserError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    context = make_context(registry, spacy_model)
    stats = EventStats()

    def records():
        for document in read_documents(inputs, registry, answers):
            stats.documents += 1
            yield from (annotated_tasks if fmt == "tasks" else document_records)(document, context)

    with atomic_writer(output, "w") as handle:
        _write(handle, fmt, records(), all_modalities, stats)
    return stats
