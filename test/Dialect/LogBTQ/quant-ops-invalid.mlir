// RUN: logbtq-opt %s -split-input-file -verify-diagnostics

func.func @quantize_needs_exponent(%x: tensor<4xf32>) {
  // expected-error @+1 {{needs an `exponent` operand for the dynamic range}}
  %q, %s, %z = logbtq.quantize %x : tensor<4xf32> -> tensor<4x!logbtq.mu8<?>>
  return
}

// -----

func.func @quantize_static_with_exponent(%x: tensor<4xf32>, %e: i32) {
  // expected-error @+1 {{has an `exponent` operand, but the range of}}
  %q, %s, %z = logbtq.quantize %x exponent %e : tensor<4xf32> -> tensor<4x!logbtq.mu8>
  return
}

// -----

func.func @quantize_shape(%x: tensor<4xf32>) {
  // expected-error @+1 {{input shape of 'tensor<4xf32>' does not match result shape}}
  %q, %s, %z = logbtq.quantize %x : tensor<4xf32> -> tensor<5x!logbtq.mu8>
  return
}

// -----

func.func @kernel_exponents(%a: tensor<2x3x!logbtq.mu8<?>>, %b: tensor<3x4x!logbtq.mu8>) {
  // expected-error @+1 {{has 0 exponents for 1 inputs of dynamic range}}
  %y, %o = logbtq.integer_kernel ins(%a, %b : tensor<2x3x!logbtq.mu8<?>>, tensor<3x4x!logbtq.mu8>) -> tensor<2x4xf32> {
  ^bb0(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>):
    %m = logbtq.matmul %x, %w : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
    logbtq.yield %m : tensor<2x4xf32>
  }
  return
}

// -----

func.func @kernel_kind(%a: tensor<2x3x!logbtq.mu8>) {
  // expected-error @+1 {{kernel must be a matmul, batch_matmul, conv2d, conv2d_grad_input or conv2d_grad_filter, not logbtq.relu}}
  %y, %o = logbtq.integer_kernel ins(%a : tensor<2x3x!logbtq.mu8>) -> tensor<2x3xf32> {
  ^bb0(%x: tensor<2x3xf32>):
    %m = logbtq.relu %x : tensor<2x3xf32> -> tensor<2x3xf32>
    logbtq.yield %m : tensor<2x3xf32>
  }
  return
}

// -----

func.func @kernel_argument_type(%a: tensor<2x3x!logbtq.mu8>, %b: tensor<3x4x!logbtq.mu8>) {
  // expected-error @+1 {{body argument 1 must be the f32 tensor of 'tensor<3x4x!logbtq.mu8>'}}
  %y, %o = logbtq.integer_kernel ins(%a, %b : tensor<2x3x!logbtq.mu8>, tensor<3x4x!logbtq.mu8>) -> tensor<2x4xf32> {
  ^bb0(%x: tensor<2x3xf32>, %w: tensor<4x3xf32>):
    %m = logbtq.matmul %x, %w {transpose_rhs} : tensor<2x3xf32>, tensor<4x3xf32> -> tensor<2x4xf32>
    logbtq.yield %m : tensor<2x4xf32>
  }
  return
}

// -----

func.func @kernel_operands(%a: tensor<2x3x!logbtq.mu8>, %w: tensor<3x4xf32>) {
  // expected-error @+1 {{kernel operands must be the body's arguments}}
  %y, %o = logbtq.integer_kernel ins(%a : tensor<2x3x!logbtq.mu8>) -> tensor<2x4xf32> {
  ^bb0(%x: tensor<2x3xf32>):
    %m = logbtq.matmul %x, %w : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
    logbtq.yield %m : tensor<2x4xf32>
  }
  return
}

// -----

func.func @bitcast_kinds(%a: tensor<4xi8>) {
  // expected-error @+1 {{converts between i8 codes and an MU8 tensor, not 'tensor<4xi8>' to 'tensor<4xi8>'}}
  %b = logbtq.bitcast %a : tensor<4xi8> -> tensor<4xi8>
  return
}

// -----

func.func @keep_nonzero_without_seed(%x: tensor<4xf32>, %e: i32) {
  // expected-error @+1 {{'logbtq.quantize' op keep_nonzero needs stochastic rounding (a seed)}}
  %q, %s, %z = logbtq.quantize %x exponent %e {keep_nonzero} : tensor<4xf32> -> tensor<4x!logbtq.mu8<?>>
  return
}
