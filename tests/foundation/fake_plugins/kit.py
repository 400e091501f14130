"""A test plugin providing one small fake of every component kind (``kit_*``).

The fakes are real enough to be built by the composition root and to satisfy the
ports at runtime; they record what they are given so tests can assert on end state.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Mapping

import attrs
import numpy as np

from mia_core.events import BrokerEvent, MarketEvent
from mia_core.instruments import Instrument
from mia_core.journal import Notification
from mia_core.market import Bar
from mia_core.orders import AccountSnapshot, Order, OrderIntent, OrderStatus, Position
from mia_core.series import BarSeries
from mia_core.signals import RiskDecision, Signal
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.context import RiskContext, StrategyContext
from ports.hookspecs import hookimpl

DAY_NS = 86_400 * 1_000_000_000
START_NS = 1_700_000_000 * 1_000_000_000


@attrs.frozen
class KitConfig:
    """Settings shared by the kit's fakes: a label kept on the built object."""

    label: str = "kit"


@attrs.frozen
class KitBrokerConfig:
    """Settings of ``kit_broker``: the endpoint whose connection is shared."""

    endpoint: str = "loopback:1"
    cash: float = 100_000.0


class KitConnection:
    """A connection several components may share through ``BuildContext.shared``."""

    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


class KitFeed:
    def __init__(self, config: KitConfig, bars: int = 5) -> None:
        self.name = "kit_feed"
        self.label = config.label
        self.bars = bars

    def history(self, instrument: Instrument, start_ns: int | None = None, end_ns: int | None = None) -> BarSeries:
        closes = 4000.0 + np.arange(self.bars) * instrument.tick_size
        series = BarSeries(
            instrument=instrument,
            ts=START_NS + np.arange(self.bars) * DAY_NS,
            open=closes,
            high=closes + 1.0,
            low=closes - 1.0,
            close=closes,
            volume=np.full(self.bars, 1000.0),
        )
        return series.between(start_ns, end_ns)

    async def stream(self, instrument: Instrument) -> AsyncIterator[MarketEvent]:
        for bar in self.history(instrument):
            yield bar


class KitBroker:
    """Accepts every intent as PENDING and keeps it working until cancelled."""

    def __init__(self, config: KitBrokerConfig, connection: KitConnection) -> None:
        self.name = "kit_broker"
        self.connection = connection
        self._cash_cents = round(config.cash * 100)
        self._orders: dict[str, Order] = {}
        self._handlers: list[Callable[[BrokerEvent], None]] = []

    async def connect(self) -> None:
        return None

    async def disconnect(self) -> None:
        return None

    def subscribe(self, handler: Callable[[BrokerEvent], None]) -> None:
        self._handlers.append(handler)

    def submit(self, intent: OrderIntent) -> Order:
        order = Order(order_id=f"K{len(self._orders) + 1}", intent=intent, status=OrderStatus.PENDING)
        self._orders[order.order_id] = order
        return order

    def cancel(self, order_id: str) -> None:
        if order_id in self._orders:
            self._orders[order_id] = attrs.evolve(self._orders[order_id], status=OrderStatus.CANCELLED)

    def modify(
        self,
        order_id: str,
        *,
        quantity: int | None = None,
        limit_price: float | None = None,
        stop_price: float | None = None,
    ) -> None:
        return None

    def open_orders(self) -> list[Order]:
        return [o for o in self._orders.values() if not o.status.is_terminal]

    def positions(self) -> list[Position]:
        return []

    def account(self) -> AccountSnapshot:
        return AccountSnapshot(ts=0, cash_cents=self._cash_cents, equity_cents=self._cash_cents)


class KitTechnique:
    def __init__(self, config: KitConfig) -> None:
        self.name = "kit_technique"
        self.label = config.label
        self.outputs = ("last_close",)
        self.warmup_bars = 1

    def update(self, bar: Bar) -> Mapping[str, float]:
        return {"last_close": bar.close}

    def reset(self) -> None:
        return None


