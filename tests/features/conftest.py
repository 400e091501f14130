"""Data and components shared by the feature tests: 100,000 synthetic intraday bars and the real daily data."""

from __future__ import annotations

from typing import Any, TypeVar

import pytest

from adapters.bootstrap.plugins import discover
from adapters.bootstrap.standalone import StandaloneBuildContext
from adapters.replay.bundled import bundled_series
from mia_core.instruments import ES, NQ, Instrument
from mia_core.series import BarSeries
from mia_core.synthetic import SyntheticConfig, generate_bars
from ports.components import ComponentKind, ComponentSpec

T = TypeVar("T")
OUR_PLUGINS = (
    "battle_navale", "tick_momentum", "delta_divergence", "volatility_regime", "session_optimizer", "smart_money",
)


PlainBuildContext = StandaloneBuildContext


def feature_specs() -> list[ComponentSpec]:
    """Every technique our two feature plugins register (new ones are picked up automatically)."""
    host = discover()
    specs = []
    for name in host.names(ComponentKind.TECHNIQUE):
        spec, provider = host.component(ComponentKind.TECHNIQUE, name)
        if provider.name in OUR_PLUGINS:
            specs.append(spec)
    return specs


SPECS = feature_specs()


def build(spec: ComponentSpec, instrument: Instrument = ES) -> Any:
    """The component of ``spec`` with its default settings."""
    return spec.factory(spec.config_class(), PlainBuildContext(instrument))


@pytest.fixture(scope="session")
def intraday() -> BarSeries:
    """100,000 one-minute ES bars with recorded bid/ask volume."""
    return generate_bars(ES, SyntheticConfig(seed=11, bars=100_000))


@pytest.fixture(scope="session")
def sp500() -> BarSeries:
    """The bundled real S&P 500 daily history (no bid/ask volume)."""
    return bundled_series("sp500", ES)


@pytest.fixture(scope="session")
def nasdaq() -> BarSeries:
    """The bundled real NASDAQ Composite daily history (no bid/ask volume)."""
    return bundled_series("nasdaq", NQ)
