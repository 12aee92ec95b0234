"""Writes the execution tests of the lowering (--logbtq-lower-to-llvm), with PyTorch's answers.

Every case is one logbtq op on constant inputs. PyTorch (float32, CPU) computes
the same op on the same inputs; the test holds its answer as a constant, runs the
lowered op with mlir-runner and counts the elements that differ from it by more
than 1e-6 + 1e-5 * |expected| (equal values, infinities and NaNs included, match).
Each case prints `<name>: mismatches 0 of <n>`, and on a mismatch the values it
got and the values PyTorch gave.

Inputs are multiples of 1/16 in small ranges, so matmul, conv and pooling sums
are exact in float32 whatever the summation order; only the transcendental ops
(exp, log, tanh, sqrt) lean on the tolerance.

    /usr/bin/python3 test/Integration/Lowering/Inputs/gen_expected.py --write test/Integration/Lowering
        rewrites the tests (one .mlir file per op family);
    ... gen_expected.py --check test/Integration/Lowering
        fails if a checked-in test differs from what PyTorch gives today
        (run by expected-up-to-date.test);
    ... gen_expected.py [--print FAMILY]
        prints the tests (or one of them) to stdout.
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), *[".."] * 4, "python"))
from logbtq import barrier as barrier_reference  # noqa: E402

ATOL = 1e-6
RTOL = 1e-5

# The trainers' own lowering (--logbtq-lower-to-llvm: bufferization,
# deallocation, loop order, LLVM). Only the harness's vector.print needs the
# vector dialect, which the trainers never use: it is lowered after it.
PIPELINE = [
    "logbtq-opt %s --logbtq-lower-to-llvm",
    "-convert-vector-to-llvm -reconcile-unrealized-casts",
    "| mlir-runner -e main -entry-point-result=void",
    "-shared-libs=%mlir_runner_utils,%mlir_c_runner_utils",
    "| FileCheck %s",
]


# ----------------------------------------------------------------------------
# Values and their MLIR spelling
# ----------------------------------------------------------------------------

class Scalar:
    """An f32 scalar (not a tensor): the `t` of barrier, the scalar results."""

    def __init__(self, value):
        self.value = np.float32(value)


def grid(rng, shape, lo=-2.0, hi=2.0):
    """Random multiples of 1/16 in [lo, hi]."""
    return (rng.integers(int(lo * 16), int(hi * 16) + 1, size=shape) / 16.0).astype(np.float32)


def f32_text(v):
    v = np.float32(v)
    if not np.isfinite(v):
        return "0x%08X" % v.view(np.uint32)
    mantissa, e, exponent = ("%.9g" % v).partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return mantissa + e + exponent


def elem_text(v, dtype):
    return str(int(v)) if dtype == np.int32 else f32_text(v)


def dense_text(a):
    def nested(x):
        if x.ndim == 0:
            return elem_text(x, a.dtype)
        return "[" + ", ".join(nested(s) for s in x) + "]"
    if a.ndim == 0:
        return "dense<%s>" % elem_text(a, a.dtype)
    return "dense<%s>" % nested(a)


def tensor_type(a):
    elem = "i32" if a.dtype == np.int32 else "f32"
    return "tensor<%s%s>" % ("".join("%dx" % d for d in a.shape), elem)


def type_of(v):
    return "f32" if isinstance(v, Scalar) else tensor_type(v)


# ----------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------

class Case:
    """`op` is the logbtq op, formatted with {0}, {1}, ... (the inputs), {T0},
    {T1}, ... (their types) and {R} (the result type)."""

    def __init__(self, name, torch_text, op, inputs, expected):
        self.name, self.torch_text, self.op = name, torch_text, op
        self.inputs, self.expected = inputs, expected

    def emit(self, funcs, out):
        """Appends the case's function to `funcs` and its call and check to
        `out` (the body of @main). The op gets its inputs as function
        arguments, so that no folder can compute it at compile time."""
        n = self.name
        args, types = [], {}
        for i, v in enumerate(self.inputs):
            args.append("%%arg%d" % i)
            types["T%d" % i] = type_of(v)
        types["R"] = type_of(self.expected)
        signature = ", ".join("%s: %s" % (a, types["T%d" % i]) for i, a in enumerate(args))
        funcs.append("// %s = %s" % (n, self.torch_text))
        funcs.append("func.func @%s(%s) -> %s {" % (n, signature, types["R"]))
        funcs.append("  %%0 = %s" % self.op.format(*args, **types))
        funcs.append("  return %%0 : %s" % types["R"])
        funcs.append("}")
        funcs.append("")

        names = []
        for i, v in enumerate(self.inputs):
            names.append("%%%s_%d" % (n, i))
            if isinstance(v, Scalar):
                out.append("  %s = arith.constant %s : f32" % (names[-1], f32_text(v.value)))
            else:
                out.append("  %s = arith.constant %s : %s" % (names[-1], dense_text(v), type_of(v)))
        arg_types = ", ".join(types["T%d" % i] for i in range(len(args)))
        out.append("  %%%s = func.call @%s(%s) : (%s) -> %s"
                   % (n, n, ", ".join(names), arg_types, types["R"]))
        exp = self.expected

        # Flatten the result to 1-D and compare it with PyTorch's answer.
        flat = "%%%s_flat" % n
        if isinstance(exp, Scalar):
            flat_n, want = 1, np.array([exp.value], dtype=np.float32)
            out.append("  %s = tensor.from_elements %%%s : tensor<1xf32>" % (flat, n))
        else:
            flat_n, want = int(exp.size), exp.reshape(-1).astype(np.float32)
            if exp.ndim == 0:
                out.append("  %s = tensor.expand_shape %%%s [] output_shape [1] : %s into tensor<1xf32>"
                           % (flat, n, types["R"]))
            elif exp.ndim == 1:
                flat = "%" + n
            else:
                dims = ", ".join(str(d) for d in range(exp.ndim))
                out.append("  %s = tensor.collapse_shape %%%s [[%s]] : %s into tensor<%dxf32>"
                           % (flat, n, dims, types["R"], flat_n))
        out.append("  %%%s_want = arith.constant %s : tensor<%dxf32>" % (n, dense_text(want), flat_n))
        out.append("  %%%s_g = tensor.cast %s : tensor<%dxf32> to tensor<?xf32>" % (n, flat, flat_n))
        out.append("  %%%s_w = tensor.cast %%%s_want : tensor<%dxf32> to tensor<?xf32>" % (n, n, flat_n))
        out.append("  vector.print str \"%s: \"" % n)
        out.append("  func.call @check(%%%s_g, %%%s_w) : (tensor<?xf32>, tensor<?xf32>) -> ()" % (n, n))
        out.append("")
        return "// CHECK: %s: mismatches 0 of %d{{$}}" % (n, flat_n)


def t(a):
    return torch.from_numpy(np.array(a, copy=True, order="C"))


def npf(x):
    return x.detach().numpy().astype(np.float32)


# --- matmul, conv2d ----------------------------------------------------------

def linear_cases(rng):
    cases = []
    a, b = grid(rng, (3, 4)), grid(rng, (4, 5))
    cases.append(Case("matmul", "a @ b",
                      "logbtq.matmul {0}, {1} : {T0}, {T1} -> {R}",
                      [a, b], npf(t(a) @ t(b))))
    a, b = grid(rng, (4, 3)), grid(rng, (4, 5))
    cases.append(Case("matmul_transpose_lhs", "a.T @ b",
                      "logbtq.matmul {0}, {1} {{transpose_lhs}} : {T0}, {T1} -> {R}",
                      [a, b], npf(t(a).T @ t(b))))
    a, b = grid(rng, (3, 4)), grid(rng, (5, 4))
    cases.append(Case("matmul_transpose_rhs", "a @ b.T (a fully connected layer)",
                      "logbtq.matmul {0}, {1} {{transpose_rhs}} : {T0}, {T1} -> {R}",
                      [a, b], npf(t(a) @ t(b).T)))
    a, b = grid(rng, (4, 3)), grid(rng, (5, 4))
    cases.append(Case("matmul_transpose_both", "a.T @ b.T",
                      "logbtq.matmul {0}, {1} {{transpose_lhs, transpose_rhs}} : {T0}, {T1} -> {R}",
                      [a, b], npf(t(a).T @ t(b).T)))

    def conv(name, x, w, bias, strides, pads, dilations):
        """pads [top, left, bottom, right]: F.pad, then an unpadded F.conv2d."""
        xp = F.pad(t(x), (pads[1], pads[3], pads[0], pads[2]))
        y = F.conv2d(xp, t(w), None if bias is None else t(bias), stride=strides,
                     dilation=dilations)
        attrs = "strides = array<i64: %d, %d>, pads = array<i64: %d, %d, %d, %d>, " \
                "dilations = array<i64: %d, %d>" % (*strides, *pads, *dilations)
        if bias is None:
            op = "logbtq.conv2d {0}, {1} {{%s}} : ({T0}, {T1}) -> {R}" % attrs
            inputs = [x, w]
        else:
            op = "logbtq.conv2d {0}, {1}, {2} {{%s}} : ({T0}, {T1}, {T2}) -> {R}" % attrs
            inputs = [x, w, bias]
        text = "F.conv2d(F.pad(x, %s), w, %s, stride=%s, dilation=%s)" % (
            (pads[1], pads[3], pads[0], pads[2]), "None" if bias is None else "b",
            tuple(strides), tuple(dilations))
        cases.append(Case(name, text, op, inputs, npf(y)))

    conv("conv2d", grid(rng, (2, 3, 5, 5)), grid(rng, (4, 3, 3, 3)), None,
         (1, 1), (0, 0, 0, 0), (1, 1))
    conv("conv2d_bias_pads", grid(rng, (1, 2, 4, 4)), grid(rng, (3, 2, 3, 3)),
         grid(rng, (3,)), (1, 1), (1, 1, 1, 1), (1, 1))
    conv("conv2d_asymmetric_pads_strides", grid(rng, (2, 2, 6, 7)), grid(rng, (3, 2, 3, 2)),
         grid(rng, (3,)), (2, 3), (1, 0, 2, 1), (1, 1))
    conv("conv2d_dilations", grid(rng, (1, 2, 7, 6)), grid(rng, (2, 2, 2, 3)),
         grid(rng, (2,)), (1, 2), (2, 1, 0, 1), (2, 1))
    # The packed product's edges: 9 rows (a group of 8 chains and one of 1),
    # a depth of 37 (three 16-step blocks of a transposed panel, the last
    # partial), 35 columns (three panels, the last partial).
    a, b = grid(rng, (9, 37)), grid(rng, (35, 37))
    cases.append(Case("matmul_transpose_rhs_edges", "a @ b.T",
                      "logbtq.matmul {0}, {1} {{transpose_rhs}} : {T0}, {T1} -> {R}",
                      [a, b], npf(t(a) @ t(b).T)))
    a, b = grid(rng, (37, 9)), grid(rng, (37, 35))
    cases.append(Case("matmul_transpose_lhs_edges", "a.T @ b",
                      "logbtq.matmul {0}, {1} {{transpose_lhs}} : {T0}, {T1} -> {R}",
                      [a, b], npf(t(a).T @ t(b))))
    return cases


# --- elementwise -----------------------------------------------------------

def elementwise_cases(rng):
    cases = []
    x = grid(rng, (3, 4), -3, 3)
    cases.append(Case("relu", "torch.relu(x)",
                      "logbtq.relu {0} : {T0} -> {R}", [x], npf(torch.relu(t(x)))))
    x = grid(rng, (2, 5), -6, 6)
    cases.append(Case("sigmoid", "torch.sigmoid(x)",
                      "logbtq.sigmoid {0} : {T0} -> {R}", [x], npf(torch.sigmoid(t(x)))))
    x = grid(rng, (2, 5), -3, 3)
    cases.append(Case("tanh", "torch.tanh(x)",
                      "logbtq.tanh {0} : {T0} -> {R}", [x], npf(torch.tanh(t(x)))))
    x = grid(rng, (12,), -2, 2)
    cases.append(Case("clip", "torch.clamp(x, -0.5, 1.25)",
                      "logbtq.clip {0} {{min = -0.5 : f32, max = 1.25 : f32}} : {T0} -> {R}",
                      [x], npf(torch.clamp(t(x), -0.5, 1.25))))
    x = grid(rng, (2, 3))
    cases.append(Case("dropout", "F.dropout(x, 0.5, training=False)",
                      "logbtq.dropout {0} {{ratio = 0.5 : f32}} : {T0} -> {R}",
                      [x], npf(F.dropout(t(x), 0.5, training=False))))

    def binary(name, mnemonic, fn, sym, a, b):
        cases.append(Case(name, "a %s b" % sym,
                          "logbtq.%s {0}, {1} : {T0}, {T1} -> {R}" % mnemonic,
                          [a, b], npf(fn(t(a), t(b)))))

    binary("add", "add", torch.add, "+", grid(rng, (2, 3)), grid(rng, (2, 3)))
    binary("add_broadcast_row", "add", torch.add, "+", grid(rng, (2, 3, 4)), grid(rng, (4,)))
    binary("add_broadcast_middle", "add", torch.add, "+", grid(rng, (2, 3, 4)), grid(rng, (3, 1)))
    binary("sub_broadcast_both", "sub", torch.sub, "-", grid(rng, (3, 1)), grid(rng, (1, 4)))
    binary("sub_broadcast_lhs", "sub", torch.sub, "-", grid(rng, (4,)), grid(rng, (2, 3, 4)))
    binary("mul_scalar_tensor", "mul", torch.mul, "*", grid(rng, (2, 3)),
           np.array(1.5, dtype=np.float32))
    binary("mul_broadcast_leading", "mul", torch.mul, "*", grid(rng, (1, 3, 1)), grid(rng, (2, 1, 4)))
    binary("add_rank0", "add", torch.add, "+", np.array(0.75, dtype=np.float32),
           np.array(-2.5, dtype=np.float32))
    return cases


# --- pooling -------------------------------------------------------------

def pooling_cases(rng):
    cases = []

    def attrs(kernel, strides, pads, ceil, include=False):
        s = "kernel = array<i64: %d, %d>, strides = array<i64: %d, %d>, " \
            "pads = array<i64: %d, %d, %d, %d>" % (*kernel, *strides, *pads)
        if ceil:
            s += ", ceil_mode"
        if include:
            s += ", count_include_pad"
        return s

    def max_pool(name, x, kernel, strides, pads, ceil):
        if pads[0] == pads[2] and pads[1] == pads[3]:
            y = F.max_pool2d(t(x), kernel, strides, (pads[0], pads[1]), ceil_mode=ceil)
            text = "F.max_pool2d(x, %s, %s, %s, ceil_mode=%s)" % (
                tuple(kernel), tuple(strides), (pads[0], pads[1]), ceil)
        else:  # PyTorch pads symmetrically: pad with -inf first.
            assert not ceil
            xp = F.pad(t(x), (pads[1], pads[3], pads[0], pads[2]), value=-float("inf"))
            y = F.max_pool2d(xp, kernel, strides)
            text = "F.max_pool2d(F.pad(x, %s, value=-inf), %s, %s)" % (
                (pads[1], pads[3], pads[0], pads[2]), tuple(kernel), tuple(strides))
        cases.append(Case(name, text, "logbtq.max_pool2d {0} {{%s}} : {T0} -> {R}"
                          % attrs(kernel, strides, pads, ceil), [x], npf(y)))

    def avg_pool(name, x, kernel, strides, pads, ceil, include):
        if pads[0] == pads[2] and pads[1] == pads[3]:
            y = F.avg_pool2d(t(x), kernel, strides, (pads[0], pads[1]), ceil_mode=ceil,
                             count_include_pad=include)
            text = "F.avg_pool2d(x, %s, %s, %s, ceil_mode=%s, count_include_pad=%s)" % (
                tuple(kernel), tuple(strides), (pads[0], pads[1]), ceil, include)
        else:  # Asymmetric pads: window sums over the zero-padded input ...
            assert not ceil
            torch_pads = (pads[1], pads[3], pads[0], pads[2])
            sums = F.avg_pool2d(F.pad(t(x), torch_pads), kernel, strides, divisor_override=1)
            if include:  # ... divided by the whole window,
                y = sums / (kernel[0] * kernel[1])
                text = "F.avg_pool2d(F.pad(x, %s), %s, %s)" % (torch_pads, tuple(kernel), tuple(strides))
            else:  # ... or by the number of input elements in it.
                ones = torch.ones_like(t(x))
                counts = F.avg_pool2d(F.pad(ones, torch_pads), kernel, strides, divisor_override=1)
                y = sums / counts
                text = "sum_pool(F.pad(x, %s)) / sum_pool(F.pad(ones, %s)), kernel %s, stride %s" % (
                    torch_pads, torch_pads, tuple(kernel), tuple(strides))
        cases.append(Case(name, text, "logbtq.avg_pool2d {0} {{%s}} : {T0} -> {R}"
                          % attrs(kernel, strides, pads, ceil, include), [x], npf(y)))

    # Negative inputs: a zero padding would win the max.
    neg = lambda shape: grid(rng, shape, -4, -0.0625)  # noqa: E731
    max_pool("max_pool2d", grid(rng, (1, 2, 4, 4)), (2, 2), (2, 2), (0, 0, 0, 0), False)
    max_pool("max_pool2d_pads", neg((1, 2, 5, 5)), (3, 3), (2, 2), (1, 1, 1, 1), False)
    max_pool("max_pool2d_ceil", neg((1, 2, 5, 5)), (2, 2), (2, 2), (0, 0, 0, 0), True)
    max_pool("max_pool2d_ceil_pads", neg((1, 1, 6, 6)), (3, 3), (2, 2), (1, 1, 1, 1), True)
    max_pool("max_pool2d_asymmetric_pads", neg((2, 1, 5, 6)), (3, 2), (1, 2), (1, 0, 2, 1), False)
    # Windows that tile the input (stride = kernel, no pads) run as rows of
    # 16 windows: a full block and a tail, an uncovered last row and column,
    # 3 columns a window, a 1 x 3 window.
    max_pool("max_pool2d_rows", neg((2, 3, 6, 40)), (2, 2), (2, 2), (0, 0, 0, 0), False)
    max_pool("max_pool2d_uncovered", neg((1, 2, 7, 7)), (2, 2), (2, 2), (0, 0, 0, 0), False)
    max_pool("max_pool2d_3x3", neg((1, 2, 9, 12)), (3, 3), (3, 3), (0, 0, 0, 0), False)
    max_pool("max_pool2d_1x3", neg((1, 1, 3, 50)), (1, 3), (1, 3), (0, 0, 0, 0), False)

    avg_pool("avg_pool2d", grid(rng, (1, 2, 4, 4)), (2, 2), (2, 2), (0, 0, 0, 0), False, False)
    avg_pool("avg_pool2d_global", grid(rng, (2, 3, 4, 4)), (4, 4), (1, 1), (0, 0, 0, 0), False, False)
    avg_pool("avg_pool2d_pads", grid(rng, (1, 2, 5, 5)), (3, 3), (2, 2), (1, 1, 1, 1), False, False)
    avg_pool("avg_pool2d_pads_include", grid(rng, (1, 2, 5, 5)), (3, 3), (2, 2), (1, 1, 1, 1), False, True)
    avg_pool("avg_pool2d_ceil", grid(rng, (1, 1, 5, 5)), (2, 2), (2, 2), (0, 0, 0, 0), True, False)
    avg_pool("avg_pool2d_ceil_pads", grid(rng, (1, 2, 6, 6)), (3, 3), (2, 2), (1, 1, 1, 1), True, False)
    avg_pool("avg_pool2d_ceil_pads_include", grid(rng, (1, 2, 6, 6)), (3, 3), (2, 2), (1, 1, 1, 1), True, True)
    avg_pool("avg_pool2d_asymmetric_pads", grid(rng, (1, 2, 5, 6)), (3, 2), (2, 1), (1, 0, 2, 1), False, False)
    avg_pool("avg_pool2d_rows", grid(rng, (1, 2, 14, 38)), (2, 2), (2, 2), (0, 0, 0, 0), False, False)
    avg_pool("avg_pool2d_asymmetric_pads_include", grid(rng, (1, 2, 5, 6)), (3, 2), (2, 1), (1, 0, 2, 1), False, True)
    return cases


# --- reshape, transpose, concat --------------------------------------------

def data_movement_cases(rng):
    cases = []

    def reshape(name, x, shape):
        y = npf(t(x).reshape(shape))
        cases.append(Case(name, "x.reshape(%s)" % (tuple(shape),),
                          "logbtq.reshape {0} : {T0} -> {R}", [x], y))

    reshape("reshape_collapse", grid(rng, (2, 3, 4)), (6, 4))
    reshape("reshape_expand", grid(rng, (24,)), (2, 3, 4))
    reshape("reshape_regroup", grid(rng, (2, 3, 4)), (4, 6))
    reshape("reshape_unit_dims", grid(rng, (2, 3)), (2, 1, 3))
    reshape("reshape_flatten", grid(rng, (2, 2, 3, 3)), (2, 18))
    reshape("reshape_from_rank0", np.array(0.75, dtype=np.float32), (1, 1))
    reshape("reshape_to_rank0", grid(rng, (1, 1)), ())

    def transpose(name, x, perm):
        cases.append(Case(name, "x.permute(%s)" % (tuple(perm),),
                          "logbtq.transpose {0} {{perm = array<i64: %s>}} : {T0} -> {R}"
                          % ", ".join(map(str, perm)), [x], npf(t(x).permute(perm))))

    transpose("transpose_2d", grid(rng, (3, 4)), (1, 0))
    transpose("transpose_4d", grid(rng, (2, 3, 2, 4)), (0, 2, 3, 1))

    def concat(name, xs, axis):
        ins = ", ".join("{%d}" % i for i in range(len(xs)))
        types = ", ".join("{T%d}" % i for i in range(len(xs)))
        cases.append(Case(name, "torch.cat(xs, %d)" % axis,
                          "logbtq.concat %s {{axis = %d : i64}} : (%s) -> {R}" % (ins, axis, types),
                          xs, npf(torch.cat([t(x) for x in xs], axis))))

    concat("concat_axis0", [grid(rng, (1, 3)), grid(rng, (2, 3)), grid(rng, (3, 3))], 0)
    concat("concat_axis1", [grid(rng, (2, 3)), grid(rng, (2, 5))], 1)
    concat("concat_single", [grid(rng, (2, 2))], 1)
    return cases


# --- softmax, log_softmax, batch_norm ----------------------------------------

def normalization_cases(rng):
    cases = []

    def softmax(name, mnemonic, fn, x, axis):
        cases.append(Case(name, "torch.%s(x, %d)" % (fn.__name__, axis),
                          "logbtq.%s {0} {{axis = %d : i64}} : {T0} -> {R}" % (mnemonic, axis),
                          [x], npf(fn(t(x), axis))))

    # Logits near 100: exp overflows float32 unless the max is subtracted.
    big = grid(rng, (3, 5), -4, 4)
    big[1] += 100.0
    softmax("softmax", "softmax", torch.softmax, big, 1)
    softmax("softmax_axis0", "softmax", torch.softmax, grid(rng, (3, 4), -4, 4), 0)
    softmax("softmax_rank3", "softmax", torch.softmax, grid(rng, (2, 3, 4), -4, 4), 1)
    softmax("log_softmax", "log_softmax", torch.log_softmax, big, 1)
    softmax("log_softmax_rank3", "log_softmax", torch.log_softmax, grid(rng, (2, 3, 4), -4, 4), 2)
    softmax("log_softmax_rank1", "log_softmax", torch.log_softmax, grid(rng, (6,), -4, 4), 0)

    def batch_norm(name, x, eps):
        c = x.shape[1]
        scale, bias = grid(rng, (c,)), grid(rng, (c,))
        mean, var = grid(rng, (c,)), grid(rng, (c,), 0.0625, 2)
        y = F.batch_norm(t(x), t(mean), t(var), t(scale), t(bias), training=False, eps=eps)
        cases.append(Case(name, "F.batch_norm(x, mean, var, scale, bias, training=False, eps=%g)" % eps,
                          "logbtq.batch_norm {0}, {1}, {2}, {3}, {4} {{epsilon = %s : f32}} "
                          ": ({T0}, {T1}, {T2}, {T3}, {T4}) -> {R}" % f32_text(eps),
                          [x, scale, bias, mean, var], npf(y)))

    batch_norm("batch_norm", grid(rng, (2, 3, 2, 2)), 1e-5)
    batch_norm("batch_norm_2d", grid(rng, (4, 3)), 1e-3)
    return cases


# --- barrier, softmax_cross_entropy, count_correct --------------------------

def loss_cases(rng):
    cases = []

    def barrier(name, x, t_value, bound):
        # docs/MU8.md in float64 with torch, checked against the numpy reference.
        x64 = t(x).double()
        z = x64.abs() - bound
        on_log = z <= -1.0 / (t_value * t_value)
        log_branch = -(1.0 / t_value) * torch.log(torch.where(on_log, -z, torch.ones_like(z)))
        linear = t_value * z - (1.0 / t_value) * np.log(1.0 / (t_value * t_value)) + 1.0 / t_value
        value = torch.where(on_log, log_branch, linear).mean().item()
        reference = barrier_reference.penalty(x, bound, t_value)
        assert abs(value - reference) <= 1e-12 * abs(reference), (value, reference)
        cases.append(Case(name, "mean(psi_t(|x| - %g)) at t = %g, float64 (docs/MU8.md)" % (bound, t_value),
                          "logbtq.barrier {0}, {1} {{bound = %s : f32}} : {T0}" % f32_text(bound),
                          [x, Scalar(t_value)], Scalar(value)))

    # Inside the bound (log branch), past the switch point and beyond it (linear).
    barrier("barrier", grid(rng, (4, 5), -1.5, 1.5), 5.0, 1.0)
    barrier("barrier_bound", grid(rng, (3, 2, 2), -1, 1), 2.5, 0.5)
    barrier("barrier_rank0", np.array(-0.25, dtype=np.float32), 3.0, 1.0)

    def cross_entropy(name, logits, labels):
        loss = F.cross_entropy(t(logits), t(labels).long())
        cases.append(Case(name, "F.cross_entropy(logits, labels)",
                          "logbtq.softmax_cross_entropy {0}, {1} : {T0}, {T1}",
                          [logits, labels], Scalar(loss.item())))

    logits = grid(rng, (4, 5), -4, 4)
    logits[2] += 90.0
    labels = np.array([0, 3, 4, 1], dtype=np.int32)
    cross_entropy("softmax_cross_entropy", logits, labels)

    def count_correct(name, logits, labels):
        count = (torch.argmax(t(logits), 1) == t(labels).long()).sum().item()
        cases.append(Case(name, "(torch.argmax(logits, 1) == labels).sum()",
                          "logbtq.count_correct {0}, {1} : {T0}, {T1}",
                          [logits, labels], Scalar(float(count))))

    # Ties go to the lowest index: rows 1 and 3 tie, label 2 of row 1 loses.
    ties = np.array([[0.5, 2.0, -1.0, 2.0],
                     [1.0, 3.0, 3.0, 0.0],
                     [-2.0, -1.0, -3.0, -0.5],
                     [1.5, 0.25, 1.5, 1.5],
                     [0.0, 0.0, 0.0, 0.0]], dtype=np.float32)
    count_correct("count_correct", ties, np.array([1, 2, 3, 0, 0], dtype=np.int32))
    # Every label is a tied or a lower logit: none counts.
    count_correct("count_correct_none", ties, np.array([3, 2, 0, 2, 1], dtype=np.int32))
    return cases


FAMILIES = {
    "linear": ("matmul and conv2d", linear_cases),
    "elementwise": ("relu, sigmoid, tanh, clip, dropout, add, sub, mul", elementwise_cases),
    "pooling": ("max_pool2d and avg_pool2d", pooling_cases),
    "data-movement": ("reshape, transpose and concat", data_movement_cases),
    "normalization": ("softmax, log_softmax and batch_norm", normalization_cases),
    "loss": ("barrier, softmax_cross_entropy and count_correct", loss_cases),
}

CHECK_FUNCTION = """\
// Prints "mismatches <count> of <n>" and, when some differ, both tensors.
func.func @check(%got: tensor<?xf32>, %want: tensor<?xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0 : i64
  %one = arith.constant 1 : i64
  %atol = arith.constant @ATOL@ : f32
  %rtol = arith.constant @RTOL@ : f32
  %n = tensor.dim %got, %c0 : tensor<?xf32>
  %empty = tensor.empty() : tensor<i64>
  %init = linalg.fill ins(%zero : i64) outs(%empty : tensor<i64>) -> tensor<i64>
  %count = linalg.generic {
      indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> ()>],
      iterator_types = ["reduction"]}
      ins(%got, %want : tensor<?xf32>, tensor<?xf32>) outs(%init : tensor<i64>) {
  ^bb0(%g: f32, %w: f32, %acc: i64):
    %diff = arith.subf %g, %w : f32
    %adiff = math.absf %diff : f32
    %aw = math.absf %w : f32
    %rel = arith.mulf %rtol, %aw : f32
    %tol = arith.addf %atol, %rel : f32
    %close = arith.cmpf ole, %adiff, %tol : f32
    %equal = arith.cmpf oeq, %g, %w : f32
    %gnan = arith.cmpf uno, %g, %g : f32
    %wnan = arith.cmpf uno, %w, %w : f32
    %nans = arith.andi %gnan, %wnan : i1
    %ok0 = arith.ori %close, %equal : i1
    %ok = arith.ori %ok0, %nans : i1
    %add = arith.select %ok, %zero, %one : i64
    %next = arith.addi %acc, %add : i64
    linalg.yield %next : i64
  } -> tensor<i64>
  %bad = tensor.extract %count[] : tensor<i64>
  vector.print str "mismatches "
  vector.print %bad : i64 punctuation <no_punctuation>
  vector.print str " of "
  vector.print %n : index
  %failed = arith.cmpi ne, %bad, %zero : i64
  scf.if %failed {
    %gm = bufferization.to_buffer %got : tensor<?xf32> to memref<?xf32, strided<[?], offset: ?>>
    %wm = bufferization.to_buffer %want : tensor<?xf32> to memref<?xf32, strided<[?], offset: ?>>
    %gu = memref.cast %gm : memref<?xf32, strided<[?], offset: ?>> to memref<*xf32>
    %wu = memref.cast %wm : memref<?xf32, strided<[?], offset: ?>> to memref<*xf32>
    vector.print str "got:\\n"
    func.call @printMemrefF32(%gu) : (memref<*xf32>) -> ()
    vector.print str "want (PyTorch):\\n"
    func.call @printMemrefF32(%wu) : (memref<*xf32>) -> ()
  }
  return
}
""".replace("@ATOL@", "%.1e" % ATOL).replace("@RTOL@", "%.1e" % RTOL)


def render(family):
    summary, make = FAMILIES[family]
    rng = np.random.default_rng(sorted(FAMILIES).index(family) + 1)
    cases = make(rng)
    funcs, body, checks = [], [], []
    for case in cases:
        checks.append(case.emit(funcs, body))
    lines = [
        "// Execution test of the lowering (--logbtq-lower-to-llvm): %s against PyTorch." % summary,
        "// GENERATED by Inputs/gen_expected.py (PyTorch, float32 on CPU) -- do not edit;",
        "// regenerate with",
        "//   /usr/bin/python3 test/Integration/Lowering/Inputs/gen_expected.py --write test/Integration/Lowering",
        "// Each case compares the lowered op with PyTorch's answer (the `_want` constant)",
        "// elementwise within %g + %g * |want|." % (ATOL, RTOL),
        "// The trainers' lowering, then -convert-vector-to-llvm for the vector.print",
        "// of this harness (the trainers use no vector ops).",
        "",
    ]
    lines.append("// RUN: " + PIPELINE[0] + " \\")
    for part in PIPELINE[1:-1]:
        lines.append("// RUN:   " + part + " \\")
    lines.append("// RUN:   " + PIPELINE[-1])
    lines.append("")
    lines += checks
    lines.append("")
    lines.append("func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}")
    lines.append("")
    lines.append(CHECK_FUNCTION)
    lines += funcs
    lines.append("func.func @main() {")
    lines += body
    lines.append("  return")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", metavar="DIR")
    group.add_argument("--check", metavar="DIR")
    group.add_argument("--print", metavar="FAMILY", choices=sorted(FAMILIES))
    args = parser.parse_args()
    torch.set_num_threads(1)
    stale = []
    for family in sorted(FAMILIES):
        if args.print and family != args.print:
            continue
        text = render(family)
        if args.write or args.check:
            path = os.path.join(args.write or args.check, family + ".mlir")
            if args.write:
                with open(path, "w") as f:
                    f.write(text)
            else:
                try:
                    with open(path) as f:
                        current = f.read()
                except OSError:
                    current = None
                if current != text:
                    stale.append(path)
        else:
            sys.stdout.write(text)
    if stale:
        sys.stderr.write("out of date (regenerate with --write): %s\n" % ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
