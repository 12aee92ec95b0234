// A hang is a failure (@lookup_many_paths): at most 2 minutes.
// RUN: timeout 120 logbtq-opt %s -split-input-file -logbtq-vectorize -canonicalize | FileCheck %s

// An elementwise table lookup: collapsed to one dim, tiled by 16, the
// lookup a gather.
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @lookup
//       CHECK:   tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<4x32xi8> into tensor<128xi8>
//       CHECK:   scf.for %{{.*}} = %c0 to %c128 step %c16
//       CHECK:     vector.transfer_read {{.*}} : tensor<16xi8>, vector<16xi8>
//       CHECK:     vector.gather {{.*}} : tensor<4xf32>, vector<16xindex>, vector<16xi1>, vector<16xf32> into vector<16xf32>
//   CHECK-NOT:   linalg.generic
//       CHECK:   tensor.expand_shape
func.func @lookup(%codes: tensor<4x32xi8>) -> tensor<4x32xf32> {
  %table = arith.constant dense<[0.0, 1.0, 2.0, 3.0]> : tensor<4xf32>
  %init = tensor.empty() : tensor<4x32xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%codes : tensor<4x32xi8>) outs(%init : tensor<4x32xf32>) {
  ^bb0(%c: i8, %out: f32):
    %i = arith.index_castui %c : i8 to index
    %v = tensor.extract %table[%i] : tensor<4xf32>
    linalg.yield %v : f32
  } -> tensor<4x32xf32>
  return %r : tensor<4x32xf32>
}

// -----

// A remainder below the vector width stays a scalar op.
#id1 = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @remainder
//       CHECK:   scf.for %{{.*}} = %c0 to %c32 step %c16
//       CHECK:     arith.mulf %{{.*}}, %{{.*}} : vector<16xf32>
//       CHECK:   linalg.generic {{.*}} ins(%{{.*}} : tensor<8xf32>)
//       CHECK:     arith.mulf %{{.*}}, %{{.*}} : f32
func.func @remainder(%x: tensor<40xf32>) -> tensor<40xf32> {
  %init = tensor.empty() : tensor<40xf32>
  %r = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%x : tensor<40xf32>) outs(%init : tensor<40xf32>) {
  ^bb0(%a: f32, %out: f32):
    %m = arith.mulf %a, %a : f32
    linalg.yield %m : f32
  } -> tensor<40xf32>
  return %r : tensor<40xf32>
}

// -----

