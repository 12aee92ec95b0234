"""Single-op classification models for the gradient checks (gradcheck.py).

    %python %S/Inputs/op_models.py CASE -o %t/CASE.onnx
    %python %S/Inputs/op_models.py --list [-v]

Most cases take the importer test case of the same name from
test/Target/ONNX/Inputs/onnx_gen.py and wrap its op so that a training step
checks the op's vector-Jacobian product:

    input -> Add "pre.bias" (a parameter of the input's shape without the
    batch) -> THE OP -> Flatten(axis 1) -> Gemm "head" (transB) -> logits

The Add in front puts a trainable parameter upstream of the op (its gradient
is the op's input gradient summed over the batch) and mixes signs (inputs in
[0, 1) plus a bias in [-1, 1)); the head makes [batch, classes] logits. A case
whose op already gives 2-D [batch, n] logits (Gemm, MatMul) has no head. The
op's other graph inputs become parameters (seeded as onnx_gen's `rand`). The
batch dimension is symbolic ("batch", bound by --batch) unless the case has
parameters or constants with the batch in their shape (then it stays 2).
A few cases are written here: Gemm with transA, AveragePool with ceil_mode,
Mul broadcasting over a middle dimension, and Concat of two computed tensors.
"""
import argparse
import os
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..", "..", "..", "Target", "ONNX",
                                                 "Inputs")))

import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import helper, numpy_helper  # noqa: E402

import onnx_gen  # noqa: E402
from onnx_gen import node, rand, vi  # noqa: E402

CLASSES = 4

# name -> (builder, description)
CASES = {}


def _uniform(name, shape, scale=1.0):
    rng = np.random.default_rng(zlib.crc32(("op_models/" + name).encode()))
    a = (rng.uniform(-1.0, 1.0, size=shape) * scale).astype(np.float32)
    return numpy_helper.from_array(a, name)


def wrap(inner, name, symbolic=True, head=True):
    """`inner` (an onnx_gen-style model: first graph input is the op's data input,
    one graph output) between the "pre.bias" Add and the Flatten + Gemm head."""
    g = inner.graph
    x = g.input[0]
    xshape = [d.dim_value for d in x.type.tensor_type.shape.dim]
    yshape = [d.dim_value for d in g.output[0].type.tensor_type.shape.dim]
    inits = list(g.initializer)
    init_names = {t.name for t in inits}
    for extra in g.input[1:]:
        if extra.name in init_names:
            continue
        shape = [d.dim_value for d in extra.type.tensor_type.shape.dim]
        inits.append(rand(extra.name, shape))
    batch = "batch" if symbolic else xshape[0]
    nodes = [node("Add", ["input", "pre.bias"], [x.name], name="pre/Add")]
    inits.append(_uniform(name + "/pre.bias", xshape[1:]))
    inits[-1].name = "pre.bias"
    nodes += list(g.node)
    y = g.output[0].name
    if head:
        features = int(np.prod(yshape[1:]))
        nodes.append(node("Flatten", [y], ["head/flat"], name="head/Flatten", axis=1))
        w = _uniform(name + "/head.weight", [CLASSES, features], 1.0 / np.sqrt(features))
        w.name = "head.weight"
        b = _uniform(name + "/head.bias", [CLASSES], 0.1)
        b.name = "head.bias"
        inits += [w, b]
        nodes.append(node("Gemm", ["head/flat", "head.weight", "head.bias"], ["logits"],
                          name="head/Gemm", transB=1))
        out = vi("logits", [batch, CLASSES])
    else:
        if len(yshape) != 2:
            raise ValueError("a case without a head needs a 2-D output")
        out = vi(y, [batch, yshape[1]])
    graph = helper.make_graph(nodes, name, [vi("input", [batch] + xshape[1:])], [out],
                              initializer=inits)
    m = helper.make_model(graph, producer_name="op_models",
                          opset_imports=list(inner.opset_import))
    m.ir_version = 7
    onnx.checker.check_model(m)
    return m


def from_gen(case, symbolic=True, head=True, doc=None):
    def build():
        return wrap(onnx_gen.CASES[case][0](), case, symbolic, head)
    CASES[case] = (build, doc or "onnx_gen '%s': %s" % (case, onnx_gen.CASES[case][2]))


