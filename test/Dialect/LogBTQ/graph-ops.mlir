// RUN: logbtq-opt %s | logbtq-opt | FileCheck %s
// RUN: logbtq-opt %s --mlir-print-op-generic | logbtq-opt | FileCheck %s

// CHECK-LABEL: func.func @mlp_layer
// CHECK-SAME: (%[[X:.+]]: tensor<64x784xf32>, %[[W:.+]]: tensor<256x784xf32>, %[[B:.+]]: tensor<256xf32>)
func.func @mlp_layer(%x: tensor<64x784xf32>, %w: tensor<256x784xf32>, %b: tensor<256xf32>) -> tensor<64x256xf32> {
  // CHECK: %[[Y:.+]] = logbtq.matmul %[[X]], %[[W]] {transpose_rhs} : tensor<64x784xf32>, tensor<256x784xf32> -> tensor<64x256xf32>
  %y = logbtq.matmul %x, %w {transpose_rhs} : tensor<64x784xf32>, tensor<256x784xf32> -> tensor<64x256xf32>
  // CHECK-NEXT: %[[Z:.+]] = logbtq.add %[[Y]], %[[B]] : tensor<64x256xf32>, tensor<256xf32> -> tensor<64x256xf32>
  %z = logbtq.add %y, %b : tensor<64x256xf32>, tensor<256xf32> -> tensor<64x256xf32>
  // CHECK-NEXT: logbtq.relu %[[Z]] : tensor<64x256xf32> -> tensor<64x256xf32>
  %r = logbtq.relu %z : tensor<64x256xf32> -> tensor<64x256xf32>
  return %r : tensor<64x256xf32>
}

