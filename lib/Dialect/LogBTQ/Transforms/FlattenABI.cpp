//===- FlattenABI.cpp - The runtime's flat, model-independent ABI ---------===//

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQAttributes.h"
#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h"
#include "logbtq/Dialect/LogBTQ/Transforms/TrainingOptions.h"
#include "logbtq/Numerics/MU8.h"
#include "logbtq/Runtime/TrainerABI.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::logbtq {
#define GEN_PASS_DEF_LOGBTQFLATTENABI
#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h.inc"
} // namespace mlir::logbtq

using namespace mlir;
using namespace mlir::logbtq;
namespace mu8 = ::logbtq::mu8;

/// The stats vector of the trainer ABI.
static constexpr int64_t kNumStats = LOGBTQ_NUM_STATS;

namespace {

struct Parameter {
  std::string name;
  RankedTensorType type; ///< f32, as @forward has it
  int64_t offset;
  bool trainable;
  /// A batch norm's running statistic: frozen, but updated by the train
  /// step, and in MU8 at a range that travels with the momenta's.
  bool statistic;
  std::vector<float> init;
  int range = 0; ///< MU8 range exponent (quantized models)
};

/// The flat layout of all parameters: one after the other, in order.
struct Layout {
  SmallVector<Parameter> params;
  int64_t size = 0;
  RankedTensorType inputType;
  int64_t classes = 0;
  bool mu8 = false;
  /// Element type of the flat parameter and optimizer-state buffers.
  Type storage;
  /// Optimizer state tensors per parameter (SGD 1, Adam 2): the flat state
  /// buffer holds `slots` copies of the parameter layout, one after the
  /// other.
  unsigned slots = 1;
  /// How many parameters are statistics.
  int64_t statistics = 0;
};

FailureOr<Layout> analyze(func::FuncOp forward) {
  Layout layout;
  for (unsigned i = 0; i < forward.getNumArguments(); ++i) {
    auto type = dyn_cast<RankedTensorType>(forward.getArgumentTypes()[i]);
    if (forward.getArgAttr(i, attrs::kInput)) {
      layout.inputType = type;
      continue;
    }
    auto name = forward.getArgAttrOfType<StringAttr>(i, attrs::kParam);
    if (!name)
      continue;
    if (!type || !type.hasStaticShape() || !type.getElementType().isF32())
      return forward.emitError("parameter '")
             << name.getValue() << "' must be a static f32 tensor";
    std::optional<std::vector<float>> data =
        attrs::readInitialValues(forward.getArgAttr(i, attrs::kInit));
    if (!data || int64_t(data->size()) != type.getNumElements())
      return forward.emitError("parameter '")
             << name.getValue()
             << "' has no initial value of its shape (a logbtq.init of "
                "dense, splat or dense_resource f32 elements)";
    layout.params.push_back(
        {name.str(), type, layout.size, !forward.getArgAttr(i, attrs::kFrozen),
         bool(forward.getArgAttr(i, attrs::kStatistic)), std::move(*data)});
    layout.statistics += layout.params.back().statistic;
    layout.size += type.getNumElements();
  }
  if (!layout.inputType || !layout.inputType.hasStaticShape())
    return forward.emitError("the model input must have a static shape");
  auto logits = dyn_cast<RankedTensorType>(forward.getResultTypes().front());
  if (!logits || logits.getRank() != 2)
    return forward.emitError("the model output must be [batch, classes]");
  layout.classes = logits.getDimSize(1);
  return layout;
}

/// `tensor<N x T>` -> `shape` (or the reverse), for any rank including 0.
Value reshapeFlat(OpBuilder &b, Location loc, Value v, RankedTensorType to) {
  auto from = cast<RankedTensorType>(v.getType());
  if (from.getShape() == to.getShape())
    return v;
  SmallVector<ReassociationIndices> reassociation;
  RankedTensorType big = from.getRank() > to.getRank() ? from : to;
  if (std::min(from.getRank(), to.getRank()) == 1) {
    ReassociationIndices all;
    for (int64_t d = 0; d < big.getRank(); ++d)
      all.push_back(d);
    reassociation.push_back(all);
  }
  if (to.getRank() > from.getRank())
    return tensor::ExpandShapeOp::create(b, loc, to, v, reassociation);
  return tensor::CollapseShapeOp::create(b, loc, to, v, reassociation);
}

class ABIBuilder {
public:
  ABIBuilder(ModuleOp module, const Layout &layout)
      : module(module), layout(layout), b(module.getContext()) {}

