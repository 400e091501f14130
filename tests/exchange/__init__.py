"""Tests of the simulated exchange and the in-memory broker."""
