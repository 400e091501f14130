"""Sierra Chart: orders and accounts over DTC (``dtc``), and its intraday ``.scid``/``.depth`` files (``files``)."""
