"""Tests of the numpy MU8 reference against the contract in docs/MU8.md."""
import math

import numpy as np
import pytest

from logbtq import mu8

F32 = np.float32
L = mu8.unit_levels()
L64 = L.astype(np.float64)
M = mu8.midpoints()
EXPONENTS = (-32, -3, 0, 4, 32)


# ---------------------------------------------------------------- levels and midpoints
def test_constants():
    assert (mu8.MU, mu8.MAX_CODE, mu8.MIN_EXPONENT, mu8.MAX_EXPONENT) == (255, 127, -32, 32)


def test_levels_shape_and_ends():
    assert L.dtype == np.float32 and L.shape == (128,)
    assert L[0] == 0.0 and not np.signbit(L[0])
    assert L[127] == 1.0
    assert L[1] == F32((2.0 ** (8.0 / 127.0) - 1.0) / 255.0)
    assert 1.7e-4 < L[1] < 1.8e-4


def test_levels_strictly_increasing_geometric_step():
    assert np.all(np.diff(L64) > 0)
    steps = np.diff(L64)
    ratio = steps[1:] / steps[:-1]
    assert np.allclose(ratio, 2.0 ** (8.0 / 127.0), rtol=1e-3)


def test_levels_independent_of_exp2_implementation():
    """The C++ side uses std::exp2; every libm-quality route must round to the same float32."""
    k = np.arange(128)
    by_pow = np.array([(math.pow(2.0, 8.0 * i / 127.0) - 1.0) / 255.0 for i in k])
    by_op = np.array([(2.0 ** (8.0 * i / 127.0) - 1.0) / 255.0 for i in k])
    by_np = (np.exp2(8.0 * k / 127.0) - 1.0) / 255.0
    for route in (by_pow, by_op, by_np):
        np.testing.assert_array_equal(route.astype(np.float32), L)
    # Robustness margin: each float64 value is far (in float64 ulps) from a float32 rounding boundary,
    # so a 1-ulp exp2 difference anywhere cannot change the table.
    lo = L64[1:-1]
    half_ulp32 = (np.nextafter(L[1:-1], F32(2)).astype(np.float64) - lo) / 2.0
    dist = np.abs(np.abs(by_op[1:-1] - lo) - half_ulp32)
    assert np.all(dist > 64 * np.spacing(by_op[1:-1]))


def test_midpoints_exact():
    assert M.dtype == np.float64 and M.shape == (127,)
    np.testing.assert_array_equal(2.0 * M - L64[:-1], L64[1:])
    assert np.all((L64[:-1] < M) & (M < L64[1:]))
    assert M[0] == L64[1] / 2.0


# ---------------------------------------------------------------- decode
def test_decode_known_values():
    assert mu8.decode(np.int8(127), 0) == F32(1.0)
    assert mu8.decode(np.int8(127), 4) == F32(16.0)
    assert mu8.decode(np.int8(-127), -3) == F32(-0.125)
    assert mu8.decode(np.int8(1), 0) == L[1]
    z = mu8.decode(np.array([0], dtype=np.int8), 5)
    assert z[0] == 0.0 and not np.signbit(z[0])
    assert mu8.decode(np.arange(-128, 128), 0).dtype == np.float32


def test_decode_minus_128_reads_as_minus_127():
    for e in EXPONENTS:
        assert mu8.decode(np.int8(-128), e) == mu8.decode(np.int8(-127), e)


def test_decode_symmetry_and_exact_scaling():
    c = np.arange(0, 128)
    for e in EXPONENTS:
        pos = mu8.decode(c, e)
        np.testing.assert_array_equal(mu8.decode(-c, e), -pos)
        np.testing.assert_array_equal(pos.astype(np.float64), np.ldexp(L64, e))


def test_argument_validation():
    for bad in (33, -33, 1.5, "0", None):
        with pytest.raises(ValueError):
            mu8.decode([1], bad)
        with pytest.raises(ValueError):
            mu8.encode([1.0], bad)
    with pytest.raises(ValueError):
        mu8.decode([128], 0)
    with pytest.raises(ValueError):
        mu8.decode([0.5], 0)
    for bad in (-1, 15, 2.0):
        with pytest.raises(ValueError):
            mu8.fixed_table(bad)
    with pytest.raises(ValueError):
        mu8.encode_stochastic(np.zeros(4, F32), 0, 1, index=np.arange(3))


# ---------------------------------------------------------------- encode (nearest)
def _nearest_oracle(a):
    """Brute force over all levels: minimal distance, ties to the larger level."""
    d = np.abs(a[:, None] - L64[None, :])
    best = d.min(axis=1, keepdims=True)
    return np.where(d == best, np.arange(128), -1).max(axis=1)


