// RUN: logbtq-opt %s -split-input-file -verify-diagnostics

func.func @matmul_contraction(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{matmul contraction sizes differ: lhs 2x3 and rhs 4x5}}
  %y = logbtq.matmul %a, %b : tensor<2x3xf32>, tensor<4x5xf32> -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_rank(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{matmul lhs must have rank 2, got shape 2x3x4}}
  %y = logbtq.matmul %a, %b : tensor<2x3x4xf32>, tensor<4x5xf32> -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_result(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>) {
  // expected-error @+1 {{result type 'tensor<2x4xf32>' does not match the inferred shape 2x5}}
  %y = logbtq.matmul %a, %b : tensor<2x3xf32>, tensor<3x5xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @matmul_mixed_kinds(%a: tensor<2x3xf32>, %b: tensor<3x5x!logbtq.mu8>) {
  // expected-error @+1 {{mixes f32 and MU8 tensors}}
  %y = logbtq.matmul %a, %b : tensor<2x3xf32>, tensor<3x5x!logbtq.mu8> -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_integer(%a: tensor<2x3xi8>, %b: tensor<3x5xi8>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float or MU8 code values}}
  %y = logbtq.matmul %a, %b : tensor<2x3xi8>, tensor<3x5xi8> -> tensor<2x5xi8>
  return
}

// -----

