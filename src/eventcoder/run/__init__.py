"""Running extraction over inputs: one output file, or part files with a manifest.

* ``config``: what a run is (extractors, their options, unit, pipeline) and how units batch.
* ``worker``: the pipeline and extractors loaded once per process, and the work on a batch.
* ``runner``: the one runner every extraction goes through, on either engine (``engines/``).
* ``extract``: one-file output. ``parts`` / ``partitioned`` / ``manifest``: resumable parts.
"""
