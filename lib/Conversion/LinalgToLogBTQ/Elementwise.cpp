//===- Elementwise.cpp - Raise add, sub, mul, div, max and relu -----------===//
//
// Linalg spells an elementwise op four ways (linalg.add, linalg.elementwise
// kind=add, a linalg.generic with an arith.addf body, with broadcasting
// indexing maps or after a linalg.broadcast); getElementwiseForm reads them
// all as one form. add/sub/mul/div become the logbtq op with numpy
// broadcasting (a division by a constant a mul by its reciprocal), a max
// against zero a relu, another max logbtq.max.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::raise;

static FailureOr<BroadcastOperand>
planOperand(const ElementwiseOperand &operand, ArrayRef<int64_t> resultShape,
            StringRef side, Reason &why) {
  if (operand.scalar)
    return scalarOperand(*operand.scalar);
  FailureOr<BroadcastOperand> planned =
      planBroadcastOperand(operand.tensor, operand.map, resultShape, why);
  if (failed(planned))
    return fail(why, "its " + side + " operand: " + Twine(why));
  return planned;
}

//===----------------------------------------------------------------------===//
// add, sub, mul, div
//===----------------------------------------------------------------------===//

namespace {
struct BinaryPlan {
  BinaryKind kind;
  BroadcastOperand lhs, rhs;
};
} // namespace

/// x / c for a constant splat c is x * (1 / c), as the ONNX importer
/// raises Div by a constant (one rounding more than a true division, and no
/// gradient to compute for the divisor). Fails for other divisors, which
/// become logbtq.div.
static FailureOr<BroadcastOperand> planReciprocal(const ElementwiseOperand &rhs,
                                                  Reason &why) {
  std::optional<APFloat> divisor =
      rhs.scalar ? rhs.scalar : getSplatValue(rhs.tensor);
  if (!divisor)
    return failure();
  if (divisor->isZero())
    return fail(why, "it divides by zero");
  APFloat reciprocal(1.0f);
  reciprocal.divide(*divisor, APFloat::rmNearestTiesToEven);
  return scalarOperand(reciprocal);
}

static FailureOr<BinaryPlan> analyzeBinary(const ElementwiseForm &form,
                                           MLIRContext *context, Reason &why) {
  if (form.kind == BinaryKind::Max)
    return fail(why, "it is a max, not an add, sub, mul or div");
  ArrayRef<int64_t> resultShape = form.resultType.getShape();
  FailureOr<BroadcastOperand> lhs =
      planOperand(form.lhs, resultShape, "lhs", why);
  if (failed(lhs))
    return failure();
  BinaryKind kind = form.kind;
  FailureOr<BroadcastOperand> rhs = failure();
  if (kind == BinaryKind::Div) {
    why.clear();
    rhs = planReciprocal(form.rhs, why);
    if (succeeded(rhs))
      kind = BinaryKind::Mul;
    else if (why.empty())
      rhs = planOperand(form.rhs, resultShape, "rhs", why);
  } else {
    rhs = planOperand(form.rhs, resultShape, "rhs", why);
  }
  if (failed(rhs) ||
      failed(checkBroadcastResult(context, *lhs, *rhs, resultShape, why)))
    return failure();
  return BinaryPlan{kind, *lhs, *rhs};
}

