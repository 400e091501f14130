"""SPX/NDX option chains from IB (definition params, qualification, snapshots with model greeks)."""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Sequence

from ib_async import Option, Ticker

from adapters.ib.connection import IbConnection
from adapters.ib.contracts import index
from mia_core.errors import DomainValueError, MiaError
from mia_core.options import OptionQuote, OptionRight, OptionsChainSnapshot, SettlementStyle
from ports.clock import Clock

log = logging.getLogger("mia.ib")
# trading classes per index; the AM-settled monthly class first
TRADING_CLASSES = {"SPX": ("SPX", "SPXW"), "NDX": ("NDX", "NDXP")}
AM_SETTLED = {"SPX", "NDX"}


def _num(value: float | None, default: float = 0.0) -> float:
    return float(value) if value is not None and math.isfinite(value) and value >= 0 else default


def _greek(value: float | None) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def choose_series(
    chains: Sequence[object], classes: Sequence[str], today: dt.date, spot: float, expiries: int, width: float
) -> list[tuple[str, str, float]]:
    """(trading class, expiry YYYYMMDD, strike) of the nearest ``expiries`` within ``width`` of ``spot``."""
    picked: dict[str, set[float]] = {}
    classes_by_expiry: dict[str, str] = {}
    for chain in chains:
        trading_class = getattr(chain, "tradingClass", "")
        if trading_class not in classes or getattr(chain, "exchange", "") not in ("SMART", "CBOE"):
            continue
        for expiry in getattr(chain, "expirations", ()):
            if dt.datetime.strptime(expiry, "%Y%m%d").date() < today:
                continue
            strikes = {s for s in getattr(chain, "strikes", ()) if abs(s - spot) <= width * spot}
            picked.setdefault(expiry, set()).update(strikes)
            classes_by_expiry.setdefault(expiry, trading_class)
    nearest = sorted(picked)[:expiries]
    return [(classes_by_expiry[e], e, k) for e in nearest for k in sorted(picked[e])]


class IbOptionsChainSource:
    """Point-in-time chain snapshots of SPX or NDX options for dealer's bias.

    Each :meth:`snapshot` asks IB for the option definitions, qualifies the series of
    the nearest ``expiries`` with strikes within ``width`` of spot (at most
    ``max_series``), and takes one market-data snapshot of each, model greeks included.
    """

    name = "ib"

    def __init__(
        self, connection: IbConnection, clock: Clock, *, expiries: int = 2, width: float = 0.05, max_series: int = 400
    ) -> None:
        self.connection, self.clock = connection, clock
        self.expiries, self.width, self.max_series = expiries, width, max_series

    async def snapshot(self, underlying: str) -> OptionsChainSnapshot:
        """One chain snapshot of ``underlying`` ('SPX' or 'NDX') as of now."""
        symbol = underlying.upper()
        if symbol not in TRADING_CLASSES:
            raise MiaError(f"options of {underlying!r}: MIA reads SPX and NDX chains")
        await self.connection.ensure_connected()
        ib = self.connection.ib
        (spot_contract,) = await ib.qualifyContractsAsync(index(symbol))
        if spot_contract is None:
            raise MiaError(f"IB does not know the {symbol} index (code 200 in the log)")
        (spot_ticker,) = await ib.reqTickersAsync(spot_contract)
        spot = spot_ticker.marketPrice()
        if not (spot and math.isfinite(spot) and spot > 0):
            spot = _num(spot_ticker.close)
        if spot <= 0:
            raise MiaError(f"no {symbol} index price from IB (market data for CBOE/NASDAQ indexes needed)")
        chains = await ib.reqSecDefOptParamsAsync(symbol, "", spot_contract.secType, spot_contract.conId)
        now = self.clock.now_ns()
        today = dt.datetime.fromtimestamp(now / 1e9, dt.UTC).date()
        series = choose_series(chains, TRADING_CLASSES[symbol], today, spot, self.expiries, self.width)
        series = series[: self.max_series // 2]
        contracts = [
            Option(symbol, expiry, strike, right, "SMART", tradingClass=tc)
            for tc, expiry, strike in series
            for right in ("C", "P")
        ]
        qualified = [c for c in await ib.qualifyContractsAsync(*contracts) if isinstance(c, Option)]
        tickers = await ib.reqTickersAsync(*qualified) if qualified else []
        taken = self.clock.now_ns()  # the moment the quotes arrived
        quotes = [q for q in (self._quote(symbol, t) for t in tickers) if q is not None]
        if not quotes:
            raise MiaError(f"IB returned no {symbol} option quotes (OPRA data permission, or the market is closed)")
        return OptionsChainSnapshot(symbol, taken, spot, tuple(quotes), source="ib")

    @staticmethod
    def _quote(symbol: str, ticker: Ticker) -> OptionQuote | None:
        contract = ticker.contract
        if contract is None:
            return None
        greeks = ticker.modelGreeks
        try:
            return OptionQuote(
                underlying=symbol,
                expiry=dt.datetime.strptime(contract.lastTradeDateOrContractMonth[:8], "%Y%m%d").date(),
                strike=float(contract.strike),
                right=OptionRight(contract.right[:1]),
                bid=_num(ticker.bid),
                ask=_num(ticker.ask),
                last=_num(ticker.last, 0.0) or None,
                volume=_num(ticker.volume),
                open_interest=_num(
                    ticker.callOpenInterest if contract.right.startswith("C") else ticker.putOpenInterest
                ),
                iv=_greek(greeks.impliedVol) if greeks and (greeks.impliedVol or 0) >= 0 else None,
                delta=_greek(greeks.delta) if greeks else None,
                gamma=_greek(greeks.gamma) if greeks else None,
                settlement=SettlementStyle.AM if contract.tradingClass in AM_SETTLED else SettlementStyle.PM,
                root=contract.tradingClass,
            )
        except (DomainValueError, ValueError) as exc:
            log.warning("option quote dropped: %s", exc)
            return None
