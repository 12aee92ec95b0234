"""Tests of the numpy log-barrier reference against docs/MU8.md."""
import math

import numpy as np
import pytest

from logbtq import barrier

TS = (0.5, 1.0, 1.1, 5.0, 20.0, 100.0)


def test_switch_point_value_and_branches():
    for t in TS:
        s = barrier.switch_point(t)
        assert s == -1.0 / (t * t)
        # At s both branches give -(1/t) log(1/t^2); at s the log branch is used.
        assert barrier.psi(s, t) == pytest.approx(-(1.0 / t) * math.log(1.0 / (t * t)), rel=1e-14, abs=1e-15)
        assert barrier.dpsi(s, t) == pytest.approx(t, rel=1e-14)


def test_continuity_of_value_and_slope_at_switch():
    for t in TS:
        s = barrier.switch_point(t)
        left = np.nextafter(s, -np.inf)
        right = np.nextafter(s, np.inf)
        scale = max(1.0, abs(float(barrier.psi(s, t))))
        assert abs(barrier.psi(left, t) - barrier.psi(right, t)) < 1e-12 * scale
        assert barrier.dpsi(right, t) == t
        assert barrier.dpsi(left, t) == pytest.approx(t, rel=1e-12)
        # One-sided secant slopes agree as well.
        h = 1e-6 * abs(s)
        sl = (barrier.psi(s, t) - barrier.psi(s - h, t)) / h
        sr = (barrier.psi(s + h, t) - barrier.psi(s, t)) / h
        assert sl == pytest.approx(t, rel=1e-5) and sr == pytest.approx(t, rel=1e-5)


def test_dpsi_matches_central_difference():
    for t in TS:
        s = barrier.switch_point(t)
        for z in (-10.0, -2.0, -0.7, 5 * s, 1.5 * s, 0.5 * s, 0.0, 0.3, 7.0):
            h = 1e-6 * max(abs(z - s), 1e-3)  # stay on one branch
            fd = (barrier.psi(z + h, t) - barrier.psi(z - h, t)) / (2 * h)
            assert barrier.dpsi(z, t) == pytest.approx(fd, rel=1e-6)


def test_psi_known_values():
    assert barrier.psi(-1.0, 1.0) == 0.0  # -log(1)
    assert barrier.psi(-math.e, 2.0) == pytest.approx(-0.5)
    assert barrier.psi(-10.0, 1.0) < 0  # barrier, not a distance
    # linear branch has slope t beyond the bound
    assert barrier.psi(3.0, 5.0) - barrier.psi(2.0, 5.0) == pytest.approx(5.0, rel=1e-14)
    assert barrier.dpsi(np.array([1.0, 1e30]), 7.0).tolist() == [7.0, 7.0]
    assert barrier.psi(np.inf, 1.0) == np.inf
    assert np.isnan(barrier.psi(np.nan, 1.0)) and np.isnan(barrier.dpsi(np.nan, 1.0))


def _loop_penalty(x, b, t):
    """Element values from psi itself; only the summation order is independent here."""
    values = barrier.psi(np.abs(np.asarray(x, dtype=np.float64).ravel()) - b, t)
    total = 0.0
    for v in values:
        total += float(v)
    return total / values.size


def test_penalty_is_sequential_mean():
    rng = np.random.default_rng(7)
    x = (rng.standard_normal(3000) * 0.8).astype(np.float32)
    for b, t in ((1.0, 5.0), (1.0, 20.0), (0.5, 1.1), (16.0, 100.0)):
        p = barrier.penalty(x, b, t)
        assert p == _loop_penalty(x, b, t)  # bit-exact, element order
        z = np.abs(x.astype(np.float64)) - b
        assert p == pytest.approx(np.mean(barrier.psi(z, t)), rel=1e-12)


def test_penalty_sequential_differs_from_pairwise_when_it_should():
    """Guards that we really accumulate in order: a case where the order changes the sum."""
    x = np.array([1e16] + [1.0] * 200, dtype=np.float64)
    t, b = 1.0, 1.0  # psi(|x| - 1) = |x| - 1 + 1 = |x| on the linear branch for |x| >= 1
    seq = barrier.penalty(x, b, t) * x.size
    assert seq == 1e16  # every +1.0 is lost against 1e16 when added one by one
    assert _loop_penalty(x, b, t) * x.size == seq


def test_gradient_matches_finite_difference_of_penalty():
    rng = np.random.default_rng(8)
    x = np.concatenate([rng.uniform(-1.4, 1.4, 30), [0.97, -0.999, 1.3, -2.0]])
    for b, t in ((1.0, 5.0), (1.0, 20.0), (0.5, 1.1)):
        g = barrier.gradient(x, b, t)
        assert g.shape == x.shape and g.dtype == np.float64
        s = barrier.switch_point(t)
        for i in range(x.size):
            z = abs(x[i]) - b
            h = 1e-6 * min(abs(z - s), 1e-2)
            xp, xm = x.copy(), x.copy()
            xp[i] += h
            xm[i] -= h
            fd = (barrier.penalty(xp, b, t) - barrier.penalty(xm, b, t)) / (2 * h)
            assert g[i] == pytest.approx(fd, rel=1e-4, abs=1e-9)


def test_gradient_formula_and_sign_of_zero():
    x = np.array([0.0, -0.0, 0.5, -0.5, 3.0, -3.0])
    g = barrier.gradient(x, 1.0, 5.0)
    assert g[0] == 0.0 and g[1] == 0.0
    assert g[2] == pytest.approx(-1.0 / (5.0 * -0.5) / 6) and g[3] == -g[2]
    assert g[4] == 5.0 / 6 and g[5] == -5.0 / 6
    assert barrier.gradient(np.zeros((2, 3), np.float32), 1.0, 2.0).shape == (2, 3)


def test_nan_inf_empty():
    assert np.isnan(barrier.penalty([0.1, np.nan, 0.2], 1.0, 5.0))
    assert np.isnan(barrier.penalty([np.inf, np.nan], 1.0, 5.0))
    assert barrier.penalty([0.1, np.inf], 1.0, 5.0) == np.inf
    assert barrier.penalty([-np.inf, 0.1], 1.0, 5.0) == np.inf
    assert barrier.penalty(np.zeros(0, np.float32), 1.0, 5.0) == 0.0
    assert barrier.gradient(np.zeros(0), 1.0, 5.0).shape == (0,)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.inf, -math.inf, math.nan])
def test_argument_validation(bad):
    with pytest.raises(ValueError):
        barrier.penalty([0.1], bad, 5.0)
    with pytest.raises(ValueError):
        barrier.penalty([0.1], 1.0, bad)
    with pytest.raises(ValueError):
        barrier.gradient([0.1], bad, 5.0)
    with pytest.raises(ValueError):
        barrier.gradient([0.1], 1.0, bad)
    with pytest.raises(ValueError):
        barrier.psi(-1.0, bad)
    with pytest.raises(ValueError):
        barrier.dpsi(-1.0, bad)
    with pytest.raises(ValueError):
        barrier.penalty([], bad, 5.0)
