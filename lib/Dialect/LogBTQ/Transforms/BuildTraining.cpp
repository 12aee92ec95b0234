//===- BuildTraining.cpp - Training and evaluation steps from @forward ----===//

#include "Layers.h"

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQAttributes.h"
#include "logbtq/Dialect/LogBTQ/Transforms/Autodiff.h"
#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h"
#include "logbtq/Dialect/LogBTQ/Transforms/TrainingOptions.h"
#include "logbtq/Runtime/TrainerABI.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::logbtq {
#define GEN_PASS_DEF_LOGBTQBUILDTRAINING
#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h.inc"
} // namespace mlir::logbtq

using namespace mlir;
using namespace mlir::logbtq;

namespace {

/// What the step functions need to know about @forward's signature.
struct ForwardSignature {
  func::FuncOp func;
  SmallVector<unsigned> params; ///< argument indices, in order
  SmallVector<std::string> paramNames;
  SmallVector<bool> trainable;
  unsigned input = 0;
  std::optional<unsigned> t;       ///< the barrier's t, if any
  std::optional<unsigned> penalty; ///< the barrier penalty result, if any
  unsigned logits = 0;
  RankedTensorType logitsType;
  /// The batch norms that train with the batch's statistics.
  llvm::SmallPtrSet<Operation *, 8> trainingNorms;

  static FailureOr<ForwardSignature> analyze(func::FuncOp func);
  /// Fills trainingNorms: the batch norms whose scale and bias train and
  /// whose statistics are parameters that no other op reads.
  void findTrainingNorms();
};

void ForwardSignature::findTrainingNorms() {
  Builder b(func.getContext());
  for (auto norm : func.getBody().front().getOps<BatchNormOp>()) {
    if (!canTrainWithBatchStatistics(func, norm))
      continue;
    trainingNorms.insert(norm);
    // The steps copy @forward's parameter attributes.
    for (Value v : {norm.getMean(), norm.getVariance()})
      func.setArgAttr(cast<BlockArgument>(v).getArgNumber(), attrs::kStatistic,
                      b.getUnitAttr());
  }
}

FailureOr<ForwardSignature> ForwardSignature::analyze(func::FuncOp func) {
  ForwardSignature sig;
  sig.func = func;
  std::optional<unsigned> input;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    if (auto name = func.getArgAttrOfType<StringAttr>(i, attrs::kParam)) {
      sig.params.push_back(i);
      sig.paramNames.push_back(name.str());
      sig.trainable.push_back(!func.getArgAttr(i, attrs::kFrozen));
    } else if (func.getArgAttr(i, attrs::kBarrierT)) {
      sig.t = i;
    } else if (func.getArgAttr(i, attrs::kInput)) {
      if (input)
        return func.emitError("training needs a model with one input, "
                              "@forward has several");
      input = i;
    } else {
      return func.emitError("argument ")
             << i << " of @forward is neither a parameter (logbtq.param), "
             << "an input (logbtq.input) nor the barrier's t";
    }
  }
  if (!input)
    return func.emitError("@forward has no input argument (logbtq.input)");
  sig.input = *input;
  std::optional<unsigned> logits;
  for (unsigned i = 0; i < func.getNumResults(); ++i) {
    if (func.getResultAttr(i, attrs::kBarrierPenalty)) {
      sig.penalty = i;
      continue;
    }
    if (logits)
      return func.emitError("training needs a model with one output, "
                            "@forward has several");
    logits = i;
  }
  if (!logits)
    return func.emitError("@forward has no output");
  sig.logits = *logits;
  sig.logitsType = dyn_cast<RankedTensorType>(func.getResultTypes()[*logits]);
  if (!sig.logitsType || sig.logitsType.getRank() != 2 ||
      !sig.logitsType.hasStaticShape())
    return func.emitError("the model output must be static [batch, classes] "
                          "logits for a classification loss, got ")
           << func.getResultTypes()[*logits];
  return sig;
}

