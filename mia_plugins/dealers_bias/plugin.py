"""Registers the ``dealers_bias`` analyzer with MIA (entry point ``dealers_bias`` in group ``mia``)."""

from __future__ import annotations

from collections.abc import Iterable

from mia_plugins.dealers_bias.analyzer import DealersBiasAnalyzer, DealersBiasConfig
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def _build(config: DealersBiasConfig, context: BuildContext) -> DealersBiasAnalyzer:
    archive = context.snapshot_archive(config.snapshot_dir) if config.snapshot_dir else None
    return DealersBiasAnalyzer(config, futures_multiplier=context.instrument.multiplier, archive=archive)


@hookimpl
def mia_register_analyzers() -> Iterable[ComponentSpec]:
    """Dealer's bias from SPX/NDX options chains."""
    return [
        ComponentSpec(
            kind=ComponentKind.ANALYZER,
            name="dealers_bias",
            factory=_build,
            config_class=DealersBiasConfig,
            summary="Dealer's bias score in [-1, 1] with confidence, gamma flip and walls in futures prices",
        )
    ]
