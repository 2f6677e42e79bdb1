"""The recipe dicts of the ``events.*`` Prodigy recipes, without Prodigy.

Each function returns Prodigy's documented components dict: ``dataset``, ``stream`` (a lazy
generator), ``view_id``, ``config``, ``exclude``, ``before_db`` and ``validate_answer``.
``before_db`` folds the edits of the extra blocks into the task and rebuilds ``events``, so
the database holds plain eventcoder tasks; ``validate_answer`` refuses an accept whose
relations do not fit the event types.
"""

from __future__ import annotations

import json
from typing import Callable, Iterable, Iterator, Sequence

from eventcoder.annotation.checks import answer_validator
from eventcoder.annotation.edits import add_choices, normalize_answer
from eventcoder.annotation.labels import LLM_IO_KEY, NO_LLM_RECORD, interface_config
from eventcoder.annotation.ordering import DEFAULT_BUFFER
from eventcoder.annotation.streams import Source, proposals, task_stream
from eventcoder.core.errors import UserError
from eventcoder.core.extractor_options import parse_option_args
from eventcoder.core.vocabulary import Registry
from eventcoder.plugins import get_registry
from eventcoder.run.extract import ExtractConfig, ExtractStats, extract

VIEW_ID = "blocks"
#: What ``--exclude`` (and the dataset itself) compares: the text, or the text with its proposals.
EXCLUDE_BY = ("input", "task")

Names = str | Sequence[str] | None


def names(value: Names) -> tuple[str, ...]:
    """``"a,b"`` or ``["a", "b"]`` as a tuple of names."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    return tuple(name.strip() for name in items if name and name.strip())


def answers_for_db(registry: Registry) -> Callable[[list[dict]], list[dict]]:
    """Prodigy's ``before_db``: answers as plain tasks with their edits folded in."""

    def before_db(answers: list[dict]) -> list[dict]:
        return [normalize_answer(answer, registry)[0] for answer in answers]

    return before_db


def llm_io(task: dict) -> dict:
    """Move ``meta["llm_io"]`` (the LLM extractor's record) to ``task["llm"]``, where Prodigy's
    ``llm_io`` view reads it: left in ``meta`` it would be shown on the card and stored twice."""
    meta = task.get("meta")
    record = meta.pop("llm_io", None) if isinstance(meta, dict) else None
    record = record if isinstance(record, dict) else task.get(LLM_IO_KEY) if isinstance(task.get(LLM_IO_KEY), dict) else {}

    def shown(value) -> str:
        if value is None or value == "":
            return NO_LLM_RECORD
        return value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)

    task[LLM_IO_KEY] = {"prompt": shown(record.get("prompt")), "response": shown(record.get("response"))}
    return task


def _prepared(tasks: Iterable[dict], registry: Registry, *, choices: bool, llm: bool) -> Iterator[dict]:
    for task in tasks:
        if choices:
            add_choices(task, registry)
        if llm:
            llm_io(task)
        task["_view_id"] = VIEW_ID
        yield task


def check_exclude_by(exclude_by: str) -> str:
    if exclude_by not in EXCLUDE_BY:
        raise UserError(f"--exclude-by must be one of {', '.join(EXCLUDE_BY)}, not {exclude_by!r}")
    return exclude_by


def _components(dataset: str, stream: Iterator[dict], registry: Registry, exclude: Names, exclude_by: str,
                *, choices: bool, llm: bool) -> dict:
    return {
        "dataset": dataset,
        "stream": stream,
        "view_id": VIEW_ID,
        "config": {**interface_config(registry, choices=choices, llm=llm), "exclude_by": exclude_by},
        "exclude": list(names(exclude)) or None,
        "before_db": answers_for_db(registry),
        "validate_answer": answer_validator(registry),
    }


#: The recipes' old LLM arguments, each an alias of a field of the llm extractor's options.
LLM_ALIASES = {"llm_config": "config", "llm_model": "model", "llm_base_url": "base_url", "llm_examples": "examples",
               "llm_cache": "cache"}


