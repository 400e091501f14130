"""Machine-learning adapters: the model registry on disk, datasets from backtests and journals, `mia ml`."""
