"""Train -> evaluate: closing the loop on reviewed gold (docs/training.md, docs/learning_loop.md).

* ``convert``: gold JSONL -> DocBin, with FILE:LINE errors for bad gold.
* ``config`` / ``train``: the generated ``config.cfg`` and spaCy's own training loop.
* ``retrain``: train again on answers; keep the new model only if it is no worse.
* ``evaluate`` / ``learning_curve`` / ``report/``: scores, curves and the HTML report.
"""
