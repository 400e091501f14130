"""Small hand-made chains for the tests (columns, no pricing of their own)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from mia_core.gex.chain import ChainArrays
from mia_core.options import OptionQuote, OptionRight, OptionsChainSnapshot, SettlementStyle

# Monday 2025-01-06 14:00 New York; the 2025-02-07 SPXW expiry is 32 days away
TS = int(datetime(2025, 1, 6, 19, 0, tzinfo=UTC).timestamp()) * 1_000_000_000
EXPIRY = date(2025, 2, 7)


def quote(
    strike: float,
    right: str,
    oi: float,
    iv: float | None = 0.18,
    *,
    bid: float = 10.0,
    ask: float = 10.5,
    expiry: date = EXPIRY,
    volume: float = 0.0,
    last: float | None = None,
    root: str = "SPXW",
) -> OptionQuote:
    return OptionQuote(
        underlying="SPX", expiry=expiry, strike=strike, right=OptionRight(right), bid=bid, ask=ask, last=last,
        volume=volume, open_interest=oi, iv=iv,
        settlement=SettlementStyle.AM if root == "SPX" else SettlementStyle.PM, root=root,
    )  # fmt: skip


def snapshot(quotes: list[OptionQuote], spot: float = 5000.0, ts: int = TS) -> OptionsChainSnapshot:
    return OptionsChainSnapshot("SPX", ts, spot, quotes, source="test")


def arrays(quotes: list[OptionQuote], spot: float = 5000.0, ts: int = TS) -> ChainArrays:
    return ChainArrays.from_snapshot(snapshot(quotes, spot, ts))
