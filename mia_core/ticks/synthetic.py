"""A seeded synthetic ES tape: U-shaped volume through the regular session, quieter overnight, clustered arrivals."""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt

from mia_core.instruments import Instrument
from mia_core.ticks.tape import Tape
from mia_core.timeutil import CHICAGO

SESSION_SECONDS = 23 * 3600  # Globex: 17:00 Chicago to 16:00 the next day
RTH = (15.5 * 3600, 22.0 * 3600)  # 08:30 to 15:00 Chicago, in seconds after the 17:00 open
CLUSTER_SECONDS = 30  # how long a burst of activity lasts, about
MOVE_PROBABILITY = 0.08  # a trade moves the price one tick up or down


def intensity(seconds: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Relative trade rate at each second after the session's open: low overnight, a bump at
    Europe's open (02:00 Chicago), and through the regular session a U (busiest at the open and
    close, about three times the midday rate); the mean over the session is 1."""
    rate = np.full(len(seconds), 0.15)
    rate += 0.25 * np.exp(-(((seconds - 9 * 3600) / 3600.0) ** 2))
    rth = (seconds >= RTH[0]) & (seconds < RTH[1])
    x = (seconds[rth] - RTH[0]) / (RTH[1] - RTH[0])
    rate[rth] = 1.5 + 6.0 * (2 * x - 1) ** 2
    out: npt.NDArray[np.float64] = rate / rate.mean()
    return out


def session_opens(start: dt.date, days: int) -> list[int]:
    """UTC ns of the 17:00 Chicago open of ``days`` CME trading days (Monday to Friday) from ``start``."""
    opens: list[int] = []
    day = start
    while len(opens) < days:
        if day.weekday() < 5:
            evening = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(17), tzinfo=CHICAGO)
            opens.append(int(evening.timestamp()) * 10**9)
        day += dt.timedelta(days=1)
    return opens


def _day(rng: np.random.Generator, open_ns: int, trades_per_day: float) -> npt.NDArray[np.int64]:
    """Trade times of one session: Poisson counts per second under the intensity times a clustering factor."""
    seconds = np.arange(SESSION_SECONDS, dtype=np.float64)
    kernel = np.exp(-np.arange(4 * CLUSTER_SECONDS) / CLUSTER_SECONDS)
    noise = np.convolve(rng.standard_normal(SESSION_SECONDS), kernel / np.sqrt((kernel**2).sum()), mode="same")
    cluster = np.exp(0.8 * noise - 0.32)  # log-normal, mean 1
    counts = rng.poisson(intensity(seconds) * cluster * (trades_per_day / SESSION_SECONDS))
    second = np.repeat(np.arange(SESSION_SECONDS, dtype=np.int64), counts)
    millis = rng.integers(0, 1000, len(second))  # millisecond stamps, as Sierra Chart keeps: equal times happen
    return np.sort(open_ns + second * 10**9 + millis * 10**6)


def _walk(rng: np.random.Generator, n: int, start_ticks: int, start_side: int) -> tuple[npt.NDArray[np.int64], ...]:
    """Prices (ticks), sizes and sides of ``n`` trades following a trade at ``start_ticks`` by ``start_side``."""
    u = rng.random(n)
    move = (u < MOVE_PROBABILITY).astype(np.int64) - 2 * (u < MOVE_PROBABILITY / 2)
    ticks = start_ticks + np.cumsum(move)
    moved = move != 0
    index = np.maximum.accumulate(np.where(moved, np.arange(n), -1))
    side = np.where(index >= 0, move[np.maximum(index, 0)], start_side)
    side[~moved & (rng.random(n) < 0.3)] *= -1
    size = rng.geometric(0.4, n).astype(np.int64)
    blocks = np.flatnonzero(rng.random(n) < 0.005)
    size[blocks] = rng.integers(10, 51, len(blocks))
    return ticks, size, side


def synthetic_tape(instrument: Instrument, trades: int, *, seed: int = 7, start: str = "2024-01-02",
                   price: float = 5000.0, trades_per_day: float = 400_000.0) -> Tape:
    """``trades`` ES-like trades over as many CME sessions as they take, seeded.

    Prices walk on the tick grid (a trade moves one tick with probability 0.08, so a busy
    stretch is a volatile one); a trade up-ticking was bought, one down-ticking sold, and
    one at an unchanged price keeps the last side seven times in ten; sizes are 1 or more,
    2.5 contracts on average, with a few blocks of 10 to 50. Built one session at a time
    into preallocated columns (memory: about 25 bytes a trade).
    """
    rng = np.random.default_rng(seed)
    ts = np.empty(trades, dtype=np.int64)
    ticks = np.empty(trades, dtype=np.int64)
    size = np.empty(trades, dtype=np.int64)
    side = np.empty(trades, dtype=np.int8)
    have, last_ticks, last_side = 0, round(price / instrument.tick_size), 1
    day = dt.date.fromisoformat(start)
    while have < trades:
        (open_ns,) = session_opens(day, 1)
        times = _day(rng, open_ns, trades_per_day)[:trades - have]
        n = len(times)
        cut = slice(have, have + n)
        ts[cut] = times
        ticks[cut], size[cut], side[cut] = _walk(rng, n, last_ticks, last_side)
        if n:
            last_ticks, last_side = int(ticks[have + n - 1]), int(side[have + n - 1])
        have += n
        day = dt.datetime.fromtimestamp(open_ns / 1e9, CHICAGO).date() + dt.timedelta(days=2)
    prices = ticks * instrument.tick_size
    del ticks
    return Tape(instrument, ts, prices, size, side)
