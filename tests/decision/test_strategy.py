"""The battle_navale strategy through the engine: brackets, dealer's bias, time exits, vectorised form."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pytest

from adapters.bootstrap.backtest import run_system
from adapters.bootstrap.config import plan_system
from adapters.bootstrap.container import build_system
from adapters.bootstrap.plugins import PluginHost
from adapters.replay.bundled import bundled_series
from mia_core.engine.backtest import run_backtest
from mia_core.engine.core import TradingEngine
from mia_core.events import SignalGenerated
from mia_core.exchange import ExchangeConfig, SimulatedExchange
from mia_core.instruments import ES
from mia_core.signals import Direction, Signal
from mia_core.synthetic import SyntheticConfig, generate_bars
from mia_plugins.battle_navale.decision import Decider
from mia_plugins.battle_navale.strategy import BattleNavaleConfig, BattleNavaleStrategy
from mia_plugins.battle_navale.vectorised import VectorisedBattleNavale, tick_columns

from .stand_in import SEVEN, StandInConfig, UpCloseShare, stand_in_system

SERIES = bundled_series("sp500", ES).slice(2000, 3500)


class FixedBias:
    """An analyzer reporting a constant dealer's bias score on every bar."""

    def __init__(self, score: float) -> None:
        self.name = "dealers_bias"
        self.score = score

    def on_event(self, event: object) -> Mapping[str, float] | None:
        return {"score": self.score, "confidence": 0.9}

    def latest(self) -> Mapping[str, float]:
        return {"score": self.score, "confidence": 0.9}


def techniques() -> list[UpCloseShare]:
    return [UpCloseShare(StandInConfig(name, p)) for name, p in zip(SEVEN, (5, 8, 10, 12, 15, 20, 30), strict=True)]


def run(config: BattleNavaleConfig, analyzers: tuple[object, ...] = ()) -> tuple[list[Signal], TradingEngine]:
    strategy = BattleNavaleStrategy(config)
    engine = TradingEngine(ES, strategy, techniques=techniques(), analyzers=analyzers)  # type: ignore[arg-type]
    run_backtest(SERIES, engine, SimulatedExchange(ES, ExchangeConfig(slippage_ticks=1)))
    signals = [e.payload["event"].signal for e in engine.journal if e.kind == "signal"]
    assert all(isinstance(s, Signal) for s in signals)
    return signals, engine


def test_entries_carry_atr_brackets_that_become_real_exits() -> None:
    signals, engine = run(BattleNavaleConfig(entry_grade="buy"))
    entries = [s for s in signals if s.direction is not Direction.FLAT]
    assert len(entries) > 10
    for s in entries:
        d = 1 if s.direction is Direction.LONG else -1
        assert s.stop_loss is not None and s.take_profit is not None and s.confluence is not None
        assert d * (s.take_profit - s.stop_loss) > 0
    trips = engine.portfolio.round_trips
    assert {t.exit_reason for t in trips} & {"stop_loss", "take_profit"}


def test_stop_is_two_atr_and_target_two_r() -> None:
    signals, _ = run(BattleNavaleConfig(entry_grade="buy"))
    _, h, lo, c = tick_columns(SERIES)
    prev = np.concatenate(([c[0]], c[:-1]))
    tr = np.maximum(h, prev) - np.minimum(lo, prev)
    tr[0] = h[0] - lo[0]
    for s in (s for s in signals if s.direction is not Direction.FLAT):
        i = int(np.searchsorted(SERIES.ts, s.ts))
        atr = tr[i - 13 : i + 1].mean()
        stop = int(np.ceil(2.0 * atr - 1e-9))
        d = 1 if s.direction is Direction.LONG else -1
        assert s.stop_loss == pytest.approx((c[i] - d * stop) * 0.25)
        assert s.take_profit == pytest.approx((c[i] + d * 2 * stop) * 0.25)
        assert s.grade is not None and s.components["regime"] in (1.0, 2.0)


def test_dealers_bias_absent_is_neutral_with_a_flag_and_present_is_mapped() -> None:
    signals, _ = run(BattleNavaleConfig(entry_grade="buy"))
    entry = next(s for s in signals if s.direction is not Direction.FLAT)
    assert entry.components["dealers_bias"] == 0.5 and entry.components["dealers_bias_absent"] == 1.0
    signals, _ = run(BattleNavaleConfig(entry_grade="buy"), analyzers=(FixedBias(-0.6),))
    entry = next(s for s in signals if s.direction is not Direction.FLAT)
    assert entry.components["dealers_bias"] == pytest.approx(0.2) and entry.components["dealers_bias_absent"] == 0.0


def test_time_exit_closes_after_max_hold_bars() -> None:
    _, engine = run(BattleNavaleConfig(entry_grade="buy", max_hold_bars=3, bracket=False, exit_on_reversal=False))
    trips = engine.portfolio.round_trips
    assert trips and all(t.bars_held <= 4 for t in trips)
    assert any(t.exit_reason == "signal" for t in trips)


