"""The ``dealers_bias`` analyzer: dealer's bias score, gamma levels and GEX from options chains."""