  /// The parameters as tensors of the types `step` takes (`types`): f32,
  /// or MU8 codes given their range by a bitcast.
  SmallVector<Value> unpack(Location loc, Value flat, TypeRange types,
                            int64_t base = 0) {
    return unpackAs(loc, flat, types, layout.storage, base);
  }

  /// The same for a flat buffer of `element`s.
  SmallVector<Value> unpackAs(Location loc, Value flat, TypeRange types,
                              Type element, int64_t base = 0) {
    SmallVector<Value> parts;
    for (auto [p, type] : llvm::zip(layout.params, types)) {
      int64_t n = p.type.getNumElements();
      auto slice = tensor::ExtractSliceOp::create(
          b, loc, RankedTensorType::get({n}, element), flat, ValueRange{},
          ValueRange{}, ValueRange{}, b.getDenseI64ArrayAttr({base + p.offset}),
          b.getDenseI64ArrayAttr({n}), b.getDenseI64ArrayAttr({1}));
      auto shaped = cast<RankedTensorType>(type);
      Value part = reshapeFlat(
          b, loc, slice, RankedTensorType::get(shaped.getShape(), element));
      if (part.getType() != type)
        part = BitcastOp::create(b, loc, type, part);
      parts.push_back(part);
    }
    return parts;
  }

  /// One flat tensor of all parameters' values (or codes) of `element`.
  Value pack(Location loc, ValueRange parts, Type element) {
    Value flat = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{layout.size},
                                         element);
    return packInto(loc, flat, parts, element, 0);
  }

  /// `flat` with the parameter-shaped `parts` written at `base` + their
  /// offsets.
  Value packInto(Location loc, Value flat, ValueRange parts, Type element,
                 int64_t base) {
    for (auto [p, part] : llvm::zip(layout.params, parts)) {
      int64_t n = p.type.getNumElements();
      auto partType = cast<RankedTensorType>(part.getType());
      if (partType.getElementType() != element)
        part = BitcastOp::create(
            b, loc, RankedTensorType::get(partType.getShape(), element), part);
      Value line =
          reshapeFlat(b, loc, part, RankedTensorType::get({n}, element));
      flat = tensor::InsertSliceOp::create(
          b, loc, line, flat, ValueRange{}, ValueRange{}, ValueRange{},
          b.getDenseI64ArrayAttr({base + p.offset}), b.getDenseI64ArrayAttr({n}),
          b.getDenseI64ArrayAttr({1}));
    }
    return flat;
  }

  /// The flat ABI's ranges: one per parameter and state slot, then one per
  /// statistic.
  RankedTensorType rangesType() {
    return RankedTensorType::get(
        {int64_t(layout.params.size() * layout.slots) + layout.statistics},
        b.getI32Type());
  }

  /// The flat optimizer state from a train or apply step's results (the
  /// new parameters first, then the state slot after slot).
  Value packState(Location loc, ValueRange values) {
    size_t numParams = layout.params.size();
    Value state = tensor::EmptyOp::create(
        b, loc, ArrayRef<int64_t>{layout.size * layout.slots}, layout.storage);
    for (unsigned slot = 0; slot < layout.slots; ++slot)
      state =
          packInto(loc, state, values.slice(numParams * (1 + slot), numParams),
                   layout.storage, slot * layout.size);
    return state;
  }

  /// The new ranges a quantized train or apply step returns (before its
  /// stats); a float32 model has none: zeros (a constant, never an argument
  /// handed back, which bufferization could not return).
  Value newRanges(Location loc, func::FuncOp step, ValueRange values) {
    for (unsigned i = 0; i < step.getNumArguments(); ++i)
      if (step.getArgAttr(i, attrs::kRanges))
        return values[values.size() - 2];
    return arith::ConstantOp::create(b, loc,
                                     DenseElementsAttr::get(rangesType(), 0));
  }

