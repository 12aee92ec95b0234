//===- Quantize.cpp - MU8 storage for every tensor of the training steps --===//
//
// See the pass description in Passes.td and docs/Quantization.md. The steps
// are straight-line code, so one walk in program order sees every producer
// before its users: it inserts quantize + decode after each computed
// tensor, then wraps the products of decoded operands into integer kernels,
// then rebuilds the signature and the stats vector.
//
//===----------------------------------------------------------------------===//

#include "Layers.h"

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQAttributes.h"
#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h"
#include "logbtq/Numerics/MU8.h"
#include "logbtq/Runtime/TrainerABI.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/TypeUtilities.h"

namespace mlir::logbtq {
#define GEN_PASS_DEF_LOGBTQQUANTIZE
#define GEN_PASS_DEF_LOGBTQQUANTIZEFORWARD
#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h.inc"
} // namespace mlir::logbtq

using namespace mlir;
using namespace mlir::logbtq;
namespace mu8 = ::logbtq::mu8;

namespace {

/// Kinds of stored tensors, as the stats vector counts them.
enum class Kind { Weight, Activation, Gradient, Momentum };

/// Where the stats vector (TrainerABI.h) counts the encodes of each kind:
/// the saturated ones, and all of them.
struct StatSlots {
  LogbtqStat saturated, encoded;
};
StatSlots statSlots(Kind kind) {
  switch (kind) {
  case Kind::Weight:
    return {LOGBTQ_STAT_SAT_WEIGHTS, LOGBTQ_STAT_ENC_WEIGHTS};
  case Kind::Activation:
    return {LOGBTQ_STAT_SAT_ACTIVATIONS, LOGBTQ_STAT_ENC_ACTIVATIONS};
  case Kind::Gradient:
    return {LOGBTQ_STAT_SAT_GRADIENTS, LOGBTQ_STAT_ENC_GRADIENTS};
  case Kind::Momentum:
    return {LOGBTQ_STAT_SAT_MOMENTUM, LOGBTQ_STAT_ENC_MOMENTUM};
  }
  llvm_unreachable("unknown kind");
}

/// Ops whose results are not stored tensors: losses, counts, penalties,
/// the update (handled on its own), and what the pass itself inserts.
bool isExempt(Operation *op) {
  return isa<BarrierOp, BarrierGradOp, SoftmaxCrossEntropyOp, TargetLossOp,
             CountCorrectOp, SGDUpdateOp, AdamUpdateOp,
             RunningStatsUpdateOp, QuantizeOp, DecodeOp, EncodeOp,
             RangeExponentOp,
             IntegerKernelOp, BitcastOp>(op);
}

/// The smallest range exponent >= `floor` that holds `values`.
int rangeFor(ArrayRef<float> values, int floor) {
  return mu8::rangeExponentFor(values.data(), values.size(), floor);
}

struct Counters {
  SmallVector<Value> saturated[4];
  int64_t encoded[4] = {0, 0, 0, 0};
  SmallVector<Value> zeros; // activation codes equal to 0
  SmallVector<Value> overflows;
  int64_t accumulators = 0;
};

class StepQuantizer {
public:
  StepQuantizer(func::FuncOp func, const LogBTQQuantizeOptions &options)
      : func(func), body(func.getBody().front()), options(options),
        b(func.getContext()), isTrain(func.getSymName() == "train_step" ||
                                      func.getSymName() == "apply_step"),
        hasInput(func.getSymName() != "apply_step"),
        returnsCodes(func.getSymName() == "local_step"),
        isForward(func.getSymName() == "forward") {}

  LogicalResult run();

private:
  LogicalResult findArguments();
  void addRangesArgument();
  void quantizeParameters();
  void quantizeMomenta();
  void quantizeInput();
  void quantizeComputedTensors();
  LogicalResult quantizeUpdates();
  void returnUnchangedArguments();
  void formIntegerKernels();
  void rebuildReturn();

