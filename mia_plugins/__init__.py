"""MIA's built-in strategies, techniques and risk policies, each a plugin of group ``mia``."""
