"""Chain snapshots as plain columns: the long format (one row per option) and the stored JSON.

Long-format columns (docs/gex.md): ``expiry`` (YYYY-MM-DD), ``right`` (C/P), ``strike``,
``bid``, ``ask``, ``open_interest`` are required; ``root``, ``settlement`` (AM/PM, from
the root when absent), ``last``, ``volume``, ``iv``, ``delta``, ``gamma`` are optional.
Rows that cannot form a valid quote are rejected with a reason, never used.
Pure: callers read and write the files.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from mia_core.errors import DomainValueError
from mia_core.gex.expiry import settlement_for_root, settlement_without_root
from mia_core.options import OptionQuote, OptionRight, OptionsChainSnapshot, SettlementStyle

FORMAT = "mia-options-snapshot/1"
REQUIRED = ("expiry", "right", "strike", "bid", "ask", "open_interest")
OPTIONAL = ("root", "settlement", "last", "volume", "iv", "delta", "gamma")
COLUMNS = ("root", "expiry", "settlement", "right", "strike", "bid", "ask", "last", "volume", "open_interest",
           "iv", "delta", "gamma")  # fmt: skip
_RIGHTS = {"C": OptionRight.CALL, "CALL": OptionRight.CALL, "P": OptionRight.PUT, "PUT": OptionRight.PUT}


def _missing(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def _number(value: Any) -> float | None:
    return None if _missing(value) else float(value)


def _iv(value: Any) -> float | None:
    """A negative IV is a missing one (re-derived from prices by the analysis), not a reason to drop the row."""
    number = _number(value)
    return None if number is None or number < 0 else number


def quote_columns(snapshot: OptionsChainSnapshot) -> dict[str, list[Any]]:
    """The snapshot's quotes as long-format columns (``None`` for missing values)."""
    cols: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    for q in snapshot.quotes:
        row = (q.root, q.expiry.isoformat(), q.settlement.value, q.right.value, q.strike, q.bid, q.ask, q.last,
               q.volume, q.open_interest, q.iv, q.delta, q.gamma)  # fmt: skip
        for name, value in zip(COLUMNS, row, strict=True):
            cols[name].append(value)
    return cols


def quotes_from_columns(
    columns: Mapping[str, Sequence[Any]], underlying: str, first_row: int = 1
) -> tuple[list[OptionQuote], list[str]]:
    """Quotes from long-format columns, and one message per rejected row (``row N: reason``)."""
    absent = [name for name in REQUIRED if name not in columns]
    if absent:
        raise DomainValueError("long format", "columns", sorted(columns), f"missing required column(s) {absent}")
    n = len(columns["strike"])
    quotes: list[OptionQuote] = []
    rejected: list[str] = []
    for i in range(n):
        row = {name: columns[name][i] for name in (*REQUIRED, *OPTIONAL) if name in columns}
        try:
            quotes.append(_quote(row, underlying))
        except (DomainValueError, ValueError, TypeError, KeyError) as exc:
            rejected.append(f"row {i + first_row}: {exc}")
    return quotes, rejected


def _quote(row: Mapping[str, Any], underlying: str) -> OptionQuote:
    right = _RIGHTS.get(str(row["right"]).strip().upper())
    if right is None:
        raise ValueError(f"right {row['right']!r} is not C/P/call/put")
    root = "" if _missing(row.get("root")) else str(row["root"]).strip()
    expiry = row["expiry"]
    if not isinstance(expiry, date):
        expiry = date.fromisoformat(str(expiry).strip()[:10])
    elif isinstance(expiry, datetime):
        expiry = expiry.date()
    settlement_text = row.get("settlement")
    if not _missing(settlement_text):
        settlement = SettlementStyle(str(settlement_text).strip().upper())
    else:
        settlement = settlement_for_root(root) if root else settlement_without_root(underlying, expiry)
    return OptionQuote(
        underlying=underlying,
        expiry=expiry,
        strike=float(row["strike"]),
        right=right,
        bid=float(row["bid"]),
        ask=float(row["ask"]),
        last=_number(row.get("last")),
        volume=_number(row.get("volume")) or 0.0,
        open_interest=float(row["open_interest"]),
        iv=_iv(row.get("iv")),
        delta=_number(row.get("delta")),
        gamma=_number(row.get("gamma")),
        settlement=settlement,
        root=root,
    )


def iso_utc(ts: int) -> str:
    """``2025-01-06T19:00:00.000000000Z`` for a UTC ns timestamp."""
    seconds, ns = divmod(ts, 1_000_000_000)
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{ns:09d}Z"


def to_document(snapshot: OptionsChainSnapshot) -> dict[str, Any]:
    """The JSON document the point-in-time store writes: metadata plus long-format columns."""
    return {
        "format": FORMAT,
        "underlying": snapshot.underlying,
        "ts": snapshot.ts,
        "ts_utc": iso_utc(snapshot.ts),
        "spot": snapshot.spot,
        "source": snapshot.source,
        "rejected": snapshot.rejected,
        "columns": quote_columns(snapshot),
    }


def from_document(document: Mapping[str, Any]) -> tuple[OptionsChainSnapshot, list[str]]:
    """A snapshot from :func:`to_document`'s form, and the rejected rows."""
    if document.get("format") != FORMAT:
        raise DomainValueError("snapshot document", "format", document.get("format"), f"expected {FORMAT!r}")
    underlying = str(document["underlying"])
    quotes, rejected = quotes_from_columns(document["columns"], underlying)
    snapshot = OptionsChainSnapshot(
        underlying, int(document["ts"]), float(document["spot"]), quotes, str(document.get("source", "")),
        int(document.get("rejected", 0)),
    )
    return snapshot, rejected


def snapshot_stem(underlying: str, ts: int) -> str:
    """File name stem that sorts by time: ``SPX_20250106T190000_000000000Z``."""
    seconds, ns = divmod(ts, 1_000_000_000)
    stamp = datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y%m%dT%H%M%S")
    return f"{underlying.upper()}_{stamp}_{ns:09d}Z"


def parse_stem(stem: str) -> tuple[str, int] | None:
    """``(underlying, ts)`` of a :func:`snapshot_stem`, or ``None`` for any other name."""
    parts = stem.split("_")
    if len(parts) != 3 or not parts[2].endswith("Z") or len(parts[2]) != 10:
        return None
    try:
        moment = datetime.strptime(parts[1], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        ns = int(parts[2][:-1])
    except ValueError:
        return None
    return parts[0], int(moment.timestamp()) * 1_000_000_000 + ns