/// What the update does, from the pass options.
struct OptimizerSettings {
  OptimizerKind kind = OptimizerKind::SGD;
  double momentum = 0, weightDecay = 0, clipGradNorm = 0;
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  bool weightDecayAll = false;
  /// The decay of parameter `p`: weights (rank >= 2) only, unless all.
  double decayOf(Value p) const {
    return weightDecayAll || cast<ShapedType>(p.getType()).getRank() >= 2
               ? weightDecay
               : 0.0;
  }
  /// State tensors per parameter: SGD's momentum; Adam's two moments.
  unsigned slots() const { return kind == OptimizerKind::SGD ? 1 : 2; }
  /// Adam's bias correction reads the step number.
  bool needsStep() const { return kind != OptimizerKind::SGD; }
};

/// The target_loss kind of a loss other than softmax cross-entropy.
StringRef targetLossKind(LossKind loss) {
  switch (loss) {
  case LossKind::MSE:
    return "mse";
  case LossKind::L1:
    return "l1";
  case LossKind::BCEWithLogits:
    return "bce_with_logits";
  case LossKind::SoftmaxCrossEntropy:
    break;
  }
  return "";
}

/// The arguments of a step function as they are added, with their
/// attributes; then the function itself.
class StepSignature {
public:
  StepSignature(OpBuilder &b, ForwardSignature &sig) : b(b), sig(sig) {}

  void add(Type type, DictionaryAttr attrs) {
    types.push_back(type);
    argAttrs.push_back(attrs);
  }
  /// An argument marked `key` (a unit attribute, or `value`).
  void add(Type type, StringRef key, Attribute value = {}) {
    add(type, b.getDictionaryAttr(
                  b.getNamedAttr(key, value ? value : b.getUnitAttr())));
  }
  /// The parameters, with @forward's attributes.
  void addParams() {
    for (unsigned index : sig.params)
      add(forwardArg(index).getType(), sig.func.getArgAttrDict(index));
  }
  /// One tensor per parameter of its type, marked `key` = its name
  /// (`slots` times: the optimizer state).
  void addPerParam(StringRef key, unsigned slots = 1) {
    for (unsigned slot = 0; slot < slots; ++slot)
      for (auto [i, index] : llvm::enumerate(sig.params))
        add(forwardArg(index).getType(), key,
            b.getStringAttr(sig.paramNames[i]));
  }
  BlockArgument forwardArg(unsigned index) {
    return sig.func.getBody().front().getArgument(index);
  }
  /// The function `name` with these arguments and no results yet, at the
  /// end of `module`.
  func::FuncOp create(ModuleOp module, StringRef name) {
    b.setInsertionPointToEnd(module.getBody());
    auto func = func::FuncOp::create(b, sig.func.getLoc(), name,
                                     b.getFunctionType(types, {}));
    func.setAllArgAttrs(argAttrs);
    return func;
  }

private:
  OpBuilder &b;
  ForwardSignature &sig;
  SmallVector<Type> types;
  SmallVector<DictionaryAttr> argAttrs;
};

class StepBuilder {
public:
  StepBuilder(ModuleOp module, ForwardSignature sig,
              OptimizerSettings optimizer, LossKind loss)
      : module(module), sig(sig), b(module.getContext()),
        optimizer(optimizer), loss(loss) {}

  LogicalResult buildTrainStep() { return buildStep(Kind::Train); }
  LogicalResult buildGradStep() { return buildStep(Kind::Grad); }
  LogicalResult buildEvalStep() { return buildStep(Kind::Eval); }
  /// Data-parallel training: the gradients of a rank's share of the batch,
  /// and the update from the ranks' combined gradients.
  LogicalResult buildLocalStep() { return buildStep(Kind::Local); }
  LogicalResult buildApplyStep();

private:
  /// Local is Grad under another name: the steps are built alike, and
  /// -logbtq-quantize returns Local's gradients as codes.
  enum class Kind { Train, Grad, Local, Eval };

  /// The results of the inlined forward pass.
  struct Forward {
    Value logits, penalty;
  };

