//===- LowerNormalization.cpp - softmax, log_softmax, batch norms ---------===//
//
// softmax and log_softmax are computed stably along `axis` with three
// `linalg.generic`s: the max (a reduction), the sum of exp(x - max) (a
// reduction) and the normalization (parallel):
//   softmax     = exp(x - max) / sum
//   log_softmax = (x - max) - log(sum)
// batch_norm folds scale / sqrt(var + eps) per channel first, then applies
// (x - mean) * that + bias in one parallel generic; batch_norm_train first
// reduces the batch's mean and variance per channel; running_stats_update
// is one generic over the channels.
// layer_norm and layer_norm_grad compute a row's mean and 1 / deviation
// (two passes, as batch_norm_train) in f32 tensors of the leading dims,
// which only live inside the lowering; the gradient computes them again.
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

/// Sums over every dim of `rank` but the channel (1), one accumulator per
/// init (zeros); `combine` gets (inputs..., accumulators...) and returns the
/// new accumulators.
SmallVector<Value> sumPerChannel(OpBuilder &b, Location loc, unsigned rank,
                                 RankedTensorType channelType,
                                 ValueRange inputs, ArrayRef<AffineMap> maps,
                                 unsigned numSums, BodyFn combine) {
  SmallVector<unsigned> reduced;
  for (unsigned d = 0; d < rank; ++d)
    if (d != 1)
      reduced.push_back(d);
  Value zero = createF32Constant(b, loc, 0.0);
  SmallVector<Value> inits;
  SmallVector<AffineMap> allMaps(maps);
  for (unsigned i = 0; i < numSums; ++i) {
    inits.push_back(createFilled(b, loc, channelType.getShape(), zero));
    allMaps.push_back(getSingleDimMap(b.getContext(), rank, 1));
  }
  return createGeneric(b, loc, inputs, inits, allMaps,
                       getIteratorTypes(rank, reduced), combine);
}

/// `(x - mean[c]) * scale[c] / sqrt(var[c] + epsilon) + bias[c]`: the
/// per-channel multiplier first, then one parallel generic.
Value normalize(OpBuilder &b, Location loc, RankedTensorType type, Value x,
                Value scale, Value bias, Value mean, Value variance,
                FloatAttr epsilonAttr) {
  MLIRContext *ctx = b.getContext();
  auto channelType = cast<RankedTensorType>(scale.getType());
  unsigned rank = type.getRank();
  Value epsilon = arith::ConstantOp::create(b, loc, epsilonAttr);
  Value multiplier = createElementwise(
      b, loc, channelType, ValueRange{scale, variance},
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Value sum = arith::AddFOp::create(b, loc, args[1], epsilon);
        Value root = math::SqrtOp::create(b, loc, sum);
        return arith::DivFOp::create(b, loc, args[0], root);
      });
  AffineMap channel = getSingleDimMap(ctx, rank, 1);
  return createElementwise(
      b, loc, type, ValueRange{x, mean, multiplier, bias},
      {b.getMultiDimIdentityMap(rank), channel, channel, channel},
      [](OpBuilder &b, Location loc, ValueRange args) {
        Value centered = arith::SubFOp::create(b, loc, args[0], args[1]);
        Value scaled = arith::MulFOp::create(b, loc, centered, args[2]);
        return SmallVector<Value>{
            arith::AddFOp::create(b, loc, scaled, args[3])};
      });
}

struct BatchNormLowering : F32OpLowering<BatchNormOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(BatchNormOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    return SmallVector<Value>{normalize(
        rewriter, op.getLoc(), type, adaptor.getInput(), adaptor.getScale(),
        adaptor.getBias(), adaptor.getMean(), adaptor.getVariance(),
        op.getEpsilonAttr())};
  }
};

