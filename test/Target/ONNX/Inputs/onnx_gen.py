"""Writes small ONNX models for the importer's lit tests.

    %python %S/Inputs/onnx_gen.py CASE -o %t.onnx
    %python %S/Inputs/onnx_gen.py --list [--valid | --errors] [-v]

Valid cases are checked with onnx.checker.check_model(full_check=True) before
they are written; error cases are invalid (or unsupported) on purpose and are
written as they are, unchecked. Every case is deterministic: weights come from
np.random.default_rng with a per-case seed, torch cases from
torch.manual_seed(0). Hand-built graphs have static shapes unless the case
says otherwise, name their nodes "node_<op>" (Constant nodes "node_<output>",
the node an error case is about "bad_node"), and use opset 14 unless the case
name or description says otherwise.

torch_* cases come from torch.onnx.export of PyTorch 1.13 (see
docs/ONNX-pytorch-exports.md); torch_layer_* cases export one layer or
function with a static batch of 2 (input "input", second input "input2",
output "output"), torch_{mlp,cnn,resnet_tiny} the model zoo with a dynamic
batch.
"""
import argparse
import io
import os
import sys
import zlib

sys.path.insert(0, os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), *[".."] * 4, "python")))

import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

FLOAT = TensorProto.FLOAT
INT64 = TensorProto.INT64

# name -> (function, is_error, one-line description)
CASES = {}


def case(name, error=False):
    def register(fn):
        assert name not in CASES, name
        doc = (fn.__doc__ or "").strip().splitlines()
        CASES[name] = (fn, error, doc[0] if doc else "")
        return fn
    return register


# ----------------------------------------------------------------- helpers

