// RUN: logbtq-opt %s -split-input-file -convert-logbtq-to-linalg -mlir-print-local-scope | FileCheck %s

// An integer kernel: codes -> int16 grid through a table; A packed into
// int16 pairs (one i32 each), B into a 16-lane panel of K pairs; the product
// in 16 x i32 lanes (the vpdpwssd pattern), widened to i64 every 15 steps;
// no float operation until the epilogue. Then an overflow count, and an
// epilogue scaling by 2^(e_a + e_b - 26).
// CHECK-LABEL: func.func @matmul_kernel(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<4x8xi8>, %[[W:[a-z0-9]+]]: tensor<3x8xi8>, %[[E:[a-z0-9]+]]: i32) -> (tensor<4x3xf32>, i32)
// The grid table is i32 so that a vector of lookups is one hardware gather.
// CHECK: %[[GRID:.+]] = arith.constant dense<"0x{{.+}}"> : tensor<256xi32>
// CHECK: %[[XG:.+]] = linalg.generic {{.+}} ins(%[[X]] : tensor<4x8xi8>) outs(%{{.+}} : tensor<4x8xi16>)
// CHECK: arith.extui %{{.+}} : i8 to i32
// CHECK: tensor.extract %[[GRID]][%{{.+}}] : tensor<256xi32>
// CHECK: arith.trunci %{{.+}} : i32 to i16
// CHECK: %[[WG:.+]] = linalg.generic {{.+}} ins(%[[W]] : tensor<3x8xi8>) outs(%{{.+}} : tensor<3x8xi16>)
// A's pairs: a row's 16 pairs are one load of 32 int16 read as 16 words
// (the odd element in the high half); 4 rows of 4 pairs, padded to 16.
// CHECK: %[[PAIRS:.+]] = scf.for {{.+}} -> (tensor<1x4x16xi32>)
// CHECK: %[[XROW:.+]] = vector.transfer_read %[[XG]]{{.+}} : tensor<4x8xi16>, vector<32xi16>
// CHECK: %[[XSEL:.+]] = arith.select %{{.+}}, %[[XROW]], %{{.+}} : vector<32xi16>
// CHECK: %[[XPAIRS:.+]] = vector.bitcast %[[XSEL]] : vector<32xi16> to vector<16xi32>
// CHECK: vector.transfer_write %[[XPAIRS]]
// Each (batch, block) tile packs its panel of B: W is read transposed, so
// its 16 columns are 16 rows of W (3 real, the rest zero), 16 loads of 16
// pairs transposed in registers.
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[PANEL:.+]] = scf.for {{.+}} -> (tensor<1x1x16x16xi32>)
// CHECK-COUNT-16: vector.transfer_read %[[WG]]{{.+}} : tensor<3x8xi16>, vector<32xi16>
// CHECK: %[[WORDS:.+]] = vector.transpose %{{.+}}, [1, 0] : vector<16x16xi32> to vector<16x16xi32>
// CHECK-COUNT-16: vector.transfer_write
// Fewer than 8 rows: one group of 4 rows shares each panel load, four
// accumulator chains.
// CHECK: scf.for {{.+}} step %c4{{.*}} iter_args({{.+}}) -> (tensor<1x4x16xi64>)
// CHECK: %[[CHUNKS:.+]]:4 = scf.for {{.+}} iter_args(%[[ACC64:[a-z0-9_]+]] = %{{[a-z0-9_]+}}, {{.+}}) -> (vector<16xi64>, vector<16xi64>, vector<16xi64>, vector<16xi64>)
// CHECK: %[[SUM32:.+]]:4 = scf.for {{.+}} iter_args(%[[ACC32:[a-z0-9_]+]] = %{{[a-z0-9_]+}}, {{.+}}) -> (vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>)
// CHECK-NOT: arith.{{[a-z]+}}f
// CHECK: %[[B:.+]] = vector.transfer_read %[[PANEL]]{{.+}} : tensor<1x1x16x16xi32>, vector<16xi32>
// CHECK: vector.bitcast %[[B]] : vector<16xi32> to vector<32xi16>
// CHECK: %[[A:.+]] = tensor.extract %[[PAIRS]]
// CHECK: %[[AB:.+]] = vector.broadcast %[[A]] : i32 to vector<16xi32>
// CHECK: vector.bitcast %[[AB]] : vector<16xi32> to vector<32xi16>
// CHECK: arith.muli %{{.+}}, %{{.+}} : vector<32xi32>
// CHECK: vector.shuffle {{.+}} [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]
// CHECK: vector.shuffle {{.+}} [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31]
// CHECK: arith.addi %{{.+}}, %{{.+}} : vector<16xi32>
// CHECK: arith.addi %[[ACC32]], %{{.+}} : vector<16xi32>
// CHECK: %[[WIDE:.+]] = arith.extsi %[[SUM32]]#0 : vector<16xi32> to vector<16xi64>
// CHECK: arith.addi %[[ACC64]], %[[WIDE]] : vector<16xi64>
// CHECK-COUNT-4: vector.transfer_write %[[CHUNKS]]
// CHECK: %[[SLICE:.+]] = tensor.extract_slice %{{.+}}[0, 0, 0] [1, 4, 3] [1, 1, 1] : tensor<1x4x16xi64> to tensor<1x4x3xi64>
// CHECK: %[[ACC:.+]] = tensor.collapse_shape %[[SLICE]] {{\[\[}}0, 1], [2]] : tensor<1x4x3xi64> into tensor<4x3xi64>
// Outputs beyond int32 are counted ...
// CHECK: %[[OVF:.+]] = linalg.generic {{.+}} iterator_types = ["reduction", "reduction"]} ins(%[[ACC]] : tensor<4x3xi64>) outs(%{{.+}} : tensor<i32>)
// CHECK: arith.cmpi sgt, %{{.+}}, %{{.+}} : i64
// CHECK: arith.cmpi slt, %{{.+}}, %{{.+}} : i64
// CHECK: %[[N:.+]] = tensor.extract %[[OVF]][] : tensor<i32>
// ... and saturated before the scaling (the 2^(0 + e - 26) of the exponents).
// CHECK: arith.subi %{{.+}}, %{{.+}} : i32
// CHECK: %[[Y:.+]] = linalg.generic {{.+}} ins(%[[ACC]] : tensor<4x3xi64>) outs(%{{.+}} : tensor<4x3xf32>)
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: arith.sitofp %{{.+}} : i64 to f64
// CHECK: arith.truncf %{{.+}} : f64 to f32
// CHECK: return %[[Y]], %[[N]] : tensor<4x3xf32>, i32
func.func @matmul_kernel(%x: tensor<4x8x!logbtq.mu8>, %w: tensor<3x8x!logbtq.mu8<?>>, %e: i32) -> (tensor<4x3xf32>, i32) {
  %y, %ovf = logbtq.integer_kernel ins(%x, %w : tensor<4x8x!logbtq.mu8>, tensor<3x8x!logbtq.mu8<?>>) exponents(%e) -> tensor<4x3xf32> {
  ^bb0(%a: tensor<4x8xf32>, %b: tensor<3x8xf32>):
    %m = logbtq.matmul %a, %b {transpose_rhs} : tensor<4x8xf32>, tensor<3x8xf32> -> tensor<4x3xf32>
    logbtq.yield %m : tensor<4x3xf32>
  }
  return %y, %ovf : tensor<4x3xf32>, i32
}