def custom(name, symbolic=True, head=True):
    def register(fn):
        CASES[name] = (lambda: wrap(fn(), name, symbolic, head),
                       (fn.__doc__ or "").strip().splitlines()[0])
        return fn
    return register


# ------------------------------------------------------------------ linear

from_gen("gemm", head=False)
from_gen("gemm_nobias", head=False)
from_gen("gemm_alpha_beta_zero", head=False)
from_gen("matmul", head=False)
from_gen("matmul_3d")


@custom("gemm_transa", head=False)
def _():
    """Transpose [B,4] -> [4,B], then Gemm transA=1 alpha=0.5 beta=2 with B[4,3], C[1,3]."""
    return onnx_gen.model(
        [node("Transpose", ["x"], ["xt"], perm=[1, 0]),
         node("Gemm", ["xt", "b", "c"], ["y"], transA=1, alpha=0.5, beta=2.0)],
        [vi("x", [2, 4])], [vi("y", [2, 3])], [rand("b", [4, 3]), rand("c", [1, 3])])


@custom("gemm_transb_alpha", head=False)
def _():
    """Gemm transB=1 alpha=2 beta=0.5 with W[3,4] and C[3]: [B,4] -> [B,3]."""
    return onnx_gen.model(
        [node("Gemm", ["x", "w", "c"], ["y"], transB=1, alpha=2.0, beta=0.5)],
        [vi("x", [2, 4])], [vi("y", [2, 3])], [rand("w", [3, 4]), rand("c", [3])])


# ------------------------------------------------------------ convolution

for _case in ["conv", "conv_nobias", "conv_dilated", "conv_asym_pads", "pad_conv",
              "pad_conv_merge", "pad_conv_auto_pad"]:
    from_gen(_case)


@custom("conv_strided_nobias")
def _():
    """Conv 3x3 strides [2,1] pads [1,0,0,1] dilations [1,2], no bias: [1,2,7,8] -> [1,3,3,5]."""
    return onnx_gen.model(
        [node("Conv", ["x", "w"], ["y"], kernel_shape=[3, 3], strides=[2, 1],
              pads=[1, 0, 0, 1], dilations=[1, 2])],
        [vi("x", [1, 2, 7, 8])], [vi("y", [1, 3, 3, 5])], [rand("w", [3, 2, 3, 3])])


# ------------------------------------------------------------ elementwise

for _case in ["relu", "sigmoid", "tanh", "clip_opset11", "clip_no_max", "clip_no_min",
              "dropout", "dropout_opset11", "div_constant", "identity"]:
    from_gen(_case)
from_gen("constant", symbolic=False)
from_gen("add_broadcast")
from_gen("sub", symbolic=False)
from_gen("mul_scalar")


@custom("mul_broadcast")
def _():
    """Mul of x [B,3,4] by a parameter [3,1] (broadcast over the last dim), then Sub of a
    parameter [4] (broadcast over the middle dim)."""
    return onnx_gen.model(
        [node("Mul", ["x", "s"], ["m"]), node("Sub", ["m", "o"], ["y"])],
        [vi("x", [2, 3, 4])], [vi("y", [2, 3, 4])], [rand("s", [3, 1]), rand("o", [4])])


# ------------------------------------------------- math, activations, reductions

for _case in ["exp", "erf", "neg", "abs", "sign", "softplus", "softsign", "hardswish", "selu",
              "leaky_relu", "elu", "hard_sigmoid", "max3", "reduce_sum_opset13",
              "reduce_mean", "layer_norm", "layer_norm_no_bias", "layer_norm_broadcast_scale"]:
    from_gen(_case)
for _case in ["slice_tensor", "slice_tensor_negative", "gather_tensor_indices",
              "gather_embedding", "expand", "conv_grouped", "conv_depthwise",
              "conv_transpose", "conv_transpose_dilated", "where_mask"]:
    from_gen(_case)
from_gen("sum3", symbolic=False)
from_gen("mean2", symbolic=False)


def _constant(name, value):
    return node("Constant", [], [name], name="const/" + name,
                value=numpy_helper.from_array(np.array(value, np.float32), name))


