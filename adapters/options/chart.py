"""GEX-by-strike charts (PNG with matplotlib, HTML with plotly), spot, flip and walls marked."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mia_core.gex.analysis import GexAnalysis
from mia_core.gex.codec import iso_utc

BILLION = 1e9


def _window(a: GexAnalysis, width: float) -> np.ndarray:
    k = a.profile.strike
    return np.asarray(np.abs(k / a.spot - 1.0) <= width)


def _markers(a: GexAnalysis) -> list[tuple[str, float, str]]:
    """(label, level, colours joined by '/'): levels that coincide share one line, labelled with every name."""
    marks: list[tuple[str, float, str]] = [("spot", a.spot, "black")]
    named = (("zero gamma", a.zero_gamma.level, "purple"), ("call wall", a.levels.call_wall, "green"),
             ("put wall", a.levels.put_wall, "red"))  # fmt: skip
    for label, level, color in named:
        if level is None:
            continue
        same = next((i for i, m in enumerate(marks) if abs(m[1] - level) < 1e-9), None)
        if same is None:
            marks.append((label, level, color))
        else:
            old = marks[same]
            marks[same] = (f"{old[0]} = {label}", old[1], f"{old[2]}/{color}")
    return marks


def _dashes(count: int, index: int) -> tuple[int, tuple[int, int]]:
    """Matplotlib dash pattern so ``count`` colours take turns along one line (each stays visible)."""
    return (4 * index, (4, 4 * (count - 1)))


def _title(a: GexAnalysis) -> str:
    return (
        f"{a.underlying} GEX by strike ($bn per 1% move, window expiries) at {iso_utc(a.ts)[:19]}Z; "
        f"net {a.gex_window / BILLION:+.2f} bn"
    )


def write_png(a: GexAnalysis, path: str | Path, width: float = 0.08) -> Path:
    """Bars of call and put GEX and the net line by strike within ``width`` of spot."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    m = _window(a, width)
    k, p = a.profile.strike[m], a.profile
    step = float(np.median(np.diff(k))) if k.size > 1 else 5.0
    fig, ax = plt.subplots(figsize=(12, 6))
    ax.bar(k, p.call[m] / BILLION, width=step * 0.8, color="tab:green", alpha=0.6, label="calls")
    ax.bar(k, p.put[m] / BILLION, width=step * 0.8, color="tab:red", alpha=0.6, label="puts")
    ax.plot(k, p.net[m] / BILLION, color="tab:blue", linewidth=1.5, label="net")
    for label, level, colors in _markers(a):
        shades = colors.split("/")
        for i, color in enumerate(shades):
            style = "--" if len(shades) == 1 else _dashes(len(shades), i)
            ax.axvline(level, color=color, linestyle=style, linewidth=1.2,
                       label=f"{label} {level:,.1f}" if i == 0 else None)
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_xlabel(f"{a.underlying} strike")
    ax.set_ylabel("GEX, $bn per 1% move")
    ax.set_title(_title(a), fontsize=10)
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_html(a: GexAnalysis, path: str | Path, width: float = 0.08) -> Path:
    """The same chart as an interactive plotly page (plotly.js included, works offline)."""
    import plotly.graph_objects as go

    path = Path(path)
    m = _window(a, width)
    k, p = a.profile.strike[m], a.profile
    fig = go.Figure()
    fig.add_bar(x=k, y=p.call[m] / BILLION, name="calls", marker_color="green", opacity=0.6)
    fig.add_bar(x=k, y=p.put[m] / BILLION, name="puts", marker_color="red", opacity=0.6)
    fig.add_scatter(x=k, y=p.net[m] / BILLION, name="net", mode="lines", line={"color": "blue"})
    for label, level, colors in _markers(a):
        for i, color in enumerate(colors.split("/")):
            fig.add_vline(x=level, line_dash=("dash", "dot", "dashdot")[i % 3], line_color=color,
                          annotation_text=f"{label} {level:,.1f}" if i == 0 else None)
    fig.update_layout(
        title=_title(a), barmode="overlay", xaxis_title=f"{a.underlying} strike", yaxis_title="$bn per 1% move"
    )
    fig.write_html(path, include_plotlyjs=True, full_html=True)
    return path
