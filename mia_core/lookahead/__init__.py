"""Look-ahead check: a component's value at bar t must not depend on any bar after t (docs/lookahead.md)."""

from mia_core.lookahead.check import CheckSettings, check_components, check_lookahead
from mia_core.lookahead.cuts import cut_copy, cut_points, every_bar_cuts
from mia_core.lookahead.forms import run_vectorised
from mia_core.lookahead.report import ComponentReport, Coverage, Finding, iso

__all__ = [
    "CheckSettings", "ComponentReport", "Coverage", "Finding", "check_components", "check_lookahead", "cut_copy",
    "cut_points", "every_bar_cuts", "iso", "run_vectorised",
]
