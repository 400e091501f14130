"""The shipped Broker contract suite, run against InMemoryBroker under several fill settings."""

from __future__ import annotations

import pytest

from adapters.simulated.contract import BrokerContract, SimulatedBrokerDriver, contract_checks, run_broker_contract
from mia_core.exchange import ExchangeConfig
from mia_core.instruments import NQ

CONFIGS = {
    "defaults": ExchangeConfig(),
    "bar_close_slippage": ExchangeConfig(market_fill="bar_close", slippage_ticks=2),
    "next_trade_latency": ExchangeConfig(market_fill="next_trade", latency_ms=250),
}


class TestInMemoryBrokerContract(BrokerContract):
    """Every contract check, for every configuration."""

    @pytest.fixture(params=sorted(CONFIGS))
    def driver(self, request: pytest.FixtureRequest) -> SimulatedBrokerDriver:
        return SimulatedBrokerDriver(config=CONFIGS[request.param])


def test_the_contract_runs_without_pytest_too() -> None:
    assert len(contract_checks()) >= 10
    run_broker_contract(lambda: SimulatedBrokerDriver(NQ))


def test_a_broken_broker_fails_the_contract() -> None:
    class NoFillsDriver(SimulatedBrokerDriver):
        def trade_at(self, price: float) -> None:
            self.clock.advance_to(self.clock.now_ns() + 1)

    with pytest.raises(AssertionError, match="broker contract"):
        run_broker_contract(NoFillsDriver)