def test_encode_matches_brute_force_nearest():
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.uniform(-1, 1, 20000), rng.choice([-1, 1], 20000) * 10.0 ** rng.uniform(-6, 0, 20000)])
    x = x.astype(F32)
    for e in (0, 4, -3):
        a = np.ldexp(np.abs(x).astype(np.float64), -e)
        ok = a <= 1.0
        codes, sat, inv = mu8.encode(x, e)
        assert inv == 0 and sat == np.count_nonzero(~ok)
        expect = np.where(np.signbit(x), -1, 1) * _nearest_oracle(np.minimum(a, 1.0))
        np.testing.assert_array_equal(codes.astype(np.int64), expect)


def test_round_trip_within_half_step():
    rng = np.random.default_rng(2)
    for e in (0, 4, -3):
        x = (rng.uniform(-1, 1, 50000) * 2.0 ** e).astype(F32)
        codes, sat, inv = mu8.encode(x, e)
        assert codes.dtype == np.int8 and sat == 0 and inv == 0
        y = mu8.decode(codes, e).astype(np.float64)
        a = np.ldexp(np.abs(x).astype(np.float64), -e)
        k = np.minimum(np.searchsorted(L64, a, side="right") - 1, 126)
        half = np.ldexp((L64[k + 1] - L64[k]) / 2.0, e)
        assert np.all(np.abs(x.astype(np.float64) - y) <= half)
        assert np.all((y == 0) | (np.sign(y) == np.sign(x)))


def test_encode_decode_identity_on_all_codes():
    c = np.arange(-127, 128)
    for e in EXPONENTS:
        codes, sat, inv = mu8.encode(mu8.decode(c, e), e)
        np.testing.assert_array_equal(codes, c.astype(np.int8))
        assert sat == 0 and inv == 0


def _exact_float32_midpoints():
    return np.nonzero(M.astype(np.float32).astype(np.float64) == M)[0]


def test_midpoint_ties_round_away_from_zero():
    ks = _exact_float32_midpoints()
    assert ks.size > 0  # many midpoints are float32 values, e.g. M[0] = L[1] / 2
    assert 0 in ks
    for e in (0, 4, -3):
        x = np.ldexp(M[ks], e).astype(F32)
        codes, _, _ = mu8.encode(x, e)
        np.testing.assert_array_equal(codes, (ks + 1).astype(np.int8))
        codes, _, _ = mu8.encode(-x, e)
        np.testing.assert_array_equal(codes, -(ks + 1).astype(np.int8))
        below, _, _ = mu8.encode(np.nextafter(x, F32(0)), e)
        np.testing.assert_array_equal(below, ks.astype(np.int8))
    # The float64 helper sees every midpoint exactly, representable in float32 or not.
    np.testing.assert_array_equal(mu8._encode_magnitude(M), np.arange(1, 128))
    np.testing.assert_array_equal(mu8._encode_magnitude(np.nextafter(M, -np.inf)), np.arange(0, 127))


def test_saturation_and_invalid_counting():
    x = np.array([np.nan, np.inf, -np.inf, 1.0, -1.0, np.nextafter(F32(1), F32(2)), -1.5,
                  np.finfo(F32).max, 0.5, np.nan], dtype=F32)
    codes, sat, inv = mu8.encode(x, 0)
    np.testing.assert_array_equal(codes, np.array([0, 127, -127, 127, -127, 127, -127, 127, codes[8], 0], np.int8))
    assert sat == 5 and inv == 2
    codes, sat, inv = mu8.encode(np.array([16.0, -16.0, np.nextafter(F32(16), F32(32))], F32), 4)
    np.testing.assert_array_equal(codes, np.array([127, -127, 127], np.int8))
    assert sat == 1 and inv == 0
    _, sat, _ = mu8.encode(np.array([np.finfo(F32).max], F32), 32)
    assert sat == 1
    _, sat, inv = mu8.encode(np.zeros(0, F32), 0)
    assert sat == 0 and inv == 0


def test_signed_zero_and_tiny_values():
    codes, sat, inv = mu8.encode(np.array([0.0, -0.0, 1e-45, -1e-45], F32), 0)
    np.testing.assert_array_equal(codes, np.zeros(4, np.int8))
    assert sat == 0 and inv == 0
    assert not np.signbit(mu8.decode(codes, 0)).any()


def test_encode_preserves_shape():
    x = np.linspace(-1, 1, 24, dtype=F32).reshape(2, 3, 4)
    codes, _, _ = mu8.encode(x, 0)
    assert codes.shape == (2, 3, 4)


