"""``mia bench``: throughput and memory of the engine, measured beside backtrader."""
