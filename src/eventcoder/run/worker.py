"""The loaded pipeline and extractors of one process, and the work they do on a batch.

Every engine runs its work through :func:`loaded_worker`: the spaCy pipeline, the plugins and
the extractors load once per process (kept for the last config seen), whether the process is
this one, a local worker process or a Dask worker.
"""

from __future__ import annotations

import json
import threading

from eventcoder.extractors import TASK_META_KEY, ExtractorContext, build_extractors
from eventcoder.extractors.ensemble import merge_events
from eventcoder.pipeline.nlp import load_pipeline
from eventcoder.pipeline.tasks import make_task
from eventcoder.pipeline.units import Unit
from eventcoder.plugins import get_registry
from eventcoder.run.config import ExtractConfig, above_min_score


class Worker:
    """The loaded pipeline and extractors of one process."""

    def __init__(self, config: ExtractConfig):
        self.config = config
        self.registry = get_registry()
        self.nlp = load_pipeline(config.spacy_model)
        self.extractors = build_extractors(config.extractors, ExtractorContext(self.registry, self.nlp), dict(config.options))

    def process(self, units: list[Unit]) -> list[str]:
        """Tasks for ``units`` as JSON lines, in order: ready to write."""
        docs = list(self.nlp.pipe((unit.text for unit in units), batch_size=self.config.batch_size))
        per_extractor = [list(extractor.extract(docs)) for extractor in self.extractors]
        lines: list[str] = []
        for index, (doc, unit) in enumerate(zip(docs, units)):
            events = merge_events([proposals[index] for proposals in per_extractor], self.registry)
            events = above_min_score(events, self.config.min_score)
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


class _Loaded:
    """This process's one worker. A Dask worker may run tasks in several threads: they take
    turns with the one pipeline (``lock``) rather than each loading its own."""

    lock = threading.Lock()
    config: ExtractConfig | None = None
    worker: Worker | None = None


def loaded_worker(config: ExtractConfig) -> Worker:
    """The worker for ``config``, loaded once per process; call it holding ``_Loaded.lock``."""
    if _Loaded.worker is None or _Loaded.config != config:
        _Loaded.worker = None  # free the old pipeline before loading the new one
        _Loaded.worker, _Loaded.config = Worker(config), config
    return _Loaded.worker


def worker_lock() -> threading.Lock:
    return _Loaded.lock


def process_batch(units: list[Unit], config: ExtractConfig) -> list[str]:
    """The task lines of ``units``: what a worker hands back for a single-file run."""
    with _Loaded.lock:
        return loaded_worker(config).process(units)
