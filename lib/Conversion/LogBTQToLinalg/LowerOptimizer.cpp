//===- LowerOptimizer.cpp - Optimizer steps to Linalg ---------------------===//
//
// sgd_update as one linalg.generic with two results, in the order of
// torch.optim.SGD (no dampening, no Nesterov):
//   g = grad_scale * grad                   (gradient clipping, if any)
//   g = g + weight_decay * param            (skipped when weight_decay = 0)
//   momentum' = momentum_factor * momentum + g   (g when the factor is 0)
//   param' = param - lr * momentum'
//
// adam_update as one linalg.generic with three results, in the order of
// torch.optim.Adam / AdamW (no amsgrad, no maximize); the bias corrections
// are scalars computed once, in f64 as PyTorch computes them in Python:
//   step_size = lr / (1 - beta1^t),  bc2_sqrt = sqrt(1 - beta2^t)
//   g = grad_scale * grad; g += wd * p (Adam) or p *= 1 - lr * wd (AdamW)
//   m' = beta1 * m + (1 - beta1) * g;  v' = beta2 * s^2 + (1 - beta2) * g^2
//   s' = sqrt(v');  p' = p - step_size * m' / (s' / bc2_sqrt + eps)
//
// global_norm: sqrt of the squares summed in f64, one reduction per input.
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

struct SGDUpdateLowering : F32OpLowering<SGDUpdateOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(SGDUpdateOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getNewParam().getType());
    unsigned rank = type.getRank();
    Value lr = adaptor.getLr();
    Value gradScale = adaptor.getGradScale();
    bool hasDecay = !op.getWeightDecay().isZero();
    bool hasMomentum = !op.getMomentum().isZero();
    Value decay, factor;
    if (hasDecay)
      decay = arith::ConstantOp::create(rewriter, loc, op.getWeightDecayAttr());
    if (hasMomentum)
      factor = arith::ConstantOp::create(rewriter, loc, op.getMomentumAttr());

    Value paramInit = lowering::createEmpty(rewriter, loc, type.getShape(),
                                            rewriter.getF32Type());
    Value momentumInit = lowering::createEmpty(rewriter, loc, type.getShape(),
                                               rewriter.getF32Type());
    // Without momentum the old buffer is not read.
    SmallVector<Value> inputs = {adaptor.getParam(), adaptor.getGrad()};
    if (hasMomentum)
      inputs.push_back(adaptor.getMomentumBuffer());
    SmallVector<AffineMap> maps(inputs.size() + 2,
                                rewriter.getMultiDimIdentityMap(rank));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type, type}, inputs,
        ValueRange{paramInit, momentumInit}, maps, getIteratorTypes(rank),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value param = args[0], g = args[1];
          if (gradScale)
            g = arith::MulFOp::create(b, l, gradScale, g);
          if (hasDecay)
            g = arith::AddFOp::create(
                b, l, g, arith::MulFOp::create(b, l, decay, param));
          Value momentum = g;
          if (hasMomentum)
            momentum = arith::AddFOp::create(
                b, l, arith::MulFOp::create(b, l, args[2], factor), g);
          Value step = arith::MulFOp::create(b, l, lr, momentum);
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SubFOp::create(b, l, param, step), momentum});
        });
    return SmallVector<Value>{generic.getResults()};
  }
};

