//===- Linear.cpp - Raise matmul and convolution --------------------------===//
//
// linalg.matmul (any transposed form, and the same contraction written as a
// linalg.generic) becomes logbtq.matmul; linalg.conv_2d_nchw_fchw becomes
// logbtq.conv2d. Both absorb what front ends put around them: transposes of
// the operands, a zero-padding tensor.pad of the conv input, and the init
// they accumulate into (zero, a broadcast bias, or anything else as an add).
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::raise;

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

namespace {
struct MatmulPlan {
  Value lhs, rhs;
  bool transposeLhs = false, transposeRhs = false;
  std::optional<BroadcastOperand> addend;
};
} // namespace

/// Ops the matmul pattern owns: linalg.matmul, and generics with reductions
/// (the only reductions logbtq has besides conv and pooling are matmuls).
static bool isMatmulLike(Operation *op) {
  if (isa<linalg::MatmulOp>(op))
    return true;
  auto generic = dyn_cast<linalg::GenericOp>(op);
  return generic && generic.getNumReductionLoops() > 0;
}

static FailureOr<MatmulPlan> analyzeMatmul(linalg::LinalgOp op, Reason &why) {
  if (failed(checkF32Tensors(op, why)))
    return failure();
  if (isa<linalg::GenericOp>(op) && !linalg::isaContractionOpInterface(op))
    return fail(why, "it is a reduction but not a sum of products of two "
                     "inputs");
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op->getNumResults() != 1)
    return fail(why, "it does not have two inputs and one result");
  if (op.getNumLoops() != 3)
    return fail(why, "it has " + Twine(op.getNumLoops()) +
                         " loops; a 2-D matrix product has 3");

  // Name the loops by the output map: C[i, j] += A[i, k] * B[k, j], each
  // operand possibly transposed, the operands possibly swapped.
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  for (int idx = 0; idx < 2; ++idx)
    if (maps[idx].getNumResults() != 2 || !maps[idx].isProjectedPermutation())
      return fail(why, "operand #" + Twine(idx) +
                           " is broadcast by its indexing map; only 2-D "
                           "operands are raised");
  AffineMap out = maps[2];
  if (out.getNumResults() != 2 || !out.isProjectedPermutation())
    return fail(why, "its result is not a 2-D matrix");
  unsigned i = out.getDimPosition(0), j = out.getDimPosition(1);
  unsigned k = 3 - i - j;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  if (iterators[k] != utils::IteratorType::reduction)
    return fail(why, "its contraction dim is not a reduction");

  auto dims = [](AffineMap map) {
    return std::make_pair(map.getDimPosition(0), map.getDimPosition(1));
  };
  auto has = [&](AffineMap map, unsigned a, unsigned b) {
    auto [x, y] = dims(map);
    return (x == a && y == b) || (x == b && y == a);
  };
  int a = has(maps[0], i, k) ? 0 : has(maps[1], i, k) ? 1 : -1;
  int b = has(maps[0], k, j) ? 0 : has(maps[1], k, j) ? 1 : -1;
  if (a < 0 || b < 0 || a == b)
    return fail(why, "its indexing maps are not those of a matrix product");

  MatmulPlan plan;
  plan.lhs = op.getDpsInputs()[a];
  plan.rhs = op.getDpsInputs()[b];
  plan.transposeLhs = dims(maps[a]).first == k;
  plan.transposeRhs = dims(maps[b]).first == j;
  // A transpose feeding an operand folds into the flag (torch-mlir's
  // aten.linear is matmul(x, transpose(w))).
  if (std::optional<Value> source = getTransposeSource2D(plan.lhs)) {
    plan.lhs = *source;
    plan.transposeLhs = !plan.transposeLhs;
  }
  if (std::optional<Value> source = getTransposeSource2D(plan.rhs)) {
    plan.rhs = *source;
    plan.transposeRhs = !plan.transposeRhs;
  }

  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  FailureOr<shape::Shape> shape =
      inferShape(op->getContext(), why, [&](shape::EmitErrorFn emitError) {
        return shape::inferMatmul(shapeOf(plan.lhs), shapeOf(plan.rhs),
                                  plan.transposeLhs, plan.transposeRhs,
                                  emitError);
      });
  if (failed(shape) || failed(checkResultShape(*shape, resultType, why)))
    return failure();

  FailureOr<std::optional<BroadcastOperand>> addend =
      getInitAddend(op.getDpsInits()[0], why);
  if (failed(addend))
    return failure();
  plan.addend = *addend;
  return plan;
}

namespace {
/// linalg.matmul, whatever its indexing maps, or a contraction generic ->
/// logbtq.matmul {transpose_lhs/rhs} (+ logbtq.add of a non-zero init).
struct RaiseMatmul : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using Base::Base;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!isMatmulLike(op))
      return failure();
    Reason why;
    FailureOr<MatmulPlan> plan = analyzeMatmul(op, why);
    if (failed(plan))
      return rewriter.notifyMatchFailure(op, why);
    Location loc = op.getLoc();
    Type type = op->getResult(0).getType();
    Value result =
        logbtq::MatmulOp::create(rewriter, loc, type, plan->lhs, plan->rhs,
                                 plan->transposeLhs, plan->transposeRhs);
    if (plan->addend)
      result = logbtq::AddOp::create(rewriter, loc, type, result,
                                     materialize(rewriter, loc, *plan->addend));
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Conv2D
//===----------------------------------------------------------------------===//

