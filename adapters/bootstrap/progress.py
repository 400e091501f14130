"""A rich progress bar that shows up only for long runs."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

SHOW_AFTER_SECONDS = 1.0


@contextmanager
def progress_bar(label: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(done)``; a bar appears once the run has taken over a second."""
    started = time.monotonic()
    progress = Progress(TextColumn(label), BarColumn(), TextColumn("{task.completed:,} bars"), TimeElapsedColumn(),
                        transient=True)
    task = progress.add_task(label, total=total)
    shown = False

    def advance(done: int) -> None:
        nonlocal shown
        if not shown and time.monotonic() - started > SHOW_AFTER_SECONDS:
            progress.start()
            shown = True
        progress.update(task, completed=done)

    try:
        yield advance
    finally:
        if shown:
            progress.stop()
