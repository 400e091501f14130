"""Machine-learning adapters: the model registry on disk, datasets from backtests and journals, the `mia ml` commands."""