// -----

// A convolution kernel (stride 1 along W): the int16 grid padded with grid
// zeros in one pad (the pads, and on the right as far as a panel's loads
// reach: 16 + 2 columns); the filter [4, 27] as pairs; the input as one
// 16-lane panel per output row and image, packed in its tile of the
// product, each step two 16-lane loads of an input row (two taps, their
// c, kh, kw from a table of 28: the 27 taps and the last again, for the
// pad of the odd depth) interleaved into int16 pairs; no column tensor and
// no computed reads. The product has 6 x 6 dense columns: each panel's
// tile is the rest of its row (6 of its 16 lanes), written with masked
// stores.
// CHECK-LABEL: func.func @conv_kernel(
// CHECK: %[[WIDE:.+]] = tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 1, 11]
// CHECK: tensor.yield %{{.+}} : i16
// CHECK: } : tensor<2x3x6x6xi16> to tensor<2x3x8x18xi16>
// CHECK-NOT: tensor.pad
// CHECK-NOT: tensor<2x3x3x3x6x6xi16>
// CHECK: %[[TAPS:.+]] = arith.constant dense<{{.+}}, [2, 2, 2], [2, 2, 2]]> : tensor<28x3xi32>
// CHECK: linalg.generic {{.+}} outs(%{{.+}} : tensor<1x4x14xi32>)
// CHECK: scf.for {{.+}} -> (tensor<2x4x36xi64>)
// CHECK: tensor.extract_slice %{{.+}} [1, 4, %{{.+}}] [1, 1, 1] : tensor<2x4x36xi64> to tensor<1x4x?xi64>
// CHECK: scf.for {{.+}} -> (tensor<1x1x14x16xi32>)
// CHECK: tensor.extract %[[TAPS]]
// CHECK: %[[LOW:.+]] = vector.transfer_read %[[WIDE]]{{.+}} : tensor<2x3x8x18xi16>, vector<16xi16>
// CHECK: arith.select %{{.+}}, %[[LOW]]
// CHECK: %[[HIGH:.+]] = vector.transfer_read %[[WIDE]]
// CHECK: arith.select %{{.+}}, %[[HIGH]]
// CHECK: arith.shli %{{.+}} : vector<16xi32>
// CHECK: arith.ori
// CHECK: vector.transfer_write
// CHECK-NOT: tensor.extract %{{.+}} : tensor<2x3x8x18xi16>
// CHECK-NOT: arith.{{[a-z]+}}f
// CHECK: arith.muli %{{.+}}, %{{.+}} : vector<32xi32>
// CHECK: vector.transfer_write %{{.+}} : vector<16xi64>, tensor<1x4x?xi64>
// CHECK: tensor.expand_shape %{{.+}} : tensor<2x4x36xi64> into tensor<2x4x6x6xi64>
func.func @conv_kernel(%x: tensor<2x3x6x6x!logbtq.mu8>, %w: tensor<4x3x3x3x!logbtq.mu8>) -> (tensor<2x4x6x6xf32>, i32) {
  %y, %ovf = logbtq.integer_kernel ins(%x, %w : tensor<2x3x6x6x!logbtq.mu8>, tensor<4x3x3x3x!logbtq.mu8>) -> tensor<2x4x6x6xf32> {
  ^bb0(%a: tensor<2x3x6x6xf32>, %b: tensor<4x3x3x3xf32>):
    %m = logbtq.conv2d %a, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
    logbtq.yield %m : tensor<2x4x6x6xf32>
  }
  return %y, %ovf : tensor<2x4x6x6xf32>, i32
}

