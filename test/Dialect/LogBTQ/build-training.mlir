// RUN: logbtq-opt %s -split-input-file -logbtq-build-training="momentum=0.5 weight-decay=0.01" | FileCheck %s

// A linear classifier with a frozen bias and barrier terms.
func.func @forward(%w: tensor<10x4xf32> {logbtq.param = "w"}, %b: tensor<10xf32> {logbtq.param = "b", logbtq.frozen}, %x: tensor<2x4xf32> {logbtq.input = "x"}, %t: f32 {logbtq.barrier_t}) -> (tensor<2x10xf32>, f32 {logbtq.barrier_penalty}) {
  %y = logbtq.matmul %x, %w {transpose_rhs} : tensor<2x4xf32>, tensor<10x4xf32> -> tensor<2x10xf32>
  %z = logbtq.add %y, %b : tensor<2x10xf32>, tensor<10xf32> -> tensor<2x10xf32>
  %p = logbtq.barrier %w, %t : tensor<10x4xf32>
  return %z, %p : tensor<2x10xf32>, f32
}

// @forward stays for inference.
// CHECK-LABEL: func.func @forward

// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%[[W:.+]]: tensor<10x4xf32> {logbtq.param = "w"}, %[[B:.+]]: tensor<10xf32> {logbtq.frozen, logbtq.param = "b"},
// CHECK-SAME: %[[MW:.+]]: tensor<10x4xf32> {logbtq.momentum = "w"}, %[[MB:.+]]: tensor<10xf32> {logbtq.momentum = "b"},
// CHECK-SAME: %[[X:.+]]: tensor<2x4xf32> {logbtq.input = "x"}, %[[Y:.+]]: tensor<2xi32> {logbtq.labels},
// CHECK-SAME: %[[LR:.+]]: f32 {logbtq.lr}, %[[T:.+]]: f32 {logbtq.barrier_t})
// CHECK-SAME: -> (tensor<10x4xf32>, tensor<10xf32>, tensor<10x4xf32>, tensor<10xf32>, tensor<4xf32> {logbtq.stats})
// The forward pass, inlined.
// CHECK: %[[MM:.+]] = logbtq.matmul %[[X]], %[[W]] {transpose_rhs}
// CHECK: %[[Z:.+]] = logbtq.add %[[MM]], %[[B]]
// CHECK: %[[P:.+]] = logbtq.barrier %[[W]], %[[T]]
// The loss: cross-entropy plus the barrier penalty.
// CHECK: %[[CE:.+]] = logbtq.softmax_cross_entropy %[[Z]], %[[Y]]
// CHECK: %[[C:.+]] = logbtq.count_correct %[[Z]], %[[Y]]
// CHECK: %[[L:.+]] = arith.addf %[[CE]], %[[P]]
// CHECK: %[[S:.+]] = tensor.from_elements %[[L]], %[[C]], %[[CE]], %[[P]] : tensor<4xf32>
// The backward pass: dL/dL = 1 flows into both loss terms. (Gradients that
// nothing needs, such as the frozen bias's, are left for DCE.)
// CHECK: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[GZ:.+]] = logbtq.softmax_cross_entropy_grad %[[Z]], %[[Y]], %[[ONE]]
// CHECK-DAG: %[[GB:.+]] = logbtq.barrier_grad %[[W]], %[[T]], %[[ONE]] : tensor<10x4xf32> -> tensor<10x4xf32>
// CHECK: %[[GW:.+]] = logbtq.matmul %[[GZ]], %[[X]] {transpose_lhs} : tensor<2x10xf32>, tensor<2x4xf32> -> tensor<10x4xf32>
// CHECK: %[[GSUM:.+]] = logbtq.add %[[GB]], %[[GW]]
// CHECK: %[[NW:.+]], %[[NM:.+]] = logbtq.sgd_update %[[W]], %[[GSUM]], %[[MW]], %[[LR]] {momentum = 5.000000e-01 : f32, weight_decay = 0.00999999977 : f32}
// CHECK: return %[[NW]], %[[B]], %[[NM]], %[[MB]], %[[S]]

// CHECK-LABEL: func.func @grad_step
// CHECK-SAME: (%{{.+}}: tensor<10x4xf32> {logbtq.param = "w"}, %{{.+}}: tensor<10xf32> {logbtq.frozen, logbtq.param = "b"}, %{{.+}}: tensor<2x4xf32> {logbtq.input = "x"}, %{{.+}}: tensor<2xi32> {logbtq.labels}, %{{.+}}: f32 {logbtq.barrier_t})
// CHECK-SAME: -> (tensor<10x4xf32>, tensor<10xf32>, tensor<4xf32> {logbtq.stats})
// CHECK: %[[ZERO:.+]] = arith.constant dense<0.000000e+00> : tensor<10xf32>
// CHECK: return %{{.+}}, %[[ZERO]], %{{.+}}

// Evaluation: the logits, and cross-entropy only, no barrier, no gradients.
// CHECK-LABEL: func.func @eval_step
// CHECK-SAME: -> (tensor<2x10xf32>, tensor<4xf32> {logbtq.stats})
// CHECK-NOT: _grad
// CHECK: %[[LOGITS:.+]] = logbtq.add
// CHECK: %[[ECE:.+]] = logbtq.softmax_cross_entropy
// CHECK: %[[EC:.+]] = logbtq.count_correct
// CHECK: %[[ESTATS:.+]] = tensor.from_elements %[[ECE]], %[[EC]], %[[ECE]], %{{.+}} : tensor<4xf32>
// CHECK: return %[[LOGITS]], %[[ESTATS]]

// -----

// Every graph op on the path has a VJP: a small CNN.
// CHECK-LABEL: func.func @train_step
// CHECK-DAG: logbtq.conv2d_grad_filter
// CHECK-DAG: logbtq.max_pool2d_grad
// CHECK-DAG: logbtq.relu_grad
// CHECK-DAG: logbtq.reduce_sum %{{.+}} {axes = array<i64: 0, 2, 3>}
// CHECK-DAG: logbtq.reduce_sum %{{.+}} {axes = array<i64: 0>}
// CHECK: logbtq.sgd_update
func.func @forward(%cw: tensor<4x1x3x3xf32> {logbtq.param = "conv.weight"}, %cb: tensor<4xf32> {logbtq.param = "conv.bias"},
                   %fw: tensor<10x64xf32> {logbtq.param = "fc.weight"}, %fb: tensor<10xf32> {logbtq.param = "fc.bias"},
                   %x: tensor<2x1x8x8xf32> {logbtq.input = "input"}) -> tensor<2x10xf32> {
  %c = logbtq.conv2d %x, %cw, %cb {pads = array<i64: 1, 1, 1, 1>} : (tensor<2x1x8x8xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<2x4x8x8xf32>
  %r = logbtq.relu %c : tensor<2x4x8x8xf32> -> tensor<2x4x8x8xf32>
  %p = logbtq.max_pool2d %r {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<2x4x8x8xf32> -> tensor<2x4x4x4xf32>
  %f = logbtq.reshape %p : tensor<2x4x4x4xf32> -> tensor<2x64xf32>
  %y = logbtq.matmul %f, %fw {transpose_rhs} : tensor<2x64xf32>, tensor<10x64xf32> -> tensor<2x10xf32>
  %z = logbtq.add %y, %fb : tensor<2x10xf32>, tensor<10xf32> -> tensor<2x10xf32>
  return %z : tensor<2x10xf32>
}
