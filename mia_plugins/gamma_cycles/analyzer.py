"""The ``gamma_cycles`` analyzer: expiry-cycle values per bar, pin risk and skew from the latest chain."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import attrs

from mia_core.calc.session_calendar import SessionCalendar
from mia_core.errors import MiaError
from mia_core.events import MarketEvent
from mia_core.market import Bar
from mia_core.options import OptionsChainSnapshot
from mia_core.validation import within
from mia_plugins.gamma_cycles.calendar import good_friday, is_0dte_session, next_monthly_expiry, trading_days_between
from mia_plugins.gamma_cycles.chain import ChainFacts, chain_facts
from ports.snapshot_archive import SnapshotArchive

log = logging.getLogger("mia.gamma_cycles")
NEW_YORK = ZoneInfo("America/New_York")
FACTOR = within(0, 1)
NS = 1_000_000_000


@attrs.frozen
class GammaCyclesConfig:
    """Settings of ``gamma_cycles`` (docs/ml.md#gamma-cycles): chain source, pin and skew, timing and sizing rules."""

    underlying: str = "SPX"
    snapshot_dir: str | None = None
    basis: float = attrs.field(default=0.0, validator=within(-1000, 1000))
    pin_width_points: float = attrs.field(default=10.0, validator=within(0, 1000, low_open=True))
    skew_moneyness: float = attrs.field(default=0.95, validator=within(0.5, 1, high_open=True))
    skew_min_days: int = attrs.field(default=2, validator=within(0, 60))
    max_chain_age_hours: float = attrs.field(default=72.0, validator=within(0, 8760, low_open=True))
    opex_size_factor: float = attrs.field(default=1.0, validator=FACTOR)
    witching_size_factor: float = attrs.field(default=1.0, validator=FACTOR)
    pin_size_factor: float = attrs.field(default=1.0, validator=FACTOR)
    pin_risk_threshold: float = attrs.field(default=0.5, validator=FACTOR)
    no_entry_minutes_before_expiry: float = attrs.field(default=0.0, validator=within(0, 1440))
    zero_dte_blocks_entries: bool = False


class GammaCyclesAnalyzer:
    """Publishes per bar: ``days_to_opex``, ``opex_day``, ``opex_week``, ``quad_witching_day``,
    ``days_to_quad_witching``, ``zero_dte``, ``minutes_to_expiry``; from the latest chain strictly before the bar
    (events or ``snapshot_dir``): ``pin_strike`` (futures price), ``pin_distance``, ``pin_share``, ``pin_risk``
    in [0, 1], ``put_skew`` (vol points); and for timing and sizing ``size_factor`` in [0, 1] and
    ``allow_entries`` (1 or 0), both from the configured rules. Chain values are NaN without a recent chain.
    """

    def __init__(self, config: GammaCyclesConfig, sessions: SessionCalendar | None = None,
                 archive: SnapshotArchive | None = None, name: str = "gamma_cycles") -> None:
        if config.snapshot_dir and archive is None:
            raise ValueError(f"{name}: snapshot_dir {config.snapshot_dir!r} needs the archive to read it "
                             "(build the analyzer through its factory, which asks BuildContext.snapshot_archive)")
        self.name = name
        self.config = config
        self._archive = archive if config.snapshot_dir else None
        self._trading = _trading_dates(sessions) if sessions is not None else None
        self._facts: ChainFacts | None = None
        self._loaded: int | None = None
        self._day: date | None = None
        self._day_values: dict[str, float] = {}
        self._values: dict[str, float] = {}

    def is_trading_day(self, day: date) -> bool:
        """A day index options trade: a weekday the exchange calendar keeps (any without one), not Good Friday."""
        if day == good_friday(day.year):
            return False
        if self._trading is None or not (self._trading[0] <= day <= self._trading[1]):
            return day.weekday() < 5
        return day in self._trading[2]

    def on_event(self, event: MarketEvent) -> Mapping[str, float] | None:
        """Keep a chain snapshot; on a bar publish the cycle values as of the bar's close."""
        if isinstance(event, OptionsChainSnapshot):
            if event.underlying.upper() == self.config.underlying.upper():
                self._facts = chain_facts(event, _ny_date(event.ts), self.config.skew_moneyness,
                                          self.config.skew_min_days)
            return None
        if not isinstance(event, Bar):
            return None
        if self._archive is not None:
            found = self._archive.latest_before(self.config.underlying, event.ts)
            if found is not None and found != self._loaded:
                self._loaded = found
                try:
                    snapshot = self._archive.load(self.config.underlying, found)
                except MiaError as exc:  # an unreadable file: no chain values until the next one
                    log.warning("%s: %s", self.name, exc)
                    self._facts = None
                else:
                    self._facts = chain_facts(snapshot, _ny_date(found), self.config.skew_moneyness,
                                              self.config.skew_min_days)
        self._values = self.values_at(event.ts, event.close)
        return self._values

    def latest(self) -> Mapping[str, float]:
        """The values of the latest bar (empty before the first bar)."""
        return self._values

    def values_at(self, ts: int, price: float) -> dict[str, float]:
        """Every published value at instant ``ts`` (UTC ns) with the futures at ``price``."""
        now = datetime.fromtimestamp(ts / NS, tz=NEW_YORK)
        day = now.date()
        if day != self._day:
            self._day, self._day_values = day, self._calendar_values(day)
        values = dict(self._day_values)
        expiring = values["zero_dte"] > 0
        close = datetime.combine(day, time(16, 0), tzinfo=NEW_YORK)
        minutes = (close - now).total_seconds() / 60.0
        values["minutes_to_expiry"] = minutes if expiring and minutes >= 0 else math.nan
        values.update(self._chain_values(ts, day, price))
        values.update(self._rules(values))
        return values

    def _calendar_values(self, day: date) -> dict[str, float]:
        opex = next_monthly_expiry(day, self.is_trading_day)
        quad = next_monthly_expiry(day, self.is_trading_day, quarterly=True)
        trading = self.is_trading_day
        return {
            "days_to_opex": float(trading_days_between(day, opex, trading)),
            "opex_day": float(day == opex),
            "opex_week": float(day.isocalendar()[:2] == opex.isocalendar()[:2]),
            "quad_witching_day": float(day == quad),
            "days_to_quad_witching": float(trading_days_between(day, quad, trading)),
            "zero_dte": float(is_0dte_session(day, is_trading_day=trading)),
        }

    def _chain_values(self, ts: int, day: date, price: float) -> dict[str, float]:
        facts = self._facts
        nan = math.nan
        if facts is None or facts.ts >= ts or (ts - facts.ts) / NS / 3600.0 > self.config.max_chain_age_hours:
            return {"pin_strike": nan, "pin_distance": nan, "pin_share": nan, "pin_risk": nan, "put_skew": nan}
        strike = facts.pin_strike + self.config.basis
        distance = price - strike
        days = (facts.expiry - day).days if facts.expiry is not None else 99
        nearness = math.exp(-abs(distance) / self.config.pin_width_points) if math.isfinite(distance) else 0.0
        risk = facts.pin_share * nearness / (1.0 + max(days, 0))
        return {"pin_strike": strike, "pin_distance": distance, "pin_share": facts.pin_share,
                "pin_risk": min(1.0, max(0.0, risk)), "put_skew": facts.put_skew}

    def _rules(self, v: Mapping[str, float]) -> dict[str, float]:
        c = self.config
        factor = 1.0
        if v["opex_day"]:
            factor = min(factor, c.opex_size_factor)
        if v["quad_witching_day"]:
            factor = min(factor, c.witching_size_factor)
        if math.isfinite(v["pin_risk"]) and v["pin_risk"] >= c.pin_risk_threshold:
            factor = min(factor, c.pin_size_factor)
        allow = not (c.zero_dte_blocks_entries and v["zero_dte"])
        minutes = v["minutes_to_expiry"]
        if c.no_entry_minutes_before_expiry and math.isfinite(minutes) and minutes <= c.no_entry_minutes_before_expiry:
            allow = False
        return {"size_factor": factor, "allow_entries": float(allow)}


def _ny_date(ts: int) -> date:
    return datetime.fromtimestamp(ts / NS, tz=NEW_YORK).date()


def _trading_dates(sessions: SessionCalendar) -> tuple[date, date, frozenset[date]]:
    days = frozenset(_ny_date(int(t)) for t in sessions.rth_close.tolist())
    return min(days), max(days), days
