//===- LowerElementwise.cpp - Elementwise graph ops to Linalg -------------===//
//
// Unary ops (relu, sigmoid, exp, erf, ...) are one parallel `linalg.generic`
// each; dropout is the identity and disappears. The binary ops (add, sub,
// mul, div, pow, max, min) broadcast numpy-style through their indexing maps:
// an operand's missing leading dims are not indexed and its stretched size-1
// dims read index 0, so no broadcast copy is materialized.
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

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

/// The scalar computation of each unary op, on one f32 element.
static Value computeUnary(ReluOp, OpBuilder &b, Location loc, Value x) {
  // maximumf propagates NaN, as torch.relu does.
  return arith::MaximumFOp::create(
      b, loc, x, createFloatConstant(b, loc, x.getType(), 0.0));
}

static Value computeUnary(SigmoidOp, OpBuilder &b, Location loc, Value x) {
  Value one = createFloatConstant(b, loc, x.getType(), 1.0);
  Value exp = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
  return arith::DivFOp::create(b, loc, one,
                               arith::AddFOp::create(b, loc, one, exp));
}

static Value computeUnary(TanhOp, OpBuilder &b, Location loc, Value x) {
  return math::TanhOp::create(b, loc, x);
}

static Value computeUnary(ClipOp op, OpBuilder &b, Location loc, Value x) {
  Value lo = arith::ConstantOp::create(b, loc, op.getMinAttr());
  Value hi = arith::ConstantOp::create(b, loc, op.getMaxAttr());
  Value clamped = arith::MaximumFOp::create(b, loc, x, lo);
  return arith::MinimumFOp::create(b, loc, clamped, hi);
}

static Value computeUnary(ExpOp, OpBuilder &b, Location loc, Value x) {
  return math::ExpOp::create(b, loc, x);
}

static Value computeUnary(LogOp, OpBuilder &b, Location loc, Value x) {
  return math::LogOp::create(b, loc, x);
}

static Value computeUnary(SqrtOp, OpBuilder &b, Location loc, Value x) {
  return math::SqrtOp::create(b, loc, x);
}

static Value computeUnary(ErfOp, OpBuilder &b, Location loc, Value x) {
  return math::ErfOp::create(b, loc, x);
}

static Value computeUnary(NegOp, OpBuilder &b, Location loc, Value x) {
  return arith::NegFOp::create(b, loc, x);
}

static Value computeUnary(AbsOp, OpBuilder &b, Location loc, Value x) {
  return math::AbsFOp::create(b, loc, x);
}

static Value computeUnary(SoftplusOp, OpBuilder &b, Location loc, Value x) {
  // max(x, 0) + log1p(exp(-|x|)): exp never overflows.
  Value zero = createFloatConstant(b, loc, x.getType(), 0.0);
  Value positive = arith::MaximumFOp::create(b, loc, x, zero);
  Value tail = math::ExpOp::create(
      b, loc, arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x)));
  return arith::AddFOp::create(b, loc, positive,
                               math::Log1pOp::create(b, loc, tail));
}

/// 1 where `condition`, else `otherwise`.
static Value select(OpBuilder &b, Location loc, Value condition, double one,
                    Value otherwise) {
  return arith::SelectOp::create(
      b, loc, condition, createFloatConstant(b, loc, otherwise.getType(), one),
      otherwise);
}

static Value computeUnary(SignOp, OpBuilder &b, Location loc, Value x) {
  // -1, 0, 1 (NaN stays NaN through the last select's operand).
  Value zero = createFloatConstant(b, loc, x.getType(), 0.0);
  Value negative =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
  Value positive =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
  Value zeroOrX = arith::SelectOp::create(
      b, loc, arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x, zero),
      zero, x);
  return select(b, loc, positive, 1.0, select(b, loc, negative, -1.0, zeroOrX));
}

static Value computeUnary(StepOp, OpBuilder &b, Location loc, Value x) {
  Value zero = createFloatConstant(b, loc, x.getType(), 0.0);
  Value positive =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
  return select(b, loc, positive, 1.0, zero);
}

static Value computeUnary(LeakyReluOp op, OpBuilder &b, Location loc, Value x) {
  Value zero = createFloatConstant(b, loc, x.getType(), 0.0);
  Value alpha = arith::ConstantOp::create(b, loc, op.getAlphaAttr());
  Value negative =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
  return arith::SelectOp::create(b, loc, negative,
                                 arith::MulFOp::create(b, loc, x, alpha), x);
}

