//===- Pooling.cpp - Raise NCHW pooling -----------------------------------===//
//
// linalg.pooling_nchw_max becomes logbtq.max_pool2d. Linalg has no average
// pooling: front ends write a linalg.pooling_nchw_sum followed by a division
// by the window size, and that pair becomes logbtq.avg_pool2d. A sum pool
// without its division is raised as avg_pool2d times the window size, so the
// graph keeps one pooling op kind per semantics (docs/Linalg.md).
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::raise;

namespace {
struct Pool2DPlan {
  Value input, init;
  SmallVector<int64_t, 2> kernel, strides;
  SmallVector<int64_t, 4> pads;

  bool isPadded() const {
    return llvm::any_of(pads, [](int64_t p) { return p != 0; });
  }
  int64_t windowSize() const { return kernel[0] * kernel[1]; }
};
} // namespace

static LogicalResult checkF32(Value value, StringRef what, Reason &why) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (type && type.getElementType().isF32())
    return success();
  std::string text;
  llvm::raw_string_ostream os(text);
  os << value.getType();
  return fail(why, Twine(what) + " has type '" + text +
                       "'; only f32 tensors are raised");
}

/// What max and sum pooling share: kernel from the window operand, strides,
/// no dilation, and the padding of the input (`padNeutral` says which padding
/// value the logbtq op implies).
template <typename PoolOp>
static FailureOr<Pool2DPlan>
analyzePool2D(PoolOp op, function_ref<bool(APFloat)> padNeutral,
              StringRef padName, Reason &why) {
  if (!op.hasPureTensorSemantics())
    return fail(why, "it works on buffers; raising runs before bufferization");
  Value input = op.getInputs()[0], window = op.getInputs()[1];
  Pool2DPlan plan;
  plan.init = op.getOutputs()[0];
  if (failed(checkF32(input, "its input", why)) ||
      failed(checkF32(plan.init, "its init", why)))
    return failure();
  auto windowType = dyn_cast<ShapedType>(window.getType());
  if (!windowType || !windowType.hasStaticShape())
    return fail(why, "its window operand has no static shape, so the kernel "
                     "size is unknown");
  plan.kernel = llvm::to_vector<2>(windowType.getShape());
  plan.strides =
      llvm::to_vector<2>(op.getStrides().template getValues<int64_t>());
  SmallVector<int64_t> dilations =
      llvm::to_vector(op.getDilations().template getValues<int64_t>());
  if (llvm::any_of(dilations, [](int64_t d) { return d != 1; }))
    return fail(why, "it is dilated; logbtq pooling has no dilation");

  FailureOr<SpatialPad> pad = getSpatialPad(input, why);
  if (failed(pad))
    return failure();
  if (pad->value && !padNeutral(*pad->value))
    return fail(why, "its input is padded with " + formatFloat(*pad->value) +
                         "; the logbtq op pads with " + padName);
  plan.input = pad->source;
  plan.pads = pad->pads;

  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  auto inputShape = cast<RankedTensorType>(plan.input.getType()).getShape();
  FailureOr<shape::Shape> shape =
      inferShape(op->getContext(), why, [&](shape::EmitErrorFn emitError) {
        return shape::inferPool2D(inputShape, plan.kernel, plan.strides,
                                  plan.pads, /*ceilMode=*/false, emitError);
      });
  if (failed(shape) || failed(checkResultShape(*shape, resultType, why)))
    return failure();
  return plan;
}

static FailureOr<Pool2DPlan> analyzeMaxPool(linalg::PoolingNchwMaxOp op,
                                            Reason &why) {
  FailureOr<Pool2DPlan> plan = analyzePool2D(
      op, [](APFloat v) { return isMaxNeutral(v); }, "-inf", why);
  if (failed(plan))
    return failure();
  if (!isMaxNeutralSplat(plan->init))
    return fail(why, "its init is not filled with -inf (or the lowest float); "
                     "logbtq.max_pool2d has no accumulator");
  return plan;
}

static FailureOr<Pool2DPlan> analyzeSumPool(linalg::PoolingNchwSumOp op,
                                            Reason &why) {
  return analyzePool2D(
      op, [](APFloat v) { return v.isZero(); }, "zeros", why);
}

namespace {
/// A sum pool raised on its own: an average, scaled back by the window size,
/// plus what its init adds.
struct SumPoolPlan {
  Pool2DPlan pool;
  std::optional<BroadcastOperand> addend;
};
} // namespace

static FailureOr<SumPoolPlan> analyzeLoneSumPool(linalg::PoolingNchwSumOp op,
                                                 Reason &why) {
  FailureOr<Pool2DPlan> pool = analyzeSumPool(op, why);
  if (failed(pool))
    return failure();
  FailureOr<std::optional<BroadcastOperand>> addend =
      getInitAddend(pool->init, why);
  if (failed(addend))
    return failure();
  return SumPoolPlan{*pool, *addend};
}

