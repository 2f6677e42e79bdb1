"""What a worker does with one part: parse it, extract, and write its part file whole.

A part an earlier run finished is checked here instead (size and SHA-256 of its file), so on
a re-run the checking is spread over the workers like the work itself; an intact file is kept
untouched.

The runner runs :func:`run_part` in its worker processes. The spaCy pipeline, the plugins and
the extractors load once per process (:func:`~eventcoder.run.worker.loaded_worker`), not once
per part. The part file is written to a temp file and
renamed into place, so it exists complete or not at all; its content depends only on the part
and the config, so a part run twice (a retry after a worker died) writes the same bytes.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

from eventcoder.core.atomic import atomic_writer
from eventcoder.core.errors import InputError
from eventcoder.pipeline.units import Unit
from eventcoder.run.config import ExtractConfig, batches, units_of
from eventcoder.run.manifest import file_sha256
from eventcoder.run.parts import Part, read_part
from eventcoder.run.worker import loaded_worker, worker_lock


@dataclass(frozen=True)
class PartJob:
    """What every part of a run shares (pickled with each part)."""

    config: ExtractConfig
    #: Absolute path of the output folder; on a cluster, the same path on every machine.
    folder: str
    skip_invalid: bool = False

    @contextmanager
    def cluster_wide(self) -> Iterator[PartJob]:
        with self.config.cluster_wide() as config:
            yield replace(self, config=config)


#: An :class:`InputError` as plain data, so it crosses process boundaries.
ErrorAt = tuple[str, int, str]


@dataclass
class PartResult:
    """A finished part (or the input error that stopped it)."""

    part: Part
    documents: int = 0
    tasks: int = 0
    words: int = 0
    bytes: int = 0
    sha256: str = ""
    #: Units made no task of as boilerplate.
    boilerplate: int = 0
    #: Records skipped with ``skip_invalid``.
    skipped: list[ErrorAt] = field(default_factory=list)
    #: Lone surrogates replaced by U+FFFD with ``skip_invalid``.
    replaced: int = 0
    #: Set when a bad record stopped the part; no part file was written.
    failure: ErrorAt | None = None
    #: The earlier run's manifest line, when its part file was found intact and kept.
    kept: dict | None = None

    def entry(self) -> dict:
        """The part's manifest line."""
        part = self.part
        return {
            "part": part.name, "source": part.source, "first": part.first, "last": part.last,
            "lines": part.lines, "documents": self.documents, "tasks": self.tasks,
            "errors": len(self.skipped), "replaced": self.replaced, "words": self.words, "bytes": self.bytes,
            "sha256": self.sha256, "boilerplate": self.boilerplate,
        }


def _error_at(error: InputError) -> ErrorAt:
    return (error.path, error.line, error.problem)


def _intact(path: Path, entry: dict) -> bool:
    try:
        if not path.is_file() or path.stat().st_size != entry["bytes"]:
            return False
    except OSError:
        return False
    return file_sha256(path) == entry["sha256"]


def process_part(part: Part, job: PartJob, earlier: dict | None = None) -> PartResult:
    """Write ``part``'s tasks to ``job.folder/part.name``; return its counts and checksum.

    ``earlier``: the part's manifest line from an earlier run; if its file is intact it is kept.
    """
    if earlier is not None and _intact(Path(job.folder) / part.name, earlier):
        return PartResult(part, kept=earlier)
    with worker_lock():
        worker = loaded_worker(job.config)
        result = PartResult(part)
        on_error = (lambda error: result.skipped.append(_error_at(error))) if job.skip_invalid else None

        def units() -> Iterator[Unit]:
            for record in read_part(part, on_error):
                result.documents += 1
                result.replaced += record.replaced
                result.words += len(record.text.split())
                yield from units_of(record, job.config, on_error=on_error)

        digest = hashlib.sha256()
        try:
            with atomic_writer(Path(job.folder) / part.name, "wb") as out:
                for units_batch in batches(units(), job.config.batch_size):
                    batch = worker.process(units_batch)
                    result.boilerplate += batch.boilerplate
                    for line in batch.lines:
                        data = (line + "\n").encode("utf-8")
                        digest.update(data)
                        out.write(data)
                        result.bytes += len(data)
                        result.tasks += 1
        except InputError as exc:
            return PartResult(part, failure=_error_at(exc))
        result.sha256 = digest.hexdigest()
        return result


def run_part(todo: tuple[Part, dict | None], job: PartJob) -> PartResult:
    """:func:`process_part` as the runner calls it: ``(part, earlier manifest line)``."""
    part, earlier = todo
    return process_part(part, job, earlier)
