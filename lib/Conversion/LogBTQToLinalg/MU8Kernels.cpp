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
#include <limits>

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

/// The smallest f32 at or above `v`.
float ceilToF32(double v) {
  float f = float(v);
  return double(f) < v ? std::nextafter(f, INFINITY) : f;
}

/// The offsets of estimateIndex: the middles of the ranges it was checked
/// against, [-0.351, 0.409) for the midpoints and [-0.845, -0.086) for the
/// levels (docs/Quantization.md).
constexpr double kNearestOffset = 0.03;
constexpr double kLevelsOffset = 0.465;

/// Where the search of an f32 magnitude `m` in [0, 1] starts: the mu-law's
/// inverse 127/8 log2(1 + 255 m), with log2 from the exponent of its
/// argument and a quadratic in the mantissa (error below 0.01), offset and
/// truncated so that the count the search wants is the start or one above
/// it (countFrom). Over every f32 in [0, 1] the unoffset estimate minus the
/// count lies in [-0.649, 0.591] for the midpoints and in [-0.155, 1.085]
/// for levels 1..127; both ranges are under 2 wide, and the offsets centre
/// them on [-1, 1) (checked exhaustively: docs/Quantization.md). `nearest`
/// searches the midpoints, otherwise the levels. Clamped so the start is a
/// valid index of the search's table (NaN starts at 0).
Value estimateIndex(OpBuilder &b, Location loc, Value m, bool nearest) {
  Type i32 = b.getI32Type(), f32 = b.getF32Type();
  auto f = [&](double v) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(float(v)))
        .getResult();
  };
  auto i = [&](int64_t v) {
    return arith::ConstantIntOp::create(b, loc, i32, v).getResult();
  };
  Value x = arith::AddFOp::create(b, loc, f(1.0),
                                  arith::MulFOp::create(b, loc, f(255.0), m));
  Value bits = arith::BitcastOp::create(b, loc, i32, x);
  Value exponent = arith::SIToFPOp::create(
      b, loc, f32,
      arith::SubIOp::create(b, loc, arith::ShRSIOp::create(b, loc, bits, i(23)),
                            i(127)));
  Value mantissa = arith::BitcastOp::create(
      b, loc, f32,
      arith::OrIOp::create(b, loc,
                           arith::AndIOp::create(b, loc, bits, i(0x7FFFFF)),
                           i(0x3F800000)));
  // log2(f) ~ (2 - f/3) f - 5/3 on [1, 2): exact at both ends.
  Value poly = arith::SubFOp::create(
      b, loc,
      arith::MulFOp::create(
          b, loc,
          arith::AddFOp::create(
              b, loc, arith::MulFOp::create(b, loc, f(-1.0 / 3.0), mantissa),
              f(2.0)),
          mantissa),
      f(5.0 / 3.0));
  Value index = arith::MulFOp::create(
      b, loc, arith::AddFOp::create(b, loc, exponent, poly),
      f(mu8::kMaxCode / 8.0));
  auto clamp = [&](Value v, double hi) -> Value {
    return arith::MinNumFOp::create(
        b, loc, arith::MaxNumFOp::create(b, loc, v, f(0.0)), f(hi));
  };
  // Nearest: the count is 127 at most, a valid start; levels: the start
  // 126 reads level 127 (the count is 127 only from m = 1 on).
  index = nearest ? arith::AddFOp::create(b, loc, clamp(index, mu8::kMaxCode),
                                          f(kNearestOffset))
                        .getResult()
                  : clamp(arith::SubFOp::create(b, loc, index,
                                                f(kLevelsOffset)),
                          mu8::kMaxCode - 1);
  return arith::FPToSIOp::create(b, loc, i32, index);
}

/// How many entries of the ascending `above` table are <= `m`, from the
/// start `k` (estimateIndex), which is that count or one below it: one
/// comparison with entry k decides.
Value countFrom(OpBuilder &b, Location loc, Value above, Value m, Value k) {
  Value up = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE,
                                   extract(b, loc, above, k), m);
  return arith::AddIOp::create(
      b, loc, k, arith::ExtUIOp::create(b, loc, b.getI32Type(), up));
}

} // namespace

namespace {
/// The tables' contents, from the numerics library, computed once.
struct TableData {
  SmallVector<float> decodeF32 = SmallVector<float>(256);
  SmallVector<int32_t> grid = SmallVector<int32_t>(256);
  SmallVector<float> midpoints, levels, levelsAbove;

  TableData() {
    for (int c = -128; c <= 127; ++c) {
      decodeF32[uint8_t(c)] = mu8::decode(int8_t(c), 0);
      grid[uint8_t(c)] = mu8::decodeFixed(int8_t(c), kGridBits);
    }
    for (int k = 0; k < mu8::kMaxCode; ++k)
      midpoints.push_back(ceilToF32(mu8::unitMidpoint(k)));
    midpoints.push_back(std::numeric_limits<float>::infinity());
    for (int k = 0; k <= mu8::kMaxCode; ++k)
      levels.push_back(mu8::unitLevel(k));
    levelsAbove.append(levels.begin() + 1, levels.end());
    levelsAbove.push_back(std::numeric_limits<float>::infinity());
  }
};
} // namespace

