//===- ImportMath.cpp - ONNX math, activation and reduction nodes ---------===//
//
// The ops of the logbtq dialect that ONNX has one for (Exp, Pow, Max,
// ReduceMean...), and the ONNX ops that are a few of them: HardSigmoid and
// HardSwish (clip), Elu and Selu (relu, min, exp), Softsign (abs, div),
// Reciprocal (div), Sum and Mean (adds). A decomposed op trains through the
// gradients of its parts, and in MU8 each part's result is stored in 8 bits
// like any tensor. LayerNormalization is one `layer_norm` (its statistics
// must not be stored), or its parts when it has a form that op does not.
//
//===----------------------------------------------------------------------===//

#include "BuildOps.h"
#include "Importer.h"

#include <cmath>

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::onnx_import;

namespace {

template <typename OpTy>
Value binaryOf(NodeContext &ctx, Value a, Value b) {
  // The callers pass shapes that broadcast.
  return *broadcastBinary<OpTy>(ctx, a, b);
}

/// x * scale + shift, each step skipped when it is the identity.
Value affine(NodeContext &ctx, Value x, float scale, float shift) {
  if (scale != 1.0f)
    x = binaryOf<MulOp>(ctx, x, scalarConstant(ctx, scale));
  if (shift != 0.0f)
    x = binaryOf<AddOp>(ctx, x, scalarConstant(ctx, shift));
  return x;
}

/// The op of every unary node without attributes.
template <typename OpTy>
LogicalResult importPlainUnary(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  auto x = ctx.input(0);
  if (failed(x))
    return failure();
  return ctx.setOutput(0, unaryOp<OpTy>(ctx, *x));
}

LogicalResult importLeakyRelu(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"alpha"})))
    return failure();
  auto alpha = ctx.floatAttr("alpha", 0.01f);
  auto x = ctx.input(0);
  if (failed(alpha) || failed(x))
    return failure();
  if (!std::isfinite(*alpha))
    return ctx.emitError() << "alpha must be finite, got " << *alpha;
  OpBuilder &b = ctx.builder();
  return ctx.setOutput(0, LeakyReluOp::create(b, ctx.loc, x->getType(), *x,
                                              b.getF32FloatAttr(*alpha))
                              .getResult());
}

/// alpha * (exp(min(x, 0)) - 1) + relu(x): x where x > 0 exactly, and exp
/// never overflows.
Value elu(NodeContext &ctx, Value x, float alpha) {
  Value negative = binaryOf<MinOp>(ctx, x, scalarConstant(ctx, 0.0f));
  Value tail = affine(ctx, unaryOp<ExpOp>(ctx, negative), alpha, -alpha);
  return binaryOf<AddOp>(ctx, unaryOp<ReluOp>(ctx, x), tail);
}

LogicalResult importElu(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"alpha"})))
    return failure();
  auto alpha = ctx.floatAttr("alpha", 1.0f);
  auto x = ctx.input(0);
  if (failed(alpha) || failed(x))
    return failure();
  return ctx.setOutput(0, elu(ctx, *x, *alpha));
}

LogicalResult importSelu(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"alpha", "gamma"})))
    return failure();
  auto alpha = ctx.floatAttr("alpha", 1.67326319217681884765625f);
  auto gamma = ctx.floatAttr("gamma", 1.05070102214813232421875f);
  auto x = ctx.input(0);
  if (failed(alpha) || failed(gamma) || failed(x))
    return failure();
  return ctx.setOutput(0, affine(ctx, elu(ctx, *x, *alpha), *gamma, 0.0f));
}

/// clip(alpha * x + beta, 0, 1).
Value hardSigmoid(NodeContext &ctx, Value x, float alpha, float beta) {
  OpBuilder &b = ctx.builder();
  Value z = affine(ctx, x, alpha, beta);
  return ClipOp::create(b, ctx.loc, z.getType(), z, b.getF32FloatAttr(0.0f),
                        b.getF32FloatAttr(1.0f));
}

LogicalResult importHardSigmoid(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"alpha", "beta"})))
    return failure();
  auto alpha = ctx.floatAttr("alpha", 0.2f);
  auto beta = ctx.floatAttr("beta", 0.5f);
  auto x = ctx.input(0);
  if (failed(alpha) || failed(beta) || failed(x))
    return failure();
  return ctx.setOutput(0, hardSigmoid(ctx, *x, *alpha, *beta));
}

LogicalResult importHardSwish(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  auto x = ctx.input(0);
  if (failed(x))
    return failure();
  Value gate = hardSigmoid(ctx, *x, 1.0f / 6.0f, 0.5f);
  return ctx.setOutput(0, binaryOf<MulOp>(ctx, *x, gate));
}

LogicalResult importSoftsign(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  auto x = ctx.input(0);
  if (failed(x))
    return failure();
  Value denominator = affine(ctx, unaryOp<AbsOp>(ctx, *x), 1.0f, 1.0f);
  return ctx.setOutput(0, binaryOf<DivOp>(ctx, *x, denominator));
}

