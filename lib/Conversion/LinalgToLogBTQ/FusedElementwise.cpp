//===- FusedElementwise.cpp - Raise generic bodies of several ops ---------===//
//
// Elementwise fusion (torch-mlir's, IREE's, upstream's) leaves one
// `linalg.generic` whose body computes several ops per element: a bias add
// and a relu, a scale and a shift, GELU's erf or tanh form, a sigmoid's
// 1 / (1 + exp(-x)). Each body op becomes the graph op that computes it on
// whole tensors, in body order; a value the body uses twice is one tensor
// used twice. The inputs are read with the broadcasting rules of the
// single-op patterns (Elementwise.cpp), and captured scalars become rank-0
// constants. A body of one add, sub, mul, div or max is those patterns'
// first (this one has the lower benefit); what they decline, such as a
// division by a tensor, is raised here.
//
// Body ops and what they become:
//   addf subf mulf                 add sub mul
//   divf by a constant             mul by its reciprocal (as ONNX Div)
//   divf by a tensor               div
//   maximumf/maxnumf with 0        relu (also torch-mlir's cmpf + select)
//   maximumf/maxnumf, minimumf/... max, min
//   negf, math.exp log sqrt tanh erf absf      neg exp log sqrt tanh erf abs
//   math.rsqrt                     div(1, sqrt)
//   math.powf by a constant        pow
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::raise;

