"""Trades from .scid tick records: price, size and aggressor, split CME trades kept as fills or combined."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import numpy as np

from adapters.sierra.files.scid import ScidRecords
from mia_core.errors import MiaError
from mia_core.instruments import Instrument
from mia_core.market import Aggressor, Trade

log = logging.getLogger("mia.sierra")


def aggressor(bid_volume: int, ask_volume: int) -> Aggressor:
    """Buyer when the volume traded at the ask, seller at the bid, unknown otherwise."""
    if ask_volume and not bid_volume:
        return Aggressor.BUYER
    if bid_volume and not ask_volume:
        return Aggressor.SELLER
    return Aggressor.UNKNOWN


class SplitTrades:
    """Sierra Chart splits a CME summary trade into fills marked first ... last; this joins them when asked.

    A combined trade has the first fill's time, the summed size and the last fill's price
    (how Sierra Chart's "Combine Trades Into Original Summary Trade" reads them). A summary
    trade still open at the end of a poll waits for its last fill.
    """

    def __init__(self, instrument: Instrument, multiplier: float = 1.0, combine: bool = False) -> None:
        self.instrument, self.multiplier, self.combine = instrument, multiplier, combine
        self._open: list[tuple[int, float, int, int, int]] | None = None

    def _price(self, raw: float) -> float:
        tick = self.instrument.tick_size
        return round(raw * self.multiplier / tick) * tick

    def _trade(self, ts: int, price: float, size: int, bid: int, ask: int, path: str) -> Trade | None:
        try:
            return Trade(self.instrument, ts, self._price(price), float(size), aggressor(bid, ask))
        except MiaError as exc:
            log.warning("%s: trade at %s dropped: %s", path, ts, exc)
            return None

    def feed(self, ts: int, price: float, size: int, bid: int, ask: int, first: bool, last: bool,
             path: str) -> Trade | None:
        """One fill in; the trade to emit (None while a combined trade is still open)."""
        if not self.combine:
            return self._trade(ts, price, size, bid, ask, path)
        if first or self._open is not None:
            self._open = [*(self._open or []), (ts, price, size, bid, ask)]
            if not last:
                return None
            fills, self._open = self._open, None
            return self._trade(fills[0][0], fills[-1][1], sum(f[2] for f in fills), sum(f[3] for f in fills),
                               sum(f[4] for f in fills), path)
        return self._trade(ts, price, size, bid, ask, path)


def trades_from(records: ScidRecords, split: SplitTrades) -> Iterator[Trade]:
    """The trades of ``records``' tick records (quote-only, empty and zero-price records skipped)."""
    mask = records.traded & records.is_tick
    if not mask.any():
        return
    raw = records.raw[mask]
    columns = (records.ts[mask], raw["close"].astype(np.float64), raw["total_volume"], raw["bid_volume"],
               raw["ask_volume"], records.first_of_split[mask], records.last_of_split[mask])
    for ts, price, size, bid, ask, first, last in zip(*(c.tolist() for c in columns), strict=True):
        trade = split.feed(ts, price, size, bid, ask, first, last, records.path)
        if trade is not None:
            yield trade
