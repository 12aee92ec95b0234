"""The integer kernels of an MU8 trainer, in numpy (docs/Quantization.md).

A product whose operands are all MU8 codes multiplies their fixed-point grid
values (docs/MU8.md, 13 fraction bits: code 127 is 8192) in integers and sums
exactly; every output whose sum leaves the int32 range is counted and
saturated, as an int32 saturating accumulator would end up; the epilogue
scales the accumulator by 2^(e_a + e_b - 26) into float32 (in float64, then
one rounding) and adds a convolution's decoded bias in float32.

The sums here are int64 (numpy's integer matmul and einsum are exact), so
the order of the terms does not matter: these kernels must match the
compiled ones bit for bit, and the counts exactly.
"""
import numpy as np

from logbtq import mu8

GRID_BITS = 13
_INT32_MIN = -(2 ** 31)
_INT32_MAX = 2 ** 31 - 1


class Kernel:
    """The float32 result of one integer kernel and its two counters."""

    def __init__(self, acc, exponent_a, exponent_b, bias=None):
        acc = np.asarray(acc, dtype=np.int64)
        self.overflows = int(np.count_nonzero((acc > _INT32_MAX) | (acc < _INT32_MIN)))
        self.outputs = int(acc.size)
        clamped = np.clip(acc, _INT32_MIN, _INT32_MAX).astype(np.float64)
        # The product of two power-of-two scales is exact in float64.
        scale = 2.0 ** (exponent_a + exponent_b - 2 * GRID_BITS)
        value = (clamped * scale).astype(np.float32)
        if bias is not None:
            value = value + np.asarray(bias, dtype=np.float32).reshape(1, -1, 1, 1)
        self.value = value.astype(np.float32)


def grid(codes):
    """int64 grid values of int8 codes."""
    return mu8.decode_fixed(np.asarray(codes), GRID_BITS).astype(np.int64)


def matmul(a, ea, b, eb, transpose_a=False, transpose_b=False):
    """op(A) @ op(B) of codes A, B at range exponents ea, eb."""
    ga, gb = grid(a), grid(b)
    if transpose_a:
        ga = ga.T
    if transpose_b:
        gb = gb.T
    return Kernel(ga @ gb, ea, eb)


def _padded(g, pad):
    return np.pad(g, ((0, 0), (0, 0), (pad, pad), (pad, pad)))


def conv2d(x, ex, w, ew, pad, bias=None):
    """Stride-1, dilation-1 NCHW convolution of codes x with OIHW filter codes w,
    plus a decoded float32 bias per output channel."""
    gx, gw = _padded(grid(x), pad), grid(w)
    n, _, h, wd = gx.shape
    f, _, kh, kw = gw.shape
    oh, ow = h - kh + 1, wd - kw + 1
    acc = np.zeros((n, f, oh, ow), dtype=np.int64)
    for i in range(kh):
        for j in range(kw):
            acc += np.einsum("nchw,fc->nfhw", gx[:, :, i:i + oh, j:j + ow], gw[:, :, i, j])
    return Kernel(acc, ex, ew, bias)


def conv2d_grad_input(dy, edy, w, ew, pad, input_shape):
    """d input of a stride-1 convolution: every output gradient sent back
    through the filter tap that read each input position."""
    gdy, gw = grid(dy), grid(w)
    n, c, h, wd = input_shape
    _, _, kh, kw = gw.shape
    oh, ow = gdy.shape[2], gdy.shape[3]
    acc = np.zeros((n, c, h + 2 * pad, wd + 2 * pad), dtype=np.int64)
    for i in range(kh):
        for j in range(kw):
            acc[:, :, i:i + oh, j:j + ow] += np.einsum("nfhw,fc->nchw", gdy, gw[:, :, i, j])
    return Kernel(acc[:, :, pad:pad + h, pad:pad + wd], edy, ew)


def conv2d_grad_filter(dy, edy, x, ex, pad, filter_shape):
    """d filter of a stride-1 convolution:
    dW[f, c, i, j] = sum_{n, oh, ow} dy[n, f, oh, ow] * xpad[n, c, oh + i, ow + j]."""
    gdy, gx = grid(dy), _padded(grid(x), pad)
    _, _, kh, kw = filter_shape
    oh, ow = gdy.shape[2], gdy.shape[3]
    acc = np.zeros(filter_shape, dtype=np.int64)
    for i in range(kh):
        for j in range(kw):
            acc[:, :, i, j] = np.einsum("nfhw,nchw->fc", gdy, gx[:, :, i:i + oh, j:j + ow])
    return Kernel(acc, edy, ex)
