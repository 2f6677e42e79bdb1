"""Running extraction over inputs: one output file, or part files with a manifest.

* ``extract``: the extraction config, the worker that parses and extracts, one-file output.
* ``parts`` / ``partitioned`` / ``manifest``: resumable part-file output.
* ``engines/``: where parts run (local processes or a Dask cluster).
"""
