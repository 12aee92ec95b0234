//===- VectorMath.cpp - Math functions from arith ops only ----------------===//
//
// log(x) = k ln2 + log(m), x = m 2^k with m in [sqrt(2)/2, sqrt(2)): with
// f = m - 1 and s = f / (2 + f), log(1 + f) = 2 atanh(s) = f - (f^2/2 -
// s (f^2/2 + R(s^2))), where R is the classic minimax polynomial of
// 4.4BSD's and fdlibm's log (f64: seven terms, error below 2^-58.45 on this
// interval; f32: four terms, below 2^-34.24), and ln2 is split in a high
// part exact in k ln2_hi and a low part.
//
//===----------------------------------------------------------------------===//

#include "VectorMath.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::logbtq;

namespace {
/// The constants of one precision.
struct LogConstants {
  unsigned mantissaBits;
  int64_t bias;
  double smallestNormal, subnormalScale;
  int64_t subnormalShift;
  SmallVector<double> r; ///< R(z) = z (r[0] + z (r[1] + ...))
  double ln2Hi, ln2Lo;
};

const LogConstants &constantsFor(FloatType type) {
  static const LogConstants f64{
      52,
      1023,
      0x1p-1022,
      0x1p54,
      54,
      {6.666666666666735130e-01, 3.999999999940941908e-01,
       2.857142874366239149e-01, 2.222219843214978396e-01,
       1.818357216161805012e-01, 1.531383769920937332e-01,
       1.479819860511658591e-01},
      6.93147180369123816490e-01,
      1.90821492927058770002e-10};
  static const LogConstants f32{23,
                                127,
                                0x1p-126,
                                0x1p25,
                                25,
                                {0xaaaaaa.0p-24, 0xccce13.0p-25,
                                 0x91e9ee.0p-25, 0xf89e26.0p-26},
                                6.9313812256e-01,
                                9.0580006145e-06};
  return type.isF64() ? f64 : f32;
}
} // namespace

Value lowering::createLog(OpBuilder &b, Location loc, Value x) {
  auto type = cast<FloatType>(x.getType());
  const LogConstants &k0 = constantsFor(type);
  Type intType = b.getIntegerType(type.getWidth());
  auto fc = [&](double v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, v));
  };
  auto ic = [&](int64_t v) -> Value {
    return arith::ConstantIntOp::create(b, loc, intType, v);
  };
  auto add = [&](Value l, Value r) -> Value {
    return arith::AddFOp::create(b, loc, l, r);
  };
  auto sub = [&](Value l, Value r) -> Value {
    return arith::SubFOp::create(b, loc, l, r);
  };
  auto mul = [&](Value l, Value r) -> Value {
    return arith::MulFOp::create(b, loc, l, r);
  };
  auto cmp = [&](arith::CmpFPredicate p, Value l, Value r) -> Value {
    return arith::CmpFOp::create(b, loc, p, l, r);
  };
  auto select = [&](Value c, Value t, Value f) -> Value {
    return arith::SelectOp::create(b, loc, c, t, f);
  };

  // Subnormals are scaled into the normal range first.
  Value subnormal = cmp(arith::CmpFPredicate::OLT, x, fc(k0.smallestNormal));
  Value scaled = select(subnormal, mul(x, fc(k0.subnormalScale)), x);
  Value bits = arith::BitcastOp::create(b, loc, intType, scaled);
  Value k = arith::SubIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, bits, ic(k0.mantissaBits)),
      ic(k0.bias));
  k = arith::SubIOp::create(b, loc, k,
                            select(subnormal, ic(k0.subnormalShift), ic(0)));
  // m in [1, 2), then halved above sqrt(2).
  Value m = arith::BitcastOp::create(
      b, loc, type,
      arith::OrIOp::create(
          b, loc,
          arith::AndIOp::create(b, loc, bits,
                                ic((int64_t(1) << k0.mantissaBits) - 1)),
          ic(k0.bias << k0.mantissaBits)));
  Value high = cmp(arith::CmpFPredicate::OGT, m, fc(M_SQRT2));
  m = select(high, mul(m, fc(0.5)), m);
  k = arith::AddIOp::create(b, loc, k, select(high, ic(1), ic(0)));

  Value f = sub(m, fc(1.0));
  Value s = arith::DivFOp::create(b, loc, f, add(fc(2.0), f));
  Value z = mul(s, s), w = mul(z, z);
  // R(z) split in its odd and even terms in w = z^2 (two shorter chains).
  auto horner = [&](unsigned first) {
    Value acc;
    for (int i = int(k0.r.size()) - 1 - ((int(k0.r.size()) - 1 - first) % 2);
         i >= int(first); i -= 2)
      acc = acc ? add(fc(k0.r[i]), mul(w, acc)) : fc(k0.r[i]);
    return acc;
  };
  Value r = add(mul(z, horner(0)), mul(w, horner(1)));
  Value halfSquare = mul(mul(fc(0.5), f), f);
  Value dk = arith::SIToFPOp::create(b, loc, type, k);
  Value log = sub(mul(dk, fc(k0.ln2Hi)),
                  sub(sub(halfSquare,
                          add(mul(s, add(halfSquare, r)), mul(dk, fc(k0.ln2Lo)))),
                      f));

  // The special values.
  double inf = std::numeric_limits<double>::infinity();
  double nan = std::numeric_limits<double>::quiet_NaN();
  log = select(cmp(arith::CmpFPredicate::OEQ, x, fc(inf)), fc(inf), log);
  log = select(cmp(arith::CmpFPredicate::OEQ, x, fc(0.0)), fc(-inf), log);
  // x < 0, or NaN.
  log = select(cmp(arith::CmpFPredicate::ULT, x, fc(0.0)), fc(nan), log);
  return log;
}
