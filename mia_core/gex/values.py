"""An analysis as a flat ``name -> float`` mapping an analyzer can publish (NaN where there is no value).

Levels are given in futures prices (index level + ``basis``) under their plain names
(``zero_gamma``, ``call_wall``, ...) and in index points with an ``_index`` suffix.
"""

from __future__ import annotations

import math

from mia_core.gex import quality as q
from mia_core.gex.analysis import GexAnalysis
from mia_core.gex.exposure import futures_contracts

NAN = math.nan
LEVELS = (
    "zero_gamma",
    "zero_gamma_ex_0dte",
    "call_wall",
    "put_wall",
    "abs_gamma_strike",
    "call_oi_wall",
    "put_oi_wall",
)


def _f(value: float | None) -> float:
    return NAN if value is None else float(value)


def index_levels(a: GexAnalysis) -> dict[str, float | None]:
    """The key levels in index points (``None`` when absent)."""
    lv = a.levels
    return {
        "zero_gamma": a.zero_gamma.level,
        "zero_gamma_ex_0dte": a.zero_gamma_ex_0dte.level,
        "call_wall": lv.call_wall,
        "put_wall": lv.put_wall,
        "abs_gamma_strike": lv.abs_gamma_strike,
        "call_oi_wall": lv.call_oi_wall,
        "put_oi_wall": lv.put_oi_wall,
    }


def analysis_values(
    a: GexAnalysis, now_ns: int, *, basis: float, futures_multiplier: float, max_age_seconds: float
) -> dict[str, float]:
    """Levels, GEX, ratios and data quality as of ``now_ns`` (the confidence and ``q_age`` depend on the age)."""
    age = (now_ns - a.ts) / 1e9
    age_factor = q.age_factor(age, max_age_seconds, a.regular_hours)
    confidence = a.quality.with_age(age_factor)
    qual = a.quality
    futures_price = a.spot + basis
    out: dict[str, float] = {
        "confidence": confidence,
        "spot": futures_price,
        "spot_index": a.spot,
        "basis": basis,
    }
    for name, level in index_levels(a).items():
        out[name] = NAN if level is None else level + basis
        out[name + "_index"] = _f(level)
    out.update(
        regime_sign=float(a.zero_gamma.regime_sign),
        gex_total=a.gex_total,
        gex_window=a.gex_window,
        gex_0dte=a.gex_0dte,
        gex_ex_0dte=a.gex_ex_0dte,
        gex_volume_window=a.gex_volume_window,
        gex_futures_contracts=futures_contracts(a.gex_window, futures_price, futures_multiplier),
        pcr_oi=_f(a.pcr_oi),
        pcr_volume=_f(a.pcr_volume),
        atm_iv=_f(a.atm_iv),
        vol_30d=_f(a.vol_30d),
        dealer_sign_call=a.call_sign,
        dealer_sign_put=a.put_sign,
        q_age=age_factor,
        q_iv=qual.iv,
        q_parity=qual.parity,
        q_coverage=qual.coverage,
        q_parse=qual.parse,
        q_sign=qual.sign,
        q_flip=qual.flip,
        snapshot_ts=a.ts / 1e9,
        snapshot_age_seconds=age,
        rows_total=float(a.report.total),
        rows_bad=float(a.report.bad),
        rows_rejected=float(a.report.rejected),
        rows_absurd_open_interest=float(a.report.absurd_open_interest),
        rows_far_strike=float(a.report.far_strike),
        rows_missing_iv=float(a.missing_iv),
        rows_repaired_iv=float(a.repaired_iv),
    )
    return out
