"""Parameter sweeps (grid, random, Optuna) of any system, run on Dask: ``mia sweep``."""
