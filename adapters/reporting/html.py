"""The HTML backtest report: equity, drawdown, trades on price, monthly returns (plotly)."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from adapters.bootstrap.backtest import BacktestRun
from adapters.reporting.files import equity_frame
from adapters.reporting.risk import risk_decisions_frame, risk_summary_frame
from mia_core.accounting import round_trips_frame
from mia_core.metrics import metrics_table_rows

MAX_PRICE_POINTS = 50_000


def _price_chart(run: BacktestRun) -> go.Figure:
    series = run.series
    step = max(1, len(series) // MAX_PRICE_POINTS)
    times = pd.to_datetime(series.ts[::step], utc=True)
    fig = go.Figure(go.Scattergl(x=times, y=series.close[::step], name="close", line={"width": 1}))
    trades = round_trips_frame(run.result.round_trips)
    if len(trades):
        for side, symbol, color in (("buy", "triangle-up", "green"), ("sell", "triangle-down", "red")):
            entries = trades[trades["side"] == side]
            fig.add_trace(go.Scattergl(x=entries["entry_time"], y=entries["entry_price"], mode="markers",
                                       marker={"symbol": symbol, "color": color, "size": 8}, name=f"{side} entry"))
        fig.add_trace(go.Scattergl(x=trades["exit_time"], y=trades["exit_price"], mode="markers",
                                   marker={"symbol": "x", "color": "black", "size": 7}, name="exit"))
    fig.update_layout(title="Trades on price", height=450)
    return fig


def _equity_chart(run: BacktestRun) -> go.Figure:
    frame = equity_frame(run.result)
    step = max(1, len(frame) // MAX_PRICE_POINTS)
    frame = frame.iloc[::step]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.7, 0.3], vertical_spacing=0.05)
    fig.add_trace(go.Scattergl(x=frame["time"], y=frame["equity"], name="equity ($)"), row=1, col=1)
    fig.add_trace(go.Scattergl(x=frame["time"], y=frame["drawdown"], name="drawdown ($)", fill="tozeroy",
                               line={"color": "firebrick"}), row=2, col=1)
    fig.update_layout(title="Equity and drawdown (after costs)", height=550)
    return fig


def monthly_returns(run: BacktestRun) -> pd.DataFrame:
    """Percent return per calendar month (rows years, columns months)."""
    frame = equity_frame(run.result).set_index("time")["equity"]
    if frame.empty:
        return pd.DataFrame()
    month_end = frame.resample("ME").last().dropna()
    start = pd.concat([pd.Series([run.initial_cash_cents / 100], index=[month_end.index[0] - pd.offsets.MonthEnd()]),
                       month_end])
    returns = start.pct_change().dropna() * 100
    table = pd.DataFrame({"year": returns.index.year, "month": returns.index.month, "ret": returns.to_numpy()})
    return table.pivot(index="year", columns="month", values="ret")


def _monthly_chart(run: BacktestRun) -> go.Figure:
    table = monthly_returns(run)
    fig = go.Figure(go.Heatmap(z=table.to_numpy(), x=[str(m) for m in table.columns], y=[str(y) for y in table.index],
                               colorscale="RdYlGn", zmid=0, text=table.round(2).to_numpy(), texttemplate="%{text}"))
    fig.update_layout(title="Monthly returns (%)", height=max(300, 22 * len(table) + 120))
    return fig


def write_html(run: BacktestRun, path: Path) -> Path:
    """Write a self-contained report to ``path`` (plotly.js inlined, nothing fetched when opened)."""
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                   for k, v in metrics_table_rows(run.metrics))
    summary = risk_summary_frame(risk_decisions_frame(run.result.journal))
    none = "<p>No risk policy judged any order.</p>"
    risk_table = summary.to_html(index=False, escape=True) if len(summary) else none
    risk = "<h2>Risk: which rule blocked what, how often</h2>" + risk_table
    charts = [_equity_chart(run), _price_chart(run), _monthly_chart(run)]
    parts = [fig.to_html(full_html=False, include_plotlyjs=(i == 0)) for i, fig in enumerate(charts)]
    title = html.escape(f"MIA backtest: {run.plan.source} ({run.plan.instrument.symbol})")
    stopped = ""
    if run.result.stopped:
        title = "INCOMPLETE " + title
        stopped = f"<p><strong>Incomplete: {html.escape(run.result.stopped)}</strong></p>"
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<h1>{title}</h1>{stopped}<p>{run.result.bars} bars; statistics after commissions and slippage.</p>"
            f"<table>{rows}</table>{risk}{''.join(parts)}</body></html>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