  /// q = quantize(v) at the range its kind needs (a range of its own each
  /// step when `dynamic`), then decode; returns the decoded value.
  Value store(Location loc, Value v, Kind kind, bool logits,
              bool dynamic = false);
  void count(Kind kind, Value saturated, Value zeros, Value v);
  Value buildStats(Location loc, Value oldStats);
  /// A decoded parameter argument.
  bool isParameter(Value v) {
    auto decode = v.getDefiningOp<DecodeOp>();
    Value stored = decode ? decode.getInput() : Value();
    // @forward stores an f32 parameter argument on entry.
    if (auto q = stored ? stored.getDefiningOp<QuantizeOp>() : QuantizeOp())
      stored = q.getInput();
    auto arg = dyn_cast_or_null<BlockArgument>(stored);
    return arg && arg.getOwner() == &body &&
           func.getArgAttr(arg.getArgNumber(), attrs::kParam);
  }
  Value constantI32(Location loc, int64_t v) {
    return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
  }

  func::FuncOp func;
  Block &body;
  const LogBTQQuantizeOptions &options;
  OpBuilder b;
  /// The step updates parameters and state (train and apply steps).
  bool isTrain;
  /// The step reads data (every step but apply, whose gradients come in).
  bool hasInput;
  /// The step returns its gradients as codes and range exponents (local).
  bool returnsCodes;
  /// @forward alone (an inference run): parameters and inputs stay f32
  /// arguments, stored as MU8 on entry; no stats vector.
  bool isForward;
  Counters counters;
  DenseSet<Value> gradients;
  DenseSet<Value> logits;