namespace {
/// Any linalg spelling of add/sub/mul/div -> logbtq.add/sub/mul/div (a
/// division by a constant -> logbtq.mul by its reciprocal), its operands
/// un-broadcast where numpy broadcasting does the same (a bias [N] added to
/// [M, N] stays [N]) or reshaped to insert the unit dims numpy needs.
struct RaiseBinary : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using Base::Base;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    Reason why;
    FailureOr<ElementwiseForm> form = getElementwiseForm(op, why);
    if (failed(form))
      return rewriter.notifyMatchFailure(op, why);
    FailureOr<BinaryPlan> plan = analyzeBinary(*form, op->getContext(), why);
    if (failed(plan))
      return rewriter.notifyMatchFailure(op, why);
    Location loc = op.getLoc();
    Type type = form->resultType;
    Value lhs = materialize(rewriter, loc, plan->lhs);
    Value rhs = materialize(rewriter, loc, plan->rhs);
    Value result;
    switch (plan->kind) {
    case BinaryKind::Add:
      result = logbtq::AddOp::create(rewriter, loc, type, lhs, rhs);
      break;
    case BinaryKind::Sub:
      result = logbtq::SubOp::create(rewriter, loc, type, lhs, rhs);
      break;
    case BinaryKind::Mul:
      result = logbtq::MulOp::create(rewriter, loc, type, lhs, rhs);
      break;
    case BinaryKind::Div:
      result = logbtq::DivOp::create(rewriter, loc, type, lhs, rhs);
      break;
    default:
      llvm_unreachable("analyzeBinary plans add, sub, mul and div only");
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// relu and max
//===----------------------------------------------------------------------===//

namespace {
/// A max: the relu of the other operand when one is zero (of the result's
/// shape), otherwise two broadcasting operands.
struct MaxPlan {
  std::optional<Value> reluOf;
  BroadcastOperand lhs, rhs;
};
} // namespace

static FailureOr<MaxPlan> analyzeMax(const ElementwiseForm &form,
                                     MLIRContext *context, Reason &why) {
  if (form.kind != BinaryKind::Max)
    return fail(why, "it is not a max");
  auto isZero = [](const ElementwiseOperand &operand) {
    return operand.scalar ? operand.scalar->isZero()
                          : isZeroSplat(operand.tensor);
  };
  const ElementwiseOperand *x = isZero(form.rhs)   ? &form.lhs
                                : isZero(form.lhs) ? &form.rhs
                                                   : nullptr;
  if (x && !x->scalar && x->map.isIdentity() &&
      x->tensor.getType() == form.resultType)
    return MaxPlan{x->tensor, {}, {}};
  if (x && x->scalar)
    return fail(why, "both operands are constants");
  ArrayRef<int64_t> resultShape = form.resultType.getShape();
  FailureOr<BroadcastOperand> lhs =
      planOperand(form.lhs, resultShape, "lhs", why);
  if (failed(lhs))
    return failure();
  FailureOr<BroadcastOperand> rhs =
      planOperand(form.rhs, resultShape, "rhs", why);
  if (failed(rhs) ||
      failed(checkBroadcastResult(context, *lhs, *rhs, resultShape, why)))
    return failure();
  return MaxPlan{std::nullopt, *lhs, *rhs};
}

namespace {
/// max(x, 0) in any linalg spelling (linalg.max with a zero fill,
/// arith.maximumf/maxnumf with 0.0, torch-mlir's cmpf + select) ->
/// logbtq.relu; any other max -> logbtq.max.
struct RaiseMax : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using Base::Base;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    Reason why;
    FailureOr<ElementwiseForm> form = getElementwiseForm(op, why);
    if (failed(form))
      return rewriter.notifyMatchFailure(op, why);
    FailureOr<MaxPlan> plan = analyzeMax(*form, op->getContext(), why);
    if (failed(plan))
      return rewriter.notifyMatchFailure(op, why);
    if (plan->reluOf) {
      rewriter.replaceOpWithNewOp<logbtq::ReluOp>(op, form->resultType,
                                                  *plan->reluOf);
      return success();
    }
    Location loc = op.getLoc();
    rewriter.replaceOpWithNewOp<logbtq::MaxOp>(
        op, form->resultType, materialize(rewriter, loc, plan->lhs),
        materialize(rewriter, loc, plan->rhs));
    return success();
  }
};
} // namespace

void raise::populateElementwisePatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseBinary, RaiseMax>(patterns.getContext());
}

std::optional<Reason> raise::explainElementwise(Operation *op) {
  // Every linalg op without reductions that is not a pure copy reads as an
  // elementwise op, so the reason says what its body or kind lacks.
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || linalgOp.getNumReductionLoops() > 0)
    return std::nullopt;
  if (auto generic = dyn_cast<linalg::GenericOp>(op);
      generic && isCopyGeneric(generic))
    return std::nullopt;
  if (!isa<linalg::GenericOp, linalg::ElementwiseOp, linalg::AddOp,
           linalg::SubOp, linalg::MulOp, linalg::DivOp, linalg::MaxOp>(op))
    return std::nullopt;
  Reason why;
  FailureOr<ElementwiseForm> form = getElementwiseForm(linalgOp, why);
  if (failed(form))
    return isa<linalg::GenericOp>(op) ? "unsupported linalg.generic: " + why
                                      : why;
  if (form->kind == BinaryKind::Max) {
    if (failed(analyzeMax(*form, op->getContext(), why)))
      return why;
  } else if (failed(analyzeBinary(*form, op->getContext(), why))) {
    return why;
  }
  return Reason(kNotConverged);
}
