"""Progress on long work (portfolio, exposure, generate, log audits): on a terminal only.

A bar with counts when the work reports them (the engine's ``progress(done, total)``
callback), otherwise a spinner naming the stage, both with the time elapsed.  On a pipe,
with ``--json``, or when stderr is not a terminal: nothing at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from tmec.cli import _common


class Tracker:
    """What a command tells the bar: a new stage, or how far the counted work is."""

    def __init__(self, bar: Progress, task: TaskID) -> None:
        self._bar, self._task = bar, task

    def stage(self, text: str) -> None:
        self._bar.update(self._task, description=text, completed=0, total=None)

    def __call__(self, done: int, total: int) -> None:
        self._bar.update(self._task, completed=done, total=total)


@contextmanager
def progress(stage: str, *, quiet: bool = False, console: Console | None = None) -> Iterator[Tracker]:
    out = console or _common.err_console
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),  # a stage may name a file
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=out,
        transient=True,  # gone when the work is done: the result is what stays on screen
        disable=quiet or not out.is_terminal,
    )
    with bar:
        yield Tracker(bar, bar.add_task(stage, total=None))
