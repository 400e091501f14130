"""Reader of CBOE's delayed-quotes download (``quotedata.csv``), header lines and locale variants.

Line 2 holds the index ``Last:``; line 3 the ``Date:`` in the browser's locale (English
with or without "at", day-first British, Spanish; zones EST/EDT, UTC±h, GMT±h; the
U+2212 minus); line 4 a 22-column header; then one row per (expiry, strike), calls
left and puts right. Type, expiry and strike come from each OSI symbol
(root + YYMMDD + C/P + strike×1000) and are cross-checked against the columns; a side
whose symbol is missing or disagrees is rejected with its line number, as is a side whose
open interest is blank or ``-`` (missing is not zero). The header is checked against the
layout, so swapped or missing columns are refused instead of read into the wrong fields.
A negative IV is a missing IV (re-derived from prices by the analysis).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from adapters.options.long_format import ReadResult
from mia_core.errors import DomainValueError, MiaError
from mia_core.gex.expiry import settlement_for_root
from mia_core.options import OptionQuote, OptionRight, OptionsChainSnapshot
from mia_core.timeutil import to_ns

SIDE = ("symbol", "last", "net", "bid", "ask", "volume", "iv", "delta", "gamma", "open_interest")
SIDE_HEADER = ("Last Sale", "Net", "Bid", "Ask", "Volume", "IV", "Delta", "Gamma", "Open Interest")
HEADER = ("Expiration Date", "Calls", *SIDE_HEADER, "Strike", "Puts", *SIDE_HEADER)
SYMBOL = re.compile(r"^([A-Z]+)(\d{6})([CP])(\d{8})$")
MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan", "enero", "ene"),
            ("february", "feb", "febrero"),
            ("march", "mar", "marzo"),
            ("april", "apr", "abril", "abr"),
            ("may", "mayo"),
            ("june", "jun", "junio"),
            ("july", "jul", "julio"),
            ("august", "aug", "agosto", "ago"),
            ("september", "sep", "sept", "septiembre", "setiembre"),
            ("october", "oct", "octubre"),
            ("november", "nov", "noviembre"),
            ("december", "dec", "diciembre", "dic"),
        ]
    )
    for m in names
}
MERIDIEM = re.compile(r"(?<![A-Za-z])([AaPp])\.\s*[Mm]\.")
ZONES = {"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "UTC": 0, "GMT": 0}
NEW_YORK = ZoneInfo("America/New_York")
UNDERLYING_BY_ROOT = {"SPX": "SPX", "SPXW": "SPX", "NDX": "NDX", "NDXP": "NDX"}


def parse_cboe_date(text: str) -> datetime:
    """The quote time of a ``Date:`` field in any of the locale variants seen (aware datetime)."""
    clean = text.replace("\u2212", "-").replace('"', "").strip()
    clean = re.sub(r"^Date:\s*", "", clean)
    # dotted meridiem markers ("p.m.", Spanish "p. m.") become "pm": word by word they would be lost
    clean = MERIDIEM.sub(lambda m: f" {m.group(1).lower()}m ", clean)
    words = re.sub(r"[,]", " ", clean).split()
    month = day = year = None
    hour = minute = None
    meridiem = None
    offset: int | None = None
    for word in words:
        low = word.lower().rstrip(".")
        if low in MONTHS and month is None:
            month = MONTHS[low]
        elif re.fullmatch(r"\d{4}", word):
            year = int(word)
        elif re.fullmatch(r"\d{1,2}", word) and day is None:
            day = int(word)
        elif re.fullmatch(r"\d{1,2}:\d{2}", word):
            hour, minute = (int(x) for x in word.split(":"))
        elif low in ("am", "pm", "a.m.", "p.m."):
            meridiem = low[0]
        else:
            zone = re.fullmatch(r"(UTC|GMT|EST|EDT|CST|CDT)([+-]\d{1,2})?", word.upper())
            if zone:
                offset = ZONES[zone.group(1)] + (int(zone.group(2)) if zone.group(2) else 0)
    if None in (month, day, year, hour, minute):
        raise MiaError(f"CBOE Date {text!r}: cannot read it; pass the time explicitly (--ts)")
    assert month is not None and day is not None and year is not None and hour is not None and minute is not None
    if meridiem == "p" and hour < 12:
        hour += 12
    elif meridiem == "a" and hour == 12:
        hour = 0
    tz = NEW_YORK if offset is None else timezone(timedelta(hours=offset))
    return datetime(year, month, day, hour, minute, tzinfo=tz)


def _number(value: str) -> float | None:
    text = value.strip().replace(",", "")
    if text in ("", "-", "N/A"):
        return None
    return float(text)


def check_header(line: str, path: Path) -> None:
    """Refuse a line-4 header that is not CBOE's 22 columns in CBOE's order (names compared case-blind)."""
    found = next(csv.reader([line]), [])
    while found and not found[-1].strip():
        found.pop()  # a trailing comma
    names = [cell.strip() for cell in found]
    for i, expected in enumerate(HEADER):
        got = names[i] if i < len(names) else None
        if got is None or got.lower() != expected.lower():
            count = "" if len(names) == len(HEADER) else f"header has {len(names)} columns, expected {len(HEADER)}; "
            raise MiaError(f"{path}: {count}line 4, column {i + 1}: expected {expected!r}, found {got!r} "
                           f"(CBOE's layout: {','.join(HEADER)})")
    if len(names) > len(HEADER):
        raise MiaError(f"{path}: header has {len(names)} columns, expected {len(HEADER)}; "
                       f"line 4, column {len(HEADER) + 1}: unexpected {names[len(HEADER)]!r}")


def _open_interest(text: str) -> float:
    value = _number(text)
    if value is None:
        raise ValueError(f"open interest {text.strip()!r} is missing (a blank is not zero)")
    return value


def _iv(text: str) -> float | None:
    value = _number(text)
    return None if value is None or value < 0 else value  # negative: missing, re-derived from prices


def _side(fields: dict[str, str], right: OptionRight, expiry: date, strike: float, line: int) -> tuple[Any, str]:
    """(quote fields, root) of one side, or raise ValueError naming the problem."""
    symbol = fields["symbol"].strip()
    match = SYMBOL.match(symbol)
    if not match:
        raise ValueError(f"line {line}: {right.name.lower()} symbol {symbol!r} is not root+YYMMDD+C/P+strike")
    root, ymd, letter, digits = match.groups()
    sym_expiry = datetime.strptime(ymd, "%y%m%d").date()
    sym_strike = int(digits) / 1000
    if letter != right.value:
        raise ValueError(f"line {line}: symbol {symbol} is not a {right.name.lower()}")
    if sym_expiry != expiry or abs(sym_strike - strike) > 1e-6:
        raise ValueError(f"line {line}: symbol {symbol} disagrees with expiry {expiry} / strike {strike}")
    return fields, root


def read_cboe(
    path: str | Path, *, underlying: str | None = None, ts: Any = None, spot: float | None = None
) -> ReadResult:
    """Read a CBOE ``quotedata.csv``; ``underlying``/``ts``/``spot`` override what the header says."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise MiaError(f"{path}: cannot read ({exc})") from exc
    if len(lines) < 4 or "Expiration Date" not in lines[3]:
        raise MiaError(f"{path}: not a CBOE quotedata.csv (line 4 should be the 'Expiration Date,Calls,...' header)")
    check_header(lines[3], path)
    last = re.search(r"Last:\s*([-\d.,]+)", lines[1])
    level = spot if spot is not None else (_number(last.group(1)) if last else None)
    if not level or level <= 0:
        raise MiaError(f"{path}: line 2 has no 'Last: <price>' for the index; pass --spot")
    if ts is None:
        date_text = re.search(r"Date:\s*(.*?)(?:\"?,\s*Bid:|$)", lines[2])
        moment = to_ns(parse_cboe_date(date_text.group(1) if date_text else ""))
    else:
        moment = to_ns(ts) if isinstance(ts, datetime) else int(ts)
    quotes: list[OptionQuote] = []
    rejected: list[str] = []
    roots: set[str] = set()
    rows = 0
    for line_no, row in enumerate(csv.reader(io.StringIO("\n".join(lines[4:]))), start=5):
        if not row or not any(cell.strip() for cell in row):
            continue
        rows += 1
        if len(row) < 22:
            rejected.append(f"{path.name} line {line_no}: {len(row)} fields, expected 22")
            continue
        try:
            expiry = datetime.strptime(row[0].strip(), "%a %b %d %Y").date()
            strike = float(row[11])
        except ValueError as exc:
            rejected.append(f"{path.name} line {line_no}: {exc}")
            continue
        for right, cells in ((OptionRight.CALL, row[1:11]), (OptionRight.PUT, row[12:22])):
            try:
                fields, root = _side(dict(zip(SIDE, cells, strict=True)), right, expiry, strike, line_no)
                roots.add(root)
                quotes.append(_quote(fields, root, right, expiry, strike, underlying))
            except (ValueError, DomainValueError) as exc:
                rejected.append(
                    f"{path.name} {exc}" if str(exc).startswith("line") else f"{path.name} line {line_no}: {exc}"
                )
    if not rows:
        raise MiaError(f"{path}: no option rows after the header (an empty chain: was the download cut short?)")
    if not quotes:
        raise MiaError(f"{path}: no valid option row: {len(rejected)} rejected, first: {rejected[0]}")
    name = underlying or _underlying(roots, path)
    quotes = [q if q.underlying == name else _renamed(q, name) for q in quotes]
    snapshot = OptionsChainSnapshot(name, moment, float(level), quotes, source=path.name, rejected=len(rejected))
    return ReadResult(snapshot, tuple(rejected))


def _underlying(roots: set[str], path: Path) -> str:
    names = {UNDERLYING_BY_ROOT.get(r, r) for r in roots}
    if len(names) != 1:
        raise MiaError(f"{path}: option roots {sorted(roots)} do not name one index; pass --underlying")
    return names.pop()


def _renamed(quote: OptionQuote, name: str) -> OptionQuote:
    import attrs

    return attrs.evolve(quote, underlying=name)


def _quote(
    f: dict[str, str], root: str, right: OptionRight, expiry: date, strike: float, underlying: str | None
) -> OptionQuote:
    return OptionQuote(
        underlying=underlying or UNDERLYING_BY_ROOT.get(root, root),
        expiry=expiry,
        strike=strike,
        right=right,
        bid=_number(f["bid"]) or 0.0,
        ask=_number(f["ask"]) or 0.0,
        last=_number(f["last"]) or None,
        volume=_number(f["volume"]) or 0.0,
        open_interest=_open_interest(f["open_interest"]),
        iv=_iv(f["iv"]),
        delta=_number(f["delta"]),
        gamma=_number(f["gamma"]),
        settlement=settlement_for_root(root),
        root=root,
    )
