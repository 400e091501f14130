"""Registers the ``ml_filter`` signal filter with MIA (entry point ``ml_filter`` in group ``mia``)."""

from __future__ import annotations

from collections.abc import Iterable

from mia_plugins.ml_filter.filter import FilterMode, MlFilter, MlFilterConfig
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def _build(config: MlFilterConfig, context: BuildContext) -> MlFilter:
    store = context.model_store(config.model_dir) if config.mode is FilterMode.FILTER else None
    return MlFilter(config, store, context.instrument.symbol)


@hookimpl
def mia_register_signal_filters() -> Iterable[ComponentSpec]:
    """The machine-learning (meta-labelling) filter."""
    return [
        ComponentSpec(
            kind=ComponentKind.SIGNAL_FILTER,
            name="ml_filter",
            factory=_build,
            config_class=MlFilterConfig,
            summary="Take a signal only when a calibrated LR + random forest + XGBoost ensemble gives P(win) >= 0.65",
        )
    ]
