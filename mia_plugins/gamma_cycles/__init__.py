"""The ``gamma_cycles`` analyzer: option-expiry cycles (OPEX, quad witching, 0DTE), pin risk and put skew."""
