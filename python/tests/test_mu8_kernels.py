"""Tests of the integer kernels of the MU8 step reference (logbtq.mu8_kernels)."""
import numpy as np

from logbtq import mu8, mu8_kernels as k


def _codes(rng, shape, high=127):
    return rng.integers(-high, high + 1, size=shape).astype(np.int8)


def test_matmul_is_the_exact_integer_product_scaled_once():
    rng = np.random.default_rng(1)
    a, b = _codes(rng, (3, 5)), _codes(rng, (5, 4))
    r = k.matmul(a, -2, b, 1)
    ga, gb = k.grid(a), k.grid(b)
    acc = np.array([[sum(int(ga[i, p]) * int(gb[p, j]) for p in range(5)) for j in range(4)]
                    for i in range(3)])
    assert np.array_equal(r.value, (acc * 2.0 ** (-2 + 1 - 26)).astype(np.float32))
    assert (r.overflows, r.outputs) == (0, 12)


def test_matmul_transposes():
    rng = np.random.default_rng(2)
    a, b = _codes(rng, (4, 3)), _codes(rng, (5, 4))
    direct = k.matmul(np.ascontiguousarray(a.T), 0, np.ascontiguousarray(b.T), 0)
    assert np.array_equal(k.matmul(a, 0, b, 0, transpose_a=True, transpose_b=True).value,
                          direct.value)


def test_overflow_is_counted_and_saturated():
    # 33 full-scale products of 2^26 each leave int32; 31 do not.
    a = np.full((2, 33), 127, np.int8)
    a[1, :2] = 0
    b = np.full((33, 1), 127, np.int8)
    b_neg = -b
    r = k.matmul(a, 0, b, 0)
    assert r.overflows == 1
    assert r.value[0, 0] == np.float32((2 ** 31 - 1) * 2.0 ** -26)
    assert r.value[1, 0] == np.float32(31 * 2.0 ** 26 * 2.0 ** -26)
    assert k.matmul(a, 0, b_neg, 0).value[0, 0] == np.float32(-(2 ** 31) * 2.0 ** -26)


def _dot(a, b):
    return int(np.sum(a.astype(np.int64) * b.astype(np.int64)))


def test_convolution_gradients_are_the_adjoints_of_the_convolution():
    """<conv(x, w), dy> = <x, grad_input(dy, w)> = <w, grad_filter(dy, x)> exactly
    (in grid units), which pins both gradients down."""
    rng = np.random.default_rng(3)
    x, w, dy = _codes(rng, (2, 3, 6, 6), 20), _codes(rng, (4, 3, 3, 3), 20), \
        _codes(rng, (2, 4, 6, 6), 20)
    pad = 1
    conv = k.conv2d(x, 0, w, 0, pad)
    lhs = _dot(np.round(conv.value * 2.0 ** 26).astype(np.int64), k.grid(dy))
    gi = k.conv2d_grad_input(dy, 0, w, 0, pad, x.shape)
    gf = k.conv2d_grad_filter(dy, 0, x, 0, pad, w.shape)
    assert _dot(k.grid(x), np.round(gi.value * 2.0 ** 26).astype(np.int64)) == lhs
    assert _dot(k.grid(w), np.round(gf.value * 2.0 ** 26).astype(np.int64)) == lhs
    assert (conv.outputs, gi.outputs, gf.outputs) == (2 * 4 * 36, x.size, w.size)


def test_convolution_matches_a_direct_loop_and_adds_the_bias_in_float32():
    rng = np.random.default_rng(4)
    x, w = _codes(rng, (1, 2, 4, 4)), _codes(rng, (3, 2, 3, 3))
    bias = mu8.decode(_codes(rng, (3,)), 0)
    r = k.conv2d(x, -1, w, 0, 1, bias=bias)
    gx = np.pad(k.grid(x), ((0, 0), (0, 0), (1, 1), (1, 1)))
    gw = k.grid(w)
    for f in range(3):
        for i in range(4):
            for j in range(4):
                acc = int(np.sum(gx[0, :, i:i + 3, j:j + 3] * gw[f]))
                want = np.float32(acc * 2.0 ** (-1 - 26)) + bias[f]
                assert r.value[0, f, i, j] == want
