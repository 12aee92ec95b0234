// RUN: logbtq-opt %s -split-input-file -logbtq-build-training="clip-grad-norm=2.5" | FileCheck %s
// RUN: logbtq-opt %s -split-input-file -logbtq-build-training | FileCheck %s --check-prefix=NOCLIP
// RUN: logbtq-opt %s -split-input-file -logbtq-build-training="weight-decay=0.1" | FileCheck %s --check-prefix=DECAY
// RUN: logbtq-opt %s -split-input-file -logbtq-build-training="loss=bce-with-logits" | FileCheck %s --check-prefix=LOSS
// RUN: logbtq-opt %s -split-input-file -logbtq-build-training="weight-decay=0.1 weight-decay-all=true" | FileCheck %s --check-prefix=DECAYALL

// Gradient clipping by global norm: one logbtq.global_norm over the
// gradients of the trainable parameters (the frozen bias's is not one of
// them), the coefficient min(C / (norm + 1e-6), 1), and every update scales
// its gradient by it. The clipping limit is recorded for the model
// description.
func.func @forward(%w: tensor<10x4xf32> {logbtq.param = "w"}, %v: tensor<10xf32> {logbtq.param = "v"}, %b: tensor<10xf32> {logbtq.param = "b", logbtq.frozen}, %x: tensor<2x4xf32> {logbtq.input = "x"}) -> tensor<2x10xf32> {
  %y = logbtq.matmul %x, %w {transpose_rhs} : tensor<2x4xf32>, tensor<10x4xf32> -> tensor<2x10xf32>
  %z = logbtq.add %y, %v : tensor<2x10xf32>, tensor<10xf32> -> tensor<2x10xf32>
  %u = logbtq.add %z, %b : tensor<2x10xf32>, tensor<10xf32> -> tensor<2x10xf32>
  return %u : tensor<2x10xf32>
}

// CHECK: module attributes {logbtq.training = {clip_grad_norm = 2.500000e+00 : f64,
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W:.+]]: tensor<10x4xf32> {logbtq.param = "w"}, %[[V:.+]]: tensor<10xf32> {logbtq.param = "v"}, %[[B:.+]]: tensor<10xf32> {logbtq.frozen, logbtq.param = "b"},
// CHECK-SAME: %[[MW:.+]]: tensor<10x4xf32> {logbtq.momentum = "w"}, %[[MV:.+]]: tensor<10xf32> {logbtq.momentum = "v"}, %[[MB:.+]]: tensor<10xf32> {logbtq.momentum = "b"},
// CHECK-SAME: %[[LR:[^:]+]]: f32 {logbtq.lr}
// CHECK: %[[GW:.+]] = logbtq.matmul %{{.+}}, %{{.+}} {transpose_lhs}
// CHECK: %[[NORM:.+]] = logbtq.global_norm %[[GW]], %[[GV:[0-9a-z_]+]] : tensor<10x4xf32>, tensor<10xf32>
// CHECK: %[[EPS:.+]] = arith.constant 9.99999997E-7 : f32
// CHECK: %[[DEN:.+]] = arith.addf %[[NORM]], %[[EPS]] : f32
// CHECK: %[[C:.+]] = arith.constant 2.500000e+00 : f32
// CHECK: %[[COEF:.+]] = arith.divf %[[C]], %[[DEN]] : f32
// CHECK: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[SCALE:.+]] = arith.minimumf %[[COEF]], %[[ONE]] : f32
// CHECK: logbtq.sgd_update %[[W]], %[[GW]], %[[MW]], %[[LR]] grad_scale %[[SCALE]]
// CHECK: logbtq.sgd_update %[[V]], %[[GV]], %[[MV]], %[[LR]] grad_scale %[[SCALE]]
// CHECK-NOT: logbtq.sgd_update
// CHECK: return

// CHECK-LABEL: func.func @grad_step
// CHECK-NOT: global_norm
// CHECK-LABEL: func.func @eval_step

// Weight decay applies to the weight (rank 2), not to the bias (rank 1),
// unless weight-decay-all.
// DECAY-LABEL: func.func @train_step
// DECAY: logbtq.sgd_update %arg0, {{.+}} {momentum = 0.899999976 : f32, weight_decay = 1.000000e-01 : f32} : tensor<10x4xf32>
// DECAY: logbtq.sgd_update %arg1, {{.+}} {momentum = 0.899999976 : f32} : tensor<10xf32>
// DECAYALL: module attributes {logbtq.training = {momentum = {{.+}}, weight_decay = 1.000000e-01 : f64, weight_decay_all = 1.000000e+00 : f64}}
// DECAYALL-LABEL: func.func @train_step
// DECAYALL: logbtq.sgd_update %arg0, {{.+}} weight_decay = 1.000000e-01 : f32} : tensor<10x4xf32>
// DECAYALL: logbtq.sgd_update %arg1, {{.+}} weight_decay = 1.000000e-01 : f32} : tensor<10xf32>

// --loss: the data loss is a target_loss of that kind in the train and
// eval steps, differentiated by its own gradient op; its kind is recorded.
// LOSS: module attributes {logbtq.training = {loss = 3.000000e+00 : f64,
// LOSS-LABEL: func.func @train_step
// LOSS-NOT: softmax_cross_entropy
// LOSS: %[[L:.+]] = logbtq.target_loss %[[Z:.+]], %[[Y:.+]] {kind = "bce_with_logits"} : tensor<2x10xf32>, tensor<2xi32>
// LOSS: logbtq.target_loss_grad %[[Z]], %[[Y]], %{{.+}} {kind = "bce_with_logits"}
// LOSS-LABEL: func.func @eval_step
// LOSS: logbtq.target_loss {{.+}} {kind = "bce_with_logits"}

// NOCLIP-NOT: clip_grad_norm
// NOCLIP-LABEL: func.func @train_step
// NOCLIP-NOT: global_norm
// NOCLIP-NOT: grad_scale
// NOCLIP: return

// -----

// Every parameter frozen: nothing to clip, nothing to update.
// CHECK-LABEL: func.func @train_step
// CHECK-NOT: global_norm
// CHECK-NOT: sgd_update
// CHECK: return
func.func @forward(%w: tensor<10x4xf32> {logbtq.param = "w", logbtq.frozen}, %x: tensor<2x4xf32> {logbtq.input = "x"}) -> tensor<2x10xf32> {
  %y = logbtq.matmul %x, %w {transpose_rhs} : tensor<2x4xf32>, tensor<10x4xf32> -> tensor<2x10xf32>
  return %y : tensor<2x10xf32>
}
