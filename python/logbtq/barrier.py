"""Independent numpy reference of the log-barrier extension (see docs/MU8.md).

The C++ side is compared to this to 1e-12 relative, because `log` may differ by an ulp
between libm and numpy's vectorized code.
"""
import math

import numpy as np


def _check_positive_finite(name, v):
    v = float(v)
    if not (math.isfinite(v) and v > 0.0):
        raise ValueError(f"{name} must be finite and > 0, got {v!r}")
    return v


def switch_point(t):
    """z = -1/t^2, where the log branch hands over to the linear one (log branch includes it)."""
    t = _check_positive_finite("t", t)
    return -1.0 / (t * t)


def psi(z, t):
    """psi_t(z): log barrier for z <= -1/t^2, its tangent line beyond, so it is finite everywhere."""
    t = _check_positive_finite("t", t)
    z = np.asarray(z, dtype=np.float64)
    on_log = z <= switch_point(t)  # NaN compares False -> linear branch -> NaN
    with np.errstate(invalid="ignore", divide="ignore"):
        log_branch = -(1.0 / t) * np.log(np.where(on_log, -z, 1.0))
    lin_branch = t * z - (1.0 / t) * math.log(1.0 / (t * t)) + 1.0 / t
    return np.where(on_log, log_branch, lin_branch)


def dpsi(z, t):
    """psi_t'(z): -1/(t z) on the log branch, t once a value has left the range."""
    t = _check_positive_finite("t", t)
    z = np.asarray(z, dtype=np.float64)
    on_log = z <= switch_point(t)
    with np.errstate(invalid="ignore", divide="ignore"):
        log_slope = -1.0 / (t * np.where(on_log, z, -1.0))
    out = np.where(on_log, log_slope, t)
    return np.where(np.isnan(z), np.nan, out)


def _z(x, bound):
    b = _check_positive_finite("bound", bound)
    x = np.asarray(x, dtype=np.float64)
    return x, np.abs(x) - b


def penalty(x, bound, t):
    """Mean of psi_t(|x_i| - b), so lambda does not depend on tensor size.

    The sum is sequential in element order (np.cumsum, unlike np.sum, is not pairwise) to
    match a plain C++ loop bit for bit; an empty tensor has penalty 0.
    """
    x, z = _z(x, bound)
    n = x.size
    if n == 0:
        _check_positive_finite("t", t)
        return 0.0
    with np.errstate(invalid="ignore"):  # inf + -inf cannot occur: psi of |x| - b is > -inf
        total = np.cumsum(psi(z.ravel(), t))[-1]
    return float(total) / n


def gradient(x, bound, t):
    """d penalty / d x_i = sign(x_i) * psi_t'(|x_i| - b) / n, float64, shaped like x."""
    x, z = _z(x, bound)
    n = x.size
    if n == 0:
        _check_positive_finite("t", t)
        return np.zeros(x.shape, dtype=np.float64)
    return np.sign(x) * dpsi(z, t) / n