def test_vectorised_form_proposes_the_incremental_entries() -> None:
    config = BattleNavaleConfig(entry_grade="buy")
    directions = VectorisedBattleNavale(config, techniques()).target_directions(SERIES)
    decider, feats = Decider(config), techniques()
    o, h, lo, c = tick_columns(SERIES)
    for i, bar in enumerate(SERIES.trusted()):
        scores = {t.name: t.update(bar)["score"] for t in feats} | {"dealers_bias": 0.5}
        decision = decider.update(int(o[i]), int(h[i]), int(lo[i]), int(c[i]), scores)
        assert directions[i] == (0 if decision is None else decision.direction), i
    assert np.count_nonzero(directions) > 20


def test_composed_from_yaml_and_run_by_the_engine(host: PluginHost) -> None:
    system = build_system(plan_system(stand_in_system() | {"backtest": {"end": "2008-12-31"}}, host))
    run = run_system(system, SERIES)
    assert run.metrics.trades > 5 and not run.result.vectorised
    assert any(isinstance(e.payload.get("event"), SignalGenerated) for e in run.result.journal)


def _trips(engine: TradingEngine) -> list[tuple[int, int, str, float, float, str]]:
    return [(t.entry_ts, t.exit_ts, t.side.value, t.entry_price, t.exit_price, t.exit_reason)
            for t in engine.portfolio.round_trips]


@pytest.mark.parametrize("reversal", [True, False])
def test_vectorised_backtest_trades_like_the_bar_by_bar_one(reversal: bool) -> None:
    series = generate_bars(ES, SyntheticConfig(bars=30_000, seed=5))
    config = BattleNavaleConfig(entry_grade="buy", exit_on_reversal=reversal)
    exchange = ExchangeConfig(slippage_ticks=1)
    bar_by_bar = TradingEngine(ES, BattleNavaleStrategy(config), techniques=techniques())  # type: ignore[arg-type]
    run_backtest(series, bar_by_bar, SimulatedExchange(ES, exchange))
    vector = BattleNavaleStrategy(config).vectorised(techniques())
    fast = TradingEngine(ES, vector, signal_filters=(vector.hints_filter(),))  # type: ignore[arg-type]
    result = run_backtest(series, fast, SimulatedExchange(ES, exchange), vectorised=True)
    assert result.vectorised
    assert len(bar_by_bar.portfolio.round_trips) > 50
    assert _trips(fast) == _trips(bar_by_bar)
    assert {t[5] for t in _trips(fast)} >= {"stop_loss", "take_profit"}


def test_each_entry_hint_is_the_bar_by_bar_signals_bracket_strength_and_grade() -> None:
    """The hint table (columns, one row per entry) rebuilds what the bar-by-bar strategy puts on each entry."""
    series = generate_bars(ES, SyntheticConfig(bars=20_000, seed=9))
    config = BattleNavaleConfig(entry_grade="buy")
    bar_by_bar = TradingEngine(ES, BattleNavaleStrategy(config), techniques=techniques())  # type: ignore[arg-type]
    run_backtest(series, bar_by_bar, SimulatedExchange(ES, ExchangeConfig()))
    vector = BattleNavaleStrategy(config).vectorised(techniques())
    vector.target_directions(series)
    signals = [e.payload["event"].signal for e in bar_by_bar.journal
               if isinstance(e.payload.get("event"), SignalGenerated)]
    entries = [s for s in signals if s.direction is not Direction.FLAT and s.stop_loss is not None]
    assert len(entries) > 50 and len(vector.hints) >= len(entries)  # the strategy skips entries it holds already
    for signal in entries:
        hint = vector.hints.get(signal.ts)
        assert hint is not None, signal.ts
        got = (hint.stop_loss, hint.take_profit, hint.strength, hint.confluence, hint.grade)
        assert got == (signal.stop_loss, signal.take_profit, signal.strength, signal.confluence, signal.grade)
    assert vector.hints.get(int(series.ts[0]) - 1) is None and vector.hints.get(int(series.ts[-1]) + 1) is None
    vector.reset()
    assert len(vector.hints) == 0 and vector.hints.get(signals[0].ts) is None


def test_a_missing_technique_is_named_once_and_nothing_trades(caplog: pytest.LogCaptureFixture) -> None:
    engine = TradingEngine(ES, BattleNavaleStrategy(BattleNavaleConfig(entry_grade="buy")),
                           techniques=techniques()[1:])  # type: ignore[arg-type]
    with caplog.at_level("WARNING", logger="mia.battle_navale"):
        run_backtest(SERIES, engine, SimulatedExchange(ES, ExchangeConfig()))
    warnings = [r.getMessage() for r in caplog.records if r.name == "mia.battle_navale"]
    assert len(warnings) == 1 and "vwap_trend.score" in warnings[0]
    assert not engine.portfolio.round_trips
