"""Prices the simulated gateway quotes: one book per root (ES, NQ, SPX, NDX, VIX) and option theory.

``set_price(root, price)`` records a trade at ``price`` and a one-tick-wide quote with the
bid at the trade price (the ask one tick above). Every futures month of a root trades at
the root's price (no calendar basis). Options are priced with Black-Scholes on the index
price with a linear skew around ``base_vol``, so model greeks are those of the quote.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import attrs

DEFAULT_PRICES = {"ES": 6000.0, "NQ": 21000.0, "SPX": 5990.0, "NDX": 20950.0, "VIX": 16.0}
TICKS = {"ES": 0.25, "NQ": 0.25, "SPX": 0.01, "NDX": 0.01, "VIX": 0.01}
TRADABLE = frozenset({"ES", "NQ"})


@attrs.define
class Book:
    """Top of book and session statistics of one root."""

    root: str
    tick: float
    last: float
    bid: float
    ask: float
    bid_size: int = 12
    ask_size: int = 15
    last_size: int = 1
    volume: int = 1000
    open: float = 0.0
    high: float = 0.0
    low: float = 0.0
    close: float = 0.0
    updates: int = 0

    @property
    def has_quote(self) -> bool:
        """Indexes have no bid/ask (IB sends only last, open/high/low/close for them)."""
        return self.root in TRADABLE


Listener = Callable[[str, Book], None]


class Quotes:
    """The books of all roots; listeners are told of every change (streams, the fill engine)."""

    def __init__(self, prices: dict[str, float] | None = None) -> None:
        start = {**DEFAULT_PRICES, **(prices or {})}
        self.books: dict[str, Book] = {}
        for root, price in start.items():
            tick = TICKS.get(root, 0.01)
            p = round_tick(price, tick)
            self.books[root] = Book(root, tick, p, p, p + tick, open=p, high=p, low=p, close=p)
        self.listeners: list[Listener] = []

    def book(self, root: str) -> Book:
        """The book of ``root``; KeyError names the known roots."""
        try:
            return self.books[root]
        except KeyError:
            raise KeyError(f"no prices for {root!r}; known: {', '.join(sorted(self.books))}") from None

    def set_price(self, root: str, price: float, size: int = 1, bid: float | None = None,
                  ask: float | None = None) -> Book:
        """Record a trade of ``size`` at ``price`` (rounded to the tick) and notify listeners."""
        if not (math.isfinite(price) and price > 0):
            raise ValueError(f"set_price({root!r}, {price!r}): price must be a positive finite number")
        book = self.book(root)
        book.last = round_tick(price, book.tick)
        book.bid = round_tick(bid, book.tick) if bid is not None else book.last
        book.ask = round_tick(ask, book.tick) if ask is not None else book.bid + book.tick
        if book.ask <= book.bid:
            raise ValueError(f"set_price({root!r}): ask {book.ask} must be above bid {book.bid}")
        book.last_size = size
        book.volume += size
        book.high = max(book.high, book.last)
        book.low = min(book.low, book.last)
        book.updates += 1
        for listener in list(self.listeners):
            listener(root, book)
        return book


def round_tick(price: float, tick: float) -> float:
    """``price`` on the ``tick`` grid (kept to 8 decimals so text stays short)."""
    return round(round(price / tick) * tick, 8)


def _norm_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


@attrs.frozen
class OptionTheory:
    """Black-Scholes value and greeks of one option (rates and dividends zero)."""

    price: float
    iv: float
    delta: float
    gamma: float
    vega: float
    theta: float


def option_theory(spot: float, strike: float, years: float, right: str, base_vol: float = 0.16) -> OptionTheory:
    """Value and greeks at a skewed volatility: ``base_vol`` x (1 - 1.2 x log-moneyness), floored at 5%."""
    years = max(years, 1.0 / (365 * 24))
    vol = max(0.05, base_vol * (1.0 - 1.2 * math.log(strike / spot)))
    sq = vol * math.sqrt(years)
    d1 = (math.log(spot / strike) + 0.5 * vol * vol * years) / sq
    d2 = d1 - sq
    pdf = math.exp(-0.5 * d1 * d1) / math.sqrt(2 * math.pi)
    if right == "C":
        price, delta = spot * _norm_cdf(d1) - strike * _norm_cdf(d2), _norm_cdf(d1)
    else:
        price, delta = strike * _norm_cdf(-d2) - spot * _norm_cdf(-d1), _norm_cdf(d1) - 1.0
    gamma = pdf / (spot * sq)
    vega = spot * pdf * math.sqrt(years) / 100
    theta = -spot * pdf * vol / (2 * math.sqrt(years)) / 365
    return OptionTheory(max(price, 0.05), vol, delta, gamma, vega, theta)
