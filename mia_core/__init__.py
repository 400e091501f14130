"""MIA's pure domain: value objects, events, commands and calculations (no I/O)."""
