"""Journals: where the system's decisions are recorded."""
