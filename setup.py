"""Build hook: compile the engine's hot path with mypyc when a C compiler is at hand.

Everything else about the package is in ``pyproject.toml``. The modules listed in
``COMPILED`` are plain, type-annotated Python; mypyc turns them into C extensions
that run the backtest's order path about 1.6 times faster (docs/performance.md). The
``.py`` files ship as well, and compiling is all or nothing: if any module fails to
build (no C compiler, no Python headers) none is installed and MIA runs as pure Python,
with the same results, only slower. Editable installs (``pip install -e .``) and
``MIA_PURE_PYTHON=1`` skip compiling, so that edits to the sources take effect.
"""

from __future__ import annotations

import os
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

# The hot path only. Left out on purpose:
# - journal.py: compiled, OneItemPayload (a class deriving from an ABC) answered isinstance like Mapping itself;
# - trusted.py: a compiled ``int`` parameter turns True into 1, so its bool checks could not fire;
# - exchange/snapshots.py: compiled, it stores a fresh copy of each int and float in every snapshot it builds
#   (+27 MB of retained objects on the 1M-bar benchmark).
# - signals.py: Signal.__init__ stores its fields on a plain slotted twin and then gives the object its class
#   (an interpreted trick, like builders.py's; not measured compiled).
# Adding any of these back needs the peak RSS of `mia bench` bar by bar on 1M bars measured (under 300 MB).
# Compiled functions check their annotated argument types at the door, so values from outside must reach them
# through checks that name the field (Portfolio's initial cash, for one).
COMPILED = [
    "mia_core/accounting/curve.py",
    "mia_core/accounting/lots.py",
    "mia_core/accounting/marks.py",
    "mia_core/accounting/portfolio.py",
    "mia_core/engine/core.py",
    "mia_core/engine/dispatch.py",
    "mia_core/engine/planner.py",
    "mia_core/engine/published.py",
    "mia_core/engine/walk.py",
    "mia_core/exchange/book.py",
    "mia_core/exchange/exchange.py",
    "mia_core/exchange/matching.py",
    "mia_core/exchange/registry.py",
    "mia_core/exchange/state.py",
    # Battle Navale's per-bar features and decision (their settings are attrs classes in settings.py and
    # decision/config.py and config.py, left interpreted), the order-flow estimate one feature runs per bar and
    # the Outputs they return
    "mia_core/calc/order_flow.py",
    "mia_core/calc/outputs.py",
    "mia_core/calc/session_locator.py",
    "mia_plugins/battle_navale/decision/pipeline.py",
    "mia_plugins/battle_navale/decision/setups.py",
    "mia_plugins/battle_navale/decision/state.py",
    "mia_plugins/battle_navale/inputs.py",
    "mia_plugins/battle_navale/strategy.py",
    "mia_plugins/battle_navale/features/base.py",
    "mia_plugins/battle_navale/features/market_structure.py",
    "mia_plugins/battle_navale/features/momentum_flow.py",
    "mia_plugins/battle_navale/features/patterns.py",
    "mia_plugins/battle_navale/features/price_action.py",
    "mia_plugins/battle_navale/features/session_analysis.py",
    "mia_plugins/battle_navale/features/support_resistance.py",
    "mia_plugins/battle_navale/features/volume_imbalance.py",
    "mia_plugins/battle_navale/features/vwap_trend.py",
]


def _extensions() -> list[object]:
    if os.environ.get("MIA_PURE_PYTHON", "") not in ("", "0"):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:  # built without the build requirements (e.g. --no-build-isolation)
        print("mia: mypyc not available; installing pure Python", file=sys.stderr)
        return []
    # pip shows this with -v; the translation and C compile that follow take two to three minutes
    print(f"mia: compiling the engine's order path and Battle Navale's per-bar code with mypyc ({len(COMPILED)} "
          "modules, two to three minutes; MIA_PURE_PYTHON=1 skips it)", file=sys.stderr, flush=True)
    try:
        return list(mypycify(["--ignore-missing-imports", *COMPILED], opt_level="3"))
    except (Exception, SystemExit) as exc:  # a type error a newer mypy finds, or a mypyc crash
        print(f"mia: mypyc could not translate the engine ({exc!r}); installing pure Python", file=sys.stderr)
        return []


class AllOrNothing(build_ext):
    """Build every extension or none: a half-compiled engine would fail to import."""

    def run(self) -> None:
        self._remove_built_extensions()  # a build/ folder left from an earlier build may hold stale ones
        if self.inplace:  # an editable install: compiled modules beside the sources would hide edits
            print("mia: editable install, engine left as pure Python", file=sys.stderr)
            self.extensions = []
            return
        try:
            super().run()
        except Exception as exc:  # any compiler or linker failure
            print(f"mia: compiling the engine failed ({exc}); installing pure Python", file=sys.stderr)
            self._remove_built_extensions()
            self.extensions = []

    def _remove_built_extensions(self) -> None:
        """Delete every compiled module of MIA under ``build_lib``: this build's, and any earlier build's."""
        root = Path(self.build_lib)
        suffixes = tuple(EXTENSION_SUFFIXES)
        stale = [p for p in root.glob("*__mypyc*") if p.name.endswith(suffixes)]
        for package in ("mia_core", "ports", "adapters", "mia_plugins"):
            stale += [p for p in (root / package).rglob("*") if p.name.endswith(suffixes)]
        for path in stale:
            path.unlink()


setup(ext_modules=_extensions(), cmdclass={"build_ext": AllOrNothing})
