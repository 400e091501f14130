"""The ``delta_divergence`` elite technique: price's place in its range against cumulative delta's."""
