"""The tick-driven backtest: each trade meets the simulated exchange, then the strategy's ``on_tick`` sees it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mia_core.engine import failures
from mia_core.engine.backtest import BacktestResult, BacktestShell, BacktestStopped, Progress, _cyclic_collector_paused
from mia_core.engine.core import TradingEngine
from mia_core.engine.failures import ComponentError
from mia_core.events import FillReceived
from mia_core.exchange import SimulatedExchange
from mia_core.market import Aggressor, Trade
from mia_core.ticks.marks import TapeMarks, advance_clock
from mia_core.ticks.tape import Tape

BLOCK = 65_536  # trades converted to Python values at a time
NEVER = 2**63 - 1
_AGGRESSORS = {1: Aggressor.BUYER, -1: Aggressor.SELLER, 0: Aggressor.UNKNOWN}
OnTick = Callable[[int, float, int, int, Any], object]


def refusal(engine: TradingEngine, exchange: SimulatedExchange) -> str:
    """Why this engine and exchange cannot run on ticks ("" when they can)."""
    name = engine.strategy.name
    if not callable(getattr(engine.strategy, "on_tick", None)):
        return f"strategy {name!r} has no on_tick(ts, price, size, side, context) (ports/tick_strategy.py)"
    if exchange.config.market_fill != "next_trade":
        return (f"a tick backtest fills market orders at the next trade: set the exchange's market_fill to "
                f"'next_trade' (it is {exchange.config.market_fill!r})")
    if engine.techniques or engine.analyzers:
        return "techniques and analyzers are updated on bars; a tick backtest runs a strategy alone (for now)"
    if engine.desk.active:
        return "the risk desk (position sizing from ATR, catastrophe monitor) works on bars; not on ticks (for now)"
    return ""


def run_tick_backtest(tape: Tape, engine: TradingEngine, exchange: SimulatedExchange, *, mark_seconds: int = 60,
                      progress: Progress | None = None) -> BacktestResult:
    """Run ``engine``'s strategy on every trade of ``tape``; the result's ``bars`` counts the marks.

    For each trade in order: the portfolio is marked at the end of each ``mark_seconds``
    period that closed before it (the equity curve, the trades' excursions and the daily
    risk figures, as in a bar backtest of those bars; also just before each fill, see
    :class:`~mia_core.ticks.marks.TapeMarks`); working orders meet the trade at the
    exchange (``next_trade`` fills, slippage and commissions as configured); then the
    strategy's ``on_tick`` sees it, and its signal goes through the
    signal filters, the planner and the risk policies as on bars. The fill model is only
    asked about trades that can reach a working order (``SimulatedExchange.quiet_band``).
    """
    reason = refusal(engine, exchange)
    if reason:
        raise ValueError(f"tick backtest: {reason}")
    walk = _Walk(tape, engine, exchange, mark_seconds)
    try:
        with _cyclic_collector_paused():
            walk.run(progress)
    except ComponentError as error:
        error.bar = None
        raise BacktestStopped(error, _result(engine, walk.marks.count, error.stopped)) from error
    return _result(engine, walk.marks.count, None)


def _result(engine: TradingEngine, marked: int, stopped: str | None) -> BacktestResult:
    equity_ts, equity = engine.portfolio.equity_curve()
    return BacktestResult(bars=marked, round_trips=list(engine.portfolio.round_trips), equity_ts=equity_ts,
                          equity_cents=equity, journal=engine.journal,
                          final_position=engine.portfolio.position.quantity, vectorised=False, stopped=stopped)


class _Walk:
    """The walk's state: the marks, and the band of prices the exchange need not see."""

    def __init__(self, tape: Tape, engine: TradingEngine, exchange: SimulatedExchange, mark_seconds: int) -> None:
        self.tape, self.engine, self.exchange = tape, engine, exchange
        self.shell = BacktestShell(engine, exchange)
        self.marks = TapeMarks(tape, engine, mark_seconds)
        self.half = tape.instrument.tick_size / 2

    def band(self) -> tuple[float, float, int]:
        """Prices strictly inside (below, above) before ``until`` need neither a mark nor the exchange."""
        below, above, expiry = self.exchange.quiet_band()
        tick = self.tape.instrument.tick_size
        return below * tick + self.half, above * tick - self.half, min(self.marks.next_ns, expiry)

    def meet(self, index: int, ts: int, price: float, size: int, side: int) -> None:
        """Marks due, then the trade at the exchange; a fill is preceded by a mark through this trade."""
        self.marks.through(ts)
        self.engine.now_ns = ts
        events = self.exchange.on_trade(Trade(self.tape.instrument, ts, price, float(size), _AGGRESSORS[side]))
        if any(type(event) is FillReceived for event in events):
            self.marks.before_fill(ts, index)
        self.shell.deliver(events)

    def act(self, ts: int, price: float, signal: object) -> None:
        """Carry out the strategy's signal, as the engine does on a bar."""
        engine = self.engine
        checked = failures.checked_signal(signal, engine.strategy.name, ts, "on_tick")
        advance_clock(engine, ts, price)
        engine.last_close = price
        self.shell.execute(engine.on_signal(checked))

    def run(self, progress: Progress | None) -> None:
        """Every trade of the tape, then the marks left."""
        tape, engine = self.tape, self.engine
        strategy = engine.strategy
        on_tick: OnTick = strategy.on_tick  # type: ignore[attr-defined]
        view = engine.view
        n = len(tape)
        below, above, until = self.band()
        for lo in range(0, n, BLOCK):
            if progress is not None:
                progress(lo)
            hi = min(n, lo + BLOCK)
            columns = (tape.ts[lo:hi].tolist(), tape.price[lo:hi].tolist(), tape.size[lo:hi].tolist(),
                       tape.side[lo:hi].tolist())
            for index, ts, price, size, side in zip(range(lo, hi), *columns, strict=True):
                if ts >= until or price <= below or price >= above:
                    self.meet(index, ts, price, size, side)
                    below, above, until = self.band()
                engine.now_ns = ts
                try:
                    signal = on_tick(ts, price, size, side, view)
                except Exception as exc:
                    raise failures.raised(failures.STRATEGY, strategy.name, 0, "on_tick", ts, exc) from exc
                if signal is not None:
                    self.act(ts, price, signal)
                    below, above, until = self.band()
        self.marks.through(NEVER - 1)
