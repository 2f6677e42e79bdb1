"""``eventcoder extract`` to one JSONL file (or stdout), as a library function.

Inputs are read and cut into units here, batched (:func:`~eventcoder.run.config.batches`) and
run through the one runner (:mod:`eventcoder.run.runner`): in this process, in ``n_process``
worker processes, or on a Dask cluster. A worker parses, extracts and serialises a batch and
hands back finished JSON lines; this process only puts them in order and writes them. Batches
are drawn lazily and a bounded number is held, so memory stays flat however large the input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from eventcoder.core.atomic import atomic_writer
from eventcoder.core.errors import InputError
from eventcoder.core.progress import progress_bar
from eventcoder.pipeline.inputs import input_size, read_inputs
from eventcoder.pipeline.units import Unit
from eventcoder.plugins import get_registry
from eventcoder.run.config import ExtractConfig, above_min_score, batches, units_of
from eventcoder.run.runner import run
from eventcoder.run.worker import Batch, process_batch

__all__ = ["Batch", "ExtractConfig", "ExtractStats", "above_min_score", "extract", "task_lines"]


@dataclass
class ExtractStats:
    documents: int = 0
    tasks: int = 0
    #: Bad records skipped (``skip_invalid``); each was handed to ``on_skip``, none is kept here.
    skipped: int = 0
    #: Units made no task of as boilerplate (``config.skip_boilerplate``).
    boilerplate: int = 0
    #: Lone surrogates replaced by U+FFFD (``skip_invalid``) in the records read.
    replaced: int = 0


def task_lines(units: Iterator[Unit], config: ExtractConfig, *, engine: str = "local", n_process: int = 1,
               scheduler: str | None = None) -> Iterator[Batch]:
    """The task lines of ``units``, one :class:`Batch` per batch of units, in order."""
    return run(process_batch, batches(units, config.batch_size), config, engine=engine, n_process=n_process,
               scheduler=scheduler, ordered=True)


def extract(
    inputs: list[str],
    output: str,
    config: ExtractConfig = ExtractConfig(),
    n_process: int = 1,
    skip_invalid: bool = False,
    on_skip: Callable[[InputError], None] | None = None,
) -> ExtractStats:
    """Extract events from ``inputs`` and write one task per line to ``output``.

    Raises :class:`InputError` at the first bad input unless ``skip_invalid``; then bad
    records are counted in ``stats.skipped`` and passed to ``on_skip``. The output file
    appears only when the run succeeds.
    """
    stats = ExtractStats()
    get_registry()  # load plugins before workers start, so their errors surface once

    def skipped(error: InputError) -> None:
        stats.skipped += 1
        if on_skip:
            on_skip(error)

    records = read_inputs(inputs, on_error=skipped if skip_invalid else None)
    total = input_size(inputs)
    with progress_bar("extract", total=total, bytes_=True) as bar, atomic_writer(output) as out:

        def units() -> Iterator[Unit]:
            for record in records:
                stats.documents += 1
                stats.replaced += record.replaced
                bar.advance(record.nbytes, status=f"{stats.documents} docs")
                yield from units_of(record, config, on_error=skipped if skip_invalid else None)

        for batch in task_lines(units(), config, n_process=n_process):
            out.writelines(line + "\n" for line in batch.lines)
            stats.tasks += len(batch.lines)
            stats.boilerplate += batch.boilerplate
    return stats