  /// A public function `name` with the C interface, its entry block, and
  /// the builder inside it.
  std::pair<func::FuncOp, Block::BlockArgListType>
  createWrapper(Location loc, StringRef name, TypeRange argTypes,
                TypeRange resultTypes) {
    b.setInsertionPointToEnd(module.getBody());
    auto func = func::FuncOp::create(b, loc, name,
                                     b.getFunctionType(argTypes, resultTypes));
    func->setAttr("llvm.emit_c_interface", b.getUnitAttr());
    Block *body = func.addEntryBlock();
    b.setInsertionPointToStart(body);
    return {func, body->getArguments()};
  }

  /// Appends the arguments `step` takes after `callArgs` by their
  /// attributes: the ranges (all of them, or the statistics' tail) and the
  /// step number.
  LogicalResult passRanges(func::FuncOp step, SmallVector<Value> &callArgs,
                           Value ranges, Value stepNumber) {
    TypeRange stepArgs = step.getArgumentTypes();
    for (unsigned i = callArgs.size(); i < step.getNumArguments(); ++i) {
      if (step.getArgAttr(i, attrs::kRanges)) {
        int64_t want = cast<RankedTensorType>(stepArgs[i]).getDimSize(0);
        int64_t have = rangesType().getDimSize(0);
        callArgs.push_back(
            want == have ? ranges
                         : tensor::ExtractSliceOp::create(
                               b, step.getLoc(),
                               RankedTensorType::get({want}, b.getI32Type()),
                               ranges, ValueRange{}, ValueRange{}, ValueRange{},
                               b.getDenseI64ArrayAttr({have - want}),
                               b.getDenseI64ArrayAttr({want}),
                               b.getDenseI64ArrayAttr({1}))
                               .getResult());
      } else if (step.getArgAttr(i, attrs::kStep) && stepNumber) {
        callArgs.push_back(stepNumber);
      } else {
        return step.emitError("-logbtq-flatten-abi: argument ")
               << i << " of @" << step.getSymName()
               << " is not one the flat ABI passes";
      }
    }
    return success();
  }

