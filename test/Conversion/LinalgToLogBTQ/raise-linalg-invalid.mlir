// RUN: logbtq-opt %s -logbtq-raise-linalg -split-input-file -verify-diagnostics

// Each case has exactly one diagnostic: the ops that only feed an unraised op
// (its zero fill, its tensor.empty, its tensor.pad) are covered by it.

//===----------------------------------------------------------------------===//
// Element types and buffers
//===----------------------------------------------------------------------===//

func.func @matmul_integer(%x: tensor<4x8xi32>, %w: tensor<8x16xi32>) -> tensor<4x16xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<4x16xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<4x16xi32>) -> tensor<4x16xi32>
  // expected-error @+1 {{cannot raise 'linalg.matmul' to logbtq: operand #0 has type 'tensor<4x8xi32>'; only f32 tensors are raised}}
  %y = linalg.matmul ins(%x, %w : tensor<4x8xi32>, tensor<8x16xi32>) outs(%f : tensor<4x16xi32>) -> tensor<4x16xi32>
  return %y : tensor<4x16xi32>
}

// -----

func.func @matmul_mixed(%x: tensor<4x8xf16>, %w: tensor<8x16xf16>, %acc: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{cannot raise 'linalg.matmul' to logbtq: operand #0 has type 'tensor<4x8xf16>'; only f32 tensors are raised}}
  %y = linalg.matmul ins(%x, %w : tensor<4x8xf16>, tensor<8x16xf16>) outs(%acc : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @matmul_buffers(%x: memref<4x8xf32>, %w: memref<8x16xf32>, %y: memref<4x16xf32>) {
  // expected-error @+1 {{cannot raise 'linalg.matmul' to logbtq: operand #0 has type 'memref<4x8xf32>'; raising works on ranked tensors, before bufferization}}
  linalg.matmul ins(%x, %w : memref<4x8xf32>, memref<8x16xf32>) outs(%y : memref<4x16xf32>)
  return
}

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

// -----

func.func @matvec(%a: tensor<4x8xf32>, %x: tensor<8xf32>, %acc: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{cannot raise 'linalg.matvec' to logbtq: only 2-D matrix products (linalg.matmul) are raised; logbtq.matmul has no batch and no vector operands}}
  %y = linalg.matvec ins(%a, %x : tensor<4x8xf32>, tensor<8xf32>) outs(%acc : tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @batch_matmul(%a: tensor<2x4x8xf32>, %b: tensor<2x8x16xf32>, %acc: tensor<2x4x16xf32>) -> tensor<2x4x16xf32> {
  // expected-error @+1 {{cannot raise 'linalg.batch_matmul' to logbtq: only 2-D matrix products (linalg.matmul) are raised}}
  %y = linalg.batch_matmul ins(%a, %b : tensor<2x4x8xf32>, tensor<2x8x16xf32>) outs(%acc : tensor<2x4x16xf32>) -> tensor<2x4x16xf32>
  return %y : tensor<2x4x16xf32>
}

// -----

func.func @matmul_broadcast_lhs(%x: tensor<8xf32>, %w: tensor<8x16xf32>, %acc: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{cannot raise 'linalg.matmul' to logbtq: operand #0 is broadcast by its indexing map; only 2-D operands are raised}}
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w : tensor<8xf32>, tensor<8x16xf32>) outs(%acc : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// A row sum: a reduction, but no product.
func.func @reduce_generic(%x: tensor<4x8xf32>, %acc: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{cannot raise 'linalg.generic' to logbtq: it is a reduction but not a sum of products of two inputs}}
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<4x8xf32>) outs(%acc : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %y : tensor<4xf32>
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

// -----

// The pad feeds only the conv: one diagnostic, on the conv.
func.func @conv_nonzero_pad(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %acc: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %one = arith.constant 1.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %one : f32
  } : tensor<1x3x8x8xf32> to tensor<1x3x10x10xf32>
  // expected-error @+1 {{cannot raise 'linalg.conv_2d_nchw_fchw' to logbtq: its input is padded with 1.0; logbtq.conv2d pads with zeros}}
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%p, %w : tensor<1x3x10x10xf32>, tensor<4x3x3x3xf32>) outs(%acc : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// -----

func.func @conv_channel_pad(%x: tensor<1x3x8x8xf32>, %w: tensor<4x4x3x3xf32>, %acc: tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 0, 0] high[0, 0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x3x8x8xf32> to tensor<1x4x8x8xf32>
  // expected-error @+1 {{cannot raise 'linalg.conv_2d_nchw_fchw' to logbtq: the tensor.pad of its input pads the N or C dims}}
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%p, %w : tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) outs(%acc : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_grouped(%x: tensor<1x2x3x8x8xf32>, %w: tensor<4x2x3x3x3xf32>, %acc: tensor<1x2x4x6x6xf32>) -> tensor<1x2x4x6x6xf32> {
  // expected-error @+1 {{cannot raise 'linalg.conv_2d_ngchw_fgchw' to logbtq: only linalg.conv_2d_nchw_fchw (NCHW input, FCHW filter, one group) is raised}}
  %y = linalg.conv_2d_ngchw_fgchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%x, %w : tensor<1x2x3x8x8xf32>, tensor<4x2x3x3x3xf32>) outs(%acc : tensor<1x2x4x6x6xf32>) -> tensor<1x2x4x6x6xf32>
  return %y : tensor<1x2x4x6x6xf32>
}

// -----

func.func @conv_nhwc(%x: tensor<1x8x8x3xf32>, %w: tensor<3x3x3x4xf32>, %acc: tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32> {
  // expected-error @+1 {{cannot raise 'linalg.conv_2d_nhwc_hwcf' to logbtq: only linalg.conv_2d_nchw_fchw (NCHW input, FCHW filter, one group) is raised}}
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%x, %w : tensor<1x8x8x3xf32>, tensor<3x3x3x4xf32>) outs(%acc : tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  return %y : tensor<1x6x6x4xf32>
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

// -----

func.func @max_pool_zero_init(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %win = tensor.empty() : tensor<2x2xf32>
  // expected-error @+1 {{cannot raise 'linalg.pooling_nchw_max' to logbtq: its init is not filled with -inf (or the lowest float); logbtq.max_pool2d has no accumulator}}
  %y = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%x, %win : tensor<1x4x8x8xf32>, tensor<2x2xf32>) outs(%f : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

func.func @max_pool_zero_pad(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x5x5xf32> {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x8x8xf32> to tensor<1x4x10x10xf32>
  %e = tensor.empty() : tensor<1x4x5x5xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x4x5x5xf32>) -> tensor<1x4x5x5xf32>
  %win = tensor.empty() : tensor<2x2xf32>
  // expected-error @+1 {{cannot raise 'linalg.pooling_nchw_max' to logbtq: its input is padded with 0.0; the logbtq op pads with -inf}}
  %y = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%p, %win : tensor<1x4x10x10xf32>, tensor<2x2xf32>) outs(%f : tensor<1x4x5x5xf32>) -> tensor<1x4x5x5xf32>
  return %y : tensor<1x4x5x5xf32>
}

// -----

func.func @max_pool_dilated(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x6x6xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %win = tensor.empty() : tensor<2x2xf32>
  // expected-error @+1 {{cannot raise 'linalg.pooling_nchw_max' to logbtq: it is dilated; logbtq pooling has no dilation}}
  %y = linalg.pooling_nchw_max {dilations = dense<2> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%x, %win : tensor<1x4x8x8xf32>, tensor<2x2xf32>) outs(%f : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

// Padding as large as the window: a window could see padding only.
func.func @max_pool_pad_too_large(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x6x6xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %p = tensor.pad %x low[0, 0, 2, 2] high[0, 0, 2, 2] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %ninf : f32
  } : tensor<1x4x8x8xf32> to tensor<1x4x12x12xf32>
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %win = tensor.empty() : tensor<2x2xf32>
  // expected-error @+1 {{cannot raise 'linalg.pooling_nchw_max' to logbtq: pooling pads must be smaller than the kernel}}
  %y = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%p, %win : tensor<1x4x12x12xf32>, tensor<2x2xf32>) outs(%f : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @max_pool_nhwc(%x: tensor<1x8x8x4xf32>, %acc: tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> {
  %win = tensor.empty() : tensor<2x2xf32>
  // expected-error @+1 {{cannot raise 'linalg.pooling_nhwc_max' to logbtq: only NCHW 2-D pooling (linalg.pooling_nchw_max, linalg.pooling_nchw_sum) is raised}}
  %y = linalg.pooling_nhwc_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%x, %win : tensor<1x8x8x4xf32>, tensor<2x2xf32>) outs(%acc : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// count_include_pad = false at the borders: torch-mlir computes the divisor
// per position with linalg.index, which logbtq does not express.
func.func @avg_pool_exclude_pad(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x8x8xf32> to tensor<1x4x10x10xf32>
  %e = tensor.empty() : tensor<1x4x8x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %win = tensor.empty() : tensor<3x3xf32>
  %s = linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%p, %win : tensor<1x4x10x10xf32>, tensor<3x3xf32>) outs(%f : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // expected-error @+1 {{cannot raise 'linalg.generic' to logbtq: its body computes 'linalg.index', which has no logbtq equivalent}}
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%s : tensor<1x4x8x8xf32>) outs(%e : tensor<1x4x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %h = linalg.index 2 : index
    %hi = arith.index_cast %h : index to i64
    %count = arith.sitofp %hi : i64 to f32
    %d = arith.divf %in, %count : f32
    linalg.yield %d : f32
  } -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

// -----

func.func @unsupported_generic(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  // expected-error @+1 {{cannot raise 'linalg.generic' to logbtq: its body computes 'math.sin', which has no logbtq equivalent}}
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %y = math.sin %in : f32
    linalg.yield %y : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// A fused body raises op by op; one op it cannot raise stops the whole body.
func.func @fused_with_unsupported(%x: tensor<4x16xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  // expected-error @+1 {{cannot raise 'linalg.generic' to logbtq: its body computes 'math.floor', which has no logbtq equivalent}}
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<4x16xf32>, tensor<16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    %f = math.floor %s : f32
    linalg.yield %f : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// A comparison that is not a relu's.
func.func @fused_select(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  // expected-error @+1 {{cannot raise 'linalg.generic' to logbtq: its body compares values other than for a relu}}
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = arith.cmpf ogt, %in, %zero : f32
    %s = arith.select %c, %one, %zero : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @elementwise_exp(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  // expected-error @+1 {{cannot raise 'linalg.elementwise' to logbtq: kind 'exp' has no logbtq equivalent}}
  %y = linalg.elementwise kind=#linalg.elementwise_kind<exp>
      ins(%x : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @named_exp(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  // expected-error @+1 {{cannot raise 'linalg.exp' to logbtq: logbtq has no equivalent op}}
  %y = linalg.exp ins(%x : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @accumulating_generic(%x: tensor<4x16xf32>, %acc: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{cannot raise 'linalg.generic' to logbtq: unsupported linalg.generic: its body reads the output, so it accumulates}}
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x16xf32>) outs(%acc : tensor<4x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @add_transposed_operand(%x: tensor<4x16xf32>, %t: tensor<16x4xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  // expected-error @+1 {{cannot raise 'linalg.generic' to logbtq: its rhs operand: it is read through (d0, d1) -> (d1, d0), which transposes it; numpy broadcasting cannot}}
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x, %t : tensor<4x16xf32>, tensor<16x4xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Both operands broadcast from [16]: numpy would give [16], not [4, 16].
func.func @add_both_broadcast(%a: tensor<16xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %ba = linalg.broadcast ins(%a : tensor<16xf32>) outs(%e : tensor<4x16xf32>) dimensions = [0]
  %bb = linalg.broadcast ins(%b : tensor<16xf32>) outs(%e : tensor<4x16xf32>) dimensions = [0]
  // expected-error @+1 {{cannot raise 'linalg.add' to logbtq: its operands broadcast to 16, not to the result shape 4x16}}
  %y = linalg.add ins(%ba, %bb : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @div_by_zero(%a: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant dense<0.0> : tensor<4x16xf32>
  %e = tensor.empty() : tensor<4x16xf32>
  // expected-error @+1 {{cannot raise 'linalg.div' to logbtq: it divides by zero}}
  %y = linalg.div ins(%a, %zero : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

//===----------------------------------------------------------------------===//
// What the raised ops leave behind
//===----------------------------------------------------------------------===//

// -----

func.func @transpose_integer(%x: tensor<2x3xi32>) -> tensor<3x2xi32> {
  %e = tensor.empty() : tensor<3x2xi32>
  // expected-error @+1 {{cannot raise 'linalg.transpose' to logbtq: operand #0 has type 'tensor<2x3xi32>'; only f32 tensors are raised}}
  %t = linalg.transpose ins(%x : tensor<2x3xi32>) outs(%e : tensor<3x2xi32>) permutation = [1, 0]
  return %t : tensor<3x2xi32>
}

// -----

// A pad that no conv or pooling absorbs.
func.func @pad_alone(%x: tensor<4x4xf32>, %y: tensor<6x6xf32>) -> tensor<6x6xf32> {
  %zero = arith.constant 0.0 : f32
  // expected-error @+1 {{cannot raise 'tensor.pad' to logbtq: logbtq has no pad op; only the padding of the input of a linalg.conv_2d_nchw_fchw (zeros) or an NCHW pooling (-inf for max, zeros for sum) is absorbed, and it is read by 'logbtq.add'}}
  %p = tensor.pad %x low[1, 1] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<4x4xf32> to tensor<6x6xf32>
  %e = tensor.empty() : tensor<6x6xf32>
  %s = linalg.add ins(%p, %y : tensor<6x6xf32>, tensor<6x6xf32>) outs(%e : tensor<6x6xf32>) -> tensor<6x6xf32>
  return %s : tensor<6x6xf32>
}

// -----

func.func @broadcast_returned(%b: tensor<16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  // expected-error @+1 {{cannot raise 'linalg.broadcast' to logbtq: a broadcast is only absorbed by the elementwise op, matmul or conv that reads it, and it is read by 'func.return'}}
  %bb = linalg.broadcast ins(%b : tensor<16xf32>) outs(%e : tensor<4x16xf32>) dimensions = [0]
  return %bb : tensor<4x16xf32>
}

// -----

func.func @fill_not_constant(%v: f32, %x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  // expected-error @+1 {{cannot raise 'linalg.fill' to logbtq: it fills with a value that is not a constant}}
  %f = linalg.fill ins(%v : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.add ins(%x, %f : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @empty_read(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{cannot raise 'tensor.empty' to logbtq: its contents are undefined, and it is read as a value by 'logbtq.add'}}
  %e = tensor.empty() : tensor<4x16xf32>
  %y = linalg.add ins(%x, %e : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @collapse_dynamic(%x: tensor<?x4x4xf32>) -> tensor<?x16xf32> {
  // expected-error @+1 {{cannot raise 'tensor.collapse_shape' to logbtq: 'tensor<?x4x4xf32>' is dynamic; logbtq.reshape needs static shapes}}
  %c = tensor.collapse_shape %x [[0], [1, 2]] : tensor<?x4x4xf32> into tensor<?x16xf32>
  return %c : tensor<?x16xf32>
}

// -----

func.func @extract_slice(%x: tensor<4x16xf32>) -> tensor<2x16xf32> {
  // expected-error @+1 {{cannot raise 'tensor.extract_slice' to logbtq: logbtq has no equivalent op}}
  %s = tensor.extract_slice %x[0, 0] [2, 16] [1, 1] : tensor<4x16xf32> to tensor<2x16xf32>
  return %s : tensor<2x16xf32>
}

// -----

func.func @reduce(%x: tensor<4x16xf32>, %acc: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{cannot raise 'linalg.reduce' to logbtq: logbtq has no equivalent op}}
  %r = linalg.reduce ins(%x : tensor<4x16xf32>) outs(%acc : tensor<4xf32>) dimensions = [1]
    (%in: f32, %out: f32) {
      %s = arith.addf %in, %out : f32
      linalg.yield %s : f32
    }
  return %r : tensor<4xf32>
}