@custom("batch_matmul")
def _():
    """Attention-like products of computed tensors: s = x x^T ([B,3,4] x [B,4,3]), then
    s x ([B,3,3] x [B,3,4]) and MatMul of that by a parameter [4,2]: [B,3,2]."""
    return onnx_gen.model(
        [node("Transpose", ["x"], ["t"], perm=[0, 2, 1]), node("MatMul", ["x", "t"], ["s"]),
         node("MatMul", ["s", "x"], ["v"]), node("MatMul", ["v", "w"], ["y"])],
        [vi("x", [2, 3, 4])], [vi("y", [2, 3, 2])], [rand("w", [4, 2])])


@custom("batch_matmul_4d")
def _():
    """Two-head attention: k = x * p (a parameter [4]), a = Softmax(x k^T) over the
    last axis ([B,2,3,3]), y = a x: [B,2,3,4]."""
    return onnx_gen.model(
        [node("Mul", ["x", "p"], ["k"]), node("Transpose", ["k"], ["kt"], perm=[0, 1, 3, 2]),
         node("MatMul", ["x", "kt"], ["s"]), node("Softmax", ["s"], ["a"], axis=-1),
         node("MatMul", ["a", "x"], ["y"])],
        [vi("x", [2, 2, 3, 4])], [vi("y", [2, 2, 3, 4])], [rand("p", [4])])


@custom("layer_norm_of_layer")
def _():
    """MatMul by w [4,4] plus b, LayerNormalization (scale and bias [4]), Relu: [B,3,4].
    The layer's output feeds only the layer norm, so it has no barrier term."""
    return onnx_gen.model(
        [node("MatMul", ["x", "w"], ["h"]), node("Add", ["h", "b"], ["z"]),
         node("LayerNormalization", ["z", "s", "c"], ["n"]), node("Relu", ["n"], ["y"])],
        [vi("x", [2, 3, 4])], [vi("y", [2, 3, 4])],
        [rand("w", [4, 4]), rand("b", [4]), rand("s", [4]), rand("c", [4])], opset=17)


@custom("split_three")
def _():
    """Split of x [B,6] along axis 1 into three [B,2] parts a, b, c: a * b + c."""
    return onnx_gen.model(
        [node("Split", ["x"], ["a", "b", "c"], axis=1), node("Mul", ["a", "b"], ["m"]),
         node("Add", ["m", "c"], ["y"])],
        [vi("x", [2, 6])], [vi("y", [2, 2])], opset=13)


@custom("gather_of_computed")
def _():
    """PyTorch's q, k = qkv[1], qkv[2]: Transpose x [B,3,4] to [3,B,4], Gather the
    scalar indices 1 and 2 along axis 0 (slices), multiply: [B,4]."""
    return onnx_gen.model(
        [node("Transpose", ["x"], ["t"], perm=[1, 0, 2]),
         onnx_gen.ints("one", 1), onnx_gen.ints("two", 2),
         node("Gather", ["t", "one"], ["q"], name="gather_q", axis=0),
         node("Gather", ["t", "two"], ["k"], name="gather_k", axis=0),
         node("Mul", ["q", "k"], ["y"])],
        [vi("x", [2, 3, 4])], [vi("y", [2, 4])])


@custom("where_causal")
def _():
    """Causal attention: s = x x^T [B,3,3], Where(lower-triangular mask, s, Constant
    -inf), Softmax over the last axis, times x: [B,3,4]."""
    mask = numpy_helper.from_array(np.tril(np.ones((3, 3), dtype=bool)), "causal")
    return onnx_gen.model(
        [node("Transpose", ["x"], ["t"], perm=[0, 2, 1]), node("MatMul", ["x", "t"], ["s"]),
         _constant("ninf", float("-inf")), node("Where", ["causal", "s", "ninf"], ["m"]),
         node("Softmax", ["m"], ["a"], axis=-1), node("MatMul", ["a", "x"], ["y"])],
        [vi("x", [2, 3, 4])], [vi("y", [2, 3, 4])], [mask])


