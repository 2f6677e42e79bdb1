"""``eventcoder extract`` into a folder of part files: resumable, on one machine or a cluster.

The inputs are cut into parts (:mod:`.parts`); the runner (:mod:`.runner`) runs the parts
not yet finished, each in a worker that writes its part file whole; this process appends each
finished part to the manifest (:mod:`.manifest`) and draws the progress bar. Killing a run
loses at most the parts in flight; running the same command again redoes only those.

A single-file output goes through a folder beside it (``OUTPUT.parts/``) that is concatenated
into the file, in part order, once every part is finished, then removed; until then a re-run
resumes from it.
"""

from __future__ import annotations

import os
import shutil
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from eventcoder.core.atomic import atomic_writer
from eventcoder.core.errors import InputError, UserError
from eventcoder.core.progress import progress_bar
from eventcoder.pipeline.inputs import STDIN, input_size
from eventcoder.plugins import get_registry
from eventcoder.run.engines.work import PartJob, run_part
from eventcoder.run.extract import ExtractConfig, ExtractStats
from eventcoder.run.manifest import MANIFEST, Manifest, run_header
from eventcoder.run.parts import DEFAULT_PART_SIZE, Part, plan_parts
from eventcoder.run.runner import run


@dataclass
class PartsStats(ExtractStats):
    words: int = 0
    parts: int = 0
    #: Parts finished by an earlier run and kept.
    resumed: int = 0

    def add(self, entry: dict) -> None:
        self.parts += 1
        self.documents += entry["documents"]
        self.tasks += entry["tasks"]
        self.words += entry["words"]
        self.boilerplate += entry.get("boilerplate", 0)
        self.replaced += entry.get("replaced", 0)  # manifests written before it was counted lack it


def is_folder_output(output: str) -> bool:
    """Whether ``-o`` names a folder: it ends with a slash or is an existing folder."""
    return output.endswith(("/", os.sep)) or os.path.isdir(output)


def extract_parts(
    inputs: list[str],
    output: str,
    config: ExtractConfig = ExtractConfig(),
    *,
    engine: str = "local",
    n_process: int = 1,
    scheduler: str | None = None,
    part_size: int = DEFAULT_PART_SIZE,
    skip_invalid: bool = False,
    overwrite: bool = False,
    on_skip: Callable[[InputError], None] | None = None,
) -> PartsStats:
    """Extract events from ``inputs`` into the folder ``output`` (or a file, through a folder).

    Parts already finished by an earlier run with the same config and inputs are kept; a
    different config or other inputs raise :class:`UserError` unless ``overwrite``. A bad
    input raises :class:`InputError` (FILE:LINE) unless ``skip_invalid``; then it is counted
    in ``stats.skipped``, in its part's manifest line, and passed to ``on_skip``.
    """
    if output == STDIN:
        raise UserError("parts cannot go to stdout; write to a file or a folder")
    registry = get_registry()  # load plugins here first, so their errors surface once
    unknown = [name for name in config.extractors if name not in registry.extractors]
    if unknown:
        known = ", ".join(sorted(registry.extractors)) or "none"
        raise UserError(f"unknown extractor {unknown[0]!r} (registered: {known})")
    folder = Path(output) if is_folder_output(output) else Path(f"{output}.parts")
    stats = PartsStats()

    def skipped(error: InputError) -> None:
        stats.skipped += 1
        if on_skip:
            on_skip(error)

    names: list[str] = []
    with Manifest.open(folder, run_header(config, inputs, part_size), overwrite) as manifest, \
            progress_bar("extract", total=input_size(inputs), bytes_=True) as bar:

        def todo() -> Iterator[tuple[Part, dict | None]]:
            for part in plan_parts(inputs, part_size, on_error=skipped if skip_invalid else None):
                names.append(part.name)
                yield part, manifest.earlier(part)

        job = PartJob(config, str(folder.resolve()), skip_invalid)
        # closing(): on an error, stop the engine (its pool or cluster) before returning.
        with closing(run(run_part, todo(), job, engine=engine, n_process=n_process, scheduler=scheduler)) as results:
            for result in results:
                if result.failure:
                    raise InputError(*result.failure)
                if result.kept:
                    entry = result.kept
                    stats.resumed += 1
                    stats.skipped += entry["errors"]
                else:
                    for error in result.skipped:
                        skipped(InputError(*error))
                    entry = result.entry()
                    manifest.record(entry)
                stats.add(entry)
                bar.advance(result.part.nbytes, status=f"{stats.parts} parts")
    if folder != Path(output):
        _concatenate(folder, names, output)
    return stats


def _concatenate(folder: Path, names: list[str], output: str) -> None:
    """Write the parts, in order, into ``output`` atomically; then remove the folder."""
    with atomic_writer(output, "wb") as out:
        for name in names:
            with open(folder / name, "rb") as part:
                shutil.copyfileobj(part, out)
    for name in names:
        (folder / name).unlink()
    (folder / MANIFEST).unlink()
    folder.rmdir()
