"""A plugin whose import is interrupted (Ctrl-C while it loads)."""

raise KeyboardInterrupt
