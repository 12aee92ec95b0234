// RUN: logbtq-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{MU8 range exponent 40 is outside [-32, 32]}}
func.func @exponent_out_of_range(%c: tensor<4x!logbtq.mu8<40>>)

// -----

// expected-error @+1 {{MU8 range exponent -33 is outside [-32, 32]}}
func.func @exponent_below_range(%c: tensor<4x!logbtq.mu8<-33>>)

// -----

// expected-error @+1 {{expected integer value}}
func.func @exponent_not_integer(%c: tensor<4x!logbtq.mu8<x>>)

// -----

func.func @encode_integer_input(%x: tensor<4xi32>) {
  // expected-error @+1 {{operand #0 must be tensor of 32-bit float values}}
  %c = logbtq.encode %x : tensor<4xi32> -> tensor<4x!logbtq.mu8>
  return
}

// -----

func.func @encode_to_float(%x: tensor<4xf32>) {
  // expected-error @+1 {{result #0 must be tensor of MU8 code values}}
  %c = logbtq.encode %x : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @encode_shape_mismatch(%x: tensor<4xf32>) {
  // expected-error @+1 {{input shape of 'tensor<4xf32>' does not match result shape of 'tensor<5x!logbtq.mu8>'}}
  %c = logbtq.encode %x : tensor<4xf32> -> tensor<5x!logbtq.mu8>
  return
}

// -----

func.func @encode_rank_mismatch(%x: tensor<4xf32>) {
  // expected-error @+1 {{does not match result shape}}
  %c = logbtq.encode %x : tensor<4xf32> -> tensor<2x2x!logbtq.mu8>
  return
}

// -----

func.func @encode_dynamic_without_exponent(%x: tensor<4xf32>) {
  // expected-error @+1 {{needs an `exponent` operand for the dynamic range of '!logbtq.mu8<?>'}}
  %c = logbtq.encode %x : tensor<4xf32> -> tensor<4x!logbtq.mu8<?>>
  return
}

// -----

func.func @encode_static_with_exponent(%x: tensor<4xf32>, %e: i32) {
  // expected-error @+1 {{has an `exponent` operand, but the range of '!logbtq.mu8<2>' is static}}
  %c = logbtq.encode %x exponent %e : tensor<4xf32> -> tensor<4x!logbtq.mu8<2>>
  return
}

// -----

func.func @decode_float_input(%x: tensor<4xf32>) {
  // expected-error @+1 {{operand #0 must be tensor of MU8 code values}}
  %d = logbtq.decode %x : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @decode_shape_mismatch(%c: tensor<4x!logbtq.mu8>) {
  // expected-error @+1 {{does not match result shape of 'tensor<3xf32>'}}
  %d = logbtq.decode %c : tensor<4x!logbtq.mu8> -> tensor<3xf32>
  return
}

// -----

func.func @decode_dynamic_without_exponent(%c: tensor<4x!logbtq.mu8<?>>) {
  // expected-error @+1 {{needs an `exponent` operand}}
  %d = logbtq.decode %c : tensor<4x!logbtq.mu8<?>> -> tensor<4xf32>
  return
}

// -----

func.func @decode_exponent_not_i32(%c: tensor<4x!logbtq.mu8<?>>, %e: i64) {
  // expected-note @-1 {{prior use here}}
  // expected-error @+1 {{use of value '%e' expects different type than prior uses: 'i32' vs 'i64'}}
  %d = logbtq.decode %c exponent %e : tensor<4x!logbtq.mu8<?>> -> tensor<4xf32>
  return
}

// -----

func.func @constant_code_out_of_range() {
  // expected-error @+1 {{code -128 at element 1 is not an MU8 code (codes lie in [-127, 127])}}
  %c = logbtq.constant dense<[1, -128]> : tensor<2xi8> -> tensor<2x!logbtq.mu8>
  return
}

// -----

func.func @constant_not_codes() {
  // expected-error @+1 {{value must be a dense i8 elements attribute of MU8 codes}}
  %c = logbtq.constant dense<[1.0, 2.0]> : tensor<2xf32> -> tensor<2x!logbtq.mu8>
  return
}

// -----

func.func @constant_shape_mismatch() {
  // expected-error @+1 {{value shape 'tensor<2xi8>' does not match result type 'tensor<3x!logbtq.mu8>'}}
  %c = logbtq.constant dense<[1, 2]> : tensor<2xi8> -> tensor<3x!logbtq.mu8>
  return
}

// -----

func.func @constant_dynamic_range() {
  // expected-error @+1 {{result must have a static MU8 range}}
  %c = logbtq.constant dense<[1, 2]> : tensor<2xi8> -> tensor<2x!logbtq.mu8<?>>
  return
}

// -----

func.func @barrier_negative_bound(%x: tensor<4xf32>, %t: f32) {
  // expected-error @+1 {{bound must be a positive finite number, got -1}}
  %p = logbtq.barrier %x, %t {bound = -1.0 : f32} : tensor<4xf32>
  return
}

// -----

func.func @barrier_zero_bound(%x: tensor<4xf32>, %t: f32) {
  // expected-error @+1 {{bound must be a positive finite number, got 0}}
  %p = logbtq.barrier %x, %t {bound = 0.0 : f32} : tensor<4xf32>
  return
}

// -----

func.func @barrier_dynamic_range(%c: tensor<4x!logbtq.mu8<?>>, %t: f32) {
  // expected-error @+1 {{input must have a static MU8 range}}
  %p = logbtq.barrier %c, %t : tensor<4x!logbtq.mu8<?>>
  return
}

// -----

func.func @barrier_integer_input(%x: tensor<4xi8>, %t: f32) {
  // expected-error @+1 {{operand #0 must be tensor of 32-bit float or MU8 code values}}
  %p = logbtq.barrier %x, %t : tensor<4xi8>
  return
}

// -----

func.func @barrier_t_not_f32(%x: tensor<4xf32>, %t: f64) {
  // expected-note @-1 {{prior use here}}
  // expected-error @+1 {{use of value '%t' expects different type than prior uses: 'f32' vs 'f64'}}
  %p = logbtq.barrier %x, %t : tensor<4xf32>
  return
}

// -----

func.func @global_norm_of_nothing() -> f32 {
  // expected-error @+1 {{'logbtq.global_norm' op needs at least one tensor}}
  %n = "logbtq.global_norm"() : () -> f32
  return %n : f32
}

// -----

func.func @batch_norm_train_rank1(%x: tensor<4xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{'logbtq.batch_norm_train' op input must have a channel dimension (rank >= 2), got 'tensor<4xf32>'}}
  %y, %m, %v = logbtq.batch_norm_train %x, %s, %s : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @batch_norm_train_stat_shape(%x: tensor<2x3x4x4xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'logbtq.batch_norm_train' op per-channel values must have shape 3, got 'tensor<4xf32>'}}
  %y, %m, %v = logbtq.batch_norm_train %x, %s, %s : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4x4xf32>, tensor<4xf32>, tensor<3xf32>)
  return
}