  /// Adds `@name` taking (flat params, [flat state], ranges, flat x,
  /// labels, scalars..., [step]) that calls `step` and flattens what it
  /// returns: [flat params, flat state, ranges], [flat grads] or (eval)
  /// [flat logits], and the
  /// stats, padded with zeros to LOGBTQ_NUM_STATS for train and grad steps.
  /// The step's arguments are found by their attributes.
  LogicalResult wrap(func::FuncOp step, StringRef name, bool isTrain,
                     unsigned numScalars, unsigned numFlatResults) {
    Location loc = step.getLoc();
    Type f32 = b.getF32Type(), i32 = b.getI32Type(), i64 = b.getI64Type();
    auto flatType = RankedTensorType::get({layout.size}, layout.storage);
    auto flatState =
        RankedTensorType::get({layout.size * layout.slots}, layout.storage);
    auto flatF32 = RankedTensorType::get({layout.size}, f32);
    int64_t inputSize = layout.inputType.getNumElements();
    auto flatInput = RankedTensorType::get({inputSize}, f32);
    size_t numParams = layout.params.size();
    auto rangesType = RankedTensorType::get(
        {int64_t(numParams * layout.slots) + layout.statistics}, i32);
    TypeRange stepArgs = step.getArgumentTypes();
    Type labelsType =
        stepArgs[numParams * (isTrain ? 1 + layout.slots : 1) + 1];

    SmallVector<Type> argTypes{flatType};
    if (isTrain)
      argTypes.push_back(flatState);
    argTypes.push_back(rangesType);
    argTypes.append({flatInput, labelsType});
    argTypes.append(numScalars, f32);
    if (isTrain)
      argTypes.push_back(i64);
    SmallVector<Type> resultTypes;
    if (isTrain)
      resultTypes.append({flatType, flatState, rangesType});
    else if (numFlatResults)
      resultTypes.push_back(flatF32);
    auto stepStats = cast<RankedTensorType>(step.getResultTypes().back());
    int64_t numStats = numScalars ? std::max<int64_t>(stepStats.getDimSize(0),
                                                      kNumStats)
                                  : stepStats.getDimSize(0);
    // The eval step's logits, before its stats, as [batch * classes].
    bool returnsLogits = !isTrain && !numFlatResults;
    RankedTensorType flatLogits;
    if (returnsLogits) {
      auto logits =
          cast<RankedTensorType>(step.getResultTypes().drop_back().back());
      flatLogits = RankedTensorType::get({logits.getNumElements()}, f32);
      resultTypes.push_back(flatLogits);
    }
    resultTypes.push_back(RankedTensorType::get({numStats}, f32));

    b.setInsertionPointToEnd(module.getBody());
    auto func = func::FuncOp::create(b, loc, name,
                                     b.getFunctionType(argTypes, resultTypes));
    func->setAttr("llvm.emit_c_interface", b.getUnitAttr());
    Block *body = func.addEntryBlock();
    b.setInsertionPointToStart(body);
    auto args = body->getArguments();
    SmallVector<Value> callArgs =
        unpack(loc, args[0], stepArgs.take_front(numParams));
    unsigned next = 1;
    Value ranges, stepNumber;
    if (isTrain) {
      Value state = args[next++];
      for (unsigned slot = 0; slot < layout.slots; ++slot)
        llvm::append_range(
            callArgs,
            unpack(loc, state, stepArgs.slice(numParams * (1 + slot), numParams),
                   slot * layout.size));
    }
    ranges = args[next++];
    callArgs.push_back(reshapeFlat(b, loc, args[next++], layout.inputType));
    callArgs.push_back(args[next++]); // labels
    for (unsigned s = 0; s < numScalars; ++s)
      callArgs.push_back(args[next++]);
    if (isTrain)
      stepNumber = args[next++];
    // The quantized step's ranges and step number, and the step number an
    // optimizer with bias correction reads, in the step's own order.
    for (unsigned i = callArgs.size(); i < step.getNumArguments(); ++i) {
      if (step.getArgAttr(i, attrs::kRanges) && ranges) {
        // The grad and eval steps read only the statistics' ranges, the
        // tail of the buffer.
        int64_t want = cast<RankedTensorType>(stepArgs[i]).getDimSize(0);
        int64_t have = rangesType.getDimSize(0);
        callArgs.push_back(
            want == have
                ? ranges
                : tensor::ExtractSliceOp::create(
                      b, loc, RankedTensorType::get({want}, i32), ranges,
                      ValueRange{}, ValueRange{}, ValueRange{},
                      b.getDenseI64ArrayAttr({have - want}),
                      b.getDenseI64ArrayAttr({want}),
                      b.getDenseI64ArrayAttr({1}))
                      .getResult());
      }
      else if (step.getArgAttr(i, attrs::kStep) && stepNumber)
        callArgs.push_back(stepNumber);
      else
        return step.emitError("-logbtq-flatten-abi: argument ")
               << i << " of @" << step.getSymName()
               << " is not one the flat ABI passes";
    }
    auto call = func::CallOp::create(b, loc, step, callArgs);

    SmallVector<Value> results;
    auto values = call.getResults();
    if (isTrain) {
      results.push_back(
          pack(loc, values.take_front(numParams), layout.storage));
      results.push_back(packState(loc, values));
    } else if (numFlatResults) {
      results.push_back(pack(loc, values.take_front(numParams), f32));
    } else if (returnsLogits) {
      results.push_back(reshapeFlat(b, loc, values[values.size() - 2],
                                    flatLogits));
    }
    if (isTrain)
      results.push_back(newRanges(loc, step, values));
    results.push_back(padStats(loc, values.back(), numStats));
    func::ReturnOp::create(b, loc, results);
    step.setPrivate();
    return success();
  }

