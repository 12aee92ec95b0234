// RUN: logbtq-opt %s -logbtq-build-training="ranks=2" -verify-diagnostics

// Each rank would normalize with its own share's statistics and keep
// running statistics of its own: refused, with the way out.
// expected-error @+1 {{ranks: a batch norm that trains on the batch's statistics cannot be trained data-parallel yet; freeze-batch-norm-stats keeps every batch norm in its stored form}}
func.func @forward(%s: tensor<3xf32> {logbtq.param = "s"}, %b: tensor<3xf32> {logbtq.param = "b"}, %m: tensor<3xf32> {logbtq.param = "m", logbtq.frozen}, %v: tensor<3xf32> {logbtq.param = "v", logbtq.frozen}, %w: tensor<5x12xf32> {logbtq.param = "w"}, %x: tensor<4x3x2x2xf32> {logbtq.input = "x"}) -> tensor<4x5xf32> {
  %y = logbtq.batch_norm %x, %s, %b, %m, %v {momentum = 0.8 : f32} : (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<4x3x2x2xf32>
  %f = logbtq.reshape %y : tensor<4x3x2x2xf32> -> tensor<4x12xf32>
  %z = logbtq.matmul %f, %w {transpose_rhs} : tensor<4x12xf32>, tensor<5x12xf32> -> tensor<4x5xf32>
  return %z : tensor<4x5xf32>
}