  LogicalResult buildStep(Kind kind);
  FailureOr<func::FuncOp> createStepFunction(Kind kind);
  FailureOr<SmallVector<Value>> gradients(Location loc, Value loss,
                                          ArrayRef<Value> params);
  SmallVector<Value> updates(Location loc, ArrayRef<Value> params,
                             ArrayRef<Value> grads, ArrayRef<Value> state,
                             Value lr, Value step);
  Forward inlineForward(Kind kind, ArrayRef<Value> params, Value x, Value t,
                        IRMapping &mapping);
  Value stats(Location loc, Value loss, Value correct, Value ce,
              Value penalty);

  ModuleOp module;
  ForwardSignature sig;
  OpBuilder b;
  OptimizerSettings optimizer;
  LossKind loss;
  /// Train step: the new value of each batch-norm statistic parameter.
  DenseMap<Value, Value> statisticUpdates;
};

StepBuilder::Forward StepBuilder::inlineForward(Kind kind,
                                                ArrayRef<Value> params,
                                                Value x, Value t,
                                                IRMapping &mapping) {
  Block &body = sig.func.getBody().front();
  for (auto [i, index] : llvm::enumerate(sig.params))
    mapping.map(body.getArgument(index), params[i]);
  mapping.map(body.getArgument(sig.input), x);
  if (sig.t)
    mapping.map(body.getArgument(*sig.t), t);
  for (Operation &op : body.without_terminator()) {
    auto norm = dyn_cast<BatchNormOp>(op);
    if (!norm || kind == Kind::Eval || !sig.trainingNorms.contains(norm)) {
      b.clone(op, mapping);
      continue;
    }
    // Training mode: the batch's statistics, and (train step) the running
    // ones updated as the new values of their parameters.
    Location loc = norm.getLoc();
    Value input = mapping.lookup(norm.getInput());
    Type channels = norm.getScale().getType();
    auto train = BatchNormTrainOp::create(
        b, loc, TypeRange{input.getType(), channels, channels}, input,
        mapping.lookup(norm.getScale()), mapping.lookup(norm.getBias()),
        norm.getEpsilonAttr());
    mapping.map(norm.getResult(), train.getResult());
    if (kind != Kind::Train)
      continue;
    auto type = cast<RankedTensorType>(input.getType());
    Value mean = mapping.lookup(norm.getMean());
    Value variance = mapping.lookup(norm.getVariance());
    auto update = RunningStatsUpdateOp::create(
        b, loc, mean.getType(), variance.getType(), mean, variance,
        train.getBatchMean(), train.getBatchVariance(), norm.getMomentumAttr(),
        b.getI64IntegerAttr(type.getNumElements() / type.getDimSize(1)));
    statisticUpdates[mean] = update.getNewRunningMean();
    statisticUpdates[variance] = update.getNewRunningVariance();
  }
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  Forward f;
  f.logits = mapping.lookup(ret.getOperand(sig.logits));
  if (sig.penalty)
    f.penalty = mapping.lookup(ret.getOperand(*sig.penalty));
  return f;
}

Value StepBuilder::stats(Location loc, Value loss, Value correct, Value ce,
                         Value penalty) {
  // The first entries of the runtime's stats vector; -logbtq-quantize adds
  // the MU8 counters after them.
  SmallVector<Value> entries(LOGBTQ_STAT_BARRIER + 1);
  entries[LOGBTQ_STAT_LOSS] = loss;
  entries[LOGBTQ_STAT_CORRECT] = correct;
  entries[LOGBTQ_STAT_CE] = ce;
  entries[LOGBTQ_STAT_BARRIER] = penalty;
  return tensor::FromElementsOp::create(
      b, loc, RankedTensorType::get({int64_t(entries.size())}, b.getF32Type()),
      entries);
}

