"""Battle Navale's decision layer as MIA components: the ``battle_navale`` strategy, the
``random_entry`` baseline strategy and the ``trading_window`` signal filter."""
