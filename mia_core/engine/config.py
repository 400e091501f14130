"""Engine settings: how signals become orders."""

from __future__ import annotations

import attrs

from mia_core.validation import within


@attrs.frozen
class ExecutionConfig:
    """How the order planner turns a signal into orders.

    ``contracts`` is the base size of a position (risk policies may resize it);
    ``allow_short`` false turns SHORT signals into FLAT; ``use_signal_brackets``
    sends a signal's stop-loss/take-profit hints as a real bracket.
    """

    contracts: int = attrs.field(default=1, validator=within(1, 1000))
    allow_short: bool = True
    use_signal_brackets: bool = True
