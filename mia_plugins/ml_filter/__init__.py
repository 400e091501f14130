"""The ``ml_filter`` signal filter: an ensemble that decides whether a candidate signal is taken (meta-labelling)."""