// -----

func.func @batch_norm_train_negative_epsilon(%x: tensor<2x3x4x4xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'logbtq.batch_norm_train' op epsilon must be non-negative}}
  %y, %m, %v = logbtq.batch_norm_train %x, %s, %s {epsilon = -1.0 : f32} : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>)
  return
}

// -----

func.func @running_stats_momentum(%m: tensor<3xf32>) {
  // expected-error @+1 {{'logbtq.running_stats_update' op momentum must be in [0, 1], got 1.5}}
  %a, %b = logbtq.running_stats_update %m, %m, %m, %m {count = 8 : i64, momentum = 1.5 : f32} : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
  return
}

// -----

func.func @running_stats_count(%m: tensor<3xf32>) {
  // expected-error @+1 {{'logbtq.running_stats_update' op count must be at least 2 (the unbiased variance divides by count - 1), got 1}}
  %a, %b = logbtq.running_stats_update %m, %m, %m, %m {count = 1 : i64, momentum = 0.9 : f32} : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
  return
}

// -----

func.func @running_stats_shape(%m: tensor<3xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'logbtq.running_stats_update' op per-channel values must have shape 3, got 'tensor<4xf32>'}}
  %a, %b = logbtq.running_stats_update %m, %v, %m, %m {count = 8 : i64, momentum = 0.9 : f32} : tensor<3xf32>, tensor<4xf32>, tensor<3xf32>, tensor<3xf32>
  return
}

// -----

func.func @layer_norm_grad_shape(%dy: tensor<2x5xf32>, %x: tensor<2x5x8xf32>, %s: tensor<8xf32>) {
  // expected-error @+1 {{'logbtq.layer_norm_grad' op must have the input's shape 2x5x8, got 'tensor<2x5xf32>'}}
  %dx, %ds, %db = logbtq.layer_norm_grad %dy, %x, %s {axis = 2 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x5xf32>, tensor<2x5x8xf32>, tensor<8xf32>) -> (tensor<2x5x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return
}

// -----

func.func @layer_norm_grad_param(%dy: tensor<2x5x8xf32>, %x: tensor<2x5x8xf32>, %s: tensor<8xf32>) {
  // expected-error @+1 {{'logbtq.layer_norm_grad' op scale, bias and their gradients must have the normalized shape 8, got 'tensor<5xf32>'}}
  %dx, %ds, %db = logbtq.layer_norm_grad %dy, %x, %s {axis = 2 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<8xf32>) -> (tensor<2x5x8xf32>, tensor<8xf32>, tensor<5xf32>)
  return
}

// -----

func.func @strided_slice_grad_overrun(%dy: tensor<4x4xf32>) {
  // expected-error @+1 {{'logbtq.strided_slice_grad' op dimension 1: 4 elements from 1 by 3 do not fit in 8}}
  %dx = logbtq.strided_slice_grad %dy {offsets = array<i64: 0, 1>, strides = array<i64: 1, 3>} : tensor<4x4xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @gather_grad_shape(%dy: tensor<4x3xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{'logbtq.gather_grad' op result type 'tensor<4x3xf32>' does not match the inferred shape 4x2}}
  %dx = logbtq.gather_grad %dy, %i {axis = 1 : i64} : (tensor<4x3xf32>, tensor<2xi64>) -> tensor<4x8xf32>
  return
}