/// The average pool that a division of a sum pool by its window size spells.
static FailureOr<Pool2DPlan> analyzeAvgPool(Operation *op, Reason &why) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp)
    return fail(why, "it is not a linalg op");
  FailureOr<ElementwiseForm> form = getElementwiseForm(linalgOp, why);
  if (failed(form))
    return failure();
  if (form->kind != BinaryKind::Div)
    return fail(why, "it is not a division");
  auto sum = form->lhs.tensor
                 ? form->lhs.tensor.getDefiningOp<linalg::PoolingNchwSumOp>()
                 : nullptr;
  if (!sum || !form->lhs.map.isIdentity())
    return fail(why, "it does not divide a linalg.pooling_nchw_sum");
  if (!sum->hasOneUse())
    return fail(why, "its linalg.pooling_nchw_sum has other users");
  std::optional<APFloat> divisor =
      form->rhs.scalar ? form->rhs.scalar : getSplatValue(form->rhs.tensor);
  if (!divisor)
    return fail(why, "it divides a sum pool by a value that is not a "
                     "constant; only the division by the window size is "
                     "raised (count_include_pad)");

  FailureOr<Pool2DPlan> plan = analyzeSumPool(sum, why);
  if (failed(plan))
    return fail(why,
                "its linalg.pooling_nchw_sum cannot be raised: " + Twine(why));
  if (!isZeroSplat(plan->init))
    return fail(why, "its linalg.pooling_nchw_sum accumulates into a non-zero "
                     "init");
  if (divisor->convertToDouble() != static_cast<double>(plan->windowSize()))
    return fail(why, "it divides a sum pool by " + formatFloat(*divisor) +
                         ", not by its window size " +
                         Twine(plan->windowSize()));
  return plan;
}

namespace {
/// linalg.pooling_nchw_max (init -inf, input maybe padded with -inf) ->
/// logbtq.max_pool2d.
struct RaiseMaxPool2D : OpRewritePattern<linalg::PoolingNchwMaxOp> {
  using Base::Base;

  LogicalResult matchAndRewrite(linalg::PoolingNchwMaxOp op,
                                PatternRewriter &rewriter) const override {
    Reason why;
    FailureOr<Pool2DPlan> plan = analyzeMaxPool(op, why);
    if (failed(plan))
      return rewriter.notifyMatchFailure(op, why);
    rewriter.replaceOpWithNewOp<logbtq::MaxPool2DOp>(
        op, op->getResult(0).getType(), plan->input, plan->kernel,
        plan->strides, plan->pads);
    return success();
  }
};

/// divide(pooling_nchw_sum(x), KH * KW) -> logbtq.avg_pool2d. Rooted at the
/// division (whichever linalg spelling it has), which owns the sum pool.
/// Padded zeros count in the divisor, hence count_include_pad when padded.
struct RaiseAvgPool2D : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using Base::Base;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    Reason why;
    FailureOr<Pool2DPlan> plan = analyzeAvgPool(op, why);
    if (failed(plan))
      return rewriter.notifyMatchFailure(op, why);
    rewriter.replaceOpWithNewOp<logbtq::AvgPool2DOp>(
        op, op->getResult(0).getType(), plan->input, plan->kernel,
        plan->strides, plan->pads, /*ceil_mode=*/false,
        /*count_include_pad=*/plan->isPadded());
    return success();
  }
};

/// A linalg.pooling_nchw_sum that no division turns into an average ->
/// logbtq.mul(logbtq.avg_pool2d {count_include_pad}, KH * KW), plus a
/// logbtq.add of a non-zero init.
struct RaiseSumPool2D : OpRewritePattern<linalg::PoolingNchwSumOp> {
  using Base::Base;

  LogicalResult matchAndRewrite(linalg::PoolingNchwSumOp op,
                                PatternRewriter &rewriter) const override {
    Reason why;
    // The division owns a sum pool it divides; raising the sum first would
    // leave a division logbtq cannot express.
    if (op->hasOneUse() && succeeded(analyzeAvgPool(*op->user_begin(), why)))
      return rewriter.notifyMatchFailure(op, "left to its average pool");
    FailureOr<SumPoolPlan> plan = analyzeLoneSumPool(op, why);
    if (failed(plan))
      return rewriter.notifyMatchFailure(op, why);
    const Pool2DPlan &pool = plan->pool;

    Location loc = op.getLoc();
    Type type = op->getResult(0).getType();
    Value average = logbtq::AvgPool2DOp::create(
        rewriter, loc, type, pool.input, pool.kernel, pool.strides, pool.pads,
        /*ceil_mode=*/false, /*count_include_pad=*/pool.isPadded());
    Value size = materialize(
        rewriter, loc,
        scalarOperand(APFloat(static_cast<float>(pool.windowSize()))));
    Value result = logbtq::MulOp::create(rewriter, loc, type, average, size);
    if (plan->addend)
      result = logbtq::AddOp::create(rewriter, loc, type, result,
                                     materialize(rewriter, loc, *plan->addend));
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

void raise::populatePoolingPatterns(RewritePatternSet &patterns) {
  // The average pool outranks the elementwise pattern, which would read the
  // same division as a multiplication by the reciprocal of the window size.
  patterns.add<RaiseAvgPool2D>(patterns.getContext(), /*benefit=*/2);
  patterns.add<RaiseMaxPool2D, RaiseSumPool2D>(patterns.getContext());
}

std::optional<Reason> raise::explainPooling(Operation *op) {
  Reason why;
  if (auto max = dyn_cast<linalg::PoolingNchwMaxOp>(op)) {
    if (failed(analyzeMaxPool(max, why)))
      return why;
    return Reason(kNotConverged);
  }
  if (auto sum = dyn_cast<linalg::PoolingNchwSumOp>(op)) {
    if (failed(analyzeLoneSumPool(sum, why)))
      return why;
    return Reason(kNotConverged);
  }
  if (op->getName().getStringRef().starts_with("linalg.pooling_"))
    return Reason("only NCHW 2-D pooling (linalg.pooling_nchw_max, "
                  "linalg.pooling_nchw_sum) is raised");
  return std::nullopt;
}
