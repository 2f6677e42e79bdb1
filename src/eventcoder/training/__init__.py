"""Training a spaCy event extractor from gold JSONL (``eventcoder train``, docs/training.md).

* ``convert``: gold JSONL -> DocBin, with FILE:LINE errors for bad gold;
* ``suggesters``, ``features``, ``role_model``, ``roles``, ``scorer``, ``vocab``: the spaCy
  parts, registered by importing ``register``;
* ``config``: the generated ``config.cfg``;
* ``train``: conversion + config + spaCy's own training loop;
* ``extractor``: the trained pipeline as the ``model`` extractor.
"""
