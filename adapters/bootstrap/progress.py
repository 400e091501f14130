"""A rich progress bar that shows up only for long runs: bars done of the total, elapsed time and ETA."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

SHOW_AFTER_SECONDS = 1.0


class ProgressBar:
    """``bar(done)`` reports progress; ``bar.set_total(n)`` once the total is known. Hidden for the first second."""

    def __init__(self, label: str, total: int | None = None, console: Console | None = None) -> None:
        self.started = time.monotonic()
        self.progress = Progress(TextColumn(label), BarColumn(), TextColumn("{task.fields[count]} bars"),
                                 TextColumn("elapsed"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                                 transient=True, console=console)
        self.task = self.progress.add_task(label, total=total, count="0")
        self.shown = False

    def set_total(self, total: int) -> None:
        """The number of bars the run will take."""
        self.progress.update(self.task, total=total)

    def __call__(self, done: int) -> None:
        if not self.shown and time.monotonic() - self.started > SHOW_AFTER_SECONDS:
            self.progress.start()
            self.shown = True
        total = self.progress.tasks[0].total
        count = f"{done:,}" + (f"/{int(total):,}" if total else "")
        self.progress.update(self.task, completed=done, count=count)

    def stop(self) -> None:
        """Remove the bar (if it was shown)."""
        if self.shown:
            self.progress.stop()


@contextmanager
def progress_bar(label: str, total: int | None = None, console: Console | None = None) -> Iterator[ProgressBar]:
    """Yield a :class:`ProgressBar`; it appears once the run has taken over a second."""
    bar = ProgressBar(label, total, console)
    try:
        yield bar
    finally:
        bar.stop()