/// The step's function, with its signature:
/// params..., [state...], x, labels, [lr], [t], [step].
FailureOr<func::FuncOp> StepBuilder::createStepFunction(Kind kind) {
  Type f32 = b.getF32Type();
  int64_t batch = sig.logitsType.getDimSize(0);
  StepSignature args(b, sig);
  args.addParams();
  if (kind == Kind::Train)
    args.addPerParam(attrs::kMomentum, optimizer.slots());
  args.add(args.forwardArg(sig.input).getType(),
           sig.func.getArgAttrDict(sig.input));
  args.add(RankedTensorType::get({batch}, b.getI32Type()), attrs::kLabels);
  if (kind == Kind::Train)
    args.add(f32, attrs::kLr);
  if (kind != Kind::Eval)
    args.add(f32, attrs::kBarrierT);
  if (kind == Kind::Train && optimizer.needsStep())
    args.add(b.getI64Type(), attrs::kStep);

  StringRef name = kind == Kind::Train   ? "train_step"
                   : kind == Kind::Grad  ? "grad_step"
                   : kind == Kind::Local ? "local_step"
                                         : "eval_step";
  if (module.lookupSymbol(name))
    return module.emitError("the module already has a @") << name;
  return args.create(module, name);
}

/// Gradients of `loss` for every parameter: zeros for frozen ones.
FailureOr<SmallVector<Value>>
StepBuilder::gradients(Location loc, Value loss, ArrayRef<Value> params) {
  SmallVector<Value> wrt;
  for (auto [i, p] : llvm::enumerate(params))
    if (sig.trainable[i])
      wrt.push_back(p);
  FailureOr<SmallVector<Value>> grads = buildGradients(b, loss, wrt);
  if (failed(grads))
    return failure();
  SmallVector<Value> all;
  auto next = grads->begin();
  for (auto [i, p] : llvm::enumerate(params))
    all.push_back(sig.trainable[i]
                      ? *next++
                      : arith::ConstantOp::create(
                            b, loc, p.getType(),
                            DenseElementsAttr::get(
                                cast<ShapedType>(p.getType()), 0.0f))
                            .getResult());
  return all;
}

/// The update: new parameters, then the new state, slot by slot; frozen
/// parameters keep their values and state. With clipping, every gradient is
/// scaled by min(1, C / (norm + 1e-6)) first
/// (torch.nn.utils.clip_grad_norm_).
SmallVector<Value> StepBuilder::updates(Location loc, ArrayRef<Value> params,
                                        ArrayRef<Value> grads,
                                        ArrayRef<Value> state, Value lr,
                                        Value step) {
  double clipGradNorm = optimizer.clipGradNorm;
  Value gradScale;
  SmallVector<Value> trainable;
  for (auto [i, g] : llvm::enumerate(grads))
    if (sig.trainable[i])
      trainable.push_back(g);
  if (clipGradNorm > 0 && !trainable.empty()) {
    Type f32 = b.getF32Type();
    auto constant = [&](double v) -> Value {
      return arith::ConstantOp::create(b, loc, b.getFloatAttr(f32, v));
    };
    Value norm = GlobalNormOp::create(b, loc, f32, trainable);
    Value coefficient = arith::DivFOp::create(
        b, loc, constant(clipGradNorm),
        arith::AddFOp::create(b, loc, norm, constant(1e-6)));
    gradScale = arith::MinimumFOp::create(b, loc, coefficient, constant(1.0));
  }
  size_t n = params.size();
  SmallVector<Value> newParams;
  SmallVector<Value> newState(state.begin(), state.end());
  for (auto [i, p] : llvm::enumerate(params)) {
    if (!sig.trainable[i]) {
      Value statistic = statisticUpdates.lookup(p);
      newParams.push_back(statistic ? statistic : p);
      continue;
    }
    if (optimizer.kind == OptimizerKind::SGD) {
      auto update = SGDUpdateOp::create(b, loc, p, grads[i], state[i], lr,
                                        optimizer.momentum,
                                        optimizer.decayOf(p), gradScale);
      newParams.push_back(update.getNewParam());
      newState[i] = update.getNewMomentum();
      continue;
    }
    Type type = p.getType();
    auto update = AdamUpdateOp::create(
        b, loc, TypeRange{type, type, type}, p, grads[i], state[i],
        state[n + i], lr, step, gradScale,
        b.getF32FloatAttr(optimizer.beta1), b.getF32FloatAttr(optimizer.beta2),
        b.getF32FloatAttr(optimizer.eps),
        b.getF32FloatAttr(optimizer.decayOf(p)),
        optimizer.kind == OptimizerKind::AdamW ? b.getUnitAttr() : UnitAttr());
    newParams.push_back(update.getNewParam());
    newState[i] = update.getNewFirstMoment();
    newState[n + i] = update.getNewSecondMomentSqrt();
  }
  newParams.append(newState);
  return newParams;
}

