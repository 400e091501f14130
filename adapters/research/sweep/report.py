"""The sweep's report: a summary table in the terminal and an HTML page (heat map, parallel coordinates), offline."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    import pandas as pd

PARAM = "param:"


def param_columns(rows: pd.DataFrame) -> list[str]:
    return [c for c in rows.columns if c.startswith(PARAM)]


def by_point(rows: pd.DataFrame, metric: str) -> pd.DataFrame:
    """One line per parameter point: the metric's mean over datasets and windows, trades summed, run count."""
    params = param_columns(rows)
    keyed = rows.assign(**{c: rows[c].astype(str) for c in params})
    grouped = keyed.groupby(params, sort=False, dropna=False)
    out = grouped.agg(metric=(metric, "mean"), trades=("trades", "sum"), runs=("run", "count")).reset_index()
    return out.rename(columns={"metric": metric})


def summary_table(rows: pd.DataFrame, metric: str, top: int = 10) -> Table:
    """The ``top`` points by ``metric`` (mean over datasets and windows)."""
    points = by_point(rows, metric).sort_values(metric, ascending=False, na_position="last", kind="stable")
    params = param_columns(rows)
    table = Table(title=f"best {min(top, len(points))} of {len(points)} points by {metric} (after costs)")
    for column in [*(p[len(PARAM):] for p in params), metric, "trades", "runs"]:
        table.add_column(escape(column), justify="right")
    for _, line in points.head(top).iterrows():
        value = line[metric]
        shown = "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.3f}"
        table.add_row(*(escape(str(line[p])) for p in params), shown, str(line["trades"]), str(line["runs"]))
    return table


def write_html(rows: pd.DataFrame, metric: str, path: Path, title: str, notes: Sequence[str] = ()) -> Path:
    """A self-contained page (plotly.js inlined: it opens offline); ``notes`` (the overfitting figures) on top."""
    import pandas as pd
    import plotly.graph_objects as go
    points = by_point(rows, metric)
    params = param_columns(rows)
    figures = []
    if len(params) >= 2:
        x, y = params[0], params[1]
        pivot = points.groupby([y, x], sort=False)[metric].mean().unstack(x)
        heat = go.Figure(go.Heatmap(z=pivot.to_numpy(), x=[str(c) for c in pivot.columns],
                                    y=[str(i) for i in pivot.index], colorscale="RdYlGn", colorbar={"title": metric}))
        heat.update_layout(title=f"{metric}: {y[len(PARAM):]} × {x[len(PARAM):]} (mean over the other settings)",
                           xaxis_title=x[len(PARAM):], yaxis_title=y[len(PARAM):])
        figures.append(heat)
    dims = []
    for p in params:
        codes, labels = pd.factorize(points[p], sort=True)
        dims.append({"label": p[len(PARAM):], "values": codes, "tickvals": list(range(len(labels))),
                     "ticktext": [str(v) for v in labels]})
    score = points[metric].astype(float).fillna(float("nan"))
    dims.append({"label": metric, "values": score})
    parallel = go.Figure(go.Parcoords(line={"color": score, "colorscale": "RdYlGn", "showscale": True},
                                      dimensions=dims))
    parallel.update_layout(title=f"every point: settings and {metric}")
    figures.append(parallel)
    parts = [f.to_html(full_html=False, include_plotlyjs=(i == 0))
             for i, f in enumerate(figures)]
    body = "\n".join(parts)
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
            f"<body><h1>{html.escape(title)}</h1><p>{len(rows)} runs, {len(points)} points; metric after costs: "
            f"{html.escape(metric)}. Rows: runs.parquet beside this page.</p>{_notes(notes)}{body}</body></html>")
    path.write_text(page, encoding="utf-8")
    return path


def _notes(notes: Sequence[str]) -> str:
    if not notes:
        return ""
    head, *items = notes
    listed = "".join(f"<li>{html.escape(item.removeprefix('- '))}</li>" for item in items)
    return f"<section id='overfitting'><h2>Overfitting</h2><p>{html.escape(head)}</p><ul>{listed}</ul></section>"
