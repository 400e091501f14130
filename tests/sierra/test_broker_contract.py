"""The shipped Broker contract suite, run on SierraBroker against the loopback DTC server (real DTC wire)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.sierra.driver import SierraDtcDriver
from adapters.simulated.contract import BrokerContract


class TestSierraBrokerContract(BrokerContract):
    """Every contract check, in DTC binary encoding."""

    @pytest.fixture
    def driver(self) -> Iterator[SierraDtcDriver]:
        driver = SierraDtcDriver()
        try:
            yield driver
        finally:
            driver.close()


class TestSierraBrokerContractJson(BrokerContract):
    """Every contract check, in DTC JSON-compact encoding."""

    @pytest.fixture
    def driver(self) -> Iterator[SierraDtcDriver]:
        driver = SierraDtcDriver(encoding="json-compact")
        try:
            yield driver
        finally:
            driver.close()
