"""CBOE quotedata.csv: header lines, locale variants, bad rows counted; a generated chain checked against vollib."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from vollib.black_scholes_merton.greeks.analytical import gamma as vollib_gamma

from adapters.options.cboe import parse_cboe_date, read_cboe
from adapters.options.files import detect_format, read_any
from mia_core.errors import MiaError
from mia_core.gex.analysis import GexSettings, analyse
from mia_core.gex.chain import ChainArrays
from mia_core.options import SettlementStyle

from .make_quotedata import Series, smile, write_quotedata

FIXTURES = Path(__file__).parent / "fixtures"
NY = ZoneInfo("America/New_York")
GMT_MINUS_5 = timezone(timedelta(hours=-5))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("January 6, 2025 at 8:57 PM EST", datetime(2025, 1, 6, 20, 57, tzinfo=timezone(timedelta(hours=-5)))),
        ("June 11, 2022, 8:47 PM EDT", datetime(2022, 6, 11, 20, 47, tzinfo=timezone(timedelta(hours=-4)))),
        ("February 5 2022, 8:09 PM EST", datetime(2022, 2, 5, 20, 9, tzinfo=timezone(timedelta(hours=-5)))),
        ("5 April 2023, 19:41 UTC\u22124", datetime(2023, 4, 5, 19, 41, tzinfo=timezone(timedelta(hours=-4)))),
        ("12 de enero de 2026, 13:29 GMT-5", datetime(2026, 1, 12, 13, 29, tzinfo=timezone(timedelta(hours=-5)))),
        ("March 3, 2025 at 12:05 AM", datetime(2025, 3, 3, 0, 5, tzinfo=NY)),
    ],
)
def test_date_variants(text: str, expected: datetime) -> None:
    assert parse_cboe_date(f"Date: {text}") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("January 6, 2025 at 8:57 p.m. EST", datetime(2025, 1, 6, 20, 57, tzinfo=timezone(timedelta(hours=-5)))),
        ("12 de enero de 2026, 1:29 p.\u00a0m. GMT-5", datetime(2026, 1, 12, 13, 29, tzinfo=GMT_MINUS_5)),
        ("12 de enero de 2026, 1:29 p. m. GMT-5", datetime(2026, 1, 12, 13, 29, tzinfo=GMT_MINUS_5)),
        ("March 3, 2025 at 12:05 a.m.", datetime(2025, 3, 3, 0, 5, tzinfo=NY)),
    ],
)
def test_dotted_am_pm_markers_keep_the_afternoon(text: str, expected: datetime) -> None:
    # browsers in some locales write "p.m." or "p. m."; read as AM, the snapshot would be stamped 12 h early
    assert parse_cboe_date(f"Date: {text}") == expected


def test_unreadable_date_asks_for_ts() -> None:
    with pytest.raises(MiaError, match="--ts"):
        parse_cboe_date("Date: yesterday")


def test_hand_written_spx_file_reads_and_counts_its_bad_rows() -> None:
    result = read_cboe(FIXTURES / "spx_quotedata.csv")
    snap = result.snapshot
    assert snap.underlying == "SPX" and snap.spot == 5975.3799
    assert snap.ts == int(datetime(2025, 1, 7, 1, 57, tzinfo=UTC).timestamp()) * 1_000_000_000
    assert len(result.rejected) == 1 and "line 10" in result.rejected[0] and "SPXW250108P06050000" in result.rejected[0]
    assert len(snap.quotes) == 15  # 8 rows x 2 sides, one side rejected
    styles = {(q.root, q.settlement) for q in snap.quotes if q.expiry == date(2025, 1, 17)}
    assert styles == {("SPX", SettlementStyle.AM), ("SPXW", SettlementStyle.PM)}
    a = analyse(ChainArrays.from_snapshot(snap), GexSettings())
    assert a.report.expired == 2  # the same-day series listed after the close
    assert a.report.crossed == 1  # 6025 call: bid 3.6 above ask 3.2
    assert a.report.duplicate == 0  # SPX and SPXW of Jan 17 settle at different moments
    assert a.report.missing_iv == 1  # the 6000 put's IV of 0
    assert a.missing_iv == 0 and a.repaired_iv == 1  # given the OTM 6000 call's IV (same strike)
    assert a.levels.call_wall is not None and a.levels.put_wall is not None


def test_spanish_ndx_file_and_gb_file() -> None:
    ndx = read_cboe(FIXTURES / "ndx_quotedata_es.csv").snapshot
    assert ndx.underlying == "NDX" and ndx.spot == 25815.7246 and len(ndx.quotes) == 4
    assert all(q.settlement is SettlementStyle.PM and q.root == "NDXP" for q in ndx.quotes)
    assert ndx.ts == int(datetime(2026, 1, 12, 18, 29, tzinfo=UTC).timestamp()) * 1_000_000_000
    gb = read_cboe(FIXTURES / "spx_quotedata_gb.csv").snapshot
    assert gb.ts == int(datetime(2023, 4, 5, 23, 41, tzinfo=UTC).timestamp()) * 1_000_000_000
    assert {q.strike for q in gb.quotes} == {4100.0}


def test_not_a_cboe_file_is_explained(tmp_path: Path) -> None:
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(MiaError, match=r"not a CBOE quotedata\.csv"):
        read_cboe(bad)
    assert detect_format(FIXTURES / "spx_quotedata.csv") == "cboe"
    assert detect_format(bad) == "long"


def test_generated_chain_gex_matches_vollib_gamma(tmp_path: Path) -> None:
    """Prices and vendor IVs from vollib; MIA recomputes gamma (Black-76 on the parity forward)."""
    now = datetime(2025, 1, 6, 14, 30, tzinfo=NY)
    spot, r, q = 5000.0, 0.045, 0.013
    expiry = date(2025, 1, 24)
    settle = datetime(2025, 1, 24, 16, 0, tzinfo=NY)
    series = [
        Series(
            expiry,
            settle,
            "SPXW",
            k,
            round(smile(k, spot), 4),
            round(smile(k, spot), 4),
            int(1000 + (k - 4800) * 3),
            int(3000 - k / 2),
        )
        for k in np.arange(4800.0, 5201.0, 25.0)
    ]
    path = tmp_path / "quotedata.csv"
    write_quotedata(path, now, spot, r, q, series)
    snap = read_any(path).snapshot
    assert snap.ts == int(now.timestamp()) * 1_000_000_000 and snap.spot == spot
    a = analyse(ChainArrays.from_snapshot(snap), GexSettings(rate=r, dividend_yield=q))
    t = (settle - now).total_seconds() / (365 * 86400)
    expected = (
        sum(
            vollib_gamma("c", spot, s.strike, t, r, s.call_iv, q) * s.call_oi
            - vollib_gamma("p", spot, s.strike, t, r, s.put_iv, q) * s.put_oi
            for s in series
        )
        * 100
        * spot**2
        * 0.01
    )
    assert a.gex_total == pytest.approx(expected, rel=1e-6)
    assert a.groups.forwards.from_parity[0]
    assert a.groups.forwards.forward[0] == pytest.approx(spot * np.exp((r - q) * t), rel=1e-9)
    assert a.quality.parity == 1.0
    # the same chain with every IV implied from the (vollib) prices gives the same exposure
    from mia_core.gex.groups import IvSource

    b = analyse(ChainArrays.from_snapshot(snap), GexSettings(rate=r, dividend_yield=q, iv_source=IvSource.PRICES))
    assert b.gex_total == pytest.approx(expected, rel=1e-5)


def test_an_explicit_time_wins_over_an_unreadable_date(tmp_path: Path) -> None:
    text = (FIXTURES / "spx_quotedata_gb.csv").read_text().replace("5 April 2023, 19:41 UTC\u22124", "someday")
    path = tmp_path / "q.csv"
    path.write_text(text)
    with pytest.raises(MiaError, match="--ts"):
        read_cboe(path)
    moment = datetime(2023, 4, 5, 23, 41, tzinfo=UTC)
    assert read_cboe(path, ts=moment).snapshot.ts == int(moment.timestamp()) * 1_000_000_000