def option_args(option: list[str] | str | None, extractors: Names = None, **llm: str | None) -> dict[str, dict[str, object]]:
    """``{extractor: {field: value}}`` from a recipe's ``-O`` values and its ``llm_*`` aliases
    (``-O`` wins; aliases count only when ``llm`` is among ``extractors``). Prodigy 1.11's plac
    hands a single ``-O`` as one string."""
    options = parse_option_args([option] if isinstance(option, str) else option or [])
    aliased = {LLM_ALIASES[key]: value for key, value in llm.items() if value is not None}
    if aliased and "llm" in names(extractors):
        options["llm"] = {**aliased, **options.get("llm", {})}
    return options


def _config(extractors: Names, unit: str, spacy_model: str | None, batch_size: int, options: dict | None = None,
            skip_boilerplate: bool = True, min_score: float = 0.0) -> ExtractConfig:
    """``options`` is ``{extractor: {field: value}}``, validated by each extractor's model;
    proposals scored below ``min_score`` are left out (UserError outside 0..1)."""
    if not 0.0 <= min_score <= 1.0:
        raise UserError(f"--min-score must be between 0 and 1, not {min_score}")
    return ExtractConfig(extractors=names(extractors), unit=unit, spacy_model=spacy_model, batch_size=batch_size,
                         options=options or {}, skip_boilerplate=skip_boilerplate, min_score=min_score)


def manual(dataset: str, source: Source, *, unit: str = "paragraph", spacy_model: str | None = None,
           batch_size: int = 10, exclude: Names = None, exclude_by: str = "input", skip_boilerplate: bool = True) -> dict:
    """``events.manual``: tokenized texts, nothing proposed."""
    check_exclude_by(exclude_by)
    registry = get_registry()
    tasks = proposals(source, _config((), unit, spacy_model, batch_size, skip_boilerplate=skip_boilerplate))
    return _components(dataset, _prepared(tasks, registry, choices=False, llm=False), registry, exclude, exclude_by,
                       choices=False, llm=False)


def correct(dataset: str, source: Source, *, extractor: Names = "rules", unit: str = "paragraph",
            spacy_model: str | None = None, batch_size: int = 10, exclude: Names = None,
            options: dict | None = None, order: str = "stream", buffer: int = DEFAULT_BUFFER,
            exclude_by: str = "input", skip_boilerplate: bool = True, min_score: float = 0.0) -> dict:
    """``events.correct``: an extractor's proposals (or a file of tasks) to correct, in ``order``,
    those scored below ``min_score`` left out."""
    return _correcting(dataset, source, _config(extractor, unit, spacy_model, batch_size, options, skip_boilerplate, min_score),
                       exclude, exclude_by,
                       order, buffer, llm=False)


def llm_correct(dataset: str, source: Source, *, extractor: Names = "llm", unit: str = "paragraph",
                spacy_model: str | None = None, batch_size: int = 5, exclude: Names = None,
                options: dict | None = None, order: str = "stream", buffer: int = DEFAULT_BUFFER,
                exclude_by: str = "input", skip_boilerplate: bool = True, min_score: float = 0.0) -> dict:
    """``events.llm.correct``: LLM proposals to correct, with the prompt and response shown, in ``order``,
    those scored below ``min_score`` left out."""
    return _correcting(dataset, source, _config(extractor, unit, spacy_model, batch_size, options, skip_boilerplate, min_score),
                       exclude, exclude_by,
                       order, buffer, llm=True)


def _correcting(dataset: str, source: Source, config: ExtractConfig, exclude: Names, exclude_by: str, order: str,
                buffer: int, llm: bool) -> dict:
    check_exclude_by(exclude_by)
    registry = get_registry()
    tasks = task_stream(source, config, registry, order=order, buffer=buffer)
    return _components(dataset, _prepared(tasks, registry, choices=True, llm=llm), registry, exclude, exclude_by,
                       choices=True, llm=llm)


def llm_fetch(source: str, output: str, *, extractor: Names = "llm", unit: str = "paragraph",
              spacy_model: str | None = None, batch_size: int = 5, n_process: int = 1,
              options: dict | None = None, skip_boilerplate: bool = True, min_score: float = 0.0) -> ExtractStats:
    """``events.llm.fetch``: write proposals scored at least ``min_score`` to ``output`` (atomically) to review later."""
    return extract([source], output, _config(extractor, unit, spacy_model, batch_size, options, skip_boilerplate, min_score),
                   n_process=n_process)
