"""Driven and driving adapters: data, brokers, notifiers, and the composition root."""