# ---------------------------------------------------------------- SplitMix64 / uniform24
def _splitmix64_python(seed, index):
    """Plain Python-int SplitMix64, independent of numpy's uint64 wraparound."""
    m = (1 << 64) - 1
    z = (seed + (index + 1) * 0x9E3779B97F4A7C15) & m
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & m
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & m
    return z ^ (z >> 31)


def test_splitmix64_published_values_seed0():
    assert int(mu8.splitmix64(0, 0)) == 0xE220A8397B1DCDAF
    out = mu8.splitmix64(0, np.arange(3))
    assert out.dtype == np.uint64
    assert [int(v) for v in out] == [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F]


def test_splitmix64_wraparound_matches_python_ints():
    idx = np.array([0, 1, 2, 1000, 2**32 - 1, 2**63, 2**64 - 2, 2**64 - 1], dtype=np.uint64)
    for seed in (0, 12345, 2**63 + 7, 2**64 - 1):
        got = mu8.splitmix64(seed, idx)
        assert [int(v) for v in got] == [_splitmix64_python(seed, int(i)) for i in idx]


def test_uniform24_range_and_grid():
    for seed in (0, 12345, 2**64 - 1):
        u = mu8.uniform24(seed, np.arange(100000))
        assert u.dtype == np.float64
        assert np.all((u >= 0.0) & (u < 1.0))
        np.testing.assert_array_equal(u * 2**24, np.floor(u * 2**24))
        assert abs(u.mean() - 0.5) < 0.01
    assert mu8.uniform24(0, [0])[0] == (0xE220A8397B1DCDAF >> 40) / 2**24


# ---------------------------------------------------------------- stochastic rounding
def test_stochastic_exact_levels_never_move():
    c = np.arange(-127, 128)
    for e in (0, 4, -3):
        x = mu8.decode(c, e)
        for seed in range(20):
            codes, sat, inv = mu8.encode_stochastic(x, e, seed)
            np.testing.assert_array_equal(codes, c.astype(np.int8))
            assert sat == 0 and inv == 0


def test_stochastic_picks_a_neighbour():
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, 50000).astype(F32)
    codes, _, _ = mu8.encode_stochastic(x, 0, 99)
    a = np.abs(x).astype(np.float64)
    k = np.searchsorted(L64, a, side="right") - 1
    mag = np.abs(codes.astype(np.int64))
    assert np.all((mag == k) | (mag == k + 1))
    assert np.all((codes == 0) | (np.sign(codes) == np.sign(x)))
    both = (mag == k).any() and (mag == k + 1).any()
    assert both


def test_stochastic_unbiased_mean():
    n = 200_000
    for e, xv in ((0, 0.3), (0, -0.00011), (4, 5.5), (-3, 0.0123)):
        x = np.full(n, xv, dtype=F32)
        codes, _, _ = mu8.encode_stochastic(x, e, 777)
        y = mu8.decode(codes, e).astype(np.float64)
        a = abs(float(F32(xv))) * 2.0 ** -e
        k = np.searchsorted(L64, a, side="right") - 1
        step = (L64[k + 1] - L64[k]) * 2.0 ** e
        p = (a - L64[k]) / (L64[k + 1] - L64[k])
        assert 0.01 < p < 0.99
        sigma = step * math.sqrt(p * (1 - p) / n)
        assert abs(y.mean() - float(F32(xv))) < 4 * sigma
        assert len(np.unique(codes)) == 2


def test_stochastic_keep_nonzero():
    """Only values that would round to magnitude 0 change: to the first level."""
    rng = np.random.default_rng(5)
    x = (rng.uniform(-1, 1, 20000) * np.where(rng.uniform(0, 1, 20000) < 0.5, 1e-4, 1)
         ).astype(F32)
    x[:3] = [0.0, -0.0, np.nan]
    plain = mu8.encode_stochastic(x, 0, 31)[0]
    kept = mu8.encode_stochastic(x, 0, 31, keep_nonzero=True)[0]
    changed = plain != kept
    assert np.count_nonzero(changed) > 1000
    assert np.all(plain[changed] == 0)
    np.testing.assert_array_equal(kept[changed], np.sign(x[changed]).astype(np.int8))
    np.testing.assert_array_equal(kept[:3], [0, 0, 0])