Tables lowering::createTables(OpBuilder &b, Location loc) {
  static const TableData data;
  auto f32Table = [&](ArrayRef<float> values) {
    return tableConstant<float>(b, loc, b.getF32Type(), values);
  };
  return {f32Table(data.decodeF32),
          tableConstant<int32_t>(b, loc, b.getI32Type(), data.grid),
          f32Table(data.midpoints), f32Table(data.levels),
          f32Table(data.levelsAbove)};
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
                             Value linearIndex, bool keepNonzero) {
  Type i32 = b.getI32Type(), f64 = b.getF64Type();
  // The magnitude in units of the range.
  Value abs = math::AbsFOp::create(b, loc, x);
  Value m32 = scaledMagnitude(b, loc, abs, invScale);
  Value k;
  if (!seed) {
    // Midpoints at or below m: a tie rounds away from zero.
    k = countFrom(b, loc, tables.midpoints, m32,
                  estimateIndex(b, loc, m32, /*nearest=*/true));
  } else {
    // The level at or below m (levels 1..127 counted), then up with
    // probability p = (m - lower) / (upper - lower), with m exact in f64 (in
    // f32 it could round if it lies far below the range). `u < p` is
    // decided as `u (upper - lower) < m - lower`: both sides are exact in
    // f64 (u has 24 bits, the levels are f32 and m is within a factor of
    // 2.1 of them, or lower is 0), and the rounded quotient is never equal
    // to u when the exact one is above it, so the answer is the division's
    // (docs/Quantization.md) without its cost.
    Value start = estimateIndex(b, loc, m32, /*nearest=*/false);
    Value above = extract(b, loc, tables.levelsAbove, start);
    Value lowerK = arith::AddIOp::create(
        b, loc, start,
        arith::ExtUIOp::create(
            b, loc, i32,
            arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, above,
                                  m32)));
    // Levels lowerK and lowerK + 1: one is level start + 1, read already;
    // the other is level start (lowerK = start) or start + 2 (lowerK =
    // start + 1), at 2 lowerK - start. That index is 128 only when lowerK
    // is 127, whose code is 127 whichever way it rounds: clamped to 127.
    Value maxK = arith::ConstantIntOp::create(b, loc, i32, mu8::kMaxCode);
    Value roundedUp =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, lowerK, start);
    Value other = extract(
        b, loc, tables.levels,
        arith::MinSIOp::create(
            b, loc,
            arith::SubIOp::create(
                b, loc,
                arith::AddIOp::create(b, loc, lowerK, lowerK), start),
            maxK));
    Value m = arith::MulFOp::create(
        b, loc, arith::ExtFOp::create(b, loc, f64, abs), invScale);
    Value lower = arith::ExtFOp::create(
        b, loc, f64, arith::SelectOp::create(b, loc, roundedUp, above, other)
                             .getResult());
    Value upper = arith::ExtFOp::create(
        b, loc, f64, arith::SelectOp::create(b, loc, roundedUp, other, above)
                             .getResult());
    Value upperK = arith::MinSIOp::create(
        b, loc,
        arith::AddIOp::create(b, loc, lowerK,
                              arith::ConstantIntOp::create(b, loc, i32, 1)),
        maxK);
    Value bits = arith::ShRUIOp::create(
        b, loc, createSplitMix64(b, loc, seed, linearIndex),
        i64Constant(b, loc, 40));
    Value u = arith::MulFOp::create(
        b, loc, arith::UIToFPOp::create(b, loc, f64, bits),
        arith::ConstantOp::create(b, loc, b.getF64FloatAttr(0x1p-24)));
    // At a level (m = lower) the right side is 0 and nothing is below it:
    // the code is that level's.
    Value up = arith::CmpFOp::create(
        b, loc, arith::CmpFPredicate::OLT,
        arith::MulFOp::create(b, loc, u,
                              arith::SubFOp::create(b, loc, upper, lower)),
        arith::SubFOp::create(b, loc, m, lower));
    k = arith::SelectOp::create(b, loc, up, upperK, lowerK);
    if (keepNonzero) {
      // |x| > 0 (in f32: true even where m underflows) never gives 0.
      Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0));
      Value nonzero =
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, abs, zero);
      Value one = arith::ConstantIntOp::create(b, loc, i32, 1);
      k = arith::SelectOp::create(
          b, loc, nonzero, arith::MaxSIOp::create(b, loc, k, one), k);
    }
  }
  Value one = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(1.0));
  Value saturated =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, m32, one);
  k = arith::SelectOp::create(
      b, loc, saturated,
      arith::ConstantIntOp::create(b, loc, i32, mu8::kMaxCode), k);
  // NaN encodes to 0.
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
