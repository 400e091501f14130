"""``mia check``: checks of a composed system (look-ahead of its techniques, analyzers and strategy)."""