// Integer counters are exact in any order: collapsed, counted in 16 lanes
// (a vector the loop carries, so it stays in a register), the lanes summed
// once after it.
#id = affine_map<(d0, d1) -> (d0, d1)>
#scalar = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @count
//       CHECK:   tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<8x64xi8> into tensor<512xi8>
//       CHECK:   %[[ZERO:.+]] = linalg.fill ins(%{{.*}} : i32) outs(%{{.*}} : tensor<16xi32>)
//       CHECK:   %[[INIT:.+]] = vector.transfer_read %[[ZERO]]
//       CHECK:   %[[LANES:.+]] = scf.for %{{.*}} = %c0 to %c512 step %c16 iter_args(%[[ACC:.+]] = %[[INIT]]) -> (vector<16xi32>)
//   CHECK-NOT:     vector.transfer_write
//       CHECK:     %[[SUM:.+]] = arith.addi %[[ACC]], %{{.*}} : vector<16xi32>
//       CHECK:     scf.yield %[[SUM]] : vector<16xi32>
//   CHECK-NOT:   linalg.generic
//       CHECK:   %[[OUT:.+]] = vector.transfer_write %[[LANES]], %[[ZERO]]
//       CHECK:   linalg.reduce ins(%[[OUT]] : tensor<16xi32>) outs(%{{.*}} : tensor<i32>) dimensions = [0]
func.func @count(%x: tensor<8x64xi8>, %init: tensor<i32>) -> tensor<i32> {
  %z = arith.constant 0 : i8
  %r = linalg.generic {indexing_maps = [#id, #scalar], iterator_types = ["reduction", "reduction"]}
      ins(%x : tensor<8x64xi8>) outs(%init : tensor<i32>) {
  ^bb0(%a: i8, %acc: i32):
    %e = arith.cmpi eq, %a, %z : i8
    %one = arith.extui %e : i1 to i32
    %s = arith.addi %acc, %one : i32
    linalg.yield %s : i32
  } -> tensor<i32>
  return %r : tensor<i32>
}

// -----

// A float sum depends on the order: left alone.
#id = affine_map<(d0, d1) -> (d0, d1)>
#scalar = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @float_sum
//   CHECK-NOT:   vector.
//       CHECK:   linalg.generic
func.func @float_sum(%x: tensor<8x64xf32>, %init: tensor<f32>) -> tensor<f32> {
  %r = linalg.generic {indexing_maps = [#id, #scalar], iterator_types = ["reduction", "reduction"]}
      ins(%x : tensor<8x64xf32>) outs(%init : tensor<f32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %acc, %a : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  return %r : tensor<f32>
}

// -----

// A float sum that allows reassociation, and a float maximum: vectorized.
#id = affine_map<(d0) -> (d0)>
#scalar = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @reassoc_sum_and_max
//       CHECK:   scf.for %{{.*}} step %c16 iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (vector<16xf64>, vector<16xf32>)
//       CHECK:     arith.addf %{{.*}}, %{{.*}} fastmath<reassoc> : vector<16xf64>
//       CHECK:     arith.maxnumf %{{.*}}, %{{.*}} : vector<16xf32>
//       CHECK:   linalg.reduce
func.func @reassoc_sum_and_max(%x: tensor<64xf32>, %s: tensor<f64>, %m: tensor<f32>) -> (tensor<f64>, tensor<f32>) {
  %r:2 = linalg.generic {indexing_maps = [#id, #scalar, #scalar], iterator_types = ["reduction"]}
      ins(%x : tensor<64xf32>) outs(%s, %m : tensor<f64>, tensor<f32>) {
  ^bb0(%a: f32, %acc: f64, %mx: f32):
    %w = arith.extf %a : f32 to f64
    %sum = arith.addf %acc, %w fastmath<reassoc> : f64
    %abs = math.absf %a : f32
    %max = arith.maxnumf %mx, %abs : f32
    linalg.yield %sum, %max : f64, f32
  } -> (tensor<f64>, tensor<f32>)
  return %r#0, %r#1 : tensor<f64>, tensor<f32>
}

// -----

// A transposed read is not contiguous in the innermost dim: left alone.
#in = affine_map<(d0, d1) -> (d1, d0)>
#out = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @transpose
//   CHECK-NOT:   vector.
//       CHECK:   linalg.generic
func.func @transpose(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %init = tensor.empty() : tensor<32x32xf32>
  %r = linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<32x32xf32>) outs(%init : tensor<32x32xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<32x32xf32>
  return %r : tensor<32x32xf32>
}

// -----

// A bias add over NCHW images of 14 x 14: the bias is read as (d1), the
// input and output read (d2, d3) together and last, so those dims collapse
// into one of 196 elements (12 vectors, a remainder of 4). Without the
// collapse every row of 14 would be a remainder, all of it scalar.
#nchw = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#chan = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @bias_over_images
//       CHECK:   tensor.collapse_shape %{{.*}} {{\[}}[0], [1], [2, 3]] : tensor<2x3x14x14xf32> into tensor<2x3x196xf32>
//       CHECK:   scf.for %{{.*}} = %c0 to %c192 step %c16
//       CHECK:     arith.addf %{{.*}}, %{{.*}} : vector<16xf32>
//       CHECK:   linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x3x4xf32>, tensor<3xf32>)
//       CHECK:     arith.addf %{{.*}}, %{{.*}} : f32
func.func @bias_over_images(%x: tensor<2x3x14x14xf32>, %b: tensor<3xf32>) -> tensor<2x3x14x14xf32> {
  %init = tensor.empty() : tensor<2x3x14x14xf32>
  %r = linalg.generic {indexing_maps = [#nchw, #chan, #nchw], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %b : tensor<2x3x14x14xf32>, tensor<3xf32>) outs(%init : tensor<2x3x14x14xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<2x3x14x14xf32>
  return %r : tensor<2x3x14x14xf32>
}

// -----

// An operand that may be a strided view (a slice of a bigger tensor) keeps
// the op's rows: collapsing it would copy the slice into a dense buffer.
#id2s = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @slice_rows
//   CHECK-NOT:   tensor.collapse_shape
//       CHECK:   arith.mulf %{{.*}}, %{{.*}} : vector<16xf32>
func.func @slice_rows(%big: tensor<4x48xf32>) -> tensor<4x32xf32> {
  %x = tensor.extract_slice %big[0, 8] [4, 32] [1, 1] : tensor<4x48xf32> to tensor<4x32xf32>
  %init = tensor.empty() : tensor<4x32xf32>
  %r = linalg.generic {indexing_maps = [#id2s, #id2s], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x32xf32>) outs(%init : tensor<4x32xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %a : f32
    linalg.yield %m : f32
  } -> tensor<4x32xf32>
  return %r : tensor<4x32xf32>
}

// -----

// Dims read in another order by one operand do not collapse: the rows of
// 14 stay rows (here all remainder, so scalar).
#swap = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3, d2)>
#nchw = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @swapped_images
//   CHECK-NOT:   tensor.collapse_shape
//   CHECK-NOT:   vector.
//       CHECK:   linalg.generic
func.func @swapped_images(%x: tensor<2x3x14x14xf32>) -> tensor<2x3x14x14xf32> {
  %init = tensor.empty() : tensor<2x3x14x14xf32>
  %r = linalg.generic {indexing_maps = [#swap, #nchw], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<2x3x14x14xf32>) outs(%init : tensor<2x3x14x14xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %a : f32
    linalg.yield %m : f32
  } -> tensor<2x3x14x14xf32>
  return %r : tensor<2x3x14x14xf32>
}

// -----

// An elementwise op that reads its indices (the stochastic rounding of a
// 5 x 5 filter keys its draws on the flat index) is collapsed when its rows
// are shorter than a vector, and its index is split back per lane...
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @indexed_filter
//       CHECK:   tensor.collapse_shape %{{.*}} {{\[}}[0, 1, 2, 3]] : tensor<4x3x5x5xf32> into tensor<300xf32>
//       CHECK:   vector.step
//       CHECK:   arith.remsi %{{.*}} : vector<16xindex>
//       CHECK:   arith.uitofp %{{.*}} : vector<16xi32> to vector<16xf32>
func.func @indexed_filter(%x: tensor<4x3x5x5xf32>) -> tensor<4x3x5x5xf32> {
  %init = tensor.empty() : tensor<4x3x5x5xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<4x3x5x5xf32>) outs(%init : tensor<4x3x5x5xf32>) {
  ^bb0(%a: f32, %o: f32):
    %i = linalg.index 3 : index
    %c = arith.index_cast %i : index to i32
    %f = arith.uitofp %c : i32 to f32
    %m = arith.addf %a, %f : f32
    linalg.yield %m : f32
  } -> tensor<4x3x5x5xf32>
  return %r : tensor<4x3x5x5xf32>
}

// -----

// ... but not when its rows are whole vectors: the division and remainder
// per lane would cost more than the longer loop saves.
#id2 = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @indexed_rows
//   CHECK-NOT:   tensor.collapse_shape
//   CHECK-NOT:   arith.remsi
//       CHECK:   arith.uitofp %{{.*}} : vector<16xi32> to vector<16xf32>
func.func @indexed_rows(%x: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %init = tensor.empty() : tensor<4x32xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x32xf32>) outs(%init : tensor<4x32xf32>) {
  ^bb0(%a: f32, %o: f32):
    %i = linalg.index 1 : index
    %c = arith.index_cast %i : index to i32
    %f = arith.uitofp %c : i32 to f32
    %m = arith.addf %a, %f : f32
    linalg.yield %m : f32
  } -> tensor<4x32xf32>
  return %r : tensor<4x32xf32>
}

// -----

// A sum over some dims only (a convolution's bias gradient: all but the
// channel) is left to -logbtq-order-loops: its parallel dims cannot be tiled
// together with the partial sums of its reductions.
#img = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @sum_but_channels
//   CHECK-NOT:   vector.
//       CHECK:   linalg.generic
func.func @sum_but_channels(%x: tensor<4x16x8x32xf32>, %init: tensor<16xf32>) -> tensor<16xf32> {
  %r = linalg.generic {indexing_maps = [#img, #ch], iterator_types = ["reduction", "parallel", "reduction", "reduction"]}
      ins(%x : tensor<4x16x8x32xf32>) outs(%init : tensor<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o fastmath<reassoc> : f32
    linalg.yield %s : f32
  } -> tensor<16xf32>
  return %r : tensor<16xf32>
}

// -----

// The invalid option.
// RUN: not logbtq-opt %s -split-input-file -logbtq-vectorize=vector-width=0 2>&1 | FileCheck %s --check-prefix=WIDTH
// WIDTH: vector-width must be positive, not 0

// -----

// A big reduction is split into equal chunks (a divisor of its size, at most
// 16,384) that an scf.forall reduces into partial results, merged in chunk
// order: the split depends on the size only, not on the thread count.
#id1 = affine_map<(d0) -> (d0)>
#s = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @chunked_count
//       CHECK:   %[[PARTS:.+]] = scf.forall (%{{.+}}) = (0) to (131072) step (16384) shared_outs(%{{.+}} = %{{.+}}) -> (tensor<8xi32>)
//       CHECK:     scf.for %{{.*}} = %c0 to %c16384 step %c16
//       CHECK:       arith.addi %{{.*}}, %{{.*}} : vector<16xi32>
//       CHECK:     tensor.parallel_insert_slice
//       CHECK:   linalg.reduce ins(%[[PARTS]] : tensor<8xi32>)
func.func @chunked_count(%x: tensor<131072xi8>, %init: tensor<i32>) -> tensor<i32> {
  %z = arith.constant 0 : i8
  %r = linalg.generic {indexing_maps = [#id1, #s], iterator_types = ["reduction"]}
      ins(%x : tensor<131072xi8>) outs(%init : tensor<i32>) {
  ^bb0(%a: i8, %acc: i32):
    %e = arith.cmpi eq, %a, %z : i8
    %one = arith.extui %e : i1 to i32
    %s2 = arith.addi %acc, %one : i32
    linalg.yield %s2 : i32
  } -> tensor<i32>
  return %r : tensor<i32>
}

// -----

// A read at computed indices of a slice (a strided view once bufferized) is
// a gather with offsets linearized over the slice's shape: it reads a dense
// copy instead. A tensor that is dense (here the function argument) is read
// in place.
#id2 = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @gather_from_slice
//  CHECK-SAME: (%[[BIG:.+]]: tensor<4x24xf32>, %[[IDX:.+]]: tensor<4x16xindex>, %[[DENSE:.+]]: tensor<4x16xf32>)
//       CHECK:   %[[SLICE:.+]] = tensor.extract_slice %[[BIG]][0, 0] [4, 16] [1, 1]
//       CHECK:   %[[COPY:.+]] = bufferization.alloc_tensor() copy(%[[SLICE]]) : tensor<4x16xf32>
//   CHECK-NOT:   bufferization.alloc_tensor
//       CHECK:   vector.gather %[[COPY]]
//       CHECK:   vector.gather %[[DENSE]]
func.func @gather_from_slice(%big: tensor<4x24xf32>, %idx: tensor<4x16xindex>, %dense: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %slice = tensor.extract_slice %big[0, 0] [4, 16] [1, 1] : tensor<4x24xf32> to tensor<4x16xf32>
  %init = tensor.empty() : tensor<4x16xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%idx : tensor<4x16xindex>) outs(%init : tensor<4x16xf32>) {
  ^bb0(%i: index, %out: f32):
    %row = linalg.index 0 : index
    %a = tensor.extract %slice[%row, %i] : tensor<4x16xf32>
    %b = tensor.extract %dense[%row, %i] : tensor<4x16xf32>
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// -----

// A lookup whose index reuses each value twice, 40 times over: 2^40 paths
// from the index back to the input, which upstream's analysis of the lookup
// would walk one by one (it never returned). The op stays scalar, and the
// pass returns at once.
#idr = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @lookup_many_paths
//       CHECK:   linalg.generic
//       CHECK:     tensor.extract %{{.*}}[%{{.*}}] : tensor<4xf32>
//   CHECK-NOT:   vector.gather
func.func @lookup_many_paths(%x: tensor<32xi32>) -> tensor<32xf32> {
  %table = arith.constant dense<[0.0, 1.0, 2.0, 3.0]> : tensor<4xf32>
  %three = arith.constant 3 : i32
  %init = tensor.empty() : tensor<32xf32>
  %r = linalg.generic {indexing_maps = [#idr, #idr], iterator_types = ["parallel"]}
      ins(%x : tensor<32xi32>) outs(%init : tensor<32xf32>) {
  ^bb0(%a: i32, %out: f32):
    %v0 = arith.andi %a, %a : i32
    %v1 = arith.andi %v0, %v0 : i32
    %v2 = arith.andi %v1, %v1 : i32
    %v3 = arith.andi %v2, %v2 : i32
    %v4 = arith.andi %v3, %v3 : i32
    %v5 = arith.andi %v4, %v4 : i32
    %v6 = arith.andi %v5, %v5 : i32
    %v7 = arith.andi %v6, %v6 : i32
    %v8 = arith.andi %v7, %v7 : i32
    %v9 = arith.andi %v8, %v8 : i32
    %v10 = arith.andi %v9, %v9 : i32
    %v11 = arith.andi %v10, %v10 : i32
    %v12 = arith.andi %v11, %v11 : i32
    %v13 = arith.andi %v12, %v12 : i32
    %v14 = arith.andi %v13, %v13 : i32
    %v15 = arith.andi %v14, %v14 : i32
    %v16 = arith.andi %v15, %v15 : i32
    %v17 = arith.andi %v16, %v16 : i32
    %v18 = arith.andi %v17, %v17 : i32
    %v19 = arith.andi %v18, %v18 : i32
    %v20 = arith.andi %v19, %v19 : i32
    %v21 = arith.andi %v20, %v20 : i32
    %v22 = arith.andi %v21, %v21 : i32
    %v23 = arith.andi %v22, %v22 : i32
    %v24 = arith.andi %v23, %v23 : i32
    %v25 = arith.andi %v24, %v24 : i32
    %v26 = arith.andi %v25, %v25 : i32
    %v27 = arith.andi %v26, %v26 : i32
    %v28 = arith.andi %v27, %v27 : i32
    %v29 = arith.andi %v28, %v28 : i32
    %v30 = arith.andi %v29, %v29 : i32
    %v31 = arith.andi %v30, %v30 : i32
    %v32 = arith.andi %v31, %v31 : i32
    %v33 = arith.andi %v32, %v32 : i32
    %v34 = arith.andi %v33, %v33 : i32
    %v35 = arith.andi %v34, %v34 : i32
    %v36 = arith.andi %v35, %v35 : i32
    %v37 = arith.andi %v36, %v36 : i32
    %v38 = arith.andi %v37, %v37 : i32
    %v39 = arith.andi %v38, %v38 : i32
    %m = arith.andi %v39, %three : i32
    %i = arith.index_castui %m : i32 to index
    %v = tensor.extract %table[%i] : tensor<4xf32>
    linalg.yield %v : f32
  } -> tensor<32xf32>
  return %r : tensor<32xf32>
}
