"""The planner's intent reasons and the engine's exit labels are worked out once per reason, with the same text."""

from __future__ import annotations

from mia_core.engine import planner
from mia_core.engine.config import ExecutionConfig
from mia_core.engine.core import exit_reason
from mia_core.instruments import ES
from mia_core.signals import Direction, Signal

TS = 1_714_570_000 * 10**9


def _reasons(why: str, position: int) -> list[str]:
    signal = Signal(ts=TS, source="s", direction=Direction.SHORT, reason=why)
    _, intents = planner.plan(signal, ES, position, [], ExecutionConfig())
    return [intent.reason for intent in intents]


def test_a_reversal_names_the_signal_reason_on_both_orders() -> None:
    assert _reasons("fast SMA crossed below slow", 1) == ["signal_exit: fast SMA crossed below slow",
                                                          "signal_entry: fast SMA crossed below slow"]
    assert _reasons("", 1) == ["signal_exit", "signal_entry"]


def test_the_same_reason_gives_the_same_str_object() -> None:
    first, second = _reasons("again", 1), _reasons("again", 1)
    assert first == second and all(a is b for a, b in zip(first, second, strict=True))


def test_reasons_past_the_kept_number_are_still_right() -> None:
    many = [f"reason {i}" for i in range(planner._NOTES_KEPT + 10)]
    for why in many:
        assert _reasons(why, 0) == [f"signal_entry: {why}"]
    assert len(planner._ENTRIES) <= planner._NOTES_KEPT


def test_exit_labels_are_the_same_worked_out_or_remembered() -> None:
    for reason, label in [("signal_exit: x", "signal"), ("stop_loss", "stop_loss"), ("", "unknown"),
                          (" manual stop : y", "manual stop"), ("signal_flat", "signal")]:
        assert exit_reason(reason) == label
        assert exit_reason(reason) == label  # second time from the memo
