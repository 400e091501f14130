"""docs/results.md: the walk-forward figures as Markdown tables, with the comparison to the seed's claims."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from adapters.research.walkforward import DatasetResult, WalkForwardSettings
from mia_core.metrics import PerformanceMetrics

CLAIMED_WIN_RATE = (0.75, 0.80)
CLAIMED_PROFIT_FACTOR = 2.5


def _pct(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{100 * x:.1f}%"


def _num(x: float, digits: int = 2) -> str:
    if math.isnan(x):
        return "n/a"
    return "inf" if math.isinf(x) else f"{x:.{digits}f}"


def _money(x: float) -> str:
    return f"-${-x:,.0f}" if x < 0 else f"${x:,.0f}"


def metrics_row(label: str, m: PerformanceMetrics) -> str:
    """One table row: trades, win rate, profit factor, net P&L, max drawdown, Sharpe."""
    return (f"| {label} | {m.trades} | {_pct(m.win_rate)} | {_num(m.profit_factor)} | {_money(m.net_pnl)} "
            f"| {_money(m.max_drawdown)} ({_pct(m.max_drawdown_pct)}) | {_num(m.sharpe)} |")


HEADER = ("| | trades | win rate | profit factor | net P&L | max drawdown | Sharpe |\n"
          "|---|---:|---:|---:|---:|---:|---:|")


def _quantiles(values: Sequence[float], show: Callable[[float], str] = _num) -> str:
    finite = np.array([v for v in values if not math.isnan(v) and not math.isinf(v)], dtype=float)
    if finite.size == 0:
        return "n/a"
    lo, mid, hi = np.percentile(finite, [5, 50, 95])
    return f"{show(float(mid))} [{show(float(lo))}, {show(float(hi))}]"


def random_rows(result: DatasetResult, label: str = "Battle Navale") -> list[str]:
    """The random-entry baseline's distribution over seeds: median [5th, 95th percentile]."""
    totals = result.random_totals
    beat = sum(1 for m in totals if m.net_pnl >= result.total.net_pnl)
    return [
        "| statistic over seeds | median [5th, 95th percentile] |",
        "|---|---|",
        f"| trades | {_quantiles([m.trades for m in totals], lambda x: f'{x:.0f}')} |",
        f"| win rate | {_quantiles([m.win_rate for m in totals], _pct)} |",
        f"| profit factor | {_quantiles([m.profit_factor for m in totals])} |",
        f"| net P&L | {_quantiles([m.net_pnl for m in totals], _money)} |",
        f"| max drawdown | {_quantiles([m.max_drawdown for m in totals], _money)} |",
        f"| Sharpe | {_quantiles([m.sharpe for m in totals])} |",
        f"| seeds with net P&L at least {label}'s | {beat} of {len(totals)} |",
    ]


def by_reason_rows(result: DatasetResult) -> list[str]:
    """The strategy's test-fold trades grouped by what opened them (its signal's reason: setup and regime)."""
    groups: dict[str, list[int]] = {}
    for fold in result.folds:
        for trip, reason in zip(fold.test.round_trips, fold.test.entry_reasons, strict=True):
            groups.setdefault(reason or "unknown", []).append(trip.net_cents)
    rows = ["| opened by | trades | win rate | profit factor | net P&L |", "|---|---:|---:|---:|---:|"]
    for reason, nets in sorted(groups.items(), key=lambda item: -len(item[1])):
        wins, losses = sum(n for n in nets if n > 0), -sum(n for n in nets if n < 0)
        pf = wins / losses if losses else math.inf if wins else math.nan
        rate = sum(1 for n in nets if n > 0) / len(nets)
        rows.append(f"| {reason} | {len(nets)} | {_pct(rate)} | {_num(pf)} | {_money(sum(nets) / 100)} |")
    return rows


def verdict(results: Sequence[DatasetResult]) -> str:
    """Plain words on the seed's claim (75–80% win rate, profit factor above 2.5)."""
    lines = []
    for r in results:
        m = r.total
        meets_win = not math.isnan(m.win_rate) and m.win_rate >= CLAIMED_WIN_RATE[0]
        meets_pf = not math.isnan(m.profit_factor) and m.profit_factor > CLAIMED_PROFIT_FACTOR
        median_random = float(np.median([x.net_pnl for x in r.random_totals])) if r.random_totals else math.nan
        below = sum(1 for x in r.random_totals if x.net_pnl < m.net_pnl)
        share = below / len(r.random_totals) if r.random_totals else math.nan
        if math.isnan(share):
            reading = ""
        elif 0.1 <= share <= 0.9:
            reading = " That is within the spread of random entries: no evidence of an edge in the entries."
        elif share > 0.9:
            reading = " That beats most random-entry runs, on this one history: a hint, not proof, of an edge."
        else:
            reading = " That is worse than most random-entry runs."
        lines.append(
            f"- **{r.dataset} ({r.symbol})**: out-of-sample win rate {_pct(m.win_rate)} against the claimed "
            f"75–80% ({'met' if meets_win else 'not met'}); profit factor {_num(m.profit_factor)} against the "
            f"claimed > 2.5 ({'met' if meets_pf else 'not met'}); net {_money(m.net_pnl)} after costs over "
            f"{m.trades} trades, against a median {_money(median_random)} for random entries with the same exits "
            f"and {_money(r.buy_hold_total.net_pnl)} for buy-and-hold. Its net P&L is above {below} of "
            f"{len(r.random_totals)} random-entry seeds.{reading}"
        )
    return "\n".join(lines)


