"""Sierra Chart: DTC for orders and accounts, intraday (.scid) and depth (.depth) files for CME order flow."""