  /// Adds `@logbtq_local_step(flat params, ranges, flat x, labels, t)
  ///   -> (flat grads, exponents, stats)`: the gradients as the flat
  /// storage type (MU8 codes, or f32) and one i32 range exponent per
  /// parameter (zeros for f32).
  LogicalResult wrapLocal(func::FuncOp step) {
    Location loc = step.getLoc();
    Type f32 = b.getF32Type(), i32 = b.getI32Type();
    size_t numParams = layout.params.size();
    auto flatType = RankedTensorType::get({layout.size}, layout.storage);
    auto flatInput =
        RankedTensorType::get({layout.inputType.getNumElements()}, f32);
    auto exponentsType = RankedTensorType::get({int64_t(numParams)}, i32);
    TypeRange stepArgs = step.getArgumentTypes();
    Type labelsType = stepArgs[numParams + 1];
    SmallVector<Type> argTypes{flatType, rangesType(), flatInput, labelsType,
                               f32};
    SmallVector<Type> resultTypes{flatType, exponentsType,
                                  RankedTensorType::get({kNumStats}, f32)};
    auto [func, args] =
        createWrapper(loc, "logbtq_local_step", argTypes, resultTypes);
    SmallVector<Value> callArgs =
        unpack(loc, args[0], stepArgs.take_front(numParams));
    callArgs.push_back(reshapeFlat(b, loc, args[2], layout.inputType));
    callArgs.push_back(args[3]);
    callArgs.push_back(args[4]);
    if (failed(passRanges(step, callArgs, args[1], Value())))
      return failure();
    auto values = func::CallOp::create(b, loc, step, callArgs).getResults();
    Value exponents =
        layout.mu8 ? values[numParams]
                   : arith::ConstantOp::create(
                         b, loc, DenseElementsAttr::get(exponentsType, 0))
                         .getResult();
    func::ReturnOp::create(
        b, loc,
        ValueRange{pack(loc, values.take_front(numParams), layout.storage),
                   exponents, padStats(loc, values.back(), kNumStats)});
    step.setPrivate();
    return success();
  }

  /// Adds `@logbtq_apply_step(flat params, flat state, ranges, flat f32
  /// grads, lr, step) -> (flat params, flat state, ranges, stats)`, the
  /// results as the train step's.
  LogicalResult wrapApply(func::FuncOp step) {
    Location loc = step.getLoc();
    Type f32 = b.getF32Type(), i64 = b.getI64Type();
    size_t numParams = layout.params.size();
    auto flatType = RankedTensorType::get({layout.size}, layout.storage);
    auto flatState =
        RankedTensorType::get({layout.size * layout.slots}, layout.storage);
    auto flatF32 = RankedTensorType::get({layout.size}, f32);
    TypeRange stepArgs = step.getArgumentTypes();
    SmallVector<Type> argTypes{flatType, flatState, rangesType(),
                               flatF32,  f32,       i64};
    SmallVector<Type> resultTypes{flatType, flatState, rangesType(),
                                  RankedTensorType::get({kNumStats}, f32)};
    auto [func, args] =
        createWrapper(loc, "logbtq_apply_step", argTypes, resultTypes);
    SmallVector<Value> callArgs =
        unpack(loc, args[0], stepArgs.take_front(numParams));
    for (unsigned slot = 0; slot < layout.slots; ++slot)
      llvm::append_range(
          callArgs, unpack(loc, args[1],
                           stepArgs.slice(numParams * (1 + slot), numParams),
                           slot * layout.size));
    llvm::append_range(
        callArgs,
        unpackAs(loc, args[3],
                 stepArgs.slice(numParams * (1 + layout.slots), numParams),
                 f32));
    callArgs.push_back(args[4]); // lr
    if (failed(passRanges(step, callArgs, args[2], args[5])))
      return failure();
    auto values = func::CallOp::create(b, loc, step, callArgs).getResults();
    func::ReturnOp::create(
        b, loc,
        ValueRange{pack(loc, values.take_front(numParams), layout.storage),
                   packState(loc, values), newRanges(loc, step, values),
                   padStats(loc, values.back(), kNumStats)});
    step.setPrivate();
    return success();
  }

