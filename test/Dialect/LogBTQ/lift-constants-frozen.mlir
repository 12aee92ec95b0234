// RUN: logbtq-opt %s -logbtq-lift-constants="frozen=fc.weight" | FileCheck %s

// --frozen names lifted parameters: they keep their value while training.
// CHECK-LABEL: func.func @forward(
// CHECK-SAME: tensor<3x4xf32> {logbtq.frozen, logbtq.init = dense<1.000000e+00> : tensor<3x4xf32>, logbtq.param = "fc.weight"}
// CHECK-SAME: tensor<3xf32> {logbtq.init = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>, logbtq.param = "const1"})
func.func @forward(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<1.0> : tensor<3x4xf32> loc("fc.weight")
  %b = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %m = logbtq.matmul %x, %w {transpose_rhs} : tensor<2x4xf32>, tensor<3x4xf32> -> tensor<2x3xf32>
  %y = logbtq.add %m, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