namespace {

/// The graph op a body op becomes.
enum class StepKind {
  Add,
  Sub,
  Mul,
  Div,
  Max,
  Min,
  Pow,
  Relu,
  Neg,
  Exp,
  Log,
  Sqrt,
  Tanh,
  Erf,
  Abs,
  Rsqrt
};

/// A value of the planned chain: an input of the generic (planned for
/// broadcasting), a constant, or the result of an earlier step.
struct PlannedValue {
  enum { Input, Constant, Step } source;
  unsigned index = 0;
  std::optional<APFloat> constant;
  shape::Shape shape;
};

struct Step {
  StepKind kind;
  SmallVector<PlannedValue, 2> operands;
  shape::Shape shape;
};

struct FusedPlan {
  SmallVector<BroadcastOperand> inputs;
  SmallVector<Step> steps;
  /// The step the generic yields.
  unsigned result = 0;
};

bool isZero(const PlannedValue &v) {
  return v.source == PlannedValue::Constant && v.constant->isZero();
}

/// The value `x` that `select` keeps when it is torch-mlir's relu,
/// select(cmpf(x > 0), x, 0) or select(cmpf(x < 0), 0, x).
Value getSelectRelu(arith::SelectOp select) {
  auto cmp = select.getCondition().getDefiningOp<arith::CmpFOp>();
  if (!cmp || !matchPattern(cmp.getRhs(), m_AnyZeroFloat()))
    return {};
  using P = arith::CmpFPredicate;
  P p = cmp.getPredicate();
  bool greater = p == P::OGT || p == P::UGT || p == P::OGE || p == P::UGE;
  bool less = p == P::OLT || p == P::ULT || p == P::OLE || p == P::ULE;
  Value x = cmp.getLhs();
  Value kept = greater ? select.getTrueValue() : select.getFalseValue();
  Value zero = greater ? select.getFalseValue() : select.getTrueValue();
  if ((greater || less) && kept == x && matchPattern(zero, m_AnyZeroFloat()))
    return x;
  return {};
}

std::optional<StepKind> unaryKind(Operation *op) {
  if (isa<arith::NegFOp>(op))
    return StepKind::Neg;
  if (isa<math::ExpOp>(op))
    return StepKind::Exp;
  if (isa<math::LogOp>(op))
    return StepKind::Log;
  if (isa<math::SqrtOp>(op))
    return StepKind::Sqrt;
  if (isa<math::TanhOp>(op))
    return StepKind::Tanh;
  if (isa<math::ErfOp>(op))
    return StepKind::Erf;
  if (isa<math::AbsFOp>(op))
    return StepKind::Abs;
  if (isa<math::RsqrtOp>(op))
    return StepKind::Rsqrt;
  return std::nullopt;
}

std::optional<StepKind> binaryKind(Operation *op) {
  if (isa<arith::AddFOp>(op))
    return StepKind::Add;
  if (isa<arith::SubFOp>(op))
    return StepKind::Sub;
  if (isa<arith::MulFOp>(op))
    return StepKind::Mul;
  if (isa<arith::DivFOp>(op))
    return StepKind::Div;
  if (isa<arith::MaximumFOp, arith::MaxNumFOp>(op))
    return StepKind::Max;
  if (isa<arith::MinimumFOp, arith::MinNumFOp>(op))
    return StepKind::Min;
  if (isa<math::PowFOp>(op))
    return StepKind::Pow;
  return std::nullopt;
}

FailureOr<FusedPlan> analyzeFused(linalg::GenericOp op, Reason &why) {
  if (failed(checkElementwiseShape(op, why)))
    return failure();
  Block &body = op.getRegion().front();
  unsigned numInputs = op.getNumDpsInputs();
  if (!body.getArgument(numInputs).use_empty())
    return fail(why, "its body reads the output, so it accumulates");
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  ArrayRef<int64_t> resultShape = resultType.getShape();
  MLIRContext *ctx = op.getContext();

  FusedPlan plan;
  plan.inputs.resize(numInputs);
  SmallVector<bool> planned(numInputs, false);
  DenseMap<Value, PlannedValue> values;
  auto valueOf = [&](Value v) -> FailureOr<PlannedValue> {
    if (auto it = values.find(v); it != values.end())
      return it->second;
    APFloat constant(0.0f);
    if (matchPattern(v, m_ConstantFloat(&constant)))
      return PlannedValue{PlannedValue::Constant, 0, constant, {}};
    auto arg = dyn_cast<BlockArgument>(v);
    if (!arg || arg.getOwner() != &body || arg.getArgNumber() >= numInputs)
      return fail(why, "its body reads a value that is neither an input nor "
                       "a constant");
    unsigned i = arg.getArgNumber();
    OpOperand *input = op.getDpsInputOperand(i);
    if (!isa<ShapedType>(input->get().getType())) {
      if (matchPattern(input->get(), m_ConstantFloat(&constant)))
        return PlannedValue{PlannedValue::Constant, 0, constant, {}};
      return fail(why, "its body reads a scalar input that is not a constant");
    }
    if (!planned[i]) {
      FailureOr<BroadcastOperand> operand = planBroadcastOperand(
          input->get(), op.getMatchingIndexingMap(input), resultShape, why);
      if (failed(operand))
        return fail(why, "its input #" + Twine(i) + ": " + Twine(why));
      plan.inputs[i] = *operand;
      planned[i] = true;
    }
    return PlannedValue{PlannedValue::Input, i, {}, plan.inputs[i].getShape()};
  };
  auto addStep = [&](Operation *bodyOp, StepKind kind,
                     ArrayRef<PlannedValue> operands) -> LogicalResult {
    shape::Shape shape;
    for (const PlannedValue &v : operands) {
      FailureOr<shape::Shape> joined =
          inferShape(ctx, why, [&](shape::EmitErrorFn emitError) {
            return shape::inferBroadcast(shape, v.shape, emitError);
          });
      if (failed(joined))
        return failure();
      shape = *joined;
    }
    if (llvm::all_of(operands, [](const PlannedValue &v) {
          return v.source == PlannedValue::Constant;
        }))
      return fail(why, "its body computes '" +
                           bodyOp->getName().getStringRef().str() +
                           "' of constants only");
    plan.steps.push_back({kind, SmallVector<PlannedValue, 2>(operands), shape});
    values[bodyOp->getResult(0)] = PlannedValue{
        PlannedValue::Step, unsigned(plan.steps.size() - 1), {}, shape};
    return success();
  };

  for (Operation &bodyOp : body.without_terminator()) {
    if (isa<arith::ConstantOp>(bodyOp))
      continue;
    // A comparison feeds a relu's select; the select is the step.
    if (auto cmp = dyn_cast<arith::CmpFOp>(bodyOp)) {
      bool onlyRelus = llvm::all_of(cmp->getUsers(), [](Operation *user) {
        auto select = dyn_cast<arith::SelectOp>(user);
        return select && getSelectRelu(select);
      });
      if (!onlyRelus)
        return fail(why, "its body compares values other than for a relu");
      continue;
    }
    if (auto select = dyn_cast<arith::SelectOp>(bodyOp)) {
      Value x = getSelectRelu(select);
      if (!x)
        return fail(why, "its body selects other than a relu's max(x, 0)");
      FailureOr<PlannedValue> v = valueOf(x);
      if (failed(v) || failed(addStep(&bodyOp, StepKind::Relu, {*v})))
        return failure();
      continue;
    }
    if (std::optional<StepKind> kind = unaryKind(&bodyOp)) {
      FailureOr<PlannedValue> v = valueOf(bodyOp.getOperand(0));
      if (failed(v) || failed(addStep(&bodyOp, *kind, {*v})))
        return failure();
      continue;
    }
    std::optional<StepKind> kind = binaryKind(&bodyOp);
    if (!kind)
      return fail(why, "its body computes '" +
                           bodyOp.getName().getStringRef().str() +
                           "', which has no logbtq equivalent");
    FailureOr<PlannedValue> lhs = valueOf(bodyOp.getOperand(0));
    FailureOr<PlannedValue> rhs = valueOf(bodyOp.getOperand(1));
    if (failed(lhs) || failed(rhs))
      return failure();
    if (*kind == StepKind::Max && (isZero(*lhs) || isZero(*rhs))) {
      if (failed(
              addStep(&bodyOp, StepKind::Relu, {isZero(*lhs) ? *rhs : *lhs})))
        return failure();
      continue;
    }
    if (*kind == StepKind::Pow && rhs->source != PlannedValue::Constant)
      return fail(why, "its body raises to a power that is not a constant");
    if (*kind == StepKind::Div && rhs->source == PlannedValue::Constant) {
      if (rhs->constant->isZero())
        return fail(why, "its body divides by zero");
      APFloat reciprocal(1.0f);
      reciprocal.divide(*rhs->constant, APFloat::rmNearestTiesToEven);
      rhs->constant = reciprocal;
      kind = StepKind::Mul;
    }
    if (failed(addStep(&bodyOp, *kind, {*lhs, *rhs})))
      return failure();
  }
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (yield.getNumOperands() != 1)
    return fail(why,
                "its body yields " + Twine(yield.getNumOperands()) + " values");
  auto it = values.find(yield.getOperand(0));
  if (it == values.end())
    return fail(why, "its body yields an input or a constant, not a value it "
                     "computes");
  plan.result = it->second.index;
  return plan;
}

Value createStep(OpBuilder &b, Location loc, StepKind kind,
                 RankedTensorType type, ArrayRef<Value> x) {
  switch (kind) {
  case StepKind::Add:
    return logbtq::AddOp::create(b, loc, type, x[0], x[1]);
  case StepKind::Sub:
    return logbtq::SubOp::create(b, loc, type, x[0], x[1]);
  case StepKind::Mul:
    return logbtq::MulOp::create(b, loc, type, x[0], x[1]);
  case StepKind::Div:
    return logbtq::DivOp::create(b, loc, type, x[0], x[1]);
  case StepKind::Max:
    return logbtq::MaxOp::create(b, loc, type, x[0], x[1]);
  case StepKind::Min:
    return logbtq::MinOp::create(b, loc, type, x[0], x[1]);
  case StepKind::Pow:
    return logbtq::PowOp::create(b, loc, type, x[0], x[1]);
  case StepKind::Relu:
    return logbtq::ReluOp::create(b, loc, type, x[0]);
  case StepKind::Neg:
    return logbtq::NegOp::create(b, loc, type, x[0]);
  case StepKind::Exp:
    return logbtq::ExpOp::create(b, loc, type, x[0]);
  case StepKind::Log:
    return logbtq::LogOp::create(b, loc, type, x[0]);
  case StepKind::Sqrt:
    return logbtq::SqrtOp::create(b, loc, type, x[0]);
  case StepKind::Tanh:
    return logbtq::TanhOp::create(b, loc, type, x[0]);
  case StepKind::Erf:
    return logbtq::ErfOp::create(b, loc, type, x[0]);
  case StepKind::Abs:
    return logbtq::AbsOp::create(b, loc, type, x[0]);
  case StepKind::Rsqrt: {
    Value root = logbtq::SqrtOp::create(b, loc, type, x[0]);
    Value one = materialize(b, loc, scalarOperand(APFloat(1.0f)));
    return logbtq::DivOp::create(b, loc, type, one, root);
  }
  }
  llvm_unreachable("unknown step");
}

/// A linalg.generic with an elementwise body -> the chain of graph ops it
/// computes.
struct RaiseFusedElementwise : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    Reason why;
    FailureOr<FusedPlan> plan = analyzeFused(op, why);
    if (failed(plan))
      return rewriter.notifyMatchFailure(op, why);
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    DenseMap<unsigned, Value> inputs;
    SmallVector<Value> results;
    auto get = [&](const PlannedValue &v) -> Value {
      switch (v.source) {
      case PlannedValue::Constant:
        return materialize(rewriter, loc, scalarOperand(*v.constant));
      case PlannedValue::Step:
        return results[v.index];
      case PlannedValue::Input:
        if (!inputs.count(v.index))
          inputs[v.index] = materialize(rewriter, loc, plan->inputs[v.index]);
        return inputs[v.index];
      }
      llvm_unreachable("unknown value source");
    };
    for (const Step &step : plan->steps) {
      SmallVector<Value, 2> operands;
      for (const PlannedValue &v : step.operands)
        operands.push_back(get(v));
      results.push_back(createStep(rewriter, loc, step.kind,
                                   RankedTensorType::get(step.shape, f32),
                                   operands));
    }
    Value result = results[plan->result];
    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    if (cast<RankedTensorType>(result.getType()) != type)
      result = logbtq::BroadcastOp::create(rewriter, loc, type, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void raise::populateFusedElementwisePatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseFusedElementwise>(patterns.getContext(), /*benefit=*/0);
}

std::optional<Reason> raise::explainFusedElementwise(Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || isCopyGeneric(generic))
    return std::nullopt;
  // One binary op is Elementwise.cpp's to explain (a relu's cmpf + select
  // is two).
  Block &body = generic.getRegion().front();
  auto computed =
      llvm::make_filter_range(body.without_terminator(), [](Operation &o) {
        return !isa<arith::ConstantOp>(o);
      });
  size_t count = llvm::range_size(computed);
  if (count == 0 || (count == 1 && binaryKind(&*computed.begin())))
    return std::nullopt;
  Reason why;
  if (succeeded(analyzeFused(generic, why)))
    return Reason(kNotConverged);
  return why;
}
