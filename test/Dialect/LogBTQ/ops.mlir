// RUN: logbtq-opt %s | logbtq-opt | FileCheck %s
// RUN: logbtq-opt %s --mlir-print-op-generic | logbtq-opt | FileCheck %s

// CHECK-LABEL: func.func @encode_decode
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
func.func @encode_decode(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: %[[C:.+]] = logbtq.encode %[[X]] : tensor<4xf32> -> tensor<4x!logbtq.mu8>
  %c = logbtq.encode %x : tensor<4xf32> -> tensor<4x!logbtq.mu8>
  // CHECK: %[[D:.+]] = logbtq.decode %[[C]] : tensor<4x!logbtq.mu8> -> tensor<4xf32>
  %d = logbtq.decode %c : tensor<4x!logbtq.mu8> -> tensor<4xf32>
  // CHECK: return %[[D]]
  return %d : tensor<4xf32>
}

// CHECK-LABEL: func.func @ranges
func.func @ranges(%x: tensor<2x3xf32>, %e: i32) -> (tensor<2x3x!logbtq.mu8<4>>, tensor<2x3x!logbtq.mu8<-3>>, tensor<2x3xf32>) {
  // CHECK: logbtq.encode %{{.+}} : tensor<2x3xf32> -> tensor<2x3x!logbtq.mu8<4>>
  %a = logbtq.encode %x : tensor<2x3xf32> -> tensor<2x3x!logbtq.mu8<4>>
  // CHECK: logbtq.encode %{{.+}} : tensor<2x3xf32> -> tensor<2x3x!logbtq.mu8<-3>>
  %b = logbtq.encode %x : tensor<2x3xf32> -> tensor<2x3x!logbtq.mu8<-3>>
  // CHECK: %[[G:.+]] = logbtq.encode %{{.+}} exponent %[[E:.+]] : tensor<2x3xf32> -> tensor<2x3x!logbtq.mu8<?>>
  %g = logbtq.encode %x exponent %e : tensor<2x3xf32> -> tensor<2x3x!logbtq.mu8<?>>
  // CHECK: logbtq.decode %[[G]] exponent %[[E]] : tensor<2x3x!logbtq.mu8<?>> -> tensor<2x3xf32>
  %d = logbtq.decode %g exponent %e : tensor<2x3x!logbtq.mu8<?>> -> tensor<2x3xf32>
  return %a, %b, %d : tensor<2x3x!logbtq.mu8<4>>, tensor<2x3x!logbtq.mu8<-3>>, tensor<2x3xf32>
}

// A range exponent of 0 is the bare type.
// CHECK-LABEL: func.func @bare_type
// CHECK-SAME: tensor<8x!logbtq.mu8>
func.func @bare_type(%c: tensor<8x!logbtq.mu8<0>>) -> tensor<8x!logbtq.mu8<0>> {
  return %c : tensor<8x!logbtq.mu8<0>>
}

// CHECK-LABEL: func.func @dynamic_shapes
func.func @dynamic_shapes(%x: tensor<?x16xf32>) -> tensor<?x16xf32> {
  // CHECK: logbtq.encode %{{.+}} : tensor<?x16xf32> -> tensor<?x16x!logbtq.mu8>
  %c = logbtq.encode %x : tensor<?x16xf32> -> tensor<?x16x!logbtq.mu8>
  %d = logbtq.decode %c : tensor<?x16x!logbtq.mu8> -> tensor<?x16xf32>
  return %d : tensor<?x16xf32>
}

// MU8 is a valid memref element type: one byte per element in memory.
// CHECK-LABEL: func.func @memrefs
// CHECK-SAME: memref<64x128x!logbtq.mu8>, %{{.+}}: memref<?x!logbtq.mu8<?>>
func.func @memrefs(%w: memref<64x128x!logbtq.mu8>, %g: memref<?x!logbtq.mu8<?>>) {
  return
}

// CHECK-LABEL: func.func @constant
func.func @constant() -> tensor<3x!logbtq.mu8<4>> {
  // CHECK: logbtq.constant dense<[0, 127, -64]> : tensor<3xi8> -> tensor<3x!logbtq.mu8<4>>
  %c = logbtq.constant dense<[0, 127, -64]> : tensor<3xi8> -> tensor<3x!logbtq.mu8<4>>
  return %c : tensor<3x!logbtq.mu8<4>>
}

