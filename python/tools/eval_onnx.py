"""Evaluates an ONNX classifier on a data set, outside logbtq.

    /usr/bin/python3 python/tools/eval_onnx.py MODEL.onnx --data DIR [--limit N]

A small interpreter of the ONNX ops the zoo's models use, each mapped to
torch.nn.functional in float32 (ONNX's semantics, written from the ONNX
operator specification, not from logbtq's code), so that a model the trainer
exported (--export-onnx) is checked by something that is not the trainer. The
input is pixel / 255, as the trainer feeds it; an export with --normalize
carries its own normalization. Prints "accuracy A% (C of N)".
"""
import argparse
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from logbtq import datasets  # noqa: E402


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _pads2d(a):
    pads = list(a.get("pads", [0, 0, 0, 0]))
    if pads[0] != pads[2] or pads[1] != pads[3]:
        raise NotImplementedError("asymmetric pads")
    return pads[0], pads[1]


def _gemm(x, w, b=None, alpha=1.0, beta=1.0, transA=0, transB=0):
    x = x.t() if transA else x
    w = w.t() if transB else w
    y = alpha * (x @ w)
    return y if b is None else y + beta * b


def run_node(node, v):
    a = _attrs(node)
    x = [v[name] if name else None for name in node.input]
    op = node.op_type
    if op == "Gemm":
        return _gemm(*x, alpha=a.get("alpha", 1.0), beta=a.get("beta", 1.0),
                     transA=a.get("transA", 0), transB=a.get("transB", 0))
    if op == "MatMul":
        return x[0] @ x[1]
    if op == "Conv":
        return F.conv2d(x[0], x[1], x[2] if len(x) > 2 else None,
                        stride=a.get("strides", [1, 1]), padding=_pads2d(a),
                        dilation=a.get("dilations", [1, 1]), groups=a.get("group", 1))
    if op == "Relu":
        return F.relu(x[0])
    if op == "MaxPool":
        return F.max_pool2d(x[0], a["kernel_shape"], a.get("strides", a["kernel_shape"]),
                            _pads2d(a), ceil_mode=bool(a.get("ceil_mode", 0)))
    if op == "AveragePool":
        return F.avg_pool2d(x[0], a["kernel_shape"], a.get("strides", a["kernel_shape"]),
                            _pads2d(a), ceil_mode=bool(a.get("ceil_mode", 0)),
                            count_include_pad=bool(a.get("count_include_pad", 0)))
    if op == "GlobalAveragePool":
        return x[0].mean(dim=(2, 3), keepdim=True)
    if op == "Flatten":
        axis = a.get("axis", 1)
        return x[0].reshape(int(np.prod(x[0].shape[:axis])), -1)
    if op == "Reshape":
        return x[0].reshape([int(d) for d in x[1]])
    if op == "BatchNormalization":
        if a.get("training_mode", 0):
            raise NotImplementedError("a training-mode BatchNormalization")
        return F.batch_norm(x[0], x[3], x[4], x[1], x[2], training=False,
                            eps=a.get("epsilon", 1e-5))
    if op in ("Add", "Sub", "Mul", "Div"):
        return {"Add": torch.add, "Sub": torch.sub, "Mul": torch.mul,
                "Div": torch.div}[op](x[0], x[1])
    if op == "Identity":
        return x[0]
    raise NotImplementedError(op)


def logits(model, inputs):
    """The graph's single output for a float32 batch `inputs`."""
    v = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy())
         for t in model.graph.initializer}
    data = [i.name for i in model.graph.input if i.name not in v]
    if len(data) != 1:
        raise ValueError("expected one data input, got %s" % data)
    v[data[0]] = torch.from_numpy(inputs)
    for node in model.graph.node:
        out = run_node(node, v)
        v[node.output[0]] = out
    return v[model.graph.output[0].name]


def evaluate(model, images, labels, batch=500):
    shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim][1:]
    correct = 0
    with torch.no_grad():
        for start in range(0, len(labels), batch):
            x = images[start:start + batch].astype(np.float32) / np.float32(255)
            x = x.reshape([len(x)] + [d for d in shape])
            pred = logits(model, x).argmax(dim=1).numpy()
            correct += int((pred == labels[start:start + batch]).sum())
    return correct


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("--data", required=True, help="IDX or CIFAR-10 directory")
    ap.add_argument("--limit", type=int, default=0, help="first N test samples")
    args = ap.parse_args(argv)
    model = onnx.load(args.model)
    onnx.checker.check_model(model, full_check=True)
    images, labels = datasets.load_split(args.data, "test")
    if args.limit:
        images, labels = images[:args.limit], labels[:args.limit]
    correct = evaluate(model, images, labels)
    print("accuracy %.2f%% (%d of %d)" % (100.0 * correct / len(labels), correct, len(labels)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