// -----

// decode: a 256-entry f32 table indexed by uint8(code), times 2^e.
// CHECK-LABEL: func.func @decode(
// CHECK-SAME: %[[C:.+]]: tensor<5xi8>) -> tensor<5xf32>
// CHECK: %[[T:.+]] = arith.constant dense<"0x{{.+}}"> : tensor<256xf32>
// CHECK: linalg.generic {{.+}} ins(%[[C]] : tensor<5xi8>) outs(%{{.+}} : tensor<5xf32>)
// CHECK: arith.extui %{{.+}} : i8 to i32
// CHECK: tensor.extract %[[T]][%{{.+}}] : tensor<256xf32>
// CHECK: arith.mulf
func.func @decode(%c: tensor<5x!logbtq.mu8<3>>) -> tensor<5xf32> {
  %x = logbtq.decode %c : tensor<5x!logbtq.mu8<3>> -> tensor<5xf32>
  return %x : tensor<5xf32>
}

// -----

// quantize: an estimate of the code from the mu-law's inverse (log2 of
// 1 + 255 |x| 2^-e from its exponent and a quadratic in its mantissa),
// clamped to [0, 127] and offset by 0.03, truncated: the number of midpoints
// at or below the magnitude is that start or one above it, so one f32
// comparison with the midpoint at the start (rounded up, +inf at 127) from
// one 128-entry table decides; then one reduction counts saturations and
// zero codes. No f64 at all.
// CHECK-LABEL: func.func @quantize(
// CHECK-SAME: -> (tensor<5xi8>, i32, i32)
// CHECK-DAG: %[[MIDS:.+]] = arith.constant dense<"0x8885B738{{.+}}0000807F"> : tensor<128xf32>
// CHECK: %[[Q:.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<5xi8>)
// CHECK: arith.truncf %{{.+}} : f64 to f32
// CHECK: %[[M:.+]] = arith.mulf %{{.+}}, %{{.+}} : f32
// CHECK: arith.shrsi %{{.+}}, %{{.+}} : i32
// CHECK: %[[OFFSET:.+]] = arith.constant 3.000000e-02 : f32
// CHECK: arith.maxnumf
// CHECK: arith.minnumf %{{.+}}, %cst{{.*}} : f32
// CHECK: %[[START:.+]] = arith.addf %{{.+}}, %[[OFFSET]] : f32
// CHECK: %[[K:.+]] = arith.fptosi %[[START]] : f32 to i32
// CHECK: tensor.extract %[[MIDS]][%{{.+}}] : tensor<128xf32>
// CHECK: %[[UP:.+]] = arith.cmpf ole, %{{.+}}, %[[M]] : f32
// CHECK: %[[ONE:.+]] = arith.extui %[[UP]] : i1 to i32
// CHECK: arith.addi %[[K]], %[[ONE]] : i32
// CHECK-NOT: f64
// CHECK-NOT: tensor.extract
// CHECK: arith.cmpf uno
// CHECK: arith.trunci %{{.+}} : i32 to i8
// CHECK: %[[COUNTS:.+]]:2 = linalg.generic {{.+}} iterator_types = ["reduction"]} ins(%{{.+}}, %[[Q]] : tensor<5xf32>, tensor<5xi8>) outs(%{{.+}}, %{{.+}} : tensor<i32>, tensor<i32>)
// CHECK: arith.cmpf ugt
// CHECK: arith.cmpi eq
func.func @quantize(%x: tensor<5xf32>) -> (tensor<5x!logbtq.mu8>, i32, i32) {
  %q, %s, %z = logbtq.quantize %x : tensor<5xf32> -> tensor<5x!logbtq.mu8>
  return %q, %s, %z : tensor<5x!logbtq.mu8>, i32, i32
}

