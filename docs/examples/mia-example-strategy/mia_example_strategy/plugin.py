"""Registers the example's four components with MIA (entry point ``example_breakout`` in group ``mia``)."""

from __future__ import annotations

from collections.abc import Iterable

from mia_example_strategy.analyzer import VolumeConfig, VolumeRatio
from mia_example_strategy.risk import MaxStopDistance, StopDistanceConfig
from mia_example_strategy.strategy import BreakoutConfig, BreakoutStrategy
from mia_example_strategy.technique import Channel, ChannelConfig
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def build_channel(config: ChannelConfig, context: BuildContext) -> Channel:
    """The factory MIA calls with the validated YAML settings and the system's context."""
    return Channel(config)


def build_strategy(config: BreakoutConfig, context: BuildContext) -> BreakoutStrategy:
    return BreakoutStrategy(config, instrument=context.instrument)


def build_volume(config: VolumeConfig, context: BuildContext) -> VolumeRatio:
    return VolumeRatio(config)


def build_stop_distance(config: StopDistanceConfig, context: BuildContext) -> MaxStopDistance:
    return MaxStopDistance(config)


@hookimpl
def mia_register_techniques() -> Iterable[ComponentSpec]:
    """One technique: the price channel."""
    return [
        ComponentSpec(
            kind=ComponentKind.TECHNIQUE,
            name="example_channel",
            factory=build_channel,
            config_class=ChannelConfig,
            summary="Highest high and lowest low of the previous N bars",
        )
    ]


@hookimpl
def mia_register_strategies() -> Iterable[ComponentSpec]:
    """One strategy: the channel breakout with a bracket."""
    return [
        ComponentSpec(
            kind=ComponentKind.STRATEGY,
            name="example_breakout",
            factory=build_strategy,
            config_class=BreakoutConfig,
            summary="Go long above the channel, short below it, with a stop and a target",
        )
    ]


@hookimpl
def mia_register_analyzers() -> Iterable[ComponentSpec]:
    """One analyzer: volume against its average."""
    return [
        ComponentSpec(
            kind=ComponentKind.ANALYZER,
            name="example_volume",
            factory=build_volume,
            config_class=VolumeConfig,
            summary="The latest bar's volume over the mean of the previous N bars",
        )
    ]


@hookimpl
def mia_register_risk_policies() -> Iterable[ComponentSpec]:
    """One risk policy: a cap on the stop's distance."""
    return [
        ComponentSpec(
            kind=ComponentKind.RISK_POLICY,
            name="example_stop_distance",
            factory=build_stop_distance,
            config_class=StopDistanceConfig,
            summary="Refuse entries without a stop or with a stop more than N ticks away",
        )
    ]