  // Arguments by role (indices), found by findArguments.
  SmallVector<unsigned> params, momenta, inputs;
  // Per parameter: its fixed range exponent (a statistic's initial one),
  // its decoded value, and for a statistic its place among the statistics.
  SmallVector<int> paramRanges;
  SmallVector<Value> paramDecoded;
  SmallVector<std::optional<unsigned>> statisticIndex;
  unsigned numStatistics = 0;
  // The range exponents in (momenta of the train step, then statistics) and
  // out; the step (an argument of its own already when the optimizer reads
  // it).
  Value rangesArg, stepArg;
  bool addedStepArg = false;
  SmallVector<Value> momentumExponents, newMomentumExponents;
  SmallVector<Value> statisticExponents, newStatisticExponents;
};

void StepQuantizer::count(Kind kind, Value saturated, Value zeros, Value v) {
  unsigned k = static_cast<unsigned>(kind);
  counters.saturated[k].push_back(saturated);
  counters.encoded[k] += cast<ShapedType>(v.getType()).getNumElements();
  if (kind == Kind::Activation)
    counters.zeros.push_back(zeros);
}

Value StepQuantizer::store(Location loc, Value v, Kind kind, bool isLogits,
                          bool dynamic) {
  auto type = cast<RankedTensorType>(v.getType());
  MLIRContext *ctx = b.getContext();
  Value exponent;
  MU8Type element;
  dynamic |= kind == Kind::Gradient ||
             (kind == Kind::Activation && options.dynamicRanges);
  if (dynamic) {
    exponent = RangeExponentOp::create(b, loc, b.getI32Type(), v);
    element = MU8Type::getDynamic(ctx);
  } else {
    element = MU8Type::get(ctx, isLogits ? int(options.outputRange)
                                         : int(options.activationRange));
  }
  auto codesType = RankedTensorType::get(type.getShape(), element);
  auto q = QuantizeOp::create(b, loc, codesType, b.getI32Type(),
                              b.getI32Type(), v, exponent, Value());
  count(kind, q.getSaturated(), q.getZeros(), v);
  Value decoded = DecodeOp::create(b, loc, type, q.getResult(), exponent);
  if (kind == Kind::Gradient)
    gradients.insert(decoded);
  return decoded;
}

void StepQuantizer::formIntegerKernels() {
  SmallVector<Operation *> products;
  func.walk([&](Operation *op) {
    if (isa<MatmulOp, BatchMatmulOp, Conv2DOp, Conv2DGradInputOp,
            Conv2DGradFilterOp>(op) &&
        llvm::all_of(op->getOperands(), [](Value v) {
          return v.getDefiningOp<DecodeOp>() != nullptr;
        }))
      products.push_back(op);
  });
  for (Operation *op : products) {
    Location loc = op->getLoc();
    b.setInsertionPoint(op);
    SmallVector<Value> inputs, exponents;
    for (Value operand : op->getOperands()) {
      auto decode = operand.getDefiningOp<DecodeOp>();
      inputs.push_back(decode.getInput());
      if (decode.getExponent())
        exponents.push_back(decode.getExponent());
    }
    Type resultType = op->getResult(0).getType();
    auto kernel = IntegerKernelOp::create(b, loc, resultType, b.getI32Type(),
                                          inputs, exponents);
    Block *body = b.createBlock(&kernel.getBody());
    IRMapping mapping;
    for (Value operand : op->getOperands())
      mapping.map(operand, body->addArgument(operand.getType(), loc));
    Operation *clone = b.clone(*op, mapping);
    YieldOp::create(b, loc, clone->getResult(0));
    op->getResult(0).replaceAllUsesWith(kernel.getResult());
    op->erase();
    counters.overflows.push_back(kernel.getOverflows());
    counters.accumulators +=
        cast<ShapedType>(resultType).getNumElements();
  }
}

Value StepQuantizer::buildStats(Location loc, Value oldStats) {
  Type f32 = b.getF32Type();
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  SmallVector<Value> entries(LOGBTQ_NUM_STATS, zero);
  // Loss, correct, cross-entropy and barrier come from -logbtq-build-training.
  auto statsType = cast<RankedTensorType>(oldStats.getType());
  for (int64_t i = 0; i < statsType.getDimSize(0) && i <= LOGBTQ_STAT_BARRIER;
       ++i)
    entries[i] = tensor::ExtractOp::create(
        b, loc, oldStats, ValueRange{arith::ConstantIndexOp::create(b, loc, i)});
  auto sum = [&](ArrayRef<Value> values) -> Value {
    Value total = constantI32(loc, 0);
    for (Value v : values)
      total = arith::AddIOp::create(b, loc, total, v);
    return arith::SIToFPOp::create(b, loc, f32, total);
  };
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(float(v)));
  };
  for (Kind kind :
       {Kind::Weight, Kind::Activation, Kind::Gradient, Kind::Momentum}) {
    unsigned k = static_cast<unsigned>(kind);
    entries[statSlots(kind).saturated] = sum(counters.saturated[k]);
    entries[statSlots(kind).encoded] = constant(counters.encoded[k]);
  }
  entries[LOGBTQ_STAT_ACC_OVERFLOW] = sum(counters.overflows);
  entries[LOGBTQ_STAT_ACC_OUTPUTS] = constant(counters.accumulators);
  entries[LOGBTQ_STAT_ZERO_ACTIVATIONS] = sum(counters.zeros);
  return tensor::FromElementsOp::create(
      b, loc, RankedTensorType::get({int64_t(entries.size())}, f32), entries);
}

LogicalResult StepQuantizer::findArguments() {
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    if (func.getArgAttr(i, attrs::kParam)) {
      params.push_back(i);
      bool statistic = bool(func.getArgAttr(i, attrs::kStatistic));
      statisticIndex.push_back(statistic ? std::optional<unsigned>(
                                               numStatistics++)
                                         : std::nullopt);
    }
    else if (func.getArgAttr(i, attrs::kMomentum))
      momenta.push_back(i);
    else if (func.getArgAttr(i, attrs::kInput))
      inputs.push_back(i);
    else if (func.getArgAttr(i, attrs::kStep))
      stepArg = body.getArgument(i);
  }
  if (inputs.empty() && hasInput)
    return func.emitError("-logbtq-quantize: @")
           << func.getSymName() << " has no " << attrs::kInput << " argument";
  if (inputs.size() > 1 && !isForward)
    return func.emitError("-logbtq-quantize: @")
           << func.getSymName() << " has " << inputs.size() << " "
           << attrs::kInput << " arguments; a step reads one";
  return success();
}

