"""Progress bars on a terminal, silence when piped."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


def show_progress() -> bool:
    return sys.stderr.isatty()


class _Bar:
    def __init__(self, progress: Progress | None, task_id):
        self._progress, self._task = progress, task_id

    def advance(self, amount: float = 1, **fields) -> None:
        if self._progress is not None:
            self._progress.update(self._task, advance=amount, **fields)


@contextmanager
def progress_bar(description: str, total: float | None = None, bytes_: bool = False) -> Iterator[_Bar]:
    """A bar on stderr when it is a terminal; a no-op otherwise."""
    if not show_progress():
        yield _Bar(None, None)
        return
    columns = [SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn()]
    columns += [DownloadColumn()] if bytes_ else [TextColumn("{task.completed:.0f}/{task.total:.0f}" if total else "{task.completed:.0f}")]
    columns += [TextColumn("{task.fields[status]}"), TimeElapsedColumn(), TimeRemainingColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        task_id = progress.add_task(description, total=total, status="")
        yield _Bar(progress, task_id)
