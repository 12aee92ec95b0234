"""Independent numpy reference of the MU8 format (see docs/MU8.md).

Written from the contract text alone so that it can catch mistakes in the C++ library.
Every function is vectorized; bit-exactness with C++ is the goal, so every step follows
the order of operations that the contract prescribes.
"""
import math
import operator

import numpy as np

MU = 255
MAX_CODE = 127
MIN_EXPONENT = -32
MAX_EXPONENT = 32
MIN_FRAC_BITS = 0
MAX_FRAC_BITS = 14

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_U64 = np.uint64


def _level_f64(k):
    """Unit level k in float64 before rounding; Python's ** is libm pow, like std::exp2 here
    (both are exact or correctly rounded enough that the float32 rounding agrees: tested)."""
    return (2.0 ** (8.0 * k / 127.0) - 1.0) / 255.0


_LEVELS = np.array([_level_f64(k) for k in range(MAX_CODE + 1)], dtype=np.float64).astype(np.float32)
_LEVELS.flags.writeable = False
_LEVELS64 = _LEVELS.astype(np.float64)
# Sum of two float32 is exact in float64 and halving is exact, so the midpoints are exact.
_MIDPOINTS = (_LEVELS64[:-1] + _LEVELS64[1:]) / 2.0
_MIDPOINTS.flags.writeable = False
_LEVELS64.flags.writeable = False


def unit_levels():
    """The 128 float32 levels at range 1 (a copy, so callers cannot corrupt the table)."""
    return _LEVELS.copy()


def midpoints():
    """The 127 float64 rounding thresholds M[k] = (L[k] + L[k+1]) / 2."""
    return _MIDPOINTS.copy()


def _check_exponent(exponent):
    try:
        e = operator.index(exponent)
    except TypeError:
        raise ValueError(f"exponent must be an integer, got {exponent!r}") from None
    if not MIN_EXPONENT <= e <= MAX_EXPONENT:
        raise ValueError(f"exponent {e} outside [{MIN_EXPONENT}, {MAX_EXPONENT}]")
    return e


def _as_codes(codes):
    c = np.asarray(codes)
    if c.dtype.kind not in "iu":
        raise ValueError(f"codes must be integers, got dtype {c.dtype}")
    c = c.astype(np.int64)
    if c.size and (c.min() < -128 or c.max() > 127):
        raise ValueError("codes must lie in [-128, 127]")
    return c


def decode(codes, exponent=0):
    """Code -> float32 value; scaling by 2^e is exact in float32 for every allowed e."""
    e = _check_exponent(exponent)
    c = _as_codes(codes)
    mag = np.minimum(np.abs(c), MAX_CODE)  # -128 is read as -127
    v = _LEVELS[mag] * np.float32(2.0 ** e)
    # np.where rather than sign*v so that code 0 gives +0.0, never -0.0.
    return np.where(c < 0, -v, v).astype(np.float32)


def _encode_magnitude(a):
    """Nearest magnitude code of a float64 a in [0, 1]; a tie at M[k] goes up (away from 0)."""
    return np.searchsorted(_MIDPOINTS, np.asarray(a, dtype=np.float64), side="right").astype(np.int64)


def _prepare(x, exponent):
    """Shared front end of both encoders: a = |x| * 2^-e (exact), NaN and saturation masks."""
    e = _check_exponent(exponent)
    x = np.asarray(x, dtype=np.float32)
    a = np.ldexp(np.abs(x).astype(np.float64), -e)
    invalid = np.isnan(a)
    with np.errstate(invalid="ignore"):
        saturated = a > 1.0
    neg = np.signbit(x)
    return x, a, invalid, saturated, neg


def _finish(mag, invalid, saturated, neg):
    mag = np.where(saturated, MAX_CODE, mag)
    mag = np.where(invalid, 0, mag)
    codes = np.where(neg, -mag, mag).astype(np.int8)  # -0.0 -> -0 == 0
    return codes, int(np.count_nonzero(saturated)), int(np.count_nonzero(invalid))


