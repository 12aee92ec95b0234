//===- Inference.cpp - An imported @forward, compiled to run in-process ---===//
//
// @forward keeps its parameters as arguments, so a checkpoint's values can be
// run without recompiling. Its memref ABI is the C interface MLIR emits for
// `llvm.emit_c_interface` functions: each argument a pointer to a strided
// descriptor {allocated, aligned, offset, sizes[rank], strides[rank]}, the
// results one struct of descriptors written through the first pointer. Every
// field is 8 bytes, so descriptors are built and read as int64 arrays.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Pipelines/Inference.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQAttributes.h"
#include "logbtq/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/Support/InterleavedRange.h"
#include "llvm/Support/TargetSelect.h"

#include <cstdlib>

using namespace mlir;
using namespace mlir::logbtq;

ForwardProgram::~ForwardProgram() = default;

/// The values of a `logbtq.init`: a dense_resource, or any dense or splat
/// f32 elements attribute.
static int64_t numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

FailureOr<std::unique_ptr<ForwardProgram>>
ForwardProgram::compile(ModuleOp module) {
  auto forward = module.lookupSymbol<func::FuncOp>("forward");
  if (!forward)
    return module.emitError("logbtq-run needs a func.func @forward");
  std::unique_ptr<ForwardProgram> program(new ForwardProgram);
  FunctionType type = forward.getFunctionType();
  auto staticF32 = [](Type t) -> RankedTensorType {
    auto ranked = dyn_cast<RankedTensorType>(t);
    return ranked && ranked.hasStaticShape() && ranked.getElementType().isF32()
               ? ranked
               : nullptr;
  };
  for (unsigned i = 0; i < type.getNumInputs(); ++i) {
    RankedTensorType t = staticF32(type.getInput(i));
    if (!t)
      return forward.emitError("argument ")
             << i << " is not a static f32 tensor: " << type.getInput(i);
    ForwardSlot slot{"", SmallVector<int64_t>(t.getShape()), i};
    if (auto name = forward.getArgAttrOfType<StringAttr>(i, attrs::kInput)) {
      slot.name = name.str();
      program->ins.push_back(slot);
      continue;
    }
    auto name = forward.getArgAttrOfType<StringAttr>(i, attrs::kParam);
    if (!name)
      return forward.emitError("argument ")
             << i << " is neither a parameter (logbtq.param) nor an input "
             << "(logbtq.input)";
    std::optional<std::vector<float>> init =
        attrs::readInitialValues(forward.getArgAttr(i, attrs::kInit));
    if (!init || int64_t(init->size()) != t.getNumElements())
      return forward.emitError("parameter '")
             << name.getValue() << "' has no initial value of " << t
             << " (a logbtq.init of dense or dense_resource f32 elements)";
    slot.name = name.str();
    slot.frozen = static_cast<bool>(forward.getArgAttr(i, attrs::kFrozen));
    program->params.push_back(slot);
    program->values.push_back(std::move(*init));
  }
  for (unsigned i = 0; i < type.getNumResults(); ++i) {
    RankedTensorType t = staticF32(type.getResult(i));
    if (!t)
      return forward.emitError("result ")
             << i << " is not a static f32 tensor: " << type.getResult(i);
    auto name = forward.getResultAttrOfType<StringAttr>(i, attrs::kOutput);
    program->outs.push_back({name ? name.str() : "output_" + std::to_string(i),
                             SmallVector<int64_t>(t.getShape()), i});
  }
  program->numArguments = type.getNumInputs();

  // The attributes were read above; the LLVM translation has no use for
  // them (and the initial values may be large).
  for (unsigned i = 0; i < type.getNumInputs(); ++i)
    forward.setArgAttrs(i, ArrayRef<NamedAttribute>{});
  for (unsigned i = 0; i < type.getNumResults(); ++i)
    forward.setResultAttrs(i, ArrayRef<NamedAttribute>{});
  forward->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                   UnitAttr::get(module.getContext()));

  PassManager pm(module.getContext());
  buildLowerToLLVMPipeline(pm, /*parallel=*/false, /*x86AVX512=*/false);
  if (failed(pm.run(module)))
    return failure();

  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());
  registerOpenMPDialectTranslation(*module.getContext());
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  auto transformer = makeOptimizingTransformer(2, 0, nullptr);
  ExecutionEngineOptions options;
  options.transformer = transformer;
  auto engine = ExecutionEngine::create(module, options);
  if (!engine)
    return module.emitError("cannot compile @forward: ")
           << llvm::toString(engine.takeError());
  program->engine = std::move(*engine);
  // Strided copies call the runner utilities' memrefCopy, which this
  // process links.
  program->engine->registerSymbols([](llvm::orc::MangleAndInterner mangle) {
    llvm::orc::SymbolMap symbols;
    symbols[mangle("memrefCopy")] = {
        llvm::orc::ExecutorAddr::fromPtr(&memrefCopy),
        llvm::JITSymbolFlags::Exported};
    return symbols;
  });
  return program;
}

