"""The sierra plugin: broker and feed registered, one shared DTC connection per endpoint, disagreements named."""

from __future__ import annotations

import pytest

from adapters.bootstrap.config import plan_system
from adapters.bootstrap.container import build_system
from adapters.bootstrap.errors import PluginError
from adapters.bootstrap.plugins import discover
from adapters.sierra.broker import SierraBroker
from adapters.sierra.feed import SierraDataFeed
from ports.components import ComponentKind


def _plan(broker: dict[str, object], feed: dict[str, object]):  # type: ignore[no-untyped-def]
    data = {"mode": "paper", "data_feed": {"use": "sierra_feed", **feed}, "broker": {"use": "sierra", **broker},
            "strategy": {"use": "sma_cross"}}
    return plan_system(data, discover(), source="test")


def test_the_plugin_registers_a_broker_and_a_feed() -> None:
    host = discover()
    assert "sierra" in host.names(ComponentKind.BROKER) and "sierra_feed" in host.names(ComponentKind.DATA_FEED)


def test_broker_and_feed_share_one_dtc_connection() -> None:
    system = build_system(_plan({"port": 11099, "trade_account": "Sim1"}, {"port": 11099}))
    assert isinstance(system.broker, SierraBroker) and isinstance(system.data_feed, SierraDataFeed)
    assert system.broker.client is system.data_feed.client
    system.close()


def test_a_shared_connection_with_different_settings_is_an_error_naming_them() -> None:
    with pytest.raises(PluginError, match=r"disagree on heartbeat: 10 vs 5"):
        build_system(_plan({"heartbeat": 5}, {}))


def test_files_fallback_is_none_without_scid_path() -> None:
    from adapters.sierra.config import SierraFeedConfig
    from adapters.sierra.plugin import files_feed

    assert files_feed(SierraFeedConfig(), None) is None  # type: ignore[arg-type]


def test_live_trading_through_sierra_needs_the_explicit_switch() -> None:
    from adapters.bootstrap.errors import ConfigError

    data = {"mode": "live", "data_feed": {"use": "sierra_feed"}, "broker": {"use": "sierra", "trade_account": "A1"},
            "strategy": {"use": "sma_cross"}}
    with pytest.raises(ConfigError, match="live_trading: true"):
        plan_system(data, discover(), source="test").require_live_consent(True)
    with pytest.raises(ConfigError, match="--live"):
        plan_system({**data, "live_trading": True}, discover(), source="test").require_live_consent(False)


def test_a_data_refusal_falls_back_to_the_intraday_files_feed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The sierra_feed's fallback is the sierra_files feed on the file ``scid_path`` names (both parts installed)."""
    from adapters.sierra.config import SierraFeedConfig
    from adapters.sierra.files.feed import SierraFilesDataFeed
    from adapters.sierra.files.writer import scid_header, synthetic_ticks, write_file
    from adapters.sierra.plugin import files_feed

    scid = write_file(tmp_path / "ESZ26-CME.scid", scid_header(), synthetic_ticks(500, 1_796_000_000_000_000_000))
    system = build_system(_plan({}, {"scid_path": str(scid)}))
    try:
        feed = files_feed(SierraFeedConfig(scid_path=str(scid)), system.build_context)
        assert isinstance(feed, SierraFilesDataFeed)
        assert len(feed.history(system.build_context.instrument)) > 0
    finally:
        system.close()
