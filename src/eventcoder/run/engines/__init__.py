"""Where the runner's work runs (see :mod:`eventcoder.run.runner`).

- ``local``: this machine, in ``n_process`` spawned processes (:mod:`.local`).
- ``dask``: a Dask cluster, a local one or one joined by address (:mod:`.cluster`).

Both draw items lazily, keep at most ``WINDOW`` per worker in flight or waiting, and yield
results in item order or as they finish.
"""

ENGINES = ("local", "dask")
#: Items in flight (or done, waiting for their turn) per worker.
WINDOW = 4