/// One i32 tensor of range exponents: the momenta's (train step), then the
/// statistics'.
void StepQuantizer::addRangesArgument() {
  int64_t count = int64_t(momenta.size()) + numStatistics;
  rangesArg = body.addArgument(RankedTensorType::get({count}, b.getI32Type()),
                               func.getLoc());
}

/// Parameters: MU8 at a fixed range, decoded once at entry; statistics at
/// the range that comes with them.
void StepQuantizer::quantizeParameters() {
  MLIRContext *ctx = func.getContext();
  Location loc = func.getLoc();
  for (auto [i, index] : llvm::enumerate(params)) {
    BlockArgument arg = body.getArgument(index);
    auto type = cast<RankedTensorType>(arg.getType());
    int e = options.weightRange;
    if (std::optional<std::vector<float>> data =
            attrs::readInitialValues(func.getArgAttr(index, attrs::kInit)))
      e = rangeFor(*data, e);
    paramRanges.push_back(e);
    func.setArgAttr(index, attrs::kRange, b.getI32IntegerAttr(e));
    Value exponent;
    MU8Type element = MU8Type::get(ctx, e);
    if (isForward) {
      // The run passes f32 values: stored as MU8 on entry, at the range the
      // trainer would store them at.
      auto q = QuantizeOp::create(
          b, loc, RankedTensorType::get(type.getShape(), element),
          b.getI32Type(), b.getI32Type(), arg, Value(), Value());
      Value decoded = DecodeOp::create(b, loc, type, q.getResult(), Value());
      arg.replaceAllUsesExcept(decoded, q.getOperation());
      paramDecoded.push_back(decoded);
      continue;
    }
    if (std::optional<unsigned> k = statisticIndex[i]) {
      exponent = tensor::ExtractOp::create(
          b, loc, rangesArg,
          ValueRange{arith::ConstantIndexOp::create(b, loc,
                                                    momenta.size() + *k)});
      statisticExponents.push_back(exponent);
      element = MU8Type::getDynamic(ctx);
    }
    arg.setType(RankedTensorType::get(type.getShape(), element));
    Value decoded = DecodeOp::create(b, loc, type, arg, exponent);
    arg.replaceAllUsesExcept(decoded, decoded.getDefiningOp());
    paramDecoded.push_back(decoded);
  }
  newStatisticExponents = statisticExponents;
}

/// Momenta: MU8 of a dynamic range; the exponents come in one i32 tensor.
void StepQuantizer::quantizeMomenta() {
  MLIRContext *ctx = func.getContext();
  Location loc = func.getLoc();
  if (!stepArg) {
    stepArg = body.addArgument(b.getI64Type(), loc);
    addedStepArg = true;
  }
  for (auto [i, index] : llvm::enumerate(momenta)) {
    BlockArgument arg = body.getArgument(index);
    auto type = cast<RankedTensorType>(arg.getType());
    Value e = tensor::ExtractOp::create(
        b, loc, rangesArg,
        ValueRange{arith::ConstantIndexOp::create(b, loc, i)});
    momentumExponents.push_back(e);
    arg.setType(
        RankedTensorType::get(type.getShape(), MU8Type::getDynamic(ctx)));
    Value decoded = DecodeOp::create(b, loc, type, arg, e);
    arg.replaceAllUsesExcept(decoded, decoded.getDefiningOp());
  }
  newMomentumExponents = momentumExponents;
}

