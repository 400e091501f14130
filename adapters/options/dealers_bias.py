"""Dealer's bias for the options tools: the registered ``dealers_bias`` analyzer, built and fed as a system would."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.bootstrap.plugins import PluginHost, discover
from adapters.bootstrap.standalone import StandaloneBuildContext
from adapters.bootstrap.structure import structure_attrs
from mia_core.errors import MiaError
from mia_core.instruments import Instrument
from mia_core.options import OptionsChainSnapshot
from ports.analyzer import Analyzer
from ports.components import ComponentKind

ANALYZER = "dealers_bias"


def bias_analyzer(instrument: Instrument, settings: Mapping[str, Any], host: PluginHost | None = None) -> Analyzer:
    """The ``dealers_bias`` analyzer from the plugin registry, with ``settings`` as YAML gives them.

    Built by its registered factory with a standalone BuildContext for ``instrument``
    (levels in its futures prices, GEX in its contracts). Raises MiaError naming the
    plugin when it is not installed, its settings are refused or it cannot be built.
    """
    host = host if host is not None else discover()
    try:
        spec, provider = host.component(ComponentKind.ANALYZER, ANALYZER)
    except MiaError as exc:
        raise MiaError(f"dealer's bias needs the {ANALYZER!r} analyzer: {exc}") from exc
    try:
        config = structure_attrs(spec.config_class, dict(settings), ANALYZER)
        analyzer = spec.factory(config, StandaloneBuildContext(instrument))
    except Exception as exc:
        raise MiaError(f"building analyzer {ANALYZER!r} from {provider.label} failed: {exc}") from exc
    if not isinstance(analyzer, Analyzer):
        raise MiaError(f"{ANALYZER!r} from {provider.label} built {type(analyzer).__name__}, not an Analyzer")
    return analyzer


def bias_values(
    snapshot: OptionsChainSnapshot, instrument: Instrument, settings: Mapping[str, Any], host: PluginHost | None = None
) -> Mapping[str, float]:
    """What the analyzer publishes for ``snapshot`` at the snapshot's own time (score, confidence, levels, ...).

    ``settings`` are the analyzer's YAML settings; ``underlying`` is the snapshot's.
    Empty when the analyzer publishes nothing for it.
    """
    analyzer = bias_analyzer(instrument, {**settings, "underlying": snapshot.underlying}, host)
    return analyzer.on_event(snapshot) or {}
