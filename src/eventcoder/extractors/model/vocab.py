"""The base pipeline's vocabulary lookups for a trained pipeline (``eventcoder.base_lookups.v1``).

The English pipelines normalize words with a ``lexeme_norm`` table ("dialogue" -> "dialog",
"neighbours" -> "neighbors") that their tok2vec, tagger and parser were trained with. Sourcing
components does not copy it, so a pipeline trained without it parses such sentences
differently from its own base pipeline. ``[initialize.lookups]`` takes it from the base.
"""

from __future__ import annotations

from spacy.lookups import Lookups
from spacy.util import registry


@registry.misc("eventcoder.base_lookups.v1")
def base_lookups(pipeline: str) -> Lookups:
    """The vocabulary lookup tables (``lexeme_norm``) of ``pipeline``, a package or a path."""
    from eventcoder.pipeline.nlp import load_pipeline

    return load_pipeline(pipeline).vocab.lookups
