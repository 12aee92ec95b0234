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
#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h"
#include "logbtq/Numerics/MU8.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/TypeUtilities.h"

namespace mlir::logbtq {
#define GEN_PASS_DEF_LOGBTQQUANTIZE
#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h.inc"
} // namespace mlir::logbtq

using namespace mlir;
using namespace mlir::logbtq;
namespace mu8 = ::logbtq::mu8;

namespace {

/// Kinds of stored tensors, as the stats vector counts them.
enum class Kind { Weight, Activation, Gradient, Momentum };

/// Results that only move or select values of their input: codes of the
/// input's range already, so rounding them again would change nothing (or,
/// for a per-tensor range, shrink the range and round twice).
bool preservesValues(Operation *op) {
  return isa<ReshapeOp, TransposeOp, ReluOp, MaxPool2DOp, ConcatOp, SliceOp>(
      op);
}

/// Ops whose results are not stored tensors: losses, counts, penalties,
/// the update (handled on its own), and what the pass itself inserts.
bool isExempt(Operation *op) {
  return isa<BarrierOp, BarrierGradOp, SoftmaxCrossEntropyOp, CountCorrectOp,
             SGDUpdateOp, QuantizeOp, DecodeOp, EncodeOp, RangeExponentOp,
             IntegerKernelOp, BitcastOp>(op);
}

/// The smallest range exponent >= `floor` that holds `values`.
int rangeFor(ArrayRef<float> values, int floor) {
  float largest = 0;
  for (float v : values)
    largest = std::max(largest, std::fabs(v));
  int e = floor;
  while (e < mu8::kMaxExponent && largest > std::ldexp(1.0f, e))
    ++e;
  return e;
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
      : func(func), options(options), b(func.getContext()) {}

  LogicalResult run();

private:
  /// q = quantize(v) at the range its kind needs, then decode; returns the
  /// decoded value.
  Value store(Location loc, Value v, Kind kind, bool logits);
  void count(Kind kind, Value saturated, Value zeros, Value v);
  void formIntegerKernels();
  Value buildStats(Location loc, Value oldStats);
  /// A decoded parameter argument.
  bool isParameter(Value v) {
    auto decode = v.getDefiningOp<DecodeOp>();
    auto arg = decode ? dyn_cast<BlockArgument>(decode.getInput()) : nullptr;
    return arg && arg.getOwner() == &func.getBody().front() &&
           func.getArgAttr(arg.getArgNumber(), "logbtq.param");
  }
  Value constantI32(Location loc, int64_t v) {
    return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
  }

  func::FuncOp func;
  const LogBTQQuantizeOptions &options;
  OpBuilder b;
  Counters counters;
  DenseSet<Value> gradients;
  DenseSet<Value> logits;
};

void StepQuantizer::count(Kind kind, Value saturated, Value zeros, Value v) {
  unsigned k = static_cast<unsigned>(kind);
  counters.saturated[k].push_back(saturated);
  counters.encoded[k] += cast<ShapedType>(v.getType()).getNumElements();
  if (kind == Kind::Activation)
    counters.zeros.push_back(zeros);
}

Value StepQuantizer::store(Location loc, Value v, Kind kind, bool isLogits) {
  auto type = cast<RankedTensorType>(v.getType());
  MLIRContext *ctx = b.getContext();
  Value exponent;
  MU8Type element;
  bool dynamic = kind == Kind::Gradient ||
                 (kind == Kind::Activation && options.dynamicActivations);
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
    if (isa<MatmulOp, Conv2DOp, Conv2DGradInputOp, Conv2DGradFilterOp>(op) &&
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
  SmallVector<Value> entries;
  auto statsType = cast<RankedTensorType>(oldStats.getType());
  for (int64_t i = 0; i < statsType.getDimSize(0) && i < 4; ++i) {
    Value index = arith::ConstantIndexOp::create(b, loc, i);
    entries.push_back(tensor::ExtractOp::create(b, loc, oldStats, index));
  }
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  entries.resize(4, zero);
  auto sum = [&](ArrayRef<Value> values) -> Value {
    Value total = constantI32(loc, 0);
    for (Value v : values)
      total = arith::AddIOp::create(b, loc, total, v);
    return arith::SIToFPOp::create(b, loc, f32, total);
  };
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(float(v)));
  };
  for (unsigned k = 0; k < 4; ++k)
    entries.push_back(sum(counters.saturated[k]));
  entries.push_back(sum(counters.overflows));
  for (unsigned k = 0; k < 4; ++k)
    entries.push_back(constant(counters.encoded[k]));
  entries.push_back(constant(counters.accumulators));
  entries.push_back(sum(counters.zeros));
  entries.push_back(zero);
  return tensor::FromElementsOp::create(
      b, loc, RankedTensorType::get({int64_t(entries.size())}, f32), entries);
}

