"""The elite techniques, one component each (entry point ``elite_techniques``)."""
