"""The local engine with ``n_process > 1``: a pool of spawned worker processes.

A worker process that dies breaks the pool and stops the run; for a folder output the parts
finished so far stay in the manifest, so re-running the command goes on from there.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from eventcoder.run.engines import WINDOW

_END = object()


def in_processes(fn: Callable, items: Iterable, shared, n_process: int, ordered: bool) -> Iterator:
    """``fn(item, shared)`` in ``n_process`` processes, at most ``WINDOW * n_process`` held."""
    pending = iter(items)
    window = WINDOW * n_process
    with ProcessPoolExecutor(n_process, mp_context=multiprocessing.get_context("spawn")) as pool:
        held: deque = deque()  # submitted, in item order; done ones wait here for their turn

        def fill() -> None:
            while len(held) < window and (item := next(pending, _END)) is not _END:
                held.append(pool.submit(fn, item, shared))

        try:
            fill()
            while held:
                if ordered:
                    result = held.popleft().result()
                else:
                    done, _ = wait(held, return_when=FIRST_COMPLETED)
                    future = next(f for f in held if f in done)
                    held.remove(future)
                    result = future.result()
                fill()  # refill before yielding: the workers keep going while the caller writes
                yield result
        finally:
            for future in held:  # on an error or an early stop, do not start the queued items
                future.cancel()
