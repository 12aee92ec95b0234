"""exp and log through the C library, elementwise on numpy arrays.

A compiled trainer evaluates `math.exp` and `math.log` by calling the C
library (LLVM lowers llvm.exp.f32 to `expf`, llvm.log.f64 to `log`, and does
not vectorize them without a vector library). numpy's vectorized exp and log
may round differently in the last bit, and in an MU8 program one ulp can move
a value across an encode threshold. Calling the same functions keeps such
values bit-exact; the rest of the reference is plain numpy.
"""
import ctypes
import ctypes.util

import numpy as np

_LIBM = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")


def _declare(name, ctype):
    fn = getattr(_LIBM, name)
    fn.restype = ctype
    fn.argtypes = [ctype]
    return fn


_EXPF = _declare("expf", ctypes.c_float)
_LOGF = _declare("logf", ctypes.c_float)
_LOG = _declare("log", ctypes.c_double)


def _apply(fn, x, dtype):
    x = np.asarray(x, dtype=dtype)
    out = np.array([fn(float(v)) for v in x.ravel()], dtype=dtype)
    return out.reshape(x.shape)


def expf(x):
    """float32 exp of every element, as `expf` computes it."""
    return _apply(_EXPF, x, np.float32)


def logf(x):
    """float32 log of every element, as `logf` computes it."""
    return _apply(_LOGF, x, np.float32)


def log(x):
    """float64 log of every element, as `log` computes it (use on small arrays:
    one C call per element)."""
    return _apply(_LOG, x, np.float64)
