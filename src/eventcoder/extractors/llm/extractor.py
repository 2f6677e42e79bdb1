"""The ``llm`` extractor: runs the spacy-llm component on parsed docs and proposes its events.

Per doc it also hands the task its LLM record through the side channel of ``extract.Worker``
(``doc.user_data[TASK_META_KEY]``): ``meta["llm"]`` names the model and lists every item the
model said that was dropped, with the reason; ``meta["llm_io"]`` holds the prompt and the raw
response, as Prodigy's ``llm_io`` view shows them (shards joined in order).
"""

from __future__ import annotations

from typing import Iterable, Iterator

from spacy.tokens import Doc

from eventcoder.core.formats import ProposedEvent
from eventcoder.extractors import TASK_META_KEY, ExtractorContext
from eventcoder.extractors.llm.pipeline import LLMComponent, build_component
from eventcoder.extractors.llm.tasks.events.resolve import RESULT_KEY

NAME = "llm"
SHARD_SEPARATOR = "\n\n----- next shard -----\n\n"


def _joined(value) -> str:
    return SHARD_SEPARATOR.join(map(str, value)) if isinstance(value, list) else str(value or "")


class LLMExtractor:
    """Proposes the events a large language model finds; see docs/llm.md."""

    name = NAME

    def __init__(self, llm: LLMComponent):
        self.llm = llm

    @classmethod
    def from_context(cls, context: ExtractorContext) -> "LLMExtractor":
        return cls(build_component(context.options.settings()))

    def extract(self, docs: Iterable[Doc]) -> Iterator[list[ProposedEvent]]:
        docs = list(docs)
        # One batch: every missing prompt of these docs is in flight together (up to concurrency).
        for doc, done in zip(docs, self.llm.component.pipe(docs, batch_size=max(1, len(docs)))):
            result = done.user_data.pop(RESULT_KEY, None) or {"events": [], "dropped": []}
            io = (done.user_data.pop("llm_io", None) or {}).get(self.llm.name, {})
            doc.user_data.setdefault(TASK_META_KEY, {}).update(
                {
                    "llm": {"model": self.llm.model, "dropped": result["dropped"]},
                    "llm_io": {"prompt": _joined(io.get("prompt")), "response": _joined(io.get("response"))},
                }
            )
            yield [ProposedEvent(**event, extractors=[NAME]) for event in result["events"]]