// CHECK-LABEL: func.func @matmul_transposes
func.func @matmul_transposes(%a: tensor<3x2xf32>, %b: tensor<4x3xf32>) -> tensor<2x4xf32> {
  // CHECK: logbtq.matmul %{{.+}}, %{{.+}} {transpose_lhs, transpose_rhs} : tensor<3x2xf32>, tensor<4x3xf32> -> tensor<2x4xf32>
  %y = logbtq.matmul %a, %b {transpose_lhs, transpose_rhs} : tensor<3x2xf32>, tensor<4x3xf32> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @conv_pool
func.func @conv_pool(%x: tensor<8x1x28x28xf32>, %w: tensor<16x1x5x5xf32>, %b: tensor<16xf32>) -> (tensor<8x16x14x14xf32>, tensor<8x16x14x14xf32>, tensor<8x16x12x12xf32>) {
  // CHECK: %[[C:.+]] = logbtq.conv2d %{{.+}}, %{{.+}}, %{{.+}} {pads = array<i64: 2, 2, 2, 2>} : (tensor<8x1x28x28xf32>, tensor<16x1x5x5xf32>, tensor<16xf32>) -> tensor<8x16x28x28xf32>
  %c = logbtq.conv2d %x, %w, %b {pads = array<i64: 2, 2, 2, 2>} : (tensor<8x1x28x28xf32>, tensor<16x1x5x5xf32>, tensor<16xf32>) -> tensor<8x16x28x28xf32>
  // CHECK: logbtq.max_pool2d %[[C]] {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<8x16x28x28xf32> -> tensor<8x16x14x14xf32>
  %m = logbtq.max_pool2d %c {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<8x16x28x28xf32> -> tensor<8x16x14x14xf32>
  // CHECK: logbtq.avg_pool2d %[[C]] {count_include_pad, kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : tensor<8x16x28x28xf32> -> tensor<8x16x14x14xf32>
  %a = logbtq.avg_pool2d %c {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, count_include_pad} : tensor<8x16x28x28xf32> -> tensor<8x16x14x14xf32>
  // A conv without bias, with strides and dilations.
  // CHECK: logbtq.conv2d %{{.+}}, %{{.+}} {dilations = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<8x1x28x28xf32>, tensor<16x1x5x5xf32>) -> tensor<8x16x10x10xf32>
  %d = logbtq.conv2d %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 2, 2>} : (tensor<8x1x28x28xf32>, tensor<16x1x5x5xf32>) -> tensor<8x16x10x10xf32>
  // ceil_mode keeps the partial last window.
  // CHECK: logbtq.max_pool2d %{{.+}} {ceil_mode, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<8x16x23x23xf32> -> tensor<8x16x12x12xf32>
  %e = tensor.empty() : tensor<8x16x23x23xf32>
  %p = logbtq.max_pool2d %e {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, ceil_mode} : tensor<8x16x23x23xf32> -> tensor<8x16x12x12xf32>
  return %m, %a, %p : tensor<8x16x14x14xf32>, tensor<8x16x14x14xf32>, tensor<8x16x12x12xf32>
}

// CHECK-LABEL: func.func @elementwise
func.func @elementwise(%x: tensor<2x3xf32>, %s: tensor<f32>, %r: tensor<3xf32>) -> tensor<2x3xf32> {
  // CHECK: logbtq.sigmoid
  %a = logbtq.sigmoid %x : tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK: logbtq.tanh
  %b = logbtq.tanh %a : tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK: logbtq.clip %{{.+}} {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32}
  %c = logbtq.clip %b {min = 0.0 : f32, max = 6.0 : f32} : tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK: logbtq.dropout %{{.+}} {ratio = 3.000000e-01 : f32}
  %d = logbtq.dropout %c {ratio = 0.3 : f32} : tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK: logbtq.mul %{{.+}}, %{{.+}} : tensor<2x3xf32>, tensor<f32> -> tensor<2x3xf32>
  %e = logbtq.mul %d, %s : tensor<2x3xf32>, tensor<f32> -> tensor<2x3xf32>
  // CHECK: logbtq.sub %{{.+}}, %{{.+}} : tensor<3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  %f = logbtq.sub %r, %e : tensor<3xf32>, tensor<2x3xf32> -> tensor<2x3xf32>
  return %f : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @data_movement
func.func @data_movement(%x: tensor<2x3x4xf32>, %y: tensor<2x5x4xf32>) -> (tensor<4x2x3xf32>, tensor<2x8x4xf32>, tensor<6x4xf32>) {
  // CHECK: logbtq.transpose %{{.+}} {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %t = logbtq.transpose %x {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  // CHECK: logbtq.concat %{{.+}}, %{{.+}} {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x5x4xf32>) -> tensor<2x8x4xf32>
  %c = logbtq.concat %x, %y {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x5x4xf32>) -> tensor<2x8x4xf32>
  // CHECK: logbtq.reshape %{{.+}} : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %r = logbtq.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  return %t, %c, %r : tensor<4x2x3xf32>, tensor<2x8x4xf32>, tensor<6x4xf32>
}

// CHECK-LABEL: func.func @normalization
func.func @normalization(%x: tensor<4x10xf32>, %i: tensor<4x3x5x5xf32>, %p: tensor<3xf32>) -> (tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x3x5x5xf32>) {
  // CHECK: logbtq.softmax %{{.+}} {axis = 1 : i64}
  %s = logbtq.softmax %x {axis = 1 : i64} : tensor<4x10xf32> -> tensor<4x10xf32>
  // CHECK: logbtq.log_softmax %{{.+}} {axis = 1 : i64}
  %l = logbtq.log_softmax %x {axis = 1 : i64} : tensor<4x10xf32> -> tensor<4x10xf32>
  // CHECK: logbtq.batch_norm %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} {epsilon = 1.000000e-03 : f32}
  %b = logbtq.batch_norm %i, %p, %p, %p, %p {epsilon = 1.0e-3 : f32} : (tensor<4x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<4x3x5x5xf32>
  return %s, %l, %b : tensor<4x10xf32>, tensor<4x10xf32>, tensor<4x3x5x5xf32>
}

// CHECK-LABEL: func.func @conv_transpose
func.func @conv_transpose(%x: tensor<8x16x7x7xf32>, %w: tensor<16x8x3x3xf32>, %b: tensor<8xf32>) -> (tensor<8x8x13x13xf32>, tensor<8x8x14x14xf32>) {
  // CHECK: logbtq.conv_transpose2d %{{.+}}, %{{.+}}, %{{.+}} {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<8x16x7x7xf32>, tensor<16x8x3x3xf32>, tensor<8xf32>) -> tensor<8x8x13x13xf32>
  %y = logbtq.conv_transpose2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<8x16x7x7xf32>, tensor<16x8x3x3xf32>, tensor<8xf32>) -> tensor<8x8x13x13xf32>
  // An output padding of 1 (below the stride) shows in the result type.
  // CHECK: logbtq.conv_transpose2d %{{.+}}, %{{.+}} {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<8x16x7x7xf32>, tensor<16x8x3x3xf32>) -> tensor<8x8x14x14xf32>
  %z = logbtq.conv_transpose2d %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<8x16x7x7xf32>, tensor<16x8x3x3xf32>) -> tensor<8x8x14x14xf32>
  return %y, %z : tensor<8x8x13x13xf32>, tensor<8x8x14x14xf32>
}

// CHECK-LABEL: func.func @indexing
// CHECK-SAME: (%[[X:.+]]: tensor<3x8x4xf32>, %[[I:.+]]: tensor<2x5xi64>)
func.func @indexing(%x: tensor<3x8x4xf32>, %i: tensor<2x5xi64>) -> (tensor<3x3x4xf32>, tensor<3x2x5x4xf32>, tensor<2x3x8x4xf32>) {
  // CHECK: logbtq.strided_slice %[[X]] {offsets = array<i64: 0, 1, 0>, strides = array<i64: 1, 3, 1>} : tensor<3x8x4xf32> -> tensor<3x3x4xf32>
  %s = logbtq.strided_slice %x {offsets = array<i64: 0, 1, 0>, strides = array<i64: 1, 3, 1>} : tensor<3x8x4xf32> -> tensor<3x3x4xf32>
  // CHECK: logbtq.gather %[[X]], %[[I]] {axis = 1 : i64} : (tensor<3x8x4xf32>, tensor<2x5xi64>) -> tensor<3x2x5x4xf32>
  %g = logbtq.gather %x, %i {axis = 1 : i64} : (tensor<3x8x4xf32>, tensor<2x5xi64>) -> tensor<3x2x5x4xf32>
  // CHECK: logbtq.broadcast %[[X]] : tensor<3x8x4xf32> -> tensor<2x3x8x4xf32>
  %b = logbtq.broadcast %x : tensor<3x8x4xf32> -> tensor<2x3x8x4xf32>
  return %s, %g, %b : tensor<3x3x4xf32>, tensor<3x2x5x4xf32>, tensor<2x3x8x4xf32>
}

// CHECK-LABEL: func.func @select
// CHECK-SAME: (%[[C:.+]]: tensor<3x3xi1>, %[[S:.+]]: tensor<2x3x3xf32>, %[[F:.+]]: tensor<f32>)
func.func @select(%c: tensor<3x3xi1>, %s: tensor<2x3x3xf32>, %f: tensor<f32>) -> tensor<2x3x3xf32> {
  // CHECK: logbtq.select %[[C]], %[[S]], %[[F]] : (tensor<3x3xi1>, tensor<2x3x3xf32>, tensor<f32>) -> tensor<2x3x3xf32>
  %y = logbtq.select %c, %s, %f : (tensor<3x3xi1>, tensor<2x3x3xf32>, tensor<f32>) -> tensor<2x3x3xf32>
  return %y : tensor<2x3x3xf32>
}

// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: (%[[X:.+]]: tensor<2x7x16xf32>, %[[S:.+]]: tensor<7x16xf32>, %[[B:.+]]: tensor<7x16xf32>)
func.func @layer_norm(%x: tensor<2x7x16xf32>, %s: tensor<7x16xf32>, %b: tensor<7x16xf32>) -> (tensor<2x7x16xf32>, tensor<2x7x16xf32>) {
  // CHECK: logbtq.layer_norm %[[X]], %[[S]], %[[B]] {axis = 1 : i64, epsilon = 1.000000e-03 : f32} : (tensor<2x7x16xf32>, tensor<7x16xf32>, tensor<7x16xf32>) -> tensor<2x7x16xf32>
  %y = logbtq.layer_norm %x, %s, %b {axis = 1 : i64, epsilon = 1.0e-3 : f32} : (tensor<2x7x16xf32>, tensor<7x16xf32>, tensor<7x16xf32>) -> tensor<2x7x16xf32>
  // The default epsilon is 1e-5 and not printed.
  // CHECK: logbtq.layer_norm %[[X]], %[[S]], %[[B]] {axis = 1 : i64} :
  %z = logbtq.layer_norm %x, %s, %b {axis = 1 : i64} : (tensor<2x7x16xf32>, tensor<7x16xf32>, tensor<7x16xf32>) -> tensor<2x7x16xf32>
  return %y, %z : tensor<2x7x16xf32>, tensor<2x7x16xf32>
}

// Graph ops take MU8 tensors too; an MU8 result picks its own range.
// CHECK-LABEL: func.func @mu8_graph
func.func @mu8_graph(%x: tensor<64x784x!logbtq.mu8>, %w: tensor<10x784x!logbtq.mu8>) -> tensor<64x10x!logbtq.mu8<4>> {
  // CHECK: logbtq.matmul %{{.+}}, %{{.+}} {transpose_rhs} : tensor<64x784x!logbtq.mu8>, tensor<10x784x!logbtq.mu8> -> tensor<64x10x!logbtq.mu8<4>>
  %y = logbtq.matmul %x, %w {transpose_rhs} : tensor<64x784x!logbtq.mu8>, tensor<10x784x!logbtq.mu8> -> tensor<64x10x!logbtq.mu8<4>>
  // CHECK: logbtq.relu %{{.+}} : tensor<64x10x!logbtq.mu8<4>> -> tensor<64x10x!logbtq.mu8<4>>
  %r = logbtq.relu %y : tensor<64x10x!logbtq.mu8<4>> -> tensor<64x10x!logbtq.mu8<4>>
  return %r : tensor<64x10x!logbtq.mu8<4>>
}

// Dynamic dimensions propagate through the shape rules.
// CHECK-LABEL: func.func @dynamic_batch
func.func @dynamic_batch(%x: tensor<?x784xf32>, %w: tensor<256x784xf32>) -> tensor<?x256xf32> {
  // CHECK: logbtq.matmul %{{.+}}, %{{.+}} {transpose_rhs} : tensor<?x784xf32>, tensor<256x784xf32> -> tensor<?x256xf32>
  %y = logbtq.matmul %x, %w {transpose_rhs} : tensor<?x784xf32>, tensor<256x784xf32> -> tensor<?x256xf32>
  return %y : tensor<?x256xf32>
}

// CHECK-LABEL: func.func @attention_scores
func.func @attention_scores(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>) -> tensor<2x4x9x9xf32> {
  // CHECK: logbtq.batch_matmul %{{.+}}, %{{.+}} {transpose_rhs} : tensor<2x4x9x8xf32>, tensor<2x4x9x8xf32> -> tensor<2x4x9x9xf32>
  %s = logbtq.batch_matmul %q, %k {transpose_rhs} : tensor<2x4x9x8xf32>, tensor<2x4x9x8xf32> -> tensor<2x4x9x9xf32>
  return %s : tensor<2x4x9x9xf32>
}

// CHECK-LABEL: func.func @math
func.func @math(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2xf32>) {
  // CHECK: %[[E:.+]] = logbtq.exp %{{.+}} : tensor<2x3xf32> -> tensor<2x3xf32>
  %e = logbtq.exp %x : tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK-NEXT: %[[L:.+]] = logbtq.leaky_relu %[[E]] {alpha = 2.500000e-01 : f32} : tensor<2x3xf32> -> tensor<2x3xf32>
  %l = logbtq.leaky_relu %e {alpha = 0.25 : f32} : tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK-NEXT: %[[D:.+]] = logbtq.div %[[L]], %{{.+}} : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %d = logbtq.div %l, %y : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // CHECK-NEXT: %[[M:.+]] = logbtq.max %[[D]], %{{.+}} : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  %m = logbtq.max %d, %y : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  // CHECK-NEXT: logbtq.reduce %[[M]] {axes = array<i64: 1>, kind = "mean"} : tensor<2x3xf32> -> tensor<2xf32>
  %r = logbtq.reduce %m {axes = array<i64: 1>, kind = "mean"} : tensor<2x3xf32> -> tensor<2xf32>
  return %m, %r : tensor<2x3xf32>, tensor<2xf32>
}
