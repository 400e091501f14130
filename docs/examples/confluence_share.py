"""How often the intraday system's confluence reaches each grade on its synthetic bars (docs/results.md)."""

import numpy as np

from adapters.bootstrap.cli_shared import host_for, intraday_config
from adapters.bootstrap.config import load_plan
from adapters.bootstrap.container import build_system
from mia_plugins.battle_navale.decision import FEATURES, confluence_array

plan = load_plan(intraday_config(), host_for())
system = build_system(plan)
bars = system.data_feed.history(plan.instrument)
cols = {f"{n}.{k}": np.asarray(v) for t, n in zip(system.techniques, system.technique_names or (), strict=True)
        for k, v in t.compute(bars).items()}
scores = {f: cols.get(f + ".score", np.full(len(bars), 0.5)) for f in FEATURES}
c = confluence_array(scores, system.strategy.config.weights)
print(f"> 0.75: {np.mean(c > 0.75):.4%}  < 0.25: {np.mean(c < 0.25):.4%}  > 0.60: {np.mean(c > 0.60):.2%}")