// -----

// Stochastic rounding: the level at or below |x| 2^-e, by the same search
// over levels 1..127 (the estimate offset by -0.465, clamped to [0, 126]):
// one comparison with level start + 1; the other level of the pair is read
// at 2 k - start (level start, or start + 2 when k = start + 1) and the two
// swap by the comparison's answer; then SplitMix64 of the seed and the
// row-major index, and `u (upper - lower) < m - lower` in f64 instead of
// `u < (m - lower) / (upper - lower)` (the same answer, docs/Quantization.md).
// CHECK-LABEL: func.func @quantize_stochastic(
// CHECK-DAG: %[[ABOVE:.+]] = arith.constant dense<"0x88853739{{.+}}0000803F0000807F"> : tensor<128xf32>
// CHECK-DAG: %[[LEVELS:.+]] = arith.constant dense<"0x0000000088853739{{.+}}0000803F"> : tensor<128xf32>
// CHECK: linalg.index 0 : index
// CHECK: linalg.index 1 : index
// CHECK: %[[OFFSET:.+]] = arith.constant 4.650000e-01 : f32
// CHECK: arith.subf %{{.+}}, %[[OFFSET]] : f32
// CHECK: %[[START:.+]] = arith.fptosi %{{.+}} : f32 to i32
// CHECK: %[[A:.+]] = tensor.extract %[[ABOVE]]
// CHECK: %[[UP:.+]] = arith.cmpf ole, %[[A]], %{{.+}} : f32
// CHECK: %[[K:.+]] = arith.addi %[[START]], %{{.+}} : i32
// CHECK: %[[ROUNDED:.+]] = arith.cmpi ne, %[[K]], %[[START]] : i32
// CHECK: %[[TWICE:.+]] = arith.addi %[[K]], %[[K]] : i32
// CHECK: arith.subi %[[TWICE]], %[[START]] : i32
// CHECK: %[[OTHER:.+]] = tensor.extract %[[LEVELS]]
// CHECK: %[[LOWERF:.+]] = arith.select %[[ROUNDED]], %[[A]], %[[OTHER]] : f32
// CHECK: %[[LOWER:.+]] = arith.extf %[[LOWERF]] : f32 to f64
// CHECK: %[[UPPERF:.+]] = arith.select %[[ROUNDED]], %[[OTHER]], %[[A]] : f32
// CHECK: %[[UPPER:.+]] = arith.extf %[[UPPERF]] : f32 to f64
// CHECK: arith.constant -7046029254386353131 : i64
// CHECK: arith.shrui %{{.+}}, %{{.+}} : i64
// CHECK: %[[U:.+]] = arith.mulf %{{.+}}, %{{.+}} : f64
// CHECK-DAG: %[[GAP:.+]] = arith.subf %[[UPPER]], %[[LOWER]] : f64
// CHECK-DAG: %[[LHS:.+]] = arith.mulf %[[U]], %[[GAP]] : f64
// CHECK-DAG: %[[RHS:.+]] = arith.subf %{{.+}}, %[[LOWER]] : f64
// CHECK: arith.cmpf olt, %[[LHS]], %[[RHS]] : f64
// CHECK-NOT: arith.divf
// CHECK-NOT: tensor.extract
// CHECK: linalg.yield
func.func @quantize_stochastic(%x: tensor<2x3xf32>, %seed: i64) -> tensor<2x3x!logbtq.mu8> {
  %q, %s, %z = logbtq.quantize %x seed %seed : tensor<2x3xf32> -> tensor<2x3x!logbtq.mu8>
  return %q : tensor<2x3x!logbtq.mu8>
}

