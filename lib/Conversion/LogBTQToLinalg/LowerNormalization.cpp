//===- LowerNormalization.cpp - softmax, log_softmax, batch_norm ----------===//
//
// softmax and log_softmax are computed stably along `axis` with three
// `linalg.generic`s: the max (a reduction), the sum of exp(x - max) (a
// reduction) and the normalization (parallel):
//   softmax     = exp(x - max) / sum
//   log_softmax = (x - max) - log(sum)
// batch_norm (inference form) folds scale / sqrt(var + eps) per channel
// first, then applies (x - mean) * that + bias in one parallel generic.
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

template <typename OpTy, bool isLog>
struct SoftmaxLowering : F32OpLowering<OpTy> {
  using F32OpLowering<OpTy>::F32OpLowering;
  using OpAdaptor = typename OpTy::Adaptor;

  FailureOr<SmallVector<Value>>
  lower(OpTy op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Type f32 = type.getElementType();
    unsigned axis = op.getAxis(), rank = type.getRank();
    Value x = adaptor.getInput();

    Value max = createAxisReduction(
        rewriter, loc, ValueRange{x}, axis, createNegInf(rewriter, loc, f32),
        [](OpBuilder &b, Location loc, ValueRange args) {
          return SmallVector<Value>{
              arith::MaximumFOp::create(b, loc, args[0], args[1])};
        });
    Value sum = createAxisReduction(
        rewriter, loc, ValueRange{x, max}, axis,
        createFloatConstant(rewriter, loc, f32, 0.0),
        [](OpBuilder &b, Location loc, ValueRange args) {
          Value shifted = arith::SubFOp::create(b, loc, args[0], args[1]);
          Value exp = math::ExpOp::create(b, loc, shifted);
          return SmallVector<Value>{
              arith::AddFOp::create(b, loc, args[2], exp)};
        });
    AffineMap reduced = getDropDimMap(rewriter.getContext(), rank, axis);
    Value result = createElementwise(
        rewriter, loc, type, ValueRange{x, max, sum},
        {rewriter.getMultiDimIdentityMap(rank), reduced, reduced},
        [](OpBuilder &b, Location loc, ValueRange args) {
          Value shifted = arith::SubFOp::create(b, loc, args[0], args[1]);
          Value y;
          if (isLog)
            y = arith::SubFOp::create(b, loc, shifted,
                                      math::LogOp::create(b, loc, args[2]));
          else
            y = arith::DivFOp::create(
                b, loc, math::ExpOp::create(b, loc, shifted), args[2]);
          return SmallVector<Value>{y};
        });
    return SmallVector<Value>{result};
  }
};

struct BatchNormLowering : F32OpLowering<BatchNormOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(BatchNormOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    auto channelType = cast<RankedTensorType>(adaptor.getScale().getType());
    unsigned rank = type.getRank();

    // multiplier[c] = scale[c] / sqrt(var[c] + epsilon)
    Value epsilon =
        arith::ConstantOp::create(rewriter, loc, op.getEpsilonAttr());
    AffineMap channelIdentity = rewriter.getMultiDimIdentityMap(1);
    Value multiplier =
        createElementwise(rewriter, loc, channelType,
                          ValueRange{adaptor.getScale(), adaptor.getVariance()},
                          {channelIdentity, channelIdentity},
                          [&](OpBuilder &b, Location loc, ValueRange args) {
                            Value sum =
                                arith::AddFOp::create(b, loc, args[1], epsilon);
                            Value root = math::SqrtOp::create(b, loc, sum);
                            return SmallVector<Value>{
                                arith::DivFOp::create(b, loc, args[0], root)};
                          });

    // y = (x - mean[c]) * multiplier[c] + bias[c]
    AffineMap channel = getSingleDimMap(ctx, rank, 1);
    Value result = createElementwise(
        rewriter, loc, type,
        ValueRange{adaptor.getInput(), adaptor.getMean(), multiplier,
                   adaptor.getBias()},
        {rewriter.getMultiDimIdentityMap(rank), channel, channel, channel},
        [](OpBuilder &b, Location loc, ValueRange args) {
          Value centered = arith::SubFOp::create(b, loc, args[0], args[1]);
          Value scaled = arith::MulFOp::create(b, loc, centered, args[2]);
          return SmallVector<Value>{
              arith::AddFOp::create(b, loc, scaled, args[3])};
        });
    return SmallVector<Value>{result};
  }
};

} // namespace

void lowering::populateNormalizationPatterns(TypeConverter &converter,
                                             RewritePatternSet &patterns) {
  patterns
      .add<SoftmaxLowering<SoftmaxOp, /*isLog=*/false>,
           SoftmaxLowering<LogSoftmaxOp, /*isLog=*/true>, BatchNormLowering>(
          converter, patterns.getContext());
}
