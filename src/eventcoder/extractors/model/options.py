"""Options of the ``model`` extractor (``-O model.FIELD=VALUE``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from eventcoder.core.extractor_options import ExtractorOptions


class ModelOptions(ExtractorOptions):
    path: Path | None = Field(
        None, description="The output folder of eventcoder train, or a pipeline folder (alias --model-path).",
    )
