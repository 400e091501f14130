"""The reference strategy: reverse on a crossing of two simple moving averages of close."""
