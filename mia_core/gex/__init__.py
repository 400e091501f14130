"""Dealer's bias from an options chain: greeks, gamma exposure, levels, quality and the bias score.

Pure and vectorised (numpy, scipy.special): no I/O. Entry point :func:`mia_core.gex.analysis.analyse`.
"""
