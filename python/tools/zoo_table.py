#!/usr/bin/env python3
"""The model zoo's sizes as a markdown table, computed from the models.

    /usr/bin/python3 python/tools/zoo_table.py               # print the table
    /usr/bin/python3 python/tools/zoo_table.py --check DOC   # DOC holds it?

docs/Benchmarks.md ("The models") holds this table verbatim, and
python/tests/test_zoo_table.py fails when the two differ, so a changed
model cannot leave a stale count in the docs: rerun this script and paste.

Parameters are the scalars of the initializers of python/logbtq/models.py
(every initializer of a zoo model is a parameter; docs/ONNX.md). A
checkpoint's size is the formula of docs/Runtime.md ("Checkpoints"): a
328-byte header, the parameters and the momentum (4 bytes per element in
float32, 1 in MU8), one int32 momentum range per parameter tensor and one
per batch norm running statistic, and a 4-byte CRC32.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from logbtq import models  # noqa: E402

CHECKPOINT_HEADER_BYTES = 328
CHECKPOINT_CRC_BYTES = 4
RANGE_BYTES = 4


def checkpoint_bytes(params, ranges, element_bytes):
    return (CHECKPOINT_HEADER_BYTES + 2 * element_bytes * params + RANGE_BYTES * ranges
            + CHECKPOINT_CRC_BYTES)


def statistics(model):
    """The running statistics of the zoo's batch norms (all train)."""
    return sum(len(n.input[3:5]) for n in model.graph.node
               if n.op_type == "BatchNormalization")


def layers(model):
    """'2 Conv, 2 Gemm': the layers that hold parameters, by ONNX op type."""
    counts = {}
    for node in model.graph.node:
        if node.op_type in ("Conv", "Gemm"):
            counts[node.op_type] = counts.get(node.op_type, 0) + 1
    return ", ".join(f"{n} {op}" for op, n in sorted(counts.items()))


def rows():
    for name in models.MODELS:
        m = models.build(name)
        params = models.parameter_count(m)
        tensors = len(m.graph.initializer)
        ranges = tensors + statistics(m)
        yield {
            "name": name,
            "layers": layers(m),
            "params": params,
            "tensors": tensors,
            "f32": checkpoint_bytes(params, ranges, 4),
            "mu8": checkpoint_bytes(params, ranges, 1),
        }


def table():
    lines = [
        "| model | layers with parameters | parameters | parameter tensors |"
        " checkpoint bytes, float32 | checkpoint bytes, MU8 |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows():
        lines.append(f"| {r['name']} | {r['layers']} | {r['params']:,} | {r['tensors']} |"
                     f" {r['f32']:,} ({r['f32'] / r['params']:.2f} per parameter) |"
                     f" {r['mu8']:,} ({r['mu8'] / r['params']:.2f} per parameter) |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--check", metavar="DOC",
                   help="exit with status 1 unless DOC contains the table verbatim")
    a = p.parse_args(argv)
    text = table()
    if a.check is None:
        sys.stdout.write(text)
        return 0
    with open(a.check) as f:
        if text in f.read():
            return 0
    sys.stderr.write(f"{a.check} does not hold the current zoo table; paste this in:\n{text}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
