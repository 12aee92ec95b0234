//===- MU8Kernels.cpp - Scalar MU8 arithmetic for Linalg bodies -----------===//

#include "MU8Kernels.h"
#include "LoweringUtils.h"

#include "logbtq/Numerics/MU8.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

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

/// The smallest value of a bucket (the f32 whose upper 16 bits are it).
double bucketLow(int64_t bucket) {
  uint32_t bits = uint32_t(bucket) << 16;
  float low;
  std::memcpy(&low, &bits, sizeof(low));
  return low;
}

/// The smallest f32 at or above `v`.
float ceilToF32(double v) {
  float f = float(v);
  return double(f) < v ? std::nextafter(f, INFINITY) : f;
}

/// The search tables of one ascending list of 127 thresholds in (0, 1].
/// Buckets below the first threshold's hold no threshold, so they all share
/// the first table entry; a table holds the buckets from there to 1.0.
struct BucketTable {
  int32_t first;               ///< the bucket of table entry 0
  SmallVector<int32_t> counts; ///< thresholds <= the bucket's smallest value
  /// The next threshold above those, rounded up to f32 (NaN after the
  /// last): for an f32 `m`, `next <= m` exactly when the f64 threshold is.
  SmallVector<float> next;

  explicit BucketTable(ArrayRef<double> thresholds) {
    first = 0;
    while (bucketLow(first + 1) < thresholds.front())
      ++first;
    for (int64_t bucket = first; bucket < kLastBucket + 1; ++bucket) {
      int64_t count = std::upper_bound(thresholds.begin(), thresholds.end(),
                                       bucketLow(bucket)) -
                      thresholds.begin();
      counts.push_back(int32_t(count));
      next.push_back(count < int64_t(thresholds.size())
                         ? ceilToF32(thresholds[count])
                         : std::numeric_limits<float>::quiet_NaN());
    }
  }
};

/// How many of the thresholds of `table` are <= `m` (f32, see
/// scaledMagnitude): the bucket's count, plus one if the next threshold is
/// at or below `m` too. Both reads are 32-bit and independent, so they
/// vectorize as two gathers.
Value countAtOrBelow(OpBuilder &b, Location loc, const SearchTable &table,
                     Value m) {
  Type i32 = b.getI32Type();
  auto c = [&](int64_t v) {
    return arith::ConstantIntOp::create(b, loc, i32, v).getResult();
  };
  Value bits = arith::BitcastOp::create(b, loc, i32, m);
  Value bucket = arith::SubIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, bits, c(16)), c(table.first));
  // Clamped with an unsigned minimum, so LLVM knows the index fits in 11
  // bits and gathers with 32-bit indices (16 lanes, not 8).
  bucket = arith::MinUIOp::create(
      b, loc, arith::MaxSIOp::create(b, loc, bucket, c(0)),
      c(kLastBucket - table.first));
  Value count = extract(b, loc, table.counts, bucket);
  Value next = extract(b, loc, table.next, bucket);
  Value more =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, next, m);
  return arith::AddIOp::create(b, loc, count,
                               arith::ExtUIOp::create(b, loc, i32, more));
}

} // namespace

namespace {
/// The tables' contents, from the numerics library, computed once.
struct TableData {
  SmallVector<float> decodeF32 = SmallVector<float>(256);
  SmallVector<int32_t> grid = SmallVector<int32_t>(256);
  SmallVector<double> levels;
  std::optional<BucketTable> midpoints, upperLevels;

  TableData() {
    for (int c = -128; c <= 127; ++c) {
      decodeF32[uint8_t(c)] = mu8::decode(int8_t(c), 0);
      grid[uint8_t(c)] = mu8::decodeFixed(int8_t(c), kGridBits);
    }
    for (int k = 0; k <= mu8::kMaxCode; ++k)
      levels.push_back(mu8::unitLevel(k));
    SmallVector<double> thresholds;
    for (int k = 0; k < mu8::kMaxCode; ++k)
      thresholds.push_back(mu8::unitMidpoint(k));
    midpoints.emplace(thresholds);
    upperLevels.emplace(ArrayRef<double>(levels).drop_front());
  }
};

SearchTable searchTable(OpBuilder &b, Location loc, const BucketTable &data) {
  return {data.first,
          tableConstant<int32_t>(b, loc, b.getI32Type(), data.counts),
          tableConstant<float>(b, loc, b.getF32Type(), data.next)};
}
} // namespace

Tables lowering::createTables(OpBuilder &b, Location loc) {
  static const TableData data;
  return {tableConstant<float>(b, loc, b.getF32Type(), data.decodeF32),
          tableConstant<int32_t>(b, loc, b.getI32Type(), data.grid),
          tableConstant<double>(b, loc, b.getF64Type(), data.levels),
          searchTable(b, loc, *data.midpoints),
          searchTable(b, loc, *data.upperLevels)};
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

/// `magnitude` (|x|, f32) times 2^-e in f32, from the f64 `invScale` 2^-e
/// (|e| <= 32, so 2^-e is an f32 too). It is the exact value unless that
/// lies beyond f32's range: rounded far below every threshold (counts 0,
/// never saturates) or inf (saturates), so comparisons in f32 decide as
/// they would in f64.
static Value scaledMagnitude(OpBuilder &b, Location loc, Value magnitude,
                             Value invScale) {
  Value scale = arith::TruncFOp::create(b, loc, b.getF32Type(), invScale);
  return arith::MulFOp::create(b, loc, magnitude, scale);
}

Value lowering::createSaturates(OpBuilder &b, Location loc, Value x,
                                Value invScale) {
  Value m =
      scaledMagnitude(b, loc, math::AbsFOp::create(b, loc, x), invScale);
  Value one = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(1.0));
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
  // The magnitude in units of the range.
  Value abs = math::AbsFOp::create(b, loc, x);
  Value m32 = scaledMagnitude(b, loc, abs, invScale);
  Value k;
  if (!seed) {
    // Thresholds at or below m: a tie rounds away from zero.
    k = countAtOrBelow(b, loc, tables.midpoints, m32);
  } else {
    // The level at or below m (levels[1..127] counted), then up with
    // probability (m - lower) / (upper - lower), in f64 with m exact (in
    // f32 it could round if it lies far below the range).
    Value lowerK = countAtOrBelow(b, loc, tables.upperLevels, m32);
    Value m = arith::MulFOp::create(
        b, loc, arith::ExtFOp::create(b, loc, f64, abs), invScale);
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
  Value one = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(1.0));
  Value saturated =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, m32, one);
  k = arith::SelectOp::create(
      b, loc, saturated,
      arith::ConstantIntOp::create(b, loc, i32, mu8::kMaxCode), k);
  // NaN encodes to 0 (its bucket is the top one).
  Value isNaN =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, m32, m32);
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
