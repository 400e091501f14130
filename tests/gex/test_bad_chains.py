"""Options chains under bad input (issue 22): missing OI, negative IV, headers, bounds, counts and messages."""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from adapters.options.cboe import read_cboe
from adapters.options.sources import DirectorySource
from mia_core.errors import MiaError
from mia_core.gex.analysis import GexAnalysis, GexSettings, analyse
from mia_core.gex.chain import ChainArrays

from .make_quotedata import Series, smile, write_quotedata

NY = ZoneInfo("America/New_York")
NOW = datetime(2025, 1, 6, 14, 30, tzinfo=NY)
HEADER_LINE = 3
CALL_OI, CALL_IV, CALL_VOLUME = 10, 7, 6  # column indexes in a data row


def chain_file(path: Path) -> Path:
    spot, expiry, settle = 5000.0, date(2025, 1, 24), datetime(2025, 1, 24, 16, 0, tzinfo=NY)
    series = [
        Series(expiry, settle, "SPXW", k, round(smile(k, spot), 4), round(smile(k, spot), 4),
               int(1000 + (k - 4800) * 3), int(3000 - k / 2))
        for k in np.arange(4800.0, 5201.0, 25.0)
    ]  # fmt: skip
    write_quotedata(path, NOW, spot, 0.045, 0.013, series)
    return path


def edit(path: Path, line: int, column: int, value: str) -> Path:
    lines = path.read_text().splitlines()
    cells = lines[line].split(",")
    cells[column] = value
    lines[line] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    return path


def analysed(path: Path) -> GexAnalysis:
    return analyse(ChainArrays.from_snapshot(read_cboe(path).snapshot), GexSettings())


@pytest.mark.parametrize("blank", ["", "-", " - "])
def test_a_blank_open_interest_is_missing_not_zero(tmp_path: Path, blank: str) -> None:
    clean = analysed(chain_file(tmp_path / "clean.csv"))
    path = edit(chain_file(tmp_path / "q.csv"), 12, CALL_OI, blank)  # the 5000 call, at the money
    result = read_cboe(path)
    assert len(result.rejected) == 1 and "line 13" in result.rejected[0]
    assert "open interest" in result.rejected[0] and "missing" in result.rejected[0]
    assert result.snapshot.rejected == 1 and len(result.snapshot.quotes) == 2 * 17 - 1
    a = analyse(ChainArrays.from_snapshot(result.snapshot), GexSettings())
    assert a.report.rejected == 1
    assert a.quality.parse < clean.quality.parse == 1.0  # counted, and the confidence lowered


def test_a_negative_iv_is_missing_and_re_derived_from_prices(tmp_path: Path) -> None:
    clean = analysed(chain_file(tmp_path / "clean.csv"))
    path = edit(chain_file(tmp_path / "q.csv"), 14, CALL_IV, "-0.1558")  # the 5050 call (OTM)
    result = read_cboe(path)
    assert result.rejected == () and len(result.snapshot.quotes) == 34
    a = analyse(ChainArrays.from_snapshot(result.snapshot), GexSettings())
    assert a.report.missing_iv == 1 and a.repaired_iv == 1
    assert a.gex_window == pytest.approx(clean.gex_window, rel=2e-3)


def test_swapped_volume_and_open_interest_headers_are_refused(tmp_path: Path) -> None:
    path = chain_file(tmp_path / "q.csv")
    lines = path.read_text().splitlines()
    cells = lines[HEADER_LINE].split(",")
    cells[CALL_VOLUME], cells[CALL_OI] = cells[CALL_OI], cells[CALL_VOLUME]
    lines[HEADER_LINE] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(MiaError, match=r"line 4, column 7: expected 'Volume', found 'Open Interest'"):
        read_cboe(path)


def test_a_missing_column_names_the_header_not_the_roots(tmp_path: Path) -> None:
    path = chain_file(tmp_path / "q.csv")
    lines = path.read_text().splitlines()
    lines = [",".join(c for i, c in enumerate(line.split(",")) if i != 3) if n >= HEADER_LINE else line
             for n, line in enumerate(lines)]  # fmt: skip
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(MiaError) as caught:
        read_cboe(path)
    assert "roots" not in str(caught.value)
    assert "21 columns" in str(caught.value) and "'Net'" in str(caught.value)