def test_stochastic_reproducible_and_seed_dependent():
    x = np.random.default_rng(4).uniform(-1, 1, 10000).astype(F32)
    a1 = mu8.encode_stochastic(x, 0, 12345)[0]
    a2 = mu8.encode_stochastic(x, 0, 12345)[0]
    b = mu8.encode_stochastic(x, 0, 12346)[0]
    np.testing.assert_array_equal(a1, a2)
    assert np.count_nonzero(a1 != b) > 1000
    explicit = mu8.encode_stochastic(x, 0, 12345, index=np.arange(10000))[0]
    np.testing.assert_array_equal(a1, explicit)
    shifted = mu8.encode_stochastic(x, 0, 12345, index=np.arange(1, 10001))[0]
    assert np.count_nonzero(a1 != shifted) > 1000


def test_stochastic_rule_against_explicit_uniforms():
    x = np.random.default_rng(5).uniform(-1.2, 1.2, 20000).astype(F32)
    seed = 2**64 - 1
    codes, sat, inv = mu8.encode_stochastic(x, 0, seed)
    u = np.array([_splitmix64_python(seed, i) >> 40 for i in range(x.size)]) / 2.0**24
    a = np.abs(x).astype(np.float64)
    out = np.abs(x) > 1
    k = np.minimum(np.searchsorted(L64, a, side="right") - 1, 126)
    p = (a - L64[k]) / (L64[k + 1] - L64[k])
    mag = np.where(out, 127, np.where(u < p, k + 1, k))
    np.testing.assert_array_equal(codes.astype(np.int64), np.where(x < 0, -mag, mag))
    assert sat == np.count_nonzero(out) and inv == 0


def test_stochastic_nan_inf_and_zero():
    x = np.array([np.nan, np.inf, -np.inf, 1.0, -0.0, 0.0, 2.0], F32)
    codes, sat, inv = mu8.encode_stochastic(x, 0, 5)
    np.testing.assert_array_equal(codes, np.array([0, 127, -127, 127, 0, 0, 127], np.int8))
    assert sat == 3 and inv == 1


# ---------------------------------------------------------------- fixed-point tables
def test_fixed_table_f13():
    t = mu8.fixed_table(13)
    assert t.dtype == np.int16 and t.shape == (256,)
    code = lambda c: t[c + 128]  # noqa: E731
    assert code(127) == 8192 and code(-127) == -8192 and code(0) == 0
    assert code(-128) == code(-127)
    assert code(1) == 1  # L[1] * 8192 = 1.43
    assert np.all(np.diff(t[1:].astype(np.int64)) >= 0)
    np.testing.assert_array_equal(t[128:], -t[128:0:-1])
    np.testing.assert_array_equal(mu8.decode_fixed(np.array([-128, -1, 0, 127]), 13), [-8192, -code(1), 0, 8192])


def test_fixed_tables_all_frac_bits():
    for f in range(15):
        t = mu8.fixed_table(f).astype(np.int64)
        expect = np.floor(L64 * 2.0 ** f + 0.5)  # safe here: no level*2^f is just below a half
        np.testing.assert_array_equal(t[128:], expect)
        assert t[255] == 2**f and t[0] == -(2**f)
        assert np.all(np.diff(t[1:]) >= 0)


def test_round_half_away_helper():
    v = np.array([0.5, 1.5, 2.5, -0.5, -2.5, 0.49999999999999994, 2.4999999999999996, 0.0])
    np.testing.assert_array_equal(mu8._round_half_away(v), [1, 2, 3, -1, -3, 0, 2, 0])


def _seed_for_first_output(z):
    """Invert the SplitMix64 finalizer: the seed whose index-0 output is z (to force chosen u)."""
    m = (1 << 64) - 1

    def unxorshift(y, s):
        x = y
        for _ in range(64 // s + 1):
            x = y ^ (x >> s)
        return x

    z = unxorshift(z, 31)
    z = unxorshift((z * pow(0x94D049BB133111EB, -1, 1 << 64)) & m, 27)
    z = unxorshift((z * pow(0xBF58476D1CE4E5B9, -1, 1 << 64)) & m, 30)
    return (z - 0x9E3779B97F4A7C15) & m


def test_stochastic_comparison_is_strict():
    """At a float32-exact midpoint p = 0.5: u = 0.5 must keep k, u just below must round up."""
    k = int(_exact_float32_midpoints()[5])
    x = np.array([M[k]], dtype=F32)
    for u_top, expect in ((1 << 23, k), ((1 << 23) - 1, k + 1), (0, k + 1), ((1 << 24) - 1, k)):
        seed = _seed_for_first_output((u_top << 40) | 0x123456789)
        assert mu8.uniform24(seed, [0])[0] == u_top / 2.0**24
        codes, _, _ = mu8.encode_stochastic(x, 0, seed)
        assert codes[0] == expect
