// RUN: logbtq-opt %s -logbtq-build-training -logbtq-quantize | FileCheck %s

// Attention's products of two computed tensors are integer kernels, as a
// matmul by a weight is: the scores q k^T and, in the gradient, the products
// with the transposed operands.
func.func @forward(%w: tensor<4xf32> {logbtq.param = "w"}, %x: tensor<2x3x4xf32> {logbtq.input = "x"}) -> tensor<2x12xf32> {
  %k = logbtq.mul %x, %w : tensor<2x3x4xf32>, tensor<4xf32> -> tensor<2x3x4xf32>
  %s = logbtq.batch_matmul %x, %k {transpose_rhs} : tensor<2x3x4xf32>, tensor<2x3x4xf32> -> tensor<2x3x3xf32>
  %y = logbtq.batch_matmul %s, %x : tensor<2x3x3xf32>, tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  %z = logbtq.reshape %y : tensor<2x3x4xf32> -> tensor<2x12xf32>
  return %z : tensor<2x12xf32>
}

// CHECK-LABEL: func.func @train_step(
// CHECK: %[[K:.+]] = logbtq.mul
// CHECK: %[[QK:[^,]+]], %{{.+}} = logbtq.quantize %[[K]]
// The forward products: both operands at the activations' range.
// CHECK: logbtq.integer_kernel ins(%{{.+}}, %[[QK]] : tensor<2x3x4x!logbtq.mu8>, tensor<2x3x4x!logbtq.mu8>) -> tensor<2x3x3xf32> {
// CHECK-NEXT: ^bb0(%[[A:[^:]+]]: tensor<2x3x4xf32>, %[[B:[^:]+]]: tensor<2x3x4xf32>):
// CHECK-NEXT: logbtq.batch_matmul %[[A]], %[[B]] {transpose_rhs}
// CHECK: logbtq.integer_kernel ins({{.+}} : tensor<2x3x3x!logbtq.mu8>, tensor<2x3x4x!logbtq.mu8>) -> tensor<2x3x4xf32> {
// CHECK-NEXT: ^bb0
// CHECK-NEXT: logbtq.batch_matmul %{{.+}}, %{{.+}} : tensor<2x3x3xf32>
// The gradient's four products, each with a gradient of a range of its own.
// CHECK: logbtq.integer_kernel ins({{.+}}) exponents({{.+}}) -> tensor<2x3x3xf32> {
// CHECK-NEXT: ^bb0
// CHECK-NEXT: logbtq.batch_matmul %{{.+}}, %{{.+}} {transpose_rhs}
// CHECK: logbtq.integer_kernel ins({{.+}}) exponents({{.+}}) -> tensor<2x3x4xf32> {
// CHECK-NEXT: ^bb0
// CHECK-NEXT: logbtq.batch_matmul %{{.+}}, %{{.+}} {transpose_lhs}
// CHECK: logbtq.integer_kernel ins({{.+}}) exponents({{.+}}) -> tensor<2x3x4xf32> {
// CHECK-NEXT: ^bb0
// CHECK-NEXT: logbtq.batch_matmul %{{.+}}, %{{.+}} :
// CHECK: logbtq.integer_kernel ins({{.+}}) exponents({{.+}}) -> tensor<2x3x4xf32> {
// CHECK-NEXT: ^bb0
// CHECK-NEXT: logbtq.batch_matmul %{{.+}}, %{{.+}} {transpose_lhs}
// CHECK-NOT: logbtq.batch_matmul
// CHECK: return
