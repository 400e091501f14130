"""The catastrophe monitor: a pure state machine that trips on disaster and latches until re-armed."""

from __future__ import annotations

from collections import deque
from datetime import date

import attrs

from mia_core.timeutil import NS_PER_SECOND, cme_trading_day, to_ns
from mia_core.validation import FRACTION, MONEY, PERCENT, within

MANUAL = "manual_stop"
DAILY_LOSS = "daily_loss"
DRAWDOWN = "drawdown"
CONNECTION = "connection_lost"
ERROR_RATE = "error_rate"
RECONCILE = "reconcile_mismatch"  # the books and the broker differ: latched, the broker's position is held


def money(cents: int) -> str:
    """Cents as ``-$1,234.50``."""
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) / 100:,.2f}"


@attrs.frozen
class CatastropheConfig:
    """The ``catastrophe`` section: triggers of the monitor and where its latch is kept.

    When a trigger fires the engine cancels working orders, flattens and latches: no
    new entries until ``mia risk rearm``. ``daily_loss_limit`` null leaves the day's
    loss to the ``guard`` section (which stops only until the next trading day).
    Paper and live sessions persist the latch in ``state_file`` (so it survives a
    restart; empty: the system's own file, ``~/.mia/systems/<name>/risk_state.json``);
    backtests keep it in memory.
    """

    enabled: bool = False
    daily_loss_limit: float | None = attrs.field(default=500.0, validator=MONEY)
    max_drawdown_pct: float = attrs.field(default=12.0, validator=PERCENT)
    connection_timeout_seconds: float = attrs.field(default=300.0, validator=within(0, 86400, low_open=True))
    max_error_rate: float = attrs.field(default=0.10, validator=FRACTION)
    error_window: int = attrs.field(default=20, validator=within(1, 10000))
    min_orders: int = attrs.field(default=10, validator=within(1, 10000))
    state_file: str = ""


@attrs.frozen(slots=True)
class LatchState:
    """The latch: whether entries are stopped, by which trigger, since when; and the last re-arm."""

    latched: bool = False
    trigger: str = ""
    detail: str = ""
    since_ns: int = attrs.field(default=0, converter=to_ns)
    rearmed_ns: int = attrs.field(default=0, converter=to_ns)


class CatastropheMonitor:
    """Watches the account, the connections and the order error rate; trips once, then stays latched.

    Triggers: today's P&L at or below ``-daily_loss_limit``; drawdown from the peak
    above ``max_drawdown_pct``; a connection lost for more than
    ``connection_timeout_seconds``; more than ``max_error_rate`` of the last
    ``error_window`` orders rejected (once ``min_orders`` were seen); a manual stop.
    ``rearm`` clears the latch; afterwards the daily-loss trigger waits for the next
    trading day and the drawdown is measured from the equity at re-arm, so the same
    condition does not trip it again at once. The monitor does no I/O: the engine
    journals its decisions and a shell persists ``state``.
    """

    def __init__(self, config: CatastropheConfig, initial_equity_cents: int, state: LatchState | None = None) -> None:
        self.config = config
        self.state = state or LatchState()
        self.peak_cents = initial_equity_cents
        limit = config.daily_loss_limit
        self.loss_limit_cents = None if limit is None else round(limit * 100)
        self.timeout_ns = round(config.connection_timeout_seconds * NS_PER_SECOND)
        self.lost_since: dict[str, int] = {}
        self.outage = ""
        self.outcomes: deque[bool] = deque(maxlen=config.error_window)
        self._quiet_day: date | None = cme_trading_day(self.state.rearmed_ns) if self.state.rearmed_ns else None

    @property
    def latched(self) -> bool:
        """True while entries are stopped."""
        return self.state.latched

    def on_connection(self, ts: int, source: str, lost: bool) -> None:
        """Record a link lost (from ``ts``) or back at ``ts``.

        An outage that lasted more than the timeout trips the monitor even when no
        event arrived while it lasted: the link coming back is then the first moment
        the engine hears of it.
        """
        if lost:
            self.lost_since.setdefault(source, ts)
            return
        since = self.lost_since.pop(source, None)
        if since is not None and ts - since > self.timeout_ns:
            self.outage = f"{source} was lost for {(ts - since) / NS_PER_SECOND / 60:.1f} min"

    def on_order_outcome(self, rejected: bool) -> None:
        """Record one order accepted (False) or rejected (True)."""
        self.outcomes.append(rejected)

    def error_rate(self) -> float:
        """Share of rejected orders in the window (0 when empty)."""
        return sum(self.outcomes) / len(self.outcomes) if self.outcomes else 0.0

    def check(self, ts: int, day: date | None, day_pnl_cents: int, equity_cents: int) -> LatchState | None:
        """Evaluate every trigger at ``ts``; the new state if the monitor trips now, else ``None``."""
        if equity_cents > self.peak_cents:
            self.peak_cents = equity_cents
        if self.state.latched or not self.config.enabled:
            return None
        loss = self.loss_limit_cents
        if loss is not None and day_pnl_cents <= -loss and day != self._quiet_day:
            detail = f"day P&L {money(day_pnl_cents)} <= {money(-loss)}"
            return self.trip(ts, DAILY_LOSS, detail)
        if self.peak_cents > 0:
            drawdown = (self.peak_cents - equity_cents) / self.peak_cents
            if drawdown * 100 > self.config.max_drawdown_pct:
                return self.trip(ts, DRAWDOWN, f"drawdown {drawdown:.1%} > {self.config.max_drawdown_pct:g}%")
        if self.outage:
            detail, self.outage = self.outage, ""
            return self.trip(ts, CONNECTION, detail)
        for source, since in self.lost_since.items():
            if ts - since > self.timeout_ns:
                minutes = (ts - since) / NS_PER_SECOND / 60
                return self.trip(ts, CONNECTION, f"{source} lost for {minutes:.1f} min")
        if len(self.outcomes) >= min(self.config.min_orders, self.config.error_window):
            rate = self.error_rate()
            if rate > self.config.max_error_rate:
                return self.trip(ts, ERROR_RATE, f"{rate:.0%} of the last {len(self.outcomes)} orders rejected")
        return None

    def trip(self, ts: int, trigger: str, detail: str = "") -> LatchState | None:
        """Latch now (e.g. a manual stop); ``None`` when already latched."""
        if self.state.latched:
            return None
        self.state = LatchState(True, trigger, detail, ts, self.state.rearmed_ns)
        return self.state

    def rearm(self, ts: int, equity_cents: int) -> LatchState:
        """Clear the latch: entries may resume; the tripped conditions start afresh."""
        self.adopt(LatchState(False, "", "", 0, ts), equity_cents)
        return self.state

    def adopt(self, state: LatchState, equity_cents: int) -> None:
        """Take a state set elsewhere (``mia risk stop`` / ``rearm`` through the state file)."""
        rearmed = state.rearmed_ns and state.rearmed_ns != self.state.rearmed_ns
        self.state = state
        if rearmed and not state.latched:
            self.peak_cents = equity_cents
            self.outcomes.clear()
            self.outage = ""
            self._quiet_day = cme_trading_day(state.rearmed_ns)
