//===- MU8Kernels.cpp - Scalar MU8 arithmetic for Linalg bodies -----------===//

#include "MU8Kernels.h"
#include "LoweringUtils.h"

#include "logbtq/Numerics/MU8.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <algorithm>
#include <cstring>

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::lowering;
namespace mu8 = ::logbtq::mu8;

namespace {

template <typename T>
Value tableConstant(OpBuilder &b, Location loc, Type element,
                    ArrayRef<T> values) {
  auto type = RankedTensorType::get({int64_t(values.size())}, element);
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

Value i64Constant(OpBuilder &b, Location loc, uint64_t v) {
  return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(int64_t(v)));
}

Value extract(OpBuilder &b, Location loc, Value table, Value i32Index) {
  Value index = arith::IndexCastOp::create(b, loc, b.getIndexType(), i32Index);
  return tensor::ExtractOp::create(b, loc, table, ValueRange{index});
}

/// For each bucket of f32 magnitudes (upper 16 bits of the pattern), how
/// many of `thresholds` lie at or below its smallest value.
SmallVector<int8_t> bucketCounts(ArrayRef<double> thresholds) {
  SmallVector<int8_t> counts(kBuckets);
  for (int64_t bucket = 0; bucket < kBuckets; ++bucket) {
    uint32_t bits = uint32_t(bucket) << 16;
    float low;
    std::memcpy(&low, &bits, sizeof(low));
    counts[bucket] = int8_t(
        std::upper_bound(thresholds.begin(), thresholds.end(), double(low)) -
        thresholds.begin());
  }
  return counts;
}

/// How many of `thresholds` (127 ascending f64 values, at most one inside
/// any bucket) are <= `m` (f64 in [0, 1], or NaN, or beyond 1): the bucket's
/// count, plus one if the next threshold is at or below `m` too.
Value countAtOrBelow(OpBuilder &b, Location loc, Value buckets,
                     Value thresholds, Value m) {
  Type i32 = b.getI32Type();
  auto c = [&](int64_t v) {
    return arith::ConstantIntOp::create(b, loc, i32, v).getResult();
  };
  // m is |x| 2^-e exactly; in f32 it keeps its bucket (a value too small for
  // f32 lands in bucket 0 and below every threshold).
  Value bits = arith::BitcastOp::create(
      b, loc, i32, arith::TruncFOp::create(b, loc, b.getF32Type(), m));
  Value bucket = arith::MinUIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, bits, c(16)), c(kBuckets - 1));
  Value base = arith::ExtUIOp::create(
      b, loc, i32,
      tensor::ExtractOp::create(b, loc, buckets,
                                ValueRange{arith::IndexCastOp::create(
                                    b, loc, b.getIndexType(), bucket)}));
  Value next =
      extract(b, loc, thresholds, arith::MinSIOp::create(b, loc, base, c(126)));
  Value more = arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, base, c(127)),
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, next, m));
  return arith::AddIOp::create(b, loc, base,
                               arith::ExtUIOp::create(b, loc, i32, more));
}

} // namespace

namespace {
/// The tables' contents, from the numerics library, computed once.
struct TableData {
  SmallVector<float> decodeF32 = SmallVector<float>(256);
  SmallVector<int16_t> grid = SmallVector<int16_t>(256);
  SmallVector<double> midpoints, levels, upperLevels;
  SmallVector<int8_t> midpointBuckets, levelBuckets;

  TableData() {
    for (int c = -128; c <= 127; ++c) {
      decodeF32[uint8_t(c)] = mu8::decode(int8_t(c), 0);
      grid[uint8_t(c)] = mu8::decodeFixed(int8_t(c), kGridBits);
    }
    for (int k = 0; k <= mu8::kMaxCode; ++k)
      levels.push_back(mu8::unitLevel(k));
    for (int k = 0; k < mu8::kMaxCode; ++k)
      midpoints.push_back(mu8::unitMidpoint(k));
    upperLevels.assign(levels.begin() + 1, levels.end());
    midpointBuckets = bucketCounts(midpoints);
    levelBuckets = bucketCounts(upperLevels);
  }
};
} // namespace

Tables lowering::createTables(OpBuilder &b, Location loc) {
  static const TableData data;
  return {tableConstant<float>(b, loc, b.getF32Type(), data.decodeF32),
          tableConstant<int16_t>(b, loc, b.getI16Type(), data.grid),
          tableConstant<double>(b, loc, b.getF64Type(), data.midpoints),
          tableConstant<double>(b, loc, b.getF64Type(), data.levels),
          tableConstant<double>(b, loc, b.getF64Type(), data.upperLevels),
          tableConstant<int8_t>(b, loc, b.getI8Type(), data.midpointBuckets),
          tableConstant<int8_t>(b, loc, b.getI8Type(), data.levelBuckets)};
}

Value lowering::createExp2(OpBuilder &b, Location loc, Value e,
                           FloatType type) {
  bool f64 = type.isF64();
  Type intType = f64 ? b.getI64Type() : b.getI32Type();
  Value wide = f64 ? arith::ExtSIOp::create(b, loc, intType, e).getResult() : e;
  Value biased = arith::AddIOp::create(
      b, loc, wide,
      arith::ConstantIntOp::create(b, loc, intType, f64 ? 1023 : 127));
  Value bits = arith::ShLIOp::create(
      b, loc, biased,
      arith::ConstantIntOp::create(b, loc, intType, f64 ? 52 : 23));
  return arith::BitcastOp::create(b, loc, type, bits);
}

