"""Gold JSONL -> spaCy training data (DocBin ``.spacy`` files).

The Doc conversion itself is :func:`eventcoder.pipeline.docbin.gold_doc`, shared with
``eventcoder export --format spacy``: triggers in ``doc.spans["events"]`` (labelled with the
event type), argument mentions in ``doc.spans["arguments"]`` (labelled with their kind) and
the gold events, roles and modality included, in ``doc.user_data["events"]``.
"""

from __future__ import annotations

from pathlib import Path

from spacy.tokens import DocBin

from eventcoder.core.atomic import atomic_writer
from eventcoder.core.errors import InputError
from eventcoder.core.formats import Gold
from eventcoder.core.vocabulary import Registry
from eventcoder.pipeline.docbin import ARGUMENTS_KEY, EVENTS_KEY, gold_docbin
from eventcoder.pipeline.validate import read_valid

__all__ = ["ARGUMENTS_KEY", "EVENTS_KEY", "read_gold", "gold_to_docbin", "write_docbin"]


def read_gold(path: str | Path, registry: Registry) -> list[dict]:
    """The records of a gold JSONL file; InputError ``FILE:LINE: problem`` at the first bad one."""
    records = list(read_valid(str(path), "gold", registry))
    if not records:
        raise InputError(str(path), 0, "no gold records")
    return records


def gold_to_docbin(records: list[dict], registry: Registry) -> DocBin:
    """The records as a DocBin, with their events kept as user data."""
    return gold_docbin((Gold(record, None) for record in records), registry)


def write_docbin(records: list[dict], output: str | Path, registry: Registry) -> None:
    """Write the records as a ``.spacy`` file, atomically."""
    data = gold_to_docbin(records, registry).to_bytes()
    with atomic_writer(str(output), "wb") as handle:
        handle.write(data)
