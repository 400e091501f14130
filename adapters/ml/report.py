"""The evaluation as text (terminal and Markdown) and the reliability plot as SVG."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

from adapters.ml.evaluate import Evaluation
from adapters.ml.metrics import Scores
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


def trading_rows(ev: Evaluation) -> list[str]:
    """Markdown rows: net dollars after costs of the tested trades, with and without the filter, and random picks."""
    t = ev.trading
    return [
        "| tested candidate trades, after costs | trades | net |",
        "|---|---:|---:|",
        f"| without the filter (take all) | {t.all_trades} | {format_money(t.all_dollars)} |",
        f"| with the filter | {t.filtered_trades} | {format_money(t.filtered_dollars)} |",
        f"| random filter, same take-rate per fold (median of 200; 5%-95%) | {t.filtered_trades} | "
        f"{format_money(t.random_median)} ({format_money(t.random_p05)} to {format_money(t.random_p95)}) |",
    ]


def verdict(ev: Evaluation) -> str:
    """One plain sentence: does the filter help out of sample?"""
    t, m, b = ev.trading, ev.model, ev.baseline
    if t.filtered_trades == 0:
        return "The filter took no trade out of sample at this threshold: it does not help (it only stops trading)."
    beats_all = t.filtered_dollars > t.all_dollars
    beats_random = t.filtered_dollars > t.random_p95
    better_brier = m.brier < b.brier
    if beats_all and beats_random and better_brier:
        return ("The filter helps out of sample: more net dollars than taking every signal and than 95% of random "
                "filters at its take-rate, with a better Brier score than the baseline.")
    return (f"The filter does not help out of sample: net {format_money(t.filtered_dollars)} with it against "
            f"{format_money(t.all_dollars)} without it (random filters at its take-rate: median "
            f"{format_money(t.random_median)}); Brier {_f(m.brier)} against the baseline's {_f(b.brier)}.")


def importance_rows(importance: Mapping[str, float], top: int = 12) -> list[str]:
    """Markdown rows: the features with the largest importance share."""
    ranked = sorted(importance.items(), key=lambda kv: -kv[1])[:top]
    return ["| feature | importance |", "|---|---:|", *(f"| {k} | {_pct(v)} |" for k, v in ranked)]


def markdown(title: str, ev: Evaluation, importance: Mapping[str, float], command: str) -> str:
    """The whole evaluation as a Markdown section."""
    lines = [f"## {title}", "", f"Measured by `{command}`.", "",
             f"Purged, embargoed walk-forward validation: {ev.folds} test folds, {ev.tested} candidate signals "
             "tested out of sample.", "", *score_rows(ev), "", *trading_rows(ev), "", verdict(ev), ""]
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