LogicalResult StepBuilder::buildStep(Kind kind) {
  FailureOr<func::FuncOp> func = createStepFunction(kind);
  if (failed(func))
    return failure();
  Location loc = sig.func.getLoc();
  Type f32 = b.getF32Type();
  Block *body = func->addEntryBlock();
  b.setInsertionPointToStart(body);

  size_t numParams = sig.params.size();
  auto args = body->getArguments();
  SmallVector<Value> params(args.take_front(numParams));
  size_t next = numParams;
  SmallVector<Value> state;
  if (kind == Kind::Train) {
    size_t stateCount = numParams * optimizer.slots();
    state.assign(args.begin() + next, args.begin() + next + stateCount);
    next += stateCount;
  }
  Value x = args[next++];
  Value labels = args[next++];
  Value lr = kind == Kind::Train ? args[next++] : Value();
  Value t = kind != Kind::Eval
                ? args[next++]
                : arith::ConstantOp::create(b, loc, b.getF32FloatAttr(1.0f))
                      .getResult();
  Value step = kind == Kind::Train && optimizer.needsStep() ? args[next++]
                                                            : Value();

  IRMapping mapping;
  statisticUpdates.clear();
  Forward f = inlineForward(kind, params, x, t, mapping);
  // The data loss (the stats' "CE" entry whatever its kind).
  Value ce = loss == LossKind::SoftmaxCrossEntropy
                 ? SoftmaxCrossEntropyOp::create(b, loc, f32, f.logits, labels)
                       .getResult()
                 : TargetLossOp::create(b, loc, f32, f.logits, labels,
                                        b.getStringAttr(targetLossKind(loss)))
                       .getResult();
  Value correct = CountCorrectOp::create(b, loc, f32, f.logits, labels);
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  Value penalty = (f.penalty && kind != Kind::Eval) ? f.penalty : zero;
  Value loss = kind == Kind::Eval
                   ? ce
                   : arith::AddFOp::create(b, loc, ce, penalty).getResult();
  Value statsValue = stats(loc, loss, correct, ce, penalty);

  SmallVector<Value> results;
  if (kind == Kind::Eval)
    results.push_back(f.logits); // what an embedding program predicts with
  if (kind != Kind::Eval) {
    FailureOr<SmallVector<Value>> grads = gradients(loc, loss, params);
    if (failed(grads))
      return failure();
    if (kind != Kind::Train)
      results.append(*grads);
    else
      results.append(updates(loc, params, *grads, state, lr, step));
  }
  results.push_back(statsValue);
  func::ReturnOp::create(b, loc, results);
  func->setFunctionType(b.getFunctionType(
      func->getArgumentTypes(), ValueRange(results).getTypes()));
  SmallVector<DictionaryAttr> resultAttrs(results.size(),
                                          DictionaryAttr::get(b.getContext()));
  resultAttrs.back() = b.getDictionaryAttr(
      b.getNamedAttr(attrs::kStats, b.getUnitAttr()));
  func->setAllResultAttrs(resultAttrs);
  return success();
}

