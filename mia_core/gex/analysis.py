"""From a chain snapshot to GEX, levels, zero gamma, ratios and data quality (one call)."""

from __future__ import annotations

import attrs
import numpy as np
from numpy.typing import NDArray

from mia_core.gex import quality as q
from mia_core.gex.chain import ChainArrays
from mia_core.gex.dealer_sign import ZERO_DTE_FACTOR, buckets, infer_signs
from mia_core.gex.expiry import ONE_HOUR_YEARS, is_regular_hours
from mia_core.gex.exposure import SignConvention, StrikeProfile, by_group, by_strike, dollar_gamma_1pct, fixed_signs
from mia_core.gex.groups import (
    ExpiryGroups,
    IvSource,
    atm_ivs,
    build_groups,
    front_atm_iv,
    group_rows,
    row_ivs,
    thirty_day_vol,
)
from mia_core.gex.levels import Levels, key_levels, put_call_ratio
from mia_core.gex.pricing import black76_delta, black76_gamma, spot_gamma_from_forward
from mia_core.gex.screen import ScreenReport, screen
from mia_core.gex.zero_gamma import GammaProfile, ZeroGamma, find_zero_gamma, grid
from mia_core.validation import positive

F8 = NDArray[np.float64]


@attrs.frozen(slots=True)
class GexSettings:
    """How a snapshot is analysed (docs/gex.md links the source of every default)."""

    rate: float = 0.045
    dividend_yield: float = 0.013
    multiplier: float = attrs.field(default=100.0, validator=positive)
    max_moneyness: float = attrs.field(default=0.2, validator=positive)
    window_days: float = attrs.field(default=45.0, validator=positive)
    sign_convention: SignConvention = SignConvention.NAIVE
    iv_source: IvSource = IvSource.QUOTES
    flip_low: float = 0.8
    flip_high: float = 1.2
    flip_points: int = 81
    time_floor_years: float = ONE_HOUR_YEARS
    max_relative_spread: float = 1.0


@attrs.frozen(slots=True)
class GexSummary:
    """The headline figures of the window's expiries (index points; ``None`` when unavailable).

    ``gex_net`` and ``gex_gross`` are the signed and unsigned GEX sums ($ per 1 % move),
    ``flip`` the zero-gamma level with ``regime_sign`` the sign of dealer gamma at spot,
    ``atm_iv`` the front ATM IV (a fraction), ``pcr`` the open-interest put/call ratio and
    ``vol`` the 30-day ATM volatility in points. What a score built on the analysis reads.
    """

    spot: float
    gex_net: float
    gex_gross: float
    flip: float | None
    regime_sign: int
    atm_iv: float | None
    call_wall: float | None
    put_wall: float | None
    pcr: float | None
    vol: float | None


@attrs.frozen(slots=True, eq=False)
class Contracts:
    """The rows analysed (after screening) with their group, time, forward, IV, gamma, sign and GEX."""

    chain: ChainArrays
    group: NDArray[np.int64]
    t: F8
    forward: F8
    iv: F8
    gamma: F8
    sign: F8
    gex: F8
    gross: F8
    in_window: NDArray[np.bool_]
    zero_dte: NDArray[np.bool_]


@attrs.frozen(slots=True, eq=False)
class GexAnalysis:
    """Everything computed from one snapshot; levels in index points; GEX in $ per 1 % move.

    ``window`` totals, levels, ratios and the flip use expiries up to ``window_days``
    (0DTE included); ``total`` sums every expiry. ``confidence_at`` adds the snapshot's age.
    """

    underlying: str
    ts: int
    spot: float
    report: ScreenReport
    repaired_iv: int
    missing_iv: int
    contracts: Contracts
    groups: ExpiryGroups
    gex_by_group: F8
    profile: StrikeProfile
    profile_all: StrikeProfile
    gex_total: float
    gex_window: float
    gross_window: float
    gex_0dte: float
    gex_volume_window: float
    levels: Levels
    zero_gamma: ZeroGamma
    zero_gamma_ex_0dte: ZeroGamma
    pcr_oi: float | None
    pcr_volume: float | None
    atm_iv: float | None
    vol_30d: float | None
    call_sign: float
    put_sign: float
    quality: q.Quality
    regular_hours: bool
    summary: GexSummary

    @property
    def gex_ex_0dte(self) -> float:
        """Window GEX without same-day expiries."""
        return self.gex_window - self.gex_0dte

    def confidence_at(self, now_ns: int, max_age_seconds: float) -> float:
        """Confidence when used at ``now_ns``: static quality times the age factor."""
        age = (now_ns - self.ts) / 1e9
        return self.quality.with_age(q.age_factor(age, max_age_seconds, self.regular_hours))


