"""The simulated exchange: a pure, deterministic fill model for bars and trades."""

from mia_core.exchange.book import PositionBook
from mia_core.exchange.config import MARKET_FILLS, ExchangeConfig, MarketFill
from mia_core.exchange.exchange import SimulatedExchange
from mia_core.exchange.registry import ExchangeEvent
from mia_core.exchange.state import session_end_ns
from mia_core.orders import STOP_LOSS, TAKE_PROFIT

__all__ = [
    "MARKET_FILLS",
    "STOP_LOSS",
    "TAKE_PROFIT",
    "ExchangeConfig",
    "ExchangeEvent",
    "MarketFill",
    "PositionBook",
    "SimulatedExchange",
    "session_end_ns",
]
