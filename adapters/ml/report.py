"""The evaluation as text (terminal and Markdown) and the reliability plot as SVG."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from adapters.ml.evaluate import Evaluation
from adapters.ml.metrics import Scores, calibration_verdict
from mia_core.metrics.table import format_money


def _f(x: float, digits: int = 3) -> str:
    return "-" if not math.isfinite(x) else f"{x:.{digits}f}"


def _pct(x: float) -> str:
    return "-" if not math.isfinite(x) else f"{100 * x:.1f}%"


def score_rows(ev: Evaluation) -> list[str]:
    """Markdown rows: the ensemble and the always-take baseline, out of sample."""
    head = ["| | samples | win rate | accuracy | precision | take-rate | Brier | ECE |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]

    def row(label: str, s: Scores) -> str:
        return (f"| {label} | {s.samples} | {_pct(s.base_rate)} | {_pct(s.accuracy)} | {_pct(s.precision)} | "
                f"{_pct(s.take_rate)} | {_f(s.brier)} | {_f(s.ece)} |")

    return [*head, row(f"ensemble (P >= {ev.threshold:.2f})", ev.model), row("always take (baseline)", ev.baseline)]


def calibration_lines(ev: Evaluation) -> list[str]:
    """The ensemble's ECE beside what sampling noise alone gives on as many rows, and the verdict on the target."""
    n = ev.ece_noise
    return [
        "| calibration of the ensemble, out of sample | ECE |", "|---|---:|",
        f"| measured on {ev.tested} rows | {_f(ev.model.ece)} |",
        f"| bootstrap 5% to 95% of the measured | {_f(n.boot_p05)} to {_f(n.boot_p95)} |",
        f"| a perfectly calibrated forecast with the same probabilities and rows: mean (95%) | "
        f"{_f(n.perfect_mean)} ({_f(n.perfect_p95)}) |",
        "", f"Calibration: {calibration_verdict(ev.model.ece, n)}.",
    ]


def _day(ns: int | None) -> str:
    if ns is None:
        return "end of data"
    return dt.datetime.fromtimestamp(ns / 1e9, tz=dt.UTC).strftime("%Y-%m-%d")


def _random_cell(values: NDArray[np.float64]) -> str:
    if not len(values):
        return "-"
    q05, q50, q95 = (float(v) for v in np.quantile(values, [0.05, 0.5, 0.95]))
    return f"{format_money(q50)} ({format_money(q05)} to {format_money(q95)})"


def trading_rows(ev: Evaluation) -> list[str]:
    """Markdown rows: the system's backtest of each test fold's period without and with the filter, and random."""
    t = ev.trading
    rows = [
        "| fold | period (UTC) | without: trades | without: net | with: judged | with: taken | with: trades | "
        f"with: net | random at the same take-rate: net, median ({t.random_runs} runs; 5% to 95%) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for f in t.folds:
        randoms = np.array([r.net for r in f.random], dtype=float)
        rows.append(f"| {f.window.fold + 1} | {_day(f.window.start_ns)} to {_day(f.window.end_ns)} | "
                    f"{f.without.trades} | {format_money(f.without.net)} | {f.with_filter.judged} | "
                    f"{f.with_filter.taken} | {f.with_filter.trades} | {format_money(f.with_filter.net)} | "
                    f"{_random_cell(randoms)} |")
    judged = sum(f.with_filter.judged for f in t.folds)
    taken = sum(f.with_filter.taken for f in t.folds)
    rows.append(f"| all | | {t.all_trades} | {format_money(t.all_dollars)} | {judged} | {taken} | "
                f"{t.filtered_trades} | {format_money(t.filtered_dollars)} | {_random_cell(t.random_totals())} |")
    return rows


def verdict(ev: Evaluation) -> str:
    """One plain sentence: does the filter help out of sample?"""
    t, m, b = ev.trading, ev.model, ev.baseline
    if t.filtered_trades == 0:
        return (f"The filter does not help: it took no trade out of sample (no forecast reached {ev.threshold:.2f}), "
                f"so it only stops trading; the system without it made {format_money(t.all_dollars)} on the same "
                "periods.")
    beats_all = t.filtered_dollars > t.all_dollars
    _, median, p95 = t.random_quantiles()
    beats_random = not math.isfinite(p95) or t.filtered_dollars > p95
    better_brier = m.brier < b.brier
    if beats_all and beats_random and better_brier:
        return ("The filter helps out of sample: more net dollars than the system without it and than 95% of "
                "random filters at its take-rate, with a better Brier score than the baseline.")
    return (f"The filter does not help out of sample: net {format_money(t.filtered_dollars)} with it against "
            f"{format_money(t.all_dollars)} without it (random filters at its take-rate: median "
            f"{format_money(median)}, 95% of them below {format_money(p95)}); Brier {_f(m.brier)} against the "
            f"baseline's {_f(b.brier)}.")


def importance_rows(importance: Mapping[str, float], top: int = 12) -> list[str]:
    """Markdown rows: the features with the largest importance share."""
    ranked = sorted(importance.items(), key=lambda kv: -kv[1])[:top]
    return ["| feature | importance |", "|---|---:|", *(f"| {k} | {_pct(v)} |" for k, v in ranked)]


def markdown(title: str, ev: Evaluation, importance: Mapping[str, float], command: str) -> str:
    """The whole evaluation as a Markdown section."""
    lines = [f"## {title}", "", f"Measured by `{command}`.", "",
             f"Purged, embargoed walk-forward validation: {ev.folds} test folds, {ev.tested} candidate signals "
             "tested out of sample.", "", *score_rows(ev), "", *calibration_lines(ev), "",
             "The system's backtest of each test fold's period, after costs (commissions and slippage; open P&L at "
             "the period's end included): without the filter, with it (the model fitted on that fold's training "
             "rows), and with a random filter taking entries at the filter's take-rate in that fold.", "",
             *trading_rows(ev), "", verdict(ev), ""]
    if ev.leaks:
        lines += ["Suspected leaks (one feature alone ranks the outcome): "
                  + ", ".join(f"{n} (AUC {a:.2f})" for n, a in ev.leaks), ""]
    lines += ["Feature importance (final model, weighted over the three models):", "", *importance_rows(importance),
              ""]
    return "\n".join(lines)


def reliability_svg(ev: Evaluation, path: Path) -> Path:
    """The reliability diagram (forecast against observed frequency per bin) as an SVG file."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    mean_p, freq, count = ev.reliability
    used = count > 0
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfect calibration")
    ax.plot(mean_p[used], freq[used], marker="o", label=f"ensemble (ECE {ev.model.ece:.3f})")
    for x, y, n in zip(mean_p[used], freq[used], count[used], strict=True):
        ax.annotate(str(int(n)), (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set_xlabel("forecast probability of a winning trade")
    ax.set_ylabel("observed share of winners")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="svg")
    plt.close(fig)
    return path
