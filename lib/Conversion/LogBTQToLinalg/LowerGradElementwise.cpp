//===- LowerGradElementwise.cpp - Pointwise gradients to Linalg -----------===//
//
// relu_grad, sigmoid_grad, tanh_grad, clip_grad and barrier_grad: one
// elementwise linalg.generic each, with PyTorch's formulas and operation
// order (ATen's threshold_backward, sigmoid_backward, tanh_backward and
// clamp_backward), so results agree to the last bits or nearly.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "Patterns.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::lowering;
using arith::CmpFPredicate;

namespace {

/// `grad` where `value > 0`, else 0. A NaN input passes the gradient through,
/// as `threshold_backward` (`value <= 0 ? 0 : grad`) does.
Value pointwiseGrad(ReluGradOp, OpBuilder &b, Location loc, Value grad,
                    Value value) {
  Value zero = createF32Constant(b, loc, 0.0);
  Value pass = arith::CmpFOp::create(b, loc, CmpFPredicate::UGT, value, zero);
  return arith::SelectOp::create(b, loc, pass, grad, zero);
}

/// `grad * (1 - y) * y`, y being the sigmoid's output.
Value pointwiseGrad(SigmoidGradOp, OpBuilder &b, Location loc, Value grad,
                    Value y) {
  Value oneMinusY =
      arith::SubFOp::create(b, loc, createF32Constant(b, loc, 1.0), y);
  return arith::MulFOp::create(
      b, loc, arith::MulFOp::create(b, loc, grad, oneMinusY), y);
}

/// `grad * (1 - y^2)`, y being the tanh's output. `1 - y^2` is computed as
/// `(1 - y) * (1 + y)`: where |y| nears 1, `1 - y * y` would lose the digits
/// that ATen keeps with a fused multiply-add.
Value pointwiseGrad(TanhGradOp, OpBuilder &b, Location loc, Value grad,
                    Value y) {
  Value one = createF32Constant(b, loc, 1.0);
  Value oneMinusYSquared =
      arith::MulFOp::create(b, loc, arith::SubFOp::create(b, loc, one, y),
                            arith::AddFOp::create(b, loc, one, y));
  return arith::MulFOp::create(b, loc, grad, oneMinusYSquared);
}

/// `grad` where `min <= x <= max` (inclusive, as `clamp_backward`), else 0.
Value pointwiseGrad(ClipGradOp op, OpBuilder &b, Location loc, Value grad,
                    Value x) {
  Value lo = arith::ConstantOp::create(b, loc, op.getMinAttr());
  Value hi = arith::ConstantOp::create(b, loc, op.getMaxAttr());
  Value inside = arith::AndIOp::create(
      b, loc, arith::CmpFOp::create(b, loc, CmpFPredicate::OGE, x, lo),
      arith::CmpFOp::create(b, loc, CmpFPredicate::OLE, x, hi));
  return arith::SelectOp::create(b, loc, inside, grad,
                                 createF32Constant(b, loc, 0.0));
}

/// The (grad, value) pointwise gradients.
template <typename OpTy>
struct PointwiseGradLowering : F32OpLowering<OpTy> {
  using F32OpLowering<OpTy>::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(OpTy op, typename OpTy::Adaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Value result = createElementwise(
        rewriter, op.getLoc(), cast<RankedTensorType>(op.getType()),
        {adaptor.getGrad(), adaptor.getValue()},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return pointwiseGrad(op, b, loc, args[0], args[1]);
        });
    return SmallVector<Value>{result};
  }
};

/// `scale * sign(x) * psi_t'(|x| - bound) / n` (docs/MU8.md), with
/// `psi_t'(z) = -1/(t z)` for `z <= -1/t^2` and `t` beyond; `sign(0) = 0`
/// and a NaN stays NaN.
struct BarrierGradLowering : F32OpLowering<BarrierGradOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(BarrierGradOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Value t = adaptor.getT();
    // Loop invariants: the switch point -1/t^2 and scale / n.
    Value one = createF32Constant(rewriter, loc, 1.0);
    Value switchPoint = arith::NegFOp::create(
        rewriter, loc,
        arith::DivFOp::create(rewriter, loc, one,
                              arith::MulFOp::create(rewriter, loc, t, t)));
    Value coefficient = arith::DivFOp::create(
        rewriter, loc, adaptor.getScale(),
        createF32Constant(rewriter, loc,
                          static_cast<double>(type.getNumElements())));
    Value bound = arith::ConstantOp::create(rewriter, loc, op.getBoundAttr());

    Value result = createElementwise(
        rewriter, loc, type, {adaptor.getInput()},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value x = args[0];
          Value zero = createF32Constant(b, l, 0.0);
          Value z =
              arith::SubFOp::create(b, l, math::AbsFOp::create(b, l, x), bound);
          Value onLog =
              arith::CmpFOp::create(b, l, CmpFPredicate::OLE, z, switchPoint);
          Value logSlope = arith::NegFOp::create(
              b, l,
              arith::DivFOp::create(b, l, createF32Constant(b, l, 1.0),
                                    arith::MulFOp::create(b, l, t, z)));
          Value slope = arith::SelectOp::create(b, l, onLog, logSlope, t);
          // sign(x): +-1, and x itself for +-0 and NaN.
          Value sign = arith::SelectOp::create(
              b, l, arith::CmpFOp::create(b, l, CmpFPredicate::OGT, x, zero),
              createF32Constant(b, l, 1.0),
              arith::SelectOp::create(
                  b, l,
                  arith::CmpFOp::create(b, l, CmpFPredicate::OLT, x, zero),
                  createF32Constant(b, l, -1.0), x));
          return arith::MulFOp::create(
              b, l, coefficient, arith::MulFOp::create(b, l, sign, slope));
        });
    return SmallVector<Value>{result};
  }
};

} // namespace

void lowering::populateElementwiseGradPatterns(TypeConverter &converter,
                                               RewritePatternSet &patterns) {
  patterns.add<PointwiseGradLowering<ReluGradOp>,
               PointwiseGradLowering<SigmoidGradOp>,
               PointwiseGradLowering<TanhGradOp>,
               PointwiseGradLowering<ClipGradOp>, BarrierGradLowering>(
      converter, patterns.getContext());
}
