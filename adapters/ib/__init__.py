"""Interactive Brokers adapter on ib_async: data feed, broker, contracts, pacing, faults, and a simulated gateway."""