LogicalResult StepQuantizer::run() {
  MLIRContext *ctx = func.getContext();
  Block &body = func.getBody().front();
  Location loc = func.getLoc();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  bool isTrain = func.getSymName() == "train_step";

  // Arguments by role.
  SmallVector<unsigned> params, momenta;
  std::optional<unsigned> input;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    if (func.getArgAttr(i, "logbtq.param"))
      params.push_back(i);
    else if (func.getArgAttr(i, "logbtq.momentum"))
      momenta.push_back(i);
    else if (func.getArgAttr(i, "logbtq.input"))
      input = i;
  }
  if (!input)
    return func.emitError("-logbtq-quantize: @")
           << func.getSymName() << " has no logbtq.input argument";
  for (auto ce : body.getOps<SoftmaxCrossEntropyOp>())
    logits.insert(ce.getLogits());

  b.setInsertionPointToStart(&body);
  // Parameters: MU8 at a fixed range, decoded once at entry.
  SmallVector<int> paramRanges;
  SmallVector<Value> paramDecoded;
  for (unsigned index : params) {
    BlockArgument arg = body.getArgument(index);
    auto type = cast<RankedTensorType>(arg.getType());
    int e = options.weightRange;
    if (auto init = func.getArgAttrOfType<DenseF32ResourceElementsAttr>(
            index, "logbtq.init"))
      if (std::optional<ArrayRef<float>> data = init.tryGetAsArrayRef())
        e = rangeFor(*data, e);
    paramRanges.push_back(e);
    func.setArgAttr(index, "logbtq.range", b.getI32IntegerAttr(e));
    arg.setType(RankedTensorType::get(type.getShape(), MU8Type::get(ctx, e)));
    Value decoded = DecodeOp::create(b, loc, type, arg, Value());
    arg.replaceAllUsesExcept(decoded, decoded.getDefiningOp());
    paramDecoded.push_back(decoded);
  }
  // Momenta: MU8 of a dynamic range; the exponents come in one i32 tensor.
  Value ranges, step;
  SmallVector<Value> momentumExponents;
  if (isTrain) {
    auto rangesType =
        RankedTensorType::get({int64_t(momenta.size())}, b.getI32Type());
    ranges = body.addArgument(rangesType, loc);
    step = body.addArgument(b.getI64Type(), loc);
    for (auto [i, index] : llvm::enumerate(momenta)) {
      BlockArgument arg = body.getArgument(index);
      auto type = cast<RankedTensorType>(arg.getType());
      Value e = tensor::ExtractOp::create(
          b, loc, ranges, ValueRange{arith::ConstantIndexOp::create(b, loc, i)});
      momentumExponents.push_back(e);
      arg.setType(RankedTensorType::get(type.getShape(),
                                        MU8Type::getDynamic(ctx)));
      Value decoded = DecodeOp::create(b, loc, type, arg, e);
      arg.replaceAllUsesExcept(decoded, decoded.getDefiningOp());
    }
  }
  // The data input: quantized on entry (its barrier reads the raw values).
  {
    BlockArgument x = body.getArgument(*input);
    Value decoded = store(loc, x, Kind::Activation, false);
    x.replaceUsesWithIf(decoded, [&](OpOperand &use) {
      Operation *user = use.getOwner();
      return !isa<QuantizeOp, RangeExponentOp, BarrierOp>(user) &&
             user->getBlock() == &body;
    });
  }

  // Every computed tensor, in program order.
  SmallVector<Operation *> ops;
  for (Operation &op : body.without_terminator())
    if (isa<LogBTQDialect>(op.getDialect()) && !isExempt(&op))
      ops.push_back(&op);
  for (Operation *op : ops) {
    bool isGradient =
        isa<SoftmaxCrossEntropyGradOp, ReduceSumOp>(op) ||
        op->getName().getStringRef().ends_with("_grad") ||
        llvm::any_of(op->getOperands(),
                     [&](Value v) { return gradients.contains(v); });
    b.setInsertionPointAfter(op);
    DecodeOp source = op->getNumOperands() == 1
                          ? op->getOperand(0).getDefiningOp<DecodeOp>()
                          : DecodeOp();
    if (preservesValues(op) && source) {
      // Codes of the input's range already: encoding them again at that
      // range is exact, and gives the integer kernels codes to read.
      Value r = op->getResult(0);
      auto type = cast<RankedTensorType>(r.getType());
      Type element = getElementTypeOrSelf(source.getInput().getType());
      auto q = QuantizeOp::create(
          b, op->getLoc(), RankedTensorType::get(type.getShape(), element),
          b.getI32Type(), b.getI32Type(), r, source.getExponent(), Value());
      count(isGradient ? Kind::Gradient : Kind::Activation, q.getSaturated(),
            q.getZeros(), r);
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
      Value decoded = store(op->getLoc(), r,
                            isGradient ? Kind::Gradient : Kind::Activation,
                            logits.contains(r));
      r.replaceUsesWithIf(decoded, [&](OpOperand &use) {
        return !isa<QuantizeOp, RangeExponentOp, BarrierOp>(use.getOwner());
      });
    }
  }
  // Updates: stochastic rounding of weights and momenta, keyed by the step.
  SmallVector<Value> newRanges(momentumExponents);
  if (isTrain) {
    Type i64 = b.getI64Type();
    auto seedFor = [&](Location l, int64_t stream) -> Value {
      Value scaled = arith::MulIOp::create(
          b, l, step, arith::ConstantIntOp::create(b, l, i64, 65536));
      return arith::AddIOp::create(
          b, l, scaled, arith::ConstantIntOp::create(b, l, i64, stream));
    };
    for (auto update : llvm::to_vector(body.getOps<SGDUpdateOp>())) {
      Location l = update.getLoc();
      b.setInsertionPointAfter(update);
      // Which parameter: the update reads its decoded value.
      auto it = llvm::find(paramDecoded, update.getParam());
      if (it == paramDecoded.end())
        return update.emitError("-logbtq-quantize: the update's parameter is "
                                "not a parameter argument");
      unsigned i = it - paramDecoded.begin();
      auto paramType = cast<RankedTensorType>(update.getNewParam().getType());
      auto wq = QuantizeOp::create(
          b, l,
          RankedTensorType::get(paramType.getShape(),
                                MU8Type::get(ctx, paramRanges[i])),
          b.getI32Type(), b.getI32Type(), update.getNewParam(), Value(),
          seedFor(l, 2 * i));
      count(Kind::Weight, wq.getSaturated(), wq.getZeros(),
            update.getNewParam());
      Value me = RangeExponentOp::create(b, l, b.getI32Type(), update.getNewMomentum());
      auto mq = QuantizeOp::create(
          b, l,
          RankedTensorType::get(paramType.getShape(), MU8Type::getDynamic(ctx)),
          b.getI32Type(), b.getI32Type(), update.getNewMomentum(), me,
          seedFor(l, 2 * i + 1));
      count(Kind::Momentum, mq.getSaturated(), mq.getZeros(),
            update.getNewMomentum());
      newRanges[i] = me;
      // The returned values: codes, not floats.
      for (OpOperand &operand : ret->getOpOperands()) {
        if (operand.get() == update.getNewParam())
          operand.set(wq.getResult());
        else if (operand.get() == update.getNewMomentum())
          operand.set(mq.getResult());
      }
    }
  }
  // Frozen parameters and momenta are returned as they came in.
  for (OpOperand &operand : ret->getOpOperands())
    if (auto decode = operand.get().getDefiningOp<DecodeOp>())
      if (isa<BlockArgument>(decode.getInput()) &&
          isa<MU8Type>(
              cast<ShapedType>(decode.getInput().getType()).getElementType()) &&
          func.getSymName() != "grad_step")
        operand.set(decode.getInput());

  if (options.integerKernels)
    formIntegerKernels();

  // Results: [params, momenta, ranges,] stats.
  b.setInsertionPoint(ret);
  SmallVector<Value> results(ret.getOperands());
  Value oldStats = results.pop_back_val();
  if (isTrain)
    results.push_back(tensor::FromElementsOp::create(
        b, loc,
        RankedTensorType::get({int64_t(newRanges.size())}, b.getI32Type()),
        newRanges));
  bool isEval = func.getSymName() == "eval_step";
  results.push_back(isEval ? oldStats : buildStats(loc, oldStats));
  func::ReturnOp::create(b, ret.getLoc(), results);
  ret.erase();

  // The signature.
  SmallVector<Type> argTypes(body.getArgumentTypes());
  SmallVector<Type> resultTypes(ValueRange(results).getTypes());
  SmallVector<DictionaryAttr> argAttrs, resultAttrs;
  func.getAllArgAttrs(argAttrs);
  func.getAllResultAttrs(resultAttrs);
  func.setFunctionType(FunctionType::get(ctx, argTypes, resultTypes));
  if (isTrain) {
    argAttrs.push_back(b.getDictionaryAttr(
        b.getNamedAttr("logbtq.ranges", b.getUnitAttr())));
    argAttrs.push_back(
        b.getDictionaryAttr(b.getNamedAttr("logbtq.step", b.getUnitAttr())));
    DictionaryAttr statsAttr = resultAttrs.back();
    resultAttrs.back() = b.getDictionaryAttr(
        b.getNamedAttr("logbtq.ranges", b.getUnitAttr()));
    resultAttrs.push_back(statsAttr);
  }
  func.setAllArgAttrs(argAttrs);
  func.setAllResultAttrs(resultAttrs);
  return success();
}

struct QuantizePass : mlir::logbtq::impl::LogBTQQuantizeBase<QuantizePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (format == "f32")
      return;
    if (format != "mu8") {
      module.emitError("-logbtq-quantize: unknown format '")
          << format << "' (mu8 or f32)";
      return signalPassFailure();
    }
    for (int e : {int(weightRange), int(activationRange), int(outputRange)})
      if (!mu8::isValidExponent(e)) {
        module.emitError("-logbtq-quantize: range exponent ")
            << e << " is outside [" << mu8::kMinExponent << ", "
            << mu8::kMaxExponent << "]";
        return signalPassFailure();
      }
    LogBTQQuantizeOptions options{format, weightRange, activationRange,
                                  outputRange, dynamicActivations,
                                  integerKernels};
    bool any = false;
    for (StringRef name : {"train_step", "grad_step", "eval_step"}) {
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
    module->setAttr("logbtq.quant", StringAttr::get(&getContext(), "mu8"));
    module->setAttr("logbtq.weight_range",
                    IntegerAttr::get(IntegerType::get(&getContext(), 32),
                                     int(weightRange)));
  }
};

} // namespace
