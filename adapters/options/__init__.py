"""Options chains in and out: CBOE and long-format readers, the point-in-time store, the 5-minute
scheduler, synthetic chains, charts, the Sierra Chart export and ``mia gex``."""