/// The data inputs: quantized on entry (a barrier reads the raw values).
void StepQuantizer::quantizeInput() {
  for (unsigned input : inputs) {
    BlockArgument x = body.getArgument(input);
    Value decoded = store(func.getLoc(), x, Kind::Activation, false);
    x.replaceUsesWithIf(decoded, [&](OpOperand &use) {
      Operation *user = use.getOwner();
      return !isa<QuantizeOp, RangeExponentOp, BarrierOp>(user) &&
             user->getBlock() == &body;
    });
  }
}

/// Every computed tensor, in program order.
void StepQuantizer::quantizeComputedTensors() {
  SmallVector<Operation *> ops;
  for (Operation &op : body.without_terminator())
    if (isa<LogBTQDialect>(op.getDialect()) && !isExempt(&op))
      ops.push_back(&op);
  for (Operation *op : ops) {
    bool isGradient =
        op->hasTrait<OpTrait::logbtq::ComputesGradient>() ||
        llvm::any_of(op->getOperands(),
                     [&](Value v) { return gradients.contains(v); });
    Kind kind = isGradient ? Kind::Gradient : Kind::Activation;
    b.setInsertionPointAfter(op);
    DecodeOp source = op->getNumOperands() == 1
                          ? op->getOperand(0).getDefiningOp<DecodeOp>()
                          : DecodeOp();
    if (op->hasTrait<OpTrait::logbtq::SelectsInputValues>() && source) {
      // Codes of the input's range already: encoding them again at that
      // range is exact, and gives the integer kernels codes to read.
      Value r = op->getResult(0);
      auto type = cast<RankedTensorType>(r.getType());
      Type element = getElementTypeOrSelf(source.getInput().getType());
      auto q = QuantizeOp::create(
          b, op->getLoc(), RankedTensorType::get(type.getShape(), element),
          b.getI32Type(), b.getI32Type(), r, source.getExponent(), Value());
      count(kind, q.getSaturated(), q.getZeros(), r);
      Value decoded = DecodeOp::create(b, op->getLoc(), type, q.getResult(),
                                       source.getExponent());
      if (isGradient)
        gradients.insert(decoded);
      r.replaceUsesWithIf(decoded, [&](OpOperand &use) {
        return use.getOwner() != q.getOperation() &&
               !isa<BarrierOp>(use.getOwner());
      });
      continue;
    }
    for (Value r : op->getResults()) {
      auto type = dyn_cast<RankedTensorType>(r.getType());
      // A product stored only after its bias (Layers.h).
      if (!type || !type.getElementType().isF32() ||
          feedsBiasAdd(r, [&](Value bias) { return isParameter(bias); }))
        continue;
      // A batch's per-channel statistics, and a normalization's input: no
      // barrier bounds them (Layers.h), so each gets a range of its own.
      bool unbounded = (isa<BatchNormTrainOp>(op) && r != op->getResult(0)) ||
                       isNormalizationInput(r);
      Value decoded =
          store(op->getLoc(), r, kind, logits.contains(r), unbounded);
      r.replaceUsesWithIf(decoded, [&](OpOperand &use) {
        return !isa<QuantizeOp, RangeExponentOp, BarrierOp>(use.getOwner());
      });
    }
  }
}

