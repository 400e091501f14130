"""The HTML backtest report: one self-contained page a trader can send on (no network, small SVG charts)."""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from adapters.bootstrap.backtest import BacktestRun
from adapters.bootstrap.structure import unstructure
from adapters.reporting import charts
from adapters.reporting.files import run_trades_frame
from adapters.reporting.risk import risk_decisions_frame, risk_summary_frame
from adapters.reporting.summary import open_position_note, system_name
from adapters.version import mia_version
from mia_core.metrics import metrics_table_rows
from mia_core.metrics.table import format_money

_TRADE_COLUMNS = ["trade_id", "direction", "quantity", "entry_time", "exit_time", "entry_price", "exit_price",
                  "net_pnl", "commission", "mae", "mfe", "bars_held", "entry_reason", "exit_reason"]
_MONEY = {"net_pnl", "commission", "mae", "mfe"}


def resolved_yaml(run: BacktestRun) -> str:
    """The system as run: every setting with its default filled in, each component with ``use:`` first."""
    plan = run.plan
    data: dict[str, Any] = unstructure(plan.settings)
    for section, planned in plan.sections.items():
        entries = []
        for p in planned:
            entry: dict[str, Any] = {"use": p.spec.name}
            if p.ref.instance_name != p.spec.name:
                entry["as"] = p.ref.instance_name
            entry.update(unstructure(p.config) if p.config is not None else {})
            entries.append(entry)
        data[section] = entries[0] if section in ("data_feed", "broker", "strategy") and entries else entries
    return yaml.safe_dump(json.loads(json.dumps(data, default=str)), sort_keys=False, allow_unicode=True)


def _trade_rows(trades: pd.DataFrame) -> dict[str, Any]:
    frame = trades[_TRADE_COLUMNS].copy()
    for column in ("entry_time", "exit_time"):
        frame[column] = frame[column].dt.strftime("%Y-%m-%d %H:%M")
    return {"columns": _TRADE_COLUMNS, "rows": frame.to_numpy().tolist(),
            "money": [i for i, c in enumerate(_TRADE_COLUMNS) if c in _MONEY]}


def _monthly_table(table: pd.DataFrame) -> str:
    if table.empty:
        return "<p>No equity points.</p>"
    head = "".join(f"<th>{c}</th>" for c in ["", *table.columns])

    def cell(value: float) -> str:
        if math.isnan(value):
            return "<td></td>"
        alpha = min(0.85, abs(value) / 10 + 0.08)
        color = f"rgba(24,128,56,{alpha:.2f})" if value >= 0 else f"rgba(197,34,31,{alpha:.2f})"
        return f"<td style='background:{color}'>{value:.1f}%</td>"

    body = "".join(f"<tr><th>{year}</th>{''.join(cell(v) for v in row)}</tr>" for year, row in table.iterrows())
    return f"<table class='monthly'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _asset(name: str) -> str:
    return resources.files("adapters.reporting").joinpath("assets", name).read_text(encoding="utf-8")


def render(run: BacktestRun, now: dt.datetime | None = None) -> str:
    """The report page as text."""
    name = system_name(run)
    symbol = run.plan.instrument.symbol
    trades = run_trades_frame(run)
    series = run.series
    first, last = (pd.Timestamp(int(series.ts[i]), tz="UTC") for i in (0, -1))
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
    title = f"{name}: {symbol} backtest"
    banner = ""
    if run.result.stopped:
        title = "INCOMPLETE " + title
        banner = f"<p class='warn'><strong>Incomplete: {html.escape(run.result.stopped)}</strong></p>"
    note = open_position_note(run)
    if note:
        banner += f"<p class='info'>{html.escape(note)}</p>"
    metrics = "".join(f"<div class='kv'><span>{html.escape(k)}</span><span>{html.escape(v)}</span></div>"
                      for k, v in metrics_table_rows(run.metrics))
    summary = risk_summary_frame(risk_decisions_frame(run.result.journal))
    risk = summary.to_html(index=False, escape=True) if len(summary) else "<p>No risk policy judged any order.</p>"
    payload = {
        "equity": charts.equity_chart(run, name), "price": charts.price_chart(run, trades),
        "pnl": charts.pnl_histogram(trades), "trades": _trade_rows(trades),
    }
    blob = json.dumps(payload, separators=(",", ":"), default=float).replace("</", "<\\/")
    head_cells = "".join(f"<th>{c.replace('_', ' ')}</th>" for c in _TRADE_COLUMNS)
    hold = charts.buy_and_hold(run)
    contracts = run.plan.settings.execution.contracts
    meta = (f"{symbol}, {first:%Y-%m-%d} to {last:%Y-%m-%d}: {run.result.bars:,} bars · MIA {mia_version()} · "
            f"run {stamp} · system file {html.escape(run.plan.source)}")
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>{html.escape(title)}</title>
<style>{_asset("report.css")}</style></head><body><main>
<h1>{html.escape(title)}</h1><p class="meta">{meta}</p>{banner}
<h2>Summary</h2><p class="note">All figures after commissions and slippage. Net P&amp;L counts closed trades;
total return is the change in equity, open position included.</p><div class="grid2">{metrics}</div>
<h2>Equity and drawdown</h2><div id="chart-equity"></div>
<p class="note">Dashed: buy and hold, {contracts} {symbol} contract(s) (the system's <code>execution.contracts</code>)
bought at the first bar's open and sold at the last bar's close, after the same commission and slippage as the
system: {format_money(hold[-1] - run.initial_cash_cents / 100) if len(hold) else "n/a"} over the span. Below: the
system's drawdown from its running peak. Drag to zoom, double-click to reset.</p>
<h2>Trades on price</h2><div id="chart-price"></div>
<p class="note">Close price (decimated: each bucket's low and high kept), long entries ▲, short entries ▼, exits ✕ at
their fill times and prices. Drag to zoom in, double-click to reset; hover a marker for its trade.</p>
<h2>Net P&amp;L per trade</h2><div id="chart-pnl"></div>
<h2>Monthly returns</h2>{_monthly_table(charts.monthly_returns(run))}
<h2>Trades ({len(trades):,})</h2><p class="note">Click a column to sort. Times are fill times (UTC); see
docs/metrics.md.</p><div class="scroll"><table id="trade-list"><thead><tr>{head_cells}</tr></thead><tbody></tbody>
</table></div>
<h2>Risk: which rule blocked what, how often</h2>{risk}
<h2>System parameters</h2><details><summary>The resolved system (YAML)</summary>
<pre>{html.escape(resolved_yaml(run))}</pre></details>
</main><script type="application/json" id="mia-data">{blob}</script>
<script>{_asset("report.js")}</script></body></html>
"""


def write_html(run: BacktestRun, path: Path) -> Path:
    """Write the self-contained report to ``path`` (nothing is fetched when it is opened)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(run), encoding="utf-8")
    return path