Value lowering::createTableLookup(OpBuilder &b, Location loc, Value table,
                                  Value code) {
  Value index = arith::IndexCastOp::create(
      b, loc, b.getIndexType(),
      arith::ExtUIOp::create(b, loc, b.getI32Type(), code));
  return tensor::ExtractOp::create(b, loc, table, ValueRange{index});
}

Value lowering::createDecodedTensor(OpBuilder &b, Location loc,
                                    const Tables &tables, Value codes,
                                    Value exponent) {
  auto type = cast<RankedTensorType>(codes.getType());
  Value scale = createExp2(b, loc, exponent, b.getF32Type());
  return lowering::createElementwise(
      b, loc, RankedTensorType::get(type.getShape(), b.getF32Type()),
      ValueRange{codes}, {b.getMultiDimIdentityMap(type.getRank())},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value level = createTableLookup(nb, l, tables.decodeF32, args[0]);
        return SmallVector<Value>{arith::MulFOp::create(nb, l, level, scale)};
      });
}

Value lowering::createSaturates(OpBuilder &b, Location loc, Value x,
                                Value invScale) {
  Value a = arith::ExtFOp::create(b, loc, b.getF64Type(),
                                  math::AbsFOp::create(b, loc, x).getResult());
  Value m = arith::MulFOp::create(b, loc, a, invScale);
  Value one = arith::ConstantOp::create(b, loc, b.getF64FloatAttr(1.0));
  // UGT: true for NaN as well.
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UGT, m, one);
}

Value lowering::createSplitMix64(OpBuilder &b, Location loc, Value seed,
                                 Value index) {
  auto mix = [&](Value z, unsigned shift, uint64_t mul) -> Value {
    Value s = arith::ShRUIOp::create(b, loc, z, i64Constant(b, loc, shift));
    Value x = arith::XOrIOp::create(b, loc, z, s);
    return mul ? arith::MulIOp::create(b, loc, x, i64Constant(b, loc, mul))
                     .getResult()
               : x;
  };
  Value next = arith::AddIOp::create(b, loc, index, i64Constant(b, loc, 1));
  Value z = arith::AddIOp::create(
      b, loc, seed,
      arith::MulIOp::create(b, loc, next,
                            i64Constant(b, loc, 0x9E3779B97F4A7C15ULL)));
  z = mix(z, 30, 0xBF58476D1CE4E5B9ULL);
  z = mix(z, 27, 0x94D049BB133111EBULL);
  return mix(z, 31, 0);
}

Value lowering::createEncode(OpBuilder &b, Location loc, const Tables &tables,
                             Value x, Value invScale, Value seed,
                             Value linearIndex) {
  Type i32 = b.getI32Type(), f64 = b.getF64Type();
  // The magnitude in units of the range, exactly (f32 -> f64, times 2^-e).
  Value a = arith::ExtFOp::create(b, loc, f64,
                                  math::AbsFOp::create(b, loc, x).getResult());
  Value m = arith::MulFOp::create(b, loc, a, invScale);
  Value k;
  if (!seed) {
    // Thresholds at or below m: a tie rounds away from zero.
    k = countAtOrBelow(b, loc, tables.midpointBuckets, tables.midpoints, m);
  } else {
    // The level at or below m (levels[1..127] counted), then up with
    // probability (m - lower) / (upper - lower).
    Value lowerK =
        countAtOrBelow(b, loc, tables.levelBuckets, tables.upperLevels, m);
    Value lower = extract(b, loc, tables.levels, lowerK);
    Value maxK = arith::ConstantIntOp::create(b, loc, i32, mu8::kMaxCode);
    Value upperK = arith::MinSIOp::create(
        b, loc,
        arith::AddIOp::create(b, loc, lowerK,
                              arith::ConstantIntOp::create(b, loc, i32, 1)),
        maxK);
    Value upper = extract(b, loc, tables.levels, upperK);
    Value p =
        arith::DivFOp::create(b, loc, arith::SubFOp::create(b, loc, m, lower),
                              arith::SubFOp::create(b, loc, upper, lower));
    Value bits = arith::ShRUIOp::create(
        b, loc, createSplitMix64(b, loc, seed, linearIndex),
        i64Constant(b, loc, 40));
    Value u = arith::MulFOp::create(
        b, loc, arith::UIToFPOp::create(b, loc, f64, bits),
        arith::ConstantOp::create(b, loc, b.getF64FloatAttr(0x1p-24)));
    Value exact =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, lower, m);
    Value up = arith::AndIOp::create(
        b, loc,
        arith::XOrIOp::create(
            b, loc, exact,
            arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1)),
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, u, p));
    k = arith::SelectOp::create(b, loc, up, upperK, lowerK);
  }
  Value one = arith::ConstantOp::create(b, loc, b.getF64FloatAttr(1.0));
  Value saturated =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, m, one);
  k = arith::SelectOp::create(
      b, loc, saturated,
      arith::ConstantIntOp::create(b, loc, i32, mu8::kMaxCode), k);
  // NaN encodes to 0 (its bucket is the top one).
  Value isNaN = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, m, m);
  k = arith::SelectOp::create(b, loc, isNaN,
                              arith::ConstantIntOp::create(b, loc, i32, 0), k);
  // The sign bit of x (so -0.0 and negative values alike).
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                            arith::BitcastOp::create(b, loc, i32, x),
                            arith::ConstantIntOp::create(b, loc, i32, 0));
  Value negated = arith::SubIOp::create(
      b, loc, arith::ConstantIntOp::create(b, loc, i32, 0), k);
  Value code = arith::SelectOp::create(b, loc, negative, negated, k);
  return arith::TruncIOp::create(b, loc, b.getI8Type(), code);
}
