"""A small model zoo written directly as ONNX (onnx.helper + numpy).

Each model takes "input" of shape [batch, 1, 28, 28] (dim_param "batch"), or
[batch, C, H, W] with --input-shape C,H,W (CIFAR-10: 3,32,32), and returns
"logits" of shape [batch, 10]. Initializer names, node names
("/fc1/Gemm"), intermediate value names ("/fc1/Gemm_output_0"), node order and
attributes are those PyTorch 1.13's exporter gives the same networks written
as torch.nn.Modules (logbtq.torch_models), so a zoo model and its torch export
differ only in producer and IR version.

Initial weights follow PyTorch's default initialisation of nn.Linear and
nn.Conv2d (kaiming-uniform with a = sqrt(5)): weight and bias both uniform in
[-1/sqrt(fan_in), 1/sqrt(fan_in)], drawn in float32 from
np.random.default_rng(seed), layer by layer in parameter order, weight before
bias.

    /usr/bin/python3 -m logbtq.models NAME -o out.onnx [--opset N] [--seed S]
        [--input-shape C,H,W]
"""
import argparse
import math

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

MIN_OPSET = 11
MAX_OPSET = 17
DEFAULT_OPSET = 14
IR_VERSION = 7  # what torch.onnx.export of PyTorch 1.13 writes
NUM_CLASSES = 10


class _Graph:
    """Accumulates nodes and seeded initializers, naming them as PyTorch does."""

    def __init__(self, seed, opset=DEFAULT_OPSET, input_shape=(1, 28, 28)):
        self.rng = np.random.default_rng(seed)
        self.opset = opset
        self.channels, self.height, self.width = input_shape
        self.nodes = []
        self.initializers = []

    def _param(self, name, shape, fan_in):
        bound = 1.0 / math.sqrt(fan_in)
        value = self.rng.uniform(-bound, bound, size=shape).astype(np.float32)
        self.initializers.append(numpy_helper.from_array(value, name))
        return name

    def node(self, scope, op, inputs, **attrs):
        name = "%s/%s" % (scope, op)
        out = name + "_output_0"
        self.nodes.append(helper.make_node(op, list(inputs), [out], name=name, **attrs))
        return out

    def linear(self, scope, x, fin, fout):
        p = scope.strip("/").replace("/", ".")
        w = self._param(p + ".weight", (fout, fin), fin)
        b = self._param(p + ".bias", (fout,), fin)
        return self.node(scope, "Gemm", [x, w, b], alpha=1.0, beta=1.0, transB=1)

    def conv(self, scope, x, cin, cout, k, stride=1, pad=0):
        p = scope.strip("/").replace("/", ".")
        fan_in = cin * k * k
        w = self._param(p + ".weight", (cout, cin, k, k), fan_in)
        b = self._param(p + ".bias", (cout,), fan_in)
        return self.node(scope, "Conv", [x, w, b], dilations=[1, 1], group=1,
                         kernel_shape=[k, k], pads=[pad] * 4, strides=[stride, stride])

    def conv_nobias(self, scope, x, cin, cout, k, stride=1, pad=0, p=None):
        p = p or scope.strip("/").replace("/", ".")
        w = self._param(p + ".weight", (cout, cin, k, k), cin * k * k)
        return self.node(scope, "Conv", [x, w], dilations=[1, 1], group=1,
                         kernel_shape=[k, k], pads=[pad] * 4, strides=[stride, stride])

    def batchnorm(self, scope, x, channels, p=None):
        # nn.BatchNorm2d's initial state: scale 1, bias 0, mean 0, var 1. A
        # training-mode export (torch_models.export) names the updated
        # statistics as two more outputs, which nothing reads; before opset
        # 14 there is no training_mode and only the output Y.
        p = p or scope.strip("/").replace("/", ".")
        names = []
        for suffix, value in (("weight", 1.0), ("bias", 0.0), ("running_mean", 0.0),
                              ("running_var", 1.0)):
            names.append(p + "." + suffix)
            self.initializers.append(numpy_helper.from_array(
                np.full((channels,), value, dtype=np.float32), names[-1]))
        name = "%s/BatchNormalization" % scope
        if self.opset >= 14:
            outs = [name + "_output_%d" % i for i in range(3)]
            attrs = {"training_mode": 1}
        else:
            outs, attrs = [name + "_output_0"], {}
        self.nodes.append(helper.make_node(
            "BatchNormalization", [x] + names, outs, name=name,
            epsilon=1e-5, momentum=0.9, **attrs))
        return outs[0]

    def relu(self, scope, x):
        return self.node(scope, "Relu", [x])

    def maxpool(self, scope, x, k, stride):
        return self.node(scope, "MaxPool", [x], ceil_mode=0, kernel_shape=[k, k],
                         pads=[0, 0, 0, 0], strides=[stride, stride])

    def flatten(self, scope, x):
        return self.node(scope, "Flatten", [x], axis=1)

    def model(self, name, opset, doc):
        # The last node writes the graph output.
        self.nodes[-1].output[0] = "logits"
        graph = helper.make_graph(
            self.nodes, name,
            [helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                           ["batch", self.channels, self.height,
                                            self.width])],
            [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                           ["batch", NUM_CLASSES])],
            initializer=self.initializers, doc_string=doc)
        m = helper.make_model(graph, producer_name="logbtq.models", producer_version="1",
                              opset_imports=[helper.make_opsetid("", opset)])
        m.ir_version = IR_VERSION
        return m


