"""Checks for exported ONNX models (export-onnx.test).

    onnx_export_check.py within TRAINER_OUT EVAL_OUT POINTS
        the trainer's "final: test acc A%" and eval_onnx.py's "accuracy B%"
        differ by at most POINTS; prints both and the difference
    onnx_export_check.py same A.onnx B.onnx
        the same graph and the same initializer values (in any order)
    onnx_export_check.py summary M.onnx
        producer, input, output and initializer names with their shapes
"""
import re
import sys

import onnx
from onnx import numpy_helper


def number(path, pattern):
    return float(re.search(pattern, open(path).read()).group(1))


def shape(value_info):
    return [d.dim_value or d.dim_param for d in value_info.type.tensor_type.shape.dim]


def main(argv):
    if argv[1] == "within":
        trainer = number(argv[2], r"final: test acc ([0-9.]+)%")
        outside = number(argv[3], r"accuracy ([0-9.]+)%")
        diff = abs(trainer - outside)
        print("trainer %.2f%% outside %.2f%% difference %.2f: %s"
              % (trainer, outside, diff, "ok" if diff <= float(argv[4]) else "TOO FAR"))
    elif argv[1] == "same":
        a, b = onnx.load(argv[2]), onnx.load(argv[3])
        values = [{t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
                  for m in (a, b)]
        same_values = values[0].keys() == values[1].keys() and all(
            (values[0][k] == values[1][k]).all() and values[0][k].shape == values[1][k].shape
            for k in values[0])
        for m in (a, b):
            m.graph.ClearField("initializer")
        same_graph = a.SerializeToString() == b.SerializeToString()
        print("graph %s, initializers %s" % ("same" if same_graph else "DIFFERENT",
                                             "same" if same_values else "DIFFERENT"))
    elif argv[1] == "summary":
        m = onnx.load(argv[2])
        print("producer", m.producer_name, m.producer_version)
        for i in m.graph.input:
            print("input", i.name, shape(i))
        for o in m.graph.output:
            print("output", o.name, shape(o))
        for n in m.graph.node:
            print("node", n.op_type, list(n.input), list(n.output),
                  sorted(a.name for a in n.attribute))
        for t in m.graph.initializer:
            print("initializer", t.name, list(t.dims))
    else:
        raise SystemExit("unknown command %r" % argv[1])


if __name__ == "__main__":
    main(sys.argv)
