"""The ``simulated`` broker component: registration, YAML settings and validation."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.bootstrap.structure import StructureError, structure_attrs
from adapters.simulated import InMemoryBroker, plugin
from mia_core.clock import ManualClock
from mia_core.errors import DomainValueError
from mia_core.exchange import ExchangeConfig
from mia_core.instruments import NQ, Instrument
from mia_core.orders import OrderIntent, OrderSide
from ports.broker import Broker
from ports.components import ComponentKind, Mode


class _Context:
    instrument: Instrument = NQ
    mode = Mode.BACKTEST
    clock = ManualClock(42)

    def shared(self, key: str, create: Any) -> Any:
        return create()


def test_defaults_match_the_documented_values() -> None:
    config = ExchangeConfig()
    assert (config.market_fill, config.slippage_ticks, config.latency_ms) == ("next_open", 0, 0)
    assert (config.commission_per_contract, config.commission_cents) == (2.25, 225)
    assert (config.max_volume_fraction, config.max_order_size) == (None, 100)
    assert (config.initial_cash, config.initial_cash_cents) == (100_000.0, 10_000_000)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("market_fill", "next_close"),
        ("slippage_ticks", -1),
        ("slippage_ticks", 1.5),
        ("commission_per_contract", -0.01),
        ("latency_ms", True),
        ("max_volume_fraction", 0.0),
        ("max_volume_fraction", 1.5),
        ("max_order_size", 0),
        ("initial_cash", 0.0),
    ],
)
def test_invalid_settings_name_the_field(field: str, value: Any) -> None:
    with pytest.raises(DomainValueError) as caught:
        ExchangeConfig(**{field: value})
    assert caught.value.field == field


def test_the_plugin_registers_the_simulated_broker() -> None:
    (spec,) = plugin.mia_register_brokers()
    assert (spec.kind, spec.name, spec.config_class) == (ComponentKind.BROKER, "simulated", ExchangeConfig)
    broker = spec.factory(ExchangeConfig(slippage_ticks=1), _Context())
    assert isinstance(broker, InMemoryBroker) and isinstance(broker, Broker)
    assert broker.instrument is NQ and broker.config.slippage_ticks == 1
    assert broker.submit(_nq_market()).updated_ts == 42


def test_yaml_settings_structure_into_the_config() -> None:
    settings = {"market_fill": "bar_close", "slippage_ticks": 1, "commission_per_contract": 2}
    settings["max_volume_fraction"] = 0.1
    config = structure_attrs(ExchangeConfig, settings, "broker")
    expected = ExchangeConfig("bar_close", 1, 2.0, max_volume_fraction=0.1)
    assert config == expected
    assert structure_attrs(ExchangeConfig, {"max_volume_fraction": None}, "broker").max_volume_fraction is None


def test_bad_yaml_settings_are_reported_with_their_key_path() -> None:
    with pytest.raises(StructureError) as caught:
        structure_attrs(ExchangeConfig, {"market_fill": "whenever"}, "broker")
    assert caught.value.path == "broker.market_fill" and "next_open" in caught.value.message
    with pytest.raises(StructureError) as caught:
        structure_attrs(ExchangeConfig, {"slippage_ticks": -2}, "broker")
    assert caught.value.path == "broker.slippage_ticks"


def _nq_market() -> OrderIntent:
    return OrderIntent(NQ, OrderSide.BUY, 1)
