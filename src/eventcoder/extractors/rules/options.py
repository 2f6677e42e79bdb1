"""Options of the ``rules`` extractor (``-O rules.FIELD=VALUE``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from eventcoder.core.extractor_options import ExtractorOptions


class RulesOptions(ExtractorOptions):
    patterns: tuple[Path, ...] = Field(
        (), description="Folders of pattern files replacing the built-in and plugin patterns (one per -O; alias --patterns).",
    )