  /// `stats` with zeros appended up to `size` entries.
  Value padStats(Location loc, Value stats, int64_t size) {
    auto type = cast<RankedTensorType>(stats.getType());
    if (type.getDimSize(0) >= size)
      return stats;
    auto zerosType = RankedTensorType::get({size}, b.getF32Type());
    Value zeros = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(zerosType, 0.0f));
    return tensor::InsertSliceOp::create(
        b, loc, stats, zeros, ValueRange{}, ValueRange{}, ValueRange{},
        b.getDenseI64ArrayAttr({0}), b.getDenseI64ArrayAttr({type.getDimSize(0)}),
        b.getDenseI64ArrayAttr({1}));
  }

  /// Records the model description and the initial parameters on the
  /// module; -convert-logbtq-model-to-llvm makes them the LLVM globals the
  /// runtime reads.
  void recordModel(StringRef info) {
    DenseElementsAttr data;
    if (layout.mu8) {
      // The initial weights as codes at their ranges, rounded to nearest.
      SmallVector<int8_t> codes;
      codes.reserve(layout.size);
      for (const Parameter &p : layout.params)
        for (float v : p.init)
          codes.push_back(mu8::encodeNearest(v, p.range));
      data = DenseElementsAttr::get(
          RankedTensorType::get({layout.size}, b.getI8Type()),
          ArrayRef<int8_t>(codes));
    } else {
      SmallVector<float> init;
      init.reserve(layout.size);
      for (const Parameter &p : layout.params)
        init.append(p.init.begin(), p.init.end());
      data = DenseElementsAttr::get(
          RankedTensorType::get({layout.size}, b.getF32Type()),
          ArrayRef<float>(init));
    }
    module->setAttr(attrs::kModelInfo, b.getStringAttr(info));
    module->setAttr(attrs::kInitialParams, data);
  }

private:
  ModuleOp module;
  const Layout &layout;
  OpBuilder b;
};

