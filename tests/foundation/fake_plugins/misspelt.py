"""A plugin with a typo in its hook name: it must not be silently ignored."""

from ports.hookspecs import hookimpl


@hookimpl
def mia_regster_brokers() -> list[object]:
    return []