/// A descriptor of a row-major buffer of `shape`.
static std::vector<int64_t> describe(const float *data,
                                     ArrayRef<int64_t> shape) {
  std::vector<int64_t> d = {reinterpret_cast<int64_t>(data),
                            reinterpret_cast<int64_t>(data), 0};
  d.insert(d.end(), shape.begin(), shape.end());
  std::vector<int64_t> strides(shape.size(), 1);
  for (int i = int(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  d.insert(d.end(), strides.begin(), strides.end());
  return d;
}

FailureOr<std::vector<HostTensor>>
ForwardProgram::run(ArrayRef<HostTensor> inputs, std::string &error) {
  if (inputs.size() != ins.size()) {
    error = "the model has " + std::to_string(ins.size()) + " inputs, " +
            std::to_string(inputs.size()) + " given";
    return failure();
  }
  std::vector<std::vector<int64_t>> descriptors(numArguments);
  for (auto [slot, value] : llvm::zip(params, values))
    descriptors[slot.position] = describe(value.data(), slot.shape);
  for (auto [slot, given] : llvm::zip(ins, inputs)) {
    if (ArrayRef<int64_t>(given.shape) != ArrayRef<int64_t>(slot.shape) ||
        int64_t(given.data.size()) != numElements(slot.shape)) {
      std::string want, got;
      llvm::raw_string_ostream(want)
          << "[" << llvm::interleaved(slot.shape) << "]";
      llvm::raw_string_ostream(got)
          << "[" << llvm::interleaved(given.shape) << "]";
      error = "input '" + slot.name + "' has shape " + got +
              ", the model's is " + want;
      return failure();
    }
    descriptors[slot.position] = describe(given.data.data(), slot.shape);
  }
  size_t resultWords = 0;
  for (const ForwardSlot &out : outs)
    resultWords += 3 + 2 * out.shape.size();
  std::vector<int64_t> results(std::max<size_t>(resultWords, 1));

  std::vector<void *> pointers;
  for (std::vector<int64_t> &d : descriptors)
    pointers.push_back(d.data());
  void *resultPointer = results.data();
  SmallVector<void *> args;
  if (!outs.empty())
    args.push_back(&resultPointer);
  for (void *&p : pointers)
    args.push_back(&p);
  if (llvm::Error e = engine->invokePacked("_mlir_ciface_forward", args)) {
    error = llvm::toString(std::move(e));
    return failure();
  }

  std::vector<HostTensor> tensors;
  llvm::SmallPtrSet<float *, 4> freed;
  const int64_t *field = results.data();
  for (const ForwardSlot &out : outs) {
    auto *allocated = reinterpret_cast<float *>(field[0]);
    const auto *aligned = reinterpret_cast<const float *>(field[1]);
    int64_t offset = field[2];
    size_t rank = out.shape.size();
    const int64_t *strides = field + 3 + rank;
    HostTensor t{out.name, out.shape, {}};
    t.data.resize(numElements(out.shape));
    // The results are fresh buffers, normally row-major; read them through
    // their strides all the same.
    for (int64_t linear = 0; linear < int64_t(t.data.size()); ++linear) {
      int64_t rest = linear, at = offset;
      for (int d = int(rank) - 1; d >= 0; --d) {
        at += (rest % out.shape[d]) * strides[d];
        rest /= out.shape[d];
      }
      t.data[linear] = aligned[at];
    }
    tensors.push_back(std::move(t));
    field += 3 + 2 * rank;
    // A value returned twice is one buffer, freed once.
    if (freed.insert(allocated).second)
      std::free(allocated);
  }
  return tensors;
}