@custom("where_fill")
def _():
    """Where(known mask [3,4], Constant 0.5, x [B,3,4]) times a parameter [4]."""
    mask = numpy_helper.from_array(
        np.random.default_rng(7).uniform(size=(3, 4)) < 0.5, "keep")
    return onnx_gen.model(
        [_constant("half", 0.5), node("Where", ["keep", "half", "x"], ["m"]),
         node("Mul", ["m", "p"], ["y"])],
        [vi("x", [2, 3, 4])], [vi("y", [2, 3, 4])], [mask, rand("p", [4])])


@custom("log_sqrt")
def _():
    """Log and Sqrt of x * x + 0.25 (positive), added: [B,3,4]."""
    return onnx_gen.model(
        [_constant("q", 0.25), node("Mul", ["x", "x"], ["s"]), node("Add", ["s", "q"], ["p"]),
         node("Log", ["p"], ["l"]), node("Sqrt", ["p"], ["r"]), node("Add", ["l", "r"], ["y"])],
        [vi("x", [2, 3, 4])], [vi("y", [2, 3, 4])])


@custom("div_computed")
def _():
    """Div of x by x * x + 1 (two computed tensors), then Reciprocal of x * x + 1: [B,3,4]."""
    return onnx_gen.model(
        [_constant("one", 1.0), node("Mul", ["x", "x"], ["s"]), node("Add", ["s", "one"], ["d"]),
         node("Div", ["x", "d"], ["q"]), node("Reciprocal", ["d"], ["r"]),
         node("Add", ["q", "r"], ["y"])],
        [vi("x", [2, 3, 4])], [vi("y", [2, 3, 4])])


@custom("pow_constant")
def _():
    """Pow of x [B,3,4] by the constant exponents [2, 3, 1, 4] (the last dim)."""
    return onnx_gen.model(
        [node("Pow", ["x", "p"], ["y"])], [vi("x", [2, 3, 4])], [vi("y", [2, 3, 4])],
        [onnx_gen.const("p", [2.0, 3.0, 1.0, 4.0])])


@custom("min_parameter")
def _():
    """Min of x [B,3,4] and a parameter [4]."""
    return onnx_gen.model([node("Min", ["x", "m"], ["y"])], [vi("x", [2, 3, 4])],
                          [vi("y", [2, 3, 4])], [rand("m", [4])])


@custom("reduce_max_min")
def _():
    """ReduceMax over axis 2 of x [B,3,4] (keepdims 0) and ReduceMin over axis 1 (keepdims
    0), concatenated: [B,3] and [B,4] -> [B,7]."""
    return onnx_gen.model(
        [node("ReduceMax", ["x"], ["a"], axes=[2], keepdims=0),
         node("ReduceMin", ["x"], ["b"], axes=[1], keepdims=0),
         node("Concat", ["a", "b"], ["y"], axis=1)],
        [vi("x", [2, 3, 4])], [vi("y", [2, 7])])


# ---------------------------------------------------------------- pooling

for _case in ["maxpool", "maxpool_pads", "maxpool_ceil", "pad_maxpool", "maxpool_opset11",
              "avgpool", "avgpool_pads", "avgpool_pads_count_include", "avgpool_auto_pad",
              "pad_avgpool", "pad_avgpool_count_include", "globalavgpool"]:
    from_gen(_case)


@custom("maxpool_overlap_ceil")
def _():
    """MaxPool kernel 3 stride 2 pads 1 ceil_mode=1 (overlapping windows): [1,2,8,8] ->
    [1,2,5,5] (the last window hangs over the padding)."""
    return onnx_gen.model([node("MaxPool", ["x"], ["y"], kernel_shape=[3, 3], strides=[2, 2],
                                pads=[1, 1, 1, 1], ceil_mode=1)],
                          [vi("x", [1, 2, 8, 8])], [vi("y", [1, 2, 5, 5])])


@custom("avgpool_ceil")
def _():
    """AveragePool kernel 3 stride 2 pads 1 ceil_mode=1, count_include_pad=0: [1,2,8,8] ->
    [1,2,5,5]."""
    return onnx_gen.model([node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3],
                                strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1)],
                          [vi("x", [1, 2, 8, 8])], [vi("y", [1, 2, 5, 5])])


