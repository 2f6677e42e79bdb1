"""The dask engine: parts run as tasks on a Dask cluster (``dask[distributed]``).

Without a scheduler address a ``LocalCluster`` starts on 127.0.0.1 with ``n_process`` worker
processes of one thread each; with one, the run joins that cluster. Each worker process loads
the pipeline once (:mod:`.work`). Parts are submitted lazily, at most two per worker thread
in flight, and come back through ``distributed.as_completed``. The scheduler reruns a part
whose worker died on another worker (up to ``distributed.scheduler.allowed-failures`` times);
part files are renamed into place whole and their bytes depend only on the part, so a rerun,
or a part run twice, never leaves a duplicate or a half file.

On a cluster of several machines the inputs, the output folder (and the LLM cache) must be at
the same paths on every machine (a shared disk): workers read the inputs and write the part
files themselves, so task data never flows through this process.
"""

from __future__ import annotations

import logging
import uuid
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from itertools import islice
from typing import Iterable, Iterator

import dask
import distributed

from eventcoder.core.errors import UserError
from eventcoder.run.engines import Todo
from eventcoder.run.engines.work import PartJob, PartResult, process_part
from eventcoder.run.parts import Part


@contextmanager
def connect(scheduler: str | None, n_workers: int) -> Iterator[distributed.Client]:
    """A client of the cluster at ``scheduler``, or of a new local cluster of ``n_workers``."""
    if scheduler:
        try:
            client = distributed.Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise UserError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        with client:
            yield client
        return
    # Worker settings that cost spaCy's parsing CPU (each measured at about 5%): the
    # statistical profiler samples the task thread 100 times a second for a dashboard nobody
    # looks at here; MALLOC_TRIM_THRESHOLD_ (which dask sets to hand memory back sooner) makes
    # glibc mmap every large array anew. The HTTP server takes a free loopback port rather than
    # 8787, which another cluster may hold. Worker errors reach the client anyway.
    quicker = {
        "distributed.worker.profile.enabled": False,
        "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    }
    with dask.config.set(quicker):
        cluster = distributed.LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address="127.0.0.1:0", silence_logs=logging.CRITICAL,
        )
    with cluster, distributed.Client(cluster) as client:
        yield client


@contextmanager
def _cluster_wide(job: PartJob) -> Iterator[PartJob]:
    """``job`` with what each extractor shares across the cluster (ExtractorOptions.cluster_wide)."""
    with ExitStack() as stack:
        options = tuple((name, stack.enter_context(own.cluster_wide())) for name, own in job.config.options)
        yield replace(job, config=replace(job.config, options=options))


def run_on_dask(todo: Iterable[Todo], job: PartJob, n_process: int, scheduler: str | None) -> Iterator[PartResult]:
    """Results of ``(part, earlier)`` in completion order; see the module docstring."""
    with connect(scheduler, n_process) as client, _cluster_wide(job) as job:
        window = 2 * max(1, sum(client.nthreads().values()))
        run = uuid.uuid4().hex[:8]  # task keys of this run, apart from other clients' on a shared cluster
        pending = iter(todo)

        def submit(part: Part, earlier: dict | None) -> distributed.Future:
            return client.submit(process_part, part, job, earlier, key=f"eventcoder-{run}-{part.name}", pure=False)

        running = distributed.as_completed([submit(*item) for item in islice(pending, window)])
        for future in running:
            try:
                result = future.result()
            except distributed.KilledWorker as exc:
                part = str(exc.task).split("-", 2)[-1]
                raise UserError(f"workers kept dying while running {part} (out of memory?): see the worker logs") from None
            for item in islice(pending, 1):
                running.add(submit(*item))
            yield result
        # Leaving the client releases any futures still running, so the scheduler drops them.
