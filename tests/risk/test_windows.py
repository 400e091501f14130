"""Market hours and weekend protection on Chicago wall-clock times (entries only)."""

from __future__ import annotations

import pytest

from mia_core.errors import DomainValueError
from mia_core.risk.windows import MarketHours, MarketHoursConfig, WeekendProtection, WeekendProtectionConfig
from mia_core.signals import RiskVerdict

from .helpers import SELL, Context, chicago, entry

RTH = MarketHours(MarketHoursConfig())
GLOBEX = MarketHours(MarketHoursConfig(start="17:00", end="16:00", days=["sun", "mon", "tue", "wed", "thu"]))
WEEKEND = WeekendProtection(WeekendProtectionConfig())


@pytest.mark.parametrize(
    ("when", "open_"),
    [("2024-03-05 08:29", False), ("2024-03-05 08:30", True), ("2024-03-05 14:59", True),
     ("2024-03-05 15:00", False), ("2024-03-09 10:00", False), ("2024-07-10 09:00", True)],
)
def test_regular_hours(when: str, open_: bool) -> None:
    verdict = RTH.evaluate(entry(), Context(now_ns=chicago(when))).verdict
    assert verdict is (RiskVerdict.ALLOW if open_ else RiskVerdict.REJECT)


@pytest.mark.parametrize(
    ("when", "open_"),
    [("2024-03-10 17:00", True), ("2024-03-11 03:00", True), ("2024-03-11 16:30", False),
     ("2024-03-08 18:00", False), ("2024-03-08 10:00", True), ("2024-03-09 12:00", False)],
)
def test_a_window_across_midnight(when: str, open_: bool) -> None:
    assert GLOBEX.is_open(chicago(when)) is open_


def test_exits_pass_outside_hours() -> None:
    evening = Context(quantity=1, now_ns=chicago("2024-03-05 20:00"))
    assert RTH.evaluate(entry(SELL), evening).verdict is RiskVerdict.ALLOW


@pytest.mark.parametrize(
    ("when", "weekend"),
    [("2024-03-08 14:59", False), ("2024-03-08 15:00", True), ("2024-03-09 12:00", True),
     ("2024-03-10 16:59", True), ("2024-03-10 17:00", False), ("2024-11-03 17:00", False)],
)
def test_weekend_protection(when: str, weekend: bool) -> None:
    verdict = WEEKEND.evaluate(entry(), Context(now_ns=chicago(when))).verdict
    assert verdict is (RiskVerdict.REJECT if weekend else RiskVerdict.ALLOW)


def test_bad_times_and_zones_name_the_setting() -> None:
    with pytest.raises(DomainValueError, match="start"):
        MarketHours(MarketHoursConfig(start="8.30"))
    with pytest.raises(DomainValueError, match="timezone"):
        MarketHours(MarketHoursConfig(timezone="Mars/Olympus"))
    with pytest.raises(DomainValueError, match="days"):
        MarketHoursConfig(days=["monday"])


def test_config_check_names_the_bad_key() -> None:
    from adapters.bootstrap.config import plan_system
    from adapters.bootstrap.errors import ConfigError
    from adapters.bootstrap.plugins import discover

    data = {"data_feed": "bundled", "strategy": "sma_cross",
            "risk_policies": [{"use": "max_position"}, {"use": "market_hours", "end": "25:00"}]}
    with pytest.raises(ConfigError, match=r"risk_policies\[1\]\.end"):
        plan_system(data, discover(), source="sys.yaml")
    with pytest.raises(ConfigError, match=r"position\.weekend_flatten_at"):
        plan_system({"data_feed": "bundled", "strategy": "sma_cross", "position": {"weekend_flatten_at": "late"}},
                    discover(), source="sys.yaml")
