"""How much of the sweep's best point is luck: its deflated Sharpe ratio and the PBO (CSCV) over every point."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import attrs
import numpy as np

from adapters.research.sweep.report import by_point, param_columns
from mia_core.errors import DomainValueError
from mia_core.metrics.overfitting import (
    DeflatedSharpe,
    Overfitting,
    deflated_sharpe,
    period_sharpe,
    probability_of_overfitting,
)

if TYPE_CHECKING:
    import pandas as pd

#: CSCV's block count S (C(16, 8) = 12,870 train/test splits), cut down for short histories.
BLOCKS = 16
#: The fewest days a CSCV block may hold.
MIN_BLOCK_DAYS = 4


@attrs.frozen
class Luck:
    """The best point's deflated Sharpe and the sweep's PBO (``None`` where the sweep cannot give one, and why)."""

    points: int
    days: int
    best: str
    deflated: DeflatedSharpe | None
    overfitting: Overfitting | None
    note: str = ""

    def lines(self) -> list[str]:
        """The figures in words, for the terminal and the page."""
        out = [f"Overfitting, over {self.points} points and {self.days} daily returns each (after costs):"]
        if self.deflated is not None and not math.isnan(self.deflated.probability):
            d = self.deflated
            out.append(f"- deflated Sharpe ratio of the best point ({self.best}): {d.probability:.3f}; its Sharpe "
                       f"{d.sharpe:.4f} a day ({d.sharpe * math.sqrt(252):.2f} a year) against {d.benchmark:.4f} "
                       f"expected from the best of {d.trials} luck-only tries (variance of their Sharpes "
                       f"{d.trial_variance:.2e}; skew {d.skew:.2f}, kurtosis {d.kurtosis:.2f}, {d.periods} days)")
        else:
            out.append(f"- deflated Sharpe ratio of the best point ({self.best}): n/a (fewer than 3 days or flat)")
        if self.overfitting is not None:
            o = self.overfitting
            below = sum(v <= 0 for v in o.logits)
            out.append(f"- probability of backtest overfitting (CSCV, S = {o.blocks} blocks, {len(o.logits)} splits, "
                       f"{o.periods_used} days): {o.probability:.3f}; the in-sample best fell to or below the "
                       f"median out of sample in {below} of {len(o.logits)} splits")
        else:
            out.append(f"- probability of backtest overfitting: n/a ({self.note})")
        return out


def returns_matrix(rows: pd.DataFrame, daily: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Days (dataset, window, day) × points: each point's daily returns, 0.0 on a day it has no equity point."""
    import pandas as pd
    params = param_columns(rows)
    labels = rows[params].astype(str).agg(", ".join, axis=1) if params else pd.Series("all", index=rows.index)
    point_of = dict(zip(rows["run"], labels, strict=True))
    frame = daily.assign(point=daily["run"].map(point_of))
    matrix = frame.pivot_table(index=["dataset", "window", "day"], columns="point", values="daily_return",
                               aggfunc="first", sort=True).fillna(0.0)
    order = list(dict.fromkeys(labels))
    return matrix[[p for p in order if p in matrix.columns]], order


def _blocks(days: int) -> int:
    blocks = min(BLOCKS, days // MIN_BLOCK_DAYS)
    return blocks - blocks % 2


def measure(rows: pd.DataFrame, daily: pd.DataFrame, metric: str) -> Luck:
    """The deflated Sharpe of the best point by ``metric`` and the sweep's PBO, from each run's daily returns."""
    matrix, order = returns_matrix(rows, daily)
    points = by_point(rows, metric)
    ranked = points.assign(point=order).sort_values(metric, ascending=False, na_position="last", kind="stable")
    best = str(ranked["point"].iloc[0]) if len(ranked) else "none"
    if matrix.empty or best not in matrix.columns:
        return Luck(len(order), 0, best, None, None, "no daily returns in the sweep")
    sharpes = [period_sharpe(matrix[c].to_numpy()) for c in matrix.columns]
    variance = float(np.var(sharpes, ddof=1)) if len(sharpes) > 1 else 0.0
    deflated = deflated_sharpe(matrix[best].to_numpy(), len(sharpes), variance)
    blocks = _blocks(len(matrix))
    if len(matrix.columns) < 2:
        return Luck(len(order), len(matrix), best, deflated, None, "one point: nothing was chosen")
    if blocks < 2:
        return Luck(len(order), len(matrix), best, deflated, None,
                    f"{len(matrix)} days: CSCV needs at least {2 * MIN_BLOCK_DAYS}")
    try:
        pbo = probability_of_overfitting(matrix.to_numpy(), blocks)
    except DomainValueError as exc:
        return Luck(len(order), len(matrix), best, deflated, None, str(exc))
    return Luck(len(order), len(matrix), best, deflated, pbo)
