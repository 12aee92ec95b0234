// RUN: logbtq-opt %s -logbtq-raise-linalg -split-input-file | FileCheck %s
// RUN: logbtq-opt %s -logbtq-raise-linalg -split-input-file | FileCheck %s --check-prefix=NONE

// Nothing of Linalg survives in any raised function, nor the tensor ops
// raising absorbs (tensor.dim may stay: see @dim_kept).
// NONE-NOT: linalg.
// NONE-NOT: tensor.{{empty|pad|collapse_shape|expand_shape}}

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

// The zero fill of the init is absorbed; the fill, its tensor.empty and the
// zero constant die with it.
// CHECK-LABEL: func.func @matmul(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x8xf32>, [[W:%[a-z0-9_]+]]: tensor<8x16xf32>)
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.matmul [[X]], [[W]] : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
// CHECK-NEXT: return [[Y]]
func.func @matmul(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// A dynamic batch: the result type comes from the linalg op.
// CHECK-LABEL: func.func @matmul_dynamic(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<?x8xf32>, [[W:%[a-z0-9_]+]]: tensor<8x16xf32>)
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.matmul [[X]], [[W]] : tensor<?x8xf32>, tensor<8x16xf32> -> tensor<?x16xf32>
// CHECK-NEXT: return [[Y]]
func.func @matmul_dynamic(%x: tensor<?x8xf32>, %w: tensor<8x16xf32>) -> tensor<?x16xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%n) : tensor<?x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x16xf32>) -> tensor<?x16xf32>
  %y = linalg.matmul ins(%x, %w : tensor<?x8xf32>, tensor<8x16xf32>) outs(%f : tensor<?x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// -----

// MLIR 22 spells matmul_transpose_b as linalg.matmul with indexing_maps.
// CHECK-LABEL: func.func @matmul_transpose_b(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x8xf32>, [[W:%[a-z0-9_]+]]: tensor<16x8xf32>)
// CHECK-NEXT: logbtq.matmul [[X]], [[W]] {transpose_rhs} : tensor<4x8xf32>, tensor<16x8xf32> -> tensor<4x16xf32>
func.func @matmul_transpose_b(%x: tensor<4x8xf32>, %w: tensor<16x8xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w : tensor<4x8xf32>, tensor<16x8xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_transpose_a(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<8x4xf32>, [[W:%[a-z0-9_]+]]: tensor<8x16xf32>)
// CHECK-NEXT: logbtq.matmul [[X]], [[W]] {transpose_lhs} : tensor<8x4xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
func.func @matmul_transpose_a(%x: tensor<8x4xf32>, %w: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w : tensor<8x4xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Both transposed, and a linalg.transpose of the rhs on top: the flags
// compose (rhs transposed twice is not transposed).
// CHECK-LABEL: func.func @matmul_transpose_both(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<8x4xf32>, [[W:%[a-z0-9_]+]]: tensor<8x16xf32>)
// CHECK-NEXT: logbtq.matmul [[X]], [[W]] {transpose_lhs} : tensor<8x4xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
// CHECK-NOT: logbtq.transpose
func.func @matmul_transpose_both(%x: tensor<8x4xf32>, %w: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %et = tensor.empty() : tensor<16x8xf32>
  %wt = linalg.transpose ins(%w : tensor<8x16xf32>) outs(%et : tensor<16x8xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %wt : tensor<8x4xf32>, tensor<16x8xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// torch-mlir's aten.linear: the weight transposed by linalg.transpose, the
// bias broadcast into the init. The transpose becomes the flag, the init an
// add of the un-broadcast bias.
// CHECK-LABEL: func.func @linear(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x8xf32>, [[W:%[a-z0-9_]+]]: tensor<16x8xf32>, [[B:%[a-z0-9_]+]]: tensor<16xf32>)
// CHECK-NEXT: [[MM:%[a-z0-9_]+]] = logbtq.matmul [[X]], [[W]] {transpose_rhs} : tensor<4x8xf32>, tensor<16x8xf32> -> tensor<4x16xf32>
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.add [[MM]], [[B]] : tensor<4x16xf32>, tensor<16xf32> -> tensor<4x16xf32>
// CHECK-NEXT: return [[Y]]
func.func @linear(%x: tensor<4x8xf32>, %w: tensor<16x8xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %e0 = tensor.empty() : tensor<8x16xf32>
  %wt = linalg.transpose ins(%w : tensor<16x8xf32>) outs(%e0 : tensor<8x16xf32>) permutation = [1, 0]
  %e1 = tensor.empty() : tensor<4x16xf32>
  %bb = linalg.broadcast ins(%b : tensor<16xf32>) outs(%e1 : tensor<4x16xf32>) dimensions = [0]
  %y = linalg.matmul ins(%x, %wt : tensor<4x8xf32>, tensor<8x16xf32>) outs(%bb : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// A contraction written as a linalg.generic, accumulating into an argument.
// CHECK-LABEL: func.func @matmul_generic(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x8xf32>, [[W:%[a-z0-9_]+]]: tensor<16x8xf32>, [[ACC:%[a-z0-9_]+]]: tensor<4x16xf32>)
// CHECK-NEXT: [[MM:%[a-z0-9_]+]] = logbtq.matmul [[X]], [[W]] {transpose_rhs}
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.add [[MM]], [[ACC]] : tensor<4x16xf32>, tensor<4x16xf32> -> tensor<4x16xf32>
// CHECK-NEXT: return [[Y]]
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @matmul_generic(%x: tensor<4x8xf32>, %w: tensor<16x8xf32>, %acc: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x8xf32>, tensor<16x8xf32>) outs(%acc : tensor<4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// The operands in the other order: C[i, j] = sum_k B[k, i] * A[j, k] is
// matmul(B, A) with both transposed.
// CHECK-LABEL: func.func @matmul_generic_swapped(
// CHECK-SAME: [[A:%[a-z0-9_]+]]: tensor<16x8xf32>, [[B:%[a-z0-9_]+]]: tensor<8x4xf32>)
// CHECK-NEXT: logbtq.matmul [[B]], [[A]] {transpose_lhs, transpose_rhs} : tensor<8x4xf32>, tensor<16x8xf32> -> tensor<4x16xf32>
#jk = affine_map<(i, j, k) -> (j, k)>
#ki = affine_map<(i, j, k) -> (k, i)>
#ij = affine_map<(i, j, k) -> (i, j)>
func.func @matmul_generic_swapped(%a: tensor<16x8xf32>, %b: tensor<8x4xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant dense<0.0> : tensor<4x16xf32>
  %y = linalg.generic {indexing_maps = [#jk, #ki, #ij], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<16x8xf32>, tensor<8x4xf32>) outs(%zero : tensor<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

//===----------------------------------------------------------------------===//
// Conv2D
//===----------------------------------------------------------------------===//

// -----

// Strides and dilations carry over; no padding, zero init, no bias.
// CHECK-LABEL: func.func @conv(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<2x3x16x16xf32>, [[W:%[a-z0-9_]+]]: tensor<8x3x3x3xf32>)
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.conv2d [[X]], [[W]] {dilations = array<i64: 2, 2>, strides = array<i64: 1, 2>}
// CHECK-SAME: : (tensor<2x3x16x16xf32>, tensor<8x3x3x3xf32>) -> tensor<2x8x12x6xf32>
// CHECK-NEXT: return [[Y]]
func.func @conv(%x: tensor<2x3x16x16xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<2x8x12x6xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x8x12x6xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x8x12x6xf32>) -> tensor<2x8x12x6xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<2> : vector<2xi64>, strides = dense<[1, 2]> : vector<2xi64>}
      ins(%x, %w : tensor<2x3x16x16xf32>, tensor<8x3x3x3xf32>) outs(%f : tensor<2x8x12x6xf32>) -> tensor<2x8x12x6xf32>
  return %y : tensor<2x8x12x6xf32>
}

// -----

// torch-mlir's convolution: tensor.pad with zeros (asymmetric here), the bias
// broadcast along N, H, W into the init. Pads are [top, left, bottom, right].
// CHECK-LABEL: func.func @conv_padded_bias(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<1x3x9x9xf32>, [[W:%[a-z0-9_]+]]: tensor<8x3x3x3xf32>, [[B:%[a-z0-9_]+]]: tensor<8xf32>)
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.conv2d [[X]], [[W]], [[B]] {pads = array<i64: 1, 2, 1, 3>, strides = array<i64: 2, 2>}
// CHECK-SAME: : (tensor<1x3x9x9xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x5x6xf32>
// CHECK-NEXT: return [[Y]]
func.func @conv_padded_bias(%x: tensor<1x3x9x9xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<8xf32>) -> tensor<1x8x5x6xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 2] high[0, 0, 1, 3] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x3x9x9xf32> to tensor<1x3x11x14xf32>
  %e = tensor.empty() : tensor<1x8x5x6xf32>
  %bb = linalg.broadcast ins(%b : tensor<8xf32>) outs(%e : tensor<1x8x5x6xf32>) dimensions = [0, 2, 3]
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%p, %w : tensor<1x3x11x14xf32>, tensor<8x3x3x3xf32>) outs(%bb : tensor<1x8x5x6xf32>) -> tensor<1x8x5x6xf32>
  return %y : tensor<1x8x5x6xf32>
}

// -----

// Older torch-mlir broadcasts the bias with a copying linalg.generic.
// CHECK-LABEL: func.func @conv_generic_bias(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<1x3x5x5xf32>, [[W:%[a-z0-9_]+]]: tensor<4x3x3x3xf32>, [[B:%[a-z0-9_]+]]: tensor<4xf32>)
// CHECK-NEXT: logbtq.conv2d [[X]], [[W]], [[B]] : (tensor<1x3x5x5xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x3x3xf32>
#c = affine_map<(d0, d1, d2, d3) -> (d1)>
#nchw = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @conv_generic_bias(%x: tensor<1x3x5x5xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x3x3xf32> {
  %e = tensor.empty() : tensor<1x4x3x3xf32>
  %bb = linalg.generic {indexing_maps = [#c, #nchw], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%b : tensor<4xf32>) outs(%e : tensor<1x4x3x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x4x3x3xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%x, %w : tensor<1x3x5x5xf32>, tensor<4x3x3x3xf32>) outs(%bb : tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
  return %y : tensor<1x4x3x3xf32>
}

// -----

// Accumulating into an arbitrary tensor is a conv followed by an add.
// CHECK-LABEL: func.func @conv_accumulate(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<1x3x5x5xf32>, [[W:%[a-z0-9_]+]]: tensor<4x3x3x3xf32>, [[ACC:%[a-z0-9_]+]]: tensor<1x4x3x3xf32>)
// CHECK-NEXT: [[C:%[a-z0-9_]+]] = logbtq.conv2d [[X]], [[W]] :
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.add [[C]], [[ACC]] : tensor<1x4x3x3xf32>, tensor<1x4x3x3xf32> -> tensor<1x4x3x3xf32>
// CHECK-NEXT: return [[Y]]
func.func @conv_accumulate(%x: tensor<1x3x5x5xf32>, %w: tensor<4x3x3x3xf32>, %acc: tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32> {
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%x, %w : tensor<1x3x5x5xf32>, tensor<4x3x3x3xf32>) outs(%acc : tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32>
  return %y : tensor<1x4x3x3xf32>
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

// -----

// torch-mlir's max_pool2d: pad and init with -inf, the window a tensor.empty.
// CHECK-LABEL: func.func @max_pool(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<1x4x8x8xf32>)
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.max_pool2d [[X]] {kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
// CHECK-NEXT: return [[Y]]
func.func @max_pool(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %ninf : f32
  } : tensor<1x4x8x8xf32> to tensor<1x4x10x10xf32>
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %win = tensor.empty() : tensor<3x3xf32>
  %y = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%p, %win : tensor<1x4x10x10xf32>, tensor<3x3xf32>) outs(%f : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// The lowest float is as neutral as -inf (older front ends use it).
// CHECK-LABEL: func.func @max_pool_lowest(
// CHECK-NEXT: logbtq.max_pool2d %{{.+}} {kernel = array<i64: 2, 2>} : tensor<1x4x8x8xf32> -> tensor<1x4x7x7xf32>
func.func @max_pool_lowest(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x7x7xf32> {
  %lowest = arith.constant -3.40282347E+38 : f32
  %e = tensor.empty() : tensor<1x4x7x7xf32>
  %f = linalg.fill ins(%lowest : f32) outs(%e : tensor<1x4x7x7xf32>) -> tensor<1x4x7x7xf32>
  %win = tensor.empty() : tensor<2x2xf32>
  %y = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%x, %win : tensor<1x4x8x8xf32>, tensor<2x2xf32>) outs(%f : tensor<1x4x7x7xf32>) -> tensor<1x4x7x7xf32>
  return %y : tensor<1x4x7x7xf32>
}

// -----

// torch-mlir's avg_pool2d: a sum pool, then a generic dividing by the window
// size.
// CHECK-LABEL: func.func @avg_pool(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<1x4x8x8xf32>)
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.avg_pool2d [[X]] {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
// CHECK-NEXT: return [[Y]]
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @avg_pool(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %win = tensor.empty() : tensor<2x2xf32>
  %s = linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%x, %win : tensor<1x4x8x8xf32>, tensor<2x2xf32>) outs(%f : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %y = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%s : tensor<1x4x4x4xf32>) outs(%e : tensor<1x4x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c4 = arith.constant 4.0 : f32
    %d = arith.divf %in, %c4 : f32
    linalg.yield %d : f32
  } -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// Zero padding and a linalg.div by a filled divisor: the padded zeros count
// in the divisor (count_include_pad).
// CHECK-LABEL: func.func @avg_pool_padded(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<1x4x8x8xf32>)
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.avg_pool2d [[X]] {count_include_pad, kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : tensor<1x4x8x8xf32> -> tensor<1x4x8x8xf32>
// CHECK-NEXT: return [[Y]]
func.func @avg_pool_padded(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %nine = arith.constant 9.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x8x8xf32> to tensor<1x4x10x10xf32>
  %e = tensor.empty() : tensor<1x4x8x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %win = tensor.empty() : tensor<3x3xf32>
  %s = linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%p, %win : tensor<1x4x10x10xf32>, tensor<3x3xf32>) outs(%f : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %d = linalg.fill ins(%nine : f32) outs(%e : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %y = linalg.div ins(%s, %d : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) outs(%e : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// -----

// The division as linalg.elementwise, by a splat constant.
// CHECK-LABEL: func.func @avg_pool_elementwise(
// CHECK-NEXT: logbtq.avg_pool2d %{{.+}} {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
// CHECK-NOT: logbtq.mul
func.func @avg_pool_elementwise(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %four = arith.constant dense<4.0> : tensor<1x4x4x4xf32>
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %win = tensor.empty() : tensor<2x2xf32>
  %s = linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%x, %win : tensor<1x4x8x8xf32>, tensor<2x2xf32>) outs(%f : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %y = linalg.elementwise kind=#linalg.elementwise_kind<div>
      ins(%s, %four : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) outs(%e : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// A sum pool nobody divides is the average times the window size.
// CHECK-LABEL: func.func @sum_pool(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<1x4x8x8xf32>)
// CHECK-DAG: [[FOUR:%[a-z0-9_]+]] = arith.constant dense<4.000000e+00> : tensor<f32>
// CHECK-DAG: [[AVG:%[a-z0-9_]+]] = logbtq.avg_pool2d [[X]] {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
// CHECK: [[Y:%[a-z0-9_]+]] = logbtq.mul [[AVG]], [[FOUR]] : tensor<1x4x4x4xf32>, tensor<f32> -> tensor<1x4x4x4xf32>
// CHECK-NEXT: return [[Y]]
func.func @sum_pool(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %win = tensor.empty() : tensor<2x2xf32>
  %s = linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%x, %win : tensor<1x4x8x8xf32>, tensor<2x2xf32>) outs(%f : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %s : tensor<1x4x4x4xf32>
}

// -----

// ... and a sum accumulating into a tensor adds it afterwards.
// CHECK-LABEL: func.func @sum_pool_accumulate(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<1x4x8x8xf32>, [[ACC:%[a-z0-9_]+]]: tensor<1x4x4x4xf32>)
// CHECK-DAG: [[FOUR:%[a-z0-9_]+]] = arith.constant dense<4.000000e+00> : tensor<f32>
// CHECK-DAG: [[AVG:%[a-z0-9_]+]] = logbtq.avg_pool2d [[X]]
// CHECK: [[SUM:%[a-z0-9_]+]] = logbtq.mul [[AVG]], [[FOUR]]
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.add [[SUM]], [[ACC]] : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32> -> tensor<1x4x4x4xf32>
// CHECK-NEXT: return [[Y]]
func.func @sum_pool_accumulate(%x: tensor<1x4x8x8xf32>, %acc: tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> {
  %win = tensor.empty() : tensor<2x2xf32>
  %s = linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%x, %win : tensor<1x4x8x8xf32>, tensor<2x2xf32>) outs(%acc : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %s : tensor<1x4x4x4xf32>
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

// -----

// CHECK-LABEL: func.func @add_named(
// CHECK-SAME: [[A:%[a-z0-9_]+]]: tensor<4x16xf32>, [[B:%[a-z0-9_]+]]: tensor<4x16xf32>)
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.add [[A]], [[B]] : tensor<4x16xf32>, tensor<4x16xf32> -> tensor<4x16xf32>
// CHECK-NEXT: return [[Y]]
func.func @add_named(%a: tensor<4x16xf32>, %b: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %y = linalg.add ins(%a, %b : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// CHECK-LABEL: func.func @sub_named(
// CHECK-SAME: [[A:%[a-z0-9_]+]]: tensor<4x16xf32>, [[B:%[a-z0-9_]+]]: tensor<4x16xf32>)
// CHECK-NEXT: logbtq.sub [[A]], [[B]] : tensor<4x16xf32>, tensor<4x16xf32> -> tensor<4x16xf32>
func.func @sub_named(%a: tensor<4x16xf32>, %b: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %y = linalg.sub ins(%a, %b : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// CHECK-LABEL: func.func @mul_named(
// CHECK-SAME: [[A:%[a-z0-9_]+]]: tensor<4x16xf32>, [[B:%[a-z0-9_]+]]: tensor<4x16xf32>)
// CHECK-NEXT: logbtq.mul [[A]], [[B]] : tensor<4x16xf32>, tensor<4x16xf32> -> tensor<4x16xf32>
func.func @mul_named(%a: tensor<4x16xf32>, %b: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %y = linalg.mul ins(%a, %b : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// linalg.elementwise with a broadcasting indexing map on the rhs.
// CHECK-LABEL: func.func @sub_elementwise_broadcast(
// CHECK-SAME: [[A:%[a-z0-9_]+]]: tensor<4x16xf32>, [[B:%[a-z0-9_]+]]: tensor<16xf32>)
// CHECK-NEXT: logbtq.sub [[A]], [[B]] : tensor<4x16xf32>, tensor<16xf32> -> tensor<4x16xf32>
func.func @sub_elementwise_broadcast(%a: tensor<4x16xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %y = linalg.elementwise kind=#linalg.elementwise_kind<sub>
      indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>]
      ins(%a, %b : tensor<4x16xf32>, tensor<16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// CHECK-LABEL: func.func @mul_elementwise(
// CHECK-SAME: [[A:%[a-z0-9_]+]]: tensor<4x16xf32>, [[B:%[a-z0-9_]+]]: tensor<4x16xf32>)
// CHECK-NEXT: logbtq.mul [[A]], [[B]] : tensor<4x16xf32>, tensor<4x16xf32> -> tensor<4x16xf32>
func.func @mul_elementwise(%a: tensor<4x16xf32>, %b: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %y = linalg.elementwise kind=#linalg.elementwise_kind<mul>
      ins(%a, %b : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// A linalg.broadcast of a bias [N] over [M, N] is numpy broadcasting as is.
// CHECK-LABEL: func.func @add_row_bias(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x16xf32>, [[B:%[a-z0-9_]+]]: tensor<16xf32>)
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.add [[X]], [[B]] : tensor<4x16xf32>, tensor<16xf32> -> tensor<4x16xf32>
// CHECK-NEXT: return [[Y]]
func.func @add_row_bias(%x: tensor<4x16xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %bb = linalg.broadcast ins(%b : tensor<16xf32>) outs(%e : tensor<4x16xf32>) dimensions = [0]
  %y = linalg.add ins(%x, %bb : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// A per-channel [C] over NCHW is not numpy-aligned: reshaped to [C, 1, 1].
// CHECK-LABEL: func.func @add_channel_bias(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<2x4x3x3xf32>, [[B:%[a-z0-9_]+]]: tensor<4xf32>)
// CHECK-NEXT: [[R:%[a-z0-9_]+]] = logbtq.reshape [[B]] : tensor<4xf32> -> tensor<4x1x1xf32>
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.add [[X]], [[R]] : tensor<2x4x3x3xf32>, tensor<4x1x1xf32> -> tensor<2x4x3x3xf32>
// CHECK-NEXT: return [[Y]]
func.func @add_channel_bias(%x: tensor<2x4x3x3xf32>, %b: tensor<4xf32>) -> tensor<2x4x3x3xf32> {
  %e = tensor.empty() : tensor<2x4x3x3xf32>
  %bb = linalg.broadcast ins(%b : tensor<4xf32>) outs(%e : tensor<2x4x3x3xf32>) dimensions = [0, 2, 3]
  %y = linalg.add ins(%x, %bb : tensor<2x4x3x3xf32>, tensor<2x4x3x3xf32>) outs(%e : tensor<2x4x3x3xf32>) -> tensor<2x4x3x3xf32>
  return %y : tensor<2x4x3x3xf32>
}

// -----

// torch-mlir broadcasts size-1 dims with a constant 0 in the map; the
// operand keeps its shape. The body subtracts in the mirrored order.
// CHECK-LABEL: func.func @sub_generic_unit_dim(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x16xf32>, [[B:%[a-z0-9_]+]]: tensor<1x16xf32>)
// CHECK-NEXT: logbtq.sub [[B]], [[X]] : tensor<1x16xf32>, tensor<4x16xf32> -> tensor<4x16xf32>
func.func @sub_generic_unit_dim(%x: tensor<4x16xf32>, %b: tensor<1x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<4x16xf32>, tensor<1x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%in: f32, %in_b: f32, %out: f32):
    %s = arith.subf %in_b, %in : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// torch-mlir's aten.add.Tensor scales the rhs by alpha in the body; with
// alpha = 1 the driver folds the body down to one addf first.
// CHECK-LABEL: func.func @add_alpha_one(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x16xf32>, [[B:%[a-z0-9_]+]]: tensor<16xf32>)
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.add [[X]], [[B]] : tensor<4x16xf32>, tensor<16xf32> -> tensor<4x16xf32>
// CHECK-NEXT: return [[Y]]
func.func @add_alpha_one(%x: tensor<4x16xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %c1 = arith.constant 1 : i64
  %e = tensor.empty() : tensor<4x16xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<4x16xf32>, tensor<16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %alpha = arith.sitofp %c1 : i64 to f32
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.addf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// A transpose written as a copying generic, read by an add: the add takes
// the raised logbtq.transpose as it is.
// CHECK-LABEL: func.func @add_transposed(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x16xf32>, [[T:%[a-z0-9_]+]]: tensor<16x4xf32>)
// CHECK-NEXT: [[TT:%[a-z0-9_]+]] = logbtq.transpose [[T]] {perm = array<i64: 1, 0>} : tensor<16x4xf32> -> tensor<4x16xf32>
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.add [[X]], [[TT]] : tensor<4x16xf32>, tensor<4x16xf32> -> tensor<4x16xf32>
// CHECK-NEXT: return [[Y]]
func.func @add_transposed(%x: tensor<4x16xf32>, %t: tensor<16x4xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %tt = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%t : tensor<16x4xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<4x16xf32>
  %y = linalg.add ins(%x, %tt : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// A scalar constant captured by the body becomes a rank-0 operand.
// CHECK-LABEL: func.func @mul_generic_scalar(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x16xf32>)
// CHECK-DAG: [[TWO:%[a-z0-9_]+]] = arith.constant dense<2.000000e+00> : tensor<f32>
// CHECK: [[Y:%[a-z0-9_]+]] = logbtq.mul [[X]], [[TWO]] : tensor<4x16xf32>, tensor<f32> -> tensor<4x16xf32>
// CHECK-NEXT: return [[Y]]
func.func @mul_generic_scalar(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %two = arith.constant 2.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %two : f32
    linalg.yield %m : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// A filled operand that is not an init becomes a splat constant.
// CHECK-LABEL: func.func @add_filled(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x16xf32>)
// CHECK-DAG: [[ONE:%[a-z0-9_]+]] = arith.constant dense<1.000000e+00> : tensor<4x16xf32>
// CHECK: logbtq.add [[X]], [[ONE]] : tensor<4x16xf32>, tensor<4x16xf32> -> tensor<4x16xf32>
func.func @add_filled(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%one : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.add ins(%x, %f : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Division by a constant is a multiplication by its reciprocal.
// CHECK-LABEL: func.func @div_constant(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x16xf32>)
// CHECK-DAG: [[Q:%[a-z0-9_]+]] = arith.constant dense<2.500000e-01> : tensor<f32>
// CHECK: logbtq.mul [[X]], [[Q]] : tensor<4x16xf32>, tensor<f32> -> tensor<4x16xf32>
func.func @div_constant(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %c = arith.constant 4.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%c : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.div ins(%x, %f : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

//===----------------------------------------------------------------------===//
// Relu
//===----------------------------------------------------------------------===//

// -----

// CHECK-LABEL: func.func @relu_max_fill(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x16xf32>)
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.relu [[X]] : tensor<4x16xf32> -> tensor<4x16xf32>
// CHECK-NEXT: return [[Y]]
func.func @relu_max_fill(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.max ins(%x, %f : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Zero first, as a dense splat, through linalg.elementwise.
// CHECK-LABEL: func.func @relu_elementwise(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x16xf32>)
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.relu [[X]]
// CHECK-NEXT: return [[Y]]
func.func @relu_elementwise(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant dense<0.0> : tensor<4x16xf32>
  %e = tensor.empty() : tensor<4x16xf32>
  %y = linalg.elementwise kind=#linalg.elementwise_kind<max_signed>
      ins(%zero, %x : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// CHECK-LABEL: func.func @relu_maximumf(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x16xf32>)
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.relu [[X]]
// CHECK-NEXT: return [[Y]]
func.func @relu_maximumf(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// CHECK-LABEL: func.func @relu_maxnumf(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x16xf32>)
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.relu [[X]]
// CHECK-NEXT: return [[Y]]
func.func @relu_maxnumf(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %zero = arith.constant 0.0 : f32
    %m = arith.maxnumf %zero, %in : f32
    linalg.yield %m : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// torch-mlir's relu: cmpf ugt + select.
// CHECK-LABEL: func.func @relu_select(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x16xf32>)
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.relu [[X]]
// CHECK-NEXT: return [[Y]]
func.func @relu_select(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %zero = arith.constant 0.0 : f32
    %c = arith.cmpf ugt, %in, %zero : f32
    %s = arith.select %c, %in, %zero : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

// -----

// CHECK-LABEL: func.func @transpose(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<2x3x4xf32>)
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.transpose [[X]] {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
// CHECK-NEXT: return [[Y]]
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %e = tensor.empty() : tensor<4x2x3xf32>
  %y = linalg.transpose ins(%x : tensor<2x3x4xf32>) outs(%e : tensor<4x2x3xf32>) permutation = [2, 0, 1]
  return %y : tensor<4x2x3xf32>
}

// -----

// The same permutation as a copying generic: result[i, j, k] = x[j, k, i].
// CHECK-LABEL: func.func @transpose_generic(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<2x3x4xf32>)
// CHECK-NEXT: logbtq.transpose [[X]] {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
func.func @transpose_generic(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %e = tensor.empty() : tensor<4x2x3xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (j, k, i)>, affine_map<(i, j, k) -> (i, j, k)>], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<2x3x4xf32>) outs(%e : tensor<4x2x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<4x2x3xf32>
  return %y : tensor<4x2x3xf32>
}

// -----

// logbtq.reshape folds a chain of reshapes into one.
// CHECK-LABEL: func.func @collapse_expand(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<2x3x4xf32>)
// CHECK-NEXT: [[C:%[a-z0-9_]+]] = logbtq.reshape [[X]] : tensor<2x3x4xf32> -> tensor<2x12xf32>
// CHECK-NEXT: [[E:%[a-z0-9_]+]] = logbtq.reshape [[X]] : tensor<2x3x4xf32> -> tensor<2x12x1xf32>
// CHECK-NEXT: return [[C]], [[E]]
func.func @collapse_expand(%x: tensor<2x3x4xf32>) -> (tensor<2x12xf32>, tensor<2x12x1xf32>) {
  %c = tensor.collapse_shape %x [[0], [1, 2]] : tensor<2x3x4xf32> into tensor<2x12xf32>
  %e = tensor.expand_shape %c [[0], [1, 2]] output_shape [2, 12, 1] : tensor<2x12xf32> into tensor<2x12x1xf32>
  return %c, %e : tensor<2x12xf32>, tensor<2x12x1xf32>
}

// -----

// tensor.reshape (torch-mlir's aten.view when it cannot collapse or expand);
// its shape operand dies with it.
// CHECK-LABEL: func.func @reshape(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<2x6xf32>)
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.reshape [[X]] : tensor<2x6xf32> -> tensor<3x4xf32>
// CHECK-NEXT: return [[Y]]
func.func @reshape(%x: tensor<2x6xf32>) -> tensor<3x4xf32> {
  %shape = arith.constant dense<[3, 4]> : tensor<2xi64>
  %y = tensor.reshape %x(%shape) : (tensor<2x6xf32>, tensor<2xi64>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

// CHECK-LABEL: func.func @concat(
// CHECK-SAME: [[A:%[a-z0-9_]+]]: tensor<2x3xf32>, [[B:%[a-z0-9_]+]]: tensor<2x5xf32>)
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.concat [[A]], [[B]] {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
// CHECK-NEXT: return [[Y]]
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %y = tensor.concat dim(1) %a, %b : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func.func @softmax(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x10xf32>)
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.softmax [[X]] {axis = 1 : i64} : tensor<4x10xf32> -> tensor<4x10xf32>
// CHECK-NEXT: return [[Y]]
func.func @softmax(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %e = tensor.empty() : tensor<4x10xf32>
  %y = linalg.softmax dimension(1) ins(%x : tensor<4x10xf32>) outs(%e : tensor<4x10xf32>) -> tensor<4x10xf32>
  return %y : tensor<4x10xf32>
}

// -----

// A shape query may stay next to logbtq ops.
// CHECK-LABEL: func.func @dim_kept(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<?x16xf32>)
// CHECK-DAG: [[C0:%[a-z0-9_]+]] = arith.constant 0 : index
// CHECK-DAG: [[Y:%[a-z0-9_]+]] = logbtq.relu [[X]] : tensor<?x16xf32> -> tensor<?x16xf32>
// CHECK: [[N:%[a-z0-9_]+]] = tensor.dim [[Y]], [[C0]] : tensor<?x16xf32>
// CHECK-NEXT: return [[Y]], [[N]]
func.func @dim_kept(%x: tensor<?x16xf32>) -> (tensor<?x16xf32>, index) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x16xf32>
  %e = tensor.empty(%n) : tensor<?x16xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<?x16xf32>) outs(%e : tensor<?x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x16xf32>
  %m = tensor.dim %y, %c0 : tensor<?x16xf32>
  return %y, %m : tensor<?x16xf32>, index
}

// -----

// A function without Linalg or tensor ops is not touched, dead code included.
// CHECK-LABEL: func.func @untouched(
// CHECK-NEXT: arith.constant 1.000000e+00 : f32
// CHECK-NEXT: logbtq.relu
func.func @untouched(%x: tensor<4xf32>) -> tensor<4xf32> {
  %unused = arith.constant 1.0 : f32
  %y = logbtq.relu %x : tensor<4xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

//===----------------------------------------------------------------------===//
// Whole networks
//===----------------------------------------------------------------------===//

// -----

// A two-layer MLP as older torch-mlir emits it: the first layer a matmul on a
// zero fill plus a broadcasting add of the bias, relu as cmpf + select, the
// second layer aten.linear with the weight transposed and the bias broadcast
// by copying generics.
// CHECK-LABEL: func.func @mlp(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<8x784xf32>, [[W1:%[a-z0-9_]+]]: tensor<784x128xf32>, [[B1:%[a-z0-9_]+]]: tensor<128xf32>, [[W2:%[a-z0-9_]+]]: tensor<10x128xf32>, [[B2:%[a-z0-9_]+]]: tensor<10xf32>)
// CHECK-NEXT: [[H:%[a-z0-9_]+]] = logbtq.matmul [[X]], [[W1]] : tensor<8x784xf32>, tensor<784x128xf32> -> tensor<8x128xf32>
// CHECK-NEXT: [[HB:%[a-z0-9_]+]] = logbtq.add [[H]], [[B1]] : tensor<8x128xf32>, tensor<128xf32> -> tensor<8x128xf32>
// CHECK-NEXT: [[R:%[a-z0-9_]+]] = logbtq.relu [[HB]] : tensor<8x128xf32> -> tensor<8x128xf32>
// CHECK-NEXT: [[O:%[a-z0-9_]+]] = logbtq.matmul [[R]], [[W2]] {transpose_rhs} : tensor<8x128xf32>, tensor<10x128xf32> -> tensor<8x10xf32>
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.add [[O]], [[B2]] : tensor<8x10xf32>, tensor<10xf32> -> tensor<8x10xf32>
// CHECK-NEXT: return [[Y]] : tensor<8x10xf32>
#map2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
#swap = affine_map<(d0, d1) -> (d1, d0)>
func.func @mlp(%x: tensor<8x784xf32>, %w1: tensor<784x128xf32>, %b1: tensor<128xf32>,
               %w2: tensor<10x128xf32>, %b2: tensor<10xf32>) -> tensor<8x10xf32> {
  %cst = arith.constant 0.000000e+00 : f32
  %0 = tensor.empty() : tensor<8x128xf32>
  %1 = linalg.fill ins(%cst : f32) outs(%0 : tensor<8x128xf32>) -> tensor<8x128xf32>
  %2 = linalg.matmul ins(%x, %w1 : tensor<8x784xf32>, tensor<784x128xf32>) outs(%1 : tensor<8x128xf32>) -> tensor<8x128xf32>
  %3 = linalg.generic {indexing_maps = [#map2, #row, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%2, %b1 : tensor<8x128xf32>, tensor<128xf32>) outs(%0 : tensor<8x128xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %s = arith.addf %in, %in_0 : f32
    linalg.yield %s : f32
  } -> tensor<8x128xf32>
  %4 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%3 : tensor<8x128xf32>) outs(%0 : tensor<8x128xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = arith.cmpf ugt, %in, %cst : f32
    %s = arith.select %c, %in, %cst : f32
    linalg.yield %s : f32
  } -> tensor<8x128xf32>
  %5 = tensor.empty() : tensor<128x10xf32>
  %6 = linalg.generic {indexing_maps = [#swap, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%w2 : tensor<10x128xf32>) outs(%5 : tensor<128x10xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<128x10xf32>
  %7 = tensor.empty() : tensor<8x10xf32>
  %8 = linalg.generic {indexing_maps = [#row, #map2], iterator_types = ["parallel", "parallel"]}
      ins(%b2 : tensor<10xf32>) outs(%7 : tensor<8x10xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<8x10xf32>
  %9 = linalg.matmul ins(%4, %6 : tensor<8x128xf32>, tensor<128x10xf32>) outs(%8 : tensor<8x10xf32>) -> tensor<8x10xf32>
  return %9 : tensor<8x10xf32>
}

// -----

// A small CNN as current torch-mlir emits it (conv with padding and bias,
// relu, 2x2 max pool, flatten, linear).
// CHECK-LABEL: func.func @cnn(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<2x1x8x8xf32>, [[CW:%[a-z0-9_]+]]: tensor<4x1x3x3xf32>, [[CB:%[a-z0-9_]+]]: tensor<4xf32>, [[FW:%[a-z0-9_]+]]: tensor<10x64xf32>, [[FB:%[a-z0-9_]+]]: tensor<10xf32>)
// CHECK-NEXT: [[C:%[a-z0-9_]+]] = logbtq.conv2d [[X]], [[CW]], [[CB]] {pads = array<i64: 1, 1, 1, 1>} : (tensor<2x1x8x8xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<2x4x8x8xf32>
// CHECK-NEXT: [[R:%[a-z0-9_]+]] = logbtq.relu [[C]] : tensor<2x4x8x8xf32> -> tensor<2x4x8x8xf32>
// CHECK-NEXT: [[P:%[a-z0-9_]+]] = logbtq.max_pool2d [[R]] {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<2x4x8x8xf32> -> tensor<2x4x4x4xf32>
// CHECK-NEXT: [[F:%[a-z0-9_]+]] = logbtq.reshape [[P]] : tensor<2x4x4x4xf32> -> tensor<2x64xf32>
// CHECK-NEXT: [[M:%[a-z0-9_]+]] = logbtq.matmul [[F]], [[FW]] {transpose_rhs} : tensor<2x64xf32>, tensor<10x64xf32> -> tensor<2x10xf32>
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.add [[M]], [[FB]] : tensor<2x10xf32>, tensor<10xf32> -> tensor<2x10xf32>
// CHECK-NEXT: return [[Y]] : tensor<2x10xf32>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @cnn(%x: tensor<2x1x8x8xf32>, %cw: tensor<4x1x3x3xf32>, %cb: tensor<4xf32>,
               %fw: tensor<10x64xf32>, %fb: tensor<10xf32>) -> tensor<2x10xf32> {
  %cst = arith.constant 0.000000e+00 : f32
  %cst_0 = arith.constant 0xFF800000 : f32
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %cst : f32
  } : tensor<2x1x8x8xf32> to tensor<2x1x10x10xf32>
  %0 = tensor.empty() : tensor<2x4x8x8xf32>
  %broadcasted = linalg.broadcast ins(%cb : tensor<4xf32>) outs(%0 : tensor<2x4x8x8xf32>) dimensions = [0, 2, 3]
  %1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%padded, %cw : tensor<2x1x10x10xf32>, tensor<4x1x3x3xf32>) outs(%broadcasted : tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  %2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%1 : tensor<2x4x8x8xf32>) outs(%0 : tensor<2x4x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = arith.cmpf ugt, %in, %cst : f32
    %s = arith.select %c, %in, %cst : f32
    linalg.yield %s : f32
  } -> tensor<2x4x8x8xf32>
  %3 = tensor.empty() : tensor<2x4x4x4xf32>
  %4 = linalg.fill ins(%cst_0 : f32) outs(%3 : tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %5 = tensor.empty() : tensor<2x2xf32>
  %6 = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%2, %5 : tensor<2x4x8x8xf32>, tensor<2x2xf32>) outs(%4 : tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
  %collapsed = tensor.collapse_shape %6 [[0], [1, 2, 3]] : tensor<2x4x4x4xf32> into tensor<2x64xf32>
  %7 = tensor.empty() : tensor<64x10xf32>
  %transposed = linalg.transpose ins(%fw : tensor<10x64xf32>) outs(%7 : tensor<64x10xf32>) permutation = [1, 0]
  %8 = tensor.empty() : tensor<2x10xf32>
  %broadcasted_1 = linalg.broadcast ins(%fb : tensor<10xf32>) outs(%8 : tensor<2x10xf32>) dimensions = [0]
  %9 = linalg.matmul ins(%collapsed, %transposed : tensor<2x64xf32>, tensor<64x10xf32>) outs(%broadcasted_1 : tensor<2x10xf32>) -> tensor<2x10xf32>
  return %9 : tensor<2x10xf32>
}

//===----------------------------------------------------------------------===//
// Fused elementwise bodies
//===----------------------------------------------------------------------===//

// -----

// torch-mlir after elementwise fusion: the bias add and the relu (cmpf +
// select) in one body become an add and a relu.
// CHECK-LABEL: func.func @fused_bias_relu(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x16xf32>, [[B:%[a-z0-9_]+]]: tensor<16xf32>)
// CHECK-NEXT: [[S:%[a-z0-9_]+]] = logbtq.add [[X]], [[B]] : tensor<4x16xf32>, tensor<16xf32> -> tensor<4x16xf32>
// CHECK-NEXT: [[R:%[a-z0-9_]+]] = logbtq.relu [[S]] : tensor<4x16xf32> -> tensor<4x16xf32>
// CHECK-NEXT: return [[R]]
func.func @fused_bias_relu(%x: tensor<4x16xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<4x16xf32>, tensor<16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    %c = arith.cmpf ugt, %s, %zero : f32
    %r = arith.select %c, %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// GELU's erf form, x * 0.5 * (1 + erf(x / sqrt(2))): x is one tensor used
// three times, each captured scalar a rank-0 constant.
// CHECK-LABEL: func.func @fused_gelu(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x16xf32>)
// CHECK-DAG: [[HALF:%[a-z0-9_]+]] = arith.constant dense<5.000000e-01> : tensor<f32>
// CHECK-DAG: [[ONE:%[a-z0-9_]+]] = arith.constant dense<1.000000e+00> : tensor<f32>
// CHECK-DAG: [[C0:%[a-z0-9_]+]] = arith.constant dense<0.707106769> : tensor<f32>
// CHECK: [[SCALED:%[a-z0-9_]+]] = logbtq.mul [[X]], [[C0]] : tensor<4x16xf32>, tensor<f32> -> tensor<4x16xf32>
// CHECK-NEXT: [[ERF:%[a-z0-9_]+]] = logbtq.erf [[SCALED]] : tensor<4x16xf32> -> tensor<4x16xf32>
// CHECK-NEXT: [[SUM:%[a-z0-9_]+]] = logbtq.add [[ERF]], [[ONE]]
// CHECK-NEXT: [[HX:%[a-z0-9_]+]] = logbtq.mul [[X]], [[HALF]]
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.mul [[HX]], [[SUM]] : tensor<4x16xf32>, tensor<4x16xf32> -> tensor<4x16xf32>
// CHECK-NEXT: return [[Y]]
func.func @fused_gelu(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %half = arith.constant 0.5 : f32
  %one = arith.constant 1.0 : f32
  %rsqrt2 = arith.constant 0.707106769 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.mulf %in, %rsqrt2 : f32
    %erf = math.erf %s : f32
    %p = arith.addf %erf, %one : f32
    %h = arith.mulf %in, %half : f32
    %g = arith.mulf %h, %p : f32
    linalg.yield %g : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// A per-channel scale and shift of NCHW (parameters [C] read through d1):
// each gets the unit dims numpy broadcasting needs.
// CHECK-LABEL: func.func @fused_scale_shift(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<2x3x4x4xf32>, [[A:%[a-z0-9_]+]]: tensor<3xf32>, [[B:%[a-z0-9_]+]]: tensor<3xf32>)
// CHECK-NEXT: [[RA:%[a-z0-9_]+]] = logbtq.reshape [[A]] : tensor<3xf32> -> tensor<3x1x1xf32>
// CHECK-NEXT: [[M:%[a-z0-9_]+]] = logbtq.mul [[X]], [[RA]] : tensor<2x3x4x4xf32>, tensor<3x1x1xf32> -> tensor<2x3x4x4xf32>
// CHECK-NEXT: [[RB:%[a-z0-9_]+]] = logbtq.reshape [[B]] : tensor<3xf32> -> tensor<3x1x1xf32>
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.add [[M]], [[RB]] : tensor<2x3x4x4xf32>, tensor<3x1x1xf32> -> tensor<2x3x4x4xf32>
// CHECK-NEXT: return [[Y]]
func.func @fused_scale_shift(%x: tensor<2x3x4x4xf32>, %a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<2x3x4x4xf32> {
  %e = tensor.empty() : tensor<2x3x4x4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %a, %b : tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) outs(%e : tensor<2x3x4x4xf32>) {
  ^bb0(%in: f32, %s: f32, %t: f32, %out: f32):
    %m = arith.mulf %in, %s : f32
    %r = arith.addf %m, %t : f32
    linalg.yield %r : f32
  } -> tensor<2x3x4x4xf32>
  return %y : tensor<2x3x4x4xf32>
}

// -----

// A sigmoid spelled out, 1 / (1 + exp(-x)): a division of a constant by a
// tensor is logbtq.div.
// CHECK-LABEL: func.func @fused_sigmoid(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<8xf32>)
// CHECK-NEXT: [[ONE:%[a-z0-9_]+]] = arith.constant dense<1.000000e+00> : tensor<f32>
// CHECK-NEXT: [[N:%[a-z0-9_]+]] = logbtq.neg [[X]]
// CHECK-NEXT: [[E:%[a-z0-9_]+]] = logbtq.exp [[N]]
// CHECK-NEXT: [[D:%[a-z0-9_]+]] = logbtq.add [[E]], [[ONE]] : tensor<8xf32>, tensor<f32> -> tensor<8xf32>
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.div [[ONE]], [[D]] : tensor<f32>, tensor<8xf32> -> tensor<8xf32>
// CHECK-NEXT: return [[Y]]
func.func @fused_sigmoid(%x: tensor<8xf32>) -> tensor<8xf32> {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<8xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    %x1 = math.exp %n : f32
    %d = arith.addf %one, %x1 : f32
    %s = arith.divf %one, %d : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// One unary math op (rsqrt is 1 / sqrt).
// CHECK-LABEL: func.func @generic_rsqrt(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<8xf32>)
// CHECK-NEXT: [[ONE:%[a-z0-9_]+]] = arith.constant dense<1.000000e+00> : tensor<f32>
// CHECK-NEXT: [[R:%[a-z0-9_]+]] = logbtq.sqrt [[X]]
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.div [[ONE]], [[R]]
// CHECK-NEXT: return [[Y]]
func.func @generic_rsqrt(%x: tensor<8xf32>) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<8xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.rsqrt %in : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// A body that only reads a broadcast operand: the chain runs on [16], and a
// broadcast makes the result's shape.
// CHECK-LABEL: func.func @relu_broadcast(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<16xf32>)
// CHECK-NEXT: [[R:%[a-z0-9_]+]] = logbtq.relu [[X]] : tensor<16xf32> -> tensor<16xf32>
// CHECK-NEXT: [[Y:%[a-z0-9_]+]] = logbtq.broadcast [[R]] : tensor<16xf32> -> tensor<4x16xf32>
// CHECK-NEXT: return [[Y]]
func.func @relu_broadcast(%x: tensor<16xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Division and max of two tensors: logbtq.div and logbtq.max.
// CHECK-LABEL: func.func @div_max_tensors(
// CHECK-SAME: [[A:%[a-z0-9_]+]]: tensor<4x16xf32>, [[B:%[a-z0-9_]+]]: tensor<4x16xf32>)
// CHECK-NEXT: [[D:%[a-z0-9_]+]] = logbtq.div [[A]], [[B]] : tensor<4x16xf32>, tensor<4x16xf32> -> tensor<4x16xf32>
// CHECK-NEXT: [[M:%[a-z0-9_]+]] = logbtq.max [[D]], [[B]] : tensor<4x16xf32>, tensor<4x16xf32> -> tensor<4x16xf32>
// CHECK-NEXT: return [[M]]
func.func @div_max_tensors(%a: tensor<4x16xf32>, %b: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %d = linalg.div ins(%a, %b : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %m = linalg.max ins(%d, %b : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %m : tensor<4x16xf32>
}
