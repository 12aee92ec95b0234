//===- LowerElementwise.cpp - Elementwise graph ops to Linalg -------------===//
//
// Unary ops (relu, sigmoid, tanh, clip) are one parallel `linalg.generic`
// each; dropout is the identity and disappears. The binary ops (add, sub,
// mul) broadcast numpy-style through their indexing maps: an operand's
// missing leading dims are not indexed and its stretched size-1 dims read
// index 0, so no broadcast copy is materialized.
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

} // namespace

void lowering::populateElementwisePatterns(TypeConverter &converter,
                                           RewritePatternSet &patterns) {
  patterns.add<UnaryLowering<ReluOp>, UnaryLowering<SigmoidOp>,
               UnaryLowering<TanhOp>, UnaryLowering<ClipOp>, DropoutLowering,
               BinaryLowering<AddOp, arith::AddFOp>,
               BinaryLowering<SubOp, arith::SubFOp>,
               BinaryLowering<MulOp, arith::MulFOp>>(converter,
                                                     patterns.getContext());
}
