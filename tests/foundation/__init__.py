"""Tests of the foundation: domain values, plugin discovery, configuration, hooks."""
