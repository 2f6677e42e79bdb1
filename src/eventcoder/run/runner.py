"""The one runner: every extraction (one file, a folder of parts, a review stream) runs here.

``run(fn, items, shared)`` calls ``fn(item, shared)`` for each item on an engine and yields the
results, in item order (``ordered=True``: batches of a single-file run) or as they finish
(parts, whose order the manifest records). Engines:

- ``local``, one process: in this process, one item at a time;
- ``local``, ``n_process > 1``: a pool of spawned processes (:mod:`.engines.local`);
- ``dask``: a Dask cluster, a local one or one joined by address (:mod:`.engines.cluster`).

Items are drawn lazily and at most ``WINDOW * workers`` are in flight or waiting to be
yielded, so memory stays flat whatever the input size, while the window is wide enough that a
slow item at the head does not leave the other workers idle. ``fn`` runs the work through
:func:`eventcoder.run.worker.loaded_worker`, so each process loads its pipeline once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from eventcoder.core.errors import UserError
from eventcoder.run.engines import ENGINES, WINDOW

__all__ = ["ENGINES", "WINDOW", "run"]

Item = TypeVar("Item")
Shared = TypeVar("Shared")
Result = TypeVar("Result")


def run(
    fn: Callable[[Item, Shared], Result],
    items: Iterable[Item],
    shared: Shared,
    *,
    engine: str = "local",
    n_process: int = 1,
    scheduler: str | None = None,
    ordered: bool = False,
) -> Iterator[Result]:
    """``fn(item, shared)`` for every item, on ``engine``; see the module docstring.

    ``shared`` (a config, a part job) is sent to every worker once per item (local) or once
    per run (dask); on a cluster its ``cluster_wide()`` context is entered first, so what the
    extractors share across workers (a request budget) is set up once, on this side.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if scheduler and engine != "dask":
        raise ValueError("a scheduler address needs the dask engine")
    if engine == "dask":
        try:
            from eventcoder.run.engines.cluster import on_dask
        except ModuleNotFoundError as exc:  # dask is an optional dependency
            if exc.name not in ("dask", "distributed"):
                raise
            raise UserError("the dask engine needs dask[distributed]: pip install 'eventcoder[dask]'") from None
        return on_dask(fn, items, shared, n_process, scheduler, ordered)
    if n_process <= 1:
        return (fn(item, shared) for item in items)
    from eventcoder.run.engines.local import in_processes

    return in_processes(fn, items, shared, n_process, ordered)
