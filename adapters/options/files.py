"""Read any supported chain file: CBOE quotedata.csv, long-format CSV/Parquet, or a stored JSON snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from adapters.options.cboe import read_cboe
from adapters.options.long_format import ReadResult, read_long_format
from adapters.options.store import read_snapshot
from mia_core.errors import MiaError

FORMATS = ("auto", "cboe", "long", "store")


def detect_format(path: Path) -> str:
    """``store`` for .json, ``long`` for .parquet, ``cboe`` for a CSV whose line 4 is CBOE's header, else ``long``."""
    if path.suffix == ".json":
        return "store"
    if path.suffix == ".parquet":
        return "long"
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as handle:
            head = [handle.readline() for _ in range(4)]
    except OSError as exc:
        raise MiaError(f"{path}: cannot read ({exc})") from exc
    return "cboe" if "Expiration Date" in head[3] else "long"


def read_any(
    path: str | Path,
    *,
    fmt: str = "auto",
    underlying: str | None = None,
    ts: Any = None,
    spot: float | None = None,
) -> ReadResult:
    """Read ``path`` in format ``fmt`` (``auto`` detects it); overrides win over what the file says."""
    path = Path(path)
    if not path.is_file():
        raise MiaError(f"{path}: no such file")
    if fmt not in FORMATS:
        raise MiaError(f"format {fmt!r}: use one of {', '.join(FORMATS)}")
    kind = detect_format(path) if fmt == "auto" else fmt
    if kind == "cboe":
        return read_cboe(path, underlying=underlying, ts=ts, spot=spot)
    if kind == "long":
        return read_long_format(path, underlying=underlying, spot=spot, ts=ts)
    return ReadResult(read_snapshot(path))