// -----

// range_exponent: the max magnitude (NaNs skipped), then its exponent bits.
// CHECK-LABEL: func.func @range_exponent(
// CHECK: linalg.generic {{.+}} iterator_types = ["reduction", "reduction"]}
// CHECK: math.absf
// CHECK: arith.maxnumf
// CHECK: arith.bitcast %{{.+}} : f32 to i32
// CHECK: arith.shrui
// CHECK: arith.maxsi
// CHECK: arith.minsi
func.func @range_exponent(%x: tensor<2x3xf32>) -> i32 {
  %e = logbtq.range_exponent %x : tensor<2x3xf32>
  return %e : i32
}

// -----

// bitcast disappears: codes stay codes.
// CHECK-LABEL: func.func @bitcast(
// CHECK-SAME: %[[A:.+]]: tensor<4xi8>) -> tensor<4xi8>
// CHECK-NEXT: return %[[A]] : tensor<4xi8>
func.func @bitcast(%a: tensor<4xi8>) -> tensor<4x!logbtq.mu8<2>> {
  %b = logbtq.bitcast %a : tensor<4xi8> -> tensor<4x!logbtq.mu8<2>>
  return %b : tensor<4x!logbtq.mu8<2>>
}

// -----

// The barrier of decoded codes (the weights): psi of the 256 codes once,
// the sum reads that table by code; no per-element log.
// CHECK-LABEL: func.func @barrier_of_codes(
// CHECK-SAME: %[[C:[a-z0-9]+]]: tensor<8x32xi8>
// CHECK: %[[PSI:.+]] = linalg.generic {{.+}} ins(%{{.+}} : tensor<256xf32>) outs(%{{.+}} : tensor<256xf64>)
// CHECK: arith.divf %{{.+}}, %{{.+}} : f64
// CHECK: linalg.generic {{.+}} iterator_types = ["reduction", "reduction"]} ins(%[[C]] : tensor<8x32xi8>) outs(%{{.+}} : tensor<f64>)
// CHECK-NEXT: ^bb0(%[[CODE:.+]]: i8, %[[ACC:.+]]: f64):
// CHECK: %[[V:.+]] = tensor.extract %[[PSI]]
// CHECK: arith.addf %[[ACC]], %[[V]] fastmath<reassoc> : f64
func.func @barrier_of_codes(%c: tensor<8x32x!logbtq.mu8>, %t: f32) -> f32 {
  %x = logbtq.decode %c : tensor<8x32x!logbtq.mu8> -> tensor<8x32xf32>
  %p = logbtq.barrier %x, %t : tensor<8x32xf32>
  return %p : f32
}