LogicalResult importReciprocal(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  auto x = ctx.input(0);
  if (failed(x))
    return failure();
  return ctx.setOutput(0, binaryOf<DivOp>(ctx, scalarConstant(ctx, 1.0f), *x));
}

/// Max, Min, Sum, Mean: one or more inputs, folded left to right.
template <typename OpTy>
FailureOr<Value> foldInputs(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  if (ctx.numInputs() == 0)
    return ctx.emitError() << "needs at least one input";
  auto acc = ctx.input(0);
  if (failed(acc))
    return failure();
  Value result = *acc;
  for (size_t i = 1; i < ctx.numInputs(); ++i) {
    auto next = ctx.input(i);
    if (failed(next))
      return failure();
    auto y = broadcastBinary<OpTy>(ctx, result, *next);
    if (failed(y))
      return failure();
    result = *y;
  }
  return result;
}

template <typename OpTy>
LogicalResult importVariadic(NodeContext &ctx) {
  auto y = foldInputs<OpTy>(ctx);
  if (failed(y))
    return failure();
  return ctx.setOutput(0, *y);
}

LogicalResult importMean(NodeContext &ctx) {
  auto sum = foldInputs<AddOp>(ctx);
  if (failed(sum))
    return failure();
  Value count = scalarConstant(ctx, float(ctx.numInputs()));
  return ctx.setOutput(0, binaryOf<DivOp>(ctx, *sum, count));
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// `x` reduced over `axes` (normalized, distinct), the reduced dims kept as
/// 1 when `keep`.
Value reduce(NodeContext &ctx, Value x, StringRef kind, ArrayRef<int64_t> axes,
             bool keep) {
  ArrayRef<int64_t> in = shapeOf(x);
  SmallVector<int64_t> dropped, kept;
  for (auto [d, size] : llvm::enumerate(in)) {
    bool reduced = llvm::is_contained(axes, int64_t(d));
    kept.push_back(reduced ? 1 : size);
    if (!reduced)
      dropped.push_back(size);
  }
  OpBuilder &b = ctx.builder();
  Value y =
      ReduceOp::create(b, ctx.loc, ctx.tensorType(dropped), x,
                       b.getStringAttr(kind), b.getDenseI64ArrayAttr(axes));
  return keep ? reshape(ctx, y, kept) : y;
}

/// ReduceSum/Mean/Max/Min: the axes are an attribute, or from opset 13 on
/// ReduceSum's input 1; none means all, unless noop_with_empty_axes.
LogicalResult importReduce(NodeContext &ctx, StringRef kind) {
  bool axesInput = kind == "sum" && ctx.opset() >= 13;
  SmallVector<StringRef> allowed = {"keepdims"};
  allowed.push_back(axesInput ? "noop_with_empty_axes" : "axes");
  if (failed(ctx.checkAttributes(allowed)))
    return failure();
  auto keep = ctx.intAttr("keepdims", 1);
  auto noop = ctx.intAttr("noop_with_empty_axes", 0);
  auto x = ctx.input(0);
  if (failed(keep) || failed(noop) || failed(x))
    return failure();
  FailureOr<SmallVector<int64_t>> axes = SmallVector<int64_t>{};
  if (!axesInput) {
    axes = ctx.intsAttr("axes", {});
  } else if (ctx.hasInput(1)) {
    auto known = ctx.knownInput(1, "the axes");
    if (failed(known))
      return failure();
    if (known->isFloat || known->shape.size() > 1)
      return ctx.emitError() << "the axes must be a 1-D integer tensor";
    axes = known->ints;
  }
  if (failed(axes))
    return failure();
  int64_t rank = shapeOf(*x).size();
  SmallVector<int64_t> normalized;
  if (axes->empty()) {
    if (*noop)
      return ctx.setOutput(0, *x);
    for (int64_t d = 0; d < rank; ++d)
      normalized.push_back(d);
  }
  for (int64_t axis : *axes) {
    auto a = shape::normalizeAxis(axis, rank, errorAt(ctx));
    if (failed(a))
      return failure();
    if (llvm::is_contained(normalized, *a))
      return ctx.emitError() << "axis " << axis << " is repeated";
    normalized.push_back(*a);
  }
  llvm::sort(normalized);
  return ctx.setOutput(0, reduce(ctx, *x, kind, normalized, *keep != 0));
}

LogicalResult importReduceSum(NodeContext &ctx) {
  return importReduce(ctx, "sum");
}
LogicalResult importReduceMean(NodeContext &ctx) {
  return importReduce(ctx, "mean");
}
LogicalResult importReduceMax(NodeContext &ctx) {
  return importReduce(ctx, "max");
}
LogicalResult importReduceMin(NodeContext &ctx) {
  return importReduce(ctx, "min");
}

/// LayerNormalization (opset 17): over the dims from `axis` on,
/// (x - mean) / sqrt(var + epsilon) * scale + bias, the variance the biased
/// one. One `layer_norm` when the scale and the bias have the normalized
/// shape and only Y is named; otherwise (a broadcast scale, or the mean and
/// the inverse deviation read as outputs 1 and 2) the reductions and
/// elementwise ops it is made of, whose statistics are then stored tensors.
LogicalResult importLayerNormalization(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"axis", "epsilon", "stash_type"})))
    return failure();
  auto axis = ctx.intAttr("axis", -1);
  auto epsilon = ctx.floatAttr("epsilon", 1e-5f);
  auto stash = ctx.intAttr("stash_type", 1);
  auto x = ctx.input(0);
  auto scale = ctx.input(1);
  if (failed(axis) || failed(epsilon) || failed(stash) || failed(x) ||
      failed(scale))
    return failure();
  if (*stash != 1)
    return ctx.emitError() << "stash_type " << *stash
                           << " is not supported (only 1, float32)";
  std::optional<Value> bias;
  if (ctx.hasInput(2)) {
    auto b = ctx.input(2);
    if (failed(b))
      return failure();
    bias = *b;
  }
  int64_t rank = shapeOf(*x).size();
  auto first = shape::normalizeAxis(*axis, rank, errorAt(ctx));
  if (failed(first))
    return failure();
  ArrayRef<int64_t> normalized = shapeOf(*x).drop_front(*first);
  bool fused = shapeOf(*scale) == normalized &&
               (!bias || shapeOf(*bias) == normalized) && !ctx.hasOutput(1) &&
               !ctx.hasOutput(2);
  if (fused) {
    OpBuilder &b = ctx.builder();
    if (!bias) {
      auto type = ctx.tensorType(normalized);
      bias = arith::ConstantOp::create(b, ctx.loc, type,
                                       DenseElementsAttr::get(type, 0.0f));
    }
    return ctx.setOutput(0, LayerNormOp::create(b, ctx.loc, x->getType(), *x,
                                                *scale, *bias,
                                                b.getI64IntegerAttr(*first),
                                                b.getF32FloatAttr(*epsilon))
                                .getResult());
  }

  SmallVector<int64_t> axes;
  for (int64_t d = *first; d < rank; ++d)
    axes.push_back(d);
  Value mean = reduce(ctx, *x, "mean", axes, /*keep=*/true);
  Value centered = binaryOf<SubOp>(ctx, *x, mean);
  Value square = binaryOf<MulOp>(ctx, centered, centered);
  Value variance = reduce(ctx, square, "mean", axes, /*keep=*/true);
  Value deviation = unaryOp<SqrtOp>(ctx, affine(ctx, variance, 1.0f, *epsilon));
  Value normalizedX = binaryOf<DivOp>(ctx, centered, deviation);
  auto y = broadcastBinary<MulOp>(ctx, normalizedX, *scale);
  if (failed(y))
    return failure();
  if (bias) {
    y = broadcastBinary<AddOp>(ctx, *y, *bias);
    if (failed(y))
      return failure();
  }
  if (ctx.hasOutput(1) && failed(ctx.setOutput(1, mean)))
    return failure();
  if (ctx.hasOutput(2) &&
      failed(ctx.setOutput(
          2, binaryOf<DivOp>(ctx, scalarConstant(ctx, 1.0f), deviation))))
    return failure();
  return ctx.setOutput(0, *y);
}

} // namespace