def _mlp(g):
    x = g.flatten("/flatten", "input")
    x = g.relu("/relu1", g.linear("/fc1", x, g.channels * g.height * g.width, 256))
    x = g.relu("/relu2", g.linear("/fc2", x, 256, 128))
    g.linear("/fc3", x, 128, NUM_CLASSES)


def _cnn(g):
    x = g.relu("/relu1", g.conv("/conv1", "input", g.channels, 16, 5, pad=2))
    x = g.maxpool("/pool1", x, 2, 2)
    x = g.relu("/relu2", g.conv("/conv2", x, 16, 32, 5, pad=2))
    x = g.maxpool("/pool2", x, 2, 2)
    x = g.flatten("/flatten", x)
    x = g.relu("/relu3", g.linear("/fc1", x, 32 * (g.height // 4) * (g.width // 4), 128))
    g.linear("/fc2", x, 128, NUM_CLASSES)


def _lenet5(g):
    # LeCun et al. (1998) on 28x28 inputs padded to the paper's 32x32, with
    # the now usual ReLU and max pooling in place of tanh and subsampling.
    x = g.relu("/relu1", g.conv("/conv1", "input", g.channels, 6, 5, pad=2))
    x = g.maxpool("/pool1", x, 2, 2)
    x = g.relu("/relu2", g.conv("/conv2", x, 6, 16, 5))
    x = g.maxpool("/pool2", x, 2, 2)
    x = g.flatten("/flatten", x)
    h, w = (g.height // 2 - 4) // 2, (g.width // 2 - 4) // 2
    x = g.relu("/relu3", g.linear("/fc1", x, 16 * h * w, 120))
    x = g.relu("/relu4", g.linear("/fc2", x, 120, 84))
    g.linear("/fc3", x, 84, NUM_CLASSES)


def _block(g, scope, x, cin, cout, stride=1):
    out = g.relu(scope + "/relu1", g.conv(scope + "/conv1", x, cin, cout, 3, stride, 1))
    out = g.conv(scope + "/conv2", out, cout, cout, 3, 1, 1)
    if stride != 1 or cin != cout:
        x = g.conv(scope + "/downsample", x, cin, cout, 1, stride, 0)
    return g.relu(scope + "/relu2", g.node(scope, "Add", [out, x]))


def _bn_block(g, scope, x, cin, cout, stride=1):
    # torchvision's BasicBlock: conv-bn-relu-conv-bn, plus the input (through
    # a strided 1x1 conv and bn when the shape changes), then relu.
    out = g.conv_nobias(scope + "/conv1", x, cin, cout, 3, stride, 1)
    out = g.relu(scope + "/relu1", g.batchnorm(scope + "/bn1", out, cout))
    out = g.batchnorm(scope + "/bn2", g.conv_nobias(scope + "/conv2", out, cout, cout, 3, 1, 1),
                      cout)
    if stride != 1 or cin != cout:
        # An nn.Sequential: PyTorch scopes its layers by their full names.
        p = scope.strip("/") + ".downsample."
        x = g.conv_nobias(scope + "/downsample/downsample.0", x, cin, cout, 1, stride, 0,
                          p=p + "0")
        x = g.batchnorm(scope + "/downsample/downsample.1", x, cout, p=p + "1")
    return g.relu(scope + "/relu2", g.node(scope, "Add", [out, x]))


def _resnet8(g):
    x = g.conv_nobias("/conv1", "input", g.channels, 16, 3, pad=1)
    x = g.relu("/relu", g.batchnorm("/bn1", x, 16))
    x = _bn_block(g, "/layer1", x, 16, 16)
    x = _bn_block(g, "/layer2", x, 16, 32, stride=2)
    x = _bn_block(g, "/layer3", x, 32, 64, stride=2)
    x = g.node("/pool", "GlobalAveragePool", [x])
    g.linear("/fc", g.flatten("/flatten", x), 64, NUM_CLASSES)


def _resnet_tiny(g):
    x = g.relu("/relu", g.conv("/conv1", "input", g.channels, 16, 3, pad=1))
    x = _block(g, "/layer1", x, 16, 16)
    x = _block(g, "/layer2", x, 16, 16)
    x = _block(g, "/layer3", x, 16, 32, stride=2)
    x = g.node("/pool", "GlobalAveragePool", [x])
    g.linear("/fc", g.flatten("/flatten", x), 32, NUM_CLASSES)


MODELS = {
    "mlp": (_mlp, "Flatten, Gemm 784->256, Relu, Gemm 256->128, Relu, Gemm 128->10"),
    "cnn": (_cnn, "Conv5x5 1->16, Relu, MaxPool2, Conv5x5 16->32, Relu, MaxPool2, "
                  "Flatten, Gemm 1568->128, Relu, Gemm 128->10"),
    "lenet5": (_lenet5, "LeNet-5: Conv5x5 1->6 (pad 2), Relu, MaxPool2, Conv5x5 6->16, Relu, "
                        "MaxPool2, Flatten, Gemm 400->120, Relu, Gemm 120->84, Relu, "
                        "Gemm 84->10"),
    "resnet-tiny": (_resnet_tiny, "Conv3x3 1->16, Relu, 2 residual blocks 16->16, "
                                  "1 downsampling block 16->32 (1x1 conv skip), "
                                  "GlobalAveragePool, Flatten, Gemm 32->10"),
    "resnet8": (_resnet8, "ResNet-8 with batch norm: Conv3x3 1->16, BatchNorm, Relu, "
                          "3 basic blocks 16->16, 16->32 (stride 2), 32->64 (stride 2) "
                          "(conv-bn-relu-conv-bn; 1x1 conv + bn skip when the shape "
                          "changes), GlobalAveragePool, Flatten, Gemm 64->10"),
}


def build(name, opset=DEFAULT_OPSET, seed=0, input_shape=(1, 28, 28)):
    """The ONNX model `name` (a key of MODELS) at `opset` with weights from
    `seed`, for inputs of `input_shape` (C, H, W)."""
    if name not in MODELS:
        raise KeyError("unknown model %r (known: %s)" % (name, ", ".join(MODELS)))
    if not MIN_OPSET <= opset <= MAX_OPSET:
        raise ValueError("opset %d outside %d..%d" % (opset, MIN_OPSET, MAX_OPSET))
    fn, doc = MODELS[name]
    if len(input_shape) != 3 or min(input_shape) < 1:
        raise ValueError("input shape %r is not C,H,W" % (input_shape,))
    g = _Graph(seed, opset, tuple(input_shape))
    fn(g)
    return g.model(name, opset, doc)


def parameter_count(model):
    """Number of scalars in the model's initializers."""
    return sum(int(np.prod(t.dims)) for t in model.graph.initializer)


def main(argv=None):
    p = argparse.ArgumentParser(description="Write a zoo model as ONNX.")
    p.add_argument("name", choices=list(MODELS))
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--opset", type=int, default=DEFAULT_OPSET)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--input-shape", default="1,28,28",
                   help="C,H,W of one input (default 1,28,28; CIFAR-10: 3,32,32)")
    a = p.parse_args(argv)
    shape = tuple(int(d) for d in a.input_shape.split(","))
    m = build(a.name, opset=a.opset, seed=a.seed, input_shape=shape)
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, a.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