/// The batch's mean, then its biased variance from the centered values (two
/// passes: the one-pass E[x^2] - E[x]^2 cancels badly in f32), then the
/// normalization with them.
struct BatchNormTrainLowering : F32OpLowering<BatchNormTrainOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(BatchNormTrainOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getResult().getType());
    auto channelType = cast<RankedTensorType>(op.getBatchMean().getType());
    unsigned rank = type.getRank();
    Value x = adaptor.getInput();
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap channel = getSingleDimMap(ctx, rank, 1);
    double count = double(type.getNumElements()) / type.getDimSize(1);
    Value inverseCount = createF32Constant(rewriter, loc, 1.0 / count);
    auto divideByCount = [&](Value sum) {
      return createElementwise(
          rewriter, loc, channelType, ValueRange{sum},
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            return arith::MulFOp::create(b, l, args[0], inverseCount);
          });
    };

    Value sum = sumPerChannel(
        rewriter, loc, rank, channelType, ValueRange{x}, {identity}, 1,
        [](OpBuilder &b, Location l, ValueRange args) {
          return SmallVector<Value>{
              arith::AddFOp::create(b, l, args[1], args[0])};
        })[0];
    Value mean = divideByCount(sum);
    Value squares = sumPerChannel(
        rewriter, loc, rank, channelType, ValueRange{x, mean},
        {identity, channel}, 1,
        [](OpBuilder &b, Location l, ValueRange args) {
          Value centered = arith::SubFOp::create(b, l, args[0], args[1]);
          Value square = arith::MulFOp::create(b, l, centered, centered);
          return SmallVector<Value>{
              arith::AddFOp::create(b, l, args[2], square)};
        })[0];
    Value variance = divideByCount(squares);
    Value y = normalize(rewriter, loc, type, x, adaptor.getScale(),
                        adaptor.getBias(), mean, variance,
                        op.getEpsilonAttr());
    return SmallVector<Value>{{y, mean, variance}};
  }
};

struct RunningStatsUpdateLowering : F32OpLowering<RunningStatsUpdateOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(RunningStatsUpdateOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getNewRunningMean().getType());
    double momentum = op.getMomentum().convertToDouble();
    double count = double(op.getCount());
    Value keep = createF32Constant(rewriter, loc, momentum);
    Value take = createF32Constant(rewriter, loc, 1.0 - momentum);
    Value takeUnbiased =
        createF32Constant(rewriter, loc, (1.0 - momentum) * count / (count - 1));
    AffineMap id = rewriter.getMultiDimIdentityMap(1);
    Value init = createEmpty(rewriter, loc, type.getShape(),
                             rewriter.getF32Type());
    SmallVector<Value> results = createGeneric(
        rewriter, loc,
        ValueRange{adaptor.getRunningMean(), adaptor.getRunningVariance(),
                   adaptor.getBatchMean(), adaptor.getBatchVariance()},
        ValueRange{init, init}, {id, id, id, id, id, id},
        getIteratorTypes(1), [&](OpBuilder &b, Location l, ValueRange args) {
          auto blend = [&](Value old, Value batch, Value weight) -> Value {
            return arith::AddFOp::create(
                b, l, arith::MulFOp::create(b, l, keep, old),
                arith::MulFOp::create(b, l, weight, batch));
          };
          return SmallVector<Value>{blend(args[0], args[2], take),
                                    blend(args[1], args[3], takeUnbiased)};
        });
    return results;
  }
};

/// The dims of a layer norm of `rank` over the dims from `axis` on: the
/// leading ones (a row) and the normalized ones.
struct LayerNormDims {
  SmallVector<unsigned> leading, normalized;
  LayerNormDims(unsigned rank, unsigned axis) {
    for (unsigned d = 0; d < rank; ++d)
      (d < axis ? leading : normalized).push_back(d);
  }
};

/// Sums over the `over` dims of a loop nest of `rank`, into `numSums`
/// zero-initialized tensors of `type` written through `outMap`.
SmallVector<Value> sumOver(OpBuilder &b, Location loc, unsigned rank,
                           ArrayRef<unsigned> over, RankedTensorType type,
                           AffineMap outMap, ValueRange inputs,
                           ArrayRef<AffineMap> maps, unsigned numSums,
                           BodyFn combine) {
  Value zero = createF32Constant(b, loc, 0.0);
  SmallVector<Value> inits;
  SmallVector<AffineMap> allMaps(maps);
  for (unsigned i = 0; i < numSums; ++i) {
    inits.push_back(createFilled(b, loc, type.getShape(), zero));
    allMaps.push_back(outMap);
  }
  return createGeneric(b, loc, inputs, inits, allMaps,
                       getIteratorTypes(rank, over), combine);
}

