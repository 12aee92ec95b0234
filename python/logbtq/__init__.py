"""logbtq numpy reference numerics: MU8 format and log-barrier extension (docs/MU8.md)."""
from .mu8 import (MU, MAX_CODE, MIN_EXPONENT, MAX_EXPONENT, unit_levels, midpoints, decode,
                  encode, splitmix64, uniform24, encode_stochastic, fixed_table, decode_fixed)
from .barrier import psi, dpsi, penalty, gradient, switch_point

__all__ = ["MU", "MAX_CODE", "MIN_EXPONENT", "MAX_EXPONENT", "unit_levels", "midpoints",
           "decode", "encode", "splitmix64", "uniform24", "encode_stochastic", "fixed_table",
           "decode_fixed", "psi", "dpsi", "penalty", "gradient", "switch_point"]