// -----

// The filter gradient of a kernel (stride 1 along W): the padded input's
// int16 pairs of neighbouring columns as words (input | input shifted by
// one << 16); panels of 16 taps (27 taps: 2 per block), each step one
// 16-lane gather of words at the taps' offsets from the pixel pair's (the
// padding taps masked); the output gradient's rows padded from 5 to 6
// pixels (zeros), so a pair never spans two rows: 2 x 6 x 6 / 2 = 36 steps.
// CHECK-LABEL: func.func @conv_grad_filter_kernel(
// CHECK: %[[PADDED:.+]] = tensor.pad %{{.+}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[NEXT:.+]] = tensor.extract_slice %[[PADDED]][0, 0, 0, 1] [2, 3, 8, 6] [1, 1, 1, 1] : tensor<2x3x8x7xi16> to tensor<2x3x8x6xi16>
// CHECK: tensor.pad %[[NEXT]] low[0, 0, 0, 0] high[0, 0, 0, 1]
// CHECK: arith.shli %{{.+}}, %c16_i32 : i32
// CHECK: arith.ori
// CHECK: %[[WORDS:.+]] = tensor.collapse_shape %{{.+}} {{\[\[}}0, 1, 2, 3]] : tensor<2x3x8x7xi32> into tensor<336xi32>
// CHECK: scf.forall (%{{.+}}) in (2) {{.+}} -> (tensor<1x2x36x16xi32>)
// CHECK: %[[REAL:.+]] = arith.cmpi ult, %{{.+}}, %{{.+}} : vector<16xindex>
// CHECK: scf.for
// CHECK: vector.gather %[[WORDS]][%{{.+}}] [%{{.+}}], %[[REAL]], %{{.+}} : tensor<336xi32>, vector<16xindex>, vector<16xi1>, vector<16xi32> into vector<16xi32>
// CHECK: vector.transfer_write
// CHECK: tensor.pad %{{.+}} low[0, 0, 0, 0] high[0, 0, 0, 1]
// CHECK: } : tensor<2x4x6x5xi16> to tensor<2x4x6x6xi16>
// CHECK: scf.for {{.+}} -> (tensor<1x4x32xi64>)
// CHECK: arith.muli %{{.+}}, %{{.+}} : vector<32xi32>
func.func @conv_grad_filter_kernel(%dy: tensor<2x4x6x5x!logbtq.mu8<?>>, %x: tensor<2x3x6x5x!logbtq.mu8>, %e: i32) -> (tensor<4x3x3x3xf32>, i32) {
  %y, %ovf = logbtq.integer_kernel ins(%dy, %x : tensor<2x4x6x5x!logbtq.mu8<?>>, tensor<2x3x6x5x!logbtq.mu8>) exponents(%e) -> tensor<4x3x3x3xf32> {
  ^bb0(%a: tensor<2x4x6x5xf32>, %b: tensor<2x3x6x5xf32>):
    %m = logbtq.conv2d_grad_filter %a, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<2x4x6x5xf32>, tensor<2x3x6x5xf32>) -> tensor<4x3x3x3xf32>
    logbtq.yield %m : tensor<4x3x3x3xf32>
  }
  return %y, %ovf : tensor<4x3x3x3xf32>, i32
}