/// Each row's mean and `1 / sqrt(variance + epsilon)`, the variance the
/// biased one, from the centered values.
std::pair<Value, Value> rowStatistics(OpBuilder &b, Location loc, Value x,
                                      unsigned axis, FloatAttr epsilonAttr) {
  auto type = cast<RankedTensorType>(x.getType());
  unsigned rank = type.getRank();
  LayerNormDims dims(rank, axis);
  auto rowType =
      RankedTensorType::get(type.getShape().take_front(axis), b.getF32Type());
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  AffineMap row = getProjectionMap(b.getContext(), rank, dims.leading);
  int64_t count = 1;
  for (unsigned d : dims.normalized)
    count *= type.getDimSize(d);
  Value inverseCount = createF32Constant(b, loc, 1.0 / double(count));
  Value epsilon = arith::ConstantOp::create(b, loc, epsilonAttr);

  Value sum =
      sumOver(b, loc, rank, dims.normalized, rowType, row, {x}, {identity}, 1,
              [](OpBuilder &b, Location l, ValueRange args) {
                return SmallVector<Value>{
                    arith::AddFOp::create(b, l, args[1], args[0])};
              })[0];
  Value mean = createElementwise(
      b, loc, rowType, {sum},
      [&](OpBuilder &b, Location l, ValueRange args) -> Value {
        return arith::MulFOp::create(b, l, args[0], inverseCount);
      });
  Value squares = sumOver(
      b, loc, rank, dims.normalized, rowType, row, {x, mean}, {identity, row},
      1, [](OpBuilder &b, Location l, ValueRange args) {
        Value centered = arith::SubFOp::create(b, l, args[0], args[1]);
        Value square = arith::MulFOp::create(b, l, centered, centered);
        return SmallVector<Value>{arith::AddFOp::create(b, l, args[2], square)};
      })[0];
  Value inv = createElementwise(
      b, loc, rowType, {squares},
      [&](OpBuilder &b, Location l, ValueRange args) -> Value {
        Value variance = arith::MulFOp::create(b, l, args[0], inverseCount);
        Value root = math::SqrtOp::create(
            b, l, arith::AddFOp::create(b, l, variance, epsilon));
        return arith::DivFOp::create(b, l, createF32Constant(b, l, 1.0), root);
      });
  return {mean, inv};
}

struct LayerNormLowering : F32OpLowering<LayerNormOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(LayerNormOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    unsigned rank = type.getRank(), axis = op.getAxis();
    LayerNormDims dims(rank, axis);
    Value x = adaptor.getInput();
    auto [mean, inv] =
        rowStatistics(rewriter, loc, x, axis, op.getEpsilonAttr());
    AffineMap row = getProjectionMap(getContext(), rank, dims.leading);
    AffineMap param = getProjectionMap(getContext(), rank, dims.normalized);
    Value y = createElementwise(
        rewriter, loc, type,
        ValueRange{x, mean, inv, adaptor.getScale(), adaptor.getBias()},
        {rewriter.getMultiDimIdentityMap(rank), row, row, param, param},
        [](OpBuilder &b, Location l, ValueRange args) {
          Value centered = arith::SubFOp::create(b, l, args[0], args[1]);
          Value xhat = arith::MulFOp::create(b, l, centered, args[2]);
          Value scaled = arith::MulFOp::create(b, l, xhat, args[3]);
          return SmallVector<Value>{
              arith::AddFOp::create(b, l, scaled, args[4])};
        });
    return SmallVector<Value>{y};
  }
};

