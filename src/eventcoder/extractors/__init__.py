"""The extractor interface and how extractors are built from the registry."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import (
    TYPE_CHECKING,
    Iterable,
    Iterator,
    Mapping,
    Protocol,
    runtime_checkable,
)

from eventcoder.core.errors import UserError
from eventcoder.core.extractor_options import ExtractorOptions, NoOptions, options_model
from eventcoder.core.formats import ProposedEvent
from eventcoder.core.vocabulary import Registry

if TYPE_CHECKING:  # spaCy loads only where docs are made
    from spacy.language import Language
    from spacy.tokens import Doc

#: Key of ``doc.user_data`` whose dict an extractor adds to the ``meta`` of that doc's tasks.
TASK_META_KEY = "eventcoder.task_meta"


@dataclass
class ExtractorContext:
    """What an extractor factory receives."""

    registry: Registry
    nlp: Language
    #: This extractor's validated options (an instance of the model it registered).
    options: ExtractorOptions = field(default_factory=NoOptions)


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


def build_extractors(
    names: Iterable[str], context: ExtractorContext, options: Mapping[str, ExtractorOptions] | None = None,
) -> list[Extractor]:
    """Instantiate the named extractors, each with its ``options`` (defaults where missing),
    checking that they are registered and well-formed."""
    built = []
    options = options or {}
    for name in names:
        factory = context.registry.extractors.get(name)
        if factory is None:
            known = ", ".join(sorted(context.registry.extractors)) or "none"
            raise UserError(f"unknown extractor {name!r} (registered: {known})")
        chosen = options.get(name) or options_model(context.registry, name)()
        extractor = factory(replace(context, options=chosen))
        if not isinstance(extractor, Extractor):
            raise UserError(f"extractor {name!r} does not implement extract(docs)")
        built.append(extractor)
    return built
