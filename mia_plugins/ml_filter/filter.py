"""The ``ml_filter`` signal filter: takes a candidate signal only when the ensemble's probability is high enough."""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from mia_core.engine.failures import iso_utc
from mia_core.errors import MiaError
from mia_core.signals import Direction, Signal
from mia_core.validation import within
from mia_plugins.ml_filter.features import decision_row
from mia_plugins.ml_filter.lifecycle import check_model, ensemble_of
from mia_plugins.ml_filter.models import Ensemble, TrainSettings
from mia_plugins.ml_filter.study import cross_validate, fit, label_rows, matrix
from ports.context import StrategyContext
from ports.meta_label import DecisionRow, ModelStore, StoredModel


class FilterMode(enum.Enum):
    """``filter``: judge signals with the model; ``record``: take every signal and keep its decision row."""

    FILTER = "filter"
    RECORD = "record"


def _training(value: TrainSettings | Mapping[str, Any]) -> TrainSettings:
    return TrainSettings.of(value)


@attrs.frozen
class MlFilterConfig:
    """Settings of ``ml_filter`` (docs/ml.md#settings)."""

    mode: FilterMode = attrs.field(default=FilterMode.FILTER, converter=FilterMode)
    model_dir: str = "models"
    model: str = "battle_navale"
    threshold: float = attrs.field(default=0.65, validator=within(0, 1))
    analyzers: tuple[str, ...] = attrs.field(default=("gamma_cycles",), converter=tuple)
    bar_seconds: int = attrs.field(default=0, validator=within(0, 86400 * 7))
    training: TrainSettings = attrs.field(factory=TrainSettings, converter=_training)


class MlFilter:
    """Meta-labelling: the strategy proposes, the ensemble says whether this candidate is worth taking.

    Only entries are judged (a FLAT signal passes). A taken signal carries
    ``ml_confidence`` among its components; a refused one is neutralised with the
    probability in its reason. A feature missing or NaN, or a model that cannot be
    loaded, raises :class:`MiaError` naming it: a backtest stops there, and a live
    session skips the event (the signal is not taken) and raises a warning alert.
    """

    def __init__(self, config: MlFilterConfig, store: ModelStore | None, instrument: str,
                 name: str = "ml_filter") -> None:
        self.name = name
        self.config = config
        self.instrument = instrument
        self._store = store
        self._ensemble: Ensemble | None = None
        self._rows: list[DecisionRow] = []
        self._judged = 0
        self._taken = 0
        self._last_confidence = math.nan

    def apply(self, signal: Signal, context: StrategyContext) -> Signal:
        """Record (record mode) or judge (filter mode) an entry signal; pass anything else."""
        if signal.direction is Direction.FLAT or context.position.quantity * signal.direction > 0:
            return signal
        row = decision_row(signal, context.features, context.analyses, self.config.analyzers)
        recorded = {f"ml.{k}": v for k, v in row.items()}  # the journal keeps the decision row (datasets from journals)
        if self.config.mode is FilterMode.RECORD:
            self._rows.append(DecisionRow(signal.ts, int(signal.direction), signal.stop_loss, signal.take_profit,
                                          row))
            return attrs.evolve(signal, components={**signal.components, **recorded})
        ensemble = self._model()
        p = ensemble.predict_one(self._vector(ensemble, row, signal.ts))
        components = {**signal.components, **recorded, "ml_confidence": p}
        self._judged += 1
        self._last_confidence = p
        if p >= self.config.threshold:
            self._taken += 1
            return attrs.evolve(signal, components=components)
        refused = signal.neutralised(f"ml_filter: P(win) {p:.2f} below {self.config.threshold:.2f}")
        return attrs.evolve(refused, components=components)

    def monitor_figures(self) -> dict[str, float]:
        """What the dashboard and /metrics show: the last confidence, signals judged, the share taken."""
        if not self._judged:
            return {}
        return {"confidence": self._last_confidence, "judged": float(self._judged),
                "take_rate": self._taken / self._judged}

    def _vector(self, ensemble: Ensemble, row: Mapping[str, float], ts: int) -> NDArray[np.float64]:
        missing = [n for n in ensemble.names if n not in row]
        bad = [n for n in ensemble.names if n in row and not math.isfinite(row[n])]
        if missing or bad:
            said = (f"missing {', '.join(missing)}" if missing else "") + ("; " if missing and bad else "") + \
                (f"NaN or infinite {', '.join(bad)}" if bad else "")
            raise MiaError(f"{self.name}: signal at {iso_utc(ts)}: feature {said}; model {self.config.model!r} needs "
                           "them (compose the techniques and analyzers it was trained with); signal not taken")
        return np.array([row[n] for n in ensemble.names], dtype=float)

    def _model(self) -> Ensemble:
        if self._ensemble is None:
            if self._store is None:
                raise MiaError(f"{self.name}: no model store to load model {self.config.model!r} from")
            self.install(self._store.load(self.config.model))
        assert self._ensemble is not None
        return self._ensemble

    # the Learner port, for `mia ml train` / `mia ml evaluate` (adapters/ml)

    def recorded(self) -> Sequence[DecisionRow]:
        """The candidate signals seen in record mode, oldest first."""
        return list(self._rows)

    def label(self, rows: Sequence[DecisionRow], bars: Mapping[str, NDArray[Any]], max_hold: int,
              cost_points: float) -> Mapping[str, NDArray[Any]]:
        """Triple-barrier labels of ``rows`` (see ``ports.meta_label.Learner.label``)."""
        return label_rows(rows, bars, max_hold, cost_points)

    def matrix(self, rows: Sequence[DecisionRow], names: Sequence[str] | None = None
               ) -> tuple[NDArray[np.float64], tuple[str, ...]]:
        """The rows as a matrix over ``names`` (default: the features every row has, finite)."""
        return matrix(rows, names)

    def cross_validate(self, x: NDArray[np.float64], y: NDArray[np.int64], start_ns: NDArray[np.int64],
                       end_ns: NDArray[np.int64], names: Sequence[str] = ()) -> Mapping[str, Any]:
        """Purged, embargoed walk-forward out-of-fold probabilities of the whole ensemble, and its fold models."""
        return cross_validate(x, y, start_ns, end_ns, self.config.training, names, self.instrument,
                              self.config.bar_seconds)

    def fit(self, x: NDArray[np.float64], y: NDArray[np.int64], start_ns: NDArray[np.int64],
            end_ns: NDArray[np.int64], names: Sequence[str]) -> Any:
        """The ensemble fitted on every row, with its metadata."""
        return fit(x, y, start_ns, end_ns, names, self.config.training, self.instrument, self.config.bar_seconds)

    def install(self, model: StoredModel) -> None:
        """Use ``model`` from now on, refused when it was trained for another instrument or bar size."""
        check_model(model, self.instrument, self.config.bar_seconds, self.name)
        self._ensemble = ensemble_of(model)

    def probabilities(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """Calibrated probabilities of the installed (or configured) model for rows ``x``."""
        return self._model().predict(x)