func.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{conv2d input has 3 channels but the filter expects 2 (only group = 1 is supported)}}
  %y = logbtq.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<5xf32>) {
  // expected-error @+1 {{conv2d bias must have shape 4, got 5}}
  %y = logbtq.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<5xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_pads_count(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{conv2d pads must have 4 entries, got 2}}
  %y = logbtq.conv2d %x, %w {pads = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @conv_zero_stride(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{conv2d strides entries must be >= 1, got 0}}
  %y = logbtq.conv2d %x, %w {strides = array<i64: 0, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_window_too_big(%x: tensor<1x3x2x2xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{conv2d window of 3 does not fit input size 2 with its padding}}
  %y = logbtq.conv2d %x, %w : (tensor<1x3x2x2xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32>
  return
}

// -----

func.func @conv_result(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{does not match the inferred shape 1x4x6x6}}
  %y = logbtq.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @pool_pads(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+1 {{pooling pads must be smaller than the kernel}}
  %y = logbtq.max_pool2d %x {kernel = array<i64: 2, 2>, pads = array<i64: 2, 0, 0, 0>} : tensor<1x3x8x8xf32> -> tensor<1x3x8x7xf32>
  return
}

// -----

func.func @pool_rank(%x: tensor<3x8x8xf32>) {
  // expected-error @+1 {{pooling input (NCHW) must have rank 4, got shape 3x8x8}}
  %y = logbtq.avg_pool2d %x {kernel = array<i64: 2, 2>} : tensor<3x8x8xf32> -> tensor<3x7x7xf32>
  return
}

// -----

func.func @broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{shapes 2x3 and 4 do not broadcast}}
  %y = logbtq.add %a, %b : tensor<2x3xf32>, tensor<4xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @broadcast_result(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{result type 'tensor<3xf32>' does not match the inferred shape 2x3}}
  %y = logbtq.mul %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @unary_shape(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %y = logbtq.relu %a : tensor<2x3xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @unary_kinds(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{mixes f32 and MU8 tensors}}
  %y = logbtq.tanh %a : tensor<2x3xf32> -> tensor<2x3x!logbtq.mu8>
  return
}

// -----

func.func @clip_bounds(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{min 6.000000e+00 is greater than max 0.000000e+00}}
  %y = logbtq.clip %a {min = 6.0 : f32, max = 0.0 : f32} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @dropout_ratio(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{ratio must be in [0, 1), got 1}}
  %y = logbtq.dropout %a {ratio = 1.0 : f32} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @reshape_count(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{cannot reshape 6 elements ('tensor<2x3xf32>') into 8 ('tensor<2x4xf32>')}}
  %y = logbtq.reshape %a : tensor<2x3xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @transpose_perm(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{transpose perm is not a permutation of 0..1}}
  %y = logbtq.transpose %a {perm = array<i64: 0, 0>} : tensor<2x3xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @transpose_rank(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{transpose permutation has 3 entries for rank 2}}
  %y = logbtq.transpose %a {perm = array<i64: 0, 1, 2>} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @concat_off_axis(%a: tensor<2x3xf32>, %b: tensor<3x3xf32>) {
  // expected-error @+1 {{concat inputs differ off the axis: 2x3 and 3x3}}
  %y = logbtq.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{concat axis 2 is out of range for rank 2}}
  %y = logbtq.concat %a {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @softmax_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %y = logbtq.softmax %a {axis = 2 : i64} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @batch_norm_params(%x: tensor<4x3x5x5xf32>, %p: tensor<3xf32>, %q: tensor<4xf32>) {
  // expected-error @+1 {{per-channel parameters must have shape 3, got 'tensor<4xf32>'}}
  %y = logbtq.batch_norm %x, %p, %q, %p, %p : (tensor<4x3x5x5xf32>, tensor<3xf32>, tensor<4xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<4x3x5x5xf32>
  return
}

// -----

func.func @batch_matmul_batch(%a: tensor<2x3x4xf32>, %b: tensor<3x4x5xf32>) {
  // expected-error @+1 {{batch_matmul batch dimensions differ: 2x3x4 and 3x4x5}}
  %y = logbtq.batch_matmul %a, %b : tensor<2x3x4xf32>, tensor<3x4x5xf32> -> tensor<2x3x5xf32>
  return
}

// -----

func.func @batch_matmul_rank(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{batch_matmul operands must have the same rank, at least 3, got 3x4 and 4x5}}
  %y = logbtq.batch_matmul %a, %b : tensor<3x4xf32>, tensor<4x5xf32> -> tensor<3x5xf32>
  return
}

// -----

func.func @batch_matmul_contraction(%a: tensor<2x3x4xf32>, %b: tensor<2x5x6xf32>) {
  // expected-error @+1 {{matmul contraction sizes differ: lhs 3x4 and rhs 5x6}}
  %y = logbtq.batch_matmul %a, %b : tensor<2x3x4xf32>, tensor<2x5x6xf32> -> tensor<2x3x6xf32>
  return
}

// -----

func.func @reduce_kind(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{kind must be sum, mean, max or min, got 'prod'}}
  %y = logbtq.reduce %x {axes = array<i64: 1>, kind = "prod"} : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @reduce_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 1 is repeated}}
  %y = logbtq.reduce %x {axes = array<i64: 1, 1>, kind = "sum"} : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @reduce_result(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{result type 'tensor<3xf32>' does not match the inferred shape 2}}
  %y = logbtq.reduce %x {axes = array<i64: 1>, kind = "max"} : tensor<2x3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @leaky_relu_alpha(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{alpha must be finite, got INF}}
  %y = logbtq.leaky_relu %x {alpha = 0x7F800000 : f32} : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @div_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{shapes 2x3 and 4 do not broadcast}}
  %y = logbtq.div %a, %b : tensor<2x3xf32>, tensor<4xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @layer_norm_axis(%x: tensor<2x3xf32>, %p: tensor<3xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %y = logbtq.layer_norm %x, %p, %p {axis = 2 : i64} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @layer_norm_param_shape(%x: tensor<2x3x4xf32>, %p: tensor<4xf32>) {
  // expected-error @+1 {{scale, bias and their gradients must have the normalized shape 3x4, got 'tensor<4xf32>'}}
  %y = logbtq.layer_norm %x, %p, %p {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return
}

// -----

func.func @layer_norm_result(%x: tensor<2x3xf32>, %p: tensor<3xf32>) {
  // expected-error @+1 {{must have the input's shape 2x3, got 'tensor<3x2xf32>'}}
  %y = logbtq.layer_norm %x, %p, %p {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @layer_norm_epsilon(%x: tensor<2x3xf32>, %p: tensor<3xf32>) {
  // expected-error @+1 {{epsilon must be non-negative}}
  %y = logbtq.layer_norm %x, %p, %p {axis = 1 : i64, epsilon = -1.0 : f32} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @strided_slice_overrun(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{dimension 1: 3 elements from 2 by 3 do not fit in 8}}
  %y = logbtq.strided_slice %x {offsets = array<i64: 0, 2>, strides = array<i64: 1, 3>} : tensor<4x8xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @strided_slice_stride(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{dimension 1: offset 7 and stride -1 (offsets must be >= 0, strides > 0)}}
  %y = logbtq.strided_slice %x {offsets = array<i64: 0, 7>, strides = array<i64: 1, -1>} : tensor<4x8xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @strided_slice_rank(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{slice of rank 2 with 1 offsets and 2 strides from a tensor of rank 2}}
  %y = logbtq.strided_slice %x {offsets = array<i64: 0>, strides = array<i64: 1, 1>} : tensor<4x8xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @gather_shape(%x: tensor<4x8xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{result type 'tensor<4x8xf32>' does not match the inferred shape 4x3}}
  %y = logbtq.gather %x, %i {axis = 1 : i64} : (tensor<4x8xf32>, tensor<3xi64>) -> tensor<4x8xf32>
  return
}

// -----

func.func @gather_axis(%x: tensor<4x8xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{gather axis 2 is out of range for rank 2}}
  %y = logbtq.gather %x, %i {axis = 2 : i64} : (tensor<4x8xf32>, tensor<3xi64>) -> tensor<4x3xf32>
  return
}

// -----

func.func @gather_float_indices(%x: tensor<4x8xf32>, %i: tensor<3xf32>) {
  // expected-error @+1 {{operand #1 must be ranked tensor of 64-bit signless integer or 32-bit signless integer values}}
  %y = logbtq.gather %x, %i {axis = 1 : i64} : (tensor<4x8xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @broadcast_shape(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{cannot broadcast 4x8 to 2x3x8}}
  %y = logbtq.broadcast %x : tensor<4x8xf32> -> tensor<2x3x8xf32>
  return
}

// -----

func.func @conv_transpose_output_padding(%x: tensor<8x16x7x7xf32>, %w: tensor<16x8x3x3xf32>) {
  // expected-error @+1 {{result type 'tensor<8x8x15x13xf32>' is not a transposed convolution of the input 'tensor<8x16x7x7xf32>': conv2d of it gives 8x16x8x7}}
  %y = logbtq.conv_transpose2d %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<8x16x7x7xf32>, tensor<16x8x3x3xf32>) -> tensor<8x8x15x13xf32>
  return
}

// -----

func.func @conv_transpose_channels(%x: tensor<8x16x7x7xf32>, %w: tensor<8x8x3x3xf32>) {
  // expected-error @+1 {{conv2d of it gives 8x8x7x7}}
  %y = logbtq.conv_transpose2d %x, %w : (tensor<8x16x7x7xf32>, tensor<8x8x3x3xf32>) -> tensor<8x8x9x9xf32>
  return
}

// -----

func.func @conv_transpose_bias(%x: tensor<8x16x7x7xf32>, %w: tensor<16x8x3x3xf32>, %b: tensor<16xf32>) {
  // expected-error @+1 {{bias must have 8 entries, got 'tensor<16xf32>'}}
  %y = logbtq.conv_transpose2d %x, %w, %b : (tensor<8x16x7x7xf32>, tensor<16x8x3x3xf32>, tensor<16xf32>) -> tensor<8x8x9x9xf32>
  return
}

// -----

func.func @select_values(%c: tensor<3xi1>, %x: tensor<2x3xf32>, %y: tensor<4xf32>) {
  // expected-error @+1 {{shapes 2x3 and 4 do not broadcast}}
  %z = logbtq.select %c, %x, %y : (tensor<3xi1>, tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @select_condition(%c: tensor<5x1x3xi1>, %x: tensor<2x3xf32>, %y: tensor<f32>) {
  // expected-error @+1 {{result type 'tensor<2x3xf32>' does not match the inferred shape 5x2x3}}
  %z = logbtq.select %c, %x, %y : (tensor<5x1x3xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @select_float_condition(%c: tensor<2x3xf32>, %x: tensor<2x3xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 1-bit signless integer values}}
  %z = logbtq.select %c, %x, %x : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}
