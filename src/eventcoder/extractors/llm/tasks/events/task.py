"""``EventsTask``: the spacy-llm task behind ``eventcoder.Events.v1``.

Prompts list the event types, roles and argument kinds of the plugin registry, the modality
definitions, the few-shot examples, and the document as numbered sentences. Each answer is
parsed (``parser``), placed in the doc (``resolve``) and stored as plain JSON in
``doc.user_data["eventcoder.llm"]`` as ``{"events": [...], "dropped": [...]}``: events in the
gold format with offsets into the doc, and every item the model said that was not kept, with
the reason. (Plain data, not Span objects: ``doc._`` and the user data must stay serialisable.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy_llm.tasks.builtin_task import BuiltinTask

from eventcoder.core.vocabulary import MODALITIES, Registry
from eventcoder.extractors.llm.prompts import PackablePrompt, split_prompt
from eventcoder.extractors.llm.responses import FailedResponse, clip
from eventcoder.extractors.llm.routing import TriggerLexicon
from eventcoder.extractors.llm.tasks.events.examples import (
    EventsExample,
    render_example,
)
from eventcoder.extractors.llm.tasks.events.parser import event_items
from eventcoder.extractors.llm.tasks.events.resolve import RESULT_KEY, resolve
from eventcoder.extractors.llm.tasks.events.sentences import (
    numbered_sentences,
    sentence_lines,
    sentence_texts,
)
from eventcoder.extractors.llm.tasks.events.similar import SimilarExamples

DEFAULT_TEMPLATE = (Path(__file__).parent / "events.v1.jinja").read_text(encoding="utf-8")
#: The template of Events.v2: compact, for small models, answers in the flat format.
COMPACT_TEMPLATE = (Path(__file__).parent / "events.v2.jinja").read_text(encoding="utf-8")
#: Where the document part of a prompt starts, in both templates.
DOCUMENT_MARK = "\nDOCUMENT\n"

#: From docs/guidelines.md, "Modality".
MODALITY_DEFINITIONS = {
    "asserted": "it happened or is happening. The default. A refusal worded with a negative is an"
    ' asserted REFUSAL ("will not send any officials", "would not attend"), not a negated event.',
    "planned": 'scheduled or expected to happen ("will meet on Friday", "are expected to meet", "a'
    ' conference to be held in Vienna").',
    "negated": 'the text says it did not happen ("did not meet", "failed to reach an agreement",'
    ' "talks have been frozen").',
    "hypothetical": 'readiness, wishes, conditions, proposals, exhortations ("is ready for a dialogue",'
    ' "let\'s talk", "would sign if ...", "called for talks"). Never mark these asserted.',
}


class EventsTask(BuiltinTask):
    """Event extraction with the registry's types; see the module docstring."""

    def __init__(
        self,
        registry: Registry,
        labels: List[str],
        template: str,
        prompt_examples: List[EventsExample],
        modality_definitions: Dict[str, str],
        shard_mapper: Callable,
        shard_reducer: Callable,
        flat: bool = False,
    ):
        super().__init__(
            parse_responses=_parse_responses,
            prompt_example_type=EventsExample,
            template=template,
            prompt_examples=prompt_examples,
            shard_mapper=shard_mapper,
            shard_reducer=shard_reducer,
        )
        self._registry = registry
        self._labels = labels
        self._modality_definitions = modality_definitions
        self._label_definitions: Dict[str, str] = {}
        self._flat = flat  # Events.v2: examples answer with roles as keys
        self._lexicon = TriggerLexicon.from_registry(registry)
        self._similar: SimilarExamples | None = None

    def use_similar_examples(self, pool: List[Dict[str, Any]], k: int) -> None:
        """Also show each request the ``k`` records of ``pool`` most like its sentences
        (``similar.py``), after the fixed examples."""
        def rendered(record: Dict[str, Any]) -> str:
            example = render_example(EventsExample(**record), self._labels, self._registry if self._flat else None,
                                     self._hint)
            return f"{example['sentences']}\nAnswer: {example['answer']}"

        self._similar = SimilarExamples(pool, k, rendered) if pool and k > 0 else None

    def _similar_block(self, lines) -> str:
        block = self._similar.block(lines) if self._similar else ""
        return "\n\nEXAMPLES" + block if block and not self._prompt_examples else block

    @property
    def labels(self) -> tuple:
        return tuple(self._labels)

    # add_label and clear make this a spacy-llm LabeledTask, as its labelled tasks (NER, textcat)
    # are: the llm component then reports the event types in ``nlp.pipe_labels``.
    def add_label(self, label: str, label_definition: Optional[str] = None) -> int:
        """Ask for one more registered event type (``label_definition``: its description in
        the prompt); 0 when it is asked for already."""
        if not isinstance(label, str) or label.upper() not in self._registry.types:
            known = ", ".join(self._registry.types)
            raise ValueError(f"{label!r} is not a registered event type (known: {known})")
        name = label.upper()
        if label_definition is not None:
            self._label_definitions[name] = label_definition
        if name in self._labels:
            return 0
        self._labels.append(name)
        return 1

    def clear(self) -> None:
        """Ask for no type until labels are added or the task is initialized (then: all)."""
        self._labels = []
        self._label_definitions = {}

    @property
    def registry(self) -> Registry:
        return self._registry

    def _types(self) -> List[Dict[str, Any]]:
        kinds = self._registry.kinds
        return [
            {
                "name": etype.name,
                "description": self._label_definitions.get(etype.name, etype.description),
                "triggers": list(etype.triggers),
                "roles": [
                    {
                        "name": role.name,
                        "repeats": role.repeats,
                        "description": role.description or role.name,
                        "kind_description": kinds[role.kind].description if role.kind in kinds else "",
                    }
                    for role in etype.roles
                ],
            }
            for etype in (self._registry.types[name] for name in self._labels)
        ]

    def _get_prompt_data(self, shard: Doc, i_shard: int, i_doc: int, n_shards: int) -> Dict[str, Any]:
        return {
            "types": self._types(),
            "modalities": [(name, self._modality_definitions.get(name, "")) for name in MODALITIES],
            "examples": [render_example(eg, self._labels, self._registry if self._flat else None, self._hint)
                         for eg in self._prompt_examples],
            "sentences": sentence_lines(numbered_sentences(shard), self._hint),
        }

    def _hint(self, sentence) -> str:
        """Events.v2: the sentence's trigger words and their usual types, as candidates."""
        if not self._flat:
            return ""
        found = [(word, label) for word, label in self._lexicon.hints(sentence) if label in self._labels]
        return f" (candidates: {', '.join(f'{word} {label}' for word, label in found)})" if found else ""

    def generate_prompts(
        self, docs: Iterable[Doc], context_length: Optional[int] = None
    ) -> Iterable[Tuple[Iterable[Any], Iterable[Doc]]]:
        """spacy-llm's prompts, each a :class:`PackablePrompt` where the template allows:
        a client may then send several docs' sentences in one request."""
        for prompts, shards in super().generate_prompts(docs, context_length):
            yield [
                self._with_similar(split_prompt(prompt, sentence_texts(numbered_sentences(shard), self._hint), DOCUMENT_MARK))
                for prompt, shard in zip(prompts, shards)
            ], shards

    def _with_similar(self, prompt):
        """``prompt`` with the examples chosen for its sentences before its document part."""
        if self._similar is None or not isinstance(prompt, PackablePrompt):
            return prompt
        at = len(prompt.prefix) - len(DOCUMENT_MARK)
        if prompt.prefix[:at].endswith("\n"):  # the blank line before DOCUMENT stays there
            at -= 1
        return PackablePrompt(prompt.prefix, list(prompt.lines), prompt.suffix, self._similar_block, at)

    def parse_responses(self, shards: Iterable[Iterable[Doc]], responses: Iterable[Iterable[str]]) -> Iterable[Doc]:
        """One doc per input doc, its shards' results merged (see ``sharding.reduce_shards``)."""
        for parsed_shards in self._parse_responses(self, shards, responses):
            yield self._shard_reducer(self, parsed_shards)

    def initialize(
        self, get_examples: Callable[[], Iterable[Example]], nlp: Language, labels: List[str] = [],
        n_prompt_examples: int = 0,
    ) -> None:
        """Add up to ``n_prompt_examples`` prompt examples (-1: all) from annotated Examples;
        ``labels`` (``[initialize.components.NAME] labels``) replace the types asked for, and
        a task cleared of its labels asks for all registered types again."""
        for label in labels:
            self.add_label(label)
        self._labels = [label.upper() for label in labels] or self._labels or list(self._registry.types)
        self._initialize(get_examples=get_examples, nlp=nlp, n_prompt_examples=n_prompt_examples)

    @property
    def _cfg_keys(self) -> List[str]:
        return ["_labels", "_template", "_modality_definitions", "_label_definitions", "_flat"]


def _parse_responses(
    task: EventsTask, shards: Iterable[Iterable[Doc]], responses: Iterable[Iterable[str]]
) -> Iterable[Iterable[Doc]]:
    """Store each shard's events and drops in its user data; yield each doc's shards."""
    labels = set(task.labels)
    for shards_for_doc, responses_for_doc in zip(shards, responses):
        parsed = []
        for shard, response in zip(shards_for_doc, responses_for_doc):
            if isinstance(response, FailedResponse):  # no answer to parse; the reason is kept
                shard.user_data[RESULT_KEY] = {"events": [], "dropped": [], "failed": [response.reason]}
                parsed.append(shard)
                continue
            items, problem = event_items(str(response))
            result = resolve(items, shard, numbered_sentences(shard), task.registry, labels)
            if problem:
                result.dropped.insert(0, {"reason": problem, "said": clip(str(response))})
            shard.user_data[RESULT_KEY] = {"events": result.events, "dropped": result.dropped}
            parsed.append(shard)
        yield parsed
