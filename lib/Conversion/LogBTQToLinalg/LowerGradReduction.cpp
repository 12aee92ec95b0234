//===- LowerGradReduction.cpp - Reducing gradient ops to Linalg -----------===//
//
// batch_norm_grad (a per-channel reduction with two outputs, then
// elementwise ops, in the order of ATen's CPU backward),
// reduce_sum (linalg.reduce) and slice (tensor.extract_slice).
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "Patterns.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::lowering;

namespace {

/// With `inv = 1 / sqrt(variance + epsilon)` per channel (dim 1):
/// `dscale = sum(grad * (x - mean)) * inv`, `dbias = sum(grad)`, sums over
/// every dim but the channel, and `dx` as the op's description says.
struct BatchNormGradLowering : F32OpLowering<BatchNormGradOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(BatchNormGradOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    Value grad = adaptor.getGrad(), x = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(op.getInputGrad().getType());
    auto channelType = cast<RankedTensorType>(op.getScaleGrad().getType());
    unsigned rank = inputType.getRank();
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap channel = getProjectionMap(ctx, rank, {1});
    Value epsilon =
        arith::ConstantOp::create(rewriter, loc, op.getEpsilonAttr());

    Value inv = createElementwise(
        rewriter, loc, channelType, {adaptor.getVariance()},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value std = math::SqrtOp::create(
              b, l, arith::AddFOp::create(b, l, args[0], epsilon));
          return arith::DivFOp::create(b, l, createF32Constant(b, l, 1.0), std);
        });

    Value dxInit = lowering::createEmpty(rewriter, loc, inputType.getShape(),
                                         rewriter.getF32Type());
    Value dx;
    if (!op.getBatchStatistics())
      dx = linalg::GenericOp::create(
               rewriter, loc, TypeRange{inputType},
               ValueRange{grad, inv, adaptor.getScale()}, ValueRange{dxInit},
               ArrayRef<AffineMap>{identity, channel, channel, identity},
               getIteratorTypes(rank),
               [](OpBuilder &b, Location l, ValueRange args) {
                 Value k = arith::MulFOp::create(b, l, args[1], args[2]);
                 linalg::YieldOp::create(
                     b, l, ValueRange{arith::MulFOp::create(b, l, args[0], k)});
               })
               .getResult(0);

    // One pass for both sums: dot = sum(grad * (x - mean)), sum = sum(grad).
    SmallVector<unsigned> reduced;
    for (unsigned d = 0; d < rank; ++d)
      if (d != 1)
        reduced.push_back(d);
    Value zero = createF32Constant(rewriter, loc, 0.0);
    Value dotInit =
        lowering::createFilled(rewriter, loc, channelType.getShape(), zero);
    Value sumInit =
        lowering::createFilled(rewriter, loc, channelType.getShape(), zero);
    auto sums = linalg::GenericOp::create(
        rewriter, loc, TypeRange{channelType, channelType},
        ValueRange{grad, x, adaptor.getMean()}, ValueRange{dotInit, sumInit},
        ArrayRef<AffineMap>{identity, identity, channel, channel, channel},
        getIteratorTypes(rank, reduced),
        [](OpBuilder &b, Location l, ValueRange args) {
          Value centered = arith::SubFOp::create(b, l, args[1], args[2]);
          Value term = arith::MulFOp::create(b, l, centered, args[0]);
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::AddFOp::create(b, l, args[3], term),
                         arith::AddFOp::create(b, l, args[4], args[0])});
        });
    Value dot = sums.getResult(0), sum = sums.getResult(1);

    if (op.getBatchStatistics()) {
      // dx = k * (grad - shift - (x - mean) * slope) per channel, with
      // k = inv * scale, shift = sum / M and slope = dot * inv^2 / M.
      double count =
          double(inputType.getNumElements()) / inputType.getDimSize(1);
      Value inverseCount = createF32Constant(rewriter, loc, 1.0 / count);
      Value k = createElementwise(
          rewriter, loc, channelType, {inv, adaptor.getScale()},
          [](OpBuilder &b, Location l, ValueRange args) -> Value {
            return arith::MulFOp::create(b, l, args[0], args[1]);
          });
      Value shift = createElementwise(
          rewriter, loc, channelType, {sum},
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            return arith::MulFOp::create(b, l, args[0], inverseCount);
          });
      Value slope = createElementwise(
          rewriter, loc, channelType, {dot, inv},
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            Value inv2 = arith::MulFOp::create(b, l, args[1], args[1]);
            Value scaled = arith::MulFOp::create(b, l, args[0], inv2);
            return arith::MulFOp::create(b, l, scaled, inverseCount);
          });
      dx = linalg::GenericOp::create(
               rewriter, loc, TypeRange{inputType},
               ValueRange{grad, x, adaptor.getMean(), k, shift, slope},
               ValueRange{dxInit},
               ArrayRef<AffineMap>{identity, identity, channel, channel,
                                   channel, channel, identity},
               getIteratorTypes(rank),
               [](OpBuilder &b, Location l, ValueRange args) {
                 Value centered = arith::SubFOp::create(b, l, args[1], args[2]);
                 Value tilt = arith::MulFOp::create(b, l, centered, args[5]);
                 Value g = arith::SubFOp::create(
                     b, l, arith::SubFOp::create(b, l, args[0], args[4]), tilt);
                 linalg::YieldOp::create(
                     b, l, ValueRange{arith::MulFOp::create(b, l, g, args[3])});
               })
               .getResult(0);
    }

    Value dscale = createElementwise(
        rewriter, loc, channelType, {dot, inv},
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          return arith::MulFOp::create(b, l, args[0], args[1]);
        });
    return SmallVector<Value>{{dx, dscale, sum}};
  }
};

/// A linalg.reduce (addf) over the axes, which the result drops.
struct ReduceSumLowering : F32OpLowering<ReduceSumOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(ReduceSumOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    return SmallVector<Value>{
        createReduction(rewriter, op.getLoc(), adaptor.getInput(), op.getAxes(),
                        cast<RankedTensorType>(op.getType()), "sum")};
  }
};

/// A unit-stride tensor.extract_slice.
struct SliceLowering : F32OpLowering<SliceOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(SliceOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    MLIRContext *ctx = getContext();
    auto resultType = cast<RankedTensorType>(op.getType());
    SmallVector<int64_t> ones(resultType.getRank(), 1);
    Value slice = tensor::ExtractSliceOp::create(
        rewriter, op.getLoc(), resultType, adaptor.getInput(),
        getAsIndexOpFoldResult(ctx, op.getOffsets()),
        getAsIndexOpFoldResult(ctx, resultType.getShape()),
        getAsIndexOpFoldResult(ctx, ones));
    return SmallVector<Value>{slice};
  }
};

} // namespace

void lowering::populateReductionGradPatterns(TypeConverter &converter,
                                             RewritePatternSet &patterns) {
  patterns.add<BatchNormGradLowering, ReduceSumLowering, SliceLowering>(
      converter, patterns.getContext());
}
