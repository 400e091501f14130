"""The long format (CSV and Parquet): round trip, rejected rows with their row numbers, missing columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.options.files import read_any
from adapters.options.long_format import read_long_format, write_long_format
from adapters.options.synthetic import synthetic_chain
from mia_core.errors import MiaError

from .chains import TS


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_round_trip(tmp_path: Path, suffix: str) -> None:
    snap = synthetic_chain(TS, expiries=3, strikes_per_expiry=12)
    path = write_long_format(snap, tmp_path / f"chain{suffix}")
    result = read_any(path)
    assert result.rejected == ()
    assert result.snapshot.quotes == snap.quotes
    assert (result.snapshot.ts, result.snapshot.spot, result.snapshot.underlying) == (snap.ts, snap.spot, "SPX")


def test_bad_rows_are_rejected_with_their_row_number(tmp_path: Path) -> None:
    path = tmp_path / "chain.csv"
    path.write_text(
        "underlying,ts,spot,expiry,right,strike,bid,ask,open_interest,iv\n"
        "SPX,2025-01-06T19:00:00Z,5000,2025-02-07,C,5100,10,10.5,100,0.18\n"
        "SPX,2025-01-06T19:00:00Z,5000,2025-02-07,X,5100,10,10.5,100,0.18\n"
        "SPX,2025-01-06T19:00:00Z,5000,2025-02-07,P,-5,10,10.5,100,0.18\n"
        "SPX,2025-01-06T19:00:00Z,5000,2025-02-07,P,4900,10,10.5,100,\n"
    )
    result = read_long_format(path)
    assert len(result.snapshot.quotes) == 2
    assert [r.split(":")[0] for r in result.rejected] == ["chain.csv row 3", "chain.csv row 4"]
    assert result.snapshot.quotes[1].iv is None  # an empty IV is missing, not zero
    # no root column: 2025-02-07 is not the third Friday, so only a PM (SPXW) series can expire on it
    assert result.snapshot.quotes[0].root == "" and result.snapshot.quotes[0].settlement.value == "PM"


def test_rows_without_root_settle_am_only_on_the_monthly_expiry(tmp_path: Path) -> None:
    path = tmp_path / "chain.csv"
    path.write_text(
        "underlying,ts,spot,expiry,right,strike,bid,ask,open_interest,iv\n"
        "SPX,2025-01-06T19:00:00Z,5000,2025-01-07,C,5100,10,10.5,100,0.18\n"
        "SPX,2025-01-06T19:00:00Z,5000,2025-01-17,C,5100,10,10.5,100,0.18\n"
        "SPX,2025-01-06T19:00:00Z,5000,2025-01-17,P,5100,10,10.5,100,0.18\n"
    )
    styles = [q.settlement.value for q in read_long_format(path).snapshot.quotes]
    assert styles == ["PM", "AM", "AM"]


def test_missing_columns_and_snapshot_values_are_explained(tmp_path: Path) -> None:
    path = tmp_path / "chain.csv"
    path.write_text("expiry,right,strike\n2025-02-07,C,5100\n")
    with pytest.raises(MiaError, match="no underlying"):
        read_long_format(path)
    with pytest.raises(MiaError, match="open_interest"):
        read_long_format(path, underlying="SPX", spot=5000.0, ts=TS)
    naive = tmp_path / "naive.csv"
    naive.write_text(
        "underlying,ts,spot,expiry,right,strike,bid,ask,open_interest\n"
        "SPX,2025-01-06 19:00,5000,2025-02-07,C,5100,1,2,3\n"
    )
    with pytest.raises(MiaError, match="no time zone"):
        read_long_format(naive)


def test_integer_nanosecond_timestamps_are_read(tmp_path: Path) -> None:
    path = tmp_path / "ns.csv"
    path.write_text(
        f"underlying,ts,spot,expiry,right,strike,bid,ask,open_interest\nSPX,{TS},5000,2025-02-07,C,5100,1,2,3\n"
    )
    assert read_long_format(path).snapshot.ts == TS