/// Updates: stochastic rounding of weights and momenta, keyed by the step.
/// The seed of stream `s` at step `n` is `n * 65536 + s`; parameter `i` draws
/// from stream `2i`, its momentum (Adam: first moment) from `2i + 1`, and
/// Adam's second moment (carried as its square root) from `2P + i`, P the
/// number of parameters (docs/Quantization.md). That one divides the step:
/// a nonzero value keeps at least the first level (`keep_nonzero`). A batch
/// norm's running statistic is a frozen parameter: its new value draws from
/// the parameter's stream `2i`.
LogicalResult StepQuantizer::quantizeUpdates() {
  MLIRContext *ctx = func.getContext();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  Type i64 = b.getI64Type();
  size_t numParams = params.size();
  auto seedFor = [&](Location l, int64_t stream) -> Value {
    Value scaled = arith::MulIOp::create(
        b, l, stepArg, arith::ConstantIntOp::create(b, l, i64, 65536));
    return arith::AddIOp::create(
        b, l, scaled, arith::ConstantIntOp::create(b, l, i64, stream));
  };
  // A new state tensor (slot `slot` of parameter `i`) at a range of its own.
  auto storeState = [&](Location l, Value v, unsigned i, unsigned slot) {
    auto type = cast<RankedTensorType>(v.getType());
    Value e = RangeExponentOp::create(b, l, b.getI32Type(), v);
    int64_t stream = slot == 0 ? 2 * i + 1 : 2 * numParams + i;
    auto q = QuantizeOp::create(
        b, l, RankedTensorType::get(type.getShape(), MU8Type::getDynamic(ctx)),
        b.getI32Type(), b.getI32Type(), v, e, seedFor(l, stream),
        /*keep_nonzero=*/slot == 1);
    count(Kind::Momentum, q.getSaturated(), q.getZeros(), v);
    newMomentumExponents[slot * numParams + i] = e;
    return q.getResult();
  };
  SmallVector<Operation *> updates;
  for (Operation &op : body)
    if (isa<SGDUpdateOp, AdamUpdateOp>(op))
      updates.push_back(&op);
  // Every stream below 65536, the seeds' spacing between steps: 2 per
  // parameter, 3 with Adam's second moment.
  size_t perParam = llvm::any_of(updates, llvm::IsaPred<AdamUpdateOp>) ? 3 : 2;
  if (perParam * numParams > 65536)
    return func.emitError("-logbtq-quantize: ")
           << numParams << " parameters; the update's rounding streams "
           << "allow at most " << 65536 / perParam;
  for (Operation *update : updates) {
    Location l = update->getLoc();
    b.setInsertionPointAfter(update);
    // Which parameter: the update reads its decoded value (operand 0).
    auto it = llvm::find(paramDecoded, update->getOperand(0));
    if (it == paramDecoded.end())
      return update->emitError("-logbtq-quantize: the update's parameter is "
                               "not a parameter argument");
    unsigned i = it - paramDecoded.begin();
    Value newParam = update->getResult(0);
    auto paramType = cast<RankedTensorType>(newParam.getType());
    auto wq = QuantizeOp::create(
        b, l,
        RankedTensorType::get(paramType.getShape(),
                              MU8Type::get(ctx, paramRanges[i])),
        b.getI32Type(), b.getI32Type(), newParam, Value(), seedFor(l, 2 * i));
    count(Kind::Weight, wq.getSaturated(), wq.getZeros(), newParam);
    // The returned values: codes, not floats.
    DenseMap<Value, Value> codes;
    codes[newParam] = wq.getResult();
    Value first = update->getResult(1);
    codes[first] = storeState(l, first, i, 0);
    if (update->getNumResults() == 3) {
      Value second = update->getResult(2);
      codes[second] = storeState(l, second, i, 1);
    }
    for (OpOperand &operand : ret->getOpOperands())
      if (Value c = codes.lookup(operand.get()))
        operand.set(c);
  }
  // Running statistics: a range of their own and their parameter's rounding
  // stream (they have no optimizer update of their own).
  SmallVector<RunningStatsUpdateOp> statistics(
      body.getOps<RunningStatsUpdateOp>());
  for (RunningStatsUpdateOp update : statistics) {
    Location l = update.getLoc();
    b.setInsertionPointAfter(update);
    for (unsigned k = 0; k < 2; ++k) {
      auto it = llvm::find(paramDecoded, update->getOperand(k));
      if (it == paramDecoded.end())
        return update.emitError("-logbtq-quantize: the running statistic is "
                                "not a parameter argument");
      unsigned i = it - paramDecoded.begin();
      if (!statisticIndex[i])
        return update.emitError("-logbtq-quantize: the running statistic's "
                                "parameter is not marked ")
               << attrs::kStatistic;
      Value value = update->getResult(k);
      auto type = cast<RankedTensorType>(value.getType());
      Value e = RangeExponentOp::create(b, l, b.getI32Type(), value);
      newStatisticExponents[*statisticIndex[i]] = e;
      auto q = QuantizeOp::create(
          b, l, RankedTensorType::get(type.getShape(), MU8Type::getDynamic(ctx)),
          b.getI32Type(), b.getI32Type(), value, e, seedFor(l, 2 * i));
      count(Kind::Weight, q.getSaturated(), q.getZeros(), value);
      for (OpOperand &operand : ret->getOpOperands())
        if (operand.get() == value)
          operand.set(q.getResult());
    }
  }
  return success();
}

