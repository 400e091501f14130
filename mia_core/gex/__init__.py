"""Greeks and gamma exposure from an options chain: pricing, implied vol, GEX, zero gamma, levels, data quality.

Pure and vectorised (numpy, scipy.special): no I/O, and no score (plugins build theirs on the analysis).
Entry point :func:`mia_core.gex.analysis.analyse`.
"""