/// @apply_step(params..., state..., grads..., lr[, step])
///   -> (params'..., state'..., stats): the train step's update, from
/// gradients computed elsewhere (the mean of the ranks' @local_step
/// gradients). Its stats are zeros but for the counters -logbtq-quantize
/// adds.
LogicalResult StepBuilder::buildApplyStep() {
  Location loc = sig.func.getLoc();
  if (module.lookupSymbol("apply_step"))
    return module.emitError("the module already has a @apply_step");
  StepSignature args(b, sig);
  args.addParams();
  args.addPerParam(attrs::kMomentum, optimizer.slots());
  args.addPerParam(attrs::kGradient);
  args.add(b.getF32Type(), attrs::kLr);
  if (optimizer.needsStep())
    args.add(b.getI64Type(), attrs::kStep);
  func::FuncOp func = args.create(module, "apply_step");
  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);
  size_t n = sig.params.size();
  auto values = body->getArguments();
  SmallVector<Value> params(values.take_front(n));
  SmallVector<Value> state(values.slice(n, n * optimizer.slots()));
  SmallVector<Value> grads(values.slice(n * (1 + optimizer.slots()), n));
  size_t next = n * (2 + optimizer.slots());
  Value lr = values[next++];
  Value step = optimizer.needsStep() ? values[next++] : Value();
  statisticUpdates.clear();
  SmallVector<Value> results = updates(loc, params, grads, state, lr, step);
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  results.push_back(stats(loc, zero, zero, zero, zero));
  func::ReturnOp::create(b, loc, results);
  func.setFunctionType(b.getFunctionType(func.getArgumentTypes(),
                                         ValueRange(results).getTypes()));
  SmallVector<DictionaryAttr> resultAttrs(results.size(),
                                          DictionaryAttr::get(b.getContext()));
  resultAttrs.back() =
      b.getDictionaryAttr(b.getNamedAttr(attrs::kStats, b.getUnitAttr()));
  func.setAllResultAttrs(resultAttrs);
  return success();
}

struct BuildTrainingPass
    : logbtq::impl::LogBTQBuildTrainingBase<BuildTrainingPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto forward = module.lookupSymbol<func::FuncOp>("forward");
    if (!forward) {
      module.emitError("-logbtq-build-training needs a func.func @forward");
      return signalPassFailure();
    }
    if (momentum < 0 || momentum >= 1 || weightDecay < 0 ||
        !(clipGradNorm >= 0) || beta1 < 0 || beta1 >= 1 || beta2 < 0 ||
        beta2 >= 1 || !(eps > 0)) {
      forward.emitError("momentum, beta1 and beta2 must be in [0, 1), weight "
                        "decay and clip-grad-norm >= 0, eps > 0");
      return signalPassFailure();
    }
    FailureOr<ForwardSignature> sig = ForwardSignature::analyze(forward);
    if (failed(sig))
      return signalPassFailure();
    if (!freezeBatchNormStats)
      sig->findTrainingNorms();
    if (!sig->trainingNorms.empty())
      recordTrainingOption(module, "batch_norm_train",
                           double(sig->trainingNorms.size()));
    OptimizerSettings settings{optimizer, momentum, weightDecay,
                               clipGradNorm, beta1, beta2, eps,
                               weightDecayAll};
    recordTrainingOption(module, "weight_decay", weightDecay);
    if (weightDecayAll && weightDecay > 0)
      recordTrainingOption(module, "weight_decay_all", 1);
    if (optimizer == OptimizerKind::SGD) {
      recordTrainingOption(module, "momentum", momentum);
    } else {
      recordTrainingOption(module, "optimizer",
                           optimizer == OptimizerKind::Adam ? 1 : 2);
      recordTrainingOption(module, "beta1", beta1);
      recordTrainingOption(module, "beta2", beta2);
      recordTrainingOption(module, "eps", eps);
    }
    if (clipGradNorm > 0)
      recordTrainingOption(module, "clip_grad_norm", clipGradNorm);
    if (loss != LossKind::SoftmaxCrossEntropy)
      recordTrainingOption(module, "loss", double(int(LossKind(loss))));
    if (ranks > 0 && !sig->trainingNorms.empty()) {
      // Each rank would normalize with its own share's statistics and keep
      // running statistics of its own.
      forward.emitError("ranks: a batch norm that trains on the batch's "
                        "statistics cannot be trained data-parallel yet; "
                        "freeze-batch-norm-stats keeps every batch norm in "
                        "its stored form");
      return signalPassFailure();
    }
    if (ranks > 0)
      recordTrainingOption(module, "ranks", double(ranks));
    StepBuilder steps(module, *sig, settings, loss);
    if (failed(steps.buildTrainStep()) || failed(steps.buildGradStep()) ||
        failed(steps.buildEvalStep()))
      return signalPassFailure();
    if (ranks > 0 &&
        (failed(steps.buildLocalStep()) || failed(steps.buildApplyStep())))
      return signalPassFailure();
  }
};

} // namespace
