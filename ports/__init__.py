"""MIA's ports: the Protocols adapters and plugins implement, and the hookspecs."""

from ports.analyzer import Analyzer
from ports.broker import Broker
from ports.clock import Clock
from ports.components import BuildContext, ComponentKind, ComponentSpec, Mode
from ports.context import RiskContext, StrategyContext
from ports.data_feed import DataFeed
from ports.journal import Journal
from ports.notifier import Notifier
from ports.risk import RiskPolicy
from ports.signal_filter import SignalFilter
from ports.snapshot_archive import SnapshotArchive
from ports.strategy import Strategy
from ports.technique import Technique, VectorisedTechnique
from ports.tick_strategy import TickStrategy

__all__ = [
    "Analyzer",
    "Broker",
    "BuildContext",
    "Clock",
    "ComponentKind",
    "ComponentSpec",
    "DataFeed",
    "Journal",
    "Mode",
    "Notifier",
    "RiskContext",
    "RiskPolicy",
    "SignalFilter",
    "SnapshotArchive",
    "Strategy",
    "StrategyContext",
    "Technique",
    "TickStrategy",
    "VectorisedTechnique",
]
