"""Registers the Sierra Chart broker (``sierra``) and DTC data feed (``sierra_feed``) with MIA."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from adapters.sierra.config import SierraBrokerConfig, SierraConnectionConfig, SierraFeedConfig
from adapters.sierra.dtc.client import DtcClient
from adapters.sierra.files.config import SierraFilesFeedConfig
from adapters.sierra.files.plugin import open_files_feed
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.data_feed import DataFeed
from ports.hookspecs import hookimpl

log = logging.getLogger("mia.sierra")
CONNECTION_KEYS = ("encoding", "username", "password_env", "heartbeat", "heartbeat_timeout", "connect_timeout",
                   "request_timeout", "reconnect_initial_delay", "reconnect_max_delay", "client_name")


def shared_client(config: SierraConnectionConfig, context: BuildContext) -> DtcClient:
    """The one DTC connection to ``config``'s host and port in this system; users must agree on its settings."""
    client = context.shared(config.key, lambda: DtcClient(config))
    differ = [k for k in CONNECTION_KEYS if getattr(client.config, k) != getattr(config, k)]
    if differ:
        values = ", ".join(f"{k}: {getattr(client.config, k)!r} vs {getattr(config, k)!r}" for k in differ)
        raise ValueError(f"the sierra broker and sierra_feed share the DTC connection {config.host}:{config.port} "
                         f"but disagree on {values}; set the same values")
    return client


def files_feed(config: SierraFeedConfig, context: BuildContext) -> DataFeed | None:
    """The ``sierra_files`` feed on ``scid_path`` (and ``depth_dir``), the DTC data fallback; None without a path."""
    if not config.scid_path:
        return None
    files = SierraFilesFeedConfig(path=config.scid_path, depth_dir=config.depth_dir or None)
    return open_files_feed(files, context)


def build_sierra_broker(config: SierraBrokerConfig, context: BuildContext):  # type: ignore[no-untyped-def]
    """The ``sierra`` broker for the system's instrument."""
    from adapters.sierra.broker import SierraBroker

    return SierraBroker(shared_client(config, context), context.instrument, context.clock, config)


def build_sierra_feed(config: SierraFeedConfig, context: BuildContext):  # type: ignore[no-untyped-def]
    """The ``sierra_feed`` data feed (DTC, falling back to the intraday files)."""
    from adapters.sierra.feed import SierraDataFeed

    return SierraDataFeed(shared_client(config, context), config, context.clock,
                          fallback=lambda: files_feed(config, context))


@hookimpl
def mia_register_brokers() -> Iterable[ComponentSpec]:
    """Sierra Chart orders over DTC."""
    return [
        ComponentSpec(
            kind=ComponentKind.BROKER,
            name="sierra",
            factory=build_sierra_broker,
            config_class=SierraBrokerConfig,
            summary="Sierra Chart's DTC server: orders, OCO and brackets, fills, positions, balance",
        )
    ]


@hookimpl
def mia_register_data_feeds() -> Iterable[ComponentSpec]:
    """Sierra Chart market data over DTC (files when DTC refuses)."""
    return [
        ComponentSpec(
            kind=ComponentKind.DATA_FEED,
            name="sierra_feed",
            factory=build_sierra_feed,
            config_class=SierraFeedConfig,
            summary="Sierra Chart market data over DTC; CME data refused there is read from the .scid/.depth files",
        )
    ]