/// Frozen parameters and momenta are returned as the codes that came in.
void StepQuantizer::returnUnchangedArguments() {
  if (func.getSymName() == "grad_step" || returnsCodes)
    return;
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  for (OpOperand &operand : ret->getOpOperands())
    if (auto decode = operand.get().getDefiningOp<DecodeOp>())
      if (isa<BlockArgument>(decode.getInput()) &&
          getMU8ElementType(decode.getInput().getType()))
        operand.set(decode.getInput());
}

/// Results: [params, momenta, ranges,] stats; and the signature to match.
void StepQuantizer::rebuildReturn() {
  MLIRContext *ctx = func.getContext();
  Location loc = func.getLoc();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  b.setInsertionPoint(ret);
  SmallVector<Value> results(ret.getOperands());
  Value oldStats = results.pop_back_val();
  if (returnsCodes) {
    // Each gradient as the codes it was stored as, then one tensor of their
    // range exponents; a frozen parameter's zeros are code 0 at range 1.
    SmallVector<Value> exponents;
    for (Value &g : results) {
      if (auto decode = g.getDefiningOp<DecodeOp>();
          decode && decode.getExponent()) {
        g = decode.getInput();
        exponents.push_back(decode.getExponent());
        continue;
      }
      auto type = cast<RankedTensorType>(g.getType());
      auto codesType = RankedTensorType::get(type.getShape(), b.getI8Type());
      g = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(codesType, int8_t(0)));
      exponents.push_back(constantI32(loc, 0));
    }
    results.push_back(tensor::FromElementsOp::create(
        b, loc,
        RankedTensorType::get({int64_t(exponents.size())}, b.getI32Type()),
        exponents));
  }
  if (isTrain) {
    SmallVector<Value> exponents(newMomentumExponents);
    llvm::append_range(exponents, newStatisticExponents);
    results.push_back(tensor::FromElementsOp::create(
        b, loc,
        RankedTensorType::get({int64_t(exponents.size())}, b.getI32Type()),
        exponents));
  }
  bool isEval = func.getSymName() == "eval_step";
  results.push_back(isEval ? oldStats : buildStats(loc, oldStats));
  func::ReturnOp::create(b, ret.getLoc(), results);
  ret.erase();

  SmallVector<Type> argTypes(body.getArgumentTypes());
  SmallVector<Type> resultTypes(ValueRange(results).getTypes());
  SmallVector<DictionaryAttr> argAttrs, resultAttrs;
  func.getAllArgAttrs(argAttrs);
  func.getAllResultAttrs(resultAttrs);
  func.setFunctionType(FunctionType::get(ctx, argTypes, resultTypes));
  if (rangesArg)
    argAttrs.push_back(
        b.getDictionaryAttr(b.getNamedAttr(attrs::kRanges, b.getUnitAttr())));
  if (isTrain || returnsCodes) {
    if (addedStepArg)
      argAttrs.push_back(
          b.getDictionaryAttr(b.getNamedAttr(attrs::kStep, b.getUnitAttr())));
    DictionaryAttr statsAttr = resultAttrs.back();
    resultAttrs.back() =
        b.getDictionaryAttr(b.getNamedAttr(attrs::kRanges, b.getUnitAttr()));
    resultAttrs.push_back(statsAttr);
  }
  func.setAllArgAttrs(argAttrs);
  func.setAllResultAttrs(resultAttrs);
}

