//===- LowerOptimizer.cpp - Optimizer steps to Linalg ---------------------===//
//
// sgd_update as one linalg.generic with two results, in the order of
// torch.optim.SGD (no dampening, no Nesterov):
//   g = grad_scale * grad                   (gradient clipping, if any)
//   g = g + weight_decay * param            (skipped when weight_decay = 0)
//   momentum' = momentum_factor * momentum + g   (g when the factor is 0)
//   param' = param - lr * momentum'
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
  patterns.add<SGDUpdateLowering, GlobalNormLowering>(converter,
                                                      patterns.getContext());
}