def analyse(chain: ChainArrays, settings: GexSettings = GexSettings()) -> GexAnalysis:
    """Screen, price and aggregate one chain."""
    s, r = settings, settings.rate
    clean, report = screen(chain, s.max_moneyness)
    settle, group = group_rows(clean)
    groups, mid = build_groups(clean, settle, group, r, s.dividend_yield, s.time_floor_years, s.max_relative_spread)
    ivs = row_ivs(clean, group, groups, mid, r, s.iv_source)
    groups = attrs.evolve(groups, atm_iv=atm_ivs(clean.strike, ivs.iv, group, groups))
    t, fwd = groups.t[group], groups.forwards.forward[group]
    spot, oi = clean.spot, clean.open_interest
    gamma = spot_gamma_from_forward(black76_gamma(fwd, clean.strike, t, r, ivs.iv), fwd, spot)
    has_iv = np.isfinite(gamma)
    gamma = np.where(has_iv, gamma, 0.0)
    gross = dollar_gamma_1pct(gamma, oi, s.multiplier, spot)
    in_window = groups.t[group] * 365.0 <= s.window_days
    zero_dte = groups.zero_dte[group]
    if s.sign_convention is SignConvention.INFERRED:
        delta = black76_delta(fwd, clean.strike, t, r, ivs.iv, clean.is_call)
        inferred = infer_signs(
            clean.is_call,
            buckets(t * 365.0, zero_dte),
            clean.bid,
            clean.ask,
            clean.last,
            clean.volume,
            gamma,
            ivs.iv,
            delta,
            gross,
        )
        sign, call_sign, put_sign, sign_q = inferred.signs, inferred.call_sign, inferred.put_sign, inferred.confidence
    else:
        sign = fixed_signs(s.sign_convention, clean.is_call)
        call_sign, put_sign = float(sign[clean.is_call][:1].sum()), float(sign[~clean.is_call][:1].sum())
        # who holds same-day gamma is disputed: its share of the window's gross gamma counts at half confidence
        window_gross = float(gross[in_window].sum())
        share_0dte = float(gross[in_window & zero_dte].sum()) / window_gross if window_gross > 0 else 0.0
        sign_q = 1.0 - (1.0 - ZERO_DTE_FACTOR) * share_0dte
    gex = sign * gross
    contracts = Contracts(clean, group, t, fwd, ivs.iv, gamma, sign, gex, gross, in_window, zero_dte)
    w = in_window
    profile = by_strike(clean.strike[w], clean.is_call[w], gex[w], gross[w], oi[w])
    profile_all = by_strike(clean.strike, clean.is_call, gex, gross, oi)
    live = w & has_iv & (oi > 0)
    gp = GammaProfile.build(
        spot, clean.strike[live], fwd[live], t[live], r, ivs.iv[live], sign[live] * oi[live], s.multiplier
    )
    ex0 = np.where(zero_dte[live], 0.0, gp.w)
    xs = grid(spot, s.flip_low, s.flip_high, s.flip_points)
    both = gp.values(xs, np.column_stack((gp.w, ex0)))
    flip = find_zero_gamma(gp, spot, low=s.flip_low, high=s.flip_high, points=s.flip_points, values=both[:, 0])
    flip_ex0 = find_zero_gamma(
        gp, spot, low=s.flip_low, high=s.flip_high, points=s.flip_points, weights=ex0, values=both[:, 1]
    )
    levels = key_levels(profile, spot)
    calls, puts = w & clean.is_call, w & ~clean.is_call
    pcr_oi = put_call_ratio(float(oi[puts].sum()), float(oi[calls].sum()))
    pcr_vol = put_call_ratio(float(clean.volume[puts].sum()), float(clean.volume[calls].sum()))
    atm = front_atm_iv(groups)
    vol30 = thirty_day_vol(groups)
    quality = _quality(contracts, groups, report, atm, flip, sign_q)
    gex_window, gross_window = float(gex[w].sum()), float(gross[w].sum())
    summary = GexSummary(
        spot,
        gex_window,
        gross_window,
        flip.level,
        flip.regime_sign,
        atm,
        levels.call_wall,
        levels.put_wall,
        pcr_oi,
        vol30,
    )
    return GexAnalysis(
        underlying=clean.underlying,
        ts=clean.ts,
        spot=spot,
        report=report,
        repaired_iv=ivs.repaired,
        missing_iv=ivs.missing,
        contracts=contracts,
        groups=groups,
        gex_by_group=by_group(group, groups.size, gex),
        profile=profile,
        profile_all=profile_all,
        gex_total=float(gex.sum()),
        gex_window=gex_window,
        gross_window=gross_window,
        gex_0dte=float(gex[w & zero_dte].sum()),
        gex_volume_window=float((sign * dollar_gamma_1pct(gamma, clean.volume, s.multiplier, spot))[w].sum()),
        levels=levels,
        zero_gamma=flip,
        zero_gamma_ex_0dte=flip_ex0,
        pcr_oi=pcr_oi,
        pcr_volume=pcr_vol,
        atm_iv=atm,
        vol_30d=vol30,
        call_sign=call_sign,
        put_sign=put_sign,
        quality=quality,
        regular_hours=is_regular_hours(clean.ts),
        summary=summary,
    )


