"""The gamma_cycles analyzer: expiry calendar, pin risk and put skew, timing and sizing rules."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

from gex.chains import quote, snapshot

from adapters.bootstrap.standalone import StandaloneBuildContext
from mia_core.instruments import ES
from mia_core.market import Bar
from mia_plugins.gamma_cycles.analyzer import GammaCyclesAnalyzer, GammaCyclesConfig
from mia_plugins.gamma_cycles.calendar import (
    good_friday,
    is_0dte_session,
    monthly_expiry,
    next_monthly_expiry,
    third_friday,
)

NS = 1_000_000_000


def _bar(when: datetime, price: float = 5000.0) -> Bar:
    return Bar(ES, int(when.timestamp()) * NS, price, price, price, price, 100)


def test_third_fridays_witching_and_holiday_moves() -> None:
    assert third_friday(2024, 3) == date(2024, 3, 15)
    assert third_friday(2025, 4) == date(2025, 4, 18)
    good_friday_2025 = date(2025, 4, 18)
    assert monthly_expiry(2025, 4, lambda d: d.weekday() < 5 and d != good_friday_2025) == date(2025, 4, 17)
    assert [good_friday(y) for y in (2024, 2025, 2026)] == [date(2024, 3, 29), date(2025, 4, 18), date(2026, 4, 3)]
    assert next_monthly_expiry(date(2024, 3, 16)) == date(2024, 4, 19)
    assert next_monthly_expiry(date(2024, 3, 16), quarterly=True) == date(2024, 6, 21)


def test_0dte_sessions_follow_the_listing_history() -> None:
    assert is_0dte_session(date(2023, 6, 6))  # a Tuesday after April 2022
    assert not is_0dte_session(date(2021, 6, 8))  # a Tuesday before SPXW Tuesdays
    assert is_0dte_session(date(2021, 6, 9))  # Wednesdays since 2016
    assert not is_0dte_session(date(2023, 6, 10))  # Saturday


def test_analyzer_with_the_exchange_calendar_sees_good_friday_opex_on_thursday() -> None:
    spec_context = StandaloneBuildContext()
    analyzer = GammaCyclesAnalyzer(GammaCyclesConfig(opex_size_factor=0.5), sessions=spec_context.sessions)
    values = analyzer.on_event(_bar(datetime(2025, 4, 17, 15, 0, tzinfo=UTC)))
    assert values is not None
    assert values["opex_day"] == 1.0 and values["days_to_opex"] == 0.0
    assert values["size_factor"] == 0.5 and values["allow_entries"] == 1.0
    assert math.isnan(values["pin_risk"])  # no chain yet
    before = analyzer.on_event(_bar(datetime(2025, 4, 14, 15, 0, tzinfo=UTC)))
    assert before is not None and before["days_to_opex"] == 3.0 and before["opex_week"] == 1.0


def test_pin_risk_and_put_skew_from_the_chain_seen_before_the_bar() -> None:
    expiry = date(2025, 1, 6)  # the chain's own day: a 0DTE expiry
    later = date(2025, 2, 7)
    quotes = [quote(5000, "C", 9000, expiry=expiry), quote(5000, "P", 8000, expiry=expiry),
              quote(5100, "C", 1000, expiry=expiry), quote(4900, "P", 2000, expiry=expiry),
              quote(5000, "C", 10, iv=0.15, expiry=later), quote(5000, "P", 10, iv=0.15, expiry=later),
              quote(4750, "P", 10, iv=0.21, expiry=later)]
    chain = snapshot(quotes, spot=5004.0)
    config = GammaCyclesConfig(basis=10.0, pin_size_factor=0.25, pin_risk_threshold=0.3,
                               no_entry_minutes_before_expiry=30)
    analyzer = GammaCyclesAnalyzer(config)
    assert analyzer.on_event(chain) is None
    same_instant = analyzer.values_at(chain.ts, 5012.0)
    assert math.isnan(same_instant["pin_strike"])  # a chain is used only after its own instant
    values = analyzer.values_at(chain.ts + 60 * NS, 5012.0)
    assert values["pin_strike"] == 5010.0 and values["pin_distance"] == 2.0
    assert values["pin_share"] == 17000 / 20000
    assert math.isclose(values["pin_risk"], 0.85 * math.exp(-0.2))
    assert math.isclose(values["put_skew"], 6.0)
    assert values["size_factor"] == 0.25
    assert values["allow_entries"] == 1.0  # 14:01 New York: two hours before the close
    late = analyzer.values_at(int(datetime(2025, 1, 6, 20, 45, tzinfo=UTC).timestamp()) * NS, 5012.0)
    assert late["minutes_to_expiry"] == 15.0 and late["allow_entries"] == 0.0


class BrokenArchive:
    """One stored snapshot that cannot be read."""

    def latest_before(self, underlying: str, ts: int) -> int | None:
        return ts - 1

    def load(self, underlying: str, ts: int) -> object:
        from mia_core.errors import MiaError

        raise MiaError(f"snapshots/{underlying}/{ts}.json: not a chain")


def test_an_unreadable_stored_chain_leaves_the_chain_values_nan_and_the_calendar_running() -> None:
    analyzer = GammaCyclesAnalyzer(GammaCyclesConfig(snapshot_dir="snapshots"), archive=BrokenArchive())  # type: ignore[arg-type]
    values = analyzer.on_event(_bar(datetime(2025, 1, 6, 15, 0, tzinfo=UTC)))
    assert values is not None and math.isnan(values["pin_risk"]) and values["zero_dte"] == 1.0
