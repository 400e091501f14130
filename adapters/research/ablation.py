"""Ablation: the system run again with each technique (and analyzer) removed, on the same data."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from adapters.bootstrap.backtest import BacktestRun, backtest_plan
from adapters.bootstrap.config import plan_system
from adapters.bootstrap.plugins import PluginHost

ELITE = ("tick_momentum", "delta_divergence", "volatility_regime", "session_optimizer", "smart_money",
         "order_book_imbalance")


@attrs.frozen
class AblationRow:
    """One variant's figures (after costs)."""

    variant: str
    trades: int
    trades_per_day: float
    win_rate: float
    profit_factor: float
    net_pnl: float
    max_drawdown_pct: float
    worst_day: float
    blocks: int  # entries refused by the risk rules and the day guard


def _name(entry: Any) -> str:
    if isinstance(entry, Mapping):
        return str(entry.get("as") or entry.get("use"))
    return str(entry)


def strategy_weights(data: Mapping[str, Any], host: PluginHost) -> dict[str, float]:
    """The strategy's resolved feature weights (defaults included), or {} when it has none."""
    weights = getattr(plan_system(data, host).one("strategy").config, "weights", None)
    return attrs.asdict(weights) if weights is not None and attrs.has(type(weights)) else {}


def _without_weight(data: dict[str, Any], weights: dict[str, float], feature: str) -> None:
    """Set ``feature``'s weight to 0 and scale the others up so that they still sum to 1."""
    removed = weights[feature]
    if removed >= 1 or not isinstance(data.get("strategy"), dict):
        return
    scaled = {k: (0.0 if k == feature else v / (1 - removed)) for k, v in weights.items()}
    last = max(scaled, key=lambda k: scaled[k])
    scaled[last] = 1.0 - sum(v for k, v in scaled.items() if k != last)
    data["strategy"]["weights"] = scaled


def variants(data: Mapping[str, Any], weights: Mapping[str, float]) -> list[tuple[str, dict[str, Any]]]:
    """The system as written, then without each technique and analyzer, then without every elite technique.

    A technique that is one of the strategy's weighted features (``weights``) leaves with its
    weight: set to 0, the others scaled up to sum to 1 (docs/decision.md).
    """
    base = copy.deepcopy(dict(data))
    if isinstance(base.get("strategy"), str):
        base["strategy"] = {"use": base["strategy"]}
    out = [("all techniques", base)]
    elite_present = False
    for section in ("techniques", "analyzers"):
        for i, entry in enumerate(base.get(section) or []):
            name = _name(entry)
            elite_present |= name in ELITE
            variant = copy.deepcopy(base)
            del variant[section][i]
            if name in weights:
                _without_weight(variant, dict(weights), name)
            out.append((f"without {name}", variant))
    if elite_present:
        variant = copy.deepcopy(base)
        for section in ("techniques", "analyzers"):
            variant[section] = [e for e in variant.get(section) or [] if _name(e) not in ELITE]
        out.append(("without every elite technique", variant))
    return out


def row(variant: str, run: BacktestRun) -> AblationRow:
    """The figures of one variant's run."""
    m = run.metrics
    blocks = sum(1 for e in run.result.journal if e.kind == "risk"
                 for d in e.payload["event"].decisions if d.verdict.value == "reject")
    days = max(m.trading_days, 1)
    return AblationRow(variant, m.trades, m.trades / days, m.win_rate, m.profit_factor, m.net_pnl,
                       m.max_drawdown_pct, m.worst_day, blocks)


def ablation(
    data: Mapping[str, Any], host: PluginHost, *, source: str = "<config>", bars: Path | None = None,
    start: dt.date | None = None, end: dt.date | None = None,
    report: Callable[[AblationRow], None] | None = None,
) -> list[AblationRow]:
    """Every variant run on the same bars; a row each, in order."""
    rows = []
    for name, variant in variants(data, strategy_weights(data, host)):
        plan = plan_system(variant, host, source=f"{source} ({name})")
        result = row(name, backtest_plan(plan, host, data=bars, start=start, end=end))
        rows.append(result)
        if report is not None:
            report(result)
    return rows


def _money(value: float) -> str:
    return f"{'-' if value < 0 else ''}${abs(value):,.2f}"


def _ratio(value: float, percent: bool = False) -> str:
    if value != value:
        return "-"
    if value == float("inf"):
        return "inf"
    return f"{value:.1%}" if percent else f"{value:.2f}"


def markdown(rows: list[AblationRow]) -> str:
    """The rows as a Markdown table (``-``: no trade to measure)."""
    lines = ["| variant | trades | trades/day | win rate | profit factor | net P&L | max DD | worst day | "
             "rule blocks |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r.variant} | {r.trades} | {r.trades_per_day:.2f} | {_ratio(r.win_rate, True)} | "
                     f"{_ratio(r.profit_factor)} | {_money(r.net_pnl)} | {r.max_drawdown_pct:.2%} | "
                     f"{_money(r.worst_day)} | {r.blocks} |")
    return "\n".join(lines)
