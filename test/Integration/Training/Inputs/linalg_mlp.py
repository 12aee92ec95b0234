"""One MLP two ways, with the same initial weights: an ONNX model, and the
Linalg on tensors torch-mlir's linalg-on-tensors backend writes for it after
elementwise fusion (weights as constants inside @forward, the bias add and the
relu in one linalg.generic, nothing annotated).

    linalg_mlp.py -o DIR    writes DIR/mlp.onnx and DIR/mlp.mlir

The network: Flatten [B,1,28,28] -> Linear 784->128 (random bias) -> ReLU ->
Linear 128->10 whose bias is zero (a splat constant in the Linalg form).
"""
import argparse
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

BATCH = 64


def weights():
    rng = np.random.default_rng(7)
    w1 = rng.uniform(-1, 1, (128, 784)).astype(np.float32) / np.sqrt(784)
    b1 = rng.uniform(-1, 1, (128,)).astype(np.float32) / np.sqrt(784)
    w2 = rng.uniform(-1, 1, (10, 128)).astype(np.float32) / np.sqrt(128)
    b2 = np.zeros((10,), np.float32)
    return w1, b1, w2, b2


def write_onnx(path, w1, b1, w2, b2):
    nodes = [helper.make_node("Flatten", ["input"], ["flat"], name="flatten", axis=1),
             helper.make_node("Gemm", ["flat", "w1", "b1"], ["h"], name="fc1", transB=1),
             helper.make_node("Relu", ["h"], ["r"], name="relu"),
             helper.make_node("Gemm", ["r", "w2", "b2"], ["logits"], name="fc2", transB=1)]
    inits = [numpy_helper.from_array(a, n) for a, n in
             [(w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2")]]
    graph = helper.make_graph(
        nodes, "mlp", [helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                                     [BATCH, 1, 28, 28])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [BATCH, 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 7
    with open(path, "wb") as f:
        f.write(model.SerializeToString())


def blob(a):
    """A dense_resource blob: the 4-byte alignment, then the little-endian data."""
    return "0x04000000" + a.astype("<f4").tobytes().hex().upper()


def write_mlir(path, w1, b1, w2):
    text = f"""#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d1, d0)>
#map2 = affine_map<(d0, d1) -> (d1)>
module {{
  func.func @forward(%arg0: tensor<{BATCH}x1x28x28xf32>) -> tensor<{BATCH}x10xf32> {{
    %cst = arith.constant 0.000000e+00 : f32
    %w1 = arith.constant dense_resource<fc1.weight> : tensor<128x784xf32>
    %b1 = arith.constant dense_resource<fc1.bias> : tensor<128xf32>
    %w2 = arith.constant dense_resource<fc2.weight> : tensor<10x128xf32>
    %b2 = arith.constant dense<0.000000e+00> : tensor<10xf32>
    %collapsed = tensor.collapse_shape %arg0 [[0], [1, 2, 3]] : tensor<{BATCH}x1x28x28xf32> into tensor<{BATCH}x784xf32>
    %0 = tensor.empty() : tensor<784x128xf32>
    %1 = linalg.generic {{indexing_maps = [#map1, #map], iterator_types = ["parallel", "parallel"]}} ins(%w1 : tensor<128x784xf32>) outs(%0 : tensor<784x128xf32>) {{
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    }} -> tensor<784x128xf32>
    %2 = tensor.empty() : tensor<{BATCH}x128xf32>
    %3 = linalg.fill ins(%cst : f32) outs(%2 : tensor<{BATCH}x128xf32>) -> tensor<{BATCH}x128xf32>
    %4 = linalg.matmul ins(%collapsed, %1 : tensor<{BATCH}x784xf32>, tensor<784x128xf32>) outs(%3 : tensor<{BATCH}x128xf32>) -> tensor<{BATCH}x128xf32>
    %5 = linalg.generic {{indexing_maps = [#map, #map2, #map], iterator_types = ["parallel", "parallel"]}} ins(%4, %b1 : tensor<{BATCH}x128xf32>, tensor<128xf32>) outs(%2 : tensor<{BATCH}x128xf32>) {{
    ^bb0(%in: f32, %in_0: f32, %out: f32):
      %s = arith.addf %in, %in_0 : f32
      %c = arith.cmpf ugt, %s, %cst : f32
      %r = arith.select %c, %s, %cst : f32
      linalg.yield %r : f32
    }} -> tensor<{BATCH}x128xf32>
    %6 = tensor.empty() : tensor<128x10xf32>
    %7 = linalg.generic {{indexing_maps = [#map1, #map], iterator_types = ["parallel", "parallel"]}} ins(%w2 : tensor<10x128xf32>) outs(%6 : tensor<128x10xf32>) {{
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    }} -> tensor<128x10xf32>
    %8 = tensor.empty() : tensor<{BATCH}x10xf32>
    %9 = linalg.fill ins(%cst : f32) outs(%8 : tensor<{BATCH}x10xf32>) -> tensor<{BATCH}x10xf32>
    %10 = linalg.matmul ins(%5, %7 : tensor<{BATCH}x128xf32>, tensor<128x10xf32>) outs(%9 : tensor<{BATCH}x10xf32>) -> tensor<{BATCH}x10xf32>
    %11 = linalg.generic {{indexing_maps = [#map, #map2, #map], iterator_types = ["parallel", "parallel"]}} ins(%10, %b2 : tensor<{BATCH}x10xf32>, tensor<10xf32>) outs(%8 : tensor<{BATCH}x10xf32>) {{
    ^bb0(%in: f32, %in_0: f32, %out: f32):
      %s = arith.addf %in, %in_0 : f32
      linalg.yield %s : f32
    }} -> tensor<{BATCH}x10xf32>
    return %11 : tensor<{BATCH}x10xf32>
  }}
}}

{{-#
  dialect_resources: {{
    builtin: {{
      fc1.weight: "{blob(w1)}",
      fc1.bias: "{blob(b1)}",
      fc2.weight: "{blob(w2)}"
    }}
  }}
#-}}
"""
    with open(path, "w") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--out", required=True, help="output directory")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    w1, b1, w2, b2 = weights()
    write_onnx(os.path.join(args.out, "mlp.onnx"), w1, b1, w2, b2)
    write_mlir(os.path.join(args.out, "mlp.mlir"), w1, b1, w2)


if __name__ == "__main__":
    main()
