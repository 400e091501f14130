"""Hook specifications of the ``mia`` plugin group (discovery only, never per bar).

A plugin is a module named by an entry point in the group ``mia``; it implements any
of these hooks with ``@hookimpl``. Each hook returns the plugin's component specs
of one kind as a list (or another iterable; ``[]`` registers nothing). ``None``, a
bare ``ComponentSpec``, a string or a mapping is refused: the plugin is recorded as
failed with the hook's name and what it returned, and the other plugins load. Hooks
take no arguments and must be cheap: they are called once at start-up to build the
registry.
"""

from __future__ import annotations

from collections.abc import Iterable

import pluggy

from ports.components import ComponentSpec

PROJECT = "mia"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def mia_register_data_feeds() -> Iterable[ComponentSpec]:
    """Return the data feeds this plugin provides (kind ``DATA_FEED``).

    Each factory must build an object satisfying :class:`ports.DataFeed`.
    """
    raise NotImplementedError


@hookspec
def mia_register_brokers() -> Iterable[ComponentSpec]:
    """Return the brokers this plugin provides (kind ``BROKER``).

    Each factory must build an object satisfying :class:`ports.Broker`.
    """
    raise NotImplementedError


@hookspec
def mia_register_techniques() -> Iterable[ComponentSpec]:
    """Return the techniques (feature producers) this plugin provides (kind ``TECHNIQUE``).

    Each factory must build an object satisfying :class:`ports.Technique`.
    """
    raise NotImplementedError


@hookspec
def mia_register_strategies() -> Iterable[ComponentSpec]:
    """Return the strategies (signal generators) this plugin provides (kind ``STRATEGY``).

    Each factory must build an object satisfying :class:`ports.Strategy`.
    """
    raise NotImplementedError


@hookspec
def mia_register_analyzers() -> Iterable[ComponentSpec]:
    """Return the analyzers (context such as dealer's bias) this plugin provides (kind ``ANALYZER``).

    Each factory must build an object satisfying :class:`ports.Analyzer`.
    """
    raise NotImplementedError


@hookspec
def mia_register_signal_filters() -> Iterable[ComponentSpec]:
    """Return the signal filters this plugin provides (kind ``SIGNAL_FILTER``).

    Each factory must build an object satisfying :class:`ports.SignalFilter`.
    """
    raise NotImplementedError


@hookspec
def mia_register_risk_policies() -> Iterable[ComponentSpec]:
    """Return the risk policies this plugin provides (kind ``RISK_POLICY``).

    Each factory must build an object satisfying :class:`ports.RiskPolicy`.
    """
    raise NotImplementedError


@hookspec
def mia_register_notifiers() -> Iterable[ComponentSpec]:
    """Return the notifiers this plugin provides (kind ``NOTIFIER``).

    Each factory must build an object satisfying :class:`ports.Notifier`.
    """
    raise NotImplementedError
