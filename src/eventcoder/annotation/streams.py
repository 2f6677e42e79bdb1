"""Lazy task streams for the recipes: news in, tasks out, one small batch at a time.

Inputs are read with ``eventcoder.pipeline.inputs`` (``.txt`` files, folders, ``.jsonl(.gz)`` with a
``text`` field, ``-``) or taken from an iterable of dicts, cut into units and run through
the runner (``eventcoder.run.extract.task_lines``), so the first task is served after one batch however large the input.
A JSONL file of finished tasks (``eventcoder extract`` or ``events.llm.fetch`` output) is
served as it stands, each line checked like ``eventcoder validate`` does.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable, Iterator, Union

from eventcoder.annotation.ordering import DEFAULT_BUFFER, ordered
from eventcoder.core.errors import InputError
from eventcoder.core.reading import iter_lines
from eventcoder.core.vocabulary import Registry
from eventcoder.pipeline.inputs import (
    DROPPED_KEYS,
    Record,
    doc_id,
    open_binary,
    parse_jsonl_line,
    read_inputs,
)
from eventcoder.pipeline.units import split_units
from eventcoder.pipeline.validate import read_valid
from eventcoder.run.extract import ExtractConfig, task_lines

#: A path (file, folder, ``-``) or the input documents themselves.
Source = Union[str, os.PathLike, Iterable[Union[dict, Record]]]
TASK_FILE_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".json")


def records_of(source: Source) -> Iterator[Record]:
    """The documents of ``source``, lazily."""
    if isinstance(source, (str, os.PathLike)):
        yield from read_inputs([str(source)])
        return
    for number, item in enumerate(source, start=1):
        if isinstance(item, Record):
            yield item
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise InputError("<stream>", number, 'expected a dict with a "text" string')
        meta = dict(item.get("meta") or {})
        meta.update({k: v for k, v in item.items() if k not in DROPPED_KEYS})
        meta["doc"] = doc_id(item) or f"stream:{number}"
        yield Record(text=item["text"], meta=meta)


def proposals(source: Source, config: ExtractConfig, n_process: int = 1) -> Iterator[dict]:
    """Tasks with the proposals of ``config.extractors`` (none: empty tasks), lazily."""
    units = (unit for record in records_of(source) for unit in split_units(record, config.unit))
    for lines in task_lines(units, config, n_process=n_process):
        for line in lines:
            yield json.loads(line)


def is_task_file(source: Source) -> bool:
    """Whether ``source`` is a JSONL file whose first line is a task (tokens and spans)."""
    if not isinstance(source, (str, os.PathLike)):
        return False
    path = str(source)
    if not path.endswith(TASK_FILE_SUFFIXES) or not Path(path).is_file():
        return False
    with open_binary(path) as handle:
        for number, raw in iter_lines(handle, path):
            obj = parse_jsonl_line(raw, path, number)
            if obj is not None:
                return "tokens" in obj and "spans" in obj
    return False


def read_tasks(path: str, registry: Registry) -> Iterator[dict]:
    """The tasks in ``path``; InputError at the first invalid line."""
    return read_valid(path, "task", registry)


def _tasks(source: Source, config: ExtractConfig, registry: Registry, n_process: int) -> Iterator[dict]:
    if is_task_file(source):
        yield from read_tasks(str(source), registry)
    else:
        yield from proposals(source, config, n_process)


def task_stream(source: Source, config: ExtractConfig, registry: Registry, n_process: int = 1,
                order: str = "stream", buffer: int = DEFAULT_BUFFER) -> Iterator[dict]:
    """Precomputed tasks when ``source`` is a task file, else fresh proposals, in review
    ``order`` (``eventcoder.annotation.ordering``: uncertain, disagreement or stream) within ``buffer`` tasks.

    The first task is served after one batch in every order (the warm-up window is
    ``config.batch_size`` tasks). A bad order or buffer raises UserError at once; the input
    is read lazily."""
    return ordered(_tasks(source, config, registry, n_process), order, buffer, warmup=config.batch_size)