void mlir::logbtq::onnx_import::addMathImporters(
    llvm::StringMap<NodeImportFn> &importers) {
  importers.insert({
      {"Abs", importPlainUnary<AbsOp>},
      {"Elu", importElu},
      {"Erf", importPlainUnary<ErfOp>},
      {"Exp", importPlainUnary<ExpOp>},
      {"HardSigmoid", importHardSigmoid},
      {"HardSwish", importHardSwish},
      {"LayerNormalization", importLayerNormalization},
      {"LeakyRelu", importLeakyRelu},
      {"Log", importPlainUnary<LogOp>},
      {"Max", importVariadic<MaxOp>},
      {"Mean", importMean},
      {"Min", importVariadic<MinOp>},
      {"Neg", importPlainUnary<NegOp>},
      {"Pow", importBroadcastBinary<PowOp>},
      {"Reciprocal", importReciprocal},
      {"ReduceMax", importReduceMax},
      {"ReduceMean", importReduceMean},
      {"ReduceMin", importReduceMin},
      {"ReduceSum", importReduceSum},
      {"Selu", importSelu},
      {"Sign", importPlainUnary<SignOp>},
      {"Softplus", importPlainUnary<SoftplusOp>},
      {"Softsign", importSoftsign},
      {"Sqrt", importPlainUnary<SqrtOp>},
      {"Sum", importVariadic<AddOp>},
  });
}
