"""The deterministic trading engine: events in, commands out."""
