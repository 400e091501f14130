"""Levels for a Sierra Chart study: dealer's-bias gamma levels and support/resistance as MIA computes them.

The CSV (header ``label,price,kind,ts_utc,source,value``) is what docs/sierra/MIA_Levels.cpp
draws: one horizontal line per row at ``price`` (futures price on the tick grid), coloured by
``kind`` (``gamma``, ``support``, ``resistance``); a ``score`` row carries the dealer's-bias
score in ``value`` (price empty). Its first two columns are those of the GEX export, so the
older MIA_GexLevels study reads it too. The values come from the registered components
(``support_resistance`` technique, ``dealers_bias`` analyzer) built through the plugin
registry and fed the same bars a system would see.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from adapters.bootstrap.plugins import PluginHost, discover
from adapters.bootstrap.standalone import StandaloneBuildContext
from adapters.bootstrap.structure import structure_attrs
from mia_core.errors import MiaError
from mia_core.gex.codec import iso_utc
from mia_core.instruments import Instrument
from mia_core.series import BarSeries
from ports.components import ComponentKind

HEADER = ("label", "price", "kind", "ts_utc", "source", "value")
GAMMA = ("zero_gamma", "call_wall", "put_wall", "abs_gamma_strike", "zero_gamma_ex_0dte", "call_oi_wall",
         "put_oi_wall")  # fmt: skip


@attrs.frozen
class Level:
    """One row: a labelled price (None for the score row), its kind, the component it came from, a value."""

    label: str
    price: float | None
    kind: str
    source: str
    value: float | None = None


def _grid(price: float, tick: float) -> float:
    return round(price / tick) * tick


def bias_levels(values: Mapping[str, float], tick: float, source: str = "dealers_bias") -> list[Level]:
    """The gamma levels the ``dealers_bias`` analyzer published (futures prices), and its score."""
    out = [Level(name, _grid(values[name], tick), "gamma", source) for name in GAMMA
           if name in values and math.isfinite(values[name])]
    if "score" in values and values.get("error", 0.0) == 0.0:
        out.append(Level("bias_score", None, "score", source, float(values["score"])))
        out.append(Level("bias_confidence", None, "score", source, float(values.get("confidence", 0.0))))
    return out


def support_resistance_levels(values: Mapping[str, float], tick: float,
                              source: str = "support_resistance") -> list[Level]:
    """The support and resistance the ``support_resistance`` technique published."""
    return [Level(name, _grid(values[name], tick), name, source) for name in ("support", "resistance")
            if name in values and math.isfinite(values[name])]


def write_levels(path: str | Path, levels: list[Level], ts_ns: int) -> Path:
    """Write the CSV atomically (a study reloading it never sees half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    stamp = iso_utc(ts_ns)[:19] + "Z"
    with tmp.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        for level in levels:
            price = "" if level.price is None else f"{level.price:.2f}"
            value = "" if level.value is None else f"{level.value:.4f}"
            writer.writerow((level.label, price, level.kind, stamp, level.source, value))
    os.replace(tmp, path)
    return path


def _build(host: PluginHost, kind: ComponentKind, name: str, settings: Mapping[str, Any],
           instrument: Instrument) -> Any:
    spec, provider = host.component(kind, name)
    try:
        config = structure_attrs(spec.config_class, dict(settings), name)
        return spec.factory(config, StandaloneBuildContext(instrument))
    except Exception as exc:
        raise MiaError(f"building {name!r} from {provider.label} failed: {exc}") from exc


def compute_levels(bars: BarSeries, instrument: Instrument, *, lookback: int = 20,
                   bias: Mapping[str, Any] | None = None, host: PluginHost | None = None) -> list[Level]:
    """Support/resistance (and, with ``bias`` settings such as ``snapshot_dir``, the gamma levels) at the last bar."""
    if len(bars) == 0:
        raise MiaError("no bars to compute levels from")
    host = host if host is not None else discover()
    technique = _build(host, ComponentKind.TECHNIQUE, "support_resistance", {"lookback": lookback}, instrument)
    recent = bars.slice(max(0, len(bars) - 4 * lookback), len(bars))
    values: Mapping[str, float] = {}
    for bar in recent:
        values = technique.update(bar)
    levels = support_resistance_levels(values, instrument.tick_size)
    if bias is not None:
        analyzer = _build(host, ComponentKind.ANALYZER, "dealers_bias", bias, instrument)
        published: Mapping[str, float] | None = None
        for bar in recent:
            published = analyzer.on_event(bar) or published
        levels = bias_levels(published or {}, instrument.tick_size) + levels
    return levels
