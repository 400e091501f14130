"""The dealer's-bias score in [−1, 1] (every input and normalisation: see docs/gex.md and the page it links).

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

from mia_core.validation import non_negative, positive


@attrs.frozen(slots=True)
class BiasWeights:
    """Non-negative weights of the components (renormalised over those available)."""

    gex: float = attrs.field(default=0.35, validator=non_negative)
    flip: float = attrs.field(default=0.25, validator=non_negative)
    wall: float = attrs.field(default=0.15, validator=non_negative)
    vol: float = attrs.field(default=0.15, validator=non_negative)
    pcr: float = attrs.field(default=0.10, validator=non_negative)


@attrs.frozen(slots=True)
class BiasSettings:
    """Normalisation constants of the score."""

    weights: BiasWeights = attrs.Factory(BiasWeights)
    gamma_tilt_k: float = attrs.field(default=3.0, validator=positive)
    pcr_reference: float = attrs.field(default=2.0, validator=positive)
    vol_reference: float = attrs.field(default=18.0, validator=positive)
    contrarian_pcr: bool = False


@attrs.frozen(slots=True)
class BiasInputs:
    """What the score is computed from (index points; ``None`` when unavailable)."""

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


@attrs.frozen(slots=True)
class BiasComponents:
    """Each component in [−1, 1], ``None`` when its inputs are missing; ``raw`` is their weighted mean."""

    gex: float | None
    flip: float | None
    wall: float | None
    pcr: float | None
    vol: float | None
    raw: float


def components(inputs: BiasInputs, settings: BiasSettings) -> BiasComponents:
    """The five components and their weighted mean (before the confidence)."""
    s_gex = math.tanh(settings.gamma_tilt_k * inputs.gex_net / inputs.gex_gross) if inputs.gex_gross > 0 else None
    s_flip: float | None
    if inputs.flip is not None and inputs.atm_iv and inputs.atm_iv > 0:
        s_flip = math.tanh((inputs.spot - inputs.flip) / (inputs.spot * inputs.atm_iv / math.sqrt(252)))
    elif inputs.flip is None and inputs.regime_sign != 0 and inputs.gex_gross > 0:
        s_flip = float(inputs.regime_sign)
    else:
        s_flip = None
    s_wall = None
    cw, pw = inputs.call_wall, inputs.put_wall
    if cw is not None and pw is not None and cw > pw:
        position = (2 * inputs.spot - cw - pw) / (cw - pw)
        s_wall = -max(-1.0, min(1.0, position)) * (1 + (s_flip if s_flip is not None else 0.0)) / 2
    s_pcr = None
    if inputs.pcr is not None and inputs.pcr > 0:
        s_pcr = -math.tanh(math.log(inputs.pcr / settings.pcr_reference) / math.log(2))
        if settings.contrarian_pcr:
            s_pcr = -s_pcr
    s_vol = None
    if inputs.vol is not None and inputs.vol > 0:
        s_vol = -math.tanh(math.log(inputs.vol / settings.vol_reference) / math.log(1.5))
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
