"""The SignalFilter port: validates or vetoes signals (e.g. the ML filter)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from mia_core.signals import Signal
from ports.context import StrategyContext


@runtime_checkable
class SignalFilter(Protocol):
    """Passes, weakens or neutralises a strategy's signal before risk sees it."""

    name: str

    def apply(self, signal: Signal, context: StrategyContext) -> Signal:
        """Return the signal to use instead of ``signal``.

        Called for each signal in the order filters are listed in the YAML. Return
        ``signal`` unchanged to pass it, or ``signal.neutralised(reason)`` to veto it
        with a recorded reason. Must not raise on valid input.
        """
        ...
