"""A registration hook that calls sys.exit()."""

import sys

from ports.components import ComponentSpec
from ports.hookspecs import hookimpl


@hookimpl
def mia_register_notifiers() -> list[ComponentSpec]:
    sys.exit(3)
