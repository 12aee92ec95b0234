// RUN: logbtq-opt %s -split-input-file -logbtq-build-training | FileCheck %s
// RUN: logbtq-opt %s -split-input-file -logbtq-build-training="freeze-batch-norm-stats=true" | FileCheck %s --check-prefix=FROZEN

// A batch norm whose scale and bias train and whose statistics are
// parameters read by nothing else trains with the batch's statistics: the
// train and grad steps normalize with logbtq.batch_norm_train and
// differentiate through them (batch_norm_grad {batch_statistics}); the train
// step returns the running statistics, moved by the op's momentum over
// count = 4 * 2 * 2 values per channel, as the new values of the (frozen)
// statistic parameters, whose optimizer state stays. The eval step keeps
// the stored form. The statistics are marked logbtq.statistic.
func.func @forward(%s: tensor<3xf32> {logbtq.param = "s"}, %b: tensor<3xf32> {logbtq.param = "b"}, %m: tensor<3xf32> {logbtq.param = "m", logbtq.frozen}, %v: tensor<3xf32> {logbtq.param = "v", logbtq.frozen}, %w: tensor<5x12xf32> {logbtq.param = "w"}, %x: tensor<4x3x2x2xf32> {logbtq.input = "x"}) -> tensor<4x5xf32> {
  %y = logbtq.batch_norm %x, %s, %b, %m, %v {momentum = 0.8 : f32} : (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<4x3x2x2xf32>
  %f = logbtq.reshape %y : tensor<4x3x2x2xf32> -> tensor<4x12xf32>
  %z = logbtq.matmul %f, %w {transpose_rhs} : tensor<4x12xf32>, tensor<5x12xf32> -> tensor<4x5xf32>
  return %z : tensor<4x5xf32>
}

// CHECK: module attributes {logbtq.training = {batch_norm_train = 1.000000e+00 : f64,
// CHECK-LABEL: func.func @forward(
// CHECK-SAME: {logbtq.frozen, logbtq.param = "m", logbtq.statistic}
// CHECK-SAME: {logbtq.frozen, logbtq.param = "v", logbtq.statistic}
// CHECK: logbtq.batch_norm %{{.+}} {momentum = 8.000000e-01 : f32}

// CHECK-LABEL: func.func @train_step(
// CHECK-SAME: %[[S:[^:]+]]: tensor<3xf32> {logbtq.param = "s"}, %[[B:[^:]+]]: tensor<3xf32> {logbtq.param = "b"},
// CHECK-SAME: %[[M:[^:]+]]: tensor<3xf32> {logbtq.frozen, logbtq.param = "m", logbtq.statistic}, %[[V:[^:]+]]: tensor<3xf32> {logbtq.frozen, logbtq.param = "v", logbtq.statistic},
// CHECK-SAME: %[[MM:[^:]+]]: tensor<3xf32> {logbtq.momentum = "m"}, %[[MV:[^:]+]]: tensor<3xf32> {logbtq.momentum = "v"},
// CHECK-SAME: %[[X:[^:]+]]: tensor<4x3x2x2xf32> {logbtq.input = "x"}
// CHECK-NEXT: %[[Y:[^,]+]], %[[BM:[^,]+]], %[[BV:[^ ]+]] = logbtq.batch_norm_train %[[X]], %[[S]], %[[B]] : (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>)
// CHECK-NEXT: %[[NM:[^,]+]], %[[NV:[^ ]+]] = logbtq.running_stats_update %[[M]], %[[V]], %[[BM]], %[[BV]] {count = 16 : i64, momentum = 8.000000e-01 : f32}
// CHECK-NEXT: logbtq.reshape %[[Y]]
// CHECK: %[[DX:[^,]+]], %[[DS:[^,]+]], %[[DB:[^ ]+]] = logbtq.batch_norm_grad %{{[^,]+}}, %[[X]], %[[S]], %[[BM]], %[[BV]] {batch_statistics, epsilon = 9.99999974E-6 : f32}
// CHECK: %[[NS:[^,]+]], %{{.+}} = logbtq.sgd_update %[[S]], %[[DS]],
// CHECK: %[[NB:[^,]+]], %{{.+}} = logbtq.sgd_update %[[B]], %[[DB]],
// CHECK-NOT: logbtq.sgd_update %[[M]]
// CHECK-NOT: logbtq.sgd_update %[[V]]
// CHECK: return %[[NS]], %[[NB]], %[[NM]], %[[NV]], %{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}}, %[[MM]], %[[MV]],

// CHECK-LABEL: func.func @grad_step(
// CHECK: logbtq.batch_norm_train
// CHECK-NOT: logbtq.running_stats_update
// CHECK: logbtq.batch_norm_grad {{.*}} {batch_statistics,

// CHECK-LABEL: func.func @eval_step(
// CHECK-NOT: logbtq.batch_norm_train
// CHECK: logbtq.batch_norm %{{.+}} {momentum = 8.000000e-01 : f32}

// With freeze-batch-norm-stats every step keeps the stored form, and nothing
// is a statistic.
// FROZEN-NOT: batch_norm_train
// FROZEN-NOT: logbtq.statistic
// FROZEN-LABEL: func.func @train_step(
// FROZEN-NOT: logbtq.batch_norm_train
// FROZEN-NOT: logbtq.running_stats_update
// FROZEN: logbtq.batch_norm %
// FROZEN: logbtq.batch_norm_grad
// FROZEN-NOT: batch_statistics
// FROZEN-SAME: {epsilon = 9.99999974E-6 : f32}

// -----

// A frozen scale keeps the batch norm in its stored form: it is a fixed
// affine map of the input, and its statistics do not move.
// CHECK-LABEL: func.func @forward(
// CHECK-NOT: logbtq.statistic
// CHECK-LABEL: func.func @train_step(
// CHECK-NOT: logbtq.batch_norm_train
// CHECK-NOT: logbtq.running_stats_update
// CHECK: logbtq.batch_norm_grad
// CHECK-NOT: batch_statistics
// CHECK-SAME: {epsilon = 9.99999974E-6 : f32}
// CHECK: return
func.func @forward(%s: tensor<3xf32> {logbtq.param = "s", logbtq.frozen}, %b: tensor<3xf32> {logbtq.param = "b"}, %m: tensor<3xf32> {logbtq.param = "m", logbtq.frozen}, %v: tensor<3xf32> {logbtq.param = "v", logbtq.frozen}, %w: tensor<5x12xf32> {logbtq.param = "w"}, %x: tensor<4x3x2x2xf32> {logbtq.input = "x"}) -> tensor<4x5xf32> {
  %y = logbtq.batch_norm %x, %s, %b, %m, %v : (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<4x3x2x2xf32>
  %f = logbtq.reshape %y : tensor<4x3x2x2xf32> -> tensor<4x12xf32>
  %z = logbtq.matmul %f, %w {transpose_rhs} : tensor<4x12xf32>, tensor<5x12xf32> -> tensor<4x5xf32>
  return %z : tensor<4x5xf32>
}

// -----

// Statistics shared by two batch norms would be updated twice: both keep the
// stored form.
// CHECK-LABEL: func.func @train_step(
// CHECK-NOT: logbtq.batch_norm_train
// CHECK: return
func.func @forward(%s: tensor<3xf32> {logbtq.param = "s"}, %b: tensor<3xf32> {logbtq.param = "b"}, %m: tensor<3xf32> {logbtq.param = "m", logbtq.frozen}, %v: tensor<3xf32> {logbtq.param = "v", logbtq.frozen}, %w: tensor<5x12xf32> {logbtq.param = "w"}, %x: tensor<4x3x2x2xf32> {logbtq.input = "x"}) -> tensor<4x5xf32> {
  %y = logbtq.batch_norm %x, %s, %b, %m, %v : (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<4x3x2x2xf32>
  %y2 = logbtq.batch_norm %y, %s, %b, %m, %v : (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<4x3x2x2xf32>
  %f = logbtq.reshape %y2 : tensor<4x3x2x2xf32> -> tensor<4x12xf32>
  %z = logbtq.matmul %f, %w {transpose_rhs} : tensor<4x12xf32>, tensor<5x12xf32> -> tensor<4x5xf32>
  return %z : tensor<4x5xf32>
}

// -----

// Statistics that are not frozen would train by gradient: the stored form.
// CHECK-LABEL: func.func @train_step(
// CHECK-NOT: logbtq.batch_norm_train
// CHECK: return
func.func @forward(%s: tensor<3xf32> {logbtq.param = "s"}, %b: tensor<3xf32> {logbtq.param = "b"}, %m: tensor<3xf32> {logbtq.param = "m"}, %v: tensor<3xf32> {logbtq.param = "v", logbtq.frozen}, %w: tensor<5x12xf32> {logbtq.param = "w"}, %x: tensor<4x3x2x2xf32> {logbtq.input = "x"}) -> tensor<4x5xf32> {
  %y = logbtq.batch_norm %x, %s, %b, %m, %v : (tensor<4x3x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<4x3x2x2xf32>
  %f = logbtq.reshape %y : tensor<4x3x2x2xf32> -> tensor<4x12xf32>
  %z = logbtq.matmul %f, %w {transpose_rhs} : tensor<4x12xf32>, tensor<5x12xf32> -> tensor<4x5xf32>
  return %z : tensor<4x5xf32>
}
