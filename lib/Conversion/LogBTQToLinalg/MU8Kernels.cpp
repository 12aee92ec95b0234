//===- MU8Kernels.cpp - Scalar MU8 arithmetic for Linalg bodies -----------===//

#include "MU8Kernels.h"
#include "LoweringUtils.h"

#include "logbtq/Numerics/MU8.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::mu8lowering;
namespace mu8 = ::logbtq::mu8;

namespace {

template <typename T>
Value tableConstant(OpBuilder &b, Location loc, Type element,
                    ArrayRef<T> values) {
  auto type = RankedTensorType::get({int64_t(values.size())}, element);
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, values));
}

Value i64Constant(OpBuilder &b, Location loc, uint64_t v) {
  return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(int64_t(v)));
}

Value extract(OpBuilder &b, Location loc, Value table, Value i32Index) {
  Value index =
      arith::IndexCastOp::create(b, loc, b.getIndexType(), i32Index);
  return tensor::ExtractOp::create(b, loc, table, ValueRange{index});
}

/// How many of `table[0 .. 126]` (ascending) are <= `v`: a 7-step binary
/// search, `upper_bound` of the library.
Value countAtOrBelow(OpBuilder &b, Location loc, Value table, Value v,
                     int tableOffset) {
  Type i32 = b.getI32Type();
  Value k = arith::ConstantIntOp::create(b, loc, i32, 0);
  for (int step = 64; step >= 1; step /= 2) {
    Value probe = arith::AddIOp::create(
        b, loc, k,
        arith::ConstantIntOp::create(b, loc, i32, step - 1 + tableOffset));
    Value t = extract(b, loc, table, probe);
    Value below = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, t, v);
    Value next = arith::AddIOp::create(
        b, loc, k, arith::ConstantIntOp::create(b, loc, i32, step));
    k = arith::SelectOp::create(b, loc, below, next, k);
  }
  return k;
}

} // namespace

Tables mu8lowering::createTables(OpBuilder &b, Location loc) {
  SmallVector<float> decodeF32(256);
  SmallVector<int16_t> grid(256);
  for (int c = -128; c <= 127; ++c) {
    decodeF32[uint8_t(c)] = mu8::decode(int8_t(c), 0);
    grid[uint8_t(c)] = mu8::decodeFixed(int8_t(c), kGridBits);
  }
  SmallVector<double> levels(mu8::kMaxCode + 1), midpoints(mu8::kMaxCode);
  for (int k = 0; k <= mu8::kMaxCode; ++k)
    levels[k] = mu8::unitLevel(k);
  for (int k = 0; k < mu8::kMaxCode; ++k)
    midpoints[k] = (levels[k] + levels[k + 1]) / 2.0;
  return {tableConstant<float>(b, loc, b.getF32Type(), decodeF32),
          tableConstant<int16_t>(b, loc, b.getI16Type(), grid),
          tableConstant<double>(b, loc, b.getF64Type(), midpoints),
          tableConstant<double>(b, loc, b.getF64Type(), levels)};
}

Value mu8lowering::createExp2(OpBuilder &b, Location loc, Value e,
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

Value mu8lowering::createTableLookup(OpBuilder &b, Location loc, Value table,
                                     Value code) {
  Value index = arith::IndexCastOp::create(
      b, loc, b.getIndexType(),
      arith::ExtUIOp::create(b, loc, b.getI32Type(), code));
  return tensor::ExtractOp::create(b, loc, table, ValueRange{index});
}

Value mu8lowering::createDecodedTensor(OpBuilder &b, Location loc,
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

Value mu8lowering::createSaturates(OpBuilder &b, Location loc, Value x,
                                   Value invScale) {
  Value a = arith::ExtFOp::create(b, loc, b.getF64Type(),
                                  math::AbsFOp::create(b, loc, x).getResult());
  Value m = arith::MulFOp::create(b, loc, a, invScale);
  Value one = arith::ConstantOp::create(b, loc, b.getF64FloatAttr(1.0));
  // UGT: true for NaN as well.
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UGT, m, one);
}

Value mu8lowering::createSplitMix64(OpBuilder &b, Location loc, Value seed,
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

Value mu8lowering::createEncode(OpBuilder &b, Location loc,
                                const Tables &tables, Value x, Value invScale,
                                Value seed, Value linearIndex) {
  Type i32 = b.getI32Type(), f64 = b.getF64Type();
  // The magnitude in units of the range, exactly (f32 -> f64, times 2^-e).
  Value a = arith::ExtFOp::create(b, loc, f64, math::AbsFOp::create(b, loc, x).getResult());
  Value m = arith::MulFOp::create(b, loc, a, invScale);
  Value k;
  if (!seed) {
    // Thresholds at or below m: a tie rounds away from zero. NaN compares
    // false everywhere and encodes to 0.
    k = countAtOrBelow(b, loc, tables.midpoints, m, 0);
  } else {
    // The level at or below m (levels[1..127] counted), then up with
    // probability (m - lower) / (upper - lower).
    Value lowerK = countAtOrBelow(b, loc, tables.levels, m, 1);
    Value lower = extract(b, loc, tables.levels, lowerK);
    Value maxK = arith::ConstantIntOp::create(b, loc, i32, mu8::kMaxCode);
    Value upperK = arith::MinSIOp::create(
        b, loc,
        arith::AddIOp::create(b, loc, lowerK,
                              arith::ConstantIntOp::create(b, loc, i32, 1)),
        maxK);
    Value upper = extract(b, loc, tables.levels, upperK);
    Value p = arith::DivFOp::create(
        b, loc, arith::SubFOp::create(b, loc, m, lower),
        arith::SubFOp::create(b, loc, upper, lower));
    Value bits = arith::ShRUIOp::create(
        b, loc, createSplitMix64(b, loc, seed, linearIndex),
        i64Constant(b, loc, 40));
    Value u = arith::MulFOp::create(
        b, loc, arith::UIToFPOp::create(b, loc, f64, bits),
        arith::ConstantOp::create(b, loc, b.getF64FloatAttr(0x1p-24)));
    Value exact = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                        lower, m);
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
  // The sign bit of x (so -0.0 and negative values alike).
  Value negative = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::slt, arith::BitcastOp::create(b, loc, i32, x),
      arith::ConstantIntOp::create(b, loc, i32, 0));
  Value negated = arith::SubIOp::create(
      b, loc, arith::ConstantIntOp::create(b, loc, i32, 0), k);
  Value code = arith::SelectOp::create(b, loc, negative, negated, k);
  return arith::TruncIOp::create(b, loc, b.getI8Type(), code);
}