struct FlattenABIPass : mlir::logbtq::impl::LogBTQFlattenABIBase<FlattenABIPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto forward = module.lookupSymbol<func::FuncOp>("forward");
    auto train = module.lookupSymbol<func::FuncOp>("train_step");
    auto grad = module.lookupSymbol<func::FuncOp>("grad_step");
    auto eval = module.lookupSymbol<func::FuncOp>("eval_step");
    if (!forward || !train || !grad || !eval) {
      module.emitError("-logbtq-flatten-abi needs @forward and the steps of "
                       "-logbtq-build-training");
      return signalPassFailure();
    }
    FailureOr<Layout> layout = analyze(forward);
    if (failed(layout))
      return signalPassFailure();

    layout->mu8 = module->hasAttr(attrs::kQuant);
    unsigned stateArgs = 0;
    for (unsigned i = 0; i < train.getNumArguments(); ++i)
      stateArgs += bool(train.getArgAttr(i, attrs::kMomentum));
    size_t numParams = layout->params.size();
    if (numParams == 0 || stateArgs % numParams != 0 || stateArgs == 0) {
      train.emitError("-logbtq-flatten-abi: @train_step has ")
          << stateArgs << " optimizer state arguments for " << numParams
          << " parameters";
      return signalPassFailure();
    }
    layout->slots = stateArgs / numParams;
    layout->storage = layout->mu8 ? Type(IntegerType::get(&getContext(), 8))
                                  : Type(Float32Type::get(&getContext()));
    if (layout->mu8) {
      // The ranges -logbtq-quantize chose, by parameter name.
      for (unsigned i = 0; i < train.getNumArguments(); ++i) {
        auto name = train.getArgAttrOfType<StringAttr>(i, attrs::kParam);
        auto range = train.getArgAttrOfType<IntegerAttr>(i, attrs::kRange);
        if (!name || !range)
          continue;
        for (Parameter &p : layout->params)
          if (p.name == name.getValue())
            p.range = range.getInt();
      }
    }
    ABIBuilder abi(module, *layout);
    if (failed(abi.wrap(train, "logbtq_train_step", /*isTrain=*/true,
                        /*numScalars=*/2, /*numFlatResults=*/2)) ||
        failed(abi.wrap(grad, "logbtq_grad_step", false, 1, 1)) ||
        failed(abi.wrap(eval, "logbtq_eval_step", false, 0, 0)))
      return signalPassFailure();
    auto local = module.lookupSymbol<func::FuncOp>("local_step");
    auto apply = module.lookupSymbol<func::FuncOp>("apply_step");
    if (local && apply &&
        (failed(abi.wrapLocal(local)) || failed(abi.wrapApply(apply))))
      return signalPassFailure();
    forward.setPrivate();
    abi.recordModel(describe(module, *layout));
  }

  /// The weight range the quantize pass used: the smallest parameter range.
  static int weightRange(ModuleOp module) {
    auto attr = module->getAttrOfType<IntegerAttr>(attrs::kWeightRange);
    return attr ? attr.getInt() : 0;
  }

  std::string describe(ModuleOp module, const Layout &layout) {
    std::string text;
    llvm::raw_string_ostream os(text);
    auto dims = [&](ArrayRef<int64_t> shape) {
      std::string s;
      for (auto [i, d] : llvm::enumerate(shape))
        s += (i ? "," : "") + std::to_string(d);
      return s.empty() ? std::string("scalar") : s;
    };
    auto option = [&](StringRef key, double fallback) {
      return llvm::format("%.9g",
                          getTrainingOption(module, key).value_or(fallback));
    };
    auto number = [](double v) { return llvm::format("%.9g", v); };
    os << "logbtq-model 3\n";
    os << "batch " << layout.inputType.getDimSize(0) << "\n";
    os << "input " << dims(layout.inputType.getShape().drop_front()) << "\n";
    os << "classes " << layout.classes << "\n";
    if (layout.mu8)
      os << "quant mu8 " << weightRange(module) << "\n";
    else
      os << "quant f32\n";
    os << "param-count " << layout.size << "\n";
    // Data-parallel steps, each for batch / ranks samples (the batch record
    // above is a rank's).
    if (std::optional<double> ranks = getTrainingOption(module, "ranks"))
      os << "ranks " << int64_t(*ranks) << "\n";
    for (const Parameter &p : layout.params) {
      os << "param " << p.name << " " << dims(p.type.getShape()) << " "
         << p.offset << " "
         << (p.statistic ? "statistic" : p.trainable ? "trainable" : "frozen");
      if (layout.mu8)
        os << " " << p.range;
      os << "\n";
    }
    os << "barrier " << option("barrier_lambda", 0) << " "
       << option("barrier_bound", 1) << " " << number(barrierT0) << " "
       << number(barrierGamma) << " " << number(barrierTMax) << "\n";
    // SGD: momentum and weight decay; Adam and AdamW: betas, eps and decay.
    switch (int(getTrainingOption(module, "optimizer").value_or(0))) {
    case 0:
      os << "optimizer sgd " << option("momentum", 0) << " "
         << option("weight_decay", 0) << "\n";
      break;
    default:
      os << "optimizer "
         << (getTrainingOption(module, "optimizer") == 1.0 ? "adam" : "adamw")
         << " " << option("beta1", 0.9) << " " << option("beta2", 0.999)
         << " " << option("eps", 1e-8) << " " << option("weight_decay", 0)
         << "\n";
      break;
    }
    // Only when set, so that the description (and the checkpoints keyed by
    // its hash) of a program without clipping stays what it was.
    // Only when not softmax cross-entropy (the hash of older descriptions
    // stays); the names are the --loss flag's.
    if (std::optional<double> loss = getTrainingOption(module, "loss"))
      os << "loss " << kLogbtqLossNames[int(*loss)] << "\n";
    if (getTrainingOption(module, "weight_decay_all"))
      os << "weight-decay-all\n";
    if (getTrainingOption(module, "clip_grad_norm"))
      os << "clip-grad-norm " << option("clip_grad_norm", 0) << "\n";
    return text;
  }
};

} // namespace
