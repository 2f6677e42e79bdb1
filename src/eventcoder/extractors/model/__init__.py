"""The ``model`` extractor: a spaCy pipeline trained with ``eventcoder train``.

* ``extractor``: the trained pipeline as an extractor.
* ``suggesters``, ``features``, ``role_model``, ``roles``, ``scorer``, ``vocab``: its spaCy
  parts, registered by importing ``register`` (or through the package's spaCy entry points).
"""
