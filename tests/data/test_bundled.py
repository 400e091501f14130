"""The bundled real history: row counts and dates checked against the raw files read independently."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from adapters import replay
from adapters.replay.bundled import DATASETS, bundled_series, load_bundled, vix_series
from mia_core.instruments import ES, NQ, Instrument


def raw_rows(filename: str) -> list[dict[str, str]]:
    path = Path(replay.__file__).parent / "data" / filename
    with gzip.open(path, "rt", newline="") as text:
        return list(csv.DictReader(text))


def new_york_dates(ts: np.ndarray) -> list[dt.date]:
    return [d.date() for d in pd.to_datetime(ts, unit="ns", utc=True).tz_convert("America/New_York")]


@pytest.mark.parametrize(("dataset", "instrument"), [("sp500", ES), ("nasdaq", NQ)])
def test_bundled_matches_the_raw_file(dataset: str, instrument: Instrument) -> None:
    rows = raw_rows(DATASETS[dataset])
    series = bundled_series(dataset, instrument)
    assert len(series) == len(rows) == 5031
    dates = new_york_dates(series.ts)
    assert dates[0] == dt.date(1999, 1, 4) and dates[-1] == dt.date(2018, 12, 31)
    assert dates == [dt.datetime.strptime(r["Date"], "%m/%d/%Y").date() for r in rows]
    raw_close = np.array([float(r["Close"]) for r in rows])
    np.testing.assert_allclose(series.close, raw_close, atol=0.125 + 1e-9)  # rounded to the 0.25 grid
    assert np.all(series.close % 0.25 == 0)
    np.testing.assert_array_equal(series.volume, [float(r["Volume"]) for r in rows])


def test_bars_are_stamped_at_the_new_york_close_in_nanoseconds() -> None:
    series = bundled_series("sp500", ES)
    first = pd.Timestamp(int(series.ts[0]), unit="ns", tz="UTC").tz_convert("America/New_York")
    assert (first.year, first.month, first.day, first.hour, first.minute) == (1999, 1, 4, 16, 0)


def test_bundled_report_lists_the_real_market_closures() -> None:
    report = load_bundled("sp500", ES).report
    assert report.repairs == 0 and report.count("gap") == 3
    assert [e.value[:10] for e in report.examples] == ["2001-09-17", "2007-01-03", "2012-10-31"]


def test_unknown_dataset_is_named() -> None:
    with pytest.raises(ValueError, match="unknown bundled dataset 'dow'"):
        load_bundled("dow", ES)


def test_vix_skips_holiday_markers() -> None:
    vix = vix_series()
    rows = raw_rows("vix_daily.csv.gz")
    assert len(vix) == len([r for r in rows if r["vix"] != "."]) == 1259
    assert vix.iloc[0] == 13.76 and vix.index[0] == pd.Timestamp("2014-01-03 21:00", tz="UTC")
