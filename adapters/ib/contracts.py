"""IB contracts: ES/NQ front month from contract details by the roll rule; VIX, SPX and NDX indexes."""

from __future__ import annotations

import asyncio
import datetime as dt
import math
from collections.abc import Sequence

from ib_async import IB, Contract, ContractDetails, Future, Index

from adapters.ib.errors import IbConnectionError
from mia_core.rolls import FuturesContract, RollMethod, RollRule, front_contract

FUTURES_EXCHANGE = {"ES": "CME", "NQ": "CME", "MES": "CME", "MNQ": "CME"}
INDEXES = {"VIX": ("CBOE", "USD"), "SPX": ("CBOE", "USD"), "NDX": ("NASDAQ", "USD")}


def index(symbol: str) -> Index:
    """The IB contract of an index used as context: VIX, SPX or NDX."""
    try:
        exchange, currency = INDEXES[symbol.upper()]
    except KeyError:
        raise ValueError(f"index {symbol!r}: known indexes are {', '.join(sorted(INDEXES))}") from None
    return Index(symbol.upper(), exchange, currency)


def last_trade_date(details: ContractDetails) -> dt.date:
    """A future's last trade date from its details (``realExpirationDate`` when the month field is short)."""
    contract = details.contract
    raw = (contract.lastTradeDateOrContractMonth if contract else "") or details.realExpirationDate
    text = raw.split()[0].replace("-", "")
    if len(text) == 6 and details.realExpirationDate:
        text = details.realExpirationDate.split()[0]
    return dt.datetime.strptime(text[:8], "%Y%m%d").date()


def months_of(details: Sequence[ContractDetails]) -> list[tuple[FuturesContract, Contract]]:
    """Each listed month as the roll rule sees it, with its IB contract."""
    out: list[tuple[FuturesContract, Contract]] = []
    for item in details:
        contract = item.contract
        if contract is None or contract.secType != "FUT":
            continue
        key = contract.localSymbol or f"{contract.symbol}{contract.lastTradeDateOrContractMonth}"
        out.append((FuturesContract(key, last_trade_date(item), item.contractMonth), contract))
    return out


def pick_front(
    details: Sequence[ContractDetails],
    today: dt.date,
    rule: RollRule,
    activity: dict[str, dict[dt.date, float]] | None = None,
) -> Contract:
    """The front-month contract among ``details`` on ``today`` under ``rule`` (pure; no network)."""
    months = [(m, c) for m, c in months_of(details) if m.expiry >= today]
    if not months:
        raise IbConnectionError(f"IB listed no unexpired futures months on {today} (got {len(details)} contracts)")
    chosen = front_contract([m for m, _ in months], today, rule, activity)
    return next(c for m, c in months if m.key == chosen.key)


async def resolve_front(ib: IB, symbol: str, today: dt.date, rule: RollRule) -> Contract:
    """Ask IB for every listed month of ``symbol`` and return the front one under ``rule``.

    Crossover rules compare the two nearest months' latest daily volume (``VOLUME``) or
    futures open interest (``OPEN_INTEREST``) as IB reports them now.
    """
    exchange = FUTURES_EXCHANGE.get(symbol.upper(), "CME")
    details = await ib.reqContractDetailsAsync(Future(symbol.upper(), exchange=exchange, currency="USD"))
    if not details:
        raise IbConnectionError(
            f"IB returned no contract details for {symbol} futures on {exchange}: check the symbol and that the "
            "account may trade CME futures (IB code 200 in the log says more)"
        )
    activity = None
    if rule.method is not RollMethod.DAYS_BEFORE_EXPIRY:
        activity = await _activity(ib, details, today, rule)
    return pick_front(details, today, rule, activity)


async def _activity(
    ib: IB, details: Sequence[ContractDetails], today: dt.date, rule: RollRule, wait: float = 5.0
) -> dict[str, dict[dt.date, float]]:
    """Latest volume or futures open interest (generic tick 588) of the two nearest months, as IB reports it."""
    months = sorted((m for m in months_of(details) if m[0].expiry >= today), key=lambda m: m[0].expiry)[:2]
    field = "volume" if rule.method is RollMethod.VOLUME else "futuresOpenInterest"
    tickers = [ib.reqMktData(contract, "" if field == "volume" else "588", False, False) for _, contract in months]
    try:
        for _ in range(int(wait / 0.05)):
            if all(_figure(getattr(t, field)) is not None for t in tickers):
                break
            await asyncio.sleep(0.05)
    finally:
        for _, contract in months:
            ib.cancelMktData(contract)
    activity: dict[str, dict[dt.date, float]] = {}
    for (month, _), ticker in zip(months, tickers, strict=True):
        figure = _figure(getattr(ticker, field)) or 0.0
        # yesterday's figure decides today's front (the rule never looks ahead)
        activity[month.key] = {today - dt.timedelta(days=1): figure, today: 0.0}
    return activity


def _figure(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) and value >= 0 else None