def encode(x, exponent=0):
    """Round-to-nearest encode of float32 values: returns (int8 codes, saturated, invalid)."""
    x, a, invalid, saturated, neg = _prepare(x, exponent)
    a_ok = np.where(invalid | saturated, 0.0, a)
    return _finish(_encode_magnitude(a_ok), invalid, saturated, neg)


def splitmix64(seed, index):
    """Raw 64-bit output number index+1 of SplitMix64 started at seed (counter-based form)."""
    s = _U64(int(seed) & 0xFFFFFFFFFFFFFFFF)
    i = np.asarray(index)
    if i.dtype.kind not in "iu":
        raise ValueError("index must be integers")
    if i.dtype.kind == "i" and i.size and i.min() < 0:
        raise ValueError("index must be non-negative")
    i = i.astype(np.uint64)
    with np.errstate(over="ignore"):
        z = s + (i + _U64(1)) * _GOLDEN
        z = (z ^ (z >> _U64(30))) * _MIX1
        z = (z ^ (z >> _U64(27))) * _MIX2
        z = z ^ (z >> _U64(31))
    return z


def uniform24(seed, index):
    """Uniform float64 in [0, 1) from the top 24 bits: exact in float32 and float64 alike."""
    return (splitmix64(seed, index) >> _U64(40)).astype(np.float64) * 2.0 ** -24


def encode_stochastic(x, exponent, seed, index=None, keep_nonzero=False):
    """Unbiased stochastic encode; index defaults to the flattened element position.
    With keep_nonzero, a nonzero value that would round to magnitude 0 takes the
    first level (Adam's second moment, which divides the step)."""
    x, a, invalid, saturated, neg = _prepare(x, exponent)
    if index is None:
        index = np.arange(x.size, dtype=np.uint64).reshape(x.shape)
    index = np.asarray(index)
    if index.size != x.size:
        raise ValueError(f"index has {index.size} elements, x has {x.size}")
    u = uniform24(seed, index).reshape(x.shape)
    a_ok = np.where(invalid | saturated, 0.0, a)
    k = np.searchsorted(_LEVELS64, a_ok, side="right") - 1  # largest k with L[k] <= a
    lo = _LEVELS64[k]
    exact = lo == a_ok  # also covers a == 1 (k == 127), so k + 1 below is only used for k < 127
    hi = _LEVELS64[np.minimum(k + 1, MAX_CODE)]
    with np.errstate(invalid="ignore", divide="ignore"):
        p = (a_ok - lo) / (hi - lo)
    mag = np.where(exact, k, np.where(u < p, k + 1, k))
    if keep_nonzero:
        mag = np.where((mag == 0) & (a_ok > 0), 1, mag)
    return _finish(mag, invalid, saturated, neg)


def _check_frac_bits(frac_bits):
    try:
        f = operator.index(frac_bits)
    except TypeError:
        raise ValueError(f"frac_bits must be an integer, got {frac_bits!r}") from None
    if not MIN_FRAC_BITS <= f <= MAX_FRAC_BITS:
        raise ValueError(f"frac_bits {f} outside [{MIN_FRAC_BITS}, {MAX_FRAC_BITS}]")
    return f


def _round_half_away(v):
    """Round half away from zero without the floor(v + 0.5) double-rounding trap."""
    a = np.abs(v)
    fl = np.floor(a)
    r = np.where(a - fl >= 0.5, fl + 1.0, fl)
    return np.copysign(r, v)


def fixed_table(frac_bits):
    """int16 fixed-point values of codes -128..127 (in that order) with frac_bits fraction bits."""
    f = _check_frac_bits(frac_bits)
    q = _round_half_away(_LEVELS64 * math.ldexp(1.0, f)).astype(np.int64)
    mag = np.minimum(np.abs(np.arange(-128, 128)), MAX_CODE)
    signed = np.where(np.arange(-128, 128) < 0, -q[mag], q[mag])
    return signed.astype(np.int16)


def decode_fixed(codes, frac_bits):
    """Code -> int16 on the 2^-frac_bits grid via the table, as the integer kernels do."""
    return fixed_table(frac_bits)[_as_codes(codes) + 128]
