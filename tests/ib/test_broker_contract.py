"""The shipped Broker contract suite, run on IbBroker against the simulated IB Gateway (real TWS wire protocol)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.ib.driver import IbGatewayDriver
from adapters.simulated.contract import BrokerContract


class TestIbBrokerContract(BrokerContract):
    """Every contract check, through ib_async and the loopback gateway."""

    @pytest.fixture
    def driver(self) -> Iterator[IbGatewayDriver]:
        driver = IbGatewayDriver()
        try:
            yield driver
        finally:
            driver.close()