class KitStrategy:
    """Never has a view; remembers how many bars it saw."""

    def __init__(self, config: KitConfig) -> None:
        self.name = "kit_strategy"
        self.label = config.label
        self.seen = 0

    def on_bar(self, bar: Bar, context: StrategyContext) -> Signal | None:
        self.seen += 1
        return None

    def reset(self) -> None:
        self.seen = 0


class KitAnalyzer:
    def __init__(self, config: KitConfig) -> None:
        self.name = "kit_analyzer"
        self.label = config.label

    def on_event(self, event: MarketEvent) -> Mapping[str, float] | None:
        return None

    def latest(self) -> Mapping[str, float]:
        return {}


class KitFilter:
    def __init__(self, config: KitConfig) -> None:
        self.name = "kit_filter"
        self.label = config.label

    def apply(self, signal: Signal, context: StrategyContext) -> Signal:
        return signal


class KitRisk:
    def __init__(self, config: KitConfig) -> None:
        self.name = "kit_risk"
        self.label = config.label

    def evaluate(self, intent: OrderIntent, context: RiskContext) -> RiskDecision:
        return RiskDecision.allow(self.name, intent.quantity)


class KitNotifier:
    """Keeps what it is told; shares one connection per label."""

    def __init__(self, config: KitConfig, connection: KitConnection) -> None:
        self.name = "kit_notifier"
        self.label = config.label
        self.connection = connection
        self.sent: list[Notification] = []

    async def notify(self, notification: Notification) -> None:
        self.sent.append(notification)


def _broker(config: KitBrokerConfig, context: BuildContext) -> KitBroker:
    return KitBroker(config, context.shared(f"kit-connection:{config.endpoint}", KitConnection))


def _notifier(config: KitConfig, context: BuildContext) -> KitNotifier:
    return KitNotifier(config, context.shared("kit-connection:notify", KitConnection))


def spec(kind: ComponentKind, name: str, factory: Callable[..., object], config: type = KitConfig) -> ComponentSpec:
    """A spec with a summary, as every hook test needs one."""
    return ComponentSpec(kind=kind, name=name, factory=factory, config_class=config, summary=f"test {kind.value}")


@hookimpl
def mia_register_data_feeds() -> Iterable[ComponentSpec]:
    return [spec(ComponentKind.DATA_FEED, "kit_feed", lambda c, ctx: KitFeed(c))]


@hookimpl
def mia_register_brokers() -> Iterable[ComponentSpec]:
    return [spec(ComponentKind.BROKER, "kit_broker", _broker, KitBrokerConfig)]


@hookimpl
def mia_register_techniques() -> Iterable[ComponentSpec]:
    return [spec(ComponentKind.TECHNIQUE, "kit_technique", lambda c, ctx: KitTechnique(c))]


@hookimpl
def mia_register_strategies() -> Iterable[ComponentSpec]:
    return [spec(ComponentKind.STRATEGY, "kit_strategy", lambda c, ctx: KitStrategy(c))]


@hookimpl
def mia_register_analyzers() -> Iterable[ComponentSpec]:
    return [spec(ComponentKind.ANALYZER, "kit_analyzer", lambda c, ctx: KitAnalyzer(c))]


@hookimpl
def mia_register_signal_filters() -> Iterable[ComponentSpec]:
    return [spec(ComponentKind.SIGNAL_FILTER, "kit_filter", lambda c, ctx: KitFilter(c))]


@hookimpl
def mia_register_risk_policies() -> Iterable[ComponentSpec]:
    return [spec(ComponentKind.RISK_POLICY, "kit_risk", lambda c, ctx: KitRisk(c))]


@hookimpl
def mia_register_notifiers() -> Iterable[ComponentSpec]:
    return [spec(ComponentKind.NOTIFIER, "kit_notifier", _notifier)]
