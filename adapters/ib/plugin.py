"""Registers the Interactive Brokers broker and data feed (plugin ``ib``) with MIA."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from adapters.ib.config import IbBrokerConfig, IbConnectionConfig, IbFeedConfig
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl

if TYPE_CHECKING:
    from adapters.ib.connection import IbConnection

CONNECTION_KEYS = (
    "account_env",
    "connect_timeout",
    "request_timeout",
    "reconnect_initial_delay",
    "reconnect_max_delay",
    "disconnect_alert_after",
    "market_data_type",
)


def shared_connection(config: IbConnectionConfig, context: BuildContext) -> IbConnection:
    """The one connection for ``config``'s host, port and client id in this system.

    Components sharing it must agree on the connection settings; a difference is an
    error naming the keys (rather than one component's values silently winning).
    """
    from adapters.ib.connection import IbConnection  # ib_async (14 MB): only when a system uses IB

    connection = context.shared(config.key, lambda: IbConnection(config, context.clock))
    first = connection.config
    differ = [k for k in CONNECTION_KEYS if getattr(first, k) != getattr(config, k)]
    if differ:
        values = ", ".join(f"{k}: {getattr(first, k)!r} vs {getattr(config, k)!r}" for k in differ)
        raise ValueError(
            f"the ib broker and ib_feed share the connection {config.host}:{config.port} client id "
            f"{config.client_id} but disagree on {values}; set the same values, or use another client_id"
        )
    return connection


def build_ib_broker(config: IbBrokerConfig, context: BuildContext):  # type: ignore[no-untyped-def]
    """The ``ib`` broker for the system's instrument."""
    from adapters.ib.broker import IbBroker

    return IbBroker(shared_connection(config, context), context.instrument, context.clock, config)


def build_ib_feed(config: IbFeedConfig, context: BuildContext):  # type: ignore[no-untyped-def]
    """The ``ib_feed`` data feed."""
    from adapters.ib.feed import IbDataFeed

    return IbDataFeed(shared_connection(config, context), config, context.clock)


@hookimpl
def mia_register_brokers() -> Iterable[ComponentSpec]:
    """Interactive Brokers orders."""
    return [
        ComponentSpec(
            kind=ComponentKind.BROKER,
            name="ib",
            factory=build_ib_broker,
            config_class=IbBrokerConfig,
            summary="Interactive Brokers through TWS / IB Gateway (ib_async): orders, brackets, fills, account",
        )
    ]


@hookimpl
def mia_register_data_feeds() -> Iterable[ComponentSpec]:
    """Interactive Brokers market data."""
    return [
        ComponentSpec(
            kind=ComponentKind.DATA_FEED,
            name="ib_feed",
            factory=build_ib_feed,
            config_class=IbFeedConfig,
            summary="Interactive Brokers market data: ticks, quotes, 5 s bars, depth, paced history (ib_async)",
        )
    ]