def _quality(
    c: Contracts, groups: ExpiryGroups, report: ScreenReport, atm: float | None, flip: ZeroGamma, sign_q: float
) -> q.Quality:
    chain, w = c.chain, c.in_window & (c.chain.open_interest > 0)
    # gross gamma the rows without an IV would carry at their expiry's ATM IV (or the front ATM IV)
    no_iv = w & ~np.isfinite(c.iv)
    fallback = groups.atm_iv[c.group[no_iv]]
    fallback = np.where(np.isfinite(fallback), fallback, atm if atm else 0.2)
    g_missing = spot_gamma_from_forward(
        black76_gamma(c.forward[no_iv], chain.strike[no_iv], c.t[no_iv], 0.0, fallback), c.forward[no_iv], chain.spot
    )
    missing_gross = float(np.nansum(g_missing * chain.open_interest[no_iv]) * chain.spot**2)
    valid_gross = float((c.gamma[w] * chain.open_interest[w]).sum() * chain.spot**2)
    share = valid_gross / (valid_gross + missing_gross) if valid_gross + missing_gross > 0 else 0.0
    fw = groups.forwards
    passing = fw.from_parity & (np.nan_to_num(fw.parity_error, nan=1.0) < q.PARITY_TOLERANCE)
    group_gross = np.bincount(c.group[w], weights=c.gross[w], minlength=groups.size)
    total = group_gross.sum()
    parity_share = float(group_gross[passing].sum() / total) if total > 0 else 0.0
    band = w & (np.abs(chain.strike / chain.spot - 1.0) <= q.COVERAGE_BAND)
    strikes = int(np.unique(chain.strike[band]).size)
    both = bool((band & chain.is_call).any() and (band & ~chain.is_call).any())
    return q.Quality(
        iv=q.iv_factor(share),
        parity=q.parity_factor(parity_share),
        coverage=q.coverage_factor(strikes, both),
        parse=q.parse_factor(report.crossed + report.duplicate + report.absurd_open_interest + report.rejected,
                             report.total + report.rejected),
        sign=sign_q,
        flip=1.0 if flip.level is not None else q.NO_FLIP_FACTOR,
    )
