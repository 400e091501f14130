"""The daily summary's figures and the mentor's tests: advice only when the evidence passes, citing trades."""

from __future__ import annotations

import math
from datetime import date, datetime

import pytest

from mia_core.digest.entries import JournalFacts, Trade, read_facts
from mia_core.digest.mentor import MentorConfig, break_even_stop_share, format_advice, mentor
from mia_core.digest.summary import Limits, daily_summary, format_summary
from mia_core.timeutil import CHICAGO, to_ns


def at(text: str) -> int:
    return to_ns(datetime.fromisoformat(text).replace(tzinfo=CHICAGO))


def plain_trip(entry: str, exit_: str, net: int, reason: str = "signal") -> dict:
    trip = {"type": "RoundTrip", "entry_ts": at(entry), "exit_ts": at(exit_), "side": "buy", "net_cents": net,
            "commission_cents": 450, "exit_reason": reason}
    return {"ts": at(exit_), "kind": "round_trip", "payload": {"trip": trip}}


def plain_signal(when: str, source: str) -> dict:
    signal = {"ts": at(when), "source": source, "direction": 1}
    return {"ts": at(when), "kind": "signal", "payload": {"event": {"signal": signal}}}


def test_a_day_summed_up_from_journal_entries() -> None:
    entries = [
        plain_signal("2024-03-05 09:00", "sma_cross"),
        plain_trip("2024-03-05 09:00", "2024-03-05 09:30", 25_000, "take_profit"),
        plain_trip("2024-03-05 10:00", "2024-03-05 10:30", -40_000, "stop_loss"),
        plain_trip("2024-03-05 11:00", "2024-03-05 11:30", -20_000, "stop_loss"),
        plain_trip("2024-03-05 16:30", "2024-03-05 17:30", 99_999),  # after 17:00 CT: the next trading day
        {"ts": at("2024-03-05 10:31"), "kind": "risk", "payload": {"event": {"intent": {"side": "buy"}, "decisions": [
            {"policy": "max_trades", "verdict": "reject", "reason": "15 trades today"},
            {"policy": "max_position", "verdict": "allow", "reason": ""}]}}},
        {"ts": at("2024-03-05 11:31"), "kind": "alert",
         "payload": {"rule": "consecutive_losses", "state": "raised", "level": "warning", "message": "2 losses"}},
    ]
    facts = read_facts(entries)
    assert [t.setup for t in facts.trades] == ["sma_cross"] * 4
    summary = daily_summary(facts, date(2024, 3, 5), Limits(daily_loss_limit=500, profit_target=1000))
    assert (summary.trades, summary.wins, summary.net_cents) == (3, 1, -35_000)
    assert summary.max_drawdown_cents == 60_000 and summary.commission_cents == 1350
    assert math.isclose(summary.profit_factor, 25_000 / 60_000) and math.isclose(summary.win_rate, 1 / 3)
    assert summary.blocks == (("max_trades", 1),) and summary.alerts == (("warning", "2 losses"),)
    text = format_summary(summary)
    assert "P&L after costs -$350.00" in text and "loss limit      -$500.00: 70% used" in text
    assert "rule blocks     max_trades 1" in text and "[warning] 2 losses" in text
    assert daily_summary(facts, date(2024, 3, 6), Limits()).net_cents == 99_999


def trade(i: int, entry: int, net: int, setup: str = "a", reason: str = "signal") -> Trade:
    return Trade(i, entry, entry + 60_000_000_000, "buy", net, 450, reason, setup)


def week_of_trades(friday_losses: int, weeks: int = 12) -> list[Trade]:
    """Each week one trade per weekday; Friday's lose ``friday_losses`` times, the others alternate."""
    trades: list[Trade] = []
    for week in range(weeks):
        for day in range(5):
            entry = at(f"2024-01-{1 + day + 7 * (week % 4):02d} 10:00") + week // 4 * 28 * 86_400_000_000_000
            losing = week < friday_losses if day == 4 else (week + day) % 2 == 0
            trades.append(trade(len(trades) + 1, entry, -10_000 if losing else 12_000))
    return trades


def test_losses_clustered_on_a_weekday_are_found_and_cite_those_trades() -> None:
    trades = week_of_trades(friday_losses=12)
    advice = [a for a in mentor(JournalFacts(tuple(trades), (), ()), MentorConfig()) if "weekday" in a.topic]
    assert [a.topic for a in advice] == ["losses cluster on weekday Friday"]
    assert advice[0].trades == tuple(t.index for t in trades[4::5])
    assert "binomial" in advice[0].test and "p = " in advice[0].test


def test_no_advice_when_the_evidence_is_thin_or_the_effect_small() -> None:
    weak = week_of_trades(friday_losses=8)  # 8 of 12 against ~51%: p not under alpha / 5
    assert not [a for a in mentor(JournalFacts(tuple(weak), (), ()), MentorConfig()) if "weekday" in a.topic]
    few = week_of_trades(friday_losses=12, weeks=4)  # 4 Fridays < min_trades
    assert mentor(JournalFacts(tuple(few), (), ()), MentorConfig()) == []
    assert "no advice" in format_advice([], 20)


def test_stops_before_targets_and_an_underperforming_setup() -> None:
    base = at("2024-01-02 10:00")
    trades = [trade(i + 1, base + i * 86_400_000_000_000, -10_000 if i % 12 else 20_000, "breakout",
                    "stop_loss" if i % 12 else "take_profit") for i in range(24)]
    trades += [trade(25 + i, base + i * 86_400_000_000_000 + 1, 5_000 if i % 3 else -4_000, "trend") for i in range(24)]
    advice = mentor(JournalFacts(tuple(trades), (), ()), MentorConfig())
    topics = [a.topic for a in advice]
    assert "stops hit before targets on breakout" in topics
    assert "signals of breakout underperform" in topics and "signals of trend underperform" not in topics
    stops = next(a for a in advice if a.topic.startswith("stops"))
    assert stops.trades == tuple(t.index for t in trades[:24] if t.exit_reason == "stop_loss")
    text = format_advice(advice, len(trades))
    assert "Mann-Whitney U" in text and "Trades: #2, #3" in text


def test_stops_at_a_2r_bracket_s_break_even_share_are_not_advice() -> None:
    """A 2R bracket stopped 69% of the time (71 of 103) about breaks even: no finding, whatever one half says."""
    base = at("2024-01-02 10:00")
    trades = [trade(i + 1, base + i * 86_400_000_000_000, -10_000 if i < 71 else 19_000, "breakout",
                    "stop_loss" if i < 71 else "take_profit") for i in range(103)]
    assert break_even_stop_share(trades) == pytest.approx(19_000 / 29_000)
    advice = mentor(JournalFacts(tuple(trades), (), ()), MentorConfig())
    assert not [a for a in advice if a.topic.startswith("stops")]
