// RUN: logbtq-opt %s -split-input-file -logbtq-lift-constants | FileCheck %s

// torch-mlir's form after raising: the weights are constants, the data
// argument is unmarked. A dense_resource is named by its key, a dense one by
// its position; the zero bias (a splat added to a product) is a weight too;
// the rank-0 constant and the splat that scales an activation stay.
// CHECK-LABEL: func.func @forward(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x4xf32> {logbtq.input = "input"}
// CHECK-SAME: %[[W:[^:]+]]: tensor<3x4xf32> {logbtq.init = dense_resource<fc.weight> : tensor<3x4xf32>, logbtq.param = "fc.weight"}
// CHECK-SAME: %[[B:[^:]+]]: tensor<3xf32> {logbtq.init = dense<0.000000e+00> : tensor<3xf32>, logbtq.param = "const1"}
// CHECK-SAME: %[[S:[^:]+]]: tensor<3xf32> {logbtq.init = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>, logbtq.param = "const2"}
// CHECK-NEXT: %[[HALF:.+]] = arith.constant dense<5.000000e-01> : tensor<f32>
// CHECK-NEXT: %[[TWO:.+]] = arith.constant dense<2.000000e+00> : tensor<2x3xf32>
// CHECK-NEXT: %[[M:.+]] = logbtq.matmul %[[X]], %[[W]] {transpose_rhs}
// CHECK-NEXT: %[[Y:.+]] = logbtq.add %[[M]], %[[B]]
// CHECK-NEXT: %[[Z:.+]] = logbtq.mul %[[Y]], %[[S]]
// CHECK-NEXT: %[[H:.+]] = logbtq.mul %[[Z]], %[[HALF]]
// CHECK-NEXT: logbtq.mul %[[H]], %[[TWO]]
func.func @forward(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %half = arith.constant dense<0.5> : tensor<f32>
  %two = arith.constant dense<2.0> : tensor<2x3xf32>
  %w = arith.constant dense_resource<fc.weight> : tensor<3x4xf32>
  %b = arith.constant dense<0.0> : tensor<3xf32>
  %s = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %m = logbtq.matmul %x, %w {transpose_rhs} : tensor<2x4xf32>, tensor<3x4xf32> -> tensor<2x3xf32>
  %y = logbtq.add %m, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %z = logbtq.mul %y, %s : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %h = logbtq.mul %z, %half : tensor<2x3xf32>, tensor<f32> -> tensor<2x3xf32>
  %r = logbtq.mul %h, %two : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

{-#
  dialect_resources: {
    builtin: {
      fc.weight: "0x040000000000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F"
    }
  }
#-}

// -----

// Marked arguments and named parameters are kept; a lifted constant whose
// name is taken gets a suffix.
// CHECK-LABEL: func.func @forward(
// CHECK-SAME: %{{[^:]+}}: tensor<2x3xf32> {logbtq.input = "x"}
// CHECK-SAME: %{{[^:]+}}: tensor<3xf32> {logbtq.init = dense<1.000000e+00> : tensor<3xf32>, logbtq.param = "const0"}
// CHECK-SAME: %{{[^:]+}}: tensor<3x3xf32> {logbtq.init = dense<{{.*}}> : tensor<3x3xf32>, logbtq.param = "const0_1"}
func.func @forward(%x: tensor<2x3xf32> {logbtq.input = "x"}, %p: tensor<3xf32> {logbtq.param = "const0", logbtq.init = dense<1.0> : tensor<3xf32>}) -> tensor<2x3xf32> {
  %w = arith.constant dense<[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 2.0]]> : tensor<3x3xf32>
  %m = logbtq.matmul %x, %w : tensor<2x3xf32>, tensor<3x3xf32> -> tensor<2x3xf32>
  %y = logbtq.add %m, %p : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
