"""The mentor on rule blocks: a blocked entry's bracket replayed on the next bars (by hand), the rule judged."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from adapters.bootstrap.cli import app
from mia_core.digest.blocked import BlockedOutcome, ReplayCosts, hold_ns, replay_block, replay_blocks
from mia_core.digest.entries import Block, JournalFacts, read_facts
from mia_core.digest.mentor import MentorConfig, format_advice, mentor
from mia_core.instruments import ES
from mia_core.series import BarSeries
from mia_core.timeutil import CHICAGO, to_ns

MINUTE = 60_000_000_000
T0 = to_ns(datetime(2024, 3, 5, 9, 0, tzinfo=CHICAGO))


def bars(rows: list[tuple[float, float, float, float]]) -> BarSeries:
    ts = [T0 + (i + 1) * MINUTE for i in range(len(rows))]
    o, h, lo, c = (np.array(col, dtype=float) for col in zip(*rows, strict=True))
    return BarSeries(ES, ts, o, h, lo, c, np.full(len(rows), 10.0))


def block(side: str = "buy", stop: float | None = 99.0, target: float | None = 104.0, policy: str = "max_trades",
          index: int = 1, ts: int = T0 + MINUTE) -> Block:
    return Block(ts, policy, side, "limit", index, "reject", 1, stop, target)


COSTS = ReplayCosts(commission_per_contract=4.5, slippage_ticks=1)
# after the block at bar 0's close: bar 1 opens at 100 (entry 100.25 with a tick of slippage)
SERIES = bars([(100, 100.5, 99.75, 100), (100, 101, 99.5, 100.75), (100.75, 104.25, 100.5, 104), (104, 105, 98, 99)])


def test_a_long_block_reaching_its_target_by_hand() -> None:
    outcome = replay_block(block(), SERIES, ES, 60 * MINUTE, COSTS)
    # (104 - 100.25) points x $50 = $187.50, less $4.50 commission
    assert outcome == BlockedOutcome(1, "max_trades", 18_300, "target", 2)


def test_a_short_block_stopped_and_a_bar_touching_both_counts_as_the_stop() -> None:
    short = replay_block(block("sell", stop=101.0, target=97.0), SERIES, ES, 60 * MINUTE, COSTS)
    # short entry 100 - 0.25 = 99.75; bar 1's high 101 touches the stop 101: out at 101 + 0.25 = 101.25
    assert short == BlockedOutcome(1, "max_trades", round((99.75 - 101.25) * 50 * 100) - 450, "stop", 1)
    both = replay_block(block(stop=98.5, target=104.5), bars([(100, 100, 100, 100), (100, 105, 98, 101)]), ES,
                        60 * MINUTE, COSTS)
    assert both is not None and both.exit == "stop" and both.net_cents == round((98.25 - 100.25) * 5000) - 450


def test_without_a_bracket_the_systems_usual_hold_decides() -> None:
    timed = replay_block(block(stop=None, target=None), SERIES, ES, MINUTE, COSTS)
    # entry on bar 1 (100.25); one minute later is bar 2: out at its close 104 - 0.25
    assert timed == BlockedOutcome(1, "max_trades", round((103.75 - 100.25) * 5000) - 450, "time", 2)
    assert hold_ns([3, 1, 2, 10]) == 2 and hold_ns([5, 1, 9]) == 5 and hold_ns([]) == 86_400_000_000_000
    last = replay_block(block(ts=SERIES.ts[-1]), SERIES, ES, MINUTE, COSTS)
    assert last is None  # no bar after it
    resized = Block(T0 + MINUTE, "max_position", "buy", "", 2, "resize", 1, 99.0, 104.0)
    assert replay_blocks([resized, block()], SERIES, ES, MINUTE, COSTS) == [replay_block(block(), SERIES, ES,
                                                                                           MINUTE, COSTS)]


def outcomes(nets: list[int], policy: str = "max_trades") -> list[BlockedOutcome]:
    return [BlockedOutcome(i + 1, policy, net, "stop" if net < 0 else "target", 3) for i, net in enumerate(nets)]


def test_a_rule_whose_blocks_would_all_have_lost_saved_money() -> None:
    nets = [-1000 - 37 * i for i in range(12)]
    [advice] = mentor(JournalFacts((), (), ()), MentorConfig(), outcomes(nets))
    assert advice.topic == "the max_trades rule saved money" and advice.decisions == tuple(range(1, 13))
    # exact one-sided signed-rank p with all 12 below zero: 1 / 2^12 = 0.000244; rank-biserial -1
    assert "p = 0.0002 < 0.0250" in advice.test and "rank-biserial 1.00" in advice.test
    assert f"would have made -${sum(-n for n in nets) / 100:,.2f}" in advice.finding
    text = format_advice([advice], 0)
    assert "Decisions (rule blocks): #1, #2" in text and "Trades:" not in text


def test_a_rule_that_blocked_winners_cost_money_and_a_mixed_record_says_nothing() -> None:
    [advice] = mentor(JournalFacts((), (), ()), MentorConfig(), outcomes([2000 + 10 * i for i in range(11)]))
    assert advice.topic == "the max_trades rule cost money"
    mixed = [(-1) ** i * (500 + i) for i in range(20)]
    assert mentor(JournalFacts((), (), ()), MentorConfig(), outcomes(mixed)) == []
    few = [-1000] * 9  # under min_trades
    assert mentor(JournalFacts((), (), ()), MentorConfig(), outcomes(few)) == []


def _risk_entry(ts: int, side: str, stop: float, target: float) -> dict:
    intent = {"type": "OrderIntent", "instrument": "ES", "side": side, "quantity": 1, "order_type": "market",
              "bracket": {"type": "Bracket", "stop_loss": stop, "take_profit": target}}
    return {"ts": ts, "kind": "risk", "payload": {"event": {"intent": intent, "decisions": [
        {"policy": "max_trades_per_day", "verdict": "reject", "quantity": 0, "reason": "15 entries today"}]}}}


def test_blocks_read_from_the_journal_carry_the_intents_bracket() -> None:
    facts = read_facts([_risk_entry(T0, "buy", 99.0, 104.0), _risk_entry(T0 + MINUTE, "sell", 101.0, 97.0)])
    assert facts.blocks[1] == Block(T0 + MINUTE, "max_trades_per_day", "sell", "15 entries today", 2, "reject", 1,
                                    101.0, 97.0)


def test_mia_mentor_replays_the_journals_blocks_on_a_bar_file(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    count = 400
    stamps = [T0 + i * MINUTE for i in range(count)]
    close = 5000 + np.cumsum(np.round(rng.normal(0, 1, count) * 4) / 4)
    frame = "ts,open,high,low,close,volume\n" + "".join(
        f"{datetime.fromtimestamp(t / 1e9).isoformat()}Z,{c:.2f},{c + 2:.2f},{c - 0.25:.2f},{c + 1.75:.2f},10\n"
        for t, c in zip(stamps, close, strict=True))
    (tmp_path / "bars.csv").write_text(frame)
    journal = tmp_path / "journal.jsonl"
    # every 20 minutes a long entry blocked; the bars rise 1.75 after each open: each would have hit its target
    lines = [_risk_entry(stamps[i], "buy", round(close[i + 1] - 20), round(close[i + 1] + 1)) for i in
             range(0, count - 20, 20)]
    journal.write_text("".join(json.dumps(line) + "\n" for line in lines))
    result = CliRunner().invoke(app, ["mentor", "--journal", str(journal), "--bars", str(tmp_path / "bars.csv")])
    assert result.exit_code == 0, result.output
    assert "19 of 19 blocked entries replayed" in result.output
    assert "the max_trades_per_day rule cost money" in result.output
    assert "Decisions (rule blocks): #1, #2, #3" in result.output


@pytest.mark.parametrize("side", ["buy", "sell"])
def test_costs_always_count_against_the_replayed_entry(side: str) -> None:
    flat = bars([(100, 100, 100, 100)] * 5)
    outcome = replay_block(block(side, stop=None, target=None), flat, ES, MINUTE, COSTS)
    assert outcome is not None and outcome.net_cents == -2 * 1250 - 450  # two ticks of slippage and commission


def test_mia_mentor_judges_the_blocks_as_the_daily_summaries_did(tmp_path: Path) -> None:
    """A block without a bracket is held the system's typical time as known at its day's close, in both commands."""
    days = [datetime(2024, 3, 5, 8, 31, tzinfo=CHICAGO), datetime(2024, 3, 6, 8, 31, tzinfo=CHICAGO)]
    stamps = [to_ns(day) + i * MINUTE for day in days for i in range(400)]
    rows = "".join(f"{datetime.fromtimestamp(t / 1e9).astimezone(CHICAGO).isoformat()},{p},{p + 0.5},{p - 0.25},"
                   f"{p + 0.25},10\n" for t, p in zip(stamps, 5000 + 0.25 * np.arange(len(stamps)), strict=True))
    (tmp_path / "bars.csv").write_text("ts,open,high,low,close,volume\n" + rows)

    def trip(entry: int, minutes: int) -> dict:
        exit_ = entry + minutes * MINUTE
        return {"ts": exit_, "kind": "round_trip", "payload": {"trip": {
            "entry_ts": entry, "exit_ts": exit_, "side": "buy", "net_cents": 1000, "commission_cents": 450,
            "exit_reason": "signal"}}}

    def blocked(ts: int) -> dict:
        intent = {"side": "buy", "quantity": 1, "bracket": None}
        return {"ts": ts, "kind": "risk", "payload": {"event": {"intent": intent, "decisions": [
            {"policy": "max_trades_per_day", "verdict": "reject", "reason": "1 entry today"}]}}}

    first, second = to_ns(days[0]), to_ns(days[1])
    lines = [trip(first, 5)] + [blocked(first + (30 + 20 * i) * MINUTE) for i in range(12)]
    lines += [trip(second + 60 * i * MINUTE, 120) for i in range(3)]  # day 2: the typical hold grows to 2 hours
    journal = tmp_path / "journal.jsonl"
    journal.write_text("".join(json.dumps(line) + "\n" for line in lines))
    bars_file = str(tmp_path / "bars.csv")
    summary = CliRunner().invoke(app, ["summary", "--journal", str(journal), "--day", "2024-03-06", "--bars",
                                       bars_file])
    advice = CliRunner().invoke(app, ["mentor", "--journal", str(journal), "--bars", bars_file])
    assert summary.exit_code == 0 and advice.exit_code == 0, summary.output + advice.output
    [told] = [line for line in summary.output.splitlines() if "rule cost money" in line]
    assert "12 time" in told  # each held the 5 minutes known on day 1, not day 2's two hours
    assert told in advice.output.splitlines()
