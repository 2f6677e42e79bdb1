"""The built-in ``model`` extractor: a pipeline trained with ``eventcoder train`` (docs/training.md)."""

from eventcoder.extractors.model.options import ModelOptions
from eventcoder.hookspecs import hookimpl


def _make_model(context):
    from eventcoder.extractors.model.extractor import (
        ModelExtractor,  # spaCy components load on first use
    )

    return ModelExtractor.from_context(context)


@hookimpl
def register_extractors(register):
    register(
        "model",
        _make_model,
        "A spaCy pipeline trained on gold with `eventcoder train` (-O model.path=OUT): span"
        " classifiers for triggers and arguments, a classifier of roles and modality.",
        options=ModelOptions,
    )