LogicalResult StepQuantizer::run() {
  if (failed(findArguments()))
    return failure();
  for (auto ce : body.getOps<SoftmaxCrossEntropyOp>())
    logits.insert(ce.getLogits());
  for (auto loss : body.getOps<TargetLossOp>())
    logits.insert(loss.getLogits());
  // @forward's results are the model's outputs: stored at the logits' range.
  if (isForward)
    for (Value v : body.getTerminator()->getOperands())
      logits.insert(v);
  b.setInsertionPointToStart(&body);
  if (isTrain || numStatistics)
    addRangesArgument();
  quantizeParameters();
  if (isTrain)
    quantizeMomenta();
  if (hasInput) {
    quantizeInput();
    quantizeComputedTensors();
  }
  if (isTrain && failed(quantizeUpdates()))
    return failure();
  returnUnchangedArguments();
  if (options.integerKernels)
    formIntegerKernels();
  if (!isForward)
    rebuildReturn();
  return success();
}

/// Fails, at the module, on a range exponent outside MU8's.
LogicalResult checkRanges(ModuleOp module, StringRef pass,
                          std::initializer_list<int> exponents) {
  for (int e : exponents)
    if (!mu8::isValidExponent(e))
      return module.emitError()
             << pass << ": range exponent " << e << " is outside ["
             << mu8::kMinExponent << ", " << mu8::kMaxExponent << "]";
  return success();
}

struct QuantizePass : mlir::logbtq::impl::LogBTQQuantizeBase<QuantizePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (quant == NumberFormat::F32)
      return;
    if (failed(checkRanges(module, "-logbtq-quantize",
                           {weightRange, activationRange, outputRange})))
      return signalPassFailure();
    LogBTQQuantizeOptions options{quant, weightRange, activationRange,
                                  outputRange, dynamicRanges,
                                  integerKernels};
    bool any = false;
    for (StringRef name :
         {"train_step", "grad_step", "eval_step", "local_step", "apply_step"}) {
      auto func = module.lookupSymbol<func::FuncOp>(name);
      if (!func)
        continue;
      any = true;
      StepQuantizer quantizer(func, options);
      if (failed(quantizer.run()))
        return signalPassFailure();
    }
    if (!any) {
      module.emitError("-logbtq-quantize needs the steps of "
                       "-logbtq-build-training");
      return signalPassFailure();
    }
    module->setAttr(attrs::kQuant, StringAttr::get(&getContext(), "mu8"));
    module->setAttr(attrs::kWeightRange,
                    IntegerAttr::get(IntegerType::get(&getContext(), 32),
                                     int(weightRange)));
  }
};

struct QuantizeForwardPass
    : mlir::logbtq::impl::LogBTQQuantizeForwardBase<QuantizeForwardPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto forward = module.lookupSymbol<func::FuncOp>("forward");
    if (!forward) {
      module.emitError("-logbtq-quantize-forward needs a func.func @forward");
      return signalPassFailure();
    }
    if (failed(checkRanges(module, "-logbtq-quantize-forward",
                           {weightRange, activationRange, outputRange})))
      return signalPassFailure();
    LogBTQQuantizeOptions options{NumberFormat::MU8, weightRange,
                                  activationRange,   outputRange,
                                  dynamicRanges,     integerKernels};
    StepQuantizer quantizer(forward, options);
    if (failed(quantizer.run()))
      return signalPassFailure();
  }
};

} // namespace