/// The op's description gives the formulas; `sum(g)` and `sum(g * xhat)`
/// per row come from one generic, `dscale` and `dbias` from another.
struct LayerNormGradLowering : F32OpLowering<LayerNormGradOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(LayerNormGradOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    auto type = cast<RankedTensorType>(op.getInputGrad().getType());
    auto paramType = cast<RankedTensorType>(op.getScaleGrad().getType());
    unsigned rank = type.getRank(), axis = op.getAxis();
    LayerNormDims dims(rank, axis);
    Value grad = adaptor.getGrad(), x = adaptor.getInput(),
          scale = adaptor.getScale();
    auto [mean, inv] =
        rowStatistics(rewriter, loc, x, axis, op.getEpsilonAttr());
    auto rowType = cast<RankedTensorType>(mean.getType());
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap row = getProjectionMap(ctx, rank, dims.leading);
    AffineMap param = getProjectionMap(ctx, rank, dims.normalized);
    auto xhatOf = [](OpBuilder &b, Location l, Value x, Value mean,
                     Value inv) -> Value {
      return arith::MulFOp::create(b, l, arith::SubFOp::create(b, l, x, mean),
                                   inv);
    };

    // Per row: sum(g) and sum(g * xhat), g = grad * scale.
    SmallVector<Value> rowSums = sumOver(
        rewriter, loc, rank, dims.normalized, rowType, row,
        {grad, x, mean, inv, scale}, {identity, identity, row, row, param}, 2,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value g = arith::MulFOp::create(b, l, args[0], args[4]);
          Value xhat = xhatOf(b, l, args[1], args[2], args[3]);
          Value tilt = arith::MulFOp::create(b, l, g, xhat);
          return SmallVector<Value>{arith::AddFOp::create(b, l, args[5], g),
                                    arith::AddFOp::create(b, l, args[6], tilt)};
        });
    // Per normalized position: dscale = sum(grad * xhat), dbias = sum(grad).
    SmallVector<Value> paramSums =
        sumOver(rewriter, loc, rank, dims.leading, paramType, param,
                {grad, x, mean, inv}, {identity, identity, row, row}, 2,
                [&](OpBuilder &b, Location l, ValueRange args) {
                  Value xhat = xhatOf(b, l, args[1], args[2], args[3]);
                  Value term = arith::MulFOp::create(b, l, args[0], xhat);
                  return SmallVector<Value>{
                      arith::AddFOp::create(b, l, args[4], term),
                      arith::AddFOp::create(b, l, args[5], args[0])};
                });

    int64_t count = paramType.getNumElements();
    Value inverseCount = createF32Constant(rewriter, loc, 1.0 / double(count));
    Value dx = createElementwise(
        rewriter, loc, type,
        ValueRange{grad, x, mean, inv, scale, rowSums[0], rowSums[1]},
        {identity, identity, row, row, param, row, row},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value g = arith::MulFOp::create(b, l, args[0], args[4]);
          Value xhat = xhatOf(b, l, args[1], args[2], args[3]);
          Value shift = arith::MulFOp::create(b, l, args[5], inverseCount);
          Value slope = arith::MulFOp::create(b, l, args[6], inverseCount);
          Value tilt = arith::MulFOp::create(b, l, xhat, slope);
          Value centered = arith::SubFOp::create(
              b, l, arith::SubFOp::create(b, l, g, shift), tilt);
          return SmallVector<Value>{
              arith::MulFOp::create(b, l, centered, args[3])};
        });
    return SmallVector<Value>{{dx, paramSums[0], paramSums[1]}};
  }
};

} // namespace

void lowering::populateNormalizationPatterns(TypeConverter &converter,
                                             RewritePatternSet &patterns) {
  patterns.add<SoftmaxLowering<SoftmaxOp, /*isLog=*/false>,
               SoftmaxLowering<LogSoftmaxOp, /*isLog=*/true>, BatchNormLowering,
               BatchNormTrainLowering, RunningStatsUpdateLowering,
               LayerNormLowering, LayerNormGradLowering>(converter,
                                                         patterns.getContext());
}
