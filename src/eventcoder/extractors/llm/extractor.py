"""The ``llm`` extractor: runs the spacy-llm component on parsed docs and proposes its events.

Per doc it also hands the task its LLM record through the side channel of ``extract.Worker``
(``doc.user_data[TASK_META_KEY]``), bounded whatever the model says: ``meta["llm"]`` names
the model, lists the first :data:`MAX_DROPPED` items the model said that were dropped, with
the reason (``dropped_count`` counts them all), the answers that failed (``failed``) and the
cache keys of the responses (``cache_keys``, one per shard: the reference to the full
answer in the response cache); ``meta["llm_io"]`` holds what Prodigy's ``llm_io`` view shows:
the document part of each prompt (the instructions and examples are the same for every task
and are not repeated) and the response, each clipped (shards joined in order).

With ``-O llm.route=true`` only units where a trigger word occurs (``routing.py``) are sent;
the others get no events and ``meta.llm.routed: false``. With ``-O llm.fill_rules=true`` it
proposes the rules' events, filled in by the model (``fill.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.tokens import Doc

from eventcoder.core.formats import ProposedEvent
from eventcoder.extractors import TASK_META_KEY, ExtractorContext, build_extractors
from eventcoder.extractors.llm.cache import cache_key
from eventcoder.extractors.llm.fill import fill
from eventcoder.extractors.llm.pipeline import LLMComponent, build_component
from eventcoder.extractors.llm.responses import clip
from eventcoder.extractors.llm.routing import TriggerLexicon
from eventcoder.extractors.llm.tasks.events.resolve import RESULT_KEY

NAME = "llm"
SHARD_SEPARATOR = "\n\n----- next shard -----\n\n"
#: Dropped items kept per task; the rest are only counted.
MAX_DROPPED = 20
#: Where a prompt's document part starts (see the task's template).
DOCUMENT_MARK = "\nDOCUMENT\n"


def _listed(value) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value or "")]


def _document_part(prompt: str) -> str:
    head, mark, tail = prompt.rpartition(DOCUMENT_MARK)
    if not mark:
        return clip(prompt)
    return f"[instructions and examples: {len(head):,} characters, the same for every task]{mark}{clip(tail)}"


class LLMExtractor:
    """Proposes the events a large language model finds; see docs/llm.md."""

    name = NAME

    def __init__(self, llm: LLMComponent, route: TriggerLexicon | None = None, rules=None,
                 fill_min_score: float | None = None):
        self.llm = llm
        self.route = route  # None: every unit goes to the model
        self.rules, self.fill_min_score = rules, fill_min_score  # fill.py: the rules' events, filled
        self._identity = getattr(llm.component._model, "identity", None)  # our models' cache identity

    @classmethod
    def from_context(cls, context: ExtractorContext) -> LLMExtractor:
        from eventcoder.extractors.llm.local_run import with_local_server

        settings = context.options.settings()
        route = TriggerLexicon.from_registry(context.registry) if settings.get("llm_route") else None
        rules = None
        if settings.get("llm_fill_rules"):
            [rules] = build_extractors(["rules"], context)  # with the rules' default options
        return cls(build_component(with_local_server(settings)), route, rules, settings.get("llm_fill_min_score"))

    def extract(self, docs: Iterable[Doc]) -> Iterator[list[ProposedEvent]]:
        docs = list(docs)
        if self.rules is None:
            yield from self._extract(docs)
            return
        for rule_events, model_events in zip(self.rules.extract(docs), self._extract(docs)):
            yield fill(rule_events, model_events, self.fill_min_score)

    def _extract(self, docs: list[Doc]) -> Iterator[list[ProposedEvent]]:
        sent = [self.route is None or self.route.fires(doc) for doc in docs]
        asked = [doc for doc, go in zip(docs, sent) if go]
        # One batch: every missing prompt of these docs is in flight together (up to concurrency).
        answered = iter(self.llm.component.pipe(asked, batch_size=max(1, len(asked)))) if asked else iter(())
        for doc, go in zip(docs, sent):
            if not go:  # no trigger word: not worth a request
                doc.user_data.setdefault(TASK_META_KEY, {})["llm"] = {"model": self.llm.model, "routed": False}
                yield []
                continue
            done = next(answered)
            result = done.user_data.pop(RESULT_KEY, None) or {"events": [], "dropped": []}
            io = (done.user_data.pop("llm_io", None) or {}).get(self.llm.name, {})
            doc.user_data.setdefault(TASK_META_KEY, {}).update(self._record(result, io))
            yield [ProposedEvent(**event, extractors=[NAME]) for event in result["events"]]

    def _record(self, result: dict, io: dict) -> dict:
        """The task meta of one doc: short, whatever the model answered."""
        prompts, responses = _listed(io.get("prompt")), _listed(io.get("response"))
        dropped = result.get("dropped", [])
        record = {"model": self.llm.model, "dropped": dropped[:MAX_DROPPED]}
        if len(dropped) > MAX_DROPPED:
            record["dropped_count"] = len(dropped)
        if result.get("failed"):
            record["failed"] = result["failed"][:MAX_DROPPED]
        if self._identity is not None:
            record["cache_keys"] = [cache_key(self._identity, prompt) for prompt in prompts]
        return {
            "llm": record,
            "llm_io": {
                "prompt": SHARD_SEPARATOR.join(_document_part(p) for p in prompts),
                "response": SHARD_SEPARATOR.join(clip(r) for r in responses),
            },
        }
