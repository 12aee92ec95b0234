//===- LowerTargetLoss.cpp - MSE, L1 and BCE losses against labels --------===//
//
// target_loss and its gradient over the [N, C] logits, with the one-hot
// target of each element read from its row's label and its column index:
// the loss is one reduction over both dims, summed in f64 and divided by
// N C (PyTorch's reduction="mean"); the gradient one elementwise generic.
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

namespace {

/// Maps of the logits (every element) and the labels (one per row) of a
/// generic over [N, C], followed by `out`.
SmallVector<AffineMap> logitsAndLabelsMaps(MLIRContext *ctx, AffineMap out) {
  AffineExpr n = getAffineDimExpr(0, ctx);
  return {AffineMap::getMultiDimIdentityMap(2, ctx),
          AffineMap::get(2, 0, {n}, ctx), out};
}

/// The one-hot target of the current element: 1.0 where its column is the
/// row's label.
Value oneHot(OpBuilder &b, Location loc, Value label, Type type) {
  Value column = arith::IndexCastOp::create(b, loc, b.getI32Type(),
                                            linalg::IndexOp::create(b, loc, 1));
  Value isLabel =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, column, label);
  return arith::UIToFPOp::create(b, loc, type, isLabel);
}

/// log(1 + exp(-|x|)), in the element type of x.
Value softplusOfMinusAbs(OpBuilder &b, Location loc, Value x) {
  Value negAbs = arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x));
  return math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, negAbs));
}

struct TargetLossLowering : F32OpLowering<TargetLossOp> {
  using F32OpLowering::F32OpLowering;

  SmallVector<unsigned> integerOperands() const override { return {1}; }

  FailureOr<SmallVector<Value>>
  lower(TargetLossOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(adaptor.getLogits().getType());
    Type f32 = rewriter.getF32Type(), f64 = rewriter.getF64Type();
    StringRef kind = op.getKind();
    MLIRContext *ctx = rewriter.getContext();
    Value init = createFilled(rewriter, loc, {},
                              createFloatConstant(rewriter, loc, f64, 0.0));
    Value sum =
        createGeneric(
            rewriter, loc, ValueRange{adaptor.getLogits(), adaptor.getLabels()},
            ValueRange{init},
            logitsAndLabelsMaps(ctx, AffineMap::get(2, 0, {}, ctx)),
            getIteratorTypes(2, {0, 1}),
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value x = arith::ExtFOp::create(b, l, f64, args[0]);
              Value t = oneHot(b, l, args[1], f64);
              Value term;
              if (kind == "mse") {
                Value d = arith::SubFOp::create(b, l, x, t);
                term = arith::MulFOp::create(b, l, d, d);
              } else if (kind == "l1") {
                term = math::AbsFOp::create(b, l,
                                            arith::SubFOp::create(b, l, x, t));
              } else {
                Value zero = createFloatConstant(b, l, f64, 0.0);
                term = arith::AddFOp::create(
                    b, l,
                    arith::SubFOp::create(
                        b, l, arith::MaximumFOp::create(b, l, x, zero),
                        arith::MulFOp::create(b, l, x, t)),
                    softplusOfMinusAbs(b, l, x));
              }
              return SmallVector<Value>{
                  arith::AddFOp::create(b, l, args[2], term)};
            })
            .front();
    Value count = createFloatConstant(
        rewriter, loc, f64, double(type.getDimSize(0) * type.getDimSize(1)));
    Value mean =
        arith::DivFOp::create(rewriter, loc, extractScalar(rewriter, loc, sum),
                              count);
    return SmallVector<Value>{arith::TruncFOp::create(rewriter, loc, f32, mean)};
  }
};

struct TargetLossGradLowering : F32OpLowering<TargetLossGradOp> {
  using F32OpLowering::F32OpLowering;

  SmallVector<unsigned> integerOperands() const override { return {1}; }

  FailureOr<SmallVector<Value>>
  lower(TargetLossGradOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Type f32 = rewriter.getF32Type();
    StringRef kind = op.getKind();
    MLIRContext *ctx = rewriter.getContext();
    // scale / (N C), and twice that for the square's derivative.
    Value k = arith::DivFOp::create(
        rewriter, loc, adaptor.getScale(),
        createF32Constant(rewriter, loc,
                          double(type.getDimSize(0) * type.getDimSize(1))));
    if (kind == "mse")
      k = arith::MulFOp::create(rewriter, loc, k,
                                createF32Constant(rewriter, loc, 2.0));
    Value init = createEmpty(rewriter, loc, type.getShape(), f32);
    Value result =
        createGeneric(
            rewriter, loc, ValueRange{adaptor.getLogits(), adaptor.getLabels()},
            ValueRange{init},
            logitsAndLabelsMaps(ctx, AffineMap::getMultiDimIdentityMap(2, ctx)),
            getIteratorTypes(2),
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value x = args[0];
              Value t = oneHot(b, l, args[1], f32);
              Value d;
              if (kind == "mse") {
                d = arith::SubFOp::create(b, l, x, t);
              } else if (kind == "l1") {
                // sign(x - t), 0 at 0 (PyTorch's sign).
                Value diff = arith::SubFOp::create(b, l, x, t);
                Value zero = createF32Constant(b, l, 0.0);
                Value one = createF32Constant(b, l, 1.0);
                Value pos = arith::CmpFOp::create(
                    b, l, arith::CmpFPredicate::OGT, diff, zero);
                Value neg = arith::CmpFOp::create(
                    b, l, arith::CmpFPredicate::OLT, diff, zero);
                d = arith::SelectOp::create(
                    b, l, pos, one,
                    arith::SelectOp::create(b, l, neg,
                                            arith::NegFOp::create(b, l, one),
                                            zero));
              } else {
                // sigmoid(x) - t, sigmoid as 1 / (1 + exp(-x)).
                Value one = createF32Constant(b, l, 1.0);
                Value sigmoid = arith::DivFOp::create(
                    b, l, one,
                    arith::AddFOp::create(
                        b, l, one,
                        math::ExpOp::create(b, l,
                                            arith::NegFOp::create(b, l, x))));
                d = arith::SubFOp::create(b, l, sigmoid, t);
              }
              return SmallVector<Value>{arith::MulFOp::create(b, l, d, k)};
            })
            .front();
    return SmallVector<Value>{result};
  }
};

} // namespace

void lowering::populateTargetLossPatterns(TypeConverter &converter,
                                          RewritePatternSet &patterns) {
  patterns.add<TargetLossLowering, TargetLossGradLowering>(
      converter, patterns.getContext());
}