// CHECK-LABEL: func.func @barrier
func.func @barrier(%x: tensor<64x256xf32>, %c: tensor<10x!logbtq.mu8<4>>, %t: f32) -> (f32, f32, f32) {
  // CHECK: logbtq.barrier %{{.+}}, %{{.+}} : tensor<64x256xf32>
  %p = logbtq.barrier %x, %t : tensor<64x256xf32>
  // CHECK: logbtq.barrier %{{.+}}, %{{.+}} {bound = 5.000000e-01 : f32} : tensor<64x256xf32>
  %q = logbtq.barrier %x, %t {bound = 0.5 : f32} : tensor<64x256xf32>
  // CHECK: logbtq.barrier %{{.+}}, %{{.+}} : tensor<10x!logbtq.mu8<4>>
  %r = logbtq.barrier %c, %t : tensor<10x!logbtq.mu8<4>>
  return %p, %q, %r : f32, f32, f32
}

// Batch normalization in training mode: the batch's statistics, their
// gradient, the running statistics' update.
// CHECK-LABEL: func.func @batch_norm_training
func.func @batch_norm_training(%x: tensor<2x3x4x4xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) {
  // CHECK: %[[Y:[^,]+]], %[[BM:[^,]+]], %[[BV:[^ ]+]] = logbtq.batch_norm_train %{{.+}}, %{{.+}}, %{{.+}} {epsilon = 1.000000e-03 : f32} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>)
  %y, %bm, %bv = logbtq.batch_norm_train %x, %s, %b {epsilon = 1.0e-3 : f32} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>)
  // CHECK: logbtq.running_stats_update %{{.+}}, %{{.+}}, %[[BM]], %[[BV]] {count = 32 : i64, momentum = 0.899999976 : f32} : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
  %nm, %nv = logbtq.running_stats_update %m, %v, %bm, %bv {count = 32 : i64, momentum = 0.9 : f32} : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
  // CHECK: logbtq.batch_norm_grad %[[Y]], %{{.+}}, %{{.+}}, %[[BM]], %[[BV]] {batch_statistics, epsilon = 1.000000e-03 : f32}
  %dx, %ds, %db = logbtq.batch_norm_grad %y, %x, %s, %bm, %bv {epsilon = 1.0e-3 : f32, batch_statistics} : (tensor<2x3x4x4xf32>, tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>)
  return %dx, %nm, %nv : tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>
}

// Layer normalization's gradient: input, scale and bias.
// CHECK-LABEL: func.func @layer_norm_grad
func.func @layer_norm_grad(%dy: tensor<2x5x8xf32>, %x: tensor<2x5x8xf32>, %s: tensor<8xf32>) -> (tensor<2x5x8xf32>, tensor<8xf32>, tensor<8xf32>) {
  // CHECK: logbtq.layer_norm_grad %{{.+}}, %{{.+}}, %{{.+}} {axis = 2 : i64, epsilon = 9.99999974E-6 : f32} : (tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<8xf32>) -> (tensor<2x5x8xf32>, tensor<8xf32>, tensor<8xf32>)
  %dx, %ds, %db = logbtq.layer_norm_grad %dy, %x, %s {axis = 2 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<8xf32>) -> (tensor<2x5x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return %dx, %ds, %db : tensor<2x5x8xf32>, tensor<8xf32>, tensor<8xf32>
}

// The gradients of strided_slice (into zeros) and gather (scatter-add).
// CHECK-LABEL: func.func @indexing_grads
func.func @indexing_grads(%ds: tensor<4x3xf32>, %dg: tensor<4x2x5xf32>, %i: tensor<2x5xi64>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  // CHECK: logbtq.strided_slice_grad %{{.+}} {offsets = array<i64: 0, 1>, strides = array<i64: 1, 3>} : tensor<4x3xf32> -> tensor<4x8xf32>
  %a = logbtq.strided_slice_grad %ds {offsets = array<i64: 0, 1>, strides = array<i64: 1, 3>} : tensor<4x3xf32> -> tensor<4x8xf32>
  // CHECK: logbtq.gather_grad %{{.+}}, %{{.+}} {axis = 1 : i64} : (tensor<4x2x5xf32>, tensor<2x5xi64>) -> tensor<4x8xf32>
  %b = logbtq.gather_grad %dg, %i {axis = 1 : i64} : (tensor<4x2x5xf32>, tensor<2x5xi64>) -> tensor<4x8xf32>
  return %a, %b : tensor<4x8xf32>, tensor<4x8xf32>
}
