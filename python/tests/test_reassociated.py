"""Tests of the bounds on reassociated sums (logbtq.reassociated)."""
import numpy as np
import pytest

from logbtq import mu8, reassociated as ra

F32 = np.float32


def _row_orders(x, width):
    """Sums of x (1-D) row by row, each row of `width` added in a different order
    (reversed, split into lanes, pairwise), as a vectorizing compiler may."""
    rows = x.reshape(-1, width)

    def run(row_sum):
        acc = F32(0)
        for r in rows:
            acc = row_sum(acc, r)
        return acc

    def reverse(acc, r):
        for v in r[::-1]:
            acc = F32(acc + v)
        return acc

    def lanes(acc, r, n=4):
        parts = [F32(0)] * n
        parts[0] = acc
        for i, v in enumerate(r):
            parts[i % n] = F32(parts[i % n] + v)
        return F32(F32(parts[0] + parts[2]) + F32(parts[1] + parts[3]))

    def pairwise(acc, r):
        return F32(acc + np.sum(r, dtype=F32))

    return [run(reverse), run(lanes), run(pairwise)]


def test_width_one_is_the_exact_sequential_sum():
    # In order the first 1 is lost against 1e8; pairwise (np.sum) it is not.
    x = np.array([[1e8, 1.0, -1e8, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]], dtype=F32)
    s = ra.sum_f32(x, [1], width=1)
    assert s.certain and s.nominal[0] == F32(2.0)


@pytest.mark.parametrize("seed", range(5))
def test_every_row_order_lies_inside_the_interval(seed):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((3, 64 * 28)) * 10.0 ** rng.integers(-3, 3, (3, 1))).astype(F32)
    s = ra.sum_f32(x, [1], width=28)
    for c in range(3):
        assert s.lo[c] <= s.nominal[c] <= s.hi[c]
        for v in _row_orders(x[c], 28):
            assert s.lo[c] <= v <= s.hi[c]


def test_the_bound_is_per_row_not_per_tensor():
    """Rows of 28 cost far less than any order of all 6272 terms would."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal((1, 6272)).astype(F32)
    rows = ra.sum_f32(x, [1], width=28)
    width = (rows.hi - rows.lo)[0]
    assert width < 6272 * 2.0 ** -24 * np.abs(x).sum() / 10


def test_axes_are_reduced_in_row_major_order():
    rng = np.random.default_rng(8)
    x = rng.standard_normal((2, 3, 4, 5)).astype(F32)
    s = ra.sum_f32(x, [0, 2, 3], width=1)
    for c in range(3):
        acc = F32(0)
        for n in range(2):
            for h in range(4):
                for w in range(5):
                    acc = F32(acc + x[n, c, h, w])
        assert s.nominal[c] == acc


def test_codes_at_both_ends_of_an_interval_around_a_threshold():
    m = F32(mu8.midpoints()[40])
    around = ra.Interval(m, np.nextafter(m, F32(0)), np.nextafter(m, F32(1)))
    lo, hi = ra.codes(around, 0)
    assert (int(lo), int(hi)) == (40, 41)
    away = ra.Interval.exact(mu8.unit_levels()[40])
    assert ra.codes(away, 0) == (40, 40)


def test_map_keeps_the_ends_in_order():
    i = ra.Interval(F32(2), F32(1), F32(3))
    neg = i.map(lambda v: -v, decreasing=True)
    assert (neg.lo, neg.nominal, neg.hi) == (F32(-3), F32(-2), F32(-1))


def test_float64_candidates():
    assert ra.f64_candidates(1.0, 1e-12) == [F32(1.0)]
    half = (1.0 + float(np.nextafter(F32(1), F32(2)))) / 2  # a float32 rounding boundary
    assert len(ra.f64_candidates(half, 1e-12)) == 2


def test_max_magnitude_bounds():
    i = ra.Interval(np.array([0.5, -2.0], F32), np.array([-0.1, -3.0], F32),
                    np.array([1.0, -1.5], F32))
    assert ra.max_magnitude_bounds(i) == (F32(1.5), F32(3.0))
