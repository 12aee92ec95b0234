//===- FlattenABI.cpp - The runtime's flat, model-independent ABI ---------===//

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"
#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h"
#include "logbtq/Dialect/LogBTQ/Transforms/TrainingOptions.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
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

namespace {

struct Parameter {
  std::string name;
  RankedTensorType type;
  int64_t offset;
  bool trainable;
  ArrayRef<float> init;
};

/// The flat layout of all parameters: one after the other, in order.
struct Layout {
  SmallVector<Parameter> params;
  int64_t size = 0;
  RankedTensorType inputType;
  int64_t classes = 0;
};

FailureOr<Layout> analyze(func::FuncOp forward) {
  Layout layout;
  for (unsigned i = 0; i < forward.getNumArguments(); ++i) {
    auto type = dyn_cast<RankedTensorType>(forward.getArgumentTypes()[i]);
    if (forward.getArgAttr(i, "logbtq.input")) {
      layout.inputType = type;
      continue;
    }
    auto name = forward.getArgAttrOfType<StringAttr>(i, "logbtq.param");
    if (!name)
      continue;
    if (!type || !type.hasStaticShape() || !type.getElementType().isF32())
      return forward.emitError("parameter '")
             << name.getValue() << "' must be a static f32 tensor";
    auto init = forward.getArgAttrOfType<DenseF32ResourceElementsAttr>(
        i, "logbtq.init");
    std::optional<ArrayRef<float>> data =
        init ? init.tryGetAsArrayRef() : std::nullopt;
    if (!data)
      return forward.emitError("parameter '")
             << name.getValue()
             << "' has no initial value (a logbtq.init dense_resource)";
    layout.params.push_back({name.str(), type, layout.size,
                             !forward.getArgAttr(i, "logbtq.frozen"), *data});
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

  /// The parameters as tensors of their own shapes.
  SmallVector<Value> unpack(Location loc, Value flat) {
    SmallVector<Value> parts;
    for (const Parameter &p : layout.params) {
      int64_t n = p.type.getNumElements();
      auto slice = tensor::ExtractSliceOp::create(
          b, loc, RankedTensorType::get({n}, b.getF32Type()), flat,
          ValueRange{}, ValueRange{}, ValueRange{},
          b.getDenseI64ArrayAttr({p.offset}), b.getDenseI64ArrayAttr({n}),
          b.getDenseI64ArrayAttr({1}));
      parts.push_back(reshapeFlat(b, loc, slice, p.type));
    }
    return parts;
  }

  /// One flat tensor of all parameters' values.
  Value pack(Location loc, ValueRange parts) {
    Value flat = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{layout.size},
                                         b.getF32Type());
    for (auto [p, part] : llvm::zip(layout.params, parts)) {
      int64_t n = p.type.getNumElements();
      Value line = reshapeFlat(b, loc, part,
                               RankedTensorType::get({n}, b.getF32Type()));
      flat = tensor::InsertSliceOp::create(
          b, loc, line, flat, ValueRange{}, ValueRange{}, ValueRange{},
          b.getDenseI64ArrayAttr({p.offset}), b.getDenseI64ArrayAttr({n}),
          b.getDenseI64ArrayAttr({1}));
    }
    return flat;
  }

  /// Adds `@name` taking (flat params, [flat momenta], flat x, labels,
  /// scalars...) that calls `step` and flattens what it returns.
  LogicalResult wrap(func::FuncOp step, StringRef name, bool hasMomentum,
                     unsigned numScalars, unsigned numFlatResults) {
    Location loc = step.getLoc();
    Type f32 = b.getF32Type();
    auto flatType = RankedTensorType::get({layout.size}, f32);
    int64_t inputSize = layout.inputType.getNumElements();
    auto flatInput = RankedTensorType::get({inputSize}, f32);
    size_t numParams = layout.params.size();
    Type labelsType =
        step.getArgumentTypes()[numParams * (hasMomentum ? 2 : 1) + 1];

    SmallVector<Type> argTypes{flatType};
    if (hasMomentum)
      argTypes.push_back(flatType);
    argTypes.append({flatInput, labelsType});
    argTypes.append(numScalars, f32);
    SmallVector<Type> resultTypes(numFlatResults, flatType);
    resultTypes.push_back(step.getResultTypes().back()); // stats

    b.setInsertionPointToEnd(module.getBody());
    auto func = func::FuncOp::create(b, loc, name,
                                     b.getFunctionType(argTypes, resultTypes));
    func->setAttr("llvm.emit_c_interface", b.getUnitAttr());
    Block *body = func.addEntryBlock();
    b.setInsertionPointToStart(body);
    auto args = body->getArguments();
    SmallVector<Value> callArgs = unpack(loc, args[0]);
    unsigned next = 1;
    if (hasMomentum)
      llvm::append_range(callArgs, unpack(loc, args[next++]));
    callArgs.push_back(reshapeFlat(b, loc, args[next++], layout.inputType));
    for (; next < args.size(); ++next)
      callArgs.push_back(args[next]);
    auto call = func::CallOp::create(b, loc, step, callArgs);

    SmallVector<Value> results;
    auto values = call.getResults();
    for (unsigned r = 0; r < numFlatResults; ++r)
      results.push_back(pack(loc, values.slice(r * numParams, numParams)));
    results.push_back(values.back());
    func::ReturnOp::create(b, loc, results);
    step.setPrivate();
    return success();
  }

  void addGlobals(StringRef info) {
    Location loc = module.getLoc();
    b.setInsertionPointToEnd(module.getBody());
    std::string text = info.str();
    text.push_back('\0');
    auto textType = LLVM::LLVMArrayType::get(b.getI8Type(), text.size());
    LLVM::GlobalOp::create(b, loc, textType, /*isConstant=*/true,
                           LLVM::Linkage::External, "logbtq_model_info",
                           b.getStringAttr(text));
    SmallVector<float> init;
    init.reserve(layout.size);
    for (const Parameter &p : layout.params)
      init.append(p.init.begin(), p.init.end());
    auto dataType = LLVM::LLVMArrayType::get(b.getF32Type(), layout.size);
    LLVM::GlobalOp::create(
        b, loc, dataType, /*isConstant=*/true, LLVM::Linkage::External,
        "logbtq_initial_params",
        DenseElementsAttr::get(
            RankedTensorType::get({layout.size}, b.getF32Type()),
            ArrayRef<float>(init)));
  }

private:
  ModuleOp module;
  const Layout &layout;
  OpBuilder b;
};

struct FlattenABIPass : logbtq::impl::LogBTQFlattenABIBase<FlattenABIPass> {
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