def _rng(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def rand(name, shape, seed_name=None):
    """A float32 initializer with values in [-1, 1), seeded by its name."""
    a = _rng(seed_name or name).uniform(-1.0, 1.0, size=shape).astype(np.float32)
    return numpy_helper.from_array(a, name)


def const(name, value, dtype=np.float32):
    return numpy_helper.from_array(np.array(value, dtype=dtype), name)


def vi(name, shape, elem=FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def node(op, inputs, outputs, name=None, **attrs):
    return helper.make_node(op, inputs, outputs, name=name or "node_" + op.lower(), **attrs)


def model(nodes, inputs, outputs, inits=(), opset=14, graph_name="test"):
    g = helper.make_graph(nodes, graph_name, inputs, outputs, initializer=list(inits))
    m = helper.make_model(g, producer_name="onnx_gen",
                          opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 7
    return m


def unary(op, shape=(2, 5), opset=14, **attrs):
    return model([node(op, ["x"], ["y"], **attrs)], [vi("x", shape)], [vi("y", shape)], opset=opset)


# -------------------------------------------------------------- valid: ops

@case("opset9_mlp")
def _():
    """Flatten, Gemm, Relu, Softmax at opset 9 (converted to 13 on import)."""
    return model([node("Flatten", ["x"], ["f"]),
                  node("Gemm", ["f", "w", "c"], ["g"], transB=1),
                  node("Relu", ["g"], ["r"]),
                  node("Softmax", ["r"], ["y"], axis=1)],
                 [vi("x", [2, 2, 3])], [vi("y", [2, 4])],
                 [rand("w", [4, 6]), rand("c", [4])], opset=9)


@case("gemm")
def _():
    """Gemm transB=1 with bias C: [2,4] x W[3,4]^T + C[3] -> [2,3]."""
    return model([node("Gemm", ["x", "w", "c"], ["y"], transB=1)],
                 [vi("x", [2, 4])], [vi("y", [2, 3])], [rand("w", [3, 4]), rand("c", [3])])


@case("gemm_transa")
def _():
    """Gemm transA=1 alpha=0.5 beta=2: A[4,2]^T x B[4,3] + C[1,3] -> [2,3]."""
    return model([node("Gemm", ["a", "b", "c"], ["y"], transA=1, alpha=0.5, beta=2.0)],
                 [vi("a", [4, 2])], [vi("y", [2, 3])], [rand("b", [4, 3]), rand("c", [1, 3])])


@case("gemm_nobias")
def _():
    """Gemm without C: [2,4] x W[4,3] -> [2,3]."""
    return model([node("Gemm", ["x", "w"], ["y"])],
                 [vi("x", [2, 4])], [vi("y", [2, 3])], [rand("w", [4, 3])])


@case("matmul")
def _():
    """MatMul 2-D x 2-D: [2,4] x W[4,3] -> [2,3]."""
    return model([node("MatMul", ["x", "w"], ["y"])],
                 [vi("x", [2, 4])], [vi("y", [2, 3])], [rand("w", [4, 3])])


@case("matmul_3d")
def _():
    """MatMul 3-D x 2-D: [2,3,4] x W[4,5] -> [2,3,5]."""
    return model([node("MatMul", ["x", "w"], ["y"])],
                 [vi("x", [2, 3, 4])], [vi("y", [2, 3, 5])], [rand("w", [4, 5])])


@case("matmul_batched")
def _():
    """MatMul of two 4-D graph inputs [2,3,4,5] x [2,3,5,6]: logbtq.batch_matmul."""
    return model([node("MatMul", ["a", "b"], ["y"])], [vi("a", [2, 3, 4, 5]), vi("b", [2, 3, 5, 6])],
                 [vi("y", [2, 3, 4, 6])])


@case("matmul_two_inputs")
def _():
    """MatMul of two graph inputs: [2,4] x [4,3] -> [2,3]."""
    return model([node("MatMul", ["a", "b"], ["y"])],
                 [vi("a", [2, 4]), vi("b", [4, 3])], [vi("y", [2, 3])])


@case("conv")
def _():
    """Conv 3x3 pads 1 strides 2 dilations 1 with bias: [1,3,8,8] -> [1,4,4,4]."""
    return model([node("Conv", ["x", "w", "b"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                       strides=[2, 2], dilations=[1, 1], group=1)],
                 [vi("x", [1, 3, 8, 8])], [vi("y", [1, 4, 4, 4])],
                 [rand("w", [4, 3, 3, 3]), rand("b", [4])])


@case("conv_nobias")
def _():
    """Conv 3x3 without bias, no attributes but kernel_shape: [1,2,6,6] -> [1,3,4,4]."""
    return model([node("Conv", ["x", "w"], ["y"], kernel_shape=[3, 3])],
                 [vi("x", [1, 2, 6, 6])], [vi("y", [1, 3, 4, 4])], [rand("w", [3, 2, 3, 3])])


@case("conv_dilated")
def _():
    """Conv 3x3 dilations 2, no pads, bias: [1,2,9,9] -> [1,3,5,5]."""
    return model([node("Conv", ["x", "w", "b"], ["y"], kernel_shape=[3, 3], dilations=[2, 2])],
                 [vi("x", [1, 2, 9, 9])], [vi("y", [1, 3, 5, 5])],
                 [rand("w", [3, 2, 3, 3]), rand("b", [3])])


@case("conv_asym_pads")
def _():
    """Conv 2x2 with asymmetric pads [0,0,1,1] (top,left,bottom,right): [1,1,4,4] -> [1,2,4,4]."""
    return model([node("Conv", ["x", "w"], ["y"], kernel_shape=[2, 2], pads=[0, 0, 1, 1])],
                 [vi("x", [1, 1, 4, 4])], [vi("y", [1, 2, 4, 4])], [rand("w", [2, 1, 2, 2])])


@case("relu")
def _():
    """Relu on [2,5]."""
    return unary("Relu")


@case("sigmoid")
def _():
    """Sigmoid on [2,5]."""
    return unary("Sigmoid")


@case("tanh")
def _():
    """Tanh on [2,5]."""
    return unary("Tanh")


def _pool(op, xshape, yshape, **attrs):
    return model([node(op, ["x"], ["y"], **attrs)], [vi("x", xshape)], [vi("y", yshape)])


@case("maxpool")
def _():
    """MaxPool kernel 2 stride 2: [1,2,8,8] -> [1,2,4,4]."""
    return _pool("MaxPool", [1, 2, 8, 8], [1, 2, 4, 4], kernel_shape=[2, 2], strides=[2, 2])


@case("maxpool_pads")
def _():
    """MaxPool kernel 3 stride 1 pads 1: [1,2,8,8] -> [1,2,8,8]."""
    return _pool("MaxPool", [1, 2, 8, 8], [1, 2, 8, 8], kernel_shape=[3, 3], strides=[1, 1],
                 pads=[1, 1, 1, 1])


@case("maxpool_ceil")
def _():
    """MaxPool kernel 2 stride 2 ceil_mode=1: [1,2,7,7] -> [1,2,4,4] (floor would give 3)."""
    return _pool("MaxPool", [1, 2, 7, 7], [1, 2, 4, 4], kernel_shape=[2, 2], strides=[2, 2],
                 ceil_mode=1)


@case("avgpool")
def _():
    """AveragePool kernel 2 stride 2: [1,2,8,8] -> [1,2,4,4]."""
    return _pool("AveragePool", [1, 2, 8, 8], [1, 2, 4, 4], kernel_shape=[2, 2], strides=[2, 2])


@case("avgpool_pads")
def _():
    """AveragePool kernel 3 stride 1 pads 1, count_include_pad=0 (default): [1,2,6,6]."""
    return _pool("AveragePool", [1, 2, 6, 6], [1, 2, 6, 6], kernel_shape=[3, 3], strides=[1, 1],
                 pads=[1, 1, 1, 1])


@case("avgpool_pads_count_include")
def _():
    """AveragePool kernel 3 stride 1 pads 1 count_include_pad=1: [1,2,6,6] -> [1,2,6,6]."""
    return _pool("AveragePool", [1, 2, 6, 6], [1, 2, 6, 6], kernel_shape=[3, 3], strides=[1, 1],
                 pads=[1, 1, 1, 1], count_include_pad=1)


@case("globalavgpool")
def _():
    """GlobalAveragePool: [1,3,5,5] -> [1,3,1,1]."""
    return _pool("GlobalAveragePool", [1, 3, 5, 5], [1, 3, 1, 1])


@case("add_broadcast")
def _():
    """Add of two graph inputs with broadcasting: [2,3] + [3] -> [2,3]."""
    return model([node("Add", ["a", "b"], ["y"])], [vi("a", [2, 3]), vi("b", [3])],
                 [vi("y", [2, 3])])


@case("sub")
def _():
    """Sub of two graph inputs: [2,3] - [2,3]."""
    return model([node("Sub", ["a", "b"], ["y"])], [vi("a", [2, 3]), vi("b", [2, 3])],
                 [vi("y", [2, 3])])


@case("mul_scalar")
def _():
    """Mul by a scalar (rank-0) initializer 0.5: [2,3] * [] -> [2,3]."""
    return model([node("Mul", ["x", "scale"], ["y"])], [vi("x", [2, 3])], [vi("y", [2, 3])],
                 [const("scale", 0.5)])


@case("reshape")
def _():
    """Reshape with the shape [4,-1] from an initializer: [2,3,4] -> [4,6]."""
    return model([node("Reshape", ["x", "shape"], ["y"])], [vi("x", [2, 3, 4])],
                 [vi("y", [4, 6])], [const("shape", [4, -1], np.int64)])


@case("reshape_zero")
def _():
    """Reshape with shape [0,2,-1] (0 copies dim 0, allowzero=0): [2,3,4] -> [2,2,6]."""
    return model([node("Reshape", ["x", "shape"], ["y"])], [vi("x", [2, 3, 4])],
                 [vi("y", [2, 2, 6])], [const("shape", [0, 2, -1], np.int64)])


@case("flatten")
def _():
    """Flatten axis 1: [2,3,4,5] -> [2,60]."""
    return model([node("Flatten", ["x"], ["y"], axis=1)], [vi("x", [2, 3, 4, 5])],
                 [vi("y", [2, 60])])


@case("flatten_axis2")
def _():
    """Flatten axis 2: [2,3,4,5] -> [6,20]."""
    return model([node("Flatten", ["x"], ["y"], axis=2)], [vi("x", [2, 3, 4, 5])],
                 [vi("y", [6, 20])])


@case("transpose")
def _():
    """Transpose perm [1,0]: [2,3] -> [3,2]."""
    return model([node("Transpose", ["x"], ["y"], perm=[1, 0])], [vi("x", [2, 3])],
                 [vi("y", [3, 2])])


@case("transpose_4d")
def _():
    """Transpose perm [0,2,3,1] (NCHW -> NHWC): [1,2,3,4] -> [1,3,4,2]."""
    return model([node("Transpose", ["x"], ["y"], perm=[0, 2, 3, 1])], [vi("x", [1, 2, 3, 4])],
                 [vi("y", [1, 3, 4, 2])])


@case("transpose_default")
def _():
    """Transpose without perm (reverses the dims): [2,3,4] -> [4,3,2]."""
    return model([node("Transpose", ["x"], ["y"])], [vi("x", [2, 3, 4])], [vi("y", [4, 3, 2])])


@case("concat")
def _():
    """Concat axis 1 of three inputs: [2,1], [2,2], [2,3] -> [2,6]."""
    return model([node("Concat", ["a", "b", "c"], ["y"], axis=1)],
                 [vi("a", [2, 1]), vi("b", [2, 2]), vi("c", [2, 3])], [vi("y", [2, 6])])


@case("softmax")
def _():
    """Softmax opset 13, axis -1: [2,5]."""
    return unary("Softmax", opset=13, axis=-1)


@case("softmax_opset11")
def _():
    """Softmax opset 11 (coerce-to-2-D semantics), axis 1 on 2-D: [2,5]."""
    return unary("Softmax", opset=11, axis=1)


@case("log_softmax")
def _():
    """LogSoftmax opset 14, axis 1: [2,5]."""
    return unary("LogSoftmax", axis=1)


@case("batchnorm")
def _():
    """BatchNormalization (inference), epsilon 1e-3, on [2,3,4,4]; parameters are initializers."""
    var = numpy_helper.from_array(
        _rng("var").uniform(0.5, 1.5, size=[3]).astype(np.float32), "var")
    return model([node("BatchNormalization", ["x", "scale", "bias", "mean", "var"], ["y"],
                       name="node_batchnorm", epsilon=1e-3)],
                 [vi("x", [2, 3, 4, 4])], [vi("y", [2, 3, 4, 4])],
                 [rand("scale", [3]), rand("bias", [3]), rand("mean", [3]), var])


@case("batchnorm_momentum")
def _():
    """BatchNormalization, epsilon 1e-3, momentum 0.7, training_mode 1 (3 outputs, 2 unread): [2,3,4,4]."""
    var = numpy_helper.from_array(
        _rng("var").uniform(0.5, 1.5, size=[3]).astype(np.float32), "var")
    return model([node("BatchNormalization", ["x", "scale", "bias", "mean", "var"],
                       ["y", "new_mean", "new_var"], name="node_batchnorm", epsilon=1e-3,
                       momentum=0.7, training_mode=1)],
                 [vi("x", [2, 3, 4, 4])], [vi("y", [2, 3, 4, 4])],
                 [rand("scale", [3]), rand("bias", [3]), rand("mean", [3]), var])


@case("batchnorm_bad_momentum", error=True)
def _():
    """BatchNormalization on [2,3,4,4] with momentum 1.5."""
    return _bad("BatchNormalization", ["x", "scale", "bias", "mean", "var"], xshape=(2, 3, 4, 4),
                inits=[rand("scale", [3]), rand("bias", [3]), rand("mean", [3]),
                       const("var", [1.0] * 3)], momentum=1.5)


@case("dropout")
def _():
    """Dropout opset 13, ratio 0.3 as a scalar initializer input, training_mode absent: [2,5]."""
    return model([node("Dropout", ["x", "ratio"], ["y"])], [vi("x", [2, 5])], [vi("y", [2, 5])],
                 [const("ratio", 0.3)], opset=13)


@case("identity")
def _():
    """Identity on [2,3]."""
    return unary("Identity", shape=(2, 3))


@case("constant")
def _():
    """A Constant node's [2,3] tensor added to the input."""
    value = numpy_helper.from_array(np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5, "value")
    return model([node("Constant", [], ["k"], value=value),
                  node("Add", ["x", "k"], ["y"])],
                 [vi("x", [2, 3])], [vi("y", [2, 3])])


@case("clip_opset11")
def _():
    """Clip opset 11 with min 0 and max 6 as scalar initializer inputs (ReLU6): [2,5]."""
    return model([node("Clip", ["x", "min", "max"], ["y"])], [vi("x", [2, 5])], [vi("y", [2, 5])],
                 [const("min", 0.0), const("max", 6.0)], opset=11)


@case("clip_no_max")
def _():
    """Clip opset 13 with only the min input (0): [2,5]."""
    return model([node("Clip", ["x", "min"], ["y"])], [vi("x", [2, 5])], [vi("y", [2, 5])],
                 [const("min", 0.0)], opset=13)


@case("clip_no_min")
def _():
    """Clip opset 13 with min left out (empty input name) and max 1: [2,5]."""
    return model([node("Clip", ["x", "", "max"], ["y"])], [vi("x", [2, 5])], [vi("y", [2, 5])],
                 [const("max", 1.0)], opset=13)


@case("squeeze_opset13")
def _():
    """Squeeze opset 13 with axes [1,3] as an initializer input: [2,1,3,1] -> [2,3]."""
    return model([node("Squeeze", ["x", "axes"], ["y"])], [vi("x", [2, 1, 3, 1])],
                 [vi("y", [2, 3])], [const("axes", [1, 3], np.int64)], opset=13)


@case("squeeze_opset11")
def _():
    """Squeeze opset 11 with the axes [1,3] attribute: [2,1,3,1] -> [2,3]."""
    return model([node("Squeeze", ["x"], ["y"], axes=[1, 3])], [vi("x", [2, 1, 3, 1])],
                 [vi("y", [2, 3])], opset=11)


@case("unsqueeze_opset13")
def _():
    """Unsqueeze opset 13 with axes [0,3] as an initializer input: [2,3] -> [1,2,3,1]."""
    return model([node("Unsqueeze", ["x", "axes"], ["y"])], [vi("x", [2, 3])],
                 [vi("y", [1, 2, 3, 1])], [const("axes", [0, 3], np.int64)], opset=13)


@case("unsqueeze_opset11")
def _():
    """Unsqueeze opset 11 with the axes [1] attribute: [2,3] -> [2,1,3]."""
    return model([node("Unsqueeze", ["x"], ["y"], axes=[1])], [vi("x", [2, 3])],
                 [vi("y", [2, 1, 3])], opset=11)


def ints(name, value):
    """A Constant node "node_<name>" writing the int64 tensor `value` to `name`."""
    return node("Constant", [], [name], name="node_" + name,
                value=numpy_helper.from_array(np.array(value, dtype=np.int64)))


def floats(name, value):
    """A Constant node "node_<name>" writing the float32 tensor `value` to `name`."""
    return node("Constant", [], [name], name="node_" + name,
                value=numpy_helper.from_array(np.array(value, dtype=np.float32)))


def _pad(consumer, xshape, yshape, pads, value=None, opset=14, inits=()):
    """Pad (pads and constant value from Constant nodes) into `consumer` (a node
    reading "p"), as PyTorch's nn.AvgPool2d and F.pad exports have it."""
    nodes = [ints("pads", pads)]
    pad_inputs = ["x", "pads"]
    if value is not None:
        nodes.append(floats("value", value))
        pad_inputs.append("value")
    nodes += [node("Pad", pad_inputs, ["p"], mode="constant"), consumer]
    return model(nodes, [vi("x", xshape)], [vi("y", yshape)], list(inits), opset=opset)


@case("pad_conv")
def _():
    """Pad 1 on H and W (value input left out: 0) into a 3x3 Conv: [1,2,5,5] -> [1,3,5,5]."""
    return _pad(node("Conv", ["p", "w"], ["y"], kernel_shape=[3, 3]), [1, 2, 5, 5],
                [1, 3, 5, 5], [0, 0, 1, 1, 0, 0, 1, 1], inits=[rand("w", [3, 2, 3, 3])])


@case("pad_conv_merge")
def _():
    """Pad [t=0,l=1,b=2,r=0] with value 0 into a Conv with its own pads 1: pads [1,2,3,1]."""
    return _pad(node("Conv", ["p", "w", "b"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
                [1, 2, 5, 5], [1, 3, 7, 6], [0, 0, 0, 1, 0, 0, 2, 0], value=0.0,
                inits=[rand("w", [3, 2, 3, 3]), rand("b", [3])])


@case("pad_conv_auto_pad")
def _():
    """Pad 1 into a Conv 3x3 stride 2 auto_pad SAME_UPPER, computed on the padded 7x7:
    pads [2,2,2,2], [1,1,5,5] -> [1,1,4,4]."""
    return _pad(node("Conv", ["p", "w"], ["y"], kernel_shape=[3, 3], strides=[2, 2],
                     auto_pad="SAME_UPPER"),
                [1, 1, 5, 5], [1, 1, 4, 4], [0, 0, 1, 1, 0, 0, 1, 1],
                inits=[rand("w", [1, 1, 3, 3])])


@case("pad_avgpool")
def _():
    """Pad 1 into AveragePool 3x3 stride 1 (count_include_pad 0, no pads): an avg_pool2d with
    pads 1 and count_include_pad (the padded zeros count): [1,2,6,6]."""
    return _pad(node("AveragePool", ["p"], ["y"], kernel_shape=[3, 3], strides=[1, 1]),
                [1, 2, 6, 6], [1, 2, 6, 6], [0, 0, 1, 1, 0, 0, 1, 1])


@case("pad_avgpool_count_include")
def _():
    """Pad 1 into AveragePool 5x5 with its own pads 1 and count_include_pad=1: pads 2."""
    return _pad(node("AveragePool", ["p"], ["y"], kernel_shape=[5, 5], pads=[1, 1, 1, 1],
                     count_include_pad=1),
                [1, 2, 6, 6], [1, 2, 6, 6], [0, 0, 1, 1, 0, 0, 1, 1])


@case("pad_maxpool")
def _():
    """Pad 1 with value -inf into MaxPool 3x3 stride 2 ceil_mode: pads 1, [1,2,7,7] -> [1,2,4,4]."""
    return _pad(node("MaxPool", ["p"], ["y"], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1),
                [1, 2, 7, 7], [1, 2, 4, 4], [0, 0, 1, 1, 0, 0, 1, 1], value=float("-inf"))


@case("pad_zero")
def _():
    """A Pad with all-zero pads (the identity, any mode) into a Relu: [1,2,4,4]."""
    return model([ints("pads", [0] * 8), node("Pad", ["x", "pads"], ["p"], mode="reflect"),
                  node("Relu", ["p"], ["y"])],
                 [vi("x", [1, 2, 4, 4])], [vi("y", [1, 2, 4, 4])])


@case("pad_two_convs")
def _():
    """One Pad read by two Convs, each absorbing it; their results added: [1,1,4,4]."""
    return model([ints("pads", [0, 0, 1, 1, 0, 0, 1, 1]), node("Pad", ["x", "pads"], ["p"]),
                  node("Conv", ["p", "w1"], ["a"], name="node_conv1", kernel_shape=[3, 3]),
                  node("Conv", ["p", "w2"], ["b"], name="node_conv2", kernel_shape=[3, 3]),
                  node("Add", ["a", "b"], ["y"])],
                 [vi("x", [1, 1, 4, 4])], [vi("y", [1, 1, 4, 4])],
                 [rand("w1", [1, 1, 3, 3]), rand("w2", [1, 1, 3, 3])])


@case("pad_opset11")
def _():
    """Pad opset 11 with pads and value 0 as initializers (not parameters) into a Conv."""
    return model([node("Pad", ["x", "pads", "value"], ["p"]),
                  node("Conv", ["p", "w"], ["y"], kernel_shape=[3, 3])],
                 [vi("x", [1, 1, 4, 4])], [vi("y", [1, 1, 4, 4])],
                 [const("pads", [0, 0, 1, 1, 0, 0, 1, 1], np.int64), const("value", 0.0),
                  rand("w", [1, 1, 3, 3])], opset=11)


@case("cast_float")
def _():
    """Cast of a float graph tensor to FLOAT (elided) into a Relu: [2,3]."""
    return model([node("Cast", ["x"], ["c"], to=FLOAT), node("Relu", ["c"], ["y"])],
                 [vi("x", [2, 3])], [vi("y", [2, 3])])


@case("div_constant")
def _():
    """Div by a [3] initializer [2, 4, 0.5] (a constant, not a parameter): [2,3]."""
    return model([node("Div", ["x", "d"], ["y"])], [vi("x", [2, 3])], [vi("y", [2, 3])],
                 [const("d", [2.0, 4.0, 0.5])])


@case("shape_slice")
def _():
    """torch.flatten(x) as exported: Shape, Slice [0:1] of it (int64 Cast), Concat with [-1],
    Reshape, but the batch kept: [2,3,4] -> [2,12]."""
    return model([node("Shape", ["x"], ["s"]),
                  ints("starts", [0]), ints("ends", [1]), ints("axes", [0]), ints("steps", [1]),
                  node("Slice", ["s", "starts", "ends", "axes", "steps"], ["s0"]),
                  node("Cast", ["s0"], ["s0i"], to=INT64),
                  ints("minus1", [-1]),
                  node("Concat", ["s0i", "minus1"], ["shape"], axis=0),
                  node("Reshape", ["x", "shape"], ["y"])],
                 [vi("x", [2, 3, 4])], [vi("y", [2, 12])])


@case("shape_arith")
def _():
    """x.view(x.size(0), x.size(1) * x.size(2)) with a dynamic batch: Shape, Gather 0/1/2,
    Mul, Unsqueeze, Concat, Reshape, all evaluated: ["batch",3,4] -> ["batch",12]."""
    return model([node("Shape", ["x"], ["s"]),
                  ints("i0", 0), ints("i1", 1), ints("i2", 2), ints("axes0", [0]),
                  node("Gather", ["s", "i0"], ["d0"], name="node_gather0", axis=0),
                  node("Gather", ["s", "i1"], ["d1"], name="node_gather1", axis=0),
                  node("Gather", ["s", "i2"], ["d2"], name="node_gather2", axis=0),
                  node("Mul", ["d1", "d2"], ["d12"]),
                  node("Unsqueeze", ["d0", "axes0"], ["u0"], name="node_unsqueeze0"),
                  node("Unsqueeze", ["d12", "axes0"], ["u1"], name="node_unsqueeze1"),
                  node("Concat", ["u0", "u1"], ["shape"], axis=0),
                  node("Reshape", ["x", "shape"], ["y"])],
                 [vi("x", ["batch", 3, 4])], [vi("y", ["batch", 12])])


@case("constant_of_shape")
def _():
    """ConstantOfShape([2,3]) of 0.5 added to the input: an arith.constant splat."""
    fill = numpy_helper.from_array(np.array([0.5], dtype=np.float32))
    return model([ints("shape", [2, 3]),
                  node("ConstantOfShape", ["shape"], ["k"], value=fill),
                  node("Add", ["x", "k"], ["y"])],
                 [vi("x", [2, 3])], [vi("y", [2, 3])])


@case("constant_forms")
def _():
    """Constant nodes with value_float (2), value_floats ([1,2,3]) and a value_ints shape:
    ((x * 2) + [1,2,3]) reshaped by [3,2]: [2,3] -> [3,2]."""
    return model([node("Constant", [], ["two"], name="node_two", value_float=2.0),
                  node("Constant", [], ["row"], name="node_row", value_floats=[1.0, 2.0, 3.0]),
                  node("Constant", [], ["shape"], name="node_shape", value_ints=[3, 2]),
                  node("Mul", ["x", "two"], ["m"]), node("Add", ["m", "row"], ["a"]),
                  node("Reshape", ["a", "shape"], ["y"])],
                 [vi("x", [2, 3])], [vi("y", [3, 2])])


@case("constant_shared")
def _():
    """One Constant 0.5 read as data (Mul) and as the divisor of a Div: [2,3]."""
    return model([floats("half", 0.5), node("Mul", ["x", "half"], ["m"]),
                  node("Div", ["m", "half"], ["y"])],
                 [vi("x", [2, 3])], [vi("y", [2, 3])])


@case("softmax_opset11_axis1")
def _():
    """Softmax opset 11, axis 1 on [2,3,4]: coerced to 2-D [2,12], softmax, reshaped back."""
    return unary("Softmax", shape=(2, 3, 4), opset=11, axis=1)


@case("gemm_alpha_beta_zero")
def _():
    """Gemm alpha 2, beta 0 (C ignored): [2,4] x W[4,3] * 2 -> [2,3]."""
    return model([node("Gemm", ["x", "w", "c"], ["y"], alpha=2.0, beta=0.0)],
                 [vi("x", [2, 4])], [vi("y", [2, 3])], [rand("w", [4, 3]), rand("c", [3])])


@case("avgpool_auto_pad")
def _():
    """AveragePool 3x3 stride 2 auto_pad SAME_LOWER: [1,1,6,6] -> [1,1,3,3], pads [1,1,0,0]."""
    return _pool("AveragePool", [1, 1, 6, 6], [1, 1, 3, 3], kernel_shape=[3, 3],
                 strides=[2, 2], auto_pad="SAME_LOWER")


@case("maxpool_opset11")
def _():
    """MaxPool opset 11 kernel 2 stride 2 with storage_order 0 and dilations 1: [1,1,4,4]."""
    return model([node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2], strides=[2, 2],
                       storage_order=0, dilations=[1, 1])],
                 [vi("x", [1, 1, 4, 4])], [vi("y", [1, 1, 2, 2])], opset=11)


@case("dropout_opset11")
def _():
    """Dropout opset 11 with the ratio attribute 0.2: [2,5]."""
    return unary("Dropout", opset=11, ratio=0.2)


@case("batchnorm_opset11")
def _():
    """BatchNormalization opset 11 (no training_mode) on [2,3]: statistics frozen."""
    var = numpy_helper.from_array(
        _rng("var11").uniform(0.5, 1.5, size=[3]).astype(np.float32), "var")
    return model([node("BatchNormalization", ["x", "scale", "bias", "mean", "var"], ["y"])],
                 [vi("x", [2, 3])], [vi("y", [2, 3])],
                 [rand("scale", [3]), rand("bias", [3]), rand("mean", [3]), var], opset=11)


@case("unnamed_nodes")
def _():
    """Relu then Sigmoid with empty node names: [2,3] (locations name them Relu#1, Sigmoid#2)."""
    return model([helper.make_node("Relu", ["x"], ["h"]),
                  helper.make_node("Sigmoid", ["h"], ["y"])],
                 [vi("x", [2, 3])], [vi("y", [2, 3])])


# ---------------------------------------------------- valid: graph patterns

@case("reshape_shape_subgraph")
def _():
    """x.view(x.size(0), -1) as PyTorch 1.13 exports it with a dynamic batch:
    Shape -> Gather(0) -> Unsqueeze -> Concat with [-1] -> Reshape, on ["batch",3,4,4],
    with PyTorch's node and value names."""
    def c(name, value, out=None):
        t = numpy_helper.from_array(np.array(value, dtype=np.int64))
        return helper.make_node("Constant", [], [out or name + "_output_0"], name=name, value=t)
    nodes = [
        helper.make_node("Shape", ["input"], ["/Shape_output_0"], name="/Shape"),
        c("/Constant", 0),
        helper.make_node("Gather", ["/Shape_output_0", "/Constant_output_0"],
                         ["/Gather_output_0"], name="/Gather", axis=0),
        # (sic: PyTorch 1.13 leaves this one unscoped)
        c("Constant_3", [0], "onnx::Unsqueeze_5"),
        helper.make_node("Unsqueeze", ["/Gather_output_0", "onnx::Unsqueeze_5"],
                         ["/Unsqueeze_output_0"], name="/Unsqueeze"),
        c("/Constant_1", [-1]),
        helper.make_node("Concat", ["/Unsqueeze_output_0", "/Constant_1_output_0"],
                         ["/Concat_output_0"], name="/Concat", axis=0),
        helper.make_node("Reshape", ["input", "/Concat_output_0"], ["output"], name="/Reshape",
                         allowzero=0),
    ]
    return model(nodes, [vi("input", ["batch", 3, 4, 4])], [vi("output", ["batch", 48])])


@case("symbolic_batch")
def _():
    """Gemm + Relu on an input whose dim 0 is the symbol "N": ["N",4] -> ["N",3]."""
    return model([node("Gemm", ["x", "w", "b"], ["h"], transB=1), node("Relu", ["h"], ["y"])],
                 [vi("x", ["N", 4])], [vi("y", ["N", 3])], [rand("w", [3, 4]), rand("b", [3])])


@case("frozen_params")
def _():
    """MatMul by "layer.weight" [4,3], Add "layer.bias" [3], Relu: [2,4] -> [2,3] (for --frozen)."""
    return model([node("MatMul", ["x", "layer.weight"], ["h"]),
                  node("Add", ["h", "layer.bias"], ["z"]),
                  node("Relu", ["z"], ["y"])],
                 [vi("x", [2, 4])], [vi("y", [2, 3])],
                 [rand("layer.weight", [4, 3]), rand("layer.bias", [3])])


@case("initializer_as_input")
def _():
    """Gemm whose initializers "w" and "c" are also listed in graph.input (old exporters)."""
    return model([node("Gemm", ["x", "w", "c"], ["y"], transB=1)],
                 [vi("x", [2, 4]), vi("w", [3, 4]), vi("c", [3])], [vi("y", [2, 3])],
                 [rand("w", [3, 4]), rand("c", [3])])


@case("identity_initializer")
def _():
    """Identity "w_copy" of initializer "w" (PyTorch's deduplication): two MatMuls, by "w" and
    by "w_copy", added; "w_copy" is a parameter of its own: [2,4] -> [2,3]."""
    return model([node("Identity", ["w"], ["w_copy"]),
                  node("MatMul", ["x", "w"], ["a"], name="node_matmul1"),
                  node("MatMul", ["x", "w_copy"], ["b"], name="node_matmul2"),
                  node("Add", ["a", "b"], ["y"])],
                 [vi("x", [2, 4])], [vi("y", [2, 3])], [rand("w", [4, 3])])


@case("param_order")
def _():
    """Inputs "b_in" and "a_in" (in that order) and initializers "z" then "a" (in that order):
    arguments z, a, b_in, a_in: (b_in x z) + (a_in * a) -> [2,3]."""
    return model([node("MatMul", ["b_in", "z"], ["m"]), node("Mul", ["a_in", "a"], ["n"]),
                  node("Add", ["m", "n"], ["y"])],
                 [vi("b_in", [2, 4]), vi("a_in", [2, 3])], [vi("y", [2, 3])],
                 [rand("z", [4, 3]), rand("a", [3])])


@case("multi_output")
def _():
    """Two graph outputs from one input: Relu and Sigmoid of [2,3]."""
    return model([node("Relu", ["x"], ["r"]), node("Sigmoid", ["x"], ["s"])],
                 [vi("x", [2, 3])], [vi("r", [2, 3]), vi("s", [2, 3])])


# ------------------------------------------------------------ valid: zoo

def _zoo(name):
    from logbtq import models
    return models.build(name)


@case("zoo_mlp")
def _():
    """logbtq.models "mlp" (opset 14, seed 0, symbolic batch)."""
    return _zoo("mlp")


@case("zoo_cnn")
def _():
    """logbtq.models "cnn" (opset 14, seed 0, symbolic batch)."""
    return _zoo("cnn")


@case("zoo_resnet_tiny")
def _():
    """logbtq.models "resnet-tiny" (opset 14, seed 0, symbolic batch)."""
    return _zoo("resnet-tiny")


def _torch_zoo(name, opset=14):
    from logbtq import torch_models
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch_models.export(name, None, opset=opset)


@case("torch_mlp")
def _():
    """torch.onnx.export of logbtq.torch_models "mlp", opset 14, dynamic batch."""
    return _torch_zoo("mlp")


@case("torch_cnn")
def _():
    """torch.onnx.export of logbtq.torch_models "cnn", opset 14, dynamic batch."""
    return _torch_zoo("cnn")


@case("torch_resnet_tiny")
def _():
    """torch.onnx.export of logbtq.torch_models "resnet-tiny", opset 14, dynamic batch."""
    return _torch_zoo("resnet-tiny")


@case("torch_cnn_opset11")
def _():
    """torch.onnx.export of logbtq.torch_models "cnn", opset 11, dynamic batch."""
    return _torch_zoo("cnn", opset=11)


@case("torch_resnet_tiny_opset17")
def _():
    """torch.onnx.export of logbtq.torch_models "resnet-tiny", opset 17, dynamic batch."""
    return _torch_zoo("resnet-tiny", opset=17)


# ------------------------------------------------ valid: torch single layers

def _torch_layer(make, shapes, opset=14, dynamic=False, mode="eval", **kw):
    """Exports make() (an nn.Module, or a function wrapped into one) on
    seeded inputs of `shapes` (batch 2 in dim 0)."""
    import warnings
    import torch
    from torch import nn

    class Fn(nn.Module):
        def __init__(self, f):
            super().__init__()
            self.f = f

        def forward(self, *xs):
            return self.f(*xs)

    torch.manual_seed(0)
    mod = make()
    if not isinstance(mod, nn.Module):
        mod = Fn(mod)
    args = tuple(torch.randn(*s) for s in shapes)
    names = ["input", "input2"][:len(args)]
    axes = {n: {0: "batch"} for n in names + ["output"]} if dynamic else None
    training = {"eval": torch.onnx.TrainingMode.EVAL,
                "train": torch.onnx.TrainingMode.TRAINING}[mode]
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(mod, args, buf, opset_version=opset, input_names=names,
                          output_names=["output"], dynamic_axes=axes, training=training, **kw)
    return onnx.load_from_string(buf.getvalue())


def _nn():
    import torch
    from torch import nn
    import torch.nn.functional as F
    return torch, nn, F


def _batchnorm_with_stats():
    torch, nn, _ = _nn()
    bn = nn.BatchNorm2d(3)
    with torch.no_grad():
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.5, 0.5)
        bn.running_mean.uniform_(-0.5, 0.5)
        bn.running_var.uniform_(0.5, 1.5)
    return bn


N4 = (2, 3, 8, 8)
# name -> (description, function returning the ModelProto)
TORCH_LAYERS = {
    "linear": ("nn.Linear(16,4) on [2,16]: Gemm transB=1",
               lambda: _torch_layer(lambda: _nn()[1].Linear(16, 4), [(2, 16)])),
    "linear_3d": ("nn.Linear(16,4) on [2,5,16]: MatMul (weight pre-transposed, renamed) + Add",
                  lambda: _torch_layer(lambda: _nn()[1].Linear(16, 4), [(2, 5, 16)])),
    "linear_nobias": ("nn.Linear(16,4,bias=False) on [2,16]: MatMul (weight pre-transposed)",
                      lambda: _torch_layer(lambda: _nn()[1].Linear(16, 4, bias=False),
                                           [(2, 16)])),
    "linear_dynamic": ("nn.Linear(16,4) on [batch,16], dynamic batch: Gemm",
                       lambda: _torch_layer(lambda: _nn()[1].Linear(16, 4), [(2, 16)],
                                            dynamic=True)),
    "conv2d": ("nn.Conv2d(3,4,3,padding=1): Conv with bias",
               lambda: _torch_layer(lambda: _nn()[1].Conv2d(3, 4, 3, padding=1), [N4])),
    "conv2d_nobias": ("nn.Conv2d(3,4,3,bias=False): Conv without bias",
                      lambda: _torch_layer(lambda: _nn()[1].Conv2d(3, 4, 3, bias=False), [N4])),
    "conv2d_strided_dilated": ("nn.Conv2d(3,4,3,stride=2,dilation=2,padding=2): Conv",
                               lambda: _torch_layer(lambda: _nn()[1].Conv2d(
                                   3, 4, 3, stride=2, dilation=2, padding=2), [N4])),
    "relu": ("nn.ReLU: Relu", lambda: _torch_layer(lambda: _nn()[1].ReLU(), [N4])),
    "relu6": ("nn.ReLU6: Constant 0, Constant 6, Clip",
              lambda: _torch_layer(lambda: _nn()[1].ReLU6(), [N4])),
    "hardtanh": ("nn.Hardtanh(): Constant -1, Constant 1, Clip",
                 lambda: _torch_layer(lambda: _nn()[1].Hardtanh(), [N4])),
    "clamp_min": ("x.clamp(min=0): Constant, Clip with min only",
                  lambda: _torch_layer(lambda: (lambda x: x.clamp(min=0.0)), [N4])),
    "sigmoid": ("nn.Sigmoid: Sigmoid", lambda: _torch_layer(lambda: _nn()[1].Sigmoid(), [N4])),
    "tanh": ("nn.Tanh: Tanh", lambda: _torch_layer(lambda: _nn()[1].Tanh(), [N4])),
    "maxpool2d": ("nn.MaxPool2d(2): MaxPool k2 s2",
                  lambda: _torch_layer(lambda: _nn()[1].MaxPool2d(2), [N4])),
    "maxpool2d_ceil": ("nn.MaxPool2d(3,2,ceil_mode=True): MaxPool ceil_mode=1",
                       lambda: _torch_layer(lambda: _nn()[1].MaxPool2d(3, 2, ceil_mode=True),
                                            [N4])),
    "maxpool2d_pad": ("nn.MaxPool2d(3,1,padding=1): MaxPool pads 1",
                      lambda: _torch_layer(lambda: _nn()[1].MaxPool2d(3, 1, padding=1), [N4])),
    "avgpool2d_exclude_pad": ("nn.AvgPool2d(3,1,padding=1,count_include_pad=False): AveragePool",
                              lambda: _torch_layer(lambda: _nn()[1].AvgPool2d(
                                  3, 1, padding=1, count_include_pad=False), [N4])),
    "avgpool2d_nopad": ("nn.AvgPool2d(2,count_include_pad=False): AveragePool (no Pad node)",
                        lambda: _torch_layer(lambda: _nn()[1].AvgPool2d(
                            2, count_include_pad=False), [N4])),
    "adaptiveavgpool2d": ("nn.AdaptiveAvgPool2d(1): GlobalAveragePool",
                          lambda: _torch_layer(lambda: _nn()[1].AdaptiveAvgPool2d(1), [N4])),
    "adaptiveavgpool2d_2": ("nn.AdaptiveAvgPool2d(2) on 8x8: AveragePool k4 s4 (no pads attr)",
                            lambda: _torch_layer(lambda: _nn()[1].AdaptiveAvgPool2d(2), [N4])),
    "flatten": ("nn.Flatten (also torch.flatten(x,1)): Flatten axis 1",
                lambda: _torch_layer(lambda: _nn()[1].Flatten(), [N4])),
    "view": ("x.view(x.size(0),-1), static batch: Constant [2,-1], Reshape",
             lambda: _torch_layer(lambda: (lambda x: x.view(x.size(0), -1)), [N4])),
    "view_dynamic": ("x.view(x.size(0),-1), dynamic batch: Shape, Gather, Unsqueeze, Concat, "
                     "Reshape",
                     lambda: _torch_layer(lambda: (lambda x: x.view(x.size(0), -1)), [N4],
                                          dynamic=True)),
    "reshape": ("x.reshape(-1,784) on [2,1,28,28]: Constant [-1,784], Reshape",
                lambda: _torch_layer(lambda: (lambda x: x.reshape(-1, 784)), [(2, 1, 28, 28)])),
    "cat": ("torch.cat([a,b],1): Concat axis 1",
            lambda: _torch_layer(lambda: (lambda a, b: _nn()[0].cat([a, b], 1)), [N4, N4])),
    "permute": ("x.permute(0,2,3,1): Transpose",
                lambda: _torch_layer(lambda: (lambda x: x.permute(0, 2, 3, 1)), [N4])),
    "transpose": ("x.transpose(1,2): Transpose perm [0,2,1,3]",
                  lambda: _torch_layer(lambda: (lambda x: x.transpose(1, 2)), [N4])),
    "softmax": ("nn.Softmax(dim=1) on [2,10]: Softmax axis 1",
                lambda: _torch_layer(lambda: _nn()[1].Softmax(dim=1), [(2, 10)])),
    "log_softmax": ("nn.LogSoftmax(dim=1) on [2,10]: LogSoftmax axis 1",
                    lambda: _torch_layer(lambda: _nn()[1].LogSoftmax(dim=1), [(2, 10)])),
    "batchnorm2d_eval": ("nn.BatchNorm2d(3) with set statistics, eval: BatchNormalization "
                         "training_mode=0",
                         lambda: _torch_layer(_batchnorm_with_stats, [N4])),
    "batchnorm2d_eval_fresh": ("fresh nn.BatchNorm2d(3), eval: two Identity nodes (deduplicated "
                               "initializers) + BatchNormalization",
                               lambda: _torch_layer(lambda: _nn()[1].BatchNorm2d(3), [N4])),
    "batchnorm2d_train": ("nn.BatchNorm2d(3), training export: BatchNormalization "
                          "training_mode=1 with 3 outputs",
                          lambda: _torch_layer(_batchnorm_with_stats, [N4], mode="train")),
    "dropout_eval": ("nn.Dropout(0.3), eval export: Identity",
                     lambda: _torch_layer(lambda: _nn()[1].Dropout(0.3), [N4])),
    "dropout_train": ("nn.Dropout(0.3), training export: Dropout(x, Constant 0.3, Constant "
                      "true) with a mask output",
                      lambda: _torch_layer(lambda: _nn()[1].Dropout(0.3), [N4], mode="train")),
    "identity": ("nn.Identity: Identity",
                 lambda: _torch_layer(lambda: _nn()[1].Identity(), [N4])),
    "add_scalar": ("x + 1.5: Constant, Add",
                   lambda: _torch_layer(lambda: (lambda x: x + 1.5), [N4])),
    "sub_scalar": ("x - 1.5: Constant, Sub",
                   lambda: _torch_layer(lambda: (lambda x: x - 1.5), [N4])),
    "rsub_scalar": ("1.0 - x: Constant, Sub",
                    lambda: _torch_layer(lambda: (lambda x: 1.0 - x), [N4])),
    "mul_scalar": ("x * 1.5: Constant, Mul",
                   lambda: _torch_layer(lambda: (lambda x: x * 1.5), [N4])),
    "div_scalar": ("x / 2.0: Constant, Div (needs Div)",
                   lambda: _torch_layer(lambda: (lambda x: x / 2.0), [N4])),
    "add": ("torch.add(a,b): Add",
            lambda: _torch_layer(lambda: (lambda a, b: _nn()[0].add(a, b)), [N4, N4])),
    "add_alpha": ("torch.add(a,b,alpha=2): Constant, Mul, Add",
                  lambda: _torch_layer(lambda: (lambda a, b: _nn()[0].add(a, b, alpha=2)),
                                       [N4, N4])),
    "add_broadcast": ("a + b, [2,16] + [16]: Add (input2 has no batch dim)",
                      lambda: _torch_layer(lambda: (lambda a, b: a + b), [(2, 16), (16,)])),
    "sub": ("torch.sub(a,b): Sub",
            lambda: _torch_layer(lambda: (lambda a, b: _nn()[0].sub(a, b)), [N4, N4])),
    "mul": ("torch.mul(a,b): Mul",
            lambda: _torch_layer(lambda: (lambda a, b: _nn()[0].mul(a, b)), [N4, N4])),
    "squeeze": ("x.squeeze(1) on [2,1,5]: Constant [1], Squeeze",
                lambda: _torch_layer(lambda: (lambda x: x.squeeze(1)), [(2, 1, 5)])),
    "squeeze_all": ("x.squeeze() on [2,1,5]: Squeeze without axes",
                    lambda: _torch_layer(lambda: (lambda x: x.squeeze()), [(2, 1, 5)])),
    "unsqueeze": ("x.unsqueeze(1) on [2,16]: Constant [1], Unsqueeze",
                  lambda: _torch_layer(lambda: (lambda x: x.unsqueeze(1)), [(2, 16)])),
    "matmul": ("a @ b, [2,5,16] x [16,4] graph inputs: MatMul",
               lambda: _torch_layer(lambda: (lambda a, b: a @ b), [(2, 5, 16), (16, 4)])),
    "avgpool2d": ("nn.AvgPool2d(2) (count_include_pad=True, the default): Constant, Pad (all "
                  "zeros), AveragePool",
                  lambda: _torch_layer(lambda: _nn()[1].AvgPool2d(2), [N4])),
    "avgpool2d_pad": ("nn.AvgPool2d(3,1,padding=1): Constant, Pad 1, AveragePool pads 0",
                      lambda: _torch_layer(lambda: _nn()[1].AvgPool2d(3, 1, padding=1), [N4])),
    "avgpool2d_pad_ceil": ("nn.AvgPool2d(3,2,padding=1,ceil_mode=True): Constant, Pad 1, "
                           "AveragePool ceil_mode=1",
                           lambda: _torch_layer(lambda: _nn()[1].AvgPool2d(
                               3, 2, padding=1, ceil_mode=True), [N4])),
    "avgpool2d_pad_opset11": ("nn.AvgPool2d(3,1,padding=1), opset 11: Constant, Pad, "
                              "AveragePool",
                              lambda: _torch_layer(lambda: _nn()[1].AvgPool2d(3, 1, padding=1),
                                                   [N4], opset=11)),
    "zeropad_conv": ("nn.ZeroPad2d((1,2,0,1)) then nn.Conv2d(3,4,3): the pads computed by "
                     "ConstantOfShape, Concat, Reshape, Slice, Transpose, Cast; Pad, Conv",
                     lambda: _torch_layer(lambda: _nn()[1].Sequential(
                         _nn()[1].ZeroPad2d((1, 2, 0, 1)), _nn()[1].Conv2d(3, 4, 3)), [N4])),
    "pad_maxpool": ("F.max_pool2d(F.pad(x,(1,1,1,1),value=-inf),3,2): Pad -inf, MaxPool",
                    lambda: _torch_layer(lambda: (lambda x: _nn()[2].max_pool2d(
                        _nn()[2].pad(x, (1, 1, 1, 1), value=float("-inf")), 3, 2)), [N4])),
    "zeropad": ("nn.ZeroPad2d(1) alone: the Pad is the graph output (not supported)",
                lambda: _torch_layer(lambda: _nn()[1].ZeroPad2d(1), [N4])),
    "reflectionpad_conv": ("nn.ReflectionPad2d(1) then nn.Conv2d(3,4,3): Pad mode reflect "
                           "(not supported)",
                           lambda: _torch_layer(lambda: _nn()[1].Sequential(
                               _nn()[1].ReflectionPad2d(1), _nn()[1].Conv2d(3, 4, 3)), [N4])),
    "conv_bn_eval": ("nn.Conv2d(3,4,3) then nn.BatchNorm2d(4), eval: one Conv (BN folded, "
                     "initializers renamed onnx::Conv_N)",
                     lambda: _torch_layer(lambda: _nn()[1].Sequential(
                         _nn()[1].Conv2d(3, 4, 3), _nn()[1].BatchNorm2d(4)), [N4])),
    "softmax_4d_opset11": ("nn.Softmax(dim=1) on [2,3,8,8], opset 11: Transpose, Softmax axis 3, "
                           "Transpose",
                           lambda: _torch_layer(lambda: _nn()[1].Softmax(dim=1), [N4], opset=11)),
    "dropout_functional": ("F.dropout(x,0.3) (training=True by default), eval export: Constant, "
                           "Constant, Dropout",
                           lambda: _torch_layer(lambda: (lambda x: _nn()[2].dropout(x, 0.3)),
                                                [N4])),
    "dropout_opset11_train": ("nn.Dropout(0.3), training export, opset 11: Dropout with the "
                              "ratio attribute",
                              lambda: _torch_layer(lambda: _nn()[1].Dropout(0.3), [N4],
                                                   opset=11, mode="train")),
    "flatten_all": ("torch.flatten(x) (start_dim 0): Shape, Slice, Concat, Reshape",
                    lambda: _torch_layer(lambda: (lambda x: _nn()[0].flatten(x)), [N4])),
    "view_merge_dynamic": ("x.view(x.size(0), x.size(1), -1), dynamic batch: Shape, Gather x2, "
                           "Unsqueeze x2, Concat, Reshape",
                           lambda: _torch_layer(lambda: (
                               lambda x: x.view(x.size(0), x.size(1), -1)), [N4], dynamic=True)),
    "linear_opset11": ("nn.Linear(16,4) on [2,16], opset 11: Gemm",
                       lambda: _torch_layer(lambda: _nn()[1].Linear(16, 4), [(2, 16)], opset=11)),
    "squeeze_opset11": ("x.squeeze(1) on [2,1,5], opset 11: Squeeze with the axes attribute",
                        lambda: _torch_layer(lambda: (lambda x: x.squeeze(1)), [(2, 1, 5)],
                                             opset=11)),
    "relu6_opset17": ("nn.ReLU6, opset 17: Constant, Constant, Clip",
                      lambda: _torch_layer(lambda: _nn()[1].ReLU6(), [N4], opset=17)),
    "mean": ("x.mean((2,3)): ReduceMean (not supported)",
             lambda: _torch_layer(lambda: (lambda x: x.mean((2, 3))), [N4])),
    "leaky_relu": ("nn.LeakyReLU: LeakyRelu (not supported)",
                   lambda: _torch_layer(lambda: _nn()[1].LeakyReLU(), [N4])),
    "initializers_as_inputs": ("nn.Linear(16,4) with keep_initializers_as_inputs=True: Gemm, "
                               "weight and bias also graph inputs",
                               lambda: _torch_layer(lambda: _nn()[1].Linear(16, 4), [(2, 16)],
                                                    keep_initializers_as_inputs=True)),
}


def _register_torch_layer(name, desc, fn):
    def f():
        return fn()
    f.__doc__ = "PyTorch 1.13 export, opset 14: " + desc
    case("torch_layer_" + name)(f)


for _name, (_desc, _fn) in TORCH_LAYERS.items():
    _register_torch_layer(_name, _desc, _fn)


# ------------------------------------------------------------ error cases

@case("unsupported_op", error=True)
def _():
    """A Round node named "bad_node" (valid ONNX, not in the importer's op set)."""
    return model([node("Round", ["x"], ["y"], name="bad_node")], [vi("x", [2, 3])],
                 [vi("y", [2, 3])])


@case("unsupported_custom_op", error=True)
def _():
    """A node "Foo" of the default domain (no such op) named "bad_node"."""
    return model([node("Foo", ["x"], ["y"], name="bad_node")], [vi("x", [2, 3])],
                 [vi("y", [2, 3])])


# ------------------------------------------------------ valid: math (ImportMath)

def _math_unary(op, **attrs):
    def build():
        return unary(op, **attrs)
    build.__doc__ = "%s on [2,5]%s." % (op, "".join(", %s=%s" % kv for kv in attrs.items()))
    return build


for _op in ["Exp", "Log", "Sqrt", "Erf", "Neg", "Abs", "Sign", "Softplus", "Softsign",
            "Reciprocal", "HardSwish", "Selu"]:
    case(_op.lower())(_math_unary(_op))
case("leaky_relu")(_math_unary("LeakyRelu", alpha=0.125))
case("leaky_relu_default")(_math_unary("LeakyRelu"))
case("elu")(_math_unary("Elu", alpha=0.5))
case("hard_sigmoid")(_math_unary("HardSigmoid", alpha=0.25, beta=0.375))


@case("div_tensor")
def _():
    """Div of two graph inputs, [2,3] / [3]: logbtq.div."""
    return model([node("Div", ["x", "d"], ["y"])], [vi("x", [2, 3]), vi("d", [3])],
                 [vi("y", [2, 3])])


@case("pow_tensor")
def _():
    """Pow of a graph input by a constant exponent [3]: logbtq.pow."""
    return model([node("Pow", ["x", "p"], ["y"])], [vi("x", [2, 3])], [vi("y", [2, 3])],
                 [const("p", [2.0, 0.5, 3.0])])


@case("max3")
def _():
    """Max of three inputs [2,3], [3], [1,3]: two logbtq.max."""
    return model([node("Max", ["a", "b", "c"], ["y"])],
                 [vi("a", [2, 3]), vi("b", [3]), vi("c", [1, 3])], [vi("y", [2, 3])])


@case("min1")
def _():
    """Min of one input: the input itself."""
    return model([node("Min", ["a"], ["y"])], [vi("a", [2, 3])], [vi("y", [2, 3])])


@case("sum3")
def _():
    """Sum of three [2,3] inputs: two logbtq.add."""
    return model([node("Sum", ["a", "b", "c"], ["y"])],
                 [vi("a", [2, 3]), vi("b", [2, 3]), vi("c", [2, 3])], [vi("y", [2, 3])])


@case("mean2")
def _():
    """Mean of two [2,3] inputs: logbtq.add, then logbtq.div by 2."""
    return model([node("Mean", ["a", "b"], ["y"])],
                 [vi("a", [2, 3]), vi("b", [2, 3])], [vi("y", [2, 3])])


@case("reduce_sum_opset13")
def _():
    """ReduceSum over axes input [1] of [2,3,4], keepdims=0 -> [2,4]."""
    return model([node("ReduceSum", ["x", "axes"], ["y"], keepdims=0)], [vi("x", [2, 3, 4])],
                 [vi("y", [2, 4])], [const("axes", [1], np.int64)], opset=13)


@case("reduce_sum_opset11")
def _():
    """ReduceSum over attribute axes [0, 2] of [2,3,4], keepdims -> [1,3,1]."""
    return model([node("ReduceSum", ["x"], ["y"], axes=[0, 2])], [vi("x", [2, 3, 4])],
                 [vi("y", [1, 3, 1])], opset=11)


@case("reduce_sum_noop")
def _():
    """ReduceSum without axes and noop_with_empty_axes=1: the input."""
    return model([node("ReduceSum", ["x"], ["y"], noop_with_empty_axes=1)], [vi("x", [2, 3])],
                 [vi("y", [2, 3])], opset=13)


@case("reduce_mean")
def _():
    """ReduceMean over axes [-1] of [2,3,4], keepdims -> [2,3,1]."""
    return model([node("ReduceMean", ["x"], ["y"], axes=[-1])], [vi("x", [2, 3, 4])],
                 [vi("y", [2, 3, 1])])


@case("reduce_max_all")
def _():
    """ReduceMax without axes (all of them), keepdims=0 -> []."""
    return model([node("ReduceMax", ["x"], ["y"], keepdims=0)], [vi("x", [2, 3])],
                 [vi("y", [])])


@case("reduce_min")
def _():
    """ReduceMin over axes [0] of [2,3] -> [1,3]."""
    return model([node("ReduceMin", ["x"], ["y"], axes=[0])], [vi("x", [2, 3])],
                 [vi("y", [1, 3])])


@case("layer_norm")
def _():
    """LayerNormalization over the last dim of [2,3,4], scale and bias [4], epsilon 1e-3."""
    return model([node("LayerNormalization", ["x", "s", "b"], ["y"], epsilon=1e-3)],
                 [vi("x", [2, 3, 4])], [vi("y", [2, 3, 4])], [rand("s", [4]), rand("b", [4])],
                 opset=17)


@case("layer_norm_no_bias")
def _():
    """LayerNormalization axis=-2 of [2,3,4], scale [3,4], no bias, only Y: one layer_norm."""
    return model([node("LayerNormalization", ["x", "s"], ["y"], axis=-2)],
                 [vi("x", [2, 3, 4])], [vi("y", [2, 3, 4])], [rand("s", [3, 4])], opset=17)


@case("layer_norm_broadcast_scale")
def _():
    """LayerNormalization over the last dim of [2,3,4] whose scale [1] broadcasts: its parts."""
    return model([node("LayerNormalization", ["x", "s", "b"], ["y"])],
                 [vi("x", [2, 3, 4])], [vi("y", [2, 3, 4])], [rand("s", [1]), rand("b", [4])],
                 opset=17)


@case("layer_norm_stats")
def _():
    """LayerNormalization axis=1 of [2,3,4], no bias, with its Mean and InvStdDev outputs."""
    return model([node("LayerNormalization", ["x", "s"], ["y", "m", "r"], axis=1)],
                 [vi("x", [2, 3, 4])],
                 [vi("y", [2, 3, 4]), vi("m", [2, 1, 1]), vi("r", [2, 1, 1])],
                 [rand("s", [3, 4])], opset=17)


# ------------------------------------------------ valid: grouped convolutions

@case("conv_grouped")
def _():
    """Conv group=2 of [2,4,5,5] with W[6,2,3,3] and bias [6]: [2,6,3,3]."""
    return model([node("Conv", ["x", "w", "b"], ["y"], kernel_shape=[3, 3], group=2)],
                 [vi("x", [2, 4, 5, 5])], [vi("y", [2, 6, 3, 3])],
                 [rand("w", [6, 2, 3, 3]), rand("b", [6])])


@case("conv_depthwise")
def _():
    """Depthwise Conv (group=3) of [2,3,4,4] with W[3,1,3,3], pads 1: [2,3,4,4]."""
    return model([node("Conv", ["x", "w"], ["y"], kernel_shape=[3, 3], group=3,
                       pads=[1, 1, 1, 1])],
                 [vi("x", [2, 3, 4, 4])], [vi("y", [2, 3, 4, 4])], [rand("w", [3, 1, 3, 3])])


@case("conv_transpose")
def _():
    """ConvTranspose of [2,3,4,4] by W[3,2,3,3], strides 2, pads [1,1,0,0], output_padding
    [1,0], bias [2]: [2,2,9,8]."""
    return model([node("ConvTranspose", ["x", "w", "b"], ["y"], strides=[2, 2],
                       pads=[1, 1, 0, 0], output_padding=[1, 0])],
                 [vi("x", [2, 3, 4, 4])], [vi("y", [2, 2, 9, 8])],
                 [rand("w", [3, 2, 3, 3]), rand("b", [2])])


@case("conv_transpose_dilated")
def _():
    """ConvTranspose of [2,2,3,3] by W[2,3,2,2], dilations 2, no bias: [2,3,5,5]."""
    return model([node("ConvTranspose", ["x", "w"], ["y"], dilations=[2, 2])],
                 [vi("x", [2, 2, 3, 3])], [vi("y", [2, 3, 5, 5])], [rand("w", [2, 3, 2, 2])])


# ------------------------------------------- valid: indexing (ImportIndexing)

@case("slice_tensor")
def _():
    """Slice of x [2,6,4] along axis 1 from 1 to 6 by 2: [2,3,4]."""
    return model([node("Slice", ["x", "starts", "ends", "axes", "steps"], ["y"])],
                 [vi("x", [2, 6, 4])], [vi("y", [2, 3, 4])],
                 [const("starts", [1], np.int64), const("ends", [6], np.int64),
                  const("axes", [1], np.int64), const("steps", [2], np.int64)])


@case("slice_tensor_negative")
def _():
    """Slice of x [2,5], the last 3 columns (start -3, end past the end, axis -1)."""
    return model([node("Slice", ["x", "starts", "ends", "axes"], ["y"])],
                 [vi("x", [2, 5])], [vi("y", [2, 3])],
                 [const("starts", [-3], np.int64), const("ends", [100], np.int64),
                  const("axes", [-1], np.int64)])


@case("split_sizes")
def _():
    """Split (opset 13) of x [2,6] along axis 1 into sizes [2, 4]."""
    return model([node("Split", ["x", "split"], ["y", "z"], axis=1)],
                 [vi("x", [2, 6])], [vi("y", [2, 2]), vi("z", [2, 4])],
                 [const("split", [2, 4], np.int64)], opset=13)


@case("split_equal")
def _():
    """Split (opset 11) of x [2,6] along axis 1 into 3 equal parts."""
    return model([node("Split", ["x"], ["a", "b", "c"], axis=1)],
                 [vi("x", [2, 6])], [vi("a", [2, 2]), vi("b", [2, 2]), vi("c", [2, 2])],
                 opset=11)


@case("gather_tensor_scalar")
def _():
    """Gather of x [3,2,4] at the scalar index 1 along axis 0 (PyTorch's qkv[1]): [2,4]."""
    return model([node("Gather", ["x", "i"], ["y"], axis=0)],
                 [vi("x", [3, 2, 4])], [vi("y", [2, 4])], [const("i", 1, np.int64)])


@case("gather_tensor_indices")
def _():
    """Gather of x [2,5] along axis 1 by [[3, 0], [0, -1]]: [2,2,2]."""
    return model([node("Gather", ["x", "i"], ["y"], axis=1)],
                 [vi("x", [2, 5])], [vi("y", [2, 2, 2])],
                 [const("i", [[3, 0], [0, -1]], np.int64)])


@case("gather_embedding")
def _():
    """Rows [3, 1, 3] of an embedding table [5,4] (a parameter) added to x [2,3,4]."""
    return model([node("Gather", ["table", "i"], ["e"], axis=0),
                  node("Add", ["x", "e"], ["y"])],
                 [vi("x", [2, 3, 4])], [vi("y", [2, 3, 4])],
                 [rand("table", [5, 4]), const("i", [3, 1, 3], np.int64)])


@case("expand")
def _():
    """Expand of x [2,1,4] by the shape [3, 1] (both ways): [2,3,4]."""
    return model([node("Expand", ["x", "shape"], ["y"])],
                 [vi("x", [2, 1, 4])], [vi("y", [2, 3, 4])],
                 [const("shape", [3, 1], np.int64)])



@case("where_mask")
def _():
    """Where of x [2,4] and y [1,4] under the known mask [1,4] (T F T F)."""
    return model([node("Where", ["c", "x", "y"], ["z"])],
                 [vi("x", [2, 4]), vi("y", [1, 4])], [vi("z", [2, 4])],
                 [const("c", [[True, False, True, False]], np.bool_)])


@case("where_fill")
def _():
    """Attention mask: Where(causal [3,3], scores [2,3,3], Constant -inf)."""
    fill = helper.make_node("Constant", [], ["ninf"], name="fill",
                            value=const("v", float("-inf")))
    return model([fill, node("Where", ["c", "s", "ninf"], ["z"])],
                 [vi("s", [2, 3, 3])], [vi("z", [2, 3, 3])],
                 [const("c", np.tril(np.ones((3, 3), dtype=bool)), np.bool_)])


@case("where_all_true")
def _():
    """Where(all true [2,1], x [1,3], y [2,3]): x, broadcast to [2,3]."""
    return model([node("Where", ["c", "x", "y"], ["z"])],
                 [vi("x", [1, 3]), vi("y", [2, 3])], [vi("z", [2, 3])],
                 [const("c", [[True], [True]], np.bool_)])

# ------------------------------------------------------ errors: math (ImportMath)

def _bad_attribute(op):
    def build():
        return model([node(op, ["x"], ["y"], name="bad_node", foo=1)], [vi("x", [2, 3])],
                     [vi("y", [2, 3])], opset=17)
    build.__doc__ = "%s with an attribute \"foo\" it does not have." % op
    return build


for _op in ["Exp", "Log", "Sqrt", "Erf", "Neg", "Abs", "Sign", "Softplus", "Softsign",
            "Reciprocal", "HardSwish", "Selu", "LeakyRelu", "Elu", "HardSigmoid", "Max",
            "Min", "Sum", "Mean", "Pow", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceSum",
            "LayerNormalization"]:
    case(_op.lower() + "_bad_attribute", error=True)(_bad_attribute(_op))


@case("leaky_relu_infinite_alpha", error=True)
def _():
    """LeakyRelu with alpha = inf."""
    return model([node("LeakyRelu", ["x"], ["y"], name="bad_node", alpha=float("inf"))],
                 [vi("x", [2, 3])], [vi("y", [2, 3])])


@case("max_no_broadcast", error=True)
def _():
    """Max of [2,3] and [4]: the shapes do not broadcast."""
    return model([node("Max", ["a", "b"], ["y"], name="bad_node")],
                 [vi("a", [2, 3]), vi("b", [4])], [vi("y", [2, 3])])


@case("reduce_mean_repeated_axis", error=True)
def _():
    """ReduceMean with axes [1, -1] of a [2,3]: the same axis twice."""
    return model([node("ReduceMean", ["x"], ["y"], name="bad_node", axes=[1, -1])],
                 [vi("x", [2, 3])], [vi("y", [2, 1])])


@case("reduce_sum_float_axes", error=True)
def _():
    """ReduceSum (opset 13) whose axes input is a float tensor."""
    return model([node("ReduceSum", ["x", "axes"], ["y"], name="bad_node")],
                 [vi("x", [2, 3])], [vi("y", [2, 1])], [const("axes", [1.0])], opset=13)


@case("layer_norm_stash_type", error=True)
def _():
    """LayerNormalization with stash_type 0 (compute in the input's type)."""
    return model([node("LayerNormalization", ["x", "s"], ["y"], name="bad_node", stash_type=0)],
                 [vi("x", [2, 3])], [vi("y", [2, 3])], [rand("s", [3])], opset=17)


@case("unconvertible_opset", error=True)
def _():
    """Softmax at opset 9 on an input of unknown shape: the converter's Softmax adapter needs its rank."""
    return model([node("Softmax", ["x"], ["y"])], [vi("x", None)], [vi("y", None)], opset=9)


@case("unsupported_opset18", error=True)
def _():
    """A Relu model importing opset 18 (above the supported 11..17)."""
    return unary("Relu", opset=18)


@case("missing_initializer", error=True)
def _():
    """A Gemm whose weight "missing_w" is no input, initializer or node output."""
    return model([node("Gemm", ["x", "missing_w"], ["y"], transB=1)], [vi("x", [2, 4])],
                 [vi("y", [2, 3])])


@case("unknown_input_shape", error=True)
def _():
    """A float input "x" with no shape at all, into a Relu."""
    x = helper.make_tensor_value_info("x", FLOAT, None)
    y = helper.make_tensor_value_info("y", FLOAT, None)
    return model([node("Relu", ["x"], ["y"])], [x], [y])


@case("bad_attribute", error=True)
def _():
    """A Conv with group=3 on [1,4,5,5] with W[4,2,3,3]: 3 does not divide the channels."""
    return model([node("Conv", ["x", "w"], ["y"], kernel_shape=[3, 3], group=3)],
                 [vi("x", [1, 4, 5, 5])], [vi("y", [1, 4, 3, 3])], [rand("w", [4, 2, 3, 3])])


@case("bad_attribute_perm", error=True)
def _():
    """A Transpose with perm [0,0] (not a permutation) on [2,3]."""
    return model([node("Transpose", ["x"], ["y"], perm=[0, 0])], [vi("x", [2, 3])],
                 [vi("y", [2, 2])])


@case("shape_mismatch", error=True)
def _():
    """A Gemm with incompatible inner dims: [2,3] x W[4,5]."""
    return model([node("Gemm", ["x", "w"], ["y"])], [vi("x", [2, 3])], [vi("y", [2, 5])],
                 [rand("w", [4, 5])])


@case("unsupported_domain", error=True)
def _():
    """A Relu node "bad_node" of the domain "com.example"."""
    m = model([helper.make_node("Relu", ["x"], ["y"], name="bad_node", domain="com.example")],
              [vi("x", [2, 3])], [vi("y", [2, 3])])
    m.opset_import.extend([helper.make_opsetid("com.example", 1)])
    return m


@case("no_default_opset", error=True)
def _():
    """A model that imports only the opset of "com.example"."""
    m = unary("Relu")
    del m.opset_import[:]
    m.opset_import.extend([helper.make_opsetid("com.example", 1)])
    return m


@case("symbolic_dim1", error=True)
def _():
    """A Relu on an input whose dimension 1 is the symbol "C": [2,"C"]."""
    return unary("Relu", shape=(2, "C"))


@case("no_inputs", error=True)
def _():
    """A Constant [2,3] into a Relu: no graph input."""
    return model([floats("k", np.ones((2, 3))), node("Relu", ["k"], ["y"])], [],
                 [vi("y", [2, 3])])


@case("output_not_computed", error=True)
def _():
    """A graph output "k" that a Constant node writes (a constant, not a tensor of the graph)."""
    return model([floats("k", [1.0]), node("Relu", ["x"], ["y"])], [vi("x", [2, 3])],
                 [vi("y", [2, 3]), vi("k", [1])])


@case("output_shape_mismatch", error=True)
def _():
    """A Relu on [2,3] whose output "y" is declared [2,4]."""
    return model([node("Relu", ["x"], ["y"])], [vi("x", [2, 3])], [vi("y", [2, 4])])


@case("duplicate_input", error=True)
def _():
    """The graph input "x" listed twice."""
    return model([node("Relu", ["x"], ["y"])], [vi("x", [2, 3]), vi("x", [2, 3])],
                 [vi("y", [2, 3])])


@case("batchnorm_shared_statistic", error=True)
def _():
    """A BatchNormalization whose scale and variance are one initializer "ones"."""
    return model([node("BatchNormalization", ["x", "ones", "zeros", "mean", "ones"], ["y"])],
                 [vi("x", [2, 3])], [vi("y", [2, 3])],
                 [const("ones", [1.0] * 3), const("zeros", [0.0] * 3), rand("mean", [3])])


@case("initializer_float16", error=True)
def _():
    """A Gemm whose weight "w" is a FLOAT16 initializer."""
    w = numpy_helper.from_array(np.ones((3, 4), dtype=np.float16), "w")
    return model([node("Gemm", ["x", "w"], ["y"], transB=1)], [vi("x", [2, 4])],
                 [vi("y", [2, 3])], [w])


def _raw_tensor(name, dims, raw):
    """A FLOAT TensorProto with `raw` bytes whatever `dims` need (make_tensor checks)."""
    t = TensorProto()
    t.name = name
    t.data_type = FLOAT
    t.dims.extend(dims)
    t.raw_data = raw
    return t


@case("initializer_raw_size", error=True)
def _():
    """An initializer "w" of shape [3,4] whose raw data holds 8 bytes."""
    w = _raw_tensor("w", [3, 4], b"\0" * 8)
    return model([node("Gemm", ["x", "w"], ["y"], transB=1)], [vi("x", [2, 4])],
                 [vi("y", [2, 3])], [w])


@case("initializer_huge", error=True)
def _():
    """An initializer "w" of shape [2^20,2^20,2^20] without data (must not be allocated)."""
    w = _raw_tensor("w", [1 << 20] * 3, b"")
    return model([node("Add", ["x", "w"], ["y"])], [vi("x", [2, 3])], [vi("y", [2, 3])], [w])


@case("initializer_external", error=True)
def _():
    """An initializer "w" whose data is in an external file "w.bin"."""
    w = helper.make_tensor("w", FLOAT, [3], [0.0, 0.0, 0.0])
    del w.float_data[:]
    w.data_location = TensorProto.EXTERNAL
    w.external_data.add(key="location", value="w.bin")
    return model([node("Add", ["x", "w"], ["y"])], [vi("x", [2, 3])], [vi("y", [2, 3])], [w])


def _bad(op, inputs, xshape=(2, 3), yshape=None, inits=(), opset=14, outputs=("y",),
         extra_inputs=(), graph_outputs=None, **attrs):
    """One node "bad_node" of `op` reading `inputs`, "x" of `xshape` a graph input."""
    outs = [vi(o, None) for o in (graph_outputs or outputs[:1])]
    if yshape is not None:
        outs[0] = vi(outputs[0], yshape)
    return model([node(op, list(inputs), list(outputs), name="bad_node", **attrs)],
                 [vi("x", list(xshape))] + list(extra_inputs), outs, list(inits), opset=opset)


@case("add_broadcast_mismatch", error=True)
def _():
    """Add of [2,3] and [4]."""
    return _bad("Add", ["x", "b"], extra_inputs=[vi("b", [4])])


@case("sub_integer_input", error=True)
def _():
    """Sub of x [2,3] and the int64 initializer "s" [2]."""
    return _bad("Sub", ["x", "s"], inits=[const("s", [2, 3], np.int64)])


@case("mul_broadcast_mismatch", error=True)
def _():
    """Mul of [2,3] and [2]."""
    return _bad("Mul", ["x", "b"], extra_inputs=[vi("b", [2])])


@case("div_by_tensor_no_broadcast", error=True)
def _():
    """Div of x [2,3] by the graph input "d" [4]: the shapes do not broadcast."""
    return _bad("Div", ["x", "d"], extra_inputs=[vi("d", [4])])


@case("div_by_zero", error=True)
def _():
    """Div of x [2,3] by the constant [1, 0, 2]."""
    return _bad("Div", ["x", "d"], inits=[const("d", [1.0, 0.0, 2.0])])


@case("avgpool_no_kernel", error=True)
def _():
    """AveragePool without kernel_shape on [1,1,4,4]."""
    return _bad("AveragePool", ["x"], xshape=(1, 1, 4, 4))


@case("avgpool_pads_too_large", error=True)
def _():
    """AveragePool kernel 2 with pads 2 (not smaller than the kernel) on [1,1,4,4]."""
    return _bad("AveragePool", ["x"], xshape=(1, 1, 4, 4), kernel_shape=[2, 2], pads=[2, 2, 2, 2])


@case("maxpool_indices_used", error=True)
def _():
    """MaxPool whose second output (the indices) is a graph output."""
    return _bad("MaxPool", ["x"], xshape=(1, 1, 4, 4), outputs=("y", "indices"),
                graph_outputs=("y", "indices"), kernel_shape=[2, 2])


@case("maxpool_dilated", error=True)
def _():
    """MaxPool kernel 2 with dilations 2 on [1,1,6,6]."""
    return _bad("MaxPool", ["x"], xshape=(1, 1, 6, 6), kernel_shape=[2, 2], dilations=[2, 2])


@case("maxpool_zero_strides", error=True)
def _():
    """MaxPool auto_pad SAME_UPPER with strides [0,0] (a division by zero if unchecked)."""
    return _bad("MaxPool", ["x"], xshape=(1, 1, 4, 4), kernel_shape=[2, 2], strides=[0, 0],
                auto_pad="SAME_UPPER")


@case("globalavgpool_3d", error=True)
def _():
    """GlobalAveragePool of a 3-D [1,3,5] input."""
    return _bad("GlobalAveragePool", ["x"], xshape=(1, 3, 5))


@case("batchnorm_stat_shape", error=True)
def _():
    """BatchNormalization on [2,3,4,4] with a mean of shape [4]."""
    return _bad("BatchNormalization", ["x", "scale", "bias", "mean", "var"], xshape=(2, 3, 4, 4),
                inits=[rand("scale", [3]), rand("bias", [3]), rand("mean", [4]),
                       const("var", [1.0] * 3)])


@case("cast_to_int", error=True)
def _():
    """Cast of the float graph input x to INT64."""
    return _bad("Cast", ["x"], to=INT64)


@case("clip_min_above_max", error=True)
def _():
    """Clip with min 2 above max 1."""
    return _bad("Clip", ["x", "lo", "hi"], inits=[const("lo", 2.0), const("hi", 1.0)])


@case("clip_tensor_bound", error=True)
def _():
    """Clip whose min is the graph input "lo" (not known at import time)."""
    return _bad("Clip", ["x", "lo"], extra_inputs=[vi("lo", [])])


@case("concat_mismatch", error=True)
def _():
    """Concat axis 1 of [2,3] and [3,3]."""
    return _bad("Concat", ["x", "b"], extra_inputs=[vi("b", [3, 3])], axis=1)


@case("concat_no_inputs", error=True)
def _():
    """Concat with no inputs at all (a crash if unchecked)."""
    return model([node("Concat", [], ["c"], name="bad_node", axis=0),
                  node("Relu", ["x"], ["y"])], [vi("x", [2, 3])], [vi("y", [2, 3])])


@case("constant_string", error=True)
def _():
    """A Constant node with a value_string attribute, added to x."""
    return model([node("Constant", [], ["k"], name="bad_node", value_string="hello"),
                  node("Add", ["x", "k"], ["y"])], [vi("x", [2, 3])], [vi("y", [2, 3])])


@case("constant_of_shape_negative", error=True)
def _():
    """ConstantOfShape of the shape [-1,3]."""
    return model([ints("shape", [-1, 3]), node("ConstantOfShape", ["shape"], ["k"],
                                                name="bad_node"),
                  node("Add", ["x", "k"], ["y"])], [vi("x", [2, 3])], [vi("y", [2, 3])])


@case("conv_kernel_mismatch", error=True)
def _():
    """Conv with kernel_shape [5,5] and a 3x3 filter on [1,1,6,6]."""
    return _bad("Conv", ["x", "w"], xshape=(1, 1, 6, 6), inits=[rand("w", [1, 1, 3, 3])],
                kernel_shape=[5, 5])


@case("conv_1d", error=True)
def _():
    """A 1-D Conv: input [1,2,5], filter [3,2,3]."""
    return _bad("Conv", ["x", "w"], xshape=(1, 2, 5), inits=[rand("w", [3, 2, 3])])


@case("dropout_bad_ratio", error=True)
def _():
    """Dropout opset 13 with ratio 1.0."""
    return _bad("Dropout", ["x", "ratio"], inits=[const("ratio", 1.0)], opset=13)


@case("dropout_mask_used", error=True)
def _():
    """Dropout whose second output (the mask) is a graph output."""
    return _bad("Dropout", ["x"], outputs=("y", "mask"), graph_outputs=("y", "mask"))


@case("flatten_bad_axis", error=True)
def _():
    """Flatten axis 5 of a rank-4 input."""
    return _bad("Flatten", ["x"], xshape=(1, 2, 3, 4), axis=5)


@case("gather_float_indices", error=True)
def _():
    """Gather of w [4,3] by the float graph input x: indices must be known integers."""
    return _bad("Gather", ["w", "x"], inits=[rand("w", [4, 3])])


@case("gather_tensor_out_of_range", error=True)
def _():
    """Gather of x [2,3] along axis 1 by the constant indices [0, 3]."""
    return _bad("Gather", ["x", "idx"], inits=[const("idx", [0, 3], np.int64)], axis=1)


@case("gemm_bad_bias", error=True)
def _():
    """Gemm [2,4] x W[4,3] with a bias C of shape [4]."""
    return _bad("Gemm", ["x", "w", "c"], xshape=(2, 4), inits=[rand("w", [4, 3]), rand("c", [4])])


@case("identity_undefined", error=True)
def _():
    """Identity of "nothing", which no node, input or initializer defines."""
    return _bad("Identity", ["nothing"])


@case("log_softmax_bad_axis", error=True)
def _():
    """LogSoftmax axis 2 on [2,3]."""
    return _bad("LogSoftmax", ["x"], axis=2)


@case("softmax_bad_axis", error=True)
def _():
    """Softmax axis -3 on [2,3]."""
    return _bad("Softmax", ["x"], axis=-3)


@case("matmul_batch_mismatch", error=True)
def _():
    """MatMul of [2,3,4] and the 3-D graph input "b" [3,4,5]: batch dims 2 and 3."""
    return _bad("MatMul", ["x", "b"], xshape=(2, 3, 4), extra_inputs=[vi("b", [3, 4, 5])])


@case("matmul_2d_by_3d", error=True)
def _():
    """MatMul of [3,4] and the 3-D graph input "b" [2,4,5] (a broadcast left operand)."""
    return _bad("MatMul", ["x", "b"], xshape=(3, 4), extra_inputs=[vi("b", [2, 4, 5])])


def _pad_error(consumer, pads=(0, 0, 1, 1, 0, 0, 1, 1), value=None, xshape=(1, 1, 4, 4),
               inits=(), outputs=("y",), mode="constant", pads_input=None):
    """A Pad "bad_node" of x (pads from a Constant) read by `consumer` (or a graph output)."""
    nodes = [] if pads_input else [ints("pads", list(pads))]
    pad_inputs = ["x", pads_input or "pads"]
    if value is not None:
        nodes.append(floats("value", value))
        pad_inputs.append("value")
    nodes.append(node("Pad", pad_inputs, ["p"], name="bad_node", mode=mode))
    if consumer is not None:
        nodes.append(consumer)
    extra = [vi(pads_input, [8])] if pads_input else []
    return model(nodes, [vi("x", list(xshape))] + extra, [vi(o, None) for o in outputs],
                 list(inits))


@case("pad_reflect", error=True)
def _():
    """Pad mode reflect into a Conv."""
    return _pad_error(node("Conv", ["p", "w"], ["y"], kernel_shape=[3, 3]), mode="reflect",
                      inits=[rand("w", [1, 1, 3, 3])])


@case("pad_into_relu", error=True)
def _():
    """Pad 1 read by a Relu "node_relu"."""
    return _pad_error(node("Relu", ["p"], ["y"]))


@case("pad_graph_output", error=True)
def _():
    """Pad 1 whose output "p" is a graph output."""
    return _pad_error(None, outputs=("p",))


@case("pad_as_filter", error=True)
def _():
    """Pad of x [1,1,3,3] read as the filter (input 1) of a Conv."""
    return _pad_error(node("Conv", ["x", "p"], ["y"]), xshape=(1, 1, 3, 3))


@case("pad_value_conv", error=True)
def _():
    """Pad 1 with value 1 into a Conv "node_conv"."""
    return _pad_error(node("Conv", ["p", "w"], ["y"], kernel_shape=[3, 3]), value=1.0,
                      inits=[rand("w", [1, 1, 3, 3])])


@case("pad_value_avgpool", error=True)
def _():
    """Pad 1 with value -inf into an AveragePool "node_averagepool"."""
    return _pad_error(node("AveragePool", ["p"], ["y"], kernel_shape=[3, 3]), value=float("-inf"))


@case("pad_zero_maxpool", error=True)
def _():
    """Pad 1 with value 0 (the default) into a MaxPool "node_maxpool"."""
    return _pad_error(node("MaxPool", ["p"], ["y"], kernel_shape=[3, 3]))


@case("pad_avgpool_exclude_pad", error=True)
def _():
    """Pad 1 into an AveragePool "node_averagepool" with pads 1 and count_include_pad 0."""
    return _pad_error(node("AveragePool", ["p"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]))


@case("pad_channels", error=True)
def _():
    """Pad of the channel dimension [0,1,0,0,0,1,0,0] into a Conv."""
    return _pad_error(node("Conv", ["p", "w"], ["y"], kernel_shape=[3, 3]),
                      pads=(0, 1, 0, 0, 0, 1, 0, 0), inits=[rand("w", [1, 3, 3, 3])])


@case("pad_negative", error=True)
def _():
    """Pad with negative pads [0,0,-1,0,0,0,0,0] (cropping) into a Conv."""
    return _pad_error(node("Conv", ["p", "w"], ["y"], kernel_shape=[3, 3]),
                      pads=(0, 0, -1, 0, 0, 0, 0, 0), inits=[rand("w", [1, 1, 3, 3])])


@case("pad_wrong_length", error=True)
def _():
    """Pad of a 4-D tensor with 4 pads [1,1,1,1]."""
    return _pad_error(node("Conv", ["p", "w"], ["y"], kernel_shape=[3, 3]), pads=(1, 1, 1, 1),
                      inits=[rand("w", [1, 1, 3, 3])])


@case("pad_dynamic_pads", error=True)
def _():
    """Pad whose pads are the float graph input "pads_in" (not known at import time)."""
    return _pad_error(node("Conv", ["p", "w"], ["y"], kernel_shape=[3, 3]), pads_input="pads_in",
                      inits=[rand("w", [1, 1, 3, 3])])


@case("relu_integer_input", error=True)
def _():
    """Relu of the int64 shape of x (Shape's output, known at import time)."""
    return model([node("Shape", ["x"], ["s"]), node("Relu", ["s"], ["y"], name="bad_node")],
                 [vi("x", [2, 3])], [vi("y", [2])])


@case("sigmoid_bad_attribute", error=True)
def _():
    """Sigmoid with an attribute "alpha" (Sigmoid has none)."""
    return _bad("Sigmoid", ["x"], alpha=0.5)


@case("tanh_missing_input", error=True)
def _():
    """Tanh whose input is left out (the empty name)."""
    return _bad("Tanh", [""])


@case("reshape_bad_count", error=True)
def _():
    """Reshape of [2,3,4] (24 elements) to [5,-1]."""
    return _bad("Reshape", ["x", "shape"], xshape=(2, 3, 4),
                inits=[const("shape", [5, -1], np.int64)])


@case("reshape_shape_from_tensor", error=True)
def _():
    """Reshape whose target shape is the float graph input "shape" (not known)."""
    return _bad("Reshape", ["x", "shape"], xshape=(2, 3, 4), extra_inputs=[vi("shape", [2])])


@case("reshape_huge_target", error=True)
def _():
    """Reshape of [2,3,4] to [2^40,2^40,-1] (the product overflows int64)."""
    return _bad("Reshape", ["x", "shape"], xshape=(2, 3, 4),
                inits=[const("shape", [1 << 40, 1 << 40, -1], np.int64)])


@case("shape_bad_attribute", error=True)
def _():
    """Shape with the attribute start given as a FLOAT, then Reshape by it."""
    return model([node("Shape", ["x"], ["s"], name="bad_node", start=0.5),
                  node("Reshape", ["x", "s"], ["y"])], [vi("x", [2, 3])], [vi("y", [2, 3])])


@case("slice_tensor_negative_step", error=True)
def _():
    """Slice of the graph input x [2,3] along axis 1 with step -1."""
    return _bad("Slice", ["x", "starts", "ends", "axes", "steps"],
                inits=[const("starts", [2], np.int64), const("ends", [0], np.int64),
                       const("axes", [1], np.int64), const("steps", [-1], np.int64)])


@case("slice_tensor_empty", error=True)
def _():
    """Slice of the graph input x [2,3], rows 1..1 (none)."""
    return _bad("Slice", ["x", "starts", "ends"], inits=[const("starts", [1], np.int64),
                                                         const("ends", [1], np.int64)])


@case("split_bad_sizes", error=True)
def _():
    """Split (opset 13) of x [2,3] along axis 1 into sizes [1, 1]."""
    return _bad("Split", ["x", "split"], inits=[const("split", [1, 1], np.int64)],
                outputs=("y", "z"), opset=13, axis=1)


@case("split_uneven", error=True)
def _():
    """Split of x [2,3] along axis 1 into 2 equal parts."""
    return _bad("Split", ["x"], outputs=("y", "z"), opset=13, axis=1)


@case("conv_transpose_group", error=True)
def _():
    """ConvTranspose with group=2 of [1,2,3,3] by W[2,1,3,3]."""
    return _bad("ConvTranspose", ["x", "w"], xshape=(1, 2, 3, 3), inits=[rand("w", [2, 1, 3, 3])],
                group=2)


@case("conv_transpose_output_padding", error=True)
def _():
    """ConvTranspose of [1,2,3,3] by W[2,1,3,3], stride 1, output_padding [1,1]."""
    return _bad("ConvTranspose", ["x", "w"], xshape=(1, 2, 3, 3), inits=[rand("w", [2, 1, 3, 3])],
                output_padding=[1, 1])


@case("expand_bad_shape", error=True)
def _():
    """Expand of x [2,3] to the shape [4]."""
    return _bad("Expand", ["x", "shape"], inits=[const("shape", [4], np.int64)])


@case("where_computed_condition", error=True)
def _():
    """Where whose condition is computed in the graph (Relu of x)."""
    return model([node("Relu", ["x"], ["c"]),
                  node("Where", ["c", "x", "x"], ["y"], name="bad_node")],
                 [vi("x", [2, 3])], [vi("y", [2, 3])])


@case("where_bad_shape", error=True)
def _():
    """Where of a known mask [4] and x [2,3]."""
    return _bad("Where", ["c", "x", "x"], inits=[const("c", [True] * 4, np.bool_)])


@case("squeeze_non_one", error=True)
def _():
    """Squeeze opset 13 of axis 0 of [2,3] (size 2)."""
    return _bad("Squeeze", ["x", "axes"], inits=[const("axes", [0], np.int64)])


@case("unsqueeze_no_axes", error=True)
def _():
    """Unsqueeze opset 13 without its axes input."""
    return _bad("Unsqueeze", ["x"])


@case("integer_arith_mismatch", error=True)
def _():
    """Mul of two int64 constants of shapes [2] and [3] (shape arithmetic)."""
    return model([ints("a", [1, 2]), ints("b", [1, 2, 3]),
                  node("Mul", ["a", "b"], ["m"], name="bad_node"),
                  node("Reshape", ["x", "m"], ["y"])], [vi("x", [2, 3])], [vi("y", [2, 3])])


@case("integer_arith_overflow", error=True)
def _():
    """Mul of the int64 constants 2^62 and 4 (shape arithmetic that overflows)."""
    return model([ints("a", [1 << 62]), ints("b", [4]),
                  node("Mul", ["a", "b"], ["m"], name="bad_node"),
                  node("Reshape", ["x", "m"], ["y"])], [vi("x", [2, 3])], [vi("y", [2, 3])])


def _must_not_parse(data):
    try:
        onnx.load_from_string(data)
    except Exception:
        return data
    raise AssertionError("bytes meant to be unparsable parse as a ModelProto")


@case("truncated", error=True)
def _():
    """The bytes of the "conv" case cut in half (protobuf cannot parse them)."""
    data = CASES["conv"][0]().SerializeToString()
    return _must_not_parse(data[:len(data) // 2])


@case("random_bytes", error=True)
def _():
    """1000 random bytes from np.random.default_rng(0) (protobuf cannot parse them)."""
    return _must_not_parse(np.random.default_rng(0).bytes(1000))


@case("empty", error=True)
def _():
    """A 0-byte file (protobuf parses it as an empty ModelProto)."""
    return b""


@case("no_graph", error=True)
def _():
    """A ModelProto with IR version and opset 14 but no graph."""
    m = onnx.ModelProto()
    m.ir_version = 7
    m.producer_name = "onnx_gen"
    m.opset_import.extend([helper.make_opsetid("", 14)])
    return m


@case("dynamic_reshape", error=True)
def _():
    """A Reshape whose shape is the int64 graph input "shape" (not a constant)."""
    return model([node("Reshape", ["x", "shape"], ["y"])],
                 [vi("x", [2, 3, 4]), vi("shape", [2], INT64)], [vi("y", None)])


@case("non_float_input", error=True)
def _():
    """An int64 graph input [2,3], cast to float, into a Relu."""
    return model([node("Cast", ["x"], ["f"], to=FLOAT), node("Relu", ["f"], ["y"])],
                 [vi("x", [2, 3], INT64)], [vi("y", [2, 3])])


# ------------------------------------------------------------------- driver

def generate(name):
    """The bytes of case `name`; valid cases pass the full checker first."""
    fn, error, _ = CASES[name]
    m = fn()
    if isinstance(m, bytes):
        return m
    if not error:
        onnx.checker.check_model(m, full_check=True)
    return m.SerializeToString()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("case", nargs="?")
    p.add_argument("-o", "--output")
    p.add_argument("--list", action="store_true", help="print the case names, one a line")
    p.add_argument("--valid", action="store_true", help="with --list: only the valid cases")
    p.add_argument("--errors", action="store_true", help="with --list: only the error cases")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="with --list: add the kind and a description")
    a = p.parse_args(argv)
    if a.list:
        for name, (_, error, doc) in CASES.items():
            if (a.valid and error) or (a.errors and not error):
                continue
            if a.verbose:
                print("%-34s %-5s %s" % (name, "error" if error else "valid", doc))
            else:
                print(name)
        return 0
    if not a.case or not a.output:
        p.error("give CASE and -o PATH, or --list")
    if a.case not in CASES:
        p.error("unknown case %r (see --list)" % a.case)
    data = generate(a.case)
    with open(a.output, "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
