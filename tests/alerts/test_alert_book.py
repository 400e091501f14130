"""The alert rules: mission thresholds, raised once, escalated when they persist, cleared, configurable."""

from __future__ import annotations

import pytest

from mia_core.alerts.book import AlertBook, AlertState
from mia_core.alerts.rules import RULE_NAMES, AlertsConfig, Observation
from mia_core.commands import AlertLevel
from mia_core.errors import DomainValueError

MIN = 60_000_000_000


def states(book: AlertBook, obs: Observation) -> list[tuple[str, AlertState, AlertLevel]]:
    return [(e.rule, e.state, e.level) for e in book.observe(obs)]


@pytest.mark.parametrize(
    ("rule", "holds", "quiet"),
    [
        ("daily_loss", {"day_pnl_cents": -50_000}, {"day_pnl_cents": -49_999}),
        ("profit_target", {"day_pnl_cents": 100_000}, {"day_pnl_cents": 99_999}),
        ("drawdown", {"drawdown_pct": 10.01}, {"drawdown_pct": 10.0}),
        ("consecutive_losses", {"consecutive_losses": 3}, {"consecutive_losses": 2}),
        ("connection_lost", {"lost_links": ("ib",)}, {"lost_links": ()}),
        ("latency", {"latency_ms": 101.0}, {"latency_ms": 100.0}),
        ("error_rate", {"orders_seen": 20, "error_rate": 0.06}, {"orders_seen": 20, "error_rate": 0.05}),
        ("disk_space", {"disk_free_pct": 9.9}, {"disk_free_pct": 10.0}),
        ("catastrophe", {"latched": True, "latch_detail": "daily_loss"}, {"latched": False}),
    ],
)
def test_each_rule_fires_at_the_mission_threshold_and_not_below(rule: str, holds: dict, quiet: dict) -> None:
    assert not AlertBook(AlertsConfig()).observe(Observation(ts=1, **quiet))
    events = AlertBook(AlertsConfig()).observe(Observation(ts=1, **holds))
    assert [e.rule for e in events] == [rule]
    assert events[0].state is AlertState.RAISED


def test_an_alert_is_said_once_while_it_holds_escalates_when_it_persists_and_clears() -> None:
    book = AlertBook(AlertsConfig(escalate_after_seconds=600))
    loss = {"consecutive_losses": 3}
    assert states(book, Observation(ts=0, **loss)) == [("consecutive_losses", AlertState.RAISED, AlertLevel.WARNING)]
    for minute in range(1, 10):
        assert states(book, Observation(ts=minute * MIN, **loss)) == []  # de-duplicated
    assert states(book, Observation(ts=10 * MIN, **loss)) == [
        ("consecutive_losses", AlertState.ESCALATED, AlertLevel.CRITICAL)
    ]
    for minute in range(11, 30):
        assert states(book, Observation(ts=minute * MIN, **loss)) == []
    assert states(book, Observation(ts=30 * MIN, **loss))[0][1] is AlertState.ESCALATED  # 20 min later, then 40
    assert states(book, Observation(ts=69 * MIN, **loss)) == []
    assert states(book, Observation(ts=70 * MIN, **loss))[0][1] is AlertState.ESCALATED
    cleared = book.observe(Observation(ts=71 * MIN))
    assert [(e.state, e.level, e.since_ns) for e in cleared] == [(AlertState.CLEARED, AlertLevel.INFO, 0)]
    assert states(book, Observation(ts=72 * MIN, **loss))[0][1] is AlertState.RAISED  # a new episode


def test_the_latch_re_armed_is_said() -> None:
    book = AlertBook(AlertsConfig())
    book.observe(Observation(ts=0, latched=True, latch_detail="manual_stop"))
    [event] = book.observe(Observation(ts=MIN))
    assert event.rule == "catastrophe" and "re-armed" in event.message


def test_a_plugin_failing_holds_for_its_window_after_the_last_failure() -> None:
    book = AlertBook(AlertsConfig(plugin_failure_window_seconds=120))
    assert states(book, Observation(ts=0, plugin_failures=1, last_failure="strategy x"))[0][1] is AlertState.RAISED
    assert states(book, Observation(ts=MIN, plugin_failures=2)) == []
    assert states(book, Observation(ts=3 * MIN, plugin_failures=2)) == []  # 2 min after the second failure
    assert states(book, Observation(ts=3 * MIN + 1, plugin_failures=2))[0][1] is AlertState.CLEARED


def test_thresholds_are_configurable_and_rules_can_be_disabled() -> None:
    config = AlertsConfig(max_latency_ms=250, consecutive_losses=5, disabled=["disk_space"])
    book = AlertBook(config)
    assert book.observe(Observation(ts=0, latency_ms=200, consecutive_losses=4, disk_free_pct=1.0)) == []
    with pytest.raises(DomainValueError, match="disk_spce"):
        AlertsConfig(disabled=["disk_spce"])
    assert AlertBook(AlertsConfig(enabled=False)).observe(Observation(ts=0, latched=True)) == []


def test_unmeasured_inputs_do_not_judge() -> None:
    assert AlertBook(AlertsConfig()).observe(Observation(ts=0, latency_ms=None, disk_free_pct=None)) == []
    assert len(RULE_NAMES) == 10


def test_good_news_is_not_escalated() -> None:
    book = AlertBook(AlertsConfig(escalate_after_seconds=60))
    assert states(book, Observation(ts=0, day_pnl_cents=150_000))[0][2] is AlertLevel.INFO
    assert states(book, Observation(ts=600 * MIN, day_pnl_cents=150_000)) == []
