"""Position sizing: contracts from account risk and stop distance, volatility-adjusted, capped."""

from __future__ import annotations

import math

import attrs

from mia_core.instruments import Instrument
from mia_core.risk.windows import valid_optional_clock
from mia_core.validation import ATR_MULTIPLE, PERCENT, within


@attrs.frozen
class PositionConfig:
    """The ``position`` section: how entries are sized and protected, and how exits are managed.

    ``enabled`` false (the default when the section is absent) leaves sizing to
    ``execution.contracts`` and brackets to the signal's hints. Enabled, every entry
    is sized from ``risk_per_trade_pct`` of equity and its stop distance (``stop_atr``
    x ATR, or the signal's stop hint), shrunk when volatility is above its norm, capped
    at ``max_contracts`` and sent with a real bracket: stop loss and a take profit at
    ``reward_risk`` x the stop distance. Open positions have their stop moved to
    break-even after ``break_even_at_r`` R and trailed ``trailing_atr`` x ATR behind
    the close; ``exit_after_bars`` closes a trade after that many bars, and
    ``weekend_flatten_at`` (``HH:MM`` Chicago) closes any trade still open on Friday
    from that time (or on a weekend bar), so no position is held over the weekend.
    """

    enabled: bool = False
    risk_per_trade_pct: float = attrs.field(default=0.5, validator=PERCENT)
    max_contracts: int = attrs.field(default=2, validator=within(1, 1000))
    atr_period: int = attrs.field(default=14, validator=within(1, 10000))
    stop_atr: float = attrs.field(default=2.0, validator=ATR_MULTIPLE)
    reward_risk: float = attrs.field(default=2.0, validator=ATR_MULTIPLE)
    use_signal_stop: bool = True
    volatility_adjust: bool = True
    volatility_lookback: int = attrs.field(default=100, validator=within(1, 100000))
    trailing_atr: float | None = attrs.field(default=2.0, validator=ATR_MULTIPLE)
    break_even_at_r: float | None = attrs.field(default=1.0, validator=ATR_MULTIPLE)
    exit_after_bars: int | None = attrs.field(default=None, validator=within(1, 1000000))
    weekend_flatten_at: str | None = attrs.field(default=None, validator=valid_optional_clock)


class AverageTrueRange:
    """Wilder's ATR over ``period`` bars, and a slow average of it (the volatility norm).

    The first ATR is the mean of the first ``period`` true ranges; then
    ``atr = (atr * (period - 1) + tr) / period``. The norm is an exponential average
    of the ATR over ``lookback`` bars.
    """

    __slots__ = ("_count", "_prev_close", "_sum", "alpha", "norm", "period", "value")

    def __init__(self, period: int, lookback: int) -> None:
        self.period = period
        self.alpha = 2.0 / (lookback + 1)
        self.value: float | None = None
        self.norm: float | None = None
        self._prev_close: float | None = None
        self._sum = 0.0
        self._count = 0

    def update(self, high: float, low: float, close: float) -> None:
        """Take one bar."""
        prev = self._prev_close
        tr = high - low if prev is None else max(high - low, abs(high - prev), abs(low - prev))
        self._prev_close = close
        if self.value is None:
            self._sum += tr
            self._count += 1
            if self._count == self.period:
                self.value = self._sum / self.period
                self.norm = self.value
            return
        self.value = (self.value * (self.period - 1) + tr) / self.period
        assert self.norm is not None
        self.norm += self.alpha * (self.value - self.norm)


@attrs.frozen(slots=True)
class EntryPlan:
    """A sized, protected entry: whole contracts, stop and target prices on the tick grid."""

    quantity: int
    stop_loss: float
    take_profit: float
    risk_ticks: int
    reason: str


def plan_entry(
    config: PositionConfig,
    instrument: Instrument,
    direction: int,
    reference: float,
    equity_cents: int,
    atr: float | None,
    norm: float | None,
    stop_hint: float | None = None,
) -> EntryPlan | str:
    """Size and protect an entry at about ``reference``; a string says why no entry is possible.

    ``direction`` is +1 (long) or -1 (short). The stop distance is the signal's stop
    hint when allowed and on the losing side, else ``stop_atr`` x ATR, rounded up to
    whole ticks. Contracts = floor(risk budget x volatility factor / risk per
    contract), capped at ``max_contracts``; the volatility factor is
    ``min(1, norm / atr)`` (smaller size when the market is more volatile than usual).
    """
    tick = instrument.tick_size
    if config.use_signal_stop and stop_hint is not None and (reference - stop_hint) * direction > 0:
        ticks = math.ceil(abs(reference - stop_hint) / tick - 1e-9)
        source = "signal stop"
    elif atr is None or atr <= 0:
        return f"no ATR yet ({config.atr_period} bars needed) to place a {config.stop_atr:g} x ATR stop"
    else:
        ticks = math.ceil(config.stop_atr * atr / tick - 1e-9)
        source = f"{config.stop_atr:g} x ATR {atr:.2f}"
    ticks = max(ticks, 1)
    ref_ticks = round(reference / tick)
    stop_ticks = ref_ticks - direction * ticks
    if stop_ticks <= 0:
        return f"a stop {ticks} ticks away from {reference} would be at or below zero"
    target_ticks = ref_ticks + direction * max(1, math.ceil(config.reward_risk * ticks - 1e-9))
    if target_ticks <= 0:
        return f"a short's target {config.reward_risk:g}R below {reference} would be at or below zero"
    per_contract = instrument.ticks_to_cents(ticks)
    budget = equity_cents * config.risk_per_trade_pct / 100
    factor = 1.0
    if config.volatility_adjust and atr and norm:
        factor = min(1.0, norm / atr)
    quantity = min(config.max_contracts, math.floor(budget * factor / per_contract + 1e-9))
    if quantity < 1:
        return (
            f"one contract risks ${per_contract / 100:,.2f} ({source}); {config.risk_per_trade_pct:g}% of equity"
            f"{f' x volatility factor {factor:.2f}' if factor < 1 else ''} is ${budget * factor / 100:,.2f}"
        )
    reason = f"{quantity} contract(s): stop {ticks} ticks ({source}), target {config.reward_risk:g}R"
    return EntryPlan(quantity, instrument.from_ticks(stop_ticks), instrument.from_ticks(target_ticks), ticks, reason)
