"""The dealer's-bias score in [−1, 1] from an analysis's summary (docs/dealers_bias.md, section 5).

Five bounded components, a weighted mean over the available ones, times the
data-quality confidence ``c``::

    s_gex  = tanh(k_g · GEX_net / GEX_gross)                   gamma tilt
    s_flip = tanh((S − S_flip) / (S · σ_ATM / √252))            spot vs flip, in 1-day σ
             = regime sign when there is no flip
    w      = (2S − CW − PW) / (CW − PW)                          −1 at the put wall, +1 at the call wall
    s_wall = −clip(w, −1, 1) · (1 + s_flip) / 2                  only when CW > PW
    s_pcr  = −tanh(ln(PCR / PCR_ref) / ln 2)                     (sign flipped if contrarian)
    s_vol  = −tanh(ln(V / V_ref) / ln 1.5)
    score  = clip(c · Σ w_k s_k / Σ w_k, −1, 1)
"""

from __future__ import annotations

import math

import attrs

from mia_core.gex.analysis import GexSummary
from mia_core.validation import FRACTION, positive

NAN = math.nan


@attrs.frozen(slots=True)
class BiasWeights:
    """Non-negative weights of the components (renormalised over those available)."""

    gex: float = attrs.field(default=0.35, validator=FRACTION)
    flip: float = attrs.field(default=0.25, validator=FRACTION)
    wall: float = attrs.field(default=0.15, validator=FRACTION)
    vol: float = attrs.field(default=0.15, validator=FRACTION)
    pcr: float = attrs.field(default=0.10, validator=FRACTION)


@attrs.frozen(slots=True)
class BiasSettings:
    """Normalisation constants of the score."""

    weights: BiasWeights = attrs.Factory(BiasWeights)
    gamma_tilt_k: float = attrs.field(default=3.0, validator=positive)
    pcr_reference: float = attrs.field(default=2.0, validator=positive)
    vol_reference: float = attrs.field(default=18.0, validator=positive)
    contrarian_pcr: bool = False


@attrs.frozen(slots=True)
class BiasComponents:
    """Each component in [−1, 1], ``None`` when its inputs are missing; ``raw`` is their weighted mean."""

    gex: float | None
    flip: float | None
    wall: float | None
    pcr: float | None
    vol: float | None
    raw: float


def components(summary: GexSummary, settings: BiasSettings) -> BiasComponents:
    """The five components of ``summary`` and their weighted mean (before the confidence)."""
    s_gex = math.tanh(settings.gamma_tilt_k * summary.gex_net / summary.gex_gross) if summary.gex_gross > 0 else None
    s_flip: float | None
    if summary.flip is not None and summary.atm_iv and summary.atm_iv > 0:
        s_flip = math.tanh((summary.spot - summary.flip) / (summary.spot * summary.atm_iv / math.sqrt(252)))
    elif summary.flip is None and summary.regime_sign != 0 and summary.gex_gross > 0:
        s_flip = float(summary.regime_sign)
    else:
        s_flip = None
    s_wall = None
    cw, pw = summary.call_wall, summary.put_wall
    if cw is not None and pw is not None and cw > pw:
        position = (2 * summary.spot - cw - pw) / (cw - pw)
        s_wall = -max(-1.0, min(1.0, position)) * (1 + (s_flip if s_flip is not None else 0.0)) / 2
    s_pcr = None
    if summary.pcr is not None and summary.pcr > 0:
        s_pcr = -math.tanh(math.log(summary.pcr / settings.pcr_reference) / math.log(2))
        if settings.contrarian_pcr:
            s_pcr = -s_pcr
    s_vol = None
    if summary.vol is not None and summary.vol > 0:
        s_vol = -math.tanh(math.log(summary.vol / settings.vol_reference) / math.log(1.5))
    w = settings.weights
    pairs = [(w.gex, s_gex), (w.flip, s_flip), (w.wall, s_wall), (w.pcr, s_pcr), (w.vol, s_vol)]
    total = sum(weight for weight, value in pairs if value is not None)
    raw = sum(weight * value for weight, value in pairs if value is not None) / total if total > 0 else 0.0
    return BiasComponents(s_gex, s_flip, s_wall, s_pcr, s_vol, max(-1.0, min(1.0, raw)))


def score(raw: float, confidence: float) -> float:
    """``clip(c · raw, −1, 1)``."""
    return max(-1.0, min(1.0, confidence * raw))


def label(value: float) -> str:
    """'supportive' above +0.33 (long gamma), 'destabilising' below −0.33, else 'neutral'."""
    return "supportive" if value > 0.33 else "destabilising" if value < -0.33 else "neutral"


def _f(value: float | None) -> float:
    return NAN if value is None else float(value)


def score_values(comp: BiasComponents, confidence: float) -> dict[str, float]:
    """What the analyzer publishes about the score: ``score``, ``raw_score`` and ``s_*`` (NaN when missing)."""
    return {
        "score": score(comp.raw, confidence),
        "raw_score": comp.raw,
        "s_gex": _f(comp.gex),
        "s_flip": _f(comp.flip),
        "s_wall": _f(comp.wall),
        "s_pcr": _f(comp.pcr),
        "s_vol": _f(comp.vol),
    }