    ABIBuilder abi(module, *layout);
    if (failed(abi.wrap(train, "logbtq_train_step", /*hasMomentum=*/true,
                        /*numScalars=*/2, /*numFlatResults=*/2)) ||
        failed(abi.wrap(grad, "logbtq_grad_step", false, 1, 1)) ||
        failed(abi.wrap(eval, "logbtq_eval_step", false, 0, 0)))
      return signalPassFailure();
    forward.setPrivate();
    abi.addGlobals(describe(module, *layout));
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
    os << "logbtq-model 1\n";
    os << "batch " << layout.inputType.getDimSize(0) << "\n";
    os << "input " << dims(layout.inputType.getShape().drop_front()) << "\n";
    os << "classes " << layout.classes << "\n";
    os << "quant f32\n";
    os << "param-count " << layout.size << "\n";
    for (const Parameter &p : layout.params)
      os << "param " << p.name << " " << dims(p.type.getShape()) << " "
         << p.offset << " " << (p.trainable ? "trainable" : "frozen") << "\n";
    os << "barrier " << option("barrier_lambda", 0) << " "
       << option("barrier_bound", 1) << " " << number(t0) << " "
       << number(gamma) << " " << number(tMax) << "\n";
    os << "optimizer sgd " << option("momentum", 0) << " "
       << option("weight_decay", 0) << "\n";
    return text;
  }
};

} // namespace
