"""What every stage stands on; imports nothing else of eventcoder.

* ``vocabulary``: argument kinds, event types, roles, modalities and the checked registry.
* ``formats``: the file formats as pydantic models (events, tasks, gold records).
* ``json_schemas``: their JSON Schemas (``schemas/``).
* ``scoring``: event matching and P/R/F1, shared by evaluate, agreement and training.
* ``errors``, ``atomic``, ``progress``: user errors, atomic file writes, progress bars.
"""