namespace {

template <typename OpTy>
struct UnaryLowering : F32OpLowering<OpTy> {
  using F32OpLowering<OpTy>::F32OpLowering;
  using OpAdaptor = typename OpTy::Adaptor;

  FailureOr<SmallVector<Value>>
  lower(OpTy op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value result = createElementwise(
        rewriter, op.getLoc(), type, ValueRange{adaptor.getInput()},
        {rewriter.getMultiDimIdentityMap(type.getRank())},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return SmallVector<Value>{computeUnary(op, b, loc, args[0])};
        });
    return SmallVector<Value>{result};
  }
};

/// logbtq trains without dropout: the op only marks where the model had it.
struct DropoutLowering : F32OpLowering<DropoutOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(DropoutOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    return SmallVector<Value>{adaptor.getInput()};
  }
};

//===----------------------------------------------------------------------===//
// Binary, with broadcasting
//===----------------------------------------------------------------------===//

template <typename OpTy, typename ArithOp>
struct BinaryLowering : F32OpLowering<OpTy> {
  using F32OpLowering<OpTy>::F32OpLowering;
  using OpAdaptor = typename OpTy::Adaptor;

  FailureOr<SmallVector<Value>>
  lower(OpTy op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    MLIRContext *ctx = rewriter.getContext();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    auto shapeOf = [](Value v) {
      return cast<RankedTensorType>(v.getType()).getShape();
    };
    Value result = createElementwise(
        rewriter, op.getLoc(), type, ValueRange{lhs, rhs},
        {getBroadcastMap(ctx, shapeOf(lhs), type.getShape()),
         getBroadcastMap(ctx, shapeOf(rhs), type.getShape())},
        [](OpBuilder &b, Location loc, ValueRange args) {
          return SmallVector<Value>{
              ArithOp::create(b, loc, args[0], args[1]).getResult()};
        });
    return SmallVector<Value>{result};
  }
};

/// arith.select of the three operands, each broadcast to the result.
struct SelectLowering : F32OpLowering<SelectOp> {
  using F32OpLowering::F32OpLowering;
  SmallVector<unsigned> integerOperands() const override { return {0}; }

  FailureOr<SmallVector<Value>>
  lower(SelectOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<Value> operands = {adaptor.getCondition(),
                                   adaptor.getTrueValue(),
                                   adaptor.getFalseValue()};
    SmallVector<AffineMap> maps;
    for (Value v : operands)
      maps.push_back(
          getBroadcastMap(ctx, cast<RankedTensorType>(v.getType()).getShape(),
                          type.getShape()));
    Value result = createElementwise(
        rewriter, op.getLoc(), type, operands, maps,
        [](OpBuilder &b, Location loc, ValueRange args) {
          return SmallVector<Value>{
              arith::SelectOp::create(b, loc, args[0], args[1], args[2])
                  .getResult()};
        });
    return SmallVector<Value>{result};
  }
};

} // namespace

void lowering::populateElementwisePatterns(TypeConverter &converter,
                                           RewritePatternSet &patterns) {
  patterns.add<
      UnaryLowering<ReluOp>, UnaryLowering<SigmoidOp>, UnaryLowering<TanhOp>,
      UnaryLowering<ClipOp>, UnaryLowering<ExpOp>, UnaryLowering<LogOp>,
      UnaryLowering<SqrtOp>, UnaryLowering<ErfOp>, UnaryLowering<NegOp>,
      UnaryLowering<AbsOp>, UnaryLowering<SoftplusOp>, UnaryLowering<SignOp>,
      UnaryLowering<StepOp>, UnaryLowering<LeakyReluOp>, DropoutLowering,
      SelectLowering, BinaryLowering<AddOp, arith::AddFOp>,
      BinaryLowering<SubOp, arith::SubFOp>,
      BinaryLowering<MulOp, arith::MulFOp>,
      BinaryLowering<DivOp, arith::DivFOp>, BinaryLowering<PowOp, math::PowFOp>,
      BinaryLowering<MaxOp, arith::MaximumFOp>,
      BinaryLowering<MinOp, arith::MinimumFOp>>(converter,
                                                patterns.getContext());
}
