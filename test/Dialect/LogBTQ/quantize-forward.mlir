// RUN: logbtq-opt %s -logbtq-quantize-forward | FileCheck %s
// RUN: logbtq-opt %s -logbtq-quantize-forward="weight-range=3 output-range=2" | FileCheck %s --check-prefix=RANGES

// @forward keeps its f32 signature: parameters (at the range their initial
// values need, here 2 for 2.5) and every input are stored as MU8 on entry;
// the product of stored operands is an integer kernel, stored only after
// its bias; the relu keeps its input's codes; the model's other result is
// stored at the output range.
// CHECK-LABEL: func.func @forward(
// CHECK-SAME: %[[W:[a-z0-9]+]]: tensor<3x6xf32> {{{.*}}logbtq.range = 2 : i32}, %[[B:[a-z0-9]+]]: tensor<3xf32> {{{.*}}logbtq.range = 0 : i32}, %[[X:[a-z0-9]+]]: tensor<2x6xf32> {logbtq.input = "x"}, %[[Z:[a-z0-9]+]]: tensor<2x3xf32> {logbtq.input = "z"}) -> (tensor<2x3xf32>, tensor<2x3xf32>)
// CHECK: %[[QW:[^,]+]], %{{.+}} = logbtq.quantize %[[W]] : tensor<3x6xf32> -> tensor<3x6x!logbtq.mu8<2>>
// CHECK: %[[QB:[^,]+]], %{{.+}} = logbtq.quantize %[[B]] : tensor<3xf32> -> tensor<3x!logbtq.mu8>
// CHECK: %[[DB:.+]] = logbtq.decode %[[QB]]
// CHECK: %[[QX:[^,]+]], %{{.+}} = logbtq.quantize %[[X]] : tensor<2x6xf32> -> tensor<2x6x!logbtq.mu8>
// CHECK: %[[QZ:[^,]+]], %{{.+}} = logbtq.quantize %[[Z]] : tensor<2x3xf32> -> tensor<2x3x!logbtq.mu8>
// CHECK: %[[DZ:.+]] = logbtq.decode %[[QZ]]
// CHECK: %[[P:[^,]+]], %{{.+}} = logbtq.integer_kernel ins(%[[QX]], %[[QW]] : tensor<2x6x!logbtq.mu8>, tensor<3x6x!logbtq.mu8<2>>) -> tensor<2x3xf32>
// CHECK: %[[H:.+]] = logbtq.add %[[P]], %[[DB]]
// CHECK-NEXT: %[[QH:[^,]+]], %{{.+}} = logbtq.quantize %[[H]] : tensor<2x3xf32> -> tensor<2x3x!logbtq.mu8>
// CHECK-NEXT: %[[DH:.+]] = logbtq.decode %[[QH]]
// CHECK-NEXT: %[[R:.+]] = logbtq.relu %[[DH]]
// CHECK-NEXT: %[[QR:[^,]+]], %{{.+}} = logbtq.quantize %[[R]] : tensor<2x3xf32> -> tensor<2x3x!logbtq.mu8>
// CHECK-NEXT: %[[DR:.+]] = logbtq.decode %[[QR]]
// CHECK-NEXT: %[[Y:.+]] = logbtq.mul %[[DR]], %[[DZ]]
// CHECK-NEXT: %[[QY:[^,]+]], %{{.+}} = logbtq.quantize %[[Y]] : tensor<2x3xf32> -> tensor<2x3x!logbtq.mu8<4>>
// CHECK-NEXT: %[[DY:.+]] = logbtq.decode %[[QY]]
// CHECK-NEXT: return %[[DY]], %[[DR]] : tensor<2x3xf32>, tensor<2x3xf32>

// The options: a wider weight range floor, another output range.
// RANGES-LABEL: func.func @forward(
// RANGES: logbtq.quantize %{{.+}} : tensor<3x6xf32> -> tensor<3x6x!logbtq.mu8<3>>
// RANGES: logbtq.quantize %{{.+}} : tensor<3xf32> -> tensor<3x!logbtq.mu8<3>>
// RANGES: logbtq.quantize %{{.+}} : tensor<2x3xf32> -> tensor<2x3x!logbtq.mu8<2>>
func.func @forward(%w: tensor<3x6xf32> {logbtq.param = "w", logbtq.init = dense<2.5> : tensor<3x6xf32>}, %b: tensor<3xf32> {logbtq.param = "b"}, %x: tensor<2x6xf32> {logbtq.input = "x"}, %z: tensor<2x3xf32> {logbtq.input = "z"}) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %m = logbtq.matmul %x, %w {transpose_rhs} : tensor<2x6xf32>, tensor<3x6xf32> -> tensor<2x3xf32>
  %h = logbtq.add %m, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %r = logbtq.relu %h : tensor<2x3xf32> -> tensor<2x3xf32>
  %y = logbtq.mul %r, %z : tensor<2x3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  return %y, %r : tensor<2x3xf32>, tensor<2x3xf32>
}

