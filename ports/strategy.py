"""The Strategy port: a signal generator."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from mia_core.market import Bar
from mia_core.signals import Signal
from ports.context import StrategyContext


@runtime_checkable
class Strategy(Protocol):
    """Decides direction from bars, features and analyses.

    A strategy says what it wants (a :class:`~mia_core.signals.Signal`); the engine's
    order planner, the signal filters and the risk policies decide what is sent. A
    strategy never talks to a broker.
    """

    name: str

    def on_bar(self, bar: Bar, context: StrategyContext) -> Signal | None:
        """Called once per closed ``bar`` after every technique has been updated.

        Returns a signal when the strategy has a view to express (LONG, SHORT or
        FLAT, with strength and, optionally, confluence components and stop/target
        hints) or ``None`` to leave things as they are. ``context`` holds only what
        is known at the bar's close.
        """
        ...

    def reset(self) -> None:
        """Forget all state before a new run."""
        ...
