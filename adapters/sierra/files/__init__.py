"""Sierra Chart data files: .scid intraday and .depth market depth records, read, validated and tailed."""
