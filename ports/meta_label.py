"""The meta-labelling ports: decision rows a learning signal filter records, and the model store it reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import attrs
import numpy as np
from numpy.typing import NDArray


@attrs.frozen(slots=True)
class DecisionRow:
    """One candidate signal as known when it was decided: its time, side, exits and feature values.

    ``stop``/``target`` are the signal's own exit prices (``None`` when it gave none);
    ``values`` maps feature names to numbers computed only from data at or before ``ts``.
    """

    ts: int
    direction: int
    stop: float | None
    target: float | None
    values: Mapping[str, float]


@attrs.frozen(slots=True)
class StoredModel:
    """A model as the store loaded it: its metadata and its parts (estimators by part name, e.g. ``"xgb"``)."""

    name: str
    version: str
    metadata: Mapping[str, Any]
    parts: Mapping[str, Any]


@runtime_checkable
class ModelStore(Protocol):
    """A registry of trained models on disk, read by a learning signal filter through ``BuildContext``."""

    def load(self, name: str) -> StoredModel:
        """The deployed version of model ``name``, its files checked against the hashes recorded at saving.

        Raises ``MiaError`` naming the model, the version and the file when the entry or a
        file is missing, a hash differs, or a file holds types that are not allowed.
        """
        ...


@runtime_checkable
class Learner(Protocol):
    """What the training commands ask of a meta-labelling signal filter (the ``ml_filter`` plugin's filter).

    The filter records :class:`DecisionRow` s while it runs in record mode; the commands
    label them from the bars (triple barrier), then ask the filter to validate and fit.
    """

    name: str

    def recorded(self) -> Sequence[DecisionRow]:
        """The candidate signals seen so far, oldest first."""
        ...

    def label(self, rows: Sequence[DecisionRow], bars: Mapping[str, NDArray[Any]], max_hold: int,
              cost_points: float) -> Mapping[str, NDArray[Any]]:
        """Triple-barrier outcome of each row from ``bars`` (``ts``, ``open``, ``high``, ``low``, ``close``).

        Returns arrays ``label`` (1 when the trade made money after costs), ``pnl_points``,
        ``start_ns`` and ``end_ns`` (the span the label looks at) and ``valid`` (row labelled).
        """
        ...

    def matrix(self, rows: Sequence[DecisionRow], names: Sequence[str] | None = None
               ) -> tuple[NDArray[np.float64], tuple[str, ...]]:
        """The rows as a feature matrix over ``names`` (default: every feature all rows have)."""
        ...

    def cross_validate(self, x: NDArray[np.float64], y: NDArray[np.int64], start_ns: NDArray[np.int64],
                       end_ns: NDArray[np.int64], names: Sequence[str] = ()) -> Mapping[str, Any]:
        """Purged, embargoed walk-forward validation of rows whose columns are the features ``names``.

        Returns ``probability`` (out of fold; NaN for rows never tested), ``fold`` (each
        row's test fold, -1 for none) and ``models`` (fold -> the model fitted for it, with
        ``parts`` and ``metadata`` as :meth:`fit` returns), so each fold's period can be
        backtested with the model that judged it.
        """
        ...

    def fit(self, x: NDArray[np.float64], y: NDArray[np.int64], start_ns: NDArray[np.int64],
            end_ns: NDArray[np.int64], names: Sequence[str]) -> Any:
        """A fitted ensemble: ``parts`` (estimators), ``metadata()`` and ``predict(x)`` probabilities."""
        ...

    def install(self, model: StoredModel) -> None:
        """Use ``model`` from now on (refused when fitted for another instrument or bar size)."""
        ...

    def probabilities(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """Calibrated probabilities of the installed model for rows ``x`` (columns in the model's feature order)."""
        ...
