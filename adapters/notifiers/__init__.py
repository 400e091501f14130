"""Notifiers: ways the system tells the trader."""
