"""The ib plugin: components registered, one shared connection per endpoint, disagreements named."""

from __future__ import annotations

import pytest

from adapters.bootstrap.config import plan_system
from adapters.bootstrap.container import build_system
from adapters.bootstrap.errors import PluginError
from adapters.bootstrap.plugins import discover
from adapters.ib.broker import IbBroker
from adapters.ib.feed import IbDataFeed
from ports.components import ComponentKind


def _plan(broker: dict[str, object], feed: dict[str, object]):  # type: ignore[no-untyped-def]
    data = {"mode": "paper", "data_feed": {"use": "ib_feed", **feed}, "broker": {"use": "ib", **broker},
            "strategy": {"use": "sma_cross"}}
    return plan_system(data, discover(), source="test")


def test_the_plugin_registers_a_broker_and_a_feed() -> None:
    host = discover()
    assert "ib" in host.names(ComponentKind.BROKER) and "ib_feed" in host.names(ComponentKind.DATA_FEED)


def test_broker_and_feed_on_one_endpoint_share_one_connection_and_others_do_not() -> None:
    system = build_system(_plan({"port": 4002, "client_id": 7}, {"port": 4002, "client_id": 7}))
    assert isinstance(system.broker, IbBroker) and isinstance(system.data_feed, IbDataFeed)
    assert system.broker.connection is system.data_feed.connection
    other = build_system(_plan({"port": 4002, "client_id": 7}, {"port": 4002, "client_id": 8}))
    assert other.broker.connection is not other.data_feed.connection  # type: ignore[attr-defined]
    system.close()
    other.close()


def test_a_shared_connection_with_different_settings_is_an_error_naming_them() -> None:
    plan = _plan({"client_id": 7, "disconnect_alert_after": 30.0}, {"client_id": 7})
    with pytest.raises(PluginError, match=r"disagree on disconnect_alert_after: 60\.0 vs 30\.0"):
        build_system(plan)


def test_ports_and_ids_out_of_range_are_config_errors() -> None:
    from adapters.bootstrap.errors import ConfigError

    with pytest.raises((ConfigError, PluginError), match="port"):
        _plan({"port": 70000}, {})
