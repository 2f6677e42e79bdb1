"""Engines that run the parts of a folder-output extraction, each part in a worker process.

- ``local``: this machine, in ``n_process`` processes (:mod:`.pool`).
- ``dask``: a Dask cluster, a local one or one joined by address (:mod:`.cluster`).

Both take ``(part, earlier manifest line or None)`` pairs lazily, keep a bounded number in
flight (so memory does not grow with the input), run :func:`.work.process_part` on each and
yield the results in completion order.
"""

from __future__ import annotations

from typing import Iterable, Iterator, Optional, Tuple

from eventcoder.core.errors import UserError
from eventcoder.run.engines.work import PartJob, PartResult
from eventcoder.run.parts import Part

ENGINES = ("local", "dask")
#: A part to run, with the manifest line an earlier run wrote for it (to keep its file if intact).
Todo = Tuple[Part, Optional[dict]]


def run_parts(
    engine: str, todo: Iterable[Todo], job: PartJob, n_process: int = 1, scheduler: str | None = None
) -> Iterator[PartResult]:
    """Run the parts of ``todo`` on ``engine``; ``scheduler`` (dask only) joins an existing cluster."""
    if engine == "dask":
        try:
            from eventcoder.run.engines.cluster import run_on_dask
        except ModuleNotFoundError as exc:  # dask is an optional dependency
            if exc.name not in ("dask", "distributed"):
                raise
            raise UserError("the dask engine needs dask[distributed]: pip install 'eventcoder[dask]'") from None
        return run_on_dask(todo, job, n_process, scheduler)
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if scheduler:
        raise ValueError("a scheduler address needs the dask engine")
    from eventcoder.run.engines.pool import run_in_processes

    return run_in_processes(todo, job, n_process)
