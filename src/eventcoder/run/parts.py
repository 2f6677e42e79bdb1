"""Cutting the inputs into parts, deterministically, and reading one part.

A part is ``(source, first, last)``:

- a JSONL file (plain or gzip): its lines ``first`` to ``last`` (1-based, inclusive); a file
  is cut every ``part_size`` lines, blank lines included;
- a text input (a folder, or one ``.txt`` file): its text files ``first`` to ``last`` in
  sorted order, ``part_size`` files per part.

Parts depend only on the inputs and ``part_size``, never on the engine or the number of
workers, so a re-run plans the same parts and can skip the finished ones. They are named
``part-000001.jsonl``, ... in input order: concatenated in name order they hold the lines a
single-file run writes. Planning reads each JSONL file once (counting lines, not parsing
them) and yields parts as it goes, so work starts before the last file is counted.
"""

from __future__ import annotations

import gzip
import itertools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from eventcoder.core.errors import InputError, UserError
from eventcoder.pipeline.inputs import (
    STDIN,
    Record,
    _format_of,
    _is_gz,
    expand_inputs,
    open_binary,
    read_jsonl_file,
    read_text_file,
)

#: Lines (JSONL) or files (text) per part: a kill loses at most one part per worker, and the
#: manifest gains one line per part (100 million articles -> 100,000 lines).
DEFAULT_PART_SIZE = 1000


@dataclass(frozen=True)
class Part:
    """One unit of work and of output: a range of one input."""

    name: str
    source: str
    first: int
    last: int
    #: JSONL: where line ``first`` starts in the (uncompressed) file, so a reader seeks to it.
    offset: int = 0
    #: Text: the files ``first`` to ``last`` of ``source``; empty for JSONL.
    files: tuple[str, ...] = ()
    #: Bytes of the input on disk this part covers (compressed for gzip), for progress.
    nbytes: int = 0

    @property
    def lines(self) -> int:
        """JSONL lines (text: files) in the part."""
        return self.last - self.first + 1


def part_name(index: int) -> str:
    return f"part-{index:06d}.jsonl"


def _jsonl_ranges(path: str, part_size: int) -> Iterator[dict]:
    size = os.path.getsize(path)
    with open(path, "rb") as raw:
        stream = gzip.GzipFile(fileobj=raw) if _is_gz(path) else raw
        line = offset = 0
        first, first_offset, first_raw = 1, 0, 0
        for data in stream:
            line += 1
            offset += len(data)
            if line - first + 1 == part_size:
                here = raw.tell()  # compressed position for gzip (read-ahead makes it approximate)
                yield {"first": first, "last": line, "offset": first_offset, "nbytes": here - first_raw}
                first, first_offset, first_raw = line + 1, offset, here
        if line >= first:
            yield {"first": first, "last": line, "offset": first_offset, "nbytes": size - first_raw}


def _text_ranges(files: list[str], part_size: int) -> Iterator[dict]:
    for start in range(0, len(files), part_size):
        chunk = tuple(files[start : start + part_size])
        yield {"first": start + 1, "last": start + len(chunk), "files": chunk, "nbytes": sum(map(os.path.getsize, chunk))}


def plan_parts(
    inputs: list[str], part_size: int, on_error: Callable[[InputError], None] | None = None
) -> Iterator[Part]:
    """The parts of ``inputs``, lazily, in order. Bad inputs raise (or go to ``on_error``)."""
    if part_size < 1:
        raise ValueError("part_size must be at least 1")
    numbers = itertools.count(1)
    for name in inputs:
        if name == STDIN:
            raise UserError("stdin cannot be cut into resumable parts; write one file (-o FILE) with --engine local")
        try:
            paths = list(expand_inputs([name]))
            if Path(name).is_dir() or _format_of(name) == "text":
                ranges = _text_ranges(paths, part_size)
            else:
                ranges = _jsonl_ranges(name, part_size)
            for fields in ranges:
                yield Part(name=part_name(next(numbers)), source=name, **fields)
        except InputError as exc:
            if on_error is None:
                raise
            on_error(exc)
        except (OSError, EOFError) as exc:  # unreadable file, broken gzip
            error = InputError(name, 0, f"cannot read: {exc}")
            if on_error is None:
                raise error from None
            on_error(error)


def read_part(part: Part, on_error: Callable[[InputError], None] | None = None) -> Iterator[Record]:
    """The documents of ``part``, lazily; bad records raise (or go to ``on_error``) as FILE:LINE."""

    def report(error: InputError) -> None:
        if on_error is None:
            raise error
        on_error(error)

    for path in part.files or (part.source,):
        try:
            with open_binary(path) as stream:
                if part.files:
                    yield from read_text_file(stream, path)
                else:
                    stream.seek(part.offset)  # gzip seeks forward by decompressing
                    yield from read_jsonl_file(stream, path, on_error, first_line=part.first, count=part.lines)
        except InputError as exc:
            report(exc)
        except (OSError, EOFError) as exc:
            report(InputError(path, 0, f"cannot read: {exc}"))
