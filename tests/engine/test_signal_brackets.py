"""A signal's stop/target off the tick grid is rounded the safe way and said once; on the wrong side, refused."""

from __future__ import annotations

from typing import Any

from mia_core.engine.backtest import BacktestResult, run_backtest
from mia_core.engine.core import TradingEngine
from mia_core.engine.failures import iso_utc
from mia_core.exchange import SimulatedExchange
from mia_core.instruments import ES
from mia_core.orders import OrderIntent
from mia_core.synthetic import SyntheticConfig, generate_bars

from .third_party import Drift, DriftConfig, Follow, FollowConfig

BARS = generate_bars(ES, SyntheticConfig(bars=200, seed=11))


def _run(**hints: float) -> BacktestResult:
    engine = TradingEngine(ES, Follow(FollowConfig(**hints), ES.tick_size), techniques=(Drift(DriftConfig()),))
    return run_backtest(BARS, engine, SimulatedExchange(ES))


def _entries(result: BacktestResult) -> list[tuple[int, OrderIntent]]:
    """(bar time, intent) of each bracketed entry submitted."""
    seen: dict[str, tuple[int, OrderIntent]] = {}
    for entry in result.journal:
        if entry.kind == "order":
            order = entry.payload["event"].order
            if order.intent.bracket is not None:
                seen.setdefault(order.order_id, (entry.ts, order.intent))
    return list(seen.values())


def _close_at(ts: int) -> float:
    return float(BARS.close[int(BARS.ts.searchsorted(ts))])


def _alerts(result: BacktestResult) -> list[dict[str, Any]]:
    return [e.payload for e in result.journal if e.kind == "alert"]


def test_hints_on_the_grid_and_the_right_side_are_used_as_given() -> None:
    result = _run(stop_ticks=8, target_ticks=12)
    entries = _entries(result)
    assert len(entries) > 5
    for ts, intent in entries:
        close, sign = _close_at(ts), intent.side.sign
        assert intent.bracket is not None
        assert intent.bracket.stop_loss == close - sign * 8 * 0.25
        assert intent.bracket.take_profit == close + sign * 12 * 0.25
    assert _alerts(result) == []


def test_hints_off_the_grid_are_rounded_towards_the_entry_and_said_once() -> None:
    result = _run(stop_ticks=8.3, target_ticks=12.7)  # the run completes (it used to abort on the first entry)
    assert result.stopped is None and result.bars == len(BARS)
    entries = _entries(result)
    assert len(entries) > 5
    for ts, intent in entries:
        close, sign = _close_at(ts), intent.side.sign
        assert intent.bracket is not None
        assert intent.bracket.stop_loss == close - sign * 8 * 0.25  # less risk: 8 ticks, not 9
        assert intent.bracket.take_profit == close + sign * 12 * 0.25  # more conservative: 12 ticks, not 13
    alerts = _alerts(result)
    assert len(alerts) == 1
    first = entries[0][0]
    assert alerts[0]["level"] == "warning"
    message = alerts[0]["message"]
    assert message.startswith(f"strategy 'follow': a signal at {iso_utc(first)} had ")
    assert "off ES's tick grid of 0.25" in message and "rounded towards the entry" in message


def test_a_stop_on_the_wrong_side_is_refused_naming_the_strategy_and_the_run_goes_on() -> None:
    result = _run(stop_ticks=-4)  # a long's stop above the close, a short's below
    assert result.stopped is None and result.bars == len(BARS)
    assert _entries(result) == []
    assert result.round_trips == []
    refusals = [e for e in result.journal if e.kind == "risk"]
    assert len(refusals) > 5
    first = refusals[0].payload["event"]
    (decision,) = first.decisions
    assert decision.policy == "signal_bracket" and decision.verdict.value == "reject"
    close = _close_at(first.ts)
    side = "long" if first.intent.side.sign > 0 else "short"
    below = "below" if side == "long" else "above"
    assert decision.reason == (f"strategy 'follow': a {side} signal at {iso_utc(first.ts)}: stop_loss "
                               f"{close - first.intent.side.sign * -1.0!r} is not {below} the entry reference "
                               f"{close!r} (the bar's close); entry refused")


def test_a_target_on_the_wrong_side_is_refused_too() -> None:
    result = _run(stop_ticks=8, target_ticks=-2)
    assert _entries(result) == []
    reasons = [e.payload["event"].decisions[0].reason for e in result.journal if e.kind == "risk"]
    assert reasons and all("take_profit" in r and "entry refused" in r for r in reasons)
