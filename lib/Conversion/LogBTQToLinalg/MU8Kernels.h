//===- MU8Kernels.h - Scalar MU8 arithmetic for Linalg bodies ---*- C++ -*-===//
//
// The numerics of docs/MU8.md as arith ops on scalars, for the bodies of the
// generics that decode, encode and requantize. The tables are constants built
// with the numerics library (include/logbtq/Numerics/MU8.h), and every
// comparison gives the library's f64 answer (a threshold compared in f32 is
// rounded up first, which is exact for the f32 values compared), so the
// lowered program produces the library's codes bit for bit
// (test/Integration/MU8).
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_MU8KERNELS_H
#define LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_MU8KERNELS_H

#include "mlir/IR/Builders.h"

namespace mlir::logbtq::lowering {

/// The tables a kernel reads, as `arith.constant` tensors. The search
/// tables have 128 f32 entries, small enough to live in registers on
/// AVX-512 (read with permutes, not gathers).
struct Tables {
  Value decodeF32;  ///< tensor<256xf32>: decode(c, 0) at index uint8(c)
  Value decodeGrid; ///< tensor<256xi32>: the 13-fraction-bit grid values
  /// Round to nearest: midpoint k of levels k and k + 1, rounded up to f32
  /// (so `midpoints[k] <= m` for an f32 m exactly when the f64 midpoint
  /// is); +inf at 127.
  Value midpoints;
  Value levels;      ///< levels 0..127 (f32 values already)
  Value levelsAbove; ///< levels 1..127, then +inf: `levels` shifted by one
};
/// Creates the constants at the builder's insertion point.
Tables createTables(OpBuilder &b, Location loc);

/// The fraction bits of the integer kernels' grid (code 127 <-> 2^13).
constexpr int kGridBits = 13;

/// `2^e` as an f32 or f64 scalar, from an i32 `e` in the normal range.
Value createExp2(OpBuilder &b, Location loc, Value e, FloatType type);

/// `table[uint8(code)]`: a 256-entry table read at an i8 code.
Value createTableLookup(OpBuilder &b, Location loc, Value table, Value code);

/// The f32 values of a tensor of i8 `codes` at range `2^exponent` (i32).
Value createDecodedTensor(OpBuilder &b, Location loc, const Tables &tables,
                          Value codes, Value exponent);

/// Encodes the f32 `x` at the range whose inverse scale is `invScale`
/// (`2^-e`, f64). With a `seed` (i64) and the element's linear index (i64),
/// rounds stochastically, and with `keepNonzero` a nonzero x never to
/// magnitude 0. Returns the i8 code.
Value createEncode(OpBuilder &b, Location loc, const Tables &tables, Value x,
                   Value invScale, Value seed = {}, Value linearIndex = {},
                   bool keepNonzero = false);

/// Whether `x` saturates at that range (|x| 2^-e > 1, or NaN): an i1.
Value createSaturates(OpBuilder &b, Location loc, Value x, Value invScale);

/// SplitMix64 of docs/MU8.md: the `index + 1`-th output started at `seed`.
Value createSplitMix64(OpBuilder &b, Location loc, Value seed, Value index);

} // namespace mlir::logbtq::lowering

#endif // LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_MU8KERNELS_H
