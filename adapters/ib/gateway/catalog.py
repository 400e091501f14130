"""What the simulated gateway lists: ES/NQ quarterly futures, SPX/NDX/VIX indexes, SPX/NDX options.

Contract ids are invented but stable (the same contract always has the same ``conId``).
Futures months are the next quarterly months (H, M, U, Z) from the gateway's date, each
expiring on the third Friday of its month at 09:30 New York (08:30 Chicago). Options are
generated on demand from a strike grid and an expiry list, so a request for any listed
series resolves without materialising the whole chain.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterator

import attrs

from adapters.ib.gateway.codec import Field

MONTH_CODES = "FGHJKMNQUVXZ"
QUARTERLY = (3, 6, 9, 12)
FUT_ORDER_TYPES = "ACTIVETIM,AD,ADJUST,ALERT,ALGO,ALLOC,AVGCOST,BASKET,DAY,GAT,GTC,GTD,GTT,HID,IOC,LIT,LMT,MIT,MKT,MTL,NGCOMB,NONALGO,OCA,SCALE,SCALERST,SNAPMID,SNAPMKT,SNAPREL,STP,STPLMT,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT,WHATIF"  # noqa: E501
OPT_ORDER_TYPES = "ACTIVETIM,AD,ADJUST,ALERT,ALLOC,AVGCOST,BASKET,COND,DAY,GAT,GTC,GTD,IOC,LMT,MKT,NONALGO,OCA,STP,STPLMT,TRAIL,WHATIF"  # noqa: E501


@attrs.frozen
class ContractSpec:
    """One listed contract with the details IB reports for it; ``root`` names its price (ES, SPX, ...)."""

    con_id: int
    symbol: str
    sec_type: str
    root: str
    exchange: str
    currency: str = "USD"
    last_trade: str = ""
    strike: float = 0.0
    right: str = ""
    multiplier: str = ""
    local_symbol: str = ""
    trading_class: str = ""
    long_name: str = ""
    min_tick: float = 0.01
    contract_month: str = ""
    under_con_id: int = 0
    under_symbol: str = ""
    under_sec_type: str = ""
    time_zone: str = "US/Central"
    valid_exchanges: tuple[str, ...] = ()
    order_types: str = FUT_ORDER_TYPES

    @property
    def multiplier_value(self) -> float:
        """The contract multiplier as a number (1 for indexes)."""
        return float(self.multiplier) if self.multiplier else 1.0

    def fields11(self) -> list[Field]:
        """The 11 contract fields of openOrder, execDetails and position messages."""
        return [self.con_id, self.symbol, self.sec_type, self.last_trade, self.strike, self.right, self.multiplier,
                self.exchange, self.currency, self.local_symbol, self.trading_class]


def third_friday(year: int, month: int) -> dt.date:
    """The third Friday of a month (CME equity futures and monthly index options expire then)."""
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(4 - first.weekday()) % 7 + 14)


FUTURES = {"ES": ("E-mini S&P 500", 620_000_000, 11004968, 0.25, "50"),
           "NQ": ("E-mini Nasdaq 100", 630_000_000, 11004958, 0.25, "20")}
INDEXES = {"SPX": ContractSpec(416904, "SPX", "IND", "SPX", "CBOE", long_name="S&P 500 Stock Index",
                               time_zone="US/Central", valid_exchanges=("CBOE",), order_types=""),
           "NDX": ContractSpec(416843, "NDX", "IND", "NDX", "NASDAQ", long_name="NASDAQ 100 Stock Index",
                               time_zone="US/Eastern", valid_exchanges=("NASDAQ",), order_types=""),
           "VIX": ContractSpec(13455763, "VIX", "IND", "VIX", "CBOE", long_name="CBOE Volatility Index",
                               time_zone="US/Central", valid_exchanges=("CBOE",), order_types="")}
# symbol -> {trading class -> AM-settled monthly?}, strike step, strike band around spot
OPTION_CLASSES = {"SPX": (("SPX", True), ("SPXW", False)), "NDX": (("NDX", True), ("NDXP", False))}
STRIKE_STEP = {"SPX": 5.0, "NDX": 25.0}
STRIKE_BAND = 0.15


def future_spec(root: str, expiry: dt.date) -> ContractSpec:
    """The ``root`` future expiring on ``expiry`` (a third Friday)."""
    name, base, under, tick, mult = FUTURES[root]
    code = f"{root}{MONTH_CODES[expiry.month - 1]}{expiry.year % 10}"
    return ContractSpec(
        con_id=base + (expiry.year % 100) * 100 + expiry.month, symbol=root, sec_type="FUT", root=root,
        exchange="CME", last_trade=expiry.strftime("%Y%m%d"), multiplier=mult, local_symbol=code,
        trading_class=root, long_name=name, min_tick=tick, contract_month=expiry.strftime("%Y%m"),
        under_con_id=under, under_symbol=root, under_sec_type="IND", valid_exchanges=("CME", "QBALGO"))


def option_con_id(trading_class: str, expiry: str, strike: float, right: str) -> int:
    """A stable invented contract id for one option series."""
    return 700_000_000 + zlib.crc32(f"{trading_class}|{expiry}|{strike:.2f}|{right}".encode()) % 100_000_000


class Catalog:
    """The listed contracts as of ``today``; option strikes centre on ``spots`` (root -> price)."""

    def __init__(self, today: dt.date, spots: dict[str, float], futures_months: int = 4, weeklies: int = 3) -> None:
        self.today = today
        self.futures: dict[str, list[ContractSpec]] = {root: [] for root in FUTURES}
        year, month = today.year, today.month
        while any(len(v) < futures_months for v in self.futures.values()):
            if month in QUARTERLY and third_friday(year, month) >= today:
                for root in FUTURES:
                    self.futures[root].append(future_spec(root, third_friday(year, month)))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        self.expiries = self._option_expiries(weeklies)
        self.strikes = {sym: self._strike_grid(sym, spots.get(sym, 0.0)) for sym in OPTION_CLASSES}

    def _option_expiries(self, weeklies: int) -> dict[str, list[str]]:
        fridays = [self.today + dt.timedelta(days=(4 - self.today.weekday()) % 7 + 7 * i) for i in range(weeklies)]
        monthly = [third_friday(self.today.year + (self.today.month + i - 1) // 12, (self.today.month + i - 1) % 12 + 1)
                   for i in range(3)]
        monthly = [d for d in monthly if d >= self.today][:2]
        out: dict[str, list[str]] = {}
        for classes in OPTION_CLASSES.values():
            for trading_class, am in classes:
                days = monthly if am else fridays
                out[trading_class] = [d.strftime("%Y%m%d") for d in sorted(days)]
        return out

    @staticmethod
    def _strike_grid(symbol: str, spot: float) -> list[float]:
        step = STRIKE_STEP[symbol]
        if spot <= 0:
            return []
        low = int(spot * (1 - STRIKE_BAND) / step) + 1
        high = int(spot * (1 + STRIKE_BAND) / step)
        return [k * step for k in range(low, high + 1)]

    def all_listed(self) -> Iterator[ContractSpec]:
        """Futures and indexes (options are generated on demand)."""
        for months in self.futures.values():
            yield from months
        yield from INDEXES.values()

    def by_con_id(self, con_id: int) -> ContractSpec | None:
        """The listed contract with this id, options included."""
        for spec in self.all_listed():
            if spec.con_id == con_id:
                return spec
        for spec in self._options():
            if spec.con_id == con_id:
                return spec
        return None

    def option_spec(self, symbol: str, trading_class: str, expiry: str, strike: float, right: str) -> ContractSpec:
        """One option series (no validation; see :meth:`match`)."""
        root_spec = INDEXES[symbol]
        am = dict(OPTION_CLASSES[symbol])[trading_class]
        strike_text = f"{strike:g}"
        local = f"{trading_class:<6}{expiry[2:]}{right}{round(strike * 1000):08d}"
        return ContractSpec(
            con_id=option_con_id(trading_class, expiry, strike, right), symbol=symbol, sec_type="OPT", root=symbol,
            exchange="SMART", last_trade=expiry, strike=strike, right=right, multiplier="100", local_symbol=local,
            trading_class=trading_class, long_name=f"{symbol} {expiry} {strike_text} {right}{' AM' if am else ''}",
            min_tick=0.05, contract_month=expiry[:6], under_con_id=root_spec.con_id, under_symbol=symbol,
            under_sec_type="IND", time_zone=root_spec.time_zone, valid_exchanges=("SMART", "CBOE"),
            order_types=OPT_ORDER_TYPES)

    def _options(self, symbol: str = "", trading_class: str = "", expiry: str = "", strike: float = 0.0,
                 right: str = "") -> Iterator[ContractSpec]:
        for sym, classes in OPTION_CLASSES.items():
            if symbol and sym != symbol:
                continue
            for tc, _am in classes:
                if trading_class and tc != trading_class:
                    continue
                for exp in self.expiries[tc]:
                    if expiry and not exp.startswith(expiry):
                        continue
                    for k in self.strikes[sym]:
                        if strike and abs(k - strike) > 1e-9:
                            continue
                        for r in ("C", "P"):
                            if right and r != right:
                                continue
                            yield self.option_spec(sym, tc, exp, k, r)

    def match(self, query: ContractQuery, limit: int = 2000) -> list[ContractSpec]:
        """Every listed contract the request describes (empty fields are wildcards; the month matches a prefix)."""
        if query.con_id:
            found = self.by_con_id(query.con_id)
            return [found] if found else []
        out = [spec for spec in self.all_listed() if query.accepts(spec)]
        if query.sec_type in ("", "OPT") and query.symbol in OPTION_CLASSES:
            right = {"CALL": "C", "PUT": "P"}.get(query.right, query.right)
            for spec in self._options(query.symbol, query.trading_class, query.last_trade, query.strike, right):
                if query.accepts(spec):
                    out.append(spec)
                if len(out) >= limit:
                    break
        return out


@attrs.frozen
class ContractQuery:
    """The 12 contract fields of a client request, normalised (upper case; empty means any)."""

    con_id: int = 0
    symbol: str = ""
    sec_type: str = ""
    last_trade: str = ""
    strike: float = 0.0
    right: str = ""
    multiplier: str = ""
    exchange: str = ""
    primary_exchange: str = ""
    currency: str = ""
    local_symbol: str = ""
    trading_class: str = ""

    def accepts(self, spec: ContractSpec) -> bool:
        """Whether ``spec`` fits every field this query sets."""
        right = {"CALL": "C", "PUT": "P"}.get(self.right, self.right)
        exchange = {"GLOBEX": "CME"}.get(self.exchange, self.exchange)
        checks = (
            not self.symbol or self.symbol == spec.symbol,
            not self.sec_type or self.sec_type == spec.sec_type,
            not self.last_trade or spec.last_trade.startswith(self.last_trade),
            not self.strike or abs(self.strike - spec.strike) < 1e-9,
            not right or right == spec.right,
            not self.multiplier or float(self.multiplier or 0) == spec.multiplier_value,
            not exchange or exchange in spec.valid_exchanges or exchange == spec.exchange,
            not self.currency or self.currency == spec.currency,
            not self.local_symbol or self.local_symbol.replace(" ", "") == spec.local_symbol.replace(" ", ""),
            not self.trading_class or self.trading_class == spec.trading_class,
        )
        return all(checks)


def details_fields(req_id: int, spec: ContractSpec, today: dt.date, exchange: str = "") -> list[Field]:
    """contractDetails (10) at server version 178: no version field, 40 fields."""
    shown = exchange if exchange and exchange in spec.valid_exchanges else spec.exchange
    hours = _hours(spec, today)
    return [10, req_id, spec.symbol, spec.sec_type, spec.last_trade, spec.strike, spec.right, shown, spec.currency,
            spec.local_symbol, spec.trading_class or spec.symbol, spec.trading_class, spec.con_id, spec.min_tick,
            spec.multiplier, spec.order_types, ",".join(spec.valid_exchanges), 1, spec.under_con_id, spec.long_name,
            "", spec.contract_month, "", "", "", spec.time_zone, hours[0], hours[1], "", "", 0, 0,
            spec.under_symbol, spec.under_sec_type, "67" if spec.sec_type == "FUT" else "", spec.last_trade, "",
            1, 1, 1]


def _hours(spec: ContractSpec, today: dt.date) -> tuple[str, str]:
    """Trading and liquid hours strings for the next week (Globex for futures, 08:30-15:15 otherwise)."""
    trading, liquid = [], []
    for i in range(7):
        day = today + dt.timedelta(days=i)
        stamp = day.strftime("%Y%m%d")
        if day.weekday() >= 5:
            trading.append(f"{stamp}:CLOSED")
            liquid.append(f"{stamp}:CLOSED")
            continue
        eve = (day - dt.timedelta(days=1)).strftime("%Y%m%d")
        trading.append(f"{eve}:1700-{stamp}:1600" if spec.sec_type == "FUT" else f"{stamp}:0830-{stamp}:1515")
        liquid.append(f"{stamp}:0830-{stamp}:1500")
    return ";".join(trading), ";".join(liquid)


def sec_def_opt_params_fields(req_id: int, catalog: Catalog, symbol: str) -> list[list[Field]]:
    """securityDefinitionOptionParameter (75) messages for ``symbol``'s option classes, then the end (76)."""
    out: list[list[Field]] = []
    if symbol in OPTION_CLASSES:
        strikes = catalog.strikes[symbol]
        under = INDEXES[symbol].con_id
        for exchange in ("SMART", "CBOE"):
            for trading_class, _am in OPTION_CLASSES[symbol]:
                expiries = catalog.expiries[trading_class]
                out.append([75, req_id, exchange, under, trading_class, "100", len(expiries), *expiries,
                            len(strikes), *strikes])
    out.append([76, req_id])
    return out
