// RUN: logbtq-opt %s -logbtq-build-training -logbtq-quantize | FileCheck %s

// A layer norm's input has no barrier term (its scale is normalized away), so
// its MU8 storage takes a range of its own each step; the normalized result
// is stored at the fixed range of its kind (here the logits'). The op's
// statistics are no tensors of the step: nothing stores them, and the
// gradient reads the stored input and computes them again.
func.func @forward(%w: tensor<4x4xf32> {logbtq.param = "w"}, %b: tensor<4xf32> {logbtq.param = "b"}, %s: tensor<4xf32> {logbtq.param = "s"}, %c: tensor<4xf32> {logbtq.param = "c"}, %x: tensor<2x4xf32> {logbtq.input = "x"}) -> tensor<2x4xf32> {
  %m = logbtq.matmul %x, %w : tensor<2x4xf32>, tensor<4x4xf32> -> tensor<2x4xf32>
  %h = logbtq.add %m, %b : tensor<2x4xf32>, tensor<4xf32> -> tensor<2x4xf32>
  %y = logbtq.layer_norm %h, %s, %c {axis = 1 : i64} : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @train_step(
// CHECK: %[[H:.+]] = logbtq.add
// CHECK-NEXT: %[[EH:.+]] = logbtq.range_exponent %[[H]] : tensor<2x4xf32>
// CHECK-NEXT: %[[QH:[^,]+]], %{{.+}} = logbtq.quantize %[[H]] exponent %[[EH]] : tensor<2x4xf32> -> tensor<2x4x!logbtq.mu8<?>>
// CHECK-NEXT: %[[DH:.+]] = logbtq.decode %[[QH]] exponent %[[EH]]
// CHECK-NEXT: %[[Y:.+]] = logbtq.layer_norm %[[DH]]
// CHECK-NEXT: logbtq.quantize %[[Y]] : tensor<2x4xf32> -> tensor<2x4x!logbtq.mu8<4>>
// CHECK: logbtq.layer_norm_grad %{{[^,]+}}, %[[DH]],
