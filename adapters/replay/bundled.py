"""The real daily history shipped with MIA (S&P 500, NASDAQ Composite, VIX; Yahoo Finance via arch)."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from mia_core.data_quality import CheckedBars, check_bars
from mia_core.instruments import Instrument
from mia_core.series import BarSeries, IntArray

if TYPE_CHECKING:
    import pandas as pd

DATASETS = {"sp500": "sp500_daily.csv.gz", "nasdaq": "nasdaq_daily.csv.gz"}
VIX_FILE = "vix_daily.csv.gz"
CLOSE_TIME = "16:00"
CLOSE_ZONE = "America/New_York"


def _read(filename: str) -> pd.DataFrame:
    import pandas as pd
    with resources.files("adapters.replay").joinpath("data", filename).open("rb") as handle:
        frame = pd.read_csv(handle, compression="gzip")
    frame["Date"] = pd.to_datetime(frame["Date"], format="%m/%d/%Y")
    return frame


def daily_close_ns(dates: pd.Series) -> IntArray:
    """Each date's 16:00 New York close as UTC nanoseconds (bars are stamped at close)."""
    import pandas as pd
    local = (dates + pd.Timedelta(CLOSE_TIME + ":00")).dt.tz_localize(CLOSE_ZONE)
    utc = local.dt.tz_convert("UTC").dt.tz_localize(None)
    return utc.to_numpy(dtype="datetime64[ns]").view(np.int64)


def load_bundled(dataset: str, instrument: Instrument) -> CheckedBars:
    """Daily bars of ``dataset`` on ``instrument``'s grid, validated; the report lists the gaps.

    Index levels are treated as futures prices (no basis, no roll): a stated
    simplification so real history can drive ES/NQ systems without a data vendor.
    Rounding to the tick grid is part of that simplification and is not reported.
    """
    if dataset not in DATASETS:
        raise ValueError(f"unknown bundled dataset {dataset!r}; choose from {', '.join(DATASETS)}")
    frame = _read(DATASETS[dataset])
    tick = instrument.tick_size
    columns: dict[str, np.ndarray] = {
        ours: np.round(frame[theirs].to_numpy(dtype=float) / tick) * tick
        for ours, theirs in (("open", "Open"), ("high", "High"), ("low", "Low"), ("close", "Close"))
    }
    columns["ts"] = daily_close_ns(frame["Date"])
    columns["volume"] = frame["Volume"].to_numpy(dtype=float)
    return check_bars(columns, instrument, source=f"bundled {dataset} ({DATASETS[dataset]})", policy="error",
                      row_label=lambda i: f"line {i + 2}", field_label={"ts": "Date", "volume": "Volume"})


def bundled_series(dataset: str, instrument: Instrument) -> BarSeries:
    """Daily bars of ``dataset`` with index points rounded to ``instrument``'s tick grid (see load_bundled)."""
    return load_bundled(dataset, instrument).series


def vix_series() -> pd.Series:
    """VIX daily close (2014-01-03 to 2019-01-03), indexed by the UTC close instant.

    The file marks exchange holidays with ``.`` (FRED style); those dates are left out.
    """
    import pandas as pd
    frame = _read(VIX_FILE)
    frame = frame[frame["vix"].astype(str) != "."].reset_index(drop=True)
    index = pd.to_datetime(daily_close_ns(frame["Date"]), utc=True)
    return pd.Series(frame["vix"].astype(float).to_numpy(), index=index, name="vix")
