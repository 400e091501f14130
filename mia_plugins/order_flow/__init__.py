"""The ``order_flow`` tick strategy: follow the decayed signed volume of the last trades (buyers minus sellers)."""
