"""The ``dealers_bias`` analyzer: point-in-time chain snapshots in, bias score and ES/NQ levels out."""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import Mapping

import attrs

from mia_core.errors import MiaError
from mia_core.events import MarketEvent
from mia_core.gex.analysis import GexAnalysis, GexSettings, analyse
from mia_core.gex.chain import ChainArrays
from mia_core.gex.exposure import SignConvention
from mia_core.gex.groups import IvSource
from mia_core.gex.values import analysis_values
from mia_core.market import Bar
from mia_core.options import OptionsChainSnapshot
from mia_core.validation import within
from mia_plugins.dealers_bias.references import SessionReferences
from mia_plugins.dealers_bias.score import BiasComponents, BiasSettings, BiasWeights, components, score_values
from ports.snapshot_archive import SnapshotArchive

log = logging.getLogger("mia.dealers_bias")
NS = 1_000_000_000
SESSIONS = within(1, 5000)  # trading days of history: about 20 years at most


@attrs.frozen
class DealersBiasConfig:
    """Settings of the ``dealers_bias`` analyzer (docs/config.md, docs/dealers_bias.md)."""

    underlying: str = "SPX"
    snapshot_dir: str | None = None
    basis: float = attrs.field(default=0.0, validator=within(-1000, 1000))
    live_basis: bool = False
    basis_max_gap_minutes: float = attrs.field(default=15.0, validator=within(0, 1440, low_open=True))
    sign_convention: SignConvention = SignConvention.NAIVE
    iv_source: IvSource = IvSource.QUOTES
    rate: float = attrs.field(default=0.045, validator=within(-0.05, 0.25))
    dividend_yield: float = attrs.field(default=0.013, validator=within(0, 0.2))
    window_days: float = attrs.field(default=45.0, validator=within(0, 1000, low_open=True))
    max_moneyness: float = attrs.field(default=0.2, validator=within(0, 1, low_open=True))
    multiplier: float = attrs.field(default=100.0, validator=within(0, 1000, low_open=True))
    max_age_hours: float = attrs.field(default=72.0, validator=within(0, 8760, low_open=True))
    gamma_tilt_k: float = attrs.field(default=3.0, validator=within(0, 100, low_open=True))
    pcr_reference: float = attrs.field(default=2.0, validator=within(0, 100, low_open=True))
    vol_reference: float = attrs.field(default=18.0, validator=within(0, 500, low_open=True))
    contrarian_pcr: bool = False
    pcr_history_sessions: int = attrs.field(default=60, validator=SESSIONS)
    vol_history_sessions: int = attrs.field(default=252, validator=SESSIONS)
    min_history_sessions: int = attrs.field(default=20, validator=SESSIONS)
    weights: BiasWeights = attrs.Factory(BiasWeights)

    def settings(self) -> GexSettings:
        """The core's settings of the gamma-exposure analysis."""
        return GexSettings(
            rate=self.rate,
            dividend_yield=self.dividend_yield,
            multiplier=self.multiplier,
            max_moneyness=self.max_moneyness,
            window_days=self.window_days,
            sign_convention=self.sign_convention,
            iv_source=self.iv_source,
        )

    def score_settings(self) -> BiasSettings:
        """The score's weights and normalisations (references as configured)."""
        return BiasSettings(
            weights=self.weights,
            gamma_tilt_k=self.gamma_tilt_k,
            pcr_reference=self.pcr_reference,
            vol_reference=self.vol_reference,
            contrarian_pcr=self.contrarian_pcr,
        )


