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