@custom("avgpool_ceil_count_include")
def _():
    """AveragePool kernel 3 stride 2 pads 1 ceil_mode=1, count_include_pad=1: [1,2,8,8] ->
    [1,2,5,5] (the ceil overhang does not count, the pads do)."""
    return onnx_gen.model([node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3],
                                strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1,
                                count_include_pad=1)],
                          [vi("x", [1, 2, 8, 8])], [vi("y", [1, 2, 5, 5])])


@custom("avgpool_ceil_nopad")
def _():
    """AveragePool kernel 2 stride 2 ceil_mode=1, no pads: [1,2,7,7] -> [1,2,4,4] (the last
    windows are partial: divisor 2 or 1)."""
    return onnx_gen.model([node("AveragePool", ["x"], ["y"], kernel_shape=[2, 2],
                                strides=[2, 2], ceil_mode=1)],
                          [vi("x", [1, 2, 7, 7])], [vi("y", [1, 2, 4, 4])])


# ------------------------------------------------------- shapes and layout

for _case in ["reshape_zero", "flatten", "squeeze_opset13", "squeeze_opset11",
              "unsqueeze_opset11", "transpose_4d", "softmax", "softmax_opset11",
              "log_softmax", "softmax_opset11_axis1", "batchnorm", "batchnorm_opset11"]:
    from_gen(_case)
from_gen("concat", symbolic=False)


@custom("conv_batchnorm_relu")
def _():
    """Conv 3x3 pad 1 no bias, BatchNormalization (training export, momentum 0.8), Relu:
    [B,2,5,5] -> [B,4,5,5]: a ResNet layer."""
    stats = [numpy_helper.from_array(np.zeros(4, np.float32), "bn.running_mean"),
             numpy_helper.from_array(np.ones(4, np.float32), "bn.running_var")]
    return onnx_gen.model(
        [node("Conv", ["x", "conv.weight"], ["c"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
         node("BatchNormalization", ["c", "bn.weight", "bn.bias", "bn.running_mean",
                                     "bn.running_var"], ["n", "n_mean", "n_var"],
              name="bn/BatchNormalization", momentum=0.8, training_mode=1),
         node("Relu", ["n"], ["y"])],
        [vi("x", [2, 2, 5, 5])], [vi("y", [2, 4, 5, 5])],
        [rand("conv.weight", [4, 2, 3, 3]), rand("bn.weight", [4]), rand("bn.bias", [4])]
        + stats)


@custom("concat_computed")
def _():
    """Concat axis 2 of x * p[3,1] and Relu(x) ([B,3,2] each -> [B,3,4]), then Concat
    axis -2 of its Tanh and itself -> [B,6,4]."""
    return onnx_gen.model(
        [node("Mul", ["x", "p"], ["m"]), node("Relu", ["x"], ["r"]),
         node("Concat", ["m", "r"], ["c"], name="node_concat_w", axis=2),
         node("Tanh", ["c"], ["t"]),
         node("Concat", ["t", "c"], ["y"], name="node_concat_c", axis=-2)],
        [vi("x", [2, 3, 2])], [vi("y", [2, 6, 4])], [rand("p", [3, 1])])


@custom("log_softmax_logits", head=False)
def _():
    """Gemm [B,4] x W[4,5]^T + C, then LogSoftmax axis 1 as the logits (bound 16 on the
    log-softmax, 1 on the Gemm's product and sum)."""
    return onnx_gen.model(
        [node("Gemm", ["x", "w", "c"], ["h"], transB=1), node("LogSoftmax", ["h"], ["y"], axis=1)],
        [vi("x", [2, 4])], [vi("y", [2, 5])], [rand("w", [5, 4]), rand("c", [5])])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("case", nargs="?")
    p.add_argument("-o", "--output")
    p.add_argument("--list", action="store_true")
    p.add_argument("-v", "--verbose", action="store_true")
    a = p.parse_args(argv)
    if a.list:
        for name, (_, doc) in CASES.items():
            print("%-28s %s" % (name, doc) if a.verbose else name)
        return 0
    if not a.case or not a.output:
        p.error("give CASE and -o PATH, or --list")
    if a.case not in CASES:
        p.error("unknown case %r (see --list)" % a.case)
    m = CASES[a.case][0]()
    onnx.save(m, a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
