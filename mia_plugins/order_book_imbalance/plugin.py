"""Registers the ``order_book_imbalance`` analyzer with MIA (entry point ``order_book_imbalance``).

Depth events reach analyzers, not techniques, so this elite technique is an analyzer.
"""

from __future__ import annotations

from collections.abc import Iterable

from mia_plugins.order_book_imbalance.analyzer import OrderBookImbalanceAnalyzer
from mia_plugins.order_book_imbalance.imbalance import OrderBookImbalanceConfig
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def _build(config: OrderBookImbalanceConfig, context: BuildContext) -> OrderBookImbalanceAnalyzer:
    return OrderBookImbalanceAnalyzer(config)


@hookimpl
def mia_register_analyzers() -> Iterable[ComponentSpec]:
    """The depth-based order book imbalance, with a flagged bar estimate when there is no depth."""
    return [
        ComponentSpec(
            kind=ComponentKind.ANALYZER,
            name="order_book_imbalance",
            factory=_build,
            config_class=OrderBookImbalanceConfig,
            summary="Bid against ask size of the best depth levels; a flagged bar estimate without depth",
        )
    ]
