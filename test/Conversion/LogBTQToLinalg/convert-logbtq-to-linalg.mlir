// RUN: logbtq-opt %s -split-input-file -convert-logbtq-to-linalg -mlir-print-local-scope | FileCheck %s
// RUN: logbtq-opt %s -split-input-file -convert-logbtq-to-linalg | FileCheck %s --check-prefix=NONE

// The graph, loss and metric ops on f32 tensors; the numbers they compute are
// checked against PyTorch in test/Integration/Lowering. No logbtq op survives.
// NONE-NOT: logbtq.

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

// The packed f32 product (PackedProduct.h): A read in place ([1, 4, 8]),
// each tile packing its 16-column panel of B ([1, 1, 16, 16], the depth
// padded to 16; reads past an edge are 0) with one load per step, then
// four rows at a time (fewer than 8), one multiply-add per step and lane
// into vector<16xf32> accumulators (`contract`: FMA where the CPU has it).
// CHECK-LABEL: func.func @matmul(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x8xf32>, [[W:%[a-z0-9_]+]]: tensor<8x16xf32>)
// CHECK: [[ROWS:%.+]] = tensor.expand_shape [[X]] {{\[}}[0, 1], [2]] output_shape [1, 4, 8] : tensor<4x8xf32> into tensor<1x4x8xf32>
// CHECK: [[PANEL:%.+]] = scf.for {{.+}} -> (tensor<1x1x16x16xf32>)
// CHECK: [[K:%.+]] = arith.minui %{{.+}}, %c7{{[_0-9]*}} : index
// CHECK: [[WROW:%.+]] = vector.transfer_read [[W]]{{\[}}[[K]], %{{.+}}], %{{.+}} : tensor<8x16xf32>, vector<16xf32>
// CHECK: arith.select %{{.+}}, [[WROW]], %{{.+}} : vector<16xf32>
// CHECK: vector.transfer_write
// CHECK: scf.for {{.+}} step %c4{{.*}} iter_args({{.+}}) -> (tensor<1x4x16xf32>)
// CHECK: scf.for {{.+}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK: vector.transfer_read [[PANEL]]{{.+}} : tensor<1x1x16x16xf32>, vector<16xf32>
// CHECK: tensor.extract [[ROWS]]
// CHECK: [[P:%.+]] = arith.mulf %{{.+}}, %{{.+}} fastmath<contract> : vector<16xf32>
// CHECK: arith.addf %{{.+}}, [[P]] fastmath<contract> : vector<16xf32>
// CHECK: [[Y:%.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2]] : tensor<1x4x16xf32> into tensor<4x16xf32>
// CHECK: return [[Y]]
func.func @matmul(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %y = logbtq.matmul %x, %w : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// A transposed A is read in place too, by columns: the broadcast element of
// row i at depth r is X[r, i].
// CHECK-LABEL: func.func @matmul_transpose_lhs(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<8x4xf32>
// CHECK: [[COLS:%.+]] = tensor.expand_shape [[X]] {{\[}}[0, 1], [2]] output_shape [1, 8, 4] : tensor<8x4xf32> into tensor<1x8x4xf32>
// CHECK: scf.for [[R:%[a-z0-9_]+]] = {{.+}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK: tensor.extract [[COLS]][%{{.+}}, [[R]], %{{.+}}] : tensor<1x8x4xf32>
func.func @matmul_transpose_lhs(%x: tensor<8x4xf32>, %w: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %y = logbtq.matmul %x, %w {transpose_lhs} : tensor<8x4xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// A transposed B: the panel's 16 columns are 16 rows of W, loaded and
// transposed in registers (16 x 16).
// CHECK-LABEL: func.func @matmul_transpose_rhs(
// CHECK-SAME: [[W:%[a-z0-9_]+]]: tensor<16x8xf32>)
// CHECK: scf.for {{.+}} -> (tensor<1x1x16x16xf32>)
// CHECK-COUNT-16: vector.transfer_read [[W]]{{.+}} : tensor<16x8xf32>, vector<16xf32>
// CHECK: vector.transpose %{{.+}}, [1, 0] : vector<16x16xf32> to vector<16x16xf32>
// CHECK-COUNT-16: vector.transfer_write
func.func @matmul_transpose_rhs(%x: tensor<4x8xf32>, %w: tensor<16x8xf32>) -> tensor<4x16xf32> {
  %y = logbtq.matmul %x, %w {transpose_rhs} : tensor<4x8xf32>, tensor<16x8xf32> -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_transpose_both(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<8x4xf32>, [[W:%[a-z0-9_]+]]: tensor<16x8xf32>)
// CHECK: [[COLS:%.+]] = tensor.expand_shape [[X]] {{.+}} into tensor<1x8x4xf32>
// CHECK: vector.transfer_read [[W]]{{.+}} : tensor<16x8xf32>, vector<16xf32>
// CHECK: vector.transpose
// CHECK: tensor.extract [[COLS]]
// CHECK: tensor.collapse_shape {{.+}} into tensor<4x16xf32>
func.func @matmul_transpose_both(%x: tensor<8x4xf32>, %w: tensor<16x8xf32>) -> tensor<4x16xf32> {
  %y = logbtq.matmul %x, %w {transpose_lhs, transpose_rhs} : tensor<8x4xf32>, tensor<16x8xf32> -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

//===----------------------------------------------------------------------===//
// conv2d
//===----------------------------------------------------------------------===//

// -----

// No padding, no bias, stride 1: the input padded on the right as far as
// a panel's loads reach (16 + 2 columns); one panel of 16 lanes per output
// row and image, packed at the start of its tile (an image and an output
// row) and read there by the product; a tap k = (c, kh, kw) read as one
// 16-lane load of an input row (no column tensor, no computed reads) at
// offsets (c, kh, kw) from a [27, 3] table (no divisions); the filter
// [4, 27] packed as rows; the product into 6 x 6 dense columns, each
// panel's tile the rest of its row (masked stores).
// CHECK-LABEL: func.func @conv2d(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<2x3x8x8xf32>, [[W:%[a-z0-9_]+]]: tensor<4x3x3x3xf32>)
// CHECK: [[WIDE:%.+]] = tensor.pad [[X]] low[0, 0, 0, 0] high[0, 0, 0, 10]
// CHECK: } : tensor<2x3x8x8xf32> to tensor<2x3x8x18xf32>
// CHECK: [[TAPS:%.+]] = arith.constant dense<{{\[}}[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 1, 0], {{.+}}, [2, 2, 2]]> : tensor<27x3xi32>
// CHECK: [[WS:%.+]] = tensor.collapse_shape [[W]] {{\[}}[0], [1, 2, 3]] : tensor<4x3x3x3xf32> into tensor<4x27xf32>
// CHECK: [[ROWS:%.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<1x4x27xf32>)
// CHECK: tensor.extract [[WS]]
// CHECK: scf.for {{.+}} -> (tensor<2x4x36xf32>)
// CHECK: scf.for {{.+}} -> (tensor<2x4x36xf32>)
// CHECK: [[PANEL:%.+]] = scf.for {{.+}} -> (tensor<1x1x27x16xf32>)
// CHECK-NOT: arith.divui
// CHECK: tensor.extract [[TAPS]]
// CHECK: [[V:%.+]] = vector.transfer_read [[WIDE]]{{.+}} : tensor<2x3x8x18xf32>, vector<16xf32>
// CHECK: arith.select %{{.+}}, [[V]]
// CHECK: vector.transfer_write {{.+}} : vector<16xf32>, tensor<1x1x27x16xf32>
// CHECK-NOT: tensor.extract [[WIDE]]
// CHECK: vector.transfer_read [[PANEL]]
// CHECK: tensor.extract [[ROWS]]
// CHECK: arith.mulf {{.+}} fastmath<contract> : vector<16xf32>
// CHECK: vector.transfer_write %{{.+}} : vector<16xf32>, tensor<1x4x?xf32>
// CHECK: [[Y:%.+]] = tensor.expand_shape %{{.+}} {{\[}}[0], [1], [2, 3]] output_shape [2, 4, 6, 6] : tensor<2x4x36xf32> into tensor<2x4x6x6xf32>
// CHECK: return [[Y]]
func.func @conv2d(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32> {
  %y = logbtq.conv2d %x, %w : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
  return %y : tensor<2x4x6x6xf32>
}

// -----

// pads [top, left, bottom, right] = [1, 0, 0, 2] become low [.., 1, 0] and
// high [.., 0, 2], and the panels' loads widen the right pad to 16 * 3 +
// 2 * 2 columns in all: one pad, 2 + 42 on the right. The bias is added per
// channel (dim 1) afterwards.
// CHECK-LABEL: func.func @conv2d_pads_strides_dilations_bias(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<2x3x8x8xf32>, [[W:%[a-z0-9_]+]]: tensor<4x3x3x3xf32>, [[B:%[a-z0-9_]+]]: tensor<4xf32>)
// (The conversion leaves the narrower pad it merged unused, for the
// canonicalizer to remove.)
// CHECK: [[WIDE:%.+]] = tensor.pad [[X]] low[0, 0, 1, 0] high[0, 0, 0, 44]
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tensor.yield %{{.+}} : f32
// CHECK-NEXT: } : tensor<2x3x8x8xf32> to tensor<2x3x9x52xf32>
// CHECK-NOT: tensor.pad
// Strides (2, 3) and dilations (1, 2) are in the panel's loads: row
// oh*2 + kh*1, columns from ow0*3 + kw*2, 48 of them, of which every third
// is a lane. One panel per output row (4 per image), of whose 16 lanes the
// row's 2 pixels are stored.
// The tap table holds kh * 1 and kw * 2.
// CHECK: arith.constant dense<{{\[}}[0, 0, 0], [0, 0, 2], [0, 0, 4], [0, 1, 0], {{.+}}, [2, 2, 4]]> : tensor<27x3xi32>
// CHECK: arith.muli %{{.+}}, %c2{{[_0-9]*}} : index
// CHECK: arith.muli %{{.+}}, %c3{{[_0-9]*}} : index
// CHECK: scf.for {{.+}} -> (tensor<1x1x27x16xf32>)
// CHECK: [[ROW:%.+]] = vector.transfer_read [[WIDE]]{{.+}} : tensor<2x3x9x52xf32>, vector<48xf32>
// CHECK: vector.shuffle [[ROW]], [[ROW]] [0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45] : vector<48xf32>, vector<48xf32>
// CHECK: [[C:%.+]] = tensor.expand_shape %{{.+}} {{\[}}[0], [1], [2, 3]] output_shape [2, 4, 4, 2]
// CHECK: [[Y:%.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: ins([[C]], [[B]] : tensor<2x4x4x2xf32>, tensor<4xf32>)
// CHECK: arith.addf
// CHECK: return [[Y]]
func.func @conv2d_pads_strides_dilations_bias(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<2x4x4x2xf32> {
  %y = logbtq.conv2d %x, %w, %b {pads = array<i64: 1, 0, 0, 2>, strides = array<i64: 2, 3>, dilations = array<i64: 1, 2>}
      : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<2x4x4x2xf32>
  return %y : tensor<2x4x4x2xf32>
}

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

// -----

// CHECK-LABEL: func.func @relu(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x5xf32>)
// CHECK: [[E:%.+]] = tensor.empty() : tensor<4x5xf32>
// CHECK: [[Y:%.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins([[X]] : tensor<4x5xf32>) outs([[E]] : tensor<4x5xf32>)
// CHECK-NEXT: ^bb0([[IN:%.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: [[ZERO:%.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: [[M:%.+]] = arith.maximumf [[IN]], [[ZERO]] : f32
// CHECK-NEXT: linalg.yield [[M]] : f32
// CHECK: return [[Y]]
func.func @relu(%x: tensor<4x5xf32>) -> tensor<4x5xf32> {
  %y = logbtq.relu %x : tensor<4x5xf32> -> tensor<4x5xf32>
  return %y : tensor<4x5xf32>
}

// -----

// 1 / (1 + exp(-x))
// CHECK-LABEL: func.func @sigmoid(
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0([[IN:%.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: [[ONE:%.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: [[NEG:%.+]] = arith.negf [[IN]] : f32
// CHECK-NEXT: [[EXP:%.+]] = math.exp [[NEG]] : f32
// CHECK-NEXT: [[DEN:%.+]] = arith.addf [[ONE]], [[EXP]] : f32
// CHECK-NEXT: [[Y:%.+]] = arith.divf [[ONE]], [[DEN]] : f32
// CHECK-NEXT: linalg.yield [[Y]] : f32
func.func @sigmoid(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = logbtq.sigmoid %x : tensor<8xf32> -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// CHECK-LABEL: func.func @tanh(
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0([[IN:%.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: [[Y:%.+]] = math.tanh [[IN]] : f32
// CHECK-NEXT: linalg.yield [[Y]] : f32
func.func @tanh(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = logbtq.tanh %x : tensor<8xf32> -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// CHECK-LABEL: func.func @clip(
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0([[IN:%.+]]: f32, %{{.+}}: f32):
// CHECK-DAG: [[LO:%.+]] = arith.constant -5.000000e-01 : f32
// CHECK-DAG: [[HI:%.+]] = arith.constant 6.000000e+00 : f32
// CHECK: [[M:%.+]] = arith.maximumf [[IN]], [[LO]] : f32
// CHECK-NEXT: [[Y:%.+]] = arith.minimumf [[M]], [[HI]] : f32
// CHECK-NEXT: linalg.yield [[Y]] : f32
func.func @clip(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = logbtq.clip %x {min = -0.5 : f32, max = 6.0 : f32} : tensor<8xf32> -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// Dropout is the identity.
// CHECK-LABEL: func.func @dropout(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<8xf32>)
// CHECK-NEXT: return [[X]] : tensor<8xf32>
func.func @dropout(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = logbtq.dropout %x {ratio = 0.5 : f32} : tensor<8xf32> -> tensor<8xf32>
  return %y : tensor<8xf32>
}

//===----------------------------------------------------------------------===//
// Binary, with broadcasting
//===----------------------------------------------------------------------===//

// -----

// CHECK-LABEL: func.func @add(
// CHECK-SAME: [[A:%[a-z0-9_]+]]: tensor<4x5xf32>, [[B:%[a-z0-9_]+]]: tensor<4x5xf32>)
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins([[A]], [[B]] : tensor<4x5xf32>, tensor<4x5xf32>)
// CHECK-NEXT: ^bb0([[L:%.+]]: f32, [[R:%.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: [[Y:%.+]] = arith.addf [[L]], [[R]] : f32
// CHECK-NEXT: linalg.yield [[Y]] : f32
func.func @add(%a: tensor<4x5xf32>, %b: tensor<4x5xf32>) -> tensor<4x5xf32> {
  %y = logbtq.add %a, %b : tensor<4x5xf32>, tensor<4x5xf32> -> tensor<4x5xf32>
  return %y : tensor<4x5xf32>
}

// -----

// A missing leading dim is not indexed; a stretched size-1 dim reads index 0.
// CHECK-LABEL: func.func @add_broadcast(
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d1, 0)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]
// CHECK-SAME: ins(%{{.+}}, %{{.+}} : tensor<2x3x4xf32>, tensor<3x1xf32>) outs(%{{.+}} : tensor<2x3x4xf32>)
// CHECK: arith.addf
func.func @add_broadcast(%a: tensor<2x3x4xf32>, %b: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %y = logbtq.add %a, %b : tensor<2x3x4xf32>, tensor<3x1xf32> -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// -----

// Both operands broadcast; sub keeps its operand order.
// CHECK-LABEL: func.func @sub_broadcast_both(
// CHECK-SAME: [[A:%[a-z0-9_]+]]: tensor<3x1xf32>, [[B:%[a-z0-9_]+]]: tensor<1x4xf32>)
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (0, d1)>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK-SAME: ins([[A]], [[B]] : tensor<3x1xf32>, tensor<1x4xf32>) outs(%{{.+}} : tensor<3x4xf32>)
// CHECK-NEXT: ^bb0([[L:%.+]]: f32, [[R:%.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: arith.subf [[L]], [[R]] : f32
func.func @sub_broadcast_both(%a: tensor<3x1xf32>, %b: tensor<1x4xf32>) -> tensor<3x4xf32> {
  %y = logbtq.sub %a, %b : tensor<3x1xf32>, tensor<1x4xf32> -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

// A 0-d operand has the empty map.
// CHECK-LABEL: func.func @mul_scalar_tensor(
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK-SAME: ins(%{{.+}}, %{{.+}} : tensor<4x5xf32>, tensor<f32>)
// CHECK: arith.mulf
func.func @mul_scalar_tensor(%a: tensor<4x5xf32>, %s: tensor<f32>) -> tensor<4x5xf32> {
  %y = logbtq.mul %a, %s : tensor<4x5xf32>, tensor<f32> -> tensor<4x5xf32>
  return %y : tensor<4x5xf32>
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

// -----

// Windows that tile the input (stride = kernel, no padding): no tensor.pad,
// and rows of 16 windows as vector code (PoolRows.h). An scf.forall over
// (image, channel, output row); for each offset (kh, kw), in row-major
// order, one 32-lane read of input row oh * 2 + kh from column ow0 * 2 + kw
// (lanes past the end read -inf) and a shuffle of every other lane; the
// maximum from -inf, as linalg.pooling_nchw_max takes it; one store, which
// stops at the row's 2 windows.
// CHECK-LABEL: func.func @max_pool2d(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<1x2x4x4xf32>)
// CHECK-NOT: tensor.pad
// CHECK: [[NEGINF:%.+]] = arith.constant 0xFF800000 : f32
// CHECK: [[Y:%.+]] = scf.forall ({{.+}}) in (1, 2, 2) shared_outs({{.+}}) -> (tensor<1x2x2x2xf32>)
// CHECK: tensor.extract_slice {{.+}} to tensor<1x1x1x2xf32>
// CHECK: [[INIT:%.+]] = vector.broadcast [[NEGINF]] : f32 to vector<16xf32>
// CHECK: [[R0:%.+]] = vector.transfer_read [[X]]{{.+}}, [[NEGINF]] : tensor<1x2x4x4xf32>, vector<32xf32>
// CHECK: [[A:%.+]] = vector.shuffle [[R0]], [[R0]] [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]
// CHECK: [[M:%.+]] = arith.maximumf [[INIT]], [[A]] : vector<16xf32>
// CHECK: vector.transfer_read [[X]]
// CHECK: [[B:%.+]] = vector.shuffle
// CHECK: arith.maximumf [[M]], [[B]] : vector<16xf32>
// CHECK-COUNT-2: arith.maximumf
// CHECK-NOT: arith.maximumf
// CHECK: vector.transfer_write %{{.+}} : vector<16xf32>, tensor<1x1x1x2xf32>
// CHECK-NOT: tensor.extract
// CHECK: return [[Y]]
func.func @max_pool2d(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %y = logbtq.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Padding with -inf never wins the max.
// CHECK-LABEL: func.func @max_pool2d_pads(
// CHECK: [[NEGINF:%.+]] = arith.constant 0xFF800000 : f32
// CHECK: [[P:%.+]] = tensor.pad %{{.+}} low[0, 0, 1, 2] high[0, 0, 1, 0]
// CHECK: tensor.yield [[NEGINF]] : f32
// CHECK-NEXT: } : tensor<1x2x5x5xf32> to tensor<1x2x7x7xf32>
// CHECK: linalg.generic {{.+}} outs(%{{.+}} : tensor<1x2x3x5xf32>)
// CHECK-COUNT-9: tensor.extract [[P]]
// CHECK-NOT: tensor.extract
// CHECK: linalg.yield
func.func @max_pool2d_pads(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x5xf32> {
  %y = logbtq.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 1>, pads = array<i64: 1, 2, 1, 0>} : tensor<1x2x5x5xf32> -> tensor<1x2x3x5xf32>
  return %y : tensor<1x2x3x5xf32>
}

// -----

// ceil_mode: the last, partial window needs one more row and column of -inf
// at the end (5 -> 6, so that 3 windows of 2 with stride 2 fit).
// CHECK-LABEL: func.func @max_pool2d_ceil(
// CHECK: tensor.pad %{{.+}} low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: } : tensor<1x2x5x5xf32> to tensor<1x2x6x6xf32>
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.+}} : tensor<1x2x3x3xf32>)
func.func @max_pool2d_ceil(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %y = logbtq.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, ceil_mode} : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// A window of more than 16 offsets (5 x 4) stays the named op; the window
// operand only gives the kernel shape.
// CHECK-LABEL: func.func @max_pool2d_large(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<1x2x10x8xf32>)
// CHECK: [[NEGINF:%.+]] = arith.constant 0xFF800000 : f32
// CHECK: [[INIT:%.+]] = linalg.fill ins([[NEGINF]] : f32) outs(%{{.+}} : tensor<1x2x2x2xf32>)
// CHECK: [[WIN:%.+]] = tensor.empty() : tensor<5x4xf32>
// CHECK: [[Y:%.+]] = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<[5, 4]> : tensor<2xi64>}
// CHECK-SAME: ins([[X]], [[WIN]] : tensor<1x2x10x8xf32>, tensor<5x4xf32>) outs([[INIT]] : tensor<1x2x2x2xf32>)
// CHECK: return [[Y]]
func.func @max_pool2d_large(%x: tensor<1x2x10x8xf32>) -> tensor<1x2x2x2xf32> {
  %y = logbtq.max_pool2d %x {kernel = array<i64: 5, 4>, strides = array<i64: 5, 4>} : tensor<1x2x10x8xf32> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Every window holds 4 elements: one scalar divisor. The windows tile the
// input: the sums are vector code, from 0 in row-major order.
// CHECK-LABEL: func.func @avg_pool2d(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<1x2x4x4xf32>)
// CHECK-NOT: tensor.pad
// CHECK: [[ZERO:%.+]] = arith.constant 0.000000e+00 : f32
// CHECK: [[SUM:%.+]] = scf.forall {{.+}} -> (tensor<1x2x2x2xf32>)
// CHECK: [[INIT:%.+]] = vector.broadcast [[ZERO]] : f32 to vector<16xf32>
// CHECK: vector.transfer_read [[X]]
// CHECK: [[A:%.+]] = vector.shuffle
// CHECK-NEXT: [[S0:%.+]] = arith.addf [[INIT]], [[A]] : vector<16xf32>
// CHECK-COUNT-3: arith.addf
// CHECK-NOT: arith.addf
// CHECK: vector.transfer_write
// CHECK: [[FOUR:%.+]] = arith.constant 4.000000e+00 : f32
// CHECK: [[Y:%.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// CHECK-SAME: ins([[SUM]] : tensor<1x2x2x2xf32>)
// CHECK-NEXT: ^bb0([[S:%.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: [[Q:%.+]] = arith.divf [[S]], [[FOUR]] : f32
// CHECK-NEXT: linalg.yield [[Q]] : f32
// CHECK: return [[Y]]
func.func @avg_pool2d(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %y = logbtq.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Without count_include_pad the border windows count only input elements:
// the divisors are an [OH, OW] constant read through (d2, d3).
// CHECK-LABEL: func.func @avg_pool2d_pads(
// CHECK: [[ZERO:%.+]] = arith.constant 0.000000e+00 : f32
// CHECK: [[P:%.+]] = tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield [[ZERO]] : f32
// CHECK: [[SUM:%.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<1x2x3x3xf32>)
// CHECK-COUNT-9: tensor.extract [[P]]
// CHECK: linalg.yield
// CHECK: [[COUNTS:%.+]] = arith.constant dense<{{\[}}[4.000000e+00, 6.000000e+00, 4.000000e+00], [6.000000e+00, 9.000000e+00, 6.000000e+00], [4.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<3x3xf32>
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// CHECK-SAME: ins([[SUM]], [[COUNTS]] : tensor<1x2x3x3xf32>, tensor<3x3xf32>)
// CHECK-NEXT: ^bb0([[S:%.+]]: f32, [[C:%.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: arith.divf [[S]], [[C]] : f32
func.func @avg_pool2d_pads(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %y = logbtq.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// With count_include_pad every window lies in the padded input: all count 9.
// CHECK-LABEL: func.func @avg_pool2d_pads_include(
// CHECK: linalg.generic
// CHECK: [[NINE:%.+]] = arith.constant 9.000000e+00 : f32
// CHECK: linalg.generic
// CHECK: arith.divf %{{.+}}, [[NINE]] : f32
func.func @avg_pool2d_pads_include(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %y = logbtq.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, count_include_pad} : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// ceil_mode with count_include_pad (PyTorch): the last window starts at 5 in
// the padded input of 8 (pads 1 + 6 + 1) and is clipped to it, so it counts
// 3 x 2 or 2 x 2; the extra end padding for it (one more zero) is not counted.
// CHECK-LABEL: func.func @avg_pool2d_ceil_include(
// CHECK: tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 2, 2]
// CHECK: } : tensor<1x2x6x6xf32> to tensor<1x2x9x9xf32>
// CHECK: arith.constant dense<{{\[}}[9.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [9.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [9.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [6.000000e+00, 6.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<4x4xf32>
func.func @avg_pool2d_ceil_include(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x4x4xf32> {
  %y = logbtq.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, ceil_mode, count_include_pad} : tensor<1x2x6x6xf32> -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// The same without count_include_pad: windows count only input elements.
// CHECK-LABEL: func.func @avg_pool2d_ceil(
// CHECK: arith.constant dense<{{\[}}[4.000000e+00, 6.000000e+00, 6.000000e+00, 2.000000e+00], [6.000000e+00, 9.000000e+00, 9.000000e+00, 3.000000e+00], [6.000000e+00, 9.000000e+00, 9.000000e+00, 3.000000e+00], [2.000000e+00, 3.000000e+00, 3.000000e+00, 1.000000e+00]]> : tensor<4x4xf32>
func.func @avg_pool2d_ceil(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x4x4xf32> {
  %y = logbtq.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, ceil_mode} : tensor<1x2x6x6xf32> -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

// -----

// CHECK-LABEL: func.func @reshape_collapse(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<2x3x4xf32>)
// CHECK-NEXT: [[Y:%.+]] = tensor.collapse_shape [[X]] {{\[}}[0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK-NEXT: return [[Y]]
func.func @reshape_collapse(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %y = logbtq.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  return %y : tensor<6x4xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_expand(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<2x3xf32>)
// CHECK-NEXT: [[Y:%.+]] = tensor.expand_shape [[X]] {{\[}}[0], [1, 2]] output_shape [2, 1, 3] : tensor<2x3xf32> into tensor<2x1x3xf32>
// CHECK-NEXT: return [[Y]]
func.func @reshape_expand(%x: tensor<2x3xf32>) -> tensor<2x1x3xf32> {
  %y = logbtq.reshape %x : tensor<2x3xf32> -> tensor<2x1x3xf32>
  return %y : tensor<2x1x3xf32>
}

// -----

// 2x3x4 -> 4x6 regroups the dims: through 1-D.
// CHECK-LABEL: func.func @reshape_regroup(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<2x3x4xf32>)
// CHECK-NEXT: [[F:%.+]] = tensor.collapse_shape [[X]] {{\[}}[0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK-NEXT: [[Y:%.+]] = tensor.expand_shape [[F]] {{\[}}[0, 1]] output_shape [4, 6] : tensor<24xf32> into tensor<4x6xf32>
// CHECK-NEXT: return [[Y]]
func.func @reshape_regroup(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %y = logbtq.reshape %x : tensor<2x3x4xf32> -> tensor<4x6xf32>
  return %y : tensor<4x6xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_from_rank0(
// CHECK-NEXT: tensor.expand_shape %{{.+}} [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
func.func @reshape_from_rank0(%x: tensor<f32>) -> tensor<1x1xf32> {
  %y = logbtq.reshape %x : tensor<f32> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_to_rank0(
// CHECK-NEXT: tensor.collapse_shape %{{.+}} [] : tensor<1x1xf32> into tensor<f32>
func.func @reshape_to_rank0(%x: tensor<1x1xf32>) -> tensor<f32> {
  %y = logbtq.reshape %x : tensor<1x1xf32> -> tensor<f32>
  return %y : tensor<f32>
}

// -----

// CHECK-LABEL: func.func @transpose(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<2x3x4x5xf32>)
// CHECK: [[E:%.+]] = tensor.empty() : tensor<2x4x5x3xf32>
// CHECK: [[Y:%.+]] = linalg.transpose ins([[X]] : tensor<2x3x4x5xf32>) outs([[E]] : tensor<2x4x5x3xf32>) permutation = [0, 2, 3, 1]
// CHECK: return [[Y]]
func.func @transpose(%x: tensor<2x3x4x5xf32>) -> tensor<2x4x5x3xf32> {
  %y = logbtq.transpose %x {perm = array<i64: 0, 2, 3, 1>} : tensor<2x3x4x5xf32> -> tensor<2x4x5x3xf32>
  return %y : tensor<2x4x5x3xf32>
}

// -----

// CHECK-LABEL: func.func @concat(
// CHECK-SAME: [[A:%[a-z0-9_]+]]: tensor<2x3xf32>, [[B:%[a-z0-9_]+]]: tensor<2x5xf32>, [[C:%[a-z0-9_]+]]: tensor<2x1xf32>)
// CHECK: [[E:%.+]] = tensor.empty() : tensor<2x9xf32>
// CHECK: [[I0:%.+]] = tensor.insert_slice [[A]] into [[E]][0, 0] [2, 3] [1, 1] : tensor<2x3xf32> into tensor<2x9xf32>
// CHECK: [[I1:%.+]] = tensor.insert_slice [[B]] into [[I0]][0, 3] [2, 5] [1, 1] : tensor<2x5xf32> into tensor<2x9xf32>
// CHECK: [[I2:%.+]] = tensor.insert_slice [[C]] into [[I1]][0, 8] [2, 1] [1, 1] : tensor<2x1xf32> into tensor<2x9xf32>
// CHECK: return [[I2]]
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>, %c: tensor<2x1xf32>) -> tensor<2x9xf32> {
  %y = logbtq.concat %a, %b, %c {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>, tensor<2x1xf32>) -> tensor<2x9xf32>
  return %y : tensor<2x9xf32>
}

// -----

// CHECK-LABEL: func.func @concat_single(
// CHECK-SAME: [[A:%[a-z0-9_]+]]: tensor<2x3xf32>)
// CHECK-NEXT: return [[A]]
func.func @concat_single(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = logbtq.concat %a {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

// -----

// Stable softmax along axis 0: max, then sum of exp(x - max) (both reduce
// d0), then exp(x - max) / sum.
// CHECK-LABEL: func.func @softmax(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<3x4xf32>)
// CHECK: [[NEGINF:%.+]] = arith.constant 0xFF800000 : f32
// CHECK: [[MAXINIT:%.+]] = linalg.fill ins([[NEGINF]] : f32) outs(%{{.+}} : tensor<4xf32>)
// CHECK: [[MAX:%.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>], iterator_types = ["reduction", "parallel"]}
// CHECK-SAME: ins([[X]] : tensor<3x4xf32>) outs([[MAXINIT]] : tensor<4xf32>)
// CHECK: arith.maximumf
// CHECK: [[SUM:%.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d1)>], iterator_types = ["reduction", "parallel"]}
// CHECK-SAME: ins([[X]], [[MAX]] : tensor<3x4xf32>, tensor<4xf32>)
// CHECK-NEXT: ^bb0([[IN:%.+]]: f32, [[M:%.+]]: f32, [[ACC:%.+]]: f32):
// CHECK-NEXT: [[D:%.+]] = arith.subf [[IN]], [[M]] : f32
// CHECK-NEXT: [[EXP:%.+]] = math.exp [[D]] : f32
// CHECK-NEXT: arith.addf [[ACC]], [[EXP]] : f32
// CHECK: [[Y:%.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins([[X]], [[MAX]], [[SUM]] : tensor<3x4xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK-NEXT: ^bb0([[IN:%.+]]: f32, [[M:%.+]]: f32, [[S:%.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: [[D:%.+]] = arith.subf [[IN]], [[M]] : f32
// CHECK-NEXT: [[EXP:%.+]] = math.exp [[D]] : f32
// CHECK-NEXT: arith.divf [[EXP]], [[S]] : f32
// CHECK: return [[Y]]
func.func @softmax(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %y = logbtq.softmax %x {axis = 0 : i64} : tensor<3x4xf32> -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

// log_softmax along the last axis: (x - max) - log(sum).
// CHECK-LABEL: func.func @log_softmax(
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-NEXT: ^bb0([[IN:%.+]]: f32, [[M:%.+]]: f32, [[S:%.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: [[D:%.+]] = arith.subf [[IN]], [[M]] : f32
// CHECK-NEXT: [[LOG:%.+]] = math.log [[S]] : f32
// CHECK-NEXT: arith.subf [[D]], [[LOG]] : f32
func.func @log_softmax(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %y = logbtq.log_softmax %x {axis = 2 : i64} : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// -----

// scale / sqrt(var + eps) per channel first, then (x - mean) * that + bias
// with the parameters read through d1.
// CHECK-LABEL: func.func @batch_norm(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<2x3x4x4xf32>, [[SCALE:%[a-z0-9_]+]]: tensor<3xf32>, [[BIAS:%[a-z0-9_]+]]: tensor<3xf32>, [[MEAN:%[a-z0-9_]+]]: tensor<3xf32>, [[VAR:%[a-z0-9_]+]]: tensor<3xf32>)
// CHECK: [[EPS:%.+]] = arith.constant 1.000000e-03 : f32
// CHECK: [[MUL:%.+]] = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
// CHECK-SAME: ins([[SCALE]], [[VAR]] : tensor<3xf32>, tensor<3xf32>)
// CHECK-NEXT: ^bb0([[S:%.+]]: f32, [[V:%.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: [[VE:%.+]] = arith.addf [[V]], [[EPS]] : f32
// CHECK-NEXT: [[ROOT:%.+]] = math.sqrt [[VE]] : f32
// CHECK-NEXT: arith.divf [[S]], [[ROOT]] : f32
// CHECK: [[Y:%.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// CHECK-SAME: ins([[X]], [[MEAN]], [[MUL]], [[BIAS]] :
// CHECK-NEXT: ^bb0([[IN:%.+]]: f32, [[M:%.+]]: f32, [[K:%.+]]: f32, [[B:%.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: [[C:%.+]] = arith.subf [[IN]], [[M]] : f32
// CHECK-NEXT: [[P:%.+]] = arith.mulf [[C]], [[K]] : f32
// CHECK-NEXT: arith.addf [[P]], [[B]] : f32
// CHECK: return [[Y]]
func.func @batch_norm(%x: tensor<2x3x4x4xf32>, %scale: tensor<3xf32>, %bias: tensor<3xf32>, %mean: tensor<3xf32>, %var: tensor<3xf32>) -> tensor<2x3x4x4xf32> {
  %y = logbtq.batch_norm %x, %scale, %bias, %mean, %var {epsilon = 1.0e-3 : f32}
      : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x4xf32>
  return %y : tensor<2x3x4x4xf32>
}

// -----

// Each row's (d0, d1) sum and then sum of centered squares, reduced over the
// normalized d2, scaled by 1/4; then one parallel generic with the
// parameters read through d2.
// CHECK-LABEL: func.func @layer_norm(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<2x3x4xf32>, [[SCALE:%[a-z0-9_]+]]: tensor<4xf32>, [[BIAS:%[a-z0-9_]+]]: tensor<4xf32>)
// CHECK-DAG: [[QUARTER:%.+]] = arith.constant 2.500000e-01 : f32
// CHECK-DAG: [[EPS:%.+]] = arith.constant 1.000000e-03 : f32
// CHECK: [[SUM:%.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins([[X]] : tensor<2x3x4xf32>)
// CHECK: [[MEAN:%.+]] = linalg.generic
// CHECK-SAME: ins([[SUM]] : tensor<2x3xf32>)
// CHECK: arith.mulf %{{.+}}, [[QUARTER]] : f32
// CHECK: [[SQUARES:%.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins([[X]], [[MEAN]] : tensor<2x3x4xf32>, tensor<2x3xf32>)
// CHECK-NEXT: ^bb0([[A:%.+]]: f32, [[M:%.+]]: f32, [[ACC:%.+]]: f32):
// CHECK-NEXT: [[C:%.+]] = arith.subf [[A]], [[M]] : f32
// CHECK-NEXT: [[SQ:%.+]] = arith.mulf [[C]], [[C]] : f32
// CHECK-NEXT: arith.addf [[ACC]], [[SQ]] : f32
// CHECK: [[INV:%.+]] = linalg.generic
// CHECK-SAME: ins([[SQUARES]] : tensor<2x3xf32>)
// CHECK-NEXT: ^bb0([[S2:%.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: [[VAR:%.+]] = arith.mulf [[S2]], [[QUARTER]] : f32
// CHECK-NEXT: [[VE:%.+]] = arith.addf [[VAR]], [[EPS]] : f32
// CHECK-NEXT: [[ROOT:%.+]] = math.sqrt [[VE]] : f32
// CHECK: arith.divf %{{.+}}, [[ROOT]] : f32
// CHECK: [[Y:%.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins([[X]], [[MEAN]], [[INV]], [[SCALE]], [[BIAS]] :
// CHECK-NEXT: ^bb0([[IN:%.+]]: f32, [[MU:%.+]]: f32, [[K:%.+]]: f32, [[G:%.+]]: f32, [[B:%.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: [[CEN:%.+]] = arith.subf [[IN]], [[MU]] : f32
// CHECK-NEXT: [[XHAT:%.+]] = arith.mulf [[CEN]], [[K]] : f32
// CHECK-NEXT: [[SCALED:%.+]] = arith.mulf [[XHAT]], [[G]] : f32
// CHECK-NEXT: arith.addf [[SCALED]], [[B]] : f32
// CHECK: return [[Y]]
func.func @layer_norm(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x3x4xf32> {
  %y = logbtq.layer_norm %x, %s, %b {axis = 2 : i64, epsilon = 1.0e-3 : f32} : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

//===----------------------------------------------------------------------===//
// Barrier, loss, metrics: scalar results through a 0-d tensor
//===----------------------------------------------------------------------===//

// -----

// psi_t(|x| - bound) in f32 (its log from arith ops, no call; the per-call
// constants computed in f64 and truncated once, before the loop), summed in
// f64 into a 0-d tensor in any order (reassoc), divided by the 20 elements
// and truncated to f32.
// CHECK-LABEL: func.func @barrier(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x5xf32>, [[T:%[a-z0-9_]+]]: f32)
// CHECK: [[T64:%.+]] = arith.extf [[T]] : f32 to f64
// CHECK-DAG: [[BOUND:%.+]] = arith.constant 5.000000e-01 : f64
// CHECK: [[BOUND32:%.+]] = arith.truncf [[BOUND]] : f64 to f32
// CHECK-DAG: [[ZERO:%.+]] = arith.constant 0.000000e+00 : f64
// CHECK: [[E:%.+]] = tensor.empty() : tensor<f64>
// CHECK: [[INIT:%.+]] = linalg.fill ins([[ZERO]] : f64) outs([[E]] : tensor<f64>)
// CHECK: [[SUM:%.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>], iterator_types = ["reduction", "reduction"]}
// CHECK-SAME: ins([[X]] : tensor<4x5xf32>) outs([[INIT]] : tensor<f64>)
// CHECK-NEXT: ^bb0([[IN:%.+]]: f32, [[ACC:%.+]]: f64):
// CHECK-NEXT: [[ABS:%.+]] = math.absf [[IN]] : f32
// CHECK-NEXT: [[Z:%.+]] = arith.subf [[ABS]], [[BOUND32]] : f32
// CHECK-NOT: math.log
// CHECK-NOT: arith.truncf
// CHECK: arith.divf %{{.+}}, %{{.+}} : f32
// CHECK-NOT: math.log
// CHECK: [[ONLOG:%.+]] = arith.cmpf ole, [[Z]], %{{.+}} : f32
// CHECK-NEXT: [[PSI:%.+]] = arith.select [[ONLOG]], %{{.+}}, %{{.+}} : f32
// CHECK-NEXT: [[PSI64:%.+]] = arith.extf [[PSI]] : f32 to f64
// CHECK-NEXT: [[NEXT:%.+]] = arith.addf [[ACC]], [[PSI64]] fastmath<reassoc> : f64
// CHECK-NEXT: linalg.yield [[NEXT]] : f64
// CHECK: [[TOTAL:%.+]] = tensor.extract [[SUM]][] : tensor<f64>
// CHECK: [[N:%.+]] = arith.constant 2.000000e+01 : f64
// CHECK: [[MEAN:%.+]] = arith.divf [[TOTAL]], [[N]] : f64
// CHECK: [[P:%.+]] = arith.truncf [[MEAN]] : f64 to f32
// CHECK: return [[P]] : f32
func.func @barrier(%x: tensor<4x5xf32>, %t: f32) -> f32 {
  %p = logbtq.barrier %x, %t {bound = 0.5 : f32} : tensor<4x5xf32>
  return %p : f32
}

// -----

// The penalty of an empty tensor is 0 (docs/MU8.md).
// CHECK-LABEL: func.func @barrier_empty(
// CHECK-NEXT: [[ZERO:%.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: return [[ZERO]] : f32
func.func @barrier_empty(%x: tensor<0x4xf32>, %t: f32) -> f32 {
  %p = logbtq.barrier %x, %t : tensor<0x4xf32>
  return %p : f32
}

// -----

// Row max, row sum of exp(x - max), the logit at the label (selected by the
// column index), then mean(max + log(sum) - picked) accumulated in f64.
// CHECK-LABEL: func.func @softmax_cross_entropy(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x5xf32>, [[L:%[a-z0-9_]+]]: tensor<4xi32>)
// CHECK: [[MAX:%.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins([[X]] : tensor<4x5xf32>)
// CHECK: arith.maximumf
// CHECK: [[SUM:%.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins([[X]], [[MAX]] : tensor<4x5xf32>, tensor<4xf32>)
// CHECK: math.exp
// CHECK: [[PICK:%.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: ins([[X]], [[L]] : tensor<4x5xf32>, tensor<4xi32>)
// CHECK-NEXT: ^bb0([[IN:%.+]]: f32, [[LABEL:%.+]]: i32, [[ACC:%.+]]: f32):
// CHECK-NEXT: [[J:%.+]] = linalg.index 1 : index
// CHECK-NEXT: [[J32:%.+]] = arith.index_cast [[J]] : index to i32
// CHECK-NEXT: [[HIT:%.+]] = arith.cmpi eq, [[J32]], [[LABEL]] : i32
// CHECK-NEXT: arith.select [[HIT]], [[IN]], [[ACC]] : f32
// CHECK: [[TOTAL:%.+]] = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]}
// CHECK-SAME: ins([[MAX]], [[SUM]], [[PICK]] : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%{{.+}} : tensor<f64>)
// CHECK: math.log %{{.+}} : f64
// CHECK: [[T:%.+]] = tensor.extract [[TOTAL]][] : tensor<f64>
// CHECK: [[ROWS:%.+]] = arith.constant 4.000000e+00 : f64
// CHECK: [[MEAN:%.+]] = arith.divf [[T]], [[ROWS]] : f64
// CHECK: [[LOSS:%.+]] = arith.truncf [[MEAN]] : f64 to f32
// CHECK: return [[LOSS]] : f32
func.func @softmax_cross_entropy(%x: tensor<4x5xf32>, %labels: tensor<4xi32>) -> f32 {
  %loss = logbtq.softmax_cross_entropy %x, %labels : tensor<4x5xf32>, tensor<4xi32>
  return %loss : f32
}

// -----

// argmax per row as (value, index) in one scan, ties to the lower index;
// then the hits are counted in i32 and converted to f32.
// CHECK-LABEL: func.func @count_correct(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x5xf32>, [[L:%[a-z0-9_]+]]: tensor<4xi32>)
// CHECK: [[ARG:%.+]]:2 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: ins([[X]] : tensor<4x5xf32>) outs(%{{.+}}, %{{.+}} : tensor<4xf32>, tensor<4xi32>)
// CHECK-NEXT: ^bb0([[IN:%.+]]: f32, [[BEST:%.+]]: f32, [[BESTJ:%.+]]: i32):
// CHECK: [[J:%.+]] = arith.index_cast
// CHECK: [[LOWER:%.+]] = arith.cmpi slt, [[J]], [[BESTJ]] : i32
// CHECK: [[EQ:%.+]] = arith.cmpf oeq, [[IN]], [[BEST]] : f32
// CHECK: [[TIE:%.+]] = arith.andi [[EQ]], [[LOWER]] : i1
// CHECK: [[GT:%.+]] = arith.cmpf ogt, [[IN]], [[BEST]] : f32
// CHECK: [[NUM:%.+]] = arith.ori [[GT]], [[TIE]] : i1
// NaN wins over numbers (as torch.argmax), the first NaN over later ones.
// CHECK: arith.cmpf uno, [[IN]], [[IN]] : f32
// CHECK: arith.cmpf ord, [[BEST]], [[BEST]] : f32
// CHECK: [[TAKE:%.+]] = arith.ori [[NUM]], %{{.+}} : i1
// CHECK-NEXT: [[V:%.+]] = arith.select [[TAKE]], [[IN]], [[BEST]] : f32
// CHECK-NEXT: [[I:%.+]] = arith.select [[TAKE]], [[J]], [[BESTJ]] : i32
// CHECK-NEXT: linalg.yield [[V]], [[I]] : f32, i32
// CHECK: [[HITS:%.+]] = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]}
// CHECK-SAME: ins([[ARG]]#1, [[L]] : tensor<4xi32>, tensor<4xi32>) outs(%{{.+}} : tensor<i32>)
// CHECK: arith.cmpi eq
// CHECK: [[N:%.+]] = tensor.extract [[HITS]][] : tensor<i32>
// CHECK: [[C:%.+]] = arith.sitofp [[N]] : i32 to f32
// CHECK: return [[C]] : f32
func.func @count_correct(%x: tensor<4x5xf32>, %labels: tensor<4xi32>) -> f32 {
  %n = logbtq.count_correct %x, %labels : tensor<4x5xf32>, tensor<4xi32>
  return %n : f32
}

// -----

// erf is MLIR's rational approximation (arith and math.fma, which vectorize;
// erf itself has no LLVM intrinsic): its leading coefficient is 2 / sqrt(pi).
// CHECK-LABEL: func.func @erf(
// CHECK-NOT: math.erf
// CHECK: linalg.generic
// CHECK: arith.constant 1.12837911 : f32
// CHECK: math.fma
// CHECK-NOT: math.erf
func.func @erf(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = logbtq.erf %x : tensor<8xf32> -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// x where x >= 0, else alpha * x.
// CHECK-LABEL: func.func @leaky_relu(
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0([[IN:%.+]]: f32, %{{.+}}: f32):
// CHECK-DAG: [[ZERO:%.+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: [[ALPHA:%.+]] = arith.constant 2.500000e-01 : f32
// CHECK: [[NEG:%.+]] = arith.cmpf olt, [[IN]], [[ZERO]] : f32
// CHECK-NEXT: [[SCALED:%.+]] = arith.mulf [[IN]], [[ALPHA]] : f32
// CHECK-NEXT: [[Y:%.+]] = arith.select [[NEG]], [[SCALED]], [[IN]] : f32
// CHECK-NEXT: linalg.yield [[Y]] : f32
func.func @leaky_relu(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = logbtq.leaky_relu %x {alpha = 0.25 : f32} : tensor<8xf32> -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// The divisor broadcasts through its indexing map.
// CHECK-LABEL: func.func @div_broadcast(
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK-NEXT: ^bb0([[A:%.+]]: f32, [[B:%.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: [[Y:%.+]] = arith.divf [[A]], [[B]] : f32
func.func @div_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %y = logbtq.div %a, %b : tensor<2x3xf32>, tensor<3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// A maximum over axis 1 from -inf; a mean is the sum divided by the count.
// CHECK-LABEL: func.func @reduce_max(
// CHECK: [[INIT:%.+]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.reduce ins(%{{.+}} : tensor<2x3x4xf32>) outs(%{{.+}} : tensor<2x4xf32>) dimensions = [1]
// CHECK: arith.maximumf
func.func @reduce_max(%x: tensor<2x3x4xf32>) -> tensor<2x4xf32> {
  %y = logbtq.reduce %x {axes = array<i64: 1>, kind = "max"} : tensor<2x3x4xf32> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_mean(
// CHECK: linalg.reduce ins(%{{.+}} : tensor<2x3x4xf32>) outs(%{{.+}} : tensor<2xf32>) dimensions = [1, 2]
// CHECK: arith.addf
// CHECK: [[N:%.+]] = arith.constant 1.200000e+01 : f32
// CHECK: linalg.generic
// CHECK: arith.divf %{{.+}}, [[N]] : f32
func.func @reduce_mean(%x: tensor<2x3x4xf32>) -> tensor<2xf32> {
  %y = logbtq.reduce %x {axes = array<i64: 2, 1>, kind = "mean"} : tensor<2x3x4xf32> -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// The batch dims collapse into one, then each batch index is one packed f32
// product (PackedProduct.h): A packed as rows, B (read transposed, as
// (b, n, k)) into 16-column panels, one multiply-add per step and lane.
// CHECK-LABEL: func.func @batch_matmul(
// CHECK: [[A:%.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2], [3]] : tensor<2x3x4x5xf32> into tensor<6x4x5xf32>
// CHECK: [[B:%.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2], [3]] : tensor<2x3x6x5xf32> into tensor<6x6x5xf32>
// CHECK: tensor.extract [[A]]{{\[}}%{{.+}}, %{{.+}}, %{{.+}}] : tensor<6x4x5xf32>
// CHECK: } -> tensor<6x4x5xf32>
// CHECK: [[COL:%.+]] = arith.muli %{{.+}}, %c16_i32
// CHECK: [[N:%.+]] = arith.addi [[COL]], %{{.+}} : i32
// CHECK: [[NC:%.+]] = arith.minui [[N]], %c5_i32
// CHECK: [[NI:%.+]] = arith.index_cast [[NC]] : i32 to index
// CHECK: tensor.extract [[B]]{{\[}}%{{.+}}, [[NI]], %{{.+}}] : tensor<6x6x5xf32>
// CHECK: } -> tensor<6x1x5x16xf32>
// CHECK: scf.for {{.+}} -> (tensor<6x4x16xf32>)
// CHECK: arith.mulf %{{.+}}, %{{.+}} fastmath<contract> : vector<16xf32>
// CHECK: [[Y:%.+]] = tensor.extract_slice %{{.+}}[0, 0, 0] [6, 4, 6] [1, 1, 1] : tensor<6x4x16xf32> to tensor<6x4x6xf32>
// CHECK: tensor.expand_shape [[Y]] {{\[}}[0, 1], [2], [3]] output_shape [2, 3, 4, 6] : tensor<6x4x6xf32> into tensor<2x3x4x6xf32>
func.func @batch_matmul(%a: tensor<2x3x4x5xf32>, %b: tensor<2x3x6x5xf32>) -> tensor<2x3x4x6xf32> {
  %y = logbtq.batch_matmul %a, %b {transpose_rhs} : tensor<2x3x4x5xf32>, tensor<2x3x6x5xf32> -> tensor<2x3x4x6xf32>
  return %y : tensor<2x3x4x6xf32>
}

// -----

// A strided box: one tensor.extract_slice.
// CHECK-LABEL: func.func @strided_slice(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x8xf32>)
// CHECK: [[Y:%.+]] = tensor.extract_slice [[X]][0, 1] [4, 3] [1, 3] : tensor<4x8xf32> to tensor<4x3xf32>
// CHECK: return [[Y]]
func.func @strided_slice(%x: tensor<4x8xf32>) -> tensor<4x3xf32> {
  %y = logbtq.strided_slice %x {offsets = array<i64: 0, 1>, strides = array<i64: 1, 3>} : tensor<4x8xf32> -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// Each result element reads its index (d1, d2 of the result), wraps a
// negative one and clamps it into [0, 8), then reads the input there.
// CHECK-LABEL: func.func @gather(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<4x8xf32>, [[I:%[a-z0-9_]+]]: tensor<2x5xi64>)
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK: [[D0:%.+]] = linalg.index 0 : index
// CHECK: [[D1:%.+]] = linalg.index 1 : index
// CHECK: [[D2:%.+]] = linalg.index 2 : index
// CHECK: [[IDX:%.+]] = tensor.extract [[I]][[[D1]], [[D2]]] : tensor<2x5xi64>
// CHECK-DAG: [[ZERO:%.+]] = arith.constant 0 : i64
// CHECK-DAG: [[N:%.+]] = arith.constant 8 : i64
// CHECK-DAG: [[LAST:%.+]] = arith.constant 7 : i64
// CHECK: [[NEG:%.+]] = arith.cmpi slt, [[IDX]], [[ZERO]] : i64
// CHECK: [[UP:%.+]] = arith.addi [[IDX]], [[N]] : i64
// CHECK: [[W:%.+]] = arith.select [[NEG]], [[UP]], [[IDX]] : i64
// CHECK: [[LO:%.+]] = arith.maxsi [[W]], [[ZERO]] : i64
// CHECK: [[HI:%.+]] = arith.minsi [[LO]], [[LAST]] : i64
// CHECK: [[AT:%.+]] = arith.index_cast [[HI]] : i64 to index
// CHECK: [[V:%.+]] = tensor.extract [[X]][[[D0]], [[AT]]] : tensor<4x8xf32>
// CHECK: linalg.yield [[V]] : f32
func.func @gather(%x: tensor<4x8xf32>, %i: tensor<2x5xi64>) -> tensor<4x2x5xf32> {
  %y = logbtq.gather %x, %i {axis = 1 : i64} : (tensor<4x8xf32>, tensor<2x5xi64>) -> tensor<4x2x5xf32>
  return %y : tensor<4x2x5xf32>
}

// -----

// A parallel generic reading the input through a broadcast map.
// CHECK-LABEL: func.func @broadcast(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<1x8xf32>)
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins([[X]] : tensor<1x8xf32>)
// CHECK-NEXT: ^bb0([[IN:%.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: linalg.yield [[IN]] : f32
func.func @broadcast(%x: tensor<1x8xf32>) -> tensor<2x4x8xf32> {
  %y = logbtq.broadcast %x : tensor<1x8xf32> -> tensor<2x4x8xf32>
  return %y : tensor<2x4x8xf32>
}

// -----

// One parallel generic reading the mask, the values and the fill through
// broadcast maps, choosing with arith.select.
// CHECK-LABEL: func.func @select(
// CHECK-SAME: [[C:%[a-z0-9_]+]]: tensor<3x3xi1>, [[S:%[a-z0-9_]+]]: tensor<2x3x3xf32>, [[F:%[a-z0-9_]+]]: tensor<f32>)
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> ()>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins([[C]], [[S]], [[F]] : tensor<3x3xi1>, tensor<2x3x3xf32>, tensor<f32>)
// CHECK-NEXT: ^bb0([[PICK:%.+]]: i1, [[V:%.+]]: f32, [[FILL:%.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: [[R:%.+]] = arith.select [[PICK]], [[V]], [[FILL]] : f32
// CHECK-NEXT: linalg.yield [[R]] : f32
func.func @select(%c: tensor<3x3xi1>, %s: tensor<2x3x3xf32>, %f: tensor<f32>) -> tensor<2x3x3xf32> {
  %y = logbtq.select %c, %s, %f : (tensor<3x3xi1>, tensor<2x3x3xf32>, tensor<f32>) -> tensor<2x3x3xf32>
  return %y : tensor<2x3x3xf32>
}

// -----

// A transposed convolution is the product conv2d_grad_input builds: the
// input spread by the strides into a zero buffer (rows at 1 + 2i: the
// window's extent 2 less the top pad 1), correlated with the flipped filter
// whose channel dims are swapped; then the bias per channel.
// CHECK-LABEL: func.func @conv_transpose2d(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<1x2x3x3xf32>, [[W:%[a-z0-9_]+]]: tensor<2x4x3x3xf32>, [[B:%[a-z0-9_]+]]: tensor<4xf32>)
// CHECK: [[SPREAD:%.+]] = tensor.insert_slice [[X]] into %{{.+}}[0, 0, 1, 1] [1, 2, 3, 3] [1, 1, 2, 2] : tensor<1x2x3x3xf32> into tensor<1x2x8x8xf32>
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d1, d0, -d2 + 2, -d3 + 2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// CHECK-SAME: ins([[W]] : tensor<2x4x3x3xf32>) outs(%{{.+}} : tensor<4x2x3x3xf32>)
// CHECK: [[Y:%.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// CHECK-SAME: ins(%{{.+}}, [[B]] : tensor<1x4x6x6xf32>, tensor<4xf32>)
// CHECK: arith.addf
// CHECK: return [[Y]]
func.func @conv_transpose2d(%x: tensor<1x2x3x3xf32>, %w: tensor<2x4x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %y = logbtq.conv_transpose2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>} : (tensor<1x2x3x3xf32>, tensor<2x4x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}
