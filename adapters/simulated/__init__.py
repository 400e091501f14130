"""The simulated broker: the in-memory Broker over mia_core's simulated exchange."""

from adapters.simulated.broker import InMemoryBroker

__all__ = ["InMemoryBroker"]
