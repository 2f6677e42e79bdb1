"""What an extraction run is: its config (pickled to every worker) and how units are batched."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace

from eventcoder.core.extractor_options import ExtractorOptions, resolve_options
from eventcoder.pipeline.units import UNITS, Unit
from eventcoder.plugins import get_registry

#: A batch is cut at ``batch_size`` units or at this many characters, whichever comes first,
#: so a batch of long documents is not many times the work of a batch of short ones.
BATCH_CHARS = 50_000


@dataclass(frozen=True)
class ExtractConfig:
    """Everything a worker needs to rebuild the extraction pipeline (it is pickled)."""

    extractors: tuple[str, ...] = ("rules",)
    unit: str = "paragraph"
    spacy_model: str | None = None
    batch_size: int = 64
    #: ``(extractor, options)`` for each extractor, the options validated by its own model.
    #: Pass a mapping ``{extractor: {field: value}}`` and it is validated here (UserError).
    options: tuple[tuple[str, ExtractorOptions], ...] | Mapping[str, Mapping[str, object]] = ()
    #: Proposals scored below this are dropped (see :func:`above_min_score`).
    min_score: float = 0.0

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r}; choose one of {', '.join(UNITS)}")
        if not 0.0 <= self.min_score <= 1.0:
            raise ValueError(f"min_score must be between 0 and 1, not {self.min_score}")
        given = dict(self.options)
        if list(given) != list(self.extractors) or not all(isinstance(o, ExtractorOptions) for o in given.values()):
            object.__setattr__(self, "options", resolve_options(get_registry(), self.extractors, given))

    def options_of(self, extractor: str) -> ExtractorOptions:
        return dict(self.options)[extractor]

    @contextmanager
    def cluster_wide(self) -> Iterator[ExtractConfig]:
        """This config with what each extractor shares across a cluster's workers for the run
        (:meth:`ExtractorOptions.cluster_wide`: the llm extractor's request budget, say)."""
        with ExitStack() as stack:
            options = tuple((name, stack.enter_context(own.cluster_wide())) for name, own in self.options)
            yield replace(self, options=options)


def above_min_score(events: list, min_score: float) -> list:
    """The proposals (events or event dicts) whose ``score`` reaches ``min_score``.

    A proposal without a score counts as sure (1.0), as in the review order.
    """
    if min_score <= 0.0:
        return events

    def score(event) -> float:
        value = event.get("score") if isinstance(event, dict) else getattr(event, "score", None)
        return 1.0 if value is None else float(value)

    return [event for event in events if score(event) >= min_score]


def batches(units: Iterator[Unit], size: int, max_chars: int = BATCH_CHARS) -> Iterator[list[Unit]]:
    """Consecutive lists of up to ``size`` units, cut once they reach ``max_chars`` characters.

    A batch is yielded as soon as it is full, never reading a unit ahead (streams stay lazy).
    """
    batch: list[Unit] = []
    chars = 0
    for unit in units:
        batch.append(unit)
        chars += len(unit.text)
        if len(batch) >= size or chars >= max_chars:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch
