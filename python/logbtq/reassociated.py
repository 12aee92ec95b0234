"""Float sums whose order a compiled trainer may change, and what that allows.

-logbtq-order-loops marks the adds of every Linalg reduction `reassoc`, and
LLVM then vectorizes the innermost loop of a reduction into lanes that it
adds up in another order. Outer loops still run in order (LLVM vectorizes
innermost loops only, and does not interchange or unroll-and-jam by
default). So a float32 sum is a sequence of row steps in row-major order of
the reduced elements, and each row step adds the `width` elements of the
innermost reduced loop to the accumulator in an order we do not know
(width 1: the innermost loop is parallel, the sum is exactly sequential).

For one row step of m = width + 1 terms (the accumulator and the row) in any
order the error is at most gamma(width) * (|acc| + sum |row|), gamma(k) =
k u / (1 - k u), u = 2^-24 (Higham, "Accuracy and Stability of Numerical
Algorithms", 4.2); summed over the rows with the exact partial sums, that
bounds the compiled sum. `Interval` holds such a value as [lo, hi] float32
arrays; `codes` says which MU8 codes a value in [lo, hi] can encode to.
Every function from a sum to a stored code in the reference is monotone in
the sum, so the codes at the two ends bound the codes in between: where they
agree the code is certain, and the test demands it exactly; where they
differ (the sum sits within its bound of a threshold) each code in between
is possible, and the test says so.
"""
import math

import numpy as np

from logbtq import mu8

F32 = np.float32
U32 = 2.0 ** -24
U64 = 2.0 ** -53


class Interval:
    """Elementwise float32 bounds [lo, hi] and the value a reference computed."""

    def __init__(self, nominal, lo, hi):
        self.nominal = np.asarray(nominal, dtype=F32)
        self.lo = np.asarray(lo, dtype=F32)
        self.hi = np.asarray(hi, dtype=F32)
        assert np.all(self.lo <= self.nominal) and np.all(self.nominal <= self.hi)

    @staticmethod
    def exact(value):
        v = np.asarray(value, dtype=F32)
        return Interval(v, v, v)

    def map(self, fn, decreasing=False):
        """fn applied to the value and both ends; fn must be monotone
        (non-decreasing, or non-increasing with decreasing=True)."""
        a, b = fn(self.lo), fn(self.hi)
        return Interval(fn(self.nominal), b if decreasing else a, a if decreasing else b)

    @property
    def certain(self):
        return np.all(self.lo == self.hi)


def _widen(lo, hi):
    """float32 ends that contain the real interval [lo, hi] (float64)."""
    lo32 = np.asarray(lo, dtype=np.float64).astype(F32)
    hi32 = np.asarray(hi, dtype=np.float64).astype(F32)
    return (np.nextafter(lo32, F32(-np.inf)), np.nextafter(hi32, F32(np.inf)))


def sequential_sum(x, axis):
    """The float32 sum along `axis`, term by term in index order (np.sum would be
    pairwise)."""
    x = np.moveaxis(np.asarray(x, dtype=F32), axis, -1)
    return np.cumsum(x, axis=-1, dtype=F32)[..., -1]


def sum_f32(x, axes, width):
    """Interval of the float32 sum of x over `axes` whose innermost `width` reduced
    elements (a row) may add up in any order; the nominal value is the sum in
    row-major order of the reduced elements."""
    x = np.asarray(x, dtype=F32)
    axes = tuple(sorted(a % x.ndim for a in axes))
    kept = [a for a in range(x.ndim) if a not in axes]
    flat = np.transpose(x, kept + list(axes)).reshape([x.shape[a] for a in kept] + [-1])
    nominal = sequential_sum(flat, -1)
    n = flat.shape[-1]
    if width <= 1 or n == 0:
        return Interval.exact(nominal)
    if n % width:
        raise ValueError("rows of %d do not tile %d elements" % (width, n))
    wide = flat.astype(np.float64)
    exact = np.apply_along_axis(math.fsum, -1, wide)
    rows = wide.reshape(flat.shape[:-1] + (n // width, width))
    before = np.cumsum(rows.sum(axis=-1), axis=-1) - rows.sum(axis=-1)  # acc before each row
    gamma = width * U32 / (1 - width * U32)
    total = np.abs(before).sum(axis=-1) + np.abs(wide).sum(axis=-1)
    # The accumulator the program holds is off by at most the bound itself: solve
    # B = gamma (sum |acc| + rows B + sum |x|); plus the float64 work here.
    bound = gamma * total / (1 - gamma * rows.shape[-2]) + 4 * n * U64 * np.abs(wide).sum(axis=-1)
    lo, hi = _widen(exact - bound, exact + bound)
    return Interval(nominal, np.minimum(lo, nominal), np.maximum(hi, nominal))


def f64_candidates(value, bound):
    """The float32 values a float64 `value` known to within `bound` rounds to (a list:
    one value unless the interval straddles a float32 rounding boundary)."""
    lo, hi = F32(value - bound), F32(value + bound)
    out = [lo]
    while out[-1] < hi:
        out.append(np.nextafter(out[-1], F32(np.inf)))
        if len(out) > 16:
            raise ValueError("bound %g too wide for %r" % (bound, value))
    return out


def max_magnitude_bounds(interval):
    """(smallest, largest) possible max |v| over the tensor."""
    lo, hi = interval.lo.astype(np.float64), interval.hi.astype(np.float64)
    largest = np.maximum(np.abs(lo), np.abs(hi))
    smallest = np.where((lo <= 0) & (hi >= 0), 0.0, np.minimum(np.abs(lo), np.abs(hi)))
    return F32(smallest.max()), F32(largest.max())


def codes(interval, exponent):
    """(lo codes, hi codes) of nearest encodes at `exponent`: every value in the
    interval encodes to a code between them (encode is monotone in the value)."""
    return mu8.encode(interval.lo, exponent)[0], mu8.encode(interval.hi, exponent)[0]
