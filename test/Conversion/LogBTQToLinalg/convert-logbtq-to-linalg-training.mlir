// RUN: logbtq-opt %s -split-input-file -convert-logbtq-to-linalg | FileCheck %s
// RUN: logbtq-opt %s -split-input-file -convert-logbtq-to-linalg | FileCheck %s --check-prefix=NONE

// The gradient, barrier-gradient and optimizer ops on f32 tensors. Their
// numbers are checked against PyTorch in test/Integration/Gradients; this file
// checks the structure of what each op and attribute combination becomes.

// No logbtq op survives anywhere.
// NONE-NOT: logbtq.

//===----------------------------------------------------------------------===//
// Pointwise gradients
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @relu_grad(
// CHECK-SAME: [[DY:%[a-z0-9_]+]]: tensor<3x5xf32>, [[X:%[a-z0-9_]+]]: tensor<3x5xf32>)
// CHECK: [[INIT:%.+]] = tensor.empty() : tensor<3x5xf32>
// CHECK: [[R:%.+]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK-SAME: ins([[DY]], [[X]] : tensor<3x5xf32>, tensor<3x5xf32>) outs([[INIT]] : tensor<3x5xf32>)
// CHECK-NEXT: ^bb0([[G:%.+]]: f32, [[V:%.+]]: f32, %{{.+}}: f32):
// CHECK: [[ZERO:%.+]] = arith.constant 0.000000e+00 : f32
// CHECK: [[POS:%.+]] = arith.cmpf ugt, [[V]], [[ZERO]] : f32
// CHECK: [[SEL:%.+]] = arith.select [[POS]], [[G]], [[ZERO]] : f32
// CHECK: linalg.yield [[SEL]] : f32
// CHECK-NOT: logbtq.
// CHECK: return [[R]]
func.func @relu_grad(%dy: tensor<3x5xf32>, %x: tensor<3x5xf32>) -> tensor<3x5xf32> {
  %0 = logbtq.relu_grad %dy, %x : tensor<3x5xf32>, tensor<3x5xf32> -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// grad * (1 - y) * y, in that order.
// CHECK-LABEL: func.func @sigmoid_grad(
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel"]
// CHECK-NEXT: ^bb0([[G:%.+]]: f32, [[Y:%.+]]: f32, %{{.+}}: f32):
// CHECK: [[ONE:%.+]] = arith.constant 1.000000e+00 : f32
// CHECK: [[A:%.+]] = arith.subf [[ONE]], [[Y]] : f32
// CHECK: [[B:%.+]] = arith.mulf [[G]], [[A]] : f32
// CHECK: [[C:%.+]] = arith.mulf [[B]], [[Y]] : f32
// CHECK: linalg.yield [[C]] : f32
func.func @sigmoid_grad(%dy: tensor<7xf32>, %y: tensor<7xf32>) -> tensor<7xf32> {
  %0 = logbtq.sigmoid_grad %dy, %y : tensor<7xf32>, tensor<7xf32> -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

// grad * ((1 - y) * (1 + y)).
// CHECK-LABEL: func.func @tanh_grad(
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-NEXT: ^bb0([[G:%.+]]: f32, [[Y:%.+]]: f32, %{{.+}}: f32):
// CHECK: [[ONE:%.+]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: [[A:%.+]] = arith.subf [[ONE]], [[Y]] : f32
// CHECK-DAG: [[B:%.+]] = arith.addf [[ONE]], [[Y]] : f32
// CHECK: [[C:%.+]] = arith.mulf [[A]], [[B]] : f32
// CHECK: [[D:%.+]] = arith.mulf [[G]], [[C]] : f32
// CHECK: linalg.yield [[D]] : f32
func.func @tanh_grad(%dy: tensor<2x3x4xf32>, %y: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = logbtq.tanh_grad %dy, %y : tensor<2x3x4xf32>, tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Inclusive bounds: grad where min <= x <= max.
// CHECK-LABEL: func.func @clip_grad(
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0([[G:%.+]]: f32, [[X:%.+]]: f32, %{{.+}}: f32):
// CHECK-DAG: [[LO:%.+]] = arith.constant -1.500000e+00 : f32
// CHECK-DAG: [[HI:%.+]] = arith.constant 6.000000e+00 : f32
// CHECK-DAG: [[GE:%.+]] = arith.cmpf oge, [[X]], [[LO]] : f32
// CHECK-DAG: [[LE:%.+]] = arith.cmpf ole, [[X]], [[HI]] : f32
// CHECK: [[IN:%.+]] = arith.andi [[GE]], [[LE]] : i1
// CHECK: [[ZERO:%.+]] = arith.constant 0.000000e+00 : f32
// CHECK: [[SEL:%.+]] = arith.select [[IN]], [[G]], [[ZERO]] : f32
// CHECK: linalg.yield [[SEL]] : f32
func.func @clip_grad(%dy: tensor<8xf32>, %x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = logbtq.clip_grad %dy, %x {min = -1.5 : f32, max = 6.0 : f32} : tensor<8xf32>, tensor<8xf32> -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// scale * sign(x) * psi_t'(|x| - bound) / n, with the switch point -1/t^2
// and scale / n computed once, outside the loop.
// CHECK-LABEL: func.func @barrier_grad(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<64x256xf32>, [[T:%[a-z0-9_]+]]: f32, [[S:%[a-z0-9_]+]]: f32)
// CHECK: [[ONE:%.+]] = arith.constant 1.000000e+00 : f32
// CHECK: [[T2:%.+]] = arith.mulf [[T]], [[T]] : f32
// CHECK: [[INV:%.+]] = arith.divf [[ONE]], [[T2]] : f32
// CHECK: [[SWITCH:%.+]] = arith.negf [[INV]] : f32
// CHECK: [[N:%.+]] = arith.constant 1.638400e+04 : f32
// CHECK: [[COEF:%.+]] = arith.divf [[S]], [[N]] : f32
// CHECK: [[BOUND:%.+]] = arith.constant 2.000000e+00 : f32
// CHECK: linalg.generic
// CHECK-SAME: ins([[X]] : tensor<64x256xf32>)
// CHECK-NEXT: ^bb0([[V:%.+]]: f32, %{{.+}}: f32):
// CHECK: [[ABS:%.+]] = math.absf [[V]] : f32
// CHECK: [[Z:%.+]] = arith.subf [[ABS]], [[BOUND]] : f32
// CHECK: [[ONLOG:%.+]] = arith.cmpf ole, [[Z]], [[SWITCH]] : f32
// CHECK: [[TZ:%.+]] = arith.mulf [[T]], [[Z]] : f32
// CHECK: [[RECIP:%.+]] = arith.divf %{{.+}}, [[TZ]] : f32
// CHECK: [[LOGSLOPE:%.+]] = arith.negf [[RECIP]] : f32
// CHECK: [[SLOPE:%.+]] = arith.select [[ONLOG]], [[LOGSLOPE]], [[T]] : f32
// CHECK: arith.cmpf olt, [[V]]
// CHECK: arith.cmpf ogt, [[V]]
// CHECK: [[SIGN:%.+]] = arith.select
// CHECK: [[SS:%.+]] = arith.mulf [[SIGN]], [[SLOPE]] : f32
// CHECK: [[R:%.+]] = arith.mulf [[COEF]], [[SS]] : f32
// CHECK: linalg.yield [[R]] : f32
func.func @barrier_grad(%x: tensor<64x256xf32>, %t: f32, %s: f32) -> tensor<64x256xf32> {
  %0 = logbtq.barrier_grad %x, %t, %s {bound = 2.0 : f32} : tensor<64x256xf32> -> tensor<64x256xf32>
  return %0 : tensor<64x256xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Softmax family
//===----------------------------------------------------------------------===//

// Along axis 0: the reduction drops d0, and the result reads the sum through
// the same map.
// CHECK-DAG: #[[$ID3:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$DROP0:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @softmax_grad_axis0(
// CHECK-SAME: [[DY:%[a-z0-9_]+]]: tensor<3x4x5xf32>, [[Y:%[a-z0-9_]+]]: tensor<3x4x5xf32>)
// CHECK: [[ZERO:%.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<4x5xf32>)
// CHECK: [[DOT:%.+]] = linalg.generic {indexing_maps = [#[[$ID3]], #[[$ID3]], #[[$DROP0]]], iterator_types = ["reduction", "parallel", "parallel"]}
// CHECK-SAME: ins([[DY]], [[Y]] : {{.*}}) outs([[ZERO]] : tensor<4x5xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: [[R:%.+]] = linalg.generic {indexing_maps = [#[[$ID3]], #[[$ID3]], #[[$DROP0]], #[[$ID3]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins([[DY]], [[Y]], [[DOT]] :
// CHECK-NEXT: ^bb0([[G:%.+]]: f32, [[V:%.+]]: f32, [[D:%.+]]: f32, %{{.+}}: f32):
// CHECK: [[DIFF:%.+]] = arith.subf [[G]], [[D]] : f32
// CHECK: [[P:%.+]] = arith.mulf [[V]], [[DIFF]] : f32
// CHECK: linalg.yield [[P]] : f32
// CHECK: return [[R]]
func.func @softmax_grad_axis0(%dy: tensor<3x4x5xf32>, %y: tensor<3x4x5xf32>) -> tensor<3x4x5xf32> {
  %0 = logbtq.softmax_grad %dy, %y {axis = 0 : i64} : tensor<3x4x5xf32>, tensor<3x4x5xf32> -> tensor<3x4x5xf32>
  return %0 : tensor<3x4x5xf32>
}

// -----

// CHECK-DAG: #[[$ID2:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @softmax_grad_last(
// CHECK: linalg.generic {indexing_maps = [#[[$ID2]], #[[$ID2]], #[[$ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK: linalg.generic {indexing_maps = [#[[$ID2]], #[[$ID2]], #[[$ROW]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]}
func.func @softmax_grad_last(%dy: tensor<4x10xf32>, %y: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %0 = logbtq.softmax_grad %dy, %y {axis = 1 : i64} : tensor<4x10xf32>, tensor<4x10xf32> -> tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// -----

// grad - exp(y) * sum(grad): the plain sum is a linalg.reduce.
// CHECK-DAG: #[[$ID2:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @log_softmax_grad(
// CHECK-SAME: [[DY:%[a-z0-9_]+]]: tensor<4x10xf32>, [[Y:%[a-z0-9_]+]]: tensor<4x10xf32>)
// CHECK: [[SUM:%.+]] = linalg.reduce ins([[DY]] : tensor<4x10xf32>) outs(%{{.+}} : tensor<4xf32>) dimensions = [1]
// CHECK: arith.addf
// CHECK: linalg.generic {indexing_maps = [#[[$ID2]], #[[$ID2]], #[[$ROW]], #[[$ID2]]]
// CHECK-SAME: ins([[DY]], [[Y]], [[SUM]] :
// CHECK-NEXT: ^bb0([[G:%.+]]: f32, [[V:%.+]]: f32, [[S:%.+]]: f32, %{{.+}}: f32):
// CHECK: [[P:%.+]] = math.exp [[V]] : f32
// CHECK: [[PS:%.+]] = arith.mulf [[P]], [[S]] : f32
// CHECK: [[R:%.+]] = arith.subf [[G]], [[PS]] : f32
// CHECK: linalg.yield [[R]] : f32
func.func @log_softmax_grad(%dy: tensor<4x10xf32>, %y: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %0 = logbtq.log_softmax_grad %dy, %y {axis = 1 : i64} : tensor<4x10xf32>, tensor<4x10xf32> -> tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// -----

// Row max (linalg.reduce), sum of exp(x - max), its log, then
// exp(x - max - log(sum)) * k, minus k at the label, k = scale / N.
// CHECK-DAG: #[[$ID2:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @softmax_cross_entropy_grad(
// CHECK-SAME: [[L:%[a-z0-9_]+]]: tensor<64x10xf32>, [[LAB:%[a-z0-9_]+]]: tensor<64xi32>, [[S:%[a-z0-9_]+]]: f32)
// CHECK: [[NEGINF:%.+]] = arith.constant 0xFF800000 : f32
// CHECK: [[MAXINIT:%.+]] = linalg.fill ins([[NEGINF]] : f32)
// CHECK: [[MAX:%.+]] = linalg.reduce ins([[L]] : tensor<64x10xf32>) outs([[MAXINIT]] : tensor<64xf32>) dimensions = [1]
// CHECK: arith.maximumf
// CHECK: [[SUM:%.+]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$ROW]], #[[$ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: ins([[L]], [[MAX]] :
// CHECK: math.exp
// CHECK: [[LOGSUM:%.+]] = linalg.generic
// CHECK-SAME: ins([[SUM]] : tensor<64xf32>)
// CHECK: math.log
// CHECK: [[N:%.+]] = arith.constant 6.400000e+01 : f32
// CHECK: [[K:%.+]] = arith.divf [[S]], [[N]] : f32
// CHECK: [[R:%.+]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$ROW]], #[[$ROW]], #[[$ROW]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins([[L]], [[MAX]], [[LOGSUM]], [[LAB]] : tensor<64x10xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xi32>)
// CHECK-NEXT: ^bb0([[X:%.+]]: f32, [[M:%.+]]: f32, [[LS:%.+]]: f32, [[Y:%.+]]: i32, %{{.+}}: f32):
// CHECK: [[XM:%.+]] = arith.subf [[X]], [[M]] : f32
// CHECK: [[LOGP:%.+]] = arith.subf [[XM]], [[LS]] : f32
// CHECK: [[P:%.+]] = math.exp [[LOGP]] : f32
// CHECK: [[PK:%.+]] = arith.mulf [[P]], [[K]] : f32
// CHECK: [[C:%.+]] = linalg.index 1 : index
// CHECK: [[C32:%.+]] = arith.index_cast [[C]] : index to i32
// CHECK: [[HIT:%.+]] = arith.cmpi eq, [[C32]], [[Y]] : i32
// CHECK: [[PKK:%.+]] = arith.subf [[PK]], [[K]] : f32
// CHECK: [[SEL:%.+]] = arith.select [[HIT]], [[PKK]], [[PK]] : f32
// CHECK: linalg.yield [[SEL]] : f32
// CHECK: return [[R]]
func.func @softmax_cross_entropy_grad(%logits: tensor<64x10xf32>, %labels: tensor<64xi32>, %s: f32) -> tensor<64x10xf32> {
  %0 = logbtq.softmax_cross_entropy_grad %logits, %labels, %s : tensor<64x10xf32>, tensor<64xi32> -> tensor<64x10xf32>
  return %0 : tensor<64x10xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

// Windows that tile the input (2 x 2, stride 2, no padding): the input is
// read in place, no argmax tensor, no gathers. An scf.forall over (image,
// channel, output row) and its 2 input rows; 16 windows at a time, each
// offset one 32-lane read and a shuffle of every other lane; the search
// from -inf and the sentinel KH * KW = 4 by PyTorch's rule (NaN, larger,
// earlier on a tie), offsets in row-major order; then dy (16 lanes), and
// for each of the 2 input rows the two columns' `0 + dy` where the offset
// is the window's maximum, interleaved back into 32 lanes: one store.
// CHECK-LABEL: func.func @max_pool2d_grad(
// CHECK-SAME: [[DY:%[a-z0-9_]+]]: tensor<8x16x14x14xf32>, [[X:%[a-z0-9_]+]]: tensor<8x16x28x28xf32>)
// CHECK-NOT: tensor.pad
// CHECK: [[DX:%.+]] = scf.forall ({{.+}}) in (8, 16, 14) shared_outs({{.+}}) -> (tensor<8x16x28x28xf32>)
// CHECK: tensor.extract_slice {{.+}} [1, 1, 2, 28] [1, 1, 1, 1] : tensor<8x16x28x28xf32> to tensor<1x1x2x28xf32>
// CHECK: [[LAST:%.+]] = vector.broadcast %c4_i32 : i32 to vector<16xi32>
// CHECK: [[R0:%.+]] = vector.transfer_read [[X]]{{.+}} : tensor<8x16x28x28xf32>, vector<32xf32>
// CHECK: [[V0:%.+]] = vector.shuffle [[R0]], [[R0]] [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]
// CHECK: arith.cmpf uno, [[V0]], [[V0]] : vector<16xf32>
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf oeq
// CHECK: [[TAKE:%.+]] = arith.select
// CHECK: arith.select [[TAKE]], [[V0]]
// CHECK: arith.select [[TAKE]], %{{.+}}, [[LAST]] : vector<16xi1>, vector<16xi32>
// CHECK-COUNT-3: vector.transfer_read [[X]]
// CHECK: [[G:%.+]] = vector.transfer_read [[DY]]{{.+}} : tensor<8x16x14x14xf32>, vector<16xf32>
// CHECK: [[SENT:%.+]] = arith.addf %{{.+}}, [[G]] : vector<16xf32>
// CHECK: arith.cmpi eq
// CHECK: arith.select %{{.+}}, [[SENT]], %{{.+}} : vector<16xi1>, vector<16xf32>
// CHECK: [[ROW:%.+]] = vector.shuffle %{{.+}}, %{{.+}} [0, 16, 1, 17, 2, 18, {{.+}}, 15, 31] : vector<32xf32>, vector<32xf32>
// CHECK: vector.transfer_write [[ROW]], {{.+}} : vector<32xf32>, tensor<1x1x2x28xf32>
// CHECK: vector.transfer_write
// CHECK-NOT: tensor.extract
// CHECK: return [[DX]]
func.func @max_pool2d_grad(%dy: tensor<8x16x14x14xf32>, %x: tensor<8x16x28x28xf32>) -> tensor<8x16x28x28xf32> {
  %0 = logbtq.max_pool2d_grad %dy, %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<8x16x14x14xf32>, tensor<8x16x28x28xf32> -> tensor<8x16x28x28xf32>
  return %0 : tensor<8x16x28x28xf32>
}

// -----

// Padded by -inf, and every element's position checked against the real
// input [1, 8) in the padded coordinates.
// CHECK-LABEL: func.func @max_pool2d_grad_padded(
// CHECK-SAME: [[DY:%[a-z0-9_]+]]: tensor<1x2x4x4xf32>, [[X:%[a-z0-9_]+]]: tensor<1x2x7x7xf32>)
// CHECK: [[NEGINF:%.+]] = arith.constant 0xFF800000 : f32
// CHECK: [[PADDED:%.+]] = tensor.pad [[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield [[NEGINF]] : f32
// CHECK: tensor<1x2x7x7xf32> to tensor<1x2x9x9xf32>
// CHECK: linalg.generic {{.+}} outs(%{{.+}} : tensor<1x2x4x4xindex>)
// CHECK: arith.constant 9 : index
// CHECK: tensor.extract [[PADDED]][
// CHECK-DAG: arith.cmpi sge, %{{.+}}, %[[C1:.+]] : index
// CHECK-DAG: arith.cmpi slt, %{{.+}}, %[[C8:.+]] : index
// CHECK: linalg.yield %{{.+}} : index
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.+}} : tensor<1x2x7x7xf32>)
func.func @max_pool2d_grad_padded(%dy: tensor<1x2x4x4xf32>, %x: tensor<1x2x7x7xf32>) -> tensor<1x2x7x7xf32> {
  %0 = logbtq.max_pool2d_grad %dy, %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : tensor<1x2x4x4xf32>, tensor<1x2x7x7xf32> -> tensor<1x2x7x7xf32>
  return %0 : tensor<1x2x7x7xf32>
}

// -----

// ceil_mode: the last window runs past the input, which is padded at the
// bottom and right only, and checked there only.
// CHECK-LABEL: func.func @max_pool2d_grad_ceil(
// CHECK: tensor.pad %{{.+}} low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: tensor<2x1x8x8xf32> to tensor<2x1x9x9xf32>
// CHECK: linalg.generic
// CHECK-NOT: arith.cmpi sge
// CHECK: arith.cmpi slt, %{{.+}}, %[[C8:.+]] : index
// CHECK: linalg.yield %{{.+}} : index
func.func @max_pool2d_grad_ceil(%dy: tensor<2x1x4x4xf32>, %x: tensor<2x1x8x8xf32>) -> tensor<2x1x8x8xf32> {
  %0 = logbtq.max_pool2d_grad %dy, %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, ceil_mode} : tensor<2x1x4x4xf32>, tensor<2x1x8x8xf32> -> tensor<2x1x8x8xf32>
  return %0 : tensor<2x1x8x8xf32>
}

// -----

// Stride 1: every offset has a window, no divisibility test.
// CHECK-LABEL: func.func @max_pool2d_grad_stride1(
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK-NOT: arith.remsi
// CHECK-NOT: arith.divsi
// CHECK: return
func.func @max_pool2d_grad_stride1(%dy: tensor<2x3x4x4xf32>, %x: tensor<2x3x5x6xf32>) -> tensor<2x3x5x6xf32> {
  %0 = logbtq.max_pool2d_grad %dy, %x {kernel = array<i64: 2, 3>} : tensor<2x3x4x4xf32>, tensor<2x3x5x6xf32> -> tensor<2x3x5x6xf32>
  return %0 : tensor<2x3x5x6xf32>
}

// -----

// Every window has the divisor 49: one scalar division. A global pool has
// one window per (image, channel), so its gradient is a broadcast of it (no
// gather over the window offsets), added to 0 like the gather's one term.
// CHECK-DAG: #[[$ID4:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$BCAST:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
// CHECK-LABEL: func.func @avg_pool2d_grad_global(
// CHECK-SAME: [[DY:%[a-z0-9_]+]]: tensor<8x32x1x1xf32>)
// CHECK: [[DIV:%.+]] = arith.constant 4.900000e+01 : f32
// CHECK: [[SCALED:%.+]] = linalg.generic {indexing_maps = [#[[$ID4]], #[[$ID4]]]
// CHECK-SAME: ins([[DY]] : tensor<8x32x1x1xf32>)
// CHECK: arith.divf %{{.+}}, [[DIV]] : f32
// CHECK-NOT: reduction
// CHECK: [[PERCHANNEL:%.+]] = tensor.collapse_shape [[SCALED]] {{\[}}[0], [1, 2, 3]] : tensor<8x32x1x1xf32> into tensor<8x32xf32>
// CHECK: [[DX:%.+]] = linalg.generic {indexing_maps = [#[[$BCAST]], #[[$ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: ins([[PERCHANNEL]] : tensor<8x32xf32>) outs(%{{.+}} : tensor<8x32x7x7xf32>)
// CHECK: [[ZERO:%.+]] = arith.constant 0.000000e+00 : f32
// CHECK: [[SUM:%.+]] = arith.addf [[ZERO]], %{{.+}} : f32
// CHECK: linalg.yield [[SUM]] : f32
// CHECK: return [[DX]]
func.func @avg_pool2d_grad_global(%dy: tensor<8x32x1x1xf32>) -> tensor<8x32x7x7xf32> {
  %0 = logbtq.avg_pool2d_grad %dy {kernel = array<i64: 7, 7>} : tensor<8x32x1x1xf32> -> tensor<8x32x7x7xf32>
  return %0 : tensor<8x32x7x7xf32>
}

// -----

// count_include_pad, windows inside the padded input: all divisors are 9.
// CHECK-LABEL: func.func @avg_pool2d_grad_include_pad(
// CHECK: [[DIV:%.+]] = arith.constant 9.000000e+00 : f32
// CHECK: arith.divf %{{.+}}, [[DIV]] : f32
// CHECK: linalg.generic {{.+}} outs(%{{.+}} : tensor<1x2x7x7xf32>)
// CHECK: arith.remsi
// CHECK-COUNT-9: tensor.extract
// CHECK-NOT: tensor.extract
// CHECK: linalg.yield
func.func @avg_pool2d_grad_include_pad(%dy: tensor<1x2x4x4xf32>) -> tensor<1x2x7x7xf32> {
  %0 = logbtq.avg_pool2d_grad %dy {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, count_include_pad} : tensor<1x2x4x4xf32> -> tensor<1x2x7x7xf32>
  return %0 : tensor<1x2x7x7xf32>
}

// -----

// Without count_include_pad the border windows count fewer positions: a
// table of divisors read through (oh, ow).
// CHECK-DAG: #[[$ID4:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$HW:.+]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-LABEL: func.func @avg_pool2d_grad_exclude_pad(
// CHECK: [[TABLE:%.+]] = arith.constant dense<{{\[}}[4.000000e+00, 6.000000e+00, 6.000000e+00, 4.000000e+00], [6.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [6.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [4.000000e+00, 6.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<4x4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID4]], #[[$HW]], #[[$ID4]]]
// CHECK-SAME: ins(%{{.+}}, [[TABLE]] : tensor<1x2x4x4xf32>, tensor<4x4xf32>)
// CHECK: arith.divf
func.func @avg_pool2d_grad_exclude_pad(%dy: tensor<1x2x4x4xf32>) -> tensor<1x2x7x7xf32> {
  %0 = logbtq.avg_pool2d_grad %dy {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : tensor<1x2x4x4xf32> -> tensor<1x2x7x7xf32>
  return %0 : tensor<1x2x7x7xf32>
}

// -----

// ceil_mode with count_include_pad: the last window is clipped to the padded
// input (7 rows), so it counts 2 of its 3 rows.
// CHECK-LABEL: func.func @avg_pool2d_grad_ceil(
// CHECK: arith.constant dense<{{\[}}[9.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [9.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [9.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [6.000000e+00, 6.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<4x4xf32>
func.func @avg_pool2d_grad_ceil(%dy: tensor<2x1x4x4xf32>) -> tensor<2x1x6x6xf32> {
  %0 = logbtq.avg_pool2d_grad %dy {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, ceil_mode, count_include_pad} : tensor<2x1x4x4xf32> -> tensor<2x1x6x6xf32>
  return %0 : tensor<2x1x6x6xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

// Stride 1, no padding: dy framed by K - 1 = 4 zeros, then a full
// convolution with the flipped filter, its channels swapped.
// CHECK-DAG: #[[$FLIP:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d0, -d2 + 4, -d3 + 4)>
// CHECK-DAG: #[[$ID4:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @conv2d_grad_input(
// CHECK-SAME: [[DY:%[a-z0-9_]+]]: tensor<8x16x24x24xf32>, [[W:%[a-z0-9_]+]]: tensor<16x1x5x5xf32>)
// CHECK: [[ZERO:%.+]] = arith.constant 0.000000e+00 : f32
// CHECK: [[BUF0:%.+]] = linalg.fill ins([[ZERO]] : f32) outs(%{{.+}} : tensor<8x16x32x32xf32>)
// CHECK: [[BUF:%.+]] = tensor.insert_slice [[DY]] into [[BUF0]][0, 0, 4, 4] [8, 16, 24, 24] [1, 1, 1, 1] : tensor<8x16x24x24xf32> into tensor<8x16x32x32xf32>
// CHECK: [[FLIPPED:%.+]] = linalg.generic {indexing_maps = [#[[$FLIP]], #[[$ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: ins([[W]] : tensor<16x1x5x5xf32>) outs(%{{.+}} : tensor<1x16x5x5xf32>)
// The convolution of the buffer is the packed product (as conv2d's, stride
// 1): the buffer padded on the right to 32 + 4 columns; panels of 16
// neighbouring pixels of an output row (28 pixels: 2 panels a row, 56 per
// image), each packed in its tile, a tap (400 of them: c, kh, kw from a
// table) one 16-lane load; the flipped filter [1, 400] as rows. The
// product has the 28 x 28 dense columns per image (the second panel of a
// row stores 12 of its lanes).
// CHECK: [[WIDE:%.+]] = tensor.pad [[BUF]] low[0, 0, 0, 0] high[0, 0, 0, 4]
// CHECK: [[TAPS:%.+]] = arith.constant dense<{{.+}}> : tensor<400x3xi32>
// CHECK: [[WS:%.+]] = tensor.collapse_shape [[FLIPPED]] {{\[}}[0], [1, 2, 3]] : tensor<1x16x5x5xf32> into tensor<1x400xf32>
// CHECK: linalg.generic {{.+}} outs(%{{.+}} : tensor<1x1x400xf32>)
// CHECK: tensor.extract [[WS]]
// Its 8 x 56 (image, panel) tiles are worth both cores: an scf.forall,
// whose tiles pack their panels.
// CHECK: scf.forall {{.+}} in (8, 56) {{.+}} -> (tensor<8x1x784xf32>)
// CHECK: scf.for {{.+}} -> (tensor<1x1x400x16xf32>)
// CHECK: tensor.extract [[TAPS]]
// CHECK: vector.transfer_read [[WIDE]]{{.+}} : tensor<8x16x32x36xf32>, vector<16xf32>
// CHECK: [[DX:%.+]] = tensor.expand_shape %{{.+}} {{\[}}[0], [1], [2, 3]] output_shape [8, 1, 28, 28]
// CHECK: return [[DX]]
func.func @conv2d_grad_input(%dy: tensor<8x16x24x24xf32>, %w: tensor<16x1x5x5xf32>) -> tensor<8x1x28x28xf32> {
  %0 = logbtq.conv2d_grad_input %dy, %w : (tensor<8x16x24x24xf32>, tensor<16x1x5x5xf32>) -> tensor<8x1x28x28xf32>
  return %0 : tensor<8x1x28x28xf32>
}

// -----

// Stride 2, pads 1, input 8 (8 + 2 - 3 is odd): dy spread out by a strided
// insert_slice at K - 1 - pad = 1 into a 8 + 2 = 10 buffer; its last row
// and column stay zero (the remainder the forward never read).
// CHECK-LABEL: func.func @conv2d_grad_input_strided(
// CHECK-SAME: [[DY:%[a-z0-9_]+]]: tensor<1x3x4x4xf32>
// CHECK: tensor.insert_slice [[DY]] into %{{.+}}[0, 0, 1, 1] [1, 3, 4, 4] [1, 1, 2, 2] : tensor<1x3x4x4xf32> into tensor<1x3x10x10xf32>
// CHECK: scf.for {{.+}} -> (tensor<1x1x27x16xf32>)
// CHECK: tensor.expand_shape {{.+}} output_shape [1, 2, 8, 8]
func.func @conv2d_grad_input_strided(%dy: tensor<1x3x4x4xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x2x8x8xf32> {
  %0 = logbtq.conv2d_grad_input %dy, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x2x8x8xf32>
  return %0 : tensor<1x2x8x8xf32>
}

// -----

// Dilations (2, 3) and strides (2, 3): the transposed convolution keeps the
// dilation; the flip uses the kernel sizes 3 and 2.
// The windows are read at stride 1 with dilation 2 (rows: oh + kh*2) and
// 3 (columns: ow + kw*3) from the spread buffer, padded on the right to
// 16 + 3 columns.
// CHECK-DAG: #[[$FLIP:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d0, -d2 + 2, -d3 + 1)>
// CHECK-LABEL: func.func @conv2d_grad_input_dilated(
// CHECK: [[BUF:%.+]] = tensor.insert_slice %{{.+}} into %{{.+}}[0, 0, 2, 2] [2, 3, 5, 3] [1, 1, 2, 3] : tensor<2x3x5x3xf32> into tensor<2x3x13x13xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$FLIP]],
// CHECK: [[WIDE:%.+]] = tensor.pad [[BUF]] low[0, 0, 0, 0] high[0, 0, 0, 6]
// CHECK: arith.constant dense<{{\[}}[0, 0, 0], [0, 0, 3], [0, 2, 0], [0, 2, 3], [0, 4, 0], [0, 4, 3], [1, 0, 0], {{.+}}]> : tensor<18x3xi32>
// CHECK: scf.for {{.+}} -> (tensor<1x1x18x16xf32>)
// CHECK: vector.transfer_read [[WIDE]]{{.+}} : tensor<2x3x13x19xf32>, vector<16xf32>
// CHECK: tensor.expand_shape {{.+}} output_shape [2, 2, 9, 10]
func.func @conv2d_grad_input_dilated(%dy: tensor<2x3x5x3xf32>, %w: tensor<3x2x3x2xf32>) -> tensor<2x2x9x10xf32> {
  %0 = logbtq.conv2d_grad_input %dy, %w {strides = array<i64: 2, 3>, pads = array<i64: 2, 1, 2, 1>, dilations = array<i64: 2, 3>} : (tensor<2x3x5x3xf32>, tensor<3x2x3x2xf32>) -> tensor<2x2x9x10xf32>
  return %0 : tensor<2x2x9x10xf32>
}

// -----

// Pads (3) beyond the window's extent (1): the first and last rows and
// columns of dy only met padding and are sliced off.
// CHECK-LABEL: func.func @conv2d_grad_input_wide_pads(
// CHECK-SAME: [[DY:%[a-z0-9_]+]]: tensor<1x2x5x5xf32>
// CHECK: [[ROWS:%.+]] = tensor.extract_slice [[DY]][0, 0, 1, 1] [1, 2, 3, 3] [1, 1, 1, 1] : tensor<1x2x5x5xf32> to tensor<1x2x3x3xf32>
// CHECK: tensor.insert_slice [[ROWS]] into %{{.+}}[0, 0, 0, 0] [1, 2, 3, 3] [1, 1, 2, 2] : tensor<1x2x3x3xf32> into tensor<1x2x6x6xf32>
// CHECK: tensor.expand_shape {{.+}} output_shape [1, 1, 5, 5]
func.func @conv2d_grad_input_wide_pads(%dy: tensor<1x2x5x5xf32>, %w: tensor<2x1x2x2xf32>) -> tensor<1x1x5x5xf32> {
  %0 = logbtq.conv2d_grad_input %dy, %w {strides = array<i64: 2, 2>, pads = array<i64: 3, 3, 3, 3>} : (tensor<1x2x5x5xf32>, tensor<2x1x2x2xf32>) -> tensor<1x1x5x5xf32>
  return %0 : tensor<1x1x5x5xf32>
}

// -----

// Every window of the forward convolution saw padding only: zeros.
// CHECK-LABEL: func.func @conv2d_grad_input_padding_only(
// CHECK: [[ZERO:%.+]] = arith.constant 0.000000e+00 : f32
// CHECK: [[DX:%.+]] = linalg.fill ins([[ZERO]] : f32) outs(%{{.+}} : tensor<1x2x1x3xf32>)
// CHECK-NOT: linalg.generic
// CHECK: return [[DX]]
func.func @conv2d_grad_input_padding_only(%dy: tensor<1x2x2x2xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<1x2x1x3xf32> {
  %0 = logbtq.conv2d_grad_input %dy, %w {strides = array<i64: 10, 10>, pads = array<i64: 5, 5, 5, 5>} : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x1x3xf32>
  return %0 : tensor<1x2x1x3xf32>
}

// -----

// dW[f, c, kh, kw] = sum_{n, oh, ow} dy[n, f, oh, ow] * x[n, c, oh + kh, ow + kw]:
// the packed product over r = (n, oh, ow) (8 * 576 = 4608): dy as rows
// [16, 4608], the windows of x as panels of the 25 taps (2 blocks), one
// 16-lane gather of x per r at the taps' offsets from the pixel's (stride 1
// along W), the 7 padding taps of the second block masked.
// CHECK-LABEL: func.func @conv2d_grad_filter(
// CHECK-SAME: [[DY:%[a-z0-9_]+]]: tensor<8x16x24x24xf32>, [[X:%[a-z0-9_]+]]: tensor<8x1x28x28xf32>)
// CHECK-NOT: tensor.pad
// CHECK: [[XS:%.+]] = tensor.collapse_shape [[X]] {{\[}}[0, 1, 2, 3]] : tensor<8x1x28x28xf32> into tensor<6272xf32>
// CHECK: [[PANELS:%.+]] = scf.forall (%{{.+}}) in (2) {{.+}} -> (tensor<1x2x4608x16xf32>)
// CHECK: [[REAL:%.+]] = arith.cmpi ult, %{{.+}}, %{{.+}} : vector<16xindex>
// CHECK: scf.for
// CHECK: arith.divui %{{.+}}, %c576{{[_0-9]*}} : index
// CHECK: vector.gather [[XS]][%{{.+}}] [%{{.+}}], [[REAL]], %{{.+}} : tensor<6272xf32>, vector<16xindex>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// CHECK: [[DYS:%.+]] = tensor.collapse_shape [[DY]] {{\[}}[0], [1], [2, 3]] : tensor<8x16x24x24xf32> into tensor<8x16x576xf32>
// CHECK: linalg.generic {{.+}} outs(%{{.+}} : tensor<1x16x4608xf32>)
// CHECK-DAG: arith.divui %{{.+}}, %c576_i32{{[_0-9]*}} : i32
// CHECK-DAG: arith.remui %{{.+}}, %c576_i32{{[_0-9]*}} : i32
// CHECK: tensor.extract [[DYS]]
// CHECK: scf.forall {{.+}} in (1, 2) {{.+}} -> (tensor<1x16x32xf32>)
// CHECK: arith.mulf {{.+}} fastmath<contract> : vector<16xf32>
// CHECK: tensor.extract_slice %{{.+}}[0, 0, 0] [1, 16, 25] [1, 1, 1] : tensor<1x16x32xf32> to tensor<1x16x25xf32>
// CHECK: [[DWS:%.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2]] : tensor<1x16x25xf32> into tensor<16x25xf32>
// CHECK: [[DW:%.+]] = tensor.expand_shape [[DWS]] {{\[}}[0], [1, 2, 3]] output_shape [16, 1, 5, 5]
// CHECK: return [[DW]]
func.func @conv2d_grad_filter(%dy: tensor<8x16x24x24xf32>, %x: tensor<8x1x28x28xf32>) -> tensor<16x1x5x5xf32> {
  %0 = logbtq.conv2d_grad_filter %dy, %x : (tensor<8x16x24x24xf32>, tensor<8x1x28x28xf32>) -> tensor<16x1x5x5xf32>
  return %0 : tensor<16x1x5x5xf32>
}

// -----

// Strides (2, 3), dilations (2, 3), pads [2, 1, 2, 1]: the input is zero
// padded as far as the windows read (the right pad is never reached).
// CHECK-LABEL: func.func @conv2d_grad_filter_padded(
// CHECK-SAME: [[DY:%[a-z0-9_]+]]: tensor<2x3x5x3xf32>, [[X:%[a-z0-9_]+]]: tensor<2x2x9x10xf32>)
// CHECK: [[PADDED:%.+]] = tensor.pad [[X]] low[0, 0, 2, 1] high[0, 0, 2, 0]
// CHECK: tensor<2x2x9x10xf32> to tensor<2x2x13x11xf32>
// CHECK: linalg.generic {{.+}} outs(%{{.+}} : tensor<1x1x30x16xf32>)
// CHECK: arith.muli %{{.+}}, %c2_i32{{[_0-9]*}} : i32
// CHECK: arith.muli %{{.+}}, %c2_i32{{[_0-9]*}} : i32
// CHECK: arith.muli %{{.+}}, %c3_i32{{[_0-9]*}} : i32
// CHECK: arith.muli %{{.+}}, %c3_i32{{[_0-9]*}} : i32
// CHECK: tensor.extract [[PADDED]]{{.+}} : tensor<2x2x13x11xf32>
func.func @conv2d_grad_filter_padded(%dy: tensor<2x3x5x3xf32>, %x: tensor<2x2x9x10xf32>) -> tensor<3x2x3x2xf32> {
  %0 = logbtq.conv2d_grad_filter %dy, %x {strides = array<i64: 2, 3>, pads = array<i64: 2, 1, 2, 1>, dilations = array<i64: 2, 3>} : (tensor<2x3x5x3xf32>, tensor<2x2x9x10xf32>) -> tensor<3x2x3x2xf32>
  return %0 : tensor<3x2x3x2xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Batch normalization, reductions, slices
//===----------------------------------------------------------------------===//

// inv = 1 / sqrt(var + eps); dx = dy * (inv * scale); one reduction with two
// outputs for sum(dy * (x - mean)) and sum(dy); dscale = dot * inv.
// CHECK-DAG: #[[$C:.+]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[$ID4:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$CH:.+]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @batch_norm_grad(
// CHECK-SAME: [[DY:%[a-z0-9_]+]]: tensor<4x3x5x5xf32>, [[X:%[a-z0-9_]+]]: tensor<4x3x5x5xf32>, [[SCALE:%[a-z0-9_]+]]: tensor<3xf32>, [[MEAN:%[a-z0-9_]+]]: tensor<3xf32>, [[VAR:%[a-z0-9_]+]]: tensor<3xf32>)
// CHECK: [[EPS:%.+]] = arith.constant 9.99999974E-6 : f32
// CHECK: [[INV:%.+]] = linalg.generic {indexing_maps = [#[[$C]], #[[$C]]], iterator_types = ["parallel"]} ins([[VAR]] : tensor<3xf32>)
// CHECK: [[VE:%.+]] = arith.addf %{{.+}}, [[EPS]] : f32
// CHECK: [[STD:%.+]] = math.sqrt [[VE]] : f32
// CHECK: arith.divf %{{.+}}, [[STD]] : f32
// CHECK: [[DX:%.+]] = linalg.generic {indexing_maps = [#[[$ID4]], #[[$CH]], #[[$CH]], #[[$ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: ins([[DY]], [[INV]], [[SCALE]] :
// CHECK-NEXT: ^bb0([[G:%.+]]: f32, [[I:%.+]]: f32, [[S:%.+]]: f32, %{{.+}}: f32):
// CHECK: [[K:%.+]] = arith.mulf [[I]], [[S]] : f32
// CHECK: [[D:%.+]] = arith.mulf [[G]], [[K]] : f32
// CHECK: linalg.yield [[D]] : f32
// CHECK: [[SUMS:%.+]]:2 = linalg.generic {indexing_maps = [#[[$ID4]], #[[$ID4]], #[[$CH]], #[[$CH]], #[[$CH]]], iterator_types = ["reduction", "parallel", "reduction", "reduction"]}
// CHECK-SAME: ins([[DY]], [[X]], [[MEAN]] :
// CHECK-NEXT: ^bb0([[G:%.+]]: f32, [[V:%.+]]: f32, [[M:%.+]]: f32, [[DOT:%.+]]: f32, [[SUM:%.+]]: f32):
// CHECK: [[XC:%.+]] = arith.subf [[V]], [[M]] : f32
// CHECK: [[T:%.+]] = arith.mulf [[XC]], [[G]] : f32
// CHECK: [[DOT2:%.+]] = arith.addf [[DOT]], [[T]] : f32
// CHECK: [[SUM2:%.+]] = arith.addf [[SUM]], [[G]] : f32
// CHECK: linalg.yield [[DOT2]], [[SUM2]] : f32, f32
// CHECK: [[DS:%.+]] = linalg.generic
// CHECK-SAME: ins([[SUMS]]#0, [[INV]] : tensor<3xf32>, tensor<3xf32>)
// CHECK: arith.mulf
// CHECK: return [[DX]], [[DS]], [[SUMS]]#1
func.func @batch_norm_grad(%dy: tensor<4x3x5x5xf32>, %x: tensor<4x3x5x5xf32>, %scale: tensor<3xf32>, %mean: tensor<3xf32>, %var: tensor<3xf32>) -> (tensor<4x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>) {
  %dx, %ds, %db = logbtq.batch_norm_grad %dy, %x, %scale, %mean, %var {epsilon = 1.0e-5 : f32} : (tensor<4x3x5x5xf32>, tensor<4x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<4x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>)
  return %dx, %ds, %db : tensor<4x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// With the batch's statistics (M = 2 * 4 * 4 = 32 values per channel) the
// sums come first; then k = inv * scale, shift = sum / M and
// slope = dot * inv^2 / M per channel, and dx = (dy - shift - (x - mean) *
// slope) * k in one parallel generic.
// CHECK-DAG: #[[$C:.+]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[$ID4:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$CH:.+]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @batch_norm_grad_batch_statistics(
// CHECK-SAME: [[DY:%[a-z0-9_]+]]: tensor<2x3x4x4xf32>, [[X:%[a-z0-9_]+]]: tensor<2x3x4x4xf32>, [[SCALE:%[a-z0-9_]+]]: tensor<3xf32>, [[MEAN:%[a-z0-9_]+]]: tensor<3xf32>, [[VAR:%[a-z0-9_]+]]: tensor<3xf32>)
// CHECK: [[INV:%.+]] = linalg.generic {{.*}} ins([[VAR]] : tensor<3xf32>)
// CHECK: [[SUMS:%.+]]:2 = linalg.generic {indexing_maps = [#[[$ID4]], #[[$ID4]], #[[$CH]], #[[$CH]], #[[$CH]]], iterator_types = ["reduction", "parallel", "reduction", "reduction"]}
// CHECK-SAME: ins([[DY]], [[X]], [[MEAN]] :
// CHECK: [[INVM:%.+]] = arith.constant 3.125000e-02 : f32
// CHECK: [[K:%.+]] = linalg.generic {{.*}} ins([[INV]], [[SCALE]] :
// CHECK: [[SHIFT:%.+]] = linalg.generic {{.*}} ins([[SUMS]]#1 :
// CHECK: arith.mulf %{{.+}}, [[INVM]] : f32
// CHECK: [[SLOPE:%.+]] = linalg.generic {{.*}} ins([[SUMS]]#0, [[INV]] :
// CHECK-NEXT: ^bb0([[D:%[^:]+]]: f32, [[I:%[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: [[I2:%.+]] = arith.mulf [[I]], [[I]] : f32
// CHECK-NEXT: [[DI2:%.+]] = arith.mulf [[D]], [[I2]] : f32
// CHECK-NEXT: arith.mulf [[DI2]], [[INVM]] : f32
// CHECK: [[DX:%.+]] = linalg.generic {indexing_maps = [#[[$ID4]], #[[$ID4]], #[[$CH]], #[[$CH]], #[[$CH]], #[[$CH]], #[[$ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: ins([[DY]], [[X]], [[MEAN]], [[K]], [[SHIFT]], [[SLOPE]] :
// CHECK-NEXT: ^bb0([[G:%[^:]+]]: f32, [[V:%[^:]+]]: f32, [[M:%[^:]+]]: f32, [[KK:%[^:]+]]: f32, [[SH:%[^:]+]]: f32, [[SL:%[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: [[XC:%.+]] = arith.subf [[V]], [[M]] : f32
// CHECK-NEXT: [[TILT:%.+]] = arith.mulf [[XC]], [[SL]] : f32
// CHECK-NEXT: [[G1:%.+]] = arith.subf [[G]], [[SH]] : f32
// CHECK-NEXT: [[G2:%.+]] = arith.subf [[G1]], [[TILT]] : f32
// CHECK-NEXT: [[R:%.+]] = arith.mulf [[G2]], [[KK]] : f32
// CHECK-NEXT: linalg.yield [[R]] : f32
// CHECK: [[DS:%.+]] = linalg.generic {{.*}} ins([[SUMS]]#0, [[INV]] :
// CHECK: return [[DX]], [[DS]], [[SUMS]]#1
func.func @batch_norm_grad_batch_statistics(%dy: tensor<2x3x4x4xf32>, %x: tensor<2x3x4x4xf32>, %s: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) {
  %dx, %ds, %db = logbtq.batch_norm_grad %dy, %x, %s, %m, %v {epsilon = 1.0e-5 : f32, batch_statistics} : (tensor<2x3x4x4xf32>, tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>)
  return %dx, %ds, %db : tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// The batch's statistics: the sum per channel, times 1/M (M = 32), then the
// sum of squared deviations from that mean, times 1/M (two passes), then the
// stored form's normalization with them.
// CHECK-DAG: #[[$C:.+]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[$ID4:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$CH:.+]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @batch_norm_train(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<2x3x4x4xf32>, [[SCALE:%[a-z0-9_]+]]: tensor<3xf32>, [[BIAS:%[a-z0-9_]+]]: tensor<3xf32>)
// CHECK: [[INVM:%.+]] = arith.constant 3.125000e-02 : f32
// CHECK: [[SUM:%.+]] = linalg.generic {indexing_maps = [#[[$ID4]], #[[$CH]]], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins([[X]] :
// CHECK: [[MEAN:%.+]] = linalg.generic {{.*}} ins([[SUM]] :
// CHECK: arith.mulf %{{.+}}, [[INVM]]
// CHECK: [[SQ:%.+]] = linalg.generic {indexing_maps = [#[[$ID4]], #[[$CH]], #[[$CH]]], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins([[X]], [[MEAN]] :
// CHECK-NEXT: ^bb0([[V:%[^:]+]]: f32, [[M:%[^:]+]]: f32, [[ACC:%[^:]+]]: f32):
// CHECK-NEXT: [[D:%.+]] = arith.subf [[V]], [[M]] : f32
// CHECK-NEXT: [[D2:%.+]] = arith.mulf [[D]], [[D]] : f32
// CHECK-NEXT: arith.addf [[ACC]], [[D2]] : f32
// CHECK: [[VAR:%.+]] = linalg.generic {{.*}} ins([[SQ]] :
// CHECK: [[MUL:%.+]] = linalg.generic {{.*}} ins([[SCALE]], [[VAR]] :
// CHECK: [[Y:%.+]] = linalg.generic {indexing_maps = [#[[$ID4]], #[[$CH]], #[[$CH]], #[[$CH]], #[[$ID4]]], {{.*}} ins([[X]], [[MEAN]], [[MUL]], [[BIAS]] :
// CHECK: return [[Y]], [[MEAN]], [[VAR]]
func.func @batch_norm_train(%x: tensor<2x3x4x4xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>) -> (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) {
  %y, %m, %v = logbtq.batch_norm_train %x, %s, %b : (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y, %m, %v : tensor<2x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// One generic over the channels: momentum 0.75 keeps, 0.25 takes the batch
// mean, and 0.25 * 5 / 4 = 0.3125 the batch variance (unbiased, count 5).
// CHECK-LABEL: func.func @running_stats_update(
// CHECK-SAME: [[M:%[a-z0-9_]+]]: tensor<3xf32>, [[V:%[a-z0-9_]+]]: tensor<3xf32>, [[BM:%[a-z0-9_]+]]: tensor<3xf32>, [[BV:%[a-z0-9_]+]]: tensor<3xf32>)
// CHECK-DAG: [[KEEP:%.+]] = arith.constant 7.500000e-01 : f32
// CHECK-DAG: [[TAKE:%.+]] = arith.constant 2.500000e-01 : f32
// CHECK-DAG: [[TAKEV:%.+]] = arith.constant 3.125000e-01 : f32
// CHECK: [[R:%.+]]:2 = linalg.generic {{.*}} ins([[M]], [[V]], [[BM]], [[BV]] :
// CHECK-NEXT: ^bb0([[A:%[^:]+]]: f32, [[B:%[^:]+]]: f32, [[C:%[^:]+]]: f32, [[D:%[^:]+]]: f32,
// CHECK-NEXT: [[T1:%.+]] = arith.mulf [[TAKE]], [[C]] : f32
// CHECK-NEXT: [[K1:%.+]] = arith.mulf [[KEEP]], [[A]] : f32
// CHECK-NEXT: [[N1:%.+]] = arith.addf [[K1]], [[T1]] : f32
// CHECK-NEXT: [[T2:%.+]] = arith.mulf [[TAKEV]], [[D]] : f32
// CHECK-NEXT: [[K2:%.+]] = arith.mulf [[KEEP]], [[B]] : f32
// CHECK-NEXT: [[N2:%.+]] = arith.addf [[K2]], [[T2]] : f32
// CHECK-NEXT: linalg.yield [[N1]], [[N2]] : f32, f32
// CHECK: return [[R]]#0, [[R]]#1
func.func @running_stats_update(%m: tensor<3xf32>, %v: tensor<3xf32>, %bm: tensor<3xf32>, %bv: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %a, %c = logbtq.running_stats_update %m, %v, %bm, %bv {count = 5 : i64, momentum = 0.75 : f32} : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
  return %a, %c : tensor<3xf32>, tensor<3xf32>
}

// -----

// Rank 2 (BatchNorm1d): the channel is still dim 1.
// CHECK-DAG: #[[$CH:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @batch_norm_grad_2d(
// CHECK: arith.constant 1.000000e-03 : f32
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #{{.+}}, #[[$CH]], #[[$CH]], #[[$CH]]], iterator_types = ["reduction", "parallel"]}
// CHECK-SAME: outs(%{{.+}}, %{{.+}} : tensor<7xf32>, tensor<7xf32>)
func.func @batch_norm_grad_2d(%dy: tensor<5x7xf32>, %x: tensor<5x7xf32>, %scale: tensor<7xf32>, %mean: tensor<7xf32>, %var: tensor<7xf32>) -> (tensor<5x7xf32>, tensor<7xf32>, tensor<7xf32>) {
  %dx, %ds, %db = logbtq.batch_norm_grad %dy, %x, %scale, %mean, %var {epsilon = 1.0e-3 : f32} : (tensor<5x7xf32>, tensor<5x7xf32>, tensor<7xf32>, tensor<7xf32>, tensor<7xf32>) -> (tensor<5x7xf32>, tensor<7xf32>, tensor<7xf32>)
  return %dx, %ds, %db : tensor<5x7xf32>, tensor<7xf32>, tensor<7xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_sum(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<8x16x24x24xf32>)
// CHECK: [[ZERO:%.+]] = arith.constant 0.000000e+00 : f32
// CHECK: [[INIT:%.+]] = linalg.fill ins([[ZERO]] : f32) outs(%{{.+}} : tensor<16xf32>)
// CHECK: [[R:%.+]] = linalg.reduce ins([[X]] : tensor<8x16x24x24xf32>) outs([[INIT]] : tensor<16xf32>) dimensions = [0, 2, 3]
// CHECK: arith.addf
// CHECK: return [[R]]
func.func @reduce_sum(%x: tensor<8x16x24x24xf32>) -> tensor<16xf32> {
  %0 = logbtq.reduce_sum %x {axes = array<i64: 0, 2, 3>} : tensor<8x16x24x24xf32> -> tensor<16xf32>
  return %0 : tensor<16xf32>
}

// -----

// linalg.reduce wants its dimensions sorted.
// CHECK-LABEL: func.func @reduce_sum_unsorted(
// CHECK: linalg.reduce ins(%{{.+}} : tensor<3x4x5xf32>) outs(%{{.+}} : tensor<4xf32>) dimensions = [0, 2]
func.func @reduce_sum_unsorted(%x: tensor<3x4x5xf32>) -> tensor<4xf32> {
  %0 = logbtq.reduce_sum %x {axes = array<i64: 2, 0>} : tensor<3x4x5xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Summing over all dims gives a 0-d tensor.
// CHECK-LABEL: func.func @reduce_sum_all(
// CHECK: linalg.reduce ins(%{{.+}} : tensor<3x4xf32>) outs(%{{.+}} : tensor<f32>) dimensions = [0, 1]
func.func @reduce_sum_all(%x: tensor<3x4xf32>) -> tensor<f32> {
  %0 = logbtq.reduce_sum %x {axes = array<i64: 0, 1>} : tensor<3x4xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// No axes: the input itself.
// CHECK-LABEL: func.func @reduce_sum_none(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<3x4xf32>)
// CHECK-NEXT: return [[X]] : tensor<3x4xf32>
func.func @reduce_sum_none(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = logbtq.reduce_sum %x {axes = array<i64>} : tensor<3x4xf32> -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// CHECK-LABEL: func.func @slice(
// CHECK-SAME: [[X:%[a-z0-9_]+]]: tensor<2x8xf32>)
// CHECK-NEXT: [[S:%.+]] = tensor.extract_slice [[X]][0, 3] [2, 5] [1, 1] : tensor<2x8xf32> to tensor<2x5xf32>
// CHECK-NEXT: return [[S]]
func.func @slice(%x: tensor<2x8xf32>) -> tensor<2x5xf32> {
  %0 = logbtq.slice %x {offsets = array<i64: 0, 3>} : tensor<2x8xf32> -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// CHECK-LABEL: func.func @slice_box(
// CHECK: tensor.extract_slice %{{.+}}[1, 2, 3] [2, 3, 2] [1, 1, 1] : tensor<4x5x6xf32> to tensor<2x3x2xf32>
func.func @slice_box(%x: tensor<4x5x6xf32>) -> tensor<2x3x2xf32> {
  %0 = logbtq.slice %x {offsets = array<i64: 1, 2, 3>} : tensor<4x5x6xf32> -> tensor<2x3x2xf32>
  return %0 : tensor<2x3x2xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Optimizer
//===----------------------------------------------------------------------===//

// One generic, two results: g = grad + wd * p; m' = m * momentum + g;
// p' = p - lr * m'.
// CHECK-LABEL: func.func @sgd_update(
// CHECK-SAME: [[P:%[a-z0-9_]+]]: tensor<256x784xf32>, [[G:%[a-z0-9_]+]]: tensor<256x784xf32>, [[M:%[a-z0-9_]+]]: tensor<256x784xf32>, [[LR:%[a-z0-9_]+]]: f32)
// CHECK-DAG: [[WD:%.+]] = arith.constant 5.000000e-04 : f32
// CHECK-DAG: [[MOM:%.+]] = arith.constant 0.899999976 : f32
// CHECK: [[R:%.+]]:2 = linalg.generic
// CHECK-SAME: ins([[P]], [[G]], [[M]] : tensor<256x784xf32>, tensor<256x784xf32>, tensor<256x784xf32>)
// CHECK-SAME: outs(%{{.+}}, %{{.+}} : tensor<256x784xf32>, tensor<256x784xf32>)
// CHECK-NEXT: ^bb0([[PV:%.+]]: f32, [[GV:%.+]]: f32, [[MV:%.+]]: f32, %{{.+}}: f32, %{{.+}}: f32):
// CHECK: [[DECAY:%.+]] = arith.mulf [[WD]], [[PV]] : f32
// CHECK: [[D:%.+]] = arith.addf [[GV]], [[DECAY]] : f32
// CHECK: [[MM:%.+]] = arith.mulf [[MV]], [[MOM]] : f32
// CHECK: [[NM:%.+]] = arith.addf [[MM]], [[D]] : f32
// CHECK: [[STEP:%.+]] = arith.mulf [[LR]], [[NM]] : f32
// CHECK: [[NP:%.+]] = arith.subf [[PV]], [[STEP]] : f32
// CHECK: linalg.yield [[NP]], [[NM]] : f32, f32
// CHECK: return [[R]]#0, [[R]]#1
func.func @sgd_update(%p: tensor<256x784xf32>, %g: tensor<256x784xf32>, %m: tensor<256x784xf32>, %lr: f32) -> (tensor<256x784xf32>, tensor<256x784xf32>) {
  %p2, %m2 = logbtq.sgd_update %p, %g, %m, %lr {momentum = 0.9 : f32, weight_decay = 5.0e-4 : f32} : tensor<256x784xf32>, tensor<256x784xf32>, tensor<256x784xf32>
  return %p2, %m2 : tensor<256x784xf32>, tensor<256x784xf32>
}

// -----

// No momentum, no weight decay: the buffer is not read and the step
// direction is the gradient.
// CHECK-LABEL: func.func @sgd_update_plain(
// CHECK-SAME: [[P:%[a-z0-9_]+]]: tensor<10xf32>, [[G:%[a-z0-9_]+]]: tensor<10xf32>, [[M:%[a-z0-9_]+]]: tensor<10xf32>, [[LR:%[a-z0-9_]+]]: f32)
// CHECK-NOT: arith.constant
// CHECK: linalg.generic
// CHECK-SAME: ins([[P]], [[G]] : tensor<10xf32>, tensor<10xf32>)
// CHECK-NEXT: ^bb0([[PV:%.+]]: f32, [[GV:%.+]]: f32, %{{.+}}: f32, %{{.+}}: f32):
// CHECK-NEXT: [[STEP:%.+]] = arith.mulf [[LR]], [[GV]] : f32
// CHECK-NEXT: [[NP:%.+]] = arith.subf [[PV]], [[STEP]] : f32
// CHECK-NEXT: linalg.yield [[NP]], [[GV]] : f32, f32
func.func @sgd_update_plain(%p: tensor<10xf32>, %g: tensor<10xf32>, %m: tensor<10xf32>, %lr: f32) -> (tensor<10xf32>, tensor<10xf32>) {
  %p2, %m2 = logbtq.sgd_update %p, %g, %m, %lr : tensor<10xf32>, tensor<10xf32>, tensor<10xf32>
  return %p2, %m2 : tensor<10xf32>, tensor<10xf32>
}

// -----

// Momentum without weight decay.
// CHECK-LABEL: func.func @sgd_update_momentum(
// CHECK: [[MOM:%.+]] = arith.constant 5.000000e-01 : f32
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0([[PV:%.+]]: f32, [[GV:%.+]]: f32, [[MV:%.+]]: f32, %{{.+}}: f32, %{{.+}}: f32):
// CHECK-NEXT: [[MM:%.+]] = arith.mulf [[MV]], [[MOM]] : f32
// CHECK-NEXT: [[NM:%.+]] = arith.addf [[MM]], [[GV]] : f32
func.func @sgd_update_momentum(%p: tensor<3x7xf32>, %g: tensor<3x7xf32>, %m: tensor<3x7xf32>, %lr: f32) -> (tensor<3x7xf32>, tensor<3x7xf32>) {
  %p2, %m2 = logbtq.sgd_update %p, %g, %m, %lr {momentum = 0.5 : f32} : tensor<3x7xf32>, tensor<3x7xf32>, tensor<3x7xf32>
  return %p2, %m2 : tensor<3x7xf32>, tensor<3x7xf32>
}

// -----

// Gradient clipping's scale multiplies the gradient before weight decay and
// momentum (torch.nn.utils.clip_grad_norm_, then torch.optim.SGD).
// CHECK-LABEL: func.func @sgd_update_clipped(
// CHECK-SAME: [[LR:%[a-z0-9_]+]]: f32, [[S:%[a-z0-9_]+]]: f32)
// CHECK-DAG: [[WD:%.+]] = arith.constant 2.500000e-01 : f32
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0([[PV:%.+]]: f32, [[GV:%.+]]: f32, [[MV:%.+]]: f32, %{{.+}}: f32, %{{.+}}: f32):
// CHECK-NEXT: [[SG:%.+]] = arith.mulf [[S]], [[GV]] : f32
// CHECK-NEXT: [[DECAY:%.+]] = arith.mulf [[WD]], [[PV]] : f32
// CHECK-NEXT: [[D:%.+]] = arith.addf [[SG]], [[DECAY]] : f32
func.func @sgd_update_clipped(%p: tensor<3x7xf32>, %g: tensor<3x7xf32>, %m: tensor<3x7xf32>, %lr: f32, %s: f32) -> (tensor<3x7xf32>, tensor<3x7xf32>) {
  %p2, %m2 = logbtq.sgd_update %p, %g, %m, %lr grad_scale %s {momentum = 0.5 : f32, weight_decay = 0.25 : f32} : tensor<3x7xf32>, tensor<3x7xf32>, tensor<3x7xf32>
  return %p2, %m2 : tensor<3x7xf32>, tensor<3x7xf32>
}

// -----

// The global norm: each input's squares summed in f64 by a reduction over
// all its dims, the sums added, then the square root, rounded to f32.
// CHECK-LABEL: func.func @global_norm(
// CHECK-SAME: [[A:%[a-z0-9_]+]]: tensor<4x5xf32>, [[B:%[a-z0-9_]+]]: tensor<7xf32>) -> f32
// CHECK: [[RA:%.+]] = linalg.generic {{.+}} iterator_types = ["reduction", "reduction"]} ins([[A]] : tensor<4x5xf32>) outs(%{{.+}} : tensor<f64>)
// CHECK: [[XA:%.+]] = arith.extf %{{.+}} : f32 to f64
// CHECK: [[SQA:%.+]] = arith.mulf [[XA]], [[XA]] : f64
// CHECK: arith.addf %{{.+}}, [[SQA]] fastmath<reassoc> : f64
// CHECK: [[EA:%.+]] = tensor.extract [[RA]][] : tensor<f64>
// CHECK: [[TA:%.+]] = arith.addf %{{.+}}, [[EA]] : f64
// CHECK: [[RB:%.+]] = linalg.generic {{.+}} iterator_types = ["reduction"]} ins([[B]] : tensor<7xf32>) outs(%{{.+}} : tensor<f64>)
// CHECK: [[EB:%.+]] = tensor.extract [[RB]][] : tensor<f64>
// CHECK: [[TB:%.+]] = arith.addf [[TA]], [[EB]] : f64
// CHECK: [[N:%.+]] = math.sqrt [[TB]] : f64
// CHECK: [[N32:%.+]] = arith.truncf [[N]] : f64 to f32
// CHECK: return [[N32]] : f32
func.func @global_norm(%a: tensor<4x5xf32>, %b: tensor<7xf32>) -> f32 {
  %n = logbtq.global_norm %a, %b : tensor<4x5xf32>, tensor<7xf32>
  return %n : f32
}

// -----

// The statistics again (reductions over d1, d2: axis 1), then per row
// sum(g) and sum(g * xhat) (g = dy * scale) in one generic, dscale and dbias
// over the leading d0 in another, and dx in a parallel one with 1/12.
// CHECK-DAG: #[[$ID3:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-DAG: #[[$NORM:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @layer_norm_grad(
// CHECK-SAME: [[DY:%[a-z0-9_]+]]: tensor<2x3x4xf32>, [[X:%[a-z0-9_]+]]: tensor<2x3x4xf32>, [[SCALE:%[a-z0-9_]+]]: tensor<3x4xf32>)
// CHECK: [[MEAN:%.+]] = linalg.generic {{.*}}iterator_types = ["parallel"]}
// CHECK: [[INV:%.+]] = linalg.generic {{.*}}iterator_types = ["parallel"]}
// CHECK: math.sqrt
// CHECK: [[ROWS:%.+]]:2 = linalg.generic {indexing_maps = [#[[$ID3]], #[[$ID3]], #[[$ROW]], #[[$ROW]], #[[$NORM]], #[[$ROW]], #[[$ROW]]], iterator_types = ["parallel", "reduction", "reduction"]}
// CHECK-SAME: ins([[DY]], [[X]], [[MEAN]], [[INV]], [[SCALE]] :
// CHECK-NEXT: ^bb0([[D:%.+]]: f32, [[A:%.+]]: f32, [[M:%.+]]: f32, [[K:%.+]]: f32, [[S:%.+]]: f32, [[SG:%.+]]: f32, [[SGX:%.+]]: f32):
// CHECK-NEXT: [[G:%.+]] = arith.mulf [[D]], [[S]] : f32
// CHECK-NEXT: [[C:%.+]] = arith.subf [[A]], [[M]] : f32
// CHECK-NEXT: [[XHAT:%.+]] = arith.mulf [[C]], [[K]] : f32
// CHECK-NEXT: [[T:%.+]] = arith.mulf [[G]], [[XHAT]] : f32
// CHECK-NEXT: [[N1:%.+]] = arith.addf [[SG]], [[G]] : f32
// CHECK-NEXT: [[N2:%.+]] = arith.addf [[SGX]], [[T]] : f32
// CHECK-NEXT: linalg.yield [[N1]], [[N2]]
// CHECK: [[PARAMS:%.+]]:2 = linalg.generic {indexing_maps = [#[[$ID3]], #[[$ID3]], #[[$ROW]], #[[$ROW]], #[[$NORM]], #[[$NORM]]], iterator_types = ["reduction", "parallel", "parallel"]}
// CHECK-SAME: ins([[DY]], [[X]], [[MEAN]], [[INV]] :
// CHECK: [[TWELFTH:%.+]] = arith.constant 0.0833333358 : f32
// CHECK: [[DX:%.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins([[DY]], [[X]], [[MEAN]], [[INV]], [[SCALE]], [[ROWS]]#0, [[ROWS]]#1 :
// CHECK-NEXT: ^bb0([[D2:%.+]]: f32, [[A2:%.+]]: f32, [[M2:%.+]]: f32, [[K2:%.+]]: f32, [[S2:%.+]]: f32, [[R0:%.+]]: f32, [[R1:%.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: [[G2:%.+]] = arith.mulf [[D2]], [[S2]] : f32
// CHECK-NEXT: [[C2:%.+]] = arith.subf [[A2]], [[M2]] : f32
// CHECK-NEXT: [[XHAT2:%.+]] = arith.mulf [[C2]], [[K2]] : f32
// CHECK-NEXT: [[SHIFT:%.+]] = arith.mulf [[R0]], [[TWELFTH]] : f32
// CHECK-NEXT: [[SLOPE:%.+]] = arith.mulf [[R1]], [[TWELFTH]] : f32
// CHECK-NEXT: [[TILT:%.+]] = arith.mulf [[XHAT2]], [[SLOPE]] : f32
// CHECK-NEXT: [[U:%.+]] = arith.subf [[G2]], [[SHIFT]] : f32
// CHECK-NEXT: [[V:%.+]] = arith.subf [[U]], [[TILT]] : f32
// CHECK-NEXT: arith.mulf [[V]], [[K2]] : f32
// CHECK: return [[DX]], [[PARAMS]]#0, [[PARAMS]]#1
func.func @layer_norm_grad(%dy: tensor<2x3x4xf32>, %x: tensor<2x3x4xf32>, %s: tensor<3x4xf32>) -> (tensor<2x3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>) {
  %dx, %ds, %db = logbtq.layer_norm_grad %dy, %x, %s {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<3x4xf32>) -> (tensor<2x3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>)
  return %dx, %ds, %db : tensor<2x3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>
}

// -----

// The box's gradient inserted, strided, into zeros.
// CHECK-LABEL: func.func @strided_slice_grad(
// CHECK-SAME: [[DY:%[a-z0-9_]+]]: tensor<4x3xf32>)
// CHECK: [[ZERO:%.+]] = arith.constant 0.000000e+00 : f32
// CHECK: [[FILLED:%.+]] = linalg.fill ins([[ZERO]] : f32) outs(%{{.+}} : tensor<4x8xf32>)
// CHECK: [[DX:%.+]] = tensor.insert_slice [[DY]] into [[FILLED]][0, 1] [4, 3] [1, 3] : tensor<4x3xf32> into tensor<4x8xf32>
// CHECK: return [[DX]]
func.func @strided_slice_grad(%dy: tensor<4x3xf32>) -> tensor<4x8xf32> {
  %dx = logbtq.strided_slice_grad %dy {offsets = array<i64: 0, 1>, strides = array<i64: 1, 3>} : tensor<4x3xf32> -> tensor<4x8xf32>
  return %dx : tensor<4x8xf32>
}

// -----

// Loops over the input's dims (d0, d1) and the index dims (d2, d3, which
// reduce): each input position adds the gradient of every entry whose index
// (wrapped and clamped as gather reads it) is that position.
// CHECK-DAG: #[[$G:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[$IDX:.+]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-DAG: #[[$OUT:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
// CHECK-LABEL: func.func @gather_grad(
// CHECK-SAME: [[DY:%[a-z0-9_]+]]: tensor<4x2x5xf32>, [[I:%[a-z0-9_]+]]: tensor<2x5xi64>)
// CHECK: [[FILLED:%.+]] = linalg.fill
// CHECK: linalg.generic {indexing_maps = [#[[$G]], #[[$IDX]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins([[DY]], [[I]] : tensor<4x2x5xf32>, tensor<2x5xi64>) outs([[FILLED]] : tensor<4x8xf32>)
// CHECK-NEXT: ^bb0([[G:%.+]]: f32, [[IDX:%.+]]: i64, [[ACC:%.+]]: f32):
// CHECK-NEXT: [[POS:%.+]] = linalg.index 1 : index
// CHECK: arith.minsi
// CHECK: [[AT:%.+]] = arith.index_cast %{{.+}} : i64 to index
// CHECK: [[HIT:%.+]] = arith.cmpi eq, [[AT]], [[POS]] : index
// CHECK: [[TERM:%.+]] = arith.select [[HIT]], [[G]], %{{.+}} : f32
// CHECK: arith.addf [[ACC]], [[TERM]] : f32
func.func @gather_grad(%dy: tensor<4x2x5xf32>, %i: tensor<2x5xi64>) -> tensor<4x8xf32> {
  %dx = logbtq.gather_grad %dy, %i {axis = 1 : i64} : (tensor<4x2x5xf32>, tensor<2x5xi64>) -> tensor<4x8xf32>
  return %dx : tensor<4x8xf32>
}
