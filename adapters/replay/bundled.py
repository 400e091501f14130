"""The real daily history shipped with MIA (S&P 500, NASDAQ Composite, VIX; Yahoo Finance via arch)."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from mia_core.instruments import Instrument
from mia_core.series import BarSeries

DATASETS = {"sp500": "sp500_daily.csv.gz", "nasdaq": "nasdaq_daily.csv.gz"}
VIX_FILE = "vix_daily.csv.gz"
CLOSE_TIME = "16:00"
CLOSE_ZONE = "America/New_York"


def _read(filename: str) -> pd.DataFrame:
    with resources.files("adapters.replay").joinpath("data", filename).open("rb") as handle:
        frame = pd.read_csv(handle, compression="gzip")
    frame["Date"] = pd.to_datetime(frame["Date"], format="%m/%d/%Y")
    return frame


def daily_close_ns(dates: pd.Series) -> np.ndarray:
    """Each date's 16:00 New York close as UTC nanoseconds (bars are stamped at close)."""
    local = (dates + pd.Timedelta(CLOSE_TIME + ":00")).dt.tz_localize(CLOSE_ZONE)
    return local.dt.tz_convert("UTC").astype("int64").to_numpy()


def bundled_series(dataset: str, instrument: Instrument) -> BarSeries:
    """Daily bars of ``dataset`` with index points rounded to ``instrument``'s tick grid.

    Index levels are treated as futures prices (no basis, no roll): a stated
    simplification so real history can drive ES/NQ systems without a data vendor.
    """
    if dataset not in DATASETS:
        raise ValueError(f"unknown bundled dataset {dataset!r}; choose from {', '.join(DATASETS)}")
    frame = _read(DATASETS[dataset])
    tick = instrument.tick_size

    def grid(column: str) -> np.ndarray:
        return np.round(frame[column].to_numpy(dtype=float) / tick) * tick

    return BarSeries(
        instrument=instrument,
        ts=daily_close_ns(frame["Date"]),
        open=grid("Open"),
        high=grid("High"),
        low=grid("Low"),
        close=grid("Close"),
        volume=frame["Volume"].to_numpy(dtype=float),
    )


def vix_series() -> pd.Series:
    """VIX daily close (2014-2018), indexed by the UTC close instant."""
    frame = _read(VIX_FILE)
    return pd.Series(frame["vix"].to_numpy(dtype=float), index=pd.to_datetime(daily_close_ns(frame["Date"]), utc=True))
