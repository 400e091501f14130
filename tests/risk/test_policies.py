"""Each risk rule on hand-set figures: allow, resize or reject, with the reason; exits always pass."""

from __future__ import annotations

import pytest

from mia_core.orders import Order, OrderIntent, OrderStatus
from mia_core.risk import limits, quality
from mia_core.risk.exposure import intent_risk_cents, is_entry, pending_exposure
from mia_core.signals import Direction, RiskVerdict, Signal
from mia_plugins.basic_risk.plugin import MaxPositionConfig, MaxPositionPolicy

from .helpers import BUY, SELL, Context, chicago, entry

ALLOW, RESIZE, REJECT = RiskVerdict.ALLOW, RiskVerdict.RESIZE, RiskVerdict.REJECT


def working(intent: OrderIntent, order_id: str = "W1", parent: str | None = None) -> Order:
    return Order(order_id, intent, OrderStatus.WORKING, parent_id=parent)


def test_exposure_counts_parents_not_bracket_children() -> None:
    child = working(OrderIntent(entry().instrument, SELL, 1), "P-SL", parent="P")
    parent = working(entry(BUY, 2), "P")
    assert pending_exposure(1, [child]) == 1
    assert pending_exposure(1, [child, parent]) == 3
    assert is_entry(entry(SELL, 1), 0, [])
    assert not is_entry(entry(SELL, 1), 2, [])
    assert is_entry(entry(SELL, 3), 2, [])  # a reversal is an entry
    # a pending exit makes the reversal's second order an entry
    exit_order = working(OrderIntent(entry().instrument, SELL, 2), "X")
    assert is_entry(entry(SELL, 1), 2, [exit_order])


def test_intent_risk_is_stop_distance_in_whole_ticks_times_contracts() -> None:
    # 4 points = 16 ticks x $12.50 = $200 per contract
    assert intent_risk_cents(entry(BUY, 2, stop=4996.0), 5000.0) == 2 * 20_000
    assert intent_risk_cents(entry(BUY, 1, stop=None, target=5010.0), 5000.0) is None


@pytest.mark.parametrize(("pnl", "verdict"), [(-49_999, ALLOW), (-50_000, REJECT), (-80_000, REJECT)])
def test_daily_loss_limit(pnl: int, verdict: RiskVerdict) -> None:
    policy = limits.DailyLossLimit(limits.DailyLossLimitConfig(max_loss=500))
    decision = policy.evaluate(entry(), Context(day_pnl_cents=pnl))
    assert decision.verdict is verdict
    if verdict is REJECT:
        assert "loss limit -$500.00" in decision.reason
    # exits pass whatever the day did
    assert policy.evaluate(entry(SELL), Context(quantity=1, day_pnl_cents=pnl)).verdict is ALLOW


@pytest.mark.parametrize(("pnl", "verdict"), [(99_999, ALLOW), (100_000, REJECT)])
def test_daily_profit_target(pnl: int, verdict: RiskVerdict) -> None:
    policy = limits.DailyProfitTarget(limits.DailyProfitTargetConfig())
    assert policy.evaluate(entry(), Context(day_pnl_cents=pnl)).verdict is verdict


def test_max_trades_per_day_counts_sent_and_filled_entries() -> None:
    policy = limits.MaxTradesPerDay(limits.MaxTradesPerDayConfig(max_trades=15))
    assert policy.evaluate(entry(), Context(trades_today=14, entries_today=14)).verdict is ALLOW
    assert policy.evaluate(entry(), Context(trades_today=14, entries_today=15)).verdict is REJECT
    assert policy.evaluate(entry(), Context(trades_today=15, entries_today=0)).verdict is REJECT


def test_max_open_positions_one_trade_at_a_time() -> None:
    policy = limits.MaxOpenPositions(limits.MaxOpenPositionsConfig(max_positions=1))
    assert policy.evaluate(entry(), Context()).verdict is ALLOW
    assert policy.evaluate(entry(BUY), Context(quantity=1)).verdict is REJECT  # adding
    pending = working(entry(BUY), "E1")
    assert policy.evaluate(entry(BUY), Context(open_orders=(pending,))).verdict is REJECT
    assert policy.evaluate(entry(SELL), Context(quantity=1)).verdict is ALLOW  # an exit
    exit_order = working(OrderIntent(entry().instrument, SELL, 1), "X")
    reversal = policy.evaluate(entry(SELL), Context(quantity=1, open_orders=(exit_order,)))
    assert reversal.verdict is ALLOW  # the pending exit frees the slot
    two = limits.MaxOpenPositions(limits.MaxOpenPositionsConfig(max_positions=2))
    assert two.evaluate(entry(BUY), Context(quantity=1)).verdict is ALLOW


def test_max_risk_per_trade_resizes_to_whole_contracts_and_rejects_unprotected() -> None:
    policy = limits.MaxRiskPerTrade(limits.MaxRiskPerTradeConfig(max_risk_pct=0.5))
    # budget 0.5% of $100,000 = $500; 4-point stop = $200/contract -> 2 fit
    assert policy.evaluate(entry(BUY, 2), Context()).verdict is ALLOW
    resized = policy.evaluate(entry(BUY, 3), Context())
    assert (resized.verdict, resized.quantity) == (RESIZE, 2)
    # 12-point stop = $600/contract: nothing fits
    wide = policy.evaluate(entry(BUY, 1, stop=4988.0), Context())
    assert wide.verdict is REJECT and "$600.00" in wide.reason
    naked = policy.evaluate(entry(BUY, 1, stop=None, target=5010.0), Context())
    assert naked.verdict is REJECT and "unbounded" in naked.reason


