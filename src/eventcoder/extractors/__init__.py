"""The extractor interface and how extractors are built from the registry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator, Protocol, runtime_checkable

from spacy.language import Language
from spacy.tokens import Doc

from eventcoder.core.errors import UserError
from eventcoder.core.formats import ProposedEvent
from eventcoder.core.vocabulary import Registry

#: Key of ``doc.user_data`` whose dict an extractor adds to the ``meta`` of that doc's tasks.
TASK_META_KEY = "eventcoder.task_meta"


@dataclass
class ExtractorContext:
    """What an extractor factory receives."""

    registry: Registry
    nlp: Language
    #: User options from the command line or the library call (e.g. ``patterns``).
    options: dict = field(default_factory=dict)


@runtime_checkable
class Extractor(Protocol):
    """Proposes events for parsed docs.

    ``extract`` yields exactly one list per doc, in the docs' order. Offsets are characters
    into ``doc.text``; they need not sit on token boundaries (tasks snap them). An extractor
    may leave a dict in ``doc.user_data[TASK_META_KEY]``; it is merged into
    the ``meta`` of that doc's tasks (the ``llm`` extractor keeps its prompt and answer there).
    """

    name: str

    def extract(self, docs: Iterable[Doc]) -> Iterator[list[ProposedEvent]]: ...


def build_extractors(names: Iterable[str], context: ExtractorContext) -> list[Extractor]:
    """Instantiate the named extractors, checking that they are registered and well-formed."""
    built = []
    for name in names:
        factory = context.registry.extractors.get(name)
        if factory is None:
            known = ", ".join(sorted(context.registry.extractors)) or "none"
            raise UserError(f"unknown extractor {name!r} (registered: {known})")
        extractor = factory(context)
        if not isinstance(extractor, Extractor):
            raise UserError(f"extractor {name!r} does not implement extract(docs)")
        built.append(extractor)
    return built
