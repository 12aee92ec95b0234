"""Models, input files and checks for the logbtq-run tests.

    run_helper.py model NAME -o model.onnx
    run_helper.py input SHAPE SEED -o x.pb [--int64 | --uint8]
    run_helper.py ints V,V,... -o shape.pb     (a 1-D int64 tensor)
    run_helper.py check NAME model.onnx OUTDIR in0.pb [in1.pb ...]
    run_helper.py check-mu8 mlp model.onnx OUTDIR x.pb

`check` recomputes the model with numpy from the same files and prints
"match" when every output_i.pb agrees to 1e-5 (relative), else the worst
difference; FileCheck looks for the word. `check-mu8` recomputes it with
every tensor stored as MU8 (python/logbtq/mu8.py), as `--quant=mu8` runs it.
"""
import argparse
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def rand(name, shape, seed):
    return numpy_helper.from_array(
        np.random.default_rng(seed).uniform(-1, 1, shape).astype(np.float32), name)


def vi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def make(name):
    if name == "mlp":
        # x[2,6] -> Gemm(W1[5,6]^T, b1) -> Relu -> Gemm(W2[3,5]^T, b2)
        nodes = [helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], transB=1),
                 helper.make_node("Relu", ["h"], ["r"]),
                 helper.make_node("Gemm", ["r", "w2", "b2"], ["y"], transB=1)]
        g = helper.make_graph(nodes, "mlp", [vi("x", [2, 6])], [vi("y", [2, 3])],
                              [rand("w1", [5, 6], 1), rand("b1", [5], 2),
                               rand("w2", [3, 5], 3), rand("b2", [3], 4)])
    elif name == "two_in_two_out":
        # y = a - b, z = sigmoid(a): the order of inputs and outputs matters.
        nodes = [helper.make_node("Sub", ["a", "b"], ["y"]),
                 helper.make_node("Sigmoid", ["a"], ["z"])]
        g = helper.make_graph(nodes, "two", [vi("a", [3, 4]), vi("b", [3, 4])],
                              [vi("y", [3, 4]), vi("z", [3, 4])])
    elif name == "reshape_by_input":
        # y = Relu(Reshape(x[2,6], shape)): the shape is a graph input.
        nodes = [helper.make_node("Reshape", ["x", "shape"], ["r"]),
                 helper.make_node("Relu", ["r"], ["y"])]
        shape = helper.make_tensor_value_info("shape", TensorProto.INT64, [2])
        g = helper.make_graph(nodes, "reshape", [vi("x", [2, 6]), shape],
                              [vi("y", [3, 4])])
    else:
        sys.exit(f"unknown model {name}")
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 14)])
    m.ir_version = 7
    return m


def reference(name, model, inputs):
    w = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    if name == "reshape_by_input":
        x, shape = inputs
        return [np.maximum(x.reshape(shape), 0)]
    if name == "mlp":
        (x,) = inputs
        h = np.maximum(x @ w["w1"].T + w["b1"], 0)
        return [h @ w["w2"].T + w["b2"]]
    a, b = inputs
    return [a - b, 1 / (1 + np.exp(-a))]


def reference_mu8(name, model, inputs, weight_range=0, act_range=0, out_range=4):
    """The mlp with every tensor stored as MU8, as -logbtq-quantize-forward
    computes it: parameters at the smallest range >= weight_range that holds
    them, the input and h at act_range, y at out_range; each Gemm an integer
    kernel (exact sums of 13-fraction-bit grid values, scaled to f32) plus the
    decoded bias; Relu keeps the codes."""
    from logbtq import mu8
    from logbtq.mu8_store import range_exponent
    assert name == "mlp"
    w = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}

    def stored(v, e):
        codes, _, _ = mu8.encode(v, e)
        return codes

    def param(v):
        e = max(weight_range, range_exponent(v))
        return stored(v, e), e

    def gemm(xc, xe, wname, bname):
        wc, we = param(w[wname])
        bc, be = param(w[bname])
        acc = mu8.decode_fixed(xc, 13).astype(np.int64) @ mu8.decode_fixed(wc, 13).astype(np.int64).T
        acc = np.clip(acc, -2**31, 2**31 - 1)
        p = (acc.astype(np.float64) * 2.0 ** (xe + we - 26)).astype(np.float32)
        return (p + mu8.decode(bc, be)).astype(np.float32)

    (x,) = inputs
    xc = stored(x, act_range)
    hc = stored(gemm(xc, act_range, "w1", "b1"), act_range)
    rc = np.maximum(hc, 0).astype(np.int8)
    y = gemm(rc, act_range, "w2", "b2")
    return [mu8.decode(stored(y, out_range), out_range)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what")
    ap.add_argument("args", nargs="*")
    ap.add_argument("-o")
    ap.add_argument("--int64", action="store_true")
    ap.add_argument("--uint8", action="store_true")
    a = ap.parse_args()
    if a.what == "model":
        onnx.save(make(a.args[0]), a.o)
    elif a.what == "input":
        shape = [int(d) for d in a.args[0].split("x")]
        t = rand("x", shape, int(a.args[1]))
        if a.int64 or a.uint8:
            values = numpy_helper.to_array(t) * 10
            t = numpy_helper.from_array(values.astype(np.int64 if a.int64 else np.uint8), "x")
        onnx.save_tensor(t, a.o)
    elif a.what == "ints":
        values = np.array([int(v) for v in a.args[0].split(",")], dtype=np.int64)
        onnx.save_tensor(numpy_helper.from_array(values, "ints"), a.o)
    elif a.what in ("check", "check-mu8"):
        name, model_path, out_dir, *ins = a.args
        model = onnx.load(model_path)
        inputs = [numpy_helper.to_array(onnx.load_tensor(p)) for p in ins]
        compute = reference if a.what == "check" else reference_mu8
        worst = 0.0
        for i, want in enumerate(compute(name, model, inputs)):
            got_t = onnx.load_tensor(f"{out_dir}/output_{i}.pb")
            got = numpy_helper.to_array(got_t)
            assert got.shape == want.shape, (got.shape, want.shape)
            assert got_t.name == model.graph.output[i].name, got_t.name
            worst = max(worst, float(np.max(np.abs(got - want) / (np.abs(want) + 1e-6))))
        print("match" if worst < 1e-5 else f"differ: {worst}")


if __name__ == "__main__":
    main()