class DealersBiasAnalyzer:
    """Publishes ``score``, ``confidence``, ``zero_gamma``, ``call_wall``, ``put_wall`` and more.

    Snapshots come as :class:`OptionsChainSnapshot` events, or from ``snapshot_dir``
    through ``archive`` (the factory asks ``BuildContext.snapshot_archive``): on each bar
    the latest stored snapshot taken strictly before the bar's timestamp is used, so a
    backtest never sees a later chain. Levels are futures prices: index
    level plus the basis (fixed, or live: the last futures close at or before the
    snapshot minus the snapshot's index spot). A snapshot that cannot be analysed
    publishes score 0 with confidence 0 and ``error`` 1; nothing is raised into the engine.
    """

    def __init__(
        self,
        config: DealersBiasConfig,
        futures_multiplier: float,
        name: str = "dealers_bias",
        archive: SnapshotArchive | None = None,
    ) -> None:
        if config.snapshot_dir and archive is None:
            raise ValueError(
                f"{name}: snapshot_dir {config.snapshot_dir!r} needs the archive to read it "
                "(build the analyzer through its factory, which asks BuildContext.snapshot_archive)"
            )
        self.name = name
        self.config = config
        self.futures_multiplier = futures_multiplier
        self._settings = config.settings()
        self._score_settings = config.score_settings()
        self._archive = archive if config.snapshot_dir else None
        self._closes: deque[tuple[int, float]] = deque(maxlen=2048)
        self._analysis: GexAnalysis | None = None
        self._components: BiasComponents | None = None
        self._basis, self._basis_live = config.basis, False
        self._current: int | None = None
        self._error = False
        self._values: dict[str, float] = {}
        self._max_age = config.max_age_hours * 3600.0
        self._references = SessionReferences(
            config.pcr_history_sessions, config.vol_history_sessions, config.min_history_sessions
        )
        self._refs: tuple[float, float, bool, bool] = (config.pcr_reference, config.vol_reference, False, False)

    def on_event(self, event: MarketEvent) -> Mapping[str, float] | None:
        """Take a snapshot event, or on a bar refresh from the directory and re-age the score."""
        if isinstance(event, OptionsChainSnapshot):
            if event.underlying.upper() != self.config.underlying.upper():
                return None
            self._use(event)
            return self._publish(event.ts)
        if isinstance(event, Bar):
            self._closes.append((event.ts, event.close))
            if self._archive is not None:
                found = self._archive.latest_before(self.config.underlying, event.ts)
                if found is not None and found != self._current:
                    self._current = found
                    self._load(self._archive, found)
            if self._analysis is None and not self._error:
                return None
            return self._publish(event.ts)
        return None

    def latest(self) -> Mapping[str, float]:
        """The values last published (empty before the first snapshot)."""
        return self._values

    def _load(self, archive: SnapshotArchive, ts: int) -> None:
        try:
            snapshot = archive.load(self.config.underlying, ts)
        except MiaError as exc:
            log.warning("dealers_bias: %s", exc)
            self._fail()
            return
        self._use(snapshot)

    def _use(self, snapshot: OptionsChainSnapshot) -> None:
        try:
            self._analysis = analyse(ChainArrays.from_snapshot(snapshot), self._settings)
            if self._analysis.report.used == 0:
                raise MiaError(f"no usable option rows ({self._analysis.report.explain()})")
        except (MiaError, ValueError, ZeroDivisionError, IndexError) as exc:
            log.warning("dealers_bias: snapshot of %s at %d not usable: %s", snapshot.underlying, snapshot.ts, exc)
            self._fail()
            return
        self._error = False
        self._basis, self._basis_live = self._basis_at(snapshot)
        self._rescore(self._analysis)

    def _rescore(self, analysis: GexAnalysis) -> None:
        """Score with the rolling references of earlier sessions when there are enough, then record this snapshot."""
        pcr_ref, vol_ref = self._references.pcr(analysis.ts), self._references.vol(analysis.ts)
        bias = self._score_settings
        self._refs = (
            pcr_ref or bias.pcr_reference,
            vol_ref or bias.vol_reference,
            pcr_ref is not None,
            vol_ref is not None,
        )
        if pcr_ref is not None or vol_ref is not None:
            bias = attrs.evolve(bias, pcr_reference=self._refs[0], vol_reference=self._refs[1])
        self._components = components(analysis.summary, bias)
        self._references.record(analysis.ts, analysis.pcr_oi, analysis.vol_30d)

    def _fail(self) -> None:
        self._analysis, self._components, self._error = None, None, True

    def _basis_at(self, snapshot: OptionsChainSnapshot) -> tuple[float, bool]:
        """(basis, measured live): the last futures close at or before the snapshot minus its spot."""
        if self.config.live_basis:
            gap = self.config.basis_max_gap_minutes * 60 * NS
            for ts, close in reversed(self._closes):
                if ts <= snapshot.ts:
                    if snapshot.ts - ts <= gap:
                        return close - snapshot.spot, True
                    break
        return self.config.basis, False

    def _publish(self, now_ns: int) -> dict[str, float]:
        if self._analysis is None or self._components is None:
            self._values = {"score": 0.0, "confidence": 0.0, "error": 1.0}
            return self._values
        values = analysis_values(
            self._analysis,
            now_ns,
            basis=self._basis,
            futures_multiplier=self.futures_multiplier,
            max_age_seconds=self._max_age,
        )
        values.update(score_values(self._components, values["confidence"]))
        values["error"] = 0.0
        values["live_basis"] = 1.0 if self._basis_live else 0.0
        pcr_ref, vol_ref, pcr_hist, vol_hist = self._refs
        values.update(
            pcr_reference=pcr_ref,
            vol_reference=vol_ref,
            pcr_reference_from_history=float(pcr_hist),
            vol_reference_from_history=float(vol_hist),
        )
        if math.isnan(values["score"]):
            values["score"], values["confidence"] = 0.0, 0.0
        self._values = values
        return values
