"""Reconciliation: the engine's books compared with the broker's state, as pure functions returning actions."""
