"""A registration hook that returns a string (the component's name) instead of specs."""

from ports.hookspecs import hookimpl


@hookimpl
def mia_register_techniques() -> str:
    return "my_technique"