struct AdamUpdateLowering : F32OpLowering<AdamUpdateOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(AdamUpdateOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getNewParam().getType());
    unsigned rank = type.getRank();
    Type f32 = rewriter.getF32Type(), f64 = rewriter.getF64Type();
    auto f32Const = [&](double v) {
      return createFloatConstant(rewriter, loc, f32, v);
    };
    auto f64Const = [&](double v) {
      return createFloatConstant(rewriter, loc, f64, v);
    };
    double beta1 = op.getBeta1().convertToDouble();
    double beta2 = op.getBeta2().convertToDouble();
    double decay = op.getWeightDecay().convertToDouble();
    bool decoupled = op.getDecoupled();

    // t = step + 1, and the corrections of the zero-initialized moments.
    Value t = arith::SIToFPOp::create(
        rewriter, loc, f64,
        arith::AddIOp::create(
            rewriter, loc, adaptor.getStep(),
            arith::ConstantIntOp::create(rewriter, loc,
                                         rewriter.getI64Type(), 1)));
    auto correction = [&](double beta) -> Value {
      return arith::SubFOp::create(
          rewriter, loc, f64Const(1.0),
          math::PowFOp::create(rewriter, loc, f64Const(beta), t));
    };
    Value lr = adaptor.getLr();
    Value stepSize = arith::TruncFOp::create(
        rewriter, loc, f32,
        arith::DivFOp::create(rewriter, loc,
                              arith::ExtFOp::create(rewriter, loc, f64, lr),
                              correction(beta1)));
    Value bc2Sqrt = arith::TruncFOp::create(
        rewriter, loc, f32,
        math::SqrtOp::create(rewriter, loc, correction(beta2)));
    Value shrink;
    if (decoupled && decay != 0)
      shrink = arith::SubFOp::create(
          rewriter, loc, f32Const(1.0),
          arith::MulFOp::create(rewriter, loc, lr, f32Const(decay)));
    Value gradScale = adaptor.getGradScale();
    Value b1 = f32Const(beta1), b2 = f32Const(beta2);
    Value c1 = f32Const(1.0 - beta1), c2 = f32Const(1.0 - beta2);
    Value eps = f32Const(op.getEps().convertToDouble());
    Value wd = f32Const(decay);

    SmallVector<Value> inputs = {adaptor.getParam(), adaptor.getGrad(),
                                 adaptor.getFirstMoment(),
                                 adaptor.getSecondMomentSqrt()};
    SmallVector<Value> inits;
    for (int i = 0; i < 3; ++i)
      inits.push_back(
          lowering::createEmpty(rewriter, loc, type.getShape(), f32));
    SmallVector<AffineMap> maps(inputs.size() + inits.size(),
                                rewriter.getMultiDimIdentityMap(rank));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type, type, type}, inputs, inits, maps,
        getIteratorTypes(rank),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value p = args[0], g = args[1], m = args[2], s = args[3];
          if (gradScale)
            g = arith::MulFOp::create(b, l, g, gradScale);
          if (decay != 0) {
            if (decoupled)
              p = arith::MulFOp::create(b, l, p, shrink);
            else
              g = arith::AddFOp::create(b, l, g,
                                        arith::MulFOp::create(b, l, p, wd));
          }
          Value m2 = arith::AddFOp::create(
              b, l, arith::MulFOp::create(b, l, m, b1),
              arith::MulFOp::create(b, l, g, c1));
          Value v2 = arith::AddFOp::create(
              b, l,
              arith::MulFOp::create(b, l, arith::MulFOp::create(b, l, s, s),
                                    b2),
              arith::MulFOp::create(
                  b, l, arith::MulFOp::create(b, l, g, g), c2));
          Value s2 = math::SqrtOp::create(b, l, v2);
          Value denom = arith::AddFOp::create(
              b, l, arith::DivFOp::create(b, l, s2, bc2Sqrt), eps);
          Value p2 = arith::SubFOp::create(
              b, l, p,
              arith::MulFOp::create(b, l, stepSize,
                                    arith::DivFOp::create(b, l, m2, denom)));
          linalg::YieldOp::create(b, l, ValueRange{p2, m2, s2});
        });
    return SmallVector<Value>{generic.getResults()};
  }
};

struct GlobalNormLowering : F32OpLowering<GlobalNormOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(GlobalNormOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type f64 = rewriter.getF64Type();
    Value total = createFloatConstant(rewriter, loc, f64, 0.0);
    for (Value input : adaptor.getInputs()) {
      Value sum = reduceToScalar(
          rewriter, loc, ValueRange{input},
          createFloatConstant(rewriter, loc, f64, 0.0),
          [&](OpBuilder &b, Location l, ValueRange args) {
            Value x = arith::ExtFOp::create(b, l, f64, args[0]);
            return SmallVector<Value>{arith::AddFOp::create(
                b, l, args[1], arith::MulFOp::create(b, l, x, x),
                arith::FastMathFlags::reassoc)};
          });
      total = arith::AddFOp::create(rewriter, loc, total, sum);
    }
    Value norm = math::SqrtOp::create(rewriter, loc, total);
    return SmallVector<Value>{
        arith::TruncFOp::create(rewriter, loc, rewriter.getF32Type(), norm)};
  }
};

} // namespace

void lowering::populateOptimizerPatterns(TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns.add<SGDUpdateLowering, AdamUpdateLowering, GlobalNormLowering>(
      converter, patterns.getContext());
}
