"""A registration hook that returns something other than ComponentSpecs."""

from ports.hookspecs import hookimpl


@hookimpl
def mia_register_notifiers() -> list[object]:
    return [{"name": "not_a_spec"}]