def render(
    results: Sequence[DatasetResult],
    settings: WalkForwardSettings,
    command: str,
    config: str,
    risk_policies: Sequence[str] = (),
    label: str = "Battle Navale",
    copied_exits: Sequence[str] = ("atr_period", "stop_atr", "reward_risk", "max_hold_bars"),
) -> str:
    """The whole results page.

    ``risk_policies``: the names composed in the system file; ``label``: the strategy's
    name on the page; ``copied_exits``: the exit settings the random entries took from it.
    """
    exits = (f"the strategy's own exit settings ({', '.join(copied_exits)})" if copied_exits
             else "`random_entry`'s default ATR bracket (the strategy has no exit settings to copy)")
    grid = ", ".join(f"`{k}` in {list(v)}" for k, v in settings.grid.items()) or "nothing (fixed settings)"
    out = [
        f"# Results: {label} walk-forward on real daily data",
        "",
        f"Generated by `{command}` from `{config}`. Rerun it to reproduce every figure; nothing on this",
        "page is typed by hand.",
        "",
        "## Method",
        "",
        "- Data: the bundled real daily S&P 500 (traded as ES) and NASDAQ Composite (traded as NQ) history, "
        "index points on the futures' tick grid (no basis, no roll; see README).",
        f"- Rolling folds: train on {settings.train_years} calendar years, test on the next "
        f"{settings.test_years}; roll by {settings.test_years}. Test folds never overlap and are out of sample.",
        f"- Chosen on each train fold only: {grid}; the best Sharpe after costs among settings with at least "
        f"{settings.min_train_trades} train trades. The test fold then runs with those settings unchanged.",
        f"- Each window is a backtest by the engine's own path (`run_system`); the {settings.warmup_bars} bars "
        "before it only warm the features up (the `trading_window` filter blocks entries there); a position open "
        "at the window's end is closed at its last close.",
        "- After costs: the system file's commission per contract per side and slippage ticks on market and stop "
        "fills. Metrics are `mia_core.metrics.compute_metrics` (docs/metrics.md); Sharpe from daily returns, "
        "252 days a year; the totals chain the test folds' P&L into one curve.",
        f"- Baselines on the same test windows: random entries ({settings.seeds} seeds) with {exits}, the same "
        "costs and risk policies, entering with the train fold's entry rate; and buy-and-hold of the base size "
        "(bought at the first open, sold at the last close, same costs).",
        "",
        "## How it compares with the seed's claim",
        "",
        "The mission's source claims a 75–80% win rate and a profit factor above 2.5.",
        "",
        verdict(results),
        "",
    ]
    out += [
        "## Limits of this test",
        "",
        "- Daily bars only: the order-flow features estimate bid/ask volume from the bars (docs/features.md), and "
        "the intraday session features see one bar a day.",
        "- Dealer's bias is absent (no historical options snapshots are bundled): it counts as neutral 0.5, so 5% of "
        "the confluence weight is constant.",
        "- Index levels stand in for futures prices (no basis, no roll).",
        "- One contract per trade (`execution.contracts`). The `position` sizing section is off: with its defaults "
        "(0.5% of equity per trade) it would refuse every entry, since one contract with a 2 x ATR daily stop on "
        "ES or NQ risks more than $500 of a $100,000 account.",
        f"- Risk policies of the system file, applied to {label} and to the random entries alike: "
        f"{', '.join(risk_policies) or 'none'}.",
        "- A small grid limits selection bias but does not remove it; the per-fold table shows what was chosen.",
        "",
    ]
    for r in results:
        out += [f"## {r.dataset} ({r.symbol}), out of sample", "", HEADER,
                metrics_row(f"{label} (all test folds)", r.total),
                metrics_row("buy-and-hold (same folds)", r.buy_hold_total), "",
                "Random entries, same exits and risk:", "", *random_rows(r, label), "",
                f"{label}'s test-fold trades by what opened them (the entry signal's reason):", "",
                *by_reason_rows(r), "",
                "Per test fold:", "",
                "| test | chosen on train | train trades | train Sharpe | trades | win rate | profit factor "
                "| net P&L | max drawdown | Sharpe | random median net | buy-and-hold net |",
                "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for f in r.folds:
            t = f.test.metrics
            chosen = ", ".join(f"{k}={v}" for k, v in f.chosen.items()) or "-"
            random_net = float(np.median([w.metrics.net_pnl for w in f.random])) if f.random else math.nan
            out.append(
                f"| {f.fold.test_label} | {chosen} | {f.train.trades} | {_num(f.train.sharpe)} | {t.trades} "
                f"| {_pct(t.win_rate)} | {_num(t.profit_factor)} | {_money(t.net_pnl)} | {_money(t.max_drawdown)} "
                f"| {_num(t.sharpe)} | {_money(random_net)} | {_money(f.buy_hold.metrics.net_pnl)} |"
            )
        out.append("")
    return "\n".join(out)
