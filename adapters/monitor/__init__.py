"""Watching a running session: its figures, Prometheus metrics, a health verdict and the web dashboard."""
