"""The ``tick_momentum`` elite technique: net ticks over a window and how directly they were travelled."""
