"""Sierra Chart: orders and accounts over DTC (``dtc``), intraday ``.scid``/``.depth`` files (``files``)."""
