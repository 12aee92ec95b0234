//===- VectorMath.cpp - Math functions from arith ops only ----------------===//
//
// log(x) = k ln2 + log(m), x = m 2^k with m in [sqrt(2)/2, sqrt(2)): with
// f = m - 1 and s = f / (2 + f), log(1 + f) = 2 atanh(s) = f - (f^2/2 -
// s (f^2/2 + R(s^2))), where R is the classic minimax polynomial of
// 4.4BSD's and fdlibm's log (error below 2^-58.45 on this interval), and
// ln2 is split in a high part exact in k ln2_hi and a low part.
//
//===----------------------------------------------------------------------===//

#include "VectorMath.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::logbtq;

namespace {
// The coefficients of R(z) = z (L1 + z (L2 + ... + z L7)).
constexpr double kL1 = 6.666666666666735130e-01, kL2 = 3.999999999940941908e-01,
                 kL3 = 2.857142874366239149e-01, kL4 = 2.222219843214978396e-01,
                 kL5 = 1.818357216161805012e-01, kL6 = 1.531383769920937332e-01,
                 kL7 = 1.479819860511658591e-01;
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
} // namespace

Value lowering::createLogF64(OpBuilder &b, Location loc, Value x) {
  Type f64 = b.getF64Type(), i64 = b.getI64Type();
  auto fc = [&](double v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getF64FloatAttr(v));
  };
  auto ic = [&](int64_t v) -> Value {
    return arith::ConstantIntOp::create(b, loc, i64, v);
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
  Value subnormal = cmp(arith::CmpFPredicate::OLT, x, fc(0x1p-1022));
  Value scaled = select(subnormal, mul(x, fc(0x1p54)), x);
  Value bits = arith::BitcastOp::create(b, loc, i64, scaled);
  Value k = arith::SubIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, bits, ic(52)), ic(1023));
  k = arith::SubIOp::create(b, loc, k,
                            select(subnormal, ic(54), ic(0)));
  // m in [1, 2), then halved above sqrt(2).
  Value m = arith::BitcastOp::create(
      b, loc, f64,
      arith::OrIOp::create(
          b, loc, arith::AndIOp::create(b, loc, bits, ic((1LL << 52) - 1)),
          ic(1023LL << 52)));
  Value high = cmp(arith::CmpFPredicate::OGT, m, fc(M_SQRT2));
  m = select(high, mul(m, fc(0.5)), m);
  k = arith::AddIOp::create(b, loc, k, select(high, ic(1), ic(0)));

  Value f = sub(m, fc(1.0));
  Value s = arith::DivFOp::create(b, loc, f, add(fc(2.0), f));
  Value z = mul(s, s), w = mul(z, z);
  Value odd = mul(w, add(fc(kL2), mul(w, add(fc(kL4), mul(w, fc(kL6))))));
  Value even = mul(
      z, add(fc(kL1),
             mul(w, add(fc(kL3), mul(w, add(fc(kL5), mul(w, fc(kL7))))))));
  Value r = add(even, odd);
  Value halfSquare = mul(mul(fc(0.5), f), f);
  Value dk = arith::SIToFPOp::create(b, loc, f64, k);
  Value log = sub(mul(dk, fc(kLn2Hi)),
                  sub(sub(halfSquare,
                          add(mul(s, add(halfSquare, r)), mul(dk, fc(kLn2Lo)))),
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
