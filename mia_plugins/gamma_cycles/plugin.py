"""Registers the ``gamma_cycles`` analyzer with MIA (entry point ``gamma_cycles`` in group ``mia``)."""

from __future__ import annotations

from collections.abc import Iterable

from mia_plugins.gamma_cycles.analyzer import GammaCyclesAnalyzer, GammaCyclesConfig
from mia_plugins.gamma_cycles.rules import GammaSizingConfig, GammaSizingPolicy
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def _build(config: GammaCyclesConfig, context: BuildContext) -> GammaCyclesAnalyzer:
    archive = context.snapshot_archive(config.snapshot_dir) if config.snapshot_dir else None
    return GammaCyclesAnalyzer(config, sessions=context.sessions, archive=archive)


@hookimpl
def mia_register_analyzers() -> Iterable[ComponentSpec]:
    """Option-expiry cycles, pin risk and put skew."""
    return [
        ComponentSpec(
            kind=ComponentKind.ANALYZER,
            name="gamma_cycles",
            factory=_build,
            config_class=GammaCyclesConfig,
            summary="Monthly OPEX, quad witching, 0DTE sessions, pin risk and put skew; size factor and entry gate",
        )
    ]


@hookimpl
def mia_register_risk_policies() -> Iterable[ComponentSpec]:
    """Entries timed and sized by the analyzer's ``allow_entries`` and ``size_factor``."""
    return [
        ComponentSpec(
            kind=ComponentKind.RISK_POLICY,
            name="gamma_sizing",
            factory=lambda config, context: GammaSizingPolicy(config),
            config_class=GammaSizingConfig,
            summary="Refuse entries when gamma_cycles' allow_entries is 0; size them by its size_factor",
        )
    ]
