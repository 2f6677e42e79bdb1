"""Datasets of the answer database as the input of ``eventcoder export`` and ``agreement``.

Those commands take a file of answers (``prodigy db-out``) or, when their argument is not a
file, the name of a dataset in the database that ``eventcoder review`` writes (``--db``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from eventcoder.annotation.export import (
    ExportStats,
    build_gold,
    output_format,
    write_gold,
)
from eventcoder.annotation.store import DEFAULT_DB, dataset_answers, has_dataset
from eventcoder.core.errors import UserError
from eventcoder.core.vocabulary import Registry
from eventcoder.pipeline.inputs import STDIN


def dataset_name(source: str, db: str | None = None) -> str | None:
    """None when ``source`` is a file (or stdin); else ``source``, a dataset of ``db``.

    UserError when it is neither.
    """
    if source == STDIN or Path(source).is_file():
        return None
    db = db or DEFAULT_DB
    if has_dataset(db, source):
        return source
    raise UserError(f"{source}: no such file, and {db} holds no dataset of that name")


def export_dataset(db: str | None, dataset: str, output: str, registry: Registry, keep: Sequence[str] = ("accept",),
                   merge: str = "latest", fmt: str | None = None) -> ExportStats:
    """``annotation.export.export`` over a dataset of the answer database."""
    fmt = output_format(output, fmt)
    stats = ExportStats()
    golds = build_gold(dataset_answers(db or DEFAULT_DB, dataset), registry, keep, merge, stats)
    write_gold(golds, output, fmt, registry)
    return stats