def test_when_every_row_is_rejected_the_rejections_are_shown(tmp_path: Path) -> None:
    path = chain_file(tmp_path / "q.csv")
    lines = path.read_text().splitlines()
    lines[4:] = [line.replace("SPXW", "SPXW ") for line in lines[4:]]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(MiaError, match=r"no valid option row: 34 rejected, first: q.csv line 5: call symbol"):
        read_cboe(path)


def test_a_file_with_no_rows_says_so(tmp_path: Path) -> None:
    path = chain_file(tmp_path / "q.csv")
    path.write_text("\n".join(path.read_text().splitlines()[:4]) + "\n")
    with pytest.raises(MiaError, match="no option rows after the header"):
        read_cboe(path)


def test_an_absurd_open_interest_is_set_aside_counted_and_lowers_confidence(tmp_path: Path) -> None:
    from mia_core.gex.screen import MAX_OPEN_INTEREST

    clean = analysed(chain_file(tmp_path / "clean.csv"))
    a = analysed(edit(chain_file(tmp_path / "q.csv"), 12, CALL_OI, "1000000000000"))
    assert MAX_OPEN_INTEREST < 1e12
    assert a.report.absurd_open_interest == 1 and a.report.bad == 1
    assert abs(a.gex_total) < 10 * abs(clean.gex_total)  # not +17,983,972 $bn
    assert a.quality.parse < 1.0


def test_an_empty_or_all_expired_chain_is_explained(tmp_path: Path) -> None:
    a = analyse(ChainArrays.from_snapshot(read_cboe(chain_file(tmp_path / "q.csv"), ts=datetime(2025, 2, 1, tzinfo=NY))
                                          .snapshot), GexSettings())  # fmt: skip
    assert a.report.used == 0 and a.report.expired == 34
    assert a.report.explain() == "34 rows, none usable: expired 34"


def test_directory_source_logs_rejected_rows(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import asyncio

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    edit(chain_file(inbox / "q.csv"), 12, CALL_OI, "")
    with caplog.at_level(logging.WARNING, logger="mia.options"):
        snapshot = asyncio.run(DirectorySource(inbox).snapshot("SPX"))
    assert snapshot.rejected == 1
    assert any("q.csv: 1 row(s) rejected" in r.getMessage() and "line 13" in r.getMessage() for r in caplog.records)


def test_an_empty_long_format_file_says_it_has_no_rows(tmp_path: Path) -> None:
    from adapters.options.long_format import read_long_format

    path = tmp_path / "long.csv"
    path.write_text("underlying,ts,spot,expiry,right,strike,bid,ask,open_interest\n")
    with pytest.raises(MiaError, match="no option rows"):
        read_long_format(path)
    path.write_text("underlying,ts,spot,expiry,right,strike,bid,ask,open_interest\n"
                    "SPX,2025-01-06T19:00:00Z,5000,2025-01-24,X,5000,1,2,10\n")  # fmt: skip
    with pytest.raises(MiaError, match=r"no valid option row: 1 rejected, first: long.csv row 2: right 'X'"):
        read_long_format(path)


class EmptySource:
    """A chain source that answers with no quotes at all (an IB subscription without data, say)."""

    name = "empty"

    async def snapshot(self, underlying: str) -> object:
        from mia_core.options import OptionsChainSnapshot

        return OptionsChainSnapshot(underlying, 1_736_190_000_000_000_000, 5000.0, (), source="empty")


def test_the_collector_does_not_store_an_empty_chain(tmp_path: Path) -> None:
    import asyncio

    from adapters.options.scheduler import SnapshotScheduler
    from adapters.options.store import SnapshotStore

    scheduler = SnapshotScheduler(EmptySource(), SnapshotStore(tmp_path), ("SPX",))  # type: ignore[arg-type]
    assert asyncio.run(scheduler.run_once()) == []
    assert scheduler.failed == 1 and "empty chain" in scheduler.last_error
    assert not list(tmp_path.glob("*.json"))
