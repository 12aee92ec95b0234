"""An ONNX chain model as the layers the MU8 step reference runs.

The zoo's mlp and cnn are chains: every node reads the previous node's output
(the first one the graph input) and its own initializers. The importer
(docs/ONNX.md) turns Flatten into a reshape, Gemm into a matmul with the
weight transposed (transB) plus an add of the bias, Conv into one conv2d
with its bias, and Relu and MaxPool into one op each; parameters are the
float initializers the nodes read, in initializer order. This module knows
only those forms; anything else is refused rather than guessed.
"""
from collections import OrderedDict

import numpy as np
import onnx
from onnx import numpy_helper


class UnsupportedModel(Exception):
    pass


class Layer:
    """One node of the chain."""

    def __init__(self, op, name, weight=None, bias=None, pad=0, kernel=None):
        self.op = op          # "flatten", "gemm", "conv", "relu" or "maxpool"
        self.name = name      # the ONNX node name
        self.weight = weight  # parameter names (gemm, conv)
        self.bias = bias
        self.pad = pad        # conv: symmetric padding
        self.kernel = kernel  # maxpool: window = stride

    def __repr__(self):
        return "Layer(%s %s)" % (self.op, self.name)


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _require(cond, node, what):
    if not cond:
        raise UnsupportedModel("%s (%s): %s" % (node.name, node.op_type, what))


def _layer(node, attrs):
    op = node.op_type
    if op == "Flatten":
        _require(attrs.get("axis", 1) == 1, node, "only axis 1")
        return Layer("flatten", node.name)
    if op == "Relu":
        return Layer("relu", node.name)
    if op == "Gemm":
        _require(len(node.input) == 3, node, "needs a bias")
        _require(attrs.get("transB", 0) == 1 and not attrs.get("transA", 0), node,
                 "only transB = 1")
        _require(attrs.get("alpha", 1.0) == 1.0 and attrs.get("beta", 1.0) == 1.0, node,
                 "only alpha = beta = 1")
        return Layer("gemm", node.name, node.input[1], node.input[2])
    if op == "Conv":
        _require(len(node.input) == 3, node, "needs a bias")
        pads = list(attrs.get("pads", [0, 0, 0, 0]))
        _require(len(set(pads)) == 1, node, "only equal pads")
        _require(list(attrs.get("strides", [1, 1])) == [1, 1], node, "only stride 1")
        _require(list(attrs.get("dilations", [1, 1])) == [1, 1], node, "only dilation 1")
        _require(attrs.get("group", 1) == 1, node, "only group 1")
        return Layer("conv", node.name, node.input[1], node.input[2], pad=pads[0])
    if op == "MaxPool":
        k = list(attrs["kernel_shape"])
        _require(len(set(k)) == 1 and list(attrs.get("strides", k)) == k, node,
                 "only square windows with stride = window")
        _require(not any(attrs.get("pads", [0])) and not attrs.get("ceil_mode", 0), node,
                 "no padding, floor mode")
        return Layer("maxpool", node.name, kernel=k[0])
    raise UnsupportedModel("%s (%s): not an op of the MU8 step reference"
                           % (node.name, op))


class Chain:
    """layers, parameter names in argument order, their initial values (float32)."""

    def __init__(self, model):
        graph = model.graph
        inits = OrderedDict((t.name, numpy_helper.to_array(t).astype(np.float32))
                            for t in graph.initializer)
        if len(graph.input) - sum(i.name in inits for i in graph.input) != 1:
            raise UnsupportedModel("the model must have one data input")
        previous = next(i.name for i in graph.input if i.name not in inits)
        self.input_name = previous
        self.layers = []
        read = set()
        for node in graph.node:
            if not node.input or node.input[0] != previous or len(node.output) != 1:
                raise UnsupportedModel("%s (%s): not a chain (reads %s, expected %s)"
                                       % (node.name, node.op_type, list(node.input), previous))
            layer = _layer(node, _attrs(node))
            for name in node.input[1:]:
                if name not in inits:
                    raise UnsupportedModel("%s: input %s is not an initializer"
                                           % (node.name, name))
                read.add(name)
            self.layers.append(layer)
            previous = node.output[0]
        if [o.name for o in graph.output] != [previous]:
            raise UnsupportedModel("the last node must write the only graph output")
        self.param_names = [n for n in inits if n in read]
        self.initial = OrderedDict((n, inits[n]) for n in self.param_names)
