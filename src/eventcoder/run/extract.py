"""``eventcoder extract`` as a library function: inputs -> parsed units -> tasks (JSONL).

Work is done in batches of units. With ``n_process > 1`` each batch goes to a worker
process that loads the spaCy pipeline, the plugins and the extractors once and returns the
finished JSON lines, so parsing, extraction and serialisation all run in parallel and only
short strings cross process boundaries. At most ``2 * n_process`` batches are in flight, so
memory stays flat however large the input is.
"""

from __future__ import annotations

import json
import multiprocessing
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from eventcoder.core.atomic import atomic_writer
from eventcoder.core.errors import InputError
from eventcoder.core.progress import progress_bar
from eventcoder.extractors import TASK_META_KEY, ExtractorContext, build_extractors
from eventcoder.extractors.ensemble import merge_events
from eventcoder.pipeline.inputs import input_size, read_inputs
from eventcoder.pipeline.nlp import load_pipeline
from eventcoder.pipeline.tasks import make_task
from eventcoder.pipeline.units import UNITS, Unit, split_units
from eventcoder.plugins import get_registry


@dataclass(frozen=True)
class ExtractConfig:
    """Everything a worker needs to rebuild the extraction pipeline (it is pickled)."""

    extractors: tuple[str, ...] = ("rules",)
    unit: str = "paragraph"
    spacy_model: str | None = None
    batch_size: int = 64
    options: tuple[tuple[str, object], ...] = ()

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r}; choose one of {', '.join(UNITS)}")


@dataclass
class ExtractStats:
    documents: int = 0
    tasks: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


class Worker:
    """The loaded pipeline and extractors of one process."""

    def __init__(self, config: ExtractConfig):
        self.config = config
        self.registry = get_registry()
        self.nlp = load_pipeline(config.spacy_model)
        context = ExtractorContext(self.registry, self.nlp, dict(config.options))
        self.extractors = build_extractors(config.extractors, context)

    def process(self, units: list[Unit]) -> list[str]:
        """Tasks for ``units`` as JSON lines, in order."""
        docs = list(self.nlp.pipe((unit.text for unit in units), batch_size=self.config.batch_size))
        per_extractor = [list(extractor.extract(docs)) for extractor in self.extractors]
        lines: list[str] = []
        for index, (doc, unit) in enumerate(zip(docs, units)):
            events = merge_events([proposals[index] for proposals in per_extractor], self.registry)
            extra = doc.user_data.get(TASK_META_KEY, {})
            for window, meta in self._windows(doc, unit):
                task = make_task(window, events, {**meta, **extra}, self.registry)
                lines.append(json.dumps(task, ensure_ascii=False))
        return lines

    def _windows(self, doc, unit: Unit):
        if self.config.unit != "sentence":
            yield doc[:], unit.meta
            return
        for sent in doc.sents:
            # Trim edge whitespace tokens so a task never starts or ends with blanks.
            start, end = sent.start, sent.end
            while start < end and doc[start].is_space:
                start += 1
            while end > start and doc[end - 1].is_space:
                end -= 1
            if start == end:
                continue
            window = doc[start:end]
            yield window, {**unit.meta, "unit": "sentence", "offset": unit.meta["offset"] + window.start_char}


_WORKER: Worker | None = None


def _init_worker(config: ExtractConfig) -> None:
    global _WORKER
    _WORKER = Worker(config)


def _process_in_worker(units: list[Unit]) -> list[str]:
    assert _WORKER is not None
    return _WORKER.process(units)


#: Characters in one batch at most: a batch of long units (a long text cut up) would
#: otherwise hold ``size`` long parses at once.
MAX_BATCH_CHARS = 100_000


def batches(units: Iterator[Unit], size: int, max_chars: int = MAX_BATCH_CHARS) -> Iterator[list[Unit]]:
    """Consecutive lists of up to ``size`` units and about ``max_chars`` characters (one unit at least)."""
    batch: list[Unit] = []
    chars = 0
    for unit in units:
        if batch and (len(batch) == size or chars + len(unit.text) > max_chars):
            yield batch
            batch, chars = [], 0
        batch.append(unit)
        chars += len(unit.text)
    if batch:
        yield batch


def run_batches(
    unit_batches: Iterable[list[Unit]], config: ExtractConfig, n_process: int = 1
) -> Iterator[list[str]]:
    """Process batches in order, here or in ``n_process`` worker processes."""
    if n_process <= 1:
        worker = Worker(config)
        for batch in unit_batches:
            yield worker.process(batch)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(n_process, mp_context=context, initializer=_init_worker, initargs=(config,)) as pool:
        pending: deque = deque()
        for batch in unit_batches:
            pending.append(pool.submit(_process_in_worker, batch))
            if len(pending) >= 2 * n_process:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


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
        stats.errors.append(str(error))
        if on_skip:
            on_skip(error)

    records = read_inputs(inputs, on_error=skipped if skip_invalid else None)
    total = input_size(inputs)
    with progress_bar("extract", total=total, bytes_=True) as bar, atomic_writer(output) as out:

        def units() -> Iterator[Unit]:
            for record in records:
                stats.documents += 1
                bar.advance(record.nbytes, status=f"{stats.documents} docs")
                yield from split_units(record, config.unit, on_error=skipped if skip_invalid else None)

        for lines in run_batches(batches(units(), config.batch_size), config, n_process):
            for line in lines:
                out.write(line + "\n")
            stats.tasks += len(lines)
    return stats