namespace {
struct Conv2DPlan {
  Value input, filter, bias;
  SmallVector<int64_t, 2> strides, dilations;
  SmallVector<int64_t, 4> pads;
  std::optional<BroadcastOperand> addend;
};
} // namespace

static SmallVector<int64_t, 2> toVector(DenseIntElementsAttr attr) {
  return llvm::to_vector<2>(attr.getValues<int64_t>());
}

/// The per-channel bias a conv init broadcasts (torch-mlir's convolution
/// initializes its output with the bias broadcast along N, H and W).
static Value getChannelBias(Value init) {
  std::optional<CopySource> copy = getCopySource(init);
  if (!copy)
    return {};
  auto type = cast<RankedTensorType>(copy->source.getType());
  AffineMap map = copy->map;
  if (type.getRank() != 1 || map.getNumDims() != 4 ||
      map.getNumResults() != 1 ||
      map.getResult(0) != getAffineDimExpr(1, map.getContext()))
    return {};
  return copy->source;
}

static FailureOr<Conv2DPlan> analyzeConv2D(linalg::Conv2DNchwFchwOp op,
                                           Reason &why) {
  if (failed(checkF32Tensors(op, why)))
    return failure();
  Conv2DPlan plan;
  plan.strides = toVector(op.getStrides());
  plan.dilations = toVector(op.getDilations());
  FailureOr<SpatialPad> pad = getSpatialPad(op.getInputs()[0], why);
  if (failed(pad))
    return failure();
  if (pad->value && !pad->value->isZero())
    return fail(why, "its input is padded with " + formatFloat(*pad->value) +
                         "; logbtq.conv2d pads with zeros");
  plan.input = pad->source;
  plan.pads = pad->pads;
  plan.filter = op.getInputs()[1];

  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  FailureOr<shape::Shape> shape =
      inferShape(op->getContext(), why, [&](shape::EmitErrorFn emitError) {
        return shape::inferConv2D(shapeOf(plan.input), shapeOf(plan.filter),
                                  std::nullopt, plan.strides, plan.pads,
                                  plan.dilations, emitError);
      });
  if (failed(shape) || failed(checkResultShape(*shape, resultType, why)))
    return failure();

  Value init = op.getOutputs()[0];
  if ((plan.bias = getChannelBias(init)))
    return plan;
  FailureOr<std::optional<BroadcastOperand>> addend = getInitAddend(init, why);
  if (failed(addend))
    return failure();
  plan.addend = *addend;
  return plan;
}

namespace {
/// linalg.conv_2d_nchw_fchw (with a zero tensor.pad of its input) ->
/// logbtq.conv2d {strides, pads, dilations}, its bias taken from the init.
struct RaiseConv2D : OpRewritePattern<linalg::Conv2DNchwFchwOp> {
  using Base::Base;

  LogicalResult matchAndRewrite(linalg::Conv2DNchwFchwOp op,
                                PatternRewriter &rewriter) const override {
    Reason why;
    FailureOr<Conv2DPlan> plan = analyzeConv2D(op, why);
    if (failed(plan))
      return rewriter.notifyMatchFailure(op, why);
    Location loc = op.getLoc();
    Type type = op->getResult(0).getType();
    Value result = logbtq::Conv2DOp::create(
        rewriter, loc, type, plan->input, plan->filter, plan->bias,
        plan->strides, plan->pads, plan->dilations);
    if (plan->addend)
      result = logbtq::AddOp::create(rewriter, loc, type, result,
                                     materialize(rewriter, loc, *plan->addend));
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

void raise::populateLinearPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseMatmul, RaiseConv2D>(patterns.getContext());
}

std::optional<Reason> raise::explainLinear(Operation *op) {
  Reason why;
  if (isMatmulLike(op)) {
    if (failed(analyzeMatmul(cast<linalg::LinalgOp>(op), why)))
      return why;
    return Reason(kNotConverged);
  }
  if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op)) {
    if (failed(analyzeConv2D(conv, why)))
      return why;
    return Reason(kNotConverged);
  }
  StringRef name = op->getName().getStringRef();
  if (name.starts_with("linalg.conv_") ||
      name.starts_with("linalg.depthwise_conv_"))
    return Reason("only linalg.conv_2d_nchw_fchw (NCHW input, FCHW filter, "
                  "one group) is raised");
  if (isa<linalg::ContractionOpInterface>(op) ||
      isa<linalg::BatchMatmulOp, linalg::MatvecOp, linalg::VecmatOp,
          linalg::DotOp, linalg::BatchMatvecOp, linalg::BatchVecmatOp,
          linalg::ContractOp>(op))
    return Reason("only 2-D matrix products (linalg.matmul) are raised; "
                  "logbtq.matmul has no batch and no vector operands");
  return std::nullopt;
}