def test_max_daily_risk_shares_a_budget_of_the_day_start_equity() -> None:
    policy = limits.MaxDailyRisk(limits.MaxDailyRiskConfig(max_risk_pct=2.0))
    # budget 2% of $100,000 = $2,000; $1,700 used -> $300 left -> 1 contract at $200
    decision = policy.evaluate(entry(BUY, 2), Context(risk_today_cents=170_000))
    assert (decision.verdict, decision.quantity) == (RESIZE, 1)
    assert policy.evaluate(entry(BUY, 1), Context(risk_today_cents=190_000)).verdict is REJECT


@pytest.mark.parametrize(("equity", "verdict"), [(8_800_001, ALLOW), (8_800_000, REJECT)])
def test_max_drawdown(equity: int, verdict: RiskVerdict) -> None:
    policy = limits.MaxDrawdown(limits.MaxDrawdownConfig(max_drawdown_pct=12))
    assert policy.evaluate(entry(), Context(equity_cents=equity)).verdict is verdict


def test_consecutive_loss_pause_for_minutes_and_until_the_next_trading_day() -> None:
    last = chicago("2024-03-05 10:00")
    timed = limits.ConsecutiveLossPause(limits.ConsecutiveLossPauseConfig(max_losses=3, pause_minutes=60))
    assert timed.evaluate(entry(), Context(consecutive_losses=2, last_loss_ns=last)).verdict is ALLOW
    during = Context(consecutive_losses=3, last_loss_ns=last, now_ns=chicago("2024-03-05 10:59"))
    assert timed.evaluate(entry(), during).verdict is REJECT
    after = Context(consecutive_losses=3, last_loss_ns=last, now_ns=chicago("2024-03-05 11:00"))
    assert timed.evaluate(entry(), after).verdict is ALLOW
    daily = limits.ConsecutiveLossPause(limits.ConsecutiveLossPauseConfig(max_losses=3, pause_minutes=None))
    same_day = Context(consecutive_losses=3, last_loss_ns=last, now_ns=chicago("2024-03-05 16:59"))
    next_day = Context(consecutive_losses=3, last_loss_ns=last, now_ns=chicago("2024-03-05 17:00"))
    assert daily.evaluate(entry(), same_day).verdict is REJECT
    assert daily.evaluate(entry(), next_day).verdict is ALLOW  # 17:00 Chicago is the next CME day


def signal(confluence: float | None = None, **components: float) -> Signal:
    return Signal(ts=0, source="t", direction=Direction.LONG, confluence=confluence, components=components)


def test_min_confluence_is_strictly_above_the_threshold() -> None:
    policy = quality.MinConfluence(quality.MinConfluenceConfig(threshold=0.75))
    assert policy.evaluate(entry(), Context(signal=signal(0.76))).verdict is ALLOW
    assert policy.evaluate(entry(), Context(signal=signal(0.75))).verdict is REJECT
    assert policy.evaluate(entry(), Context(signal=signal(None))).verdict is REJECT
    lenient = quality.MinConfluence(quality.MinConfluenceConfig(when_missing="allow"))
    assert lenient.evaluate(entry(), Context(signal=signal(None))).verdict is ALLOW
    assert policy.evaluate(entry(SELL), Context(quantity=1, signal=signal(0.1))).verdict is ALLOW  # exit
    # a short entry is judged on 1 - confluence: 0.2 is a strong sell, 0.3 is not strong enough
    assert policy.evaluate(entry(SELL, stop=5004.0), Context(signal=signal(0.2))).verdict is ALLOW
    assert policy.evaluate(entry(SELL, stop=5004.0), Context(signal=signal(0.3))).verdict is REJECT
    plain = quality.MinConfluence(quality.MinConfluenceConfig(mirror_shorts=False))
    assert plain.evaluate(entry(SELL, stop=5004.0), Context(signal=signal(0.8))).verdict is ALLOW


def test_min_ml_confidence_reads_the_signal_component() -> None:
    policy = quality.MinMlConfidence(quality.MinMlConfidenceConfig(threshold=0.65))
    assert policy.evaluate(entry(), Context(signal=signal(ml_confidence=0.66))).verdict is ALLOW
    low = policy.evaluate(entry(), Context(signal=signal(ml_confidence=0.65)))
    assert low.verdict is REJECT and "0.65" in low.reason
    assert policy.evaluate(entry(), Context(signal=signal())).verdict is REJECT
    other_key = quality.MinMlConfidence(quality.MinMlConfidenceConfig(key="p_up"))
    assert other_key.evaluate(entry(), Context(signal=signal(p_up=0.9))).verdict is ALLOW


def test_max_position_ignores_bracket_children_and_sees_pending_parents() -> None:
    policy = MaxPositionPolicy(MaxPositionConfig(max_contracts=2))
    children = tuple(
        working(OrderIntent(entry().instrument, SELL, 2), f"P-{leg}", parent="P") for leg in ("SL", "TP")
    )
    assert policy.evaluate(entry(SELL, 2), Context(quantity=2, open_orders=children)).verdict is ALLOW
    resized = policy.evaluate(entry(BUY, 2), Context(quantity=1, open_orders=children))
    assert (resized.verdict, resized.quantity) == (RESIZE, 1)
    pending = (working(entry(BUY, 2), "E"),)
    assert policy.evaluate(entry(BUY, 1), Context(open_orders=pending)).verdict is REJECT
