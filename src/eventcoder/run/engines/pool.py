"""The local engine: parts run in a pool of this machine's processes (or in this one).

A worker process that dies breaks the pool and stops the run; the parts finished so far stay
in the manifest, so re-running the command goes on from there.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Iterable, Iterator

from eventcoder.run.engines import Todo
from eventcoder.run.engines.work import PartJob, PartResult, process_part


def run_in_processes(todo: Iterable[Todo], job: PartJob, n_process: int) -> Iterator[PartResult]:
    """Results of ``(part, earlier)`` in completion order, at most ``2 * n_process`` in flight."""
    if n_process <= 1:
        for part, earlier in todo:
            yield process_part(part, job, earlier)
        return
    pending = iter(todo)
    with ProcessPoolExecutor(n_process, mp_context=multiprocessing.get_context("spawn")) as pool:
        running: set = set()
        try:
            while True:
                while len(running) < 2 * n_process and (item := next(pending, None)) is not None:
                    part, earlier = item
                    running.add(pool.submit(process_part, part, job, earlier))
                if not running:
                    return
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        finally:
            for future in running:  # on an error, do not start the queued parts
                future.cancel()
