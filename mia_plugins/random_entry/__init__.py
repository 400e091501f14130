"""The ``random_entry`` strategy: seeded coin-flip entries with ATR brackets, the baseline any method must beat."""
