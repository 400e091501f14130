"""Rolling walk-forward folds on calendar years of a bar series."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import numpy as np

from mia_core.series import BarSeries

if TYPE_CHECKING:
    pass


@attrs.frozen
class Fold:
    """One fold: bar index ranges [start, end) of its train and test periods, and their labels."""

    train_start: int
    train_end: int
    test_start: int
    test_end: int
    train_label: str
    test_label: str


def years_of(series: BarSeries) -> np.ndarray:
    """The calendar year (New York) of each bar's close."""
    import pandas as pd
    stamps = pd.to_datetime(series.ts, utc=True).tz_convert("America/New_York")
    return np.asarray(stamps.year, dtype=np.int64)


def rolling_folds(series: BarSeries, train_years: int, test_years: int) -> list[Fold]:
    """Train on ``train_years`` whole calendar years, test on the next ``test_years``; roll by ``test_years``.

    Years are the calendar years present in the series (a partial first or last year
    counts as one: the bundled data holds whole years 1999-2018); test periods never
    overlap, and every test period lies after its train period.
    """
    if train_years < 1 or test_years < 1:
        raise ValueError("train_years and test_years must be at least 1")
    years = years_of(series)
    present = sorted(set(years.tolist()))
    folds: list[Fold] = []
    first = 0
    while first + train_years + test_years <= len(present):
        train = present[first : first + train_years]
        test = present[first + train_years : first + train_years + test_years]
        train_idx = np.flatnonzero((years >= train[0]) & (years <= train[-1]))
        test_idx = np.flatnonzero((years >= test[0]) & (years <= test[-1]))
        folds.append(
            Fold(
                train_start=int(train_idx[0]),
                train_end=int(train_idx[-1]) + 1,
                test_start=int(test_idx[0]),
                test_end=int(test_idx[-1]) + 1,
                train_label=f"{train[0]}–{train[-1]}",
                test_label=f"{test[0]}" if len(test) == 1 else f"{test[0]}–{test[-1]}",
            )
        )
        first += test_years
    return folds
