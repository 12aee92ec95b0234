#!/usr/bin/env python3
"""Exhaustive check of the encode's search (docs/Quantization.md).

    check_encode_search.py                 # the lowering's offsets
    check_encode_search.py --offsets N S   # others (to see a bad pair fail)

For every f32 magnitude m in [0, 1] (1,065,353,217 values), emulates in f32
what -convert-logbtq-to-linalg emits: the estimate 127/8 log2(1 + 255 m)
(exponent plus a quadratic in the mantissa), offset, clamped and truncated
to a start k, then one comparison with the table entry at k. It checks that

  - round to nearest: k + (midpoint[k] <= m) is the number of midpoints at
    or below m, as the numerics library's f64 binary search counts them;
  - stochastic rounding: k + (level[k + 1] <= m) is the number of levels
    1..127 at or below m, and the two levels the lowering reads (level
    k + 1, and level 2c - k clamped to 127) are levels c and c + 1.

It also prints the range of (unoffset estimate - count) for both searches:
the offsets must put that range inside [-1, 1). Takes about 90 s and 1 GiB;
outside CI (test/Integration/MU8 checks the boundaries bit for bit there).
Exit status 1 on any mismatch.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from logbtq import mu8  # noqa: E402

f32 = np.float32


def estimate(m):
    """The lowering's f32 estimate of the level index, before any offset."""
    x = f32(1) + f32(255) * m
    bits = x.view(np.int32)
    exponent = ((bits >> 23) - 127).astype(f32)
    mantissa = ((bits & 0x7FFFFF) | 0x3F800000).view(f32)
    poly = (f32(-1 / 3) * mantissa + f32(2)) * mantissa - f32(5 / 3)
    return (exponent + poly) * f32(127 / 8)


def ceil_f32(v):
    """The smallest f32 at or above each f64 in v."""
    f = v.astype(f32)
    return np.where(f.astype(np.float64) < v, np.nextafter(f, f32(np.inf)), f)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--offsets", nargs=2, type=float,
                        default=[0.03, 0.465], metavar=("NEAREST", "LEVELS"))
    args = parser.parse_args()
    nearest_offset, levels_offset = f32(args.offsets[0]), f32(args.offsets[1])

    levels = mu8.unit_levels().astype(np.float64)  # levels 0..127 (f32 values)
    midpoints = mu8.midpoints().astype(np.float64)  # 127 midpoints, exact
    mid_table = np.append(ceil_f32(midpoints), f32(np.inf)).astype(f32)
    level_f32 = levels.astype(f32)
    above_table = np.append(level_f32[1:], f32(np.inf)).astype(f32)

    last = int(f32(1.0).view(np.int32))
    chunk = 1 << 24
    bad = 0
    span_n, span_s = [np.inf, -np.inf], [np.inf, -np.inf]
    for first in range(0, last + 1, chunk):
        m = np.arange(first, min(first + chunk, last + 1),
                      dtype=np.int32).view(f32)
        g = estimate(m)
        exact = m.astype(np.float64)
        count_n = np.searchsorted(midpoints, exact, side="right")
        count_s = np.searchsorted(levels[1:], exact, side="right")
        for span, count in ((span_n, count_n), (span_s, count_s)):
            d = g.astype(np.float64) - count
            span[0], span[1] = min(span[0], d.min()), max(span[1], d.max())

        start_n = (np.minimum(np.maximum(g, f32(0)), f32(127)) +
                   nearest_offset).astype(np.int64)
        bad += np.count_nonzero(start_n + (mid_table[start_n] <= m) != count_n)

        start_s = np.minimum(np.maximum(g - levels_offset, f32(0)),
                             f32(126)).astype(np.int64)
        above = above_table[start_s]
        c = start_s + (above <= m)
        bad += np.count_nonzero(c != count_s)
        other = level_f32[np.minimum(2 * c - start_s, 127)]
        rounded = c > start_s
        lower = np.where(rounded, above, other)
        upper = np.where(rounded, other, above)
        # Level 127 and above: the code is 127 whichever way it rounds.
        below_top = c < 127
        bad += np.count_nonzero((lower != level_f32[c])[below_top])
        bad += np.count_nonzero(
            (upper != level_f32[np.minimum(c + 1, 127)])[below_top])

    print(f"estimate - count: midpoints [{span_n[0]:.4f}, {span_n[1]:.4f}], "
          f"levels [{span_s[0]:.4f}, {span_s[1]:.4f}]")
    print(f"offsets {float(nearest_offset)}, {float(levels_offset)}: "
          f"{bad} mismatches")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
