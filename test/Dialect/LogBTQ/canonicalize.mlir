// RUN: logbtq-opt %s -canonicalize -split-input-file | FileCheck %s

// Expected values come from the numpy reference (python/logbtq/mu8.py).

// CHECK-LABEL: func.func @fold_encode
func.func @fold_encode() -> tensor<6x!logbtq.mu8> {
  // 2.0 saturates to 127; 1e-4 is past the first midpoint (8.75e-5).
  // CHECK: %[[C:.+]] = logbtq.constant dense<[0, 127, -111, 127, 1, 100]> : tensor<6xi8> -> tensor<6x!logbtq.mu8>
  // CHECK-NEXT: return %[[C]]
  %x = arith.constant dense<[0.0, 1.0, -0.5, 2.0, 1.0e-4, 0.3]> : tensor<6xf32>
  %c = logbtq.encode %x : tensor<6xf32> -> tensor<6x!logbtq.mu8>
  return %c : tensor<6x!logbtq.mu8>
}

// -----

// CHECK-LABEL: func.func @fold_encode_range_16
func.func @fold_encode_range_16() -> tensor<6x!logbtq.mu8<4>> {
  // CHECK: logbtq.constant dense<[0, 65, -50, 80, 0, 40]> : tensor<6xi8> -> tensor<6x!logbtq.mu8<4>>
  %x = arith.constant dense<[0.0, 1.0, -0.5, 2.0, 1.0e-4, 0.3]> : tensor<6xf32>
  %c = logbtq.encode %x : tensor<6xf32> -> tensor<6x!logbtq.mu8<4>>
  return %c : tensor<6x!logbtq.mu8<4>>
}

// -----

// CHECK-LABEL: func.func @fold_decode
func.func @fold_decode() -> tensor<3xf32> {
  // CHECK: %[[D:.+]] = arith.constant dense<[1.000000e+00, 0.000000e+00, -0.0602084063]> : tensor<3xf32>
  // CHECK-NEXT: return %[[D]]
  %c = logbtq.constant dense<[127, 0, -64]> : tensor<3xi8> -> tensor<3x!logbtq.mu8>
  %d = logbtq.decode %c : tensor<3x!logbtq.mu8> -> tensor<3xf32>
  return %d : tensor<3xf32>
}

// -----

// decode(encode(c)) on constants reproduces the reference levels.
// CHECK-LABEL: func.func @fold_round_trip
func.func @fold_round_trip() -> tensor<6xf32> {
  // CHECK: %[[D:.+]] = arith.constant dense<[0.000000e+00, 1.000000e+00, -0.495307058, 1.000000e+00, 1.75019843E-4, 0.304902941]> : tensor<6xf32>
  // CHECK-NEXT: return %[[D]]
  %x = arith.constant dense<[0.0, 1.0, -0.5, 2.0, 1.0e-4, 0.3]> : tensor<6xf32>
  %c = logbtq.encode %x : tensor<6xf32> -> tensor<6x!logbtq.mu8>
  %d = logbtq.decode %c : tensor<6x!logbtq.mu8> -> tensor<6xf32>
  return %d : tensor<6xf32>
}

// -----

// A dynamic range folds once its exponent is a constant.
// CHECK-LABEL: func.func @fold_dynamic_exponent
func.func @fold_dynamic_exponent() -> tensor<2xf32> {
  // CHECK: arith.constant dense<[1.600000e+01, -0.9633345]> : tensor<2xf32>
  %e = arith.constant 4 : i32
  %c = logbtq.constant dense<[127, -64]> : tensor<2xi8> -> tensor<2x!logbtq.mu8<4>>
  %x = logbtq.decode %c : tensor<2x!logbtq.mu8<4>> -> tensor<2xf32>
  %g = logbtq.encode %x exponent %e : tensor<2xf32> -> tensor<2x!logbtq.mu8<?>>
  %d = logbtq.decode %g exponent %e : tensor<2x!logbtq.mu8<?>> -> tensor<2xf32>
  return %d : tensor<2xf32>
}

// -----

// Codes survive decode + encode at the same range: no constant needed.
// CHECK-LABEL: func.func @encode_of_decode
// CHECK-SAME: (%[[C:.+]]: tensor<8x!logbtq.mu8<2>>)
// CHECK-NEXT: return %[[C]]
func.func @encode_of_decode(%c: tensor<8x!logbtq.mu8<2>>) -> tensor<8x!logbtq.mu8<2>> {
  %x = logbtq.decode %c : tensor<8x!logbtq.mu8<2>> -> tensor<8xf32>
  %e = logbtq.encode %x : tensor<8xf32> -> tensor<8x!logbtq.mu8<2>>
  return %e : tensor<8x!logbtq.mu8<2>>
}

// -----

// At another range the round trip is lossy and must stay.
// CHECK-LABEL: func.func @encode_of_decode_other_range
// CHECK: logbtq.decode
// CHECK: logbtq.encode
func.func @encode_of_decode_other_range(%c: tensor<8x!logbtq.mu8<2>>) -> tensor<8x!logbtq.mu8> {
  %x = logbtq.decode %c : tensor<8x!logbtq.mu8<2>> -> tensor<8xf32>
  %e = logbtq.encode %x : tensor<8xf32> -> tensor<8x!logbtq.mu8>
  return %e : tensor<8x!logbtq.mu8>
}

// -----

// Encode does not fold x -> codes -> x: rounding changes the values.
// CHECK-LABEL: func.func @decode_of_encode_kept
// CHECK: logbtq.encode
// CHECK: logbtq.decode
func.func @decode_of_encode_kept(%x: tensor<8xf32>) -> tensor<8xf32> {
  %c = logbtq.encode %x : tensor<8xf32> -> tensor<8x!logbtq.mu8>
  %d = logbtq.decode %c : tensor<8x!logbtq.mu8> -> tensor<8xf32>
  return %d : tensor<8xf32>
}

// -----

// CHECK-LABEL: func.func @fold_barrier
func.func @fold_barrier() -> (f32, f32) {
  // CHECK-DAG: %[[P:.+]] = arith.constant 2.01331377 : f32
  // CHECK-DAG: %[[Q:.+]] = arith.constant 0.285398185 : f32
  // CHECK: return %[[P]], %[[Q]]
  %t = arith.constant 5.0 : f32
  %x = arith.constant dense<[0.5, -0.25, 2.0]> : tensor<3xf32>
  %p = logbtq.barrier %x, %t : tensor<3xf32>
  %c = logbtq.constant dense<[127, 0, -64]> : tensor<3xi8> -> tensor<3x!logbtq.mu8>
  %q = logbtq.barrier %c, %t : tensor<3x!logbtq.mu8>
  return %p, %q : f32, f32
}

// -----

// A non-positive t has no barrier: nothing folds.
// CHECK-LABEL: func.func @barrier_bad_t_not_folded
// CHECK: logbtq.barrier
func.func @barrier_bad_t_not_folded() -> f32 {
  %t = arith.constant -1.0 : f32
  %x = arith.constant dense<[0.5]> : tensor<1xf32>
  %p = logbtq.barrier %x, %t : tensor<1xf32>
  return %p : f32
}

// -----

// Unused pure ops disappear.
// CHECK-LABEL: func.func @dead_ops
// CHECK-NOT: logbtq
func.func @dead_ops(%x: tensor<8xf32>, %t: f32) {
  %c = logbtq.encode %x : tensor<8xf32> -> tensor<8x!logbtq.mu8>
  %p = logbtq.barrier %x, %t : tensor<8xf32>
  return
}
