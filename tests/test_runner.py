"""The one runner: same results on every engine, in order when asked, drawn lazily."""

from __future__ import annotations

import time

import pytest

from eventcoder.run.engines import WINDOW
from eventcoder.run.runner import run


def slow_square(item: int, shared: dict) -> int:
    # The first items take longest, so completion order differs from item order.
    time.sleep(shared["delay"] if item < 2 else 0)
    return item * item


@pytest.mark.parametrize("n_process", [1, 2])
def test_results_come_back_in_item_order_when_asked(n_process):
    results = list(run(slow_square, range(12), {"delay": 0.3}, n_process=n_process, ordered=True))
    assert results == [i * i for i in range(12)]


def test_unordered_results_come_as_they_finish_and_are_all_there():
    results = list(run(slow_square, range(12), {"delay": 0.5}, n_process=2))
    assert sorted(results) == [i * i for i in range(12)]
    assert results[:2] != [0, 1]  # the slow first items did not hold the others back


def test_items_are_drawn_lazily_within_the_window():
    drawn = []

    def items():
        for i in range(1000):
            drawn.append(i)
            yield i

    results = run(slow_square, items(), {"delay": 0}, n_process=2, ordered=True)
    assert next(results) == 0
    assert len(drawn) <= WINDOW * 2 + 1
    results.close()


def test_an_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown engine 'slurm'"):
        run(slow_square, [], {}, engine="slurm")


def test_dask_gives_the_same_results_in_order():
    pytest.importorskip("distributed")
    results = list(run(slow_square, range(6), DaskShared(delay=0.2), engine="dask", n_process=2, ordered=True))
    assert results == [i * i for i in range(6)]


class DaskShared(dict):
    """What a dask run shares: anything with ``cluster_wide()`` (configs and part jobs have it)."""

    def __init__(self, **values):
        super().__init__(values)

    def cluster_wide(self):
        from contextlib import nullcontext

        return nullcontext(self)
