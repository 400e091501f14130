"""Registers the ``session_optimizer`` technique with MIA (entry point ``session_optimizer`` in group ``mia``)."""

from __future__ import annotations

from collections.abc import Iterable

from mia_plugins.session_optimizer.technique import SessionOptimizer, SessionOptimizerConfig
from ports.components import BuildContext, ComponentKind, ComponentSpec
from ports.hookspecs import hookimpl


def _build(config: SessionOptimizerConfig, context: BuildContext) -> SessionOptimizer:
    return SessionOptimizer(config, context.sessions)


@hookimpl
def mia_register_techniques() -> Iterable[ComponentSpec]:
    """The ``session_optimizer`` technique."""
    return [
        ComponentSpec(
            kind=ComponentKind.TECHNIQUE,
            name="session_optimizer",
            factory=_build,
            config_class=SessionOptimizerConfig,
            summary="Weights of the Chicago hour and session by recent activity, and whether to trade now",
        )
    ]
