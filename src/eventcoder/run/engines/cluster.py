"""The dask engine: the runner's items run as tasks on a Dask cluster (``dask[distributed]``).

Without a scheduler address a ``LocalCluster`` starts on 127.0.0.1 with ``n_process`` worker
processes of one thread each; with one, the run joins that cluster. Each worker process loads
the pipeline once (:func:`eventcoder.run.worker.loaded_worker`). What every task shares (the
config or part job) is scattered to the workers once. Items are submitted lazily, at most
``WINDOW`` per worker thread held, and come back through ``distributed.as_completed`` (put
back in item order when asked). The scheduler reruns a part
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
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice

import dask
import distributed

from eventcoder.core.errors import UserError
from eventcoder.run.engines import WINDOW


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
    # 8787, which another cluster may hold. Worker errors reach the client anyway. Each of
    # the scheduler, nannies and workers also wakes every 20 ms to time its event loop and
    # every 500 ms to sample its CPU and memory for the dashboard: 0.115 CPU-s per second of
    # an idle 2-worker cluster, against 0.016 with the intervals below (the memory monitor
    # still reacts within a second). See docs/scale.md.
    quicker = {
        "distributed.worker.profile.enabled": False,
        "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
        "distributed.admin.tick.interval": "1s",
        "distributed.admin.system-monitor.interval": "5s",
        "distributed.worker.memory.monitor-interval": "1s",
    }
    with dask.config.set(quicker):
        cluster = distributed.LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address="127.0.0.1:0", silence_logs=logging.CRITICAL,
        )
    with cluster, distributed.Client(cluster) as client:
        yield client


def on_dask(fn: Callable, items: Iterable, shared, n_process: int, scheduler: str | None, ordered: bool) -> Iterator:
    """``fn(item, shared)`` as tasks on a cluster, at most ``WINDOW`` per worker thread held."""
    with connect(scheduler, n_process) as client, shared.cluster_wide() as shared:
        window = WINDOW * max(1, sum(client.nthreads().values()))
        run = uuid.uuid4().hex[:8]  # task keys of this run, apart from other clients' on a shared cluster
        [everywhere] = client.scatter([shared], broadcast=True)  # sent once, not with every task
        pending = enumerate(items)
        held: dict[int, distributed.Future] = {}
        done: dict[int, object] = {}
        next_index = 0

        def submit(index: int, item) -> None:
            held[index] = client.submit(fn, item, everywhere, key=f"eventcoder-{run}-{index}", pure=False)

        for index, item in islice(pending, window):
            submit(index, item)
        running = distributed.as_completed(list(held.values()), with_results=False)
        futures = {future.key: index for index, future in held.items()}
        for future in running:
            index = futures.pop(future.key)
            try:
                result = future.result()
            except distributed.KilledWorker:
                raise UserError(f"workers kept dying while running item {index + 1} (out of memory?): see the worker logs") from None
            del held[index]
            for new_index, item in islice(pending, 1):
                submit(new_index, item)
                futures[held[new_index].key] = new_index
                running.add(held[new_index])
            if not ordered:
                yield result
                continue
            done[index] = result
            while next_index in done:
                yield done.pop(next_index)
                next_index += 1
        # Leaving the client releases any futures still running, so the scheduler drops them.
