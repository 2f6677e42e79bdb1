"""spacy-llm registrations: the task ``eventcoder.Events.v1`` and its helpers."""

from typing import Any, Callable, Dict, Iterable, List, Optional, Union

from spacy_llm.registry import registry
from spacy_llm.ty import ExamplesConfigType
from spacy_llm.util import split_labels

from eventcoder.core.errors import UserError
from eventcoder.extractors.llm.response_schema import (
    flat_response_format,
    response_format,
)
from eventcoder.extractors.llm.tasks.events.examples import (
    DEFAULT_EXAMPLES,
    EventsExample,
    read_gold_examples,
)
from eventcoder.extractors.llm.tasks.events.sharding import (
    make_sentence_shard_mapper,
    reduce_shards,
)
from eventcoder.extractors.llm.tasks.events.task import (
    COMPACT_TEMPLATE,
    DEFAULT_TEMPLATE,
    MODALITY_DEFINITIONS,
    EventsTask,
)
from eventcoder.plugins import get_registry


def _labels(labels: Union[List[str], str]) -> List[str]:
    """The event types asked for: ``labels`` (list or comma-separated), default all registered."""
    types = get_registry().types
    names = [name.upper() for name in split_labels(labels)] or list(types)
    unknown = [name for name in names if name not in types]
    if unknown:
        raise UserError(f"unknown event type(s) {', '.join(unknown)} (registered: {', '.join(types)})")
    return names


@registry.llm_tasks("eventcoder.Events.v1")
def make_events_task(
    labels: Union[List[str], str] = [],
    template: str = DEFAULT_TEMPLATE,
    examples: ExamplesConfigType = None,
    modality_definitions: Optional[Dict[str, str]] = None,
    shard_mapper: Optional[Callable] = None,
    similar_examples: ExamplesConfigType = None,
    n_similar: int = 3,
) -> EventsTask:
    """Events of the registry's types (MEETING, STATEMENT, AGREEMENT, REFUSAL and plugins').

    labels: the types to ask for, default all. template: a Jinja prompt template (see
    events.v1.jinja for the variables). examples: gold records (e.g.
    ``eventcoder.GoldExamples.v1``); None means the examples shipped with eventcoder, ``[]``
    none. modality_definitions: replaces the guideline definitions per modality.
    shard_mapper: default ``eventcoder.SentenceShardMapper.v1``. similar_examples: a pool of
    gold records (e.g. ``eventcoder.GoldExamples.v1`` of a train split) from which each request
    also shows the ``n_similar`` most like its sentences (``similar.py``); default none.
    """
    raw = examples() if callable(examples) else examples
    if raw is None:
        raw = read_gold_examples(DEFAULT_EXAMPLES)
    pool = similar_examples() if callable(similar_examples) else similar_examples
    task = EventsTask(
        registry=get_registry(),
        labels=_labels(labels),
        template=template,
        prompt_examples=[EventsExample(**example) for example in raw],
        modality_definitions={**MODALITY_DEFINITIONS, **(modality_definitions or {})},
        shard_mapper=shard_mapper or make_sentence_shard_mapper(),
        shard_reducer=reduce_shards,
    )
    task.use_similar_examples(list(pool or []), n_similar)
    return task


@registry.llm_tasks("eventcoder.Events.v2")
def make_events_task_v2(
    labels: Union[List[str], str] = [],
    template: str = COMPACT_TEMPLATE,
    examples: ExamplesConfigType = None,
    modality_definitions: Optional[Dict[str, str]] = None,
    shard_mapper: Optional[Callable] = None,
    similar_examples: ExamplesConfigType = None,
    n_similar: int = 3,
) -> EventsTask:
    """Events.v1 for small models and low cost: a compact prompt (events.v2.jinja) and the flat
    answer (roles as keys of each event, ``eventcoder.EventsResponseFormat.v2``); the same
    parameters. Answers of either shape are parsed by both versions."""
    task = make_events_task(labels, template, examples, modality_definitions, shard_mapper)
    task._flat = True
    pool = similar_examples() if callable(similar_examples) else similar_examples
    task.use_similar_examples(list(pool or []), n_similar)  # rendered flat, as the answers are
    return task


@registry.llm_misc("eventcoder.GoldExamples.v1")
def make_gold_examples(path: str) -> Callable[[], Iterable[Dict[str, Any]]]:
    """Few-shot examples from a gold JSONL file (docs/guidelines.md), checked when read."""
    return lambda: read_gold_examples(path)


@registry.llm_misc("eventcoder.SentenceShardMapper.v1")
def make_shard_mapper(
    n_token_estimator: Optional[Callable[[str], int]] = None, buffer_frac: float = 1.1, answer_tokens: int = 1024
) -> Callable:
    """Shards of whole sentences whose prompt plus ``answer_tokens`` fit the model's context."""
    return make_sentence_shard_mapper(n_token_estimator, buffer_frac, answer_tokens)


@registry.llm_misc("eventcoder.EventsResponseFormat.v1")
def make_response_format(labels: Union[List[str], str] = []) -> Dict[str, Any]:
    """The ``response_format`` (structured outputs) for answers about ``labels`` (default all)."""
    return response_format(get_registry(), _labels(labels))


@registry.llm_misc("eventcoder.EventsResponseFormat.v2")
def make_flat_response_format(labels: Union[List[str], str] = []) -> Dict[str, Any]:
    """The ``response_format`` of Events.v2's flat answers about ``labels`` (default all)."""
    return flat_response_format(get_registry(), _labels(labels))
