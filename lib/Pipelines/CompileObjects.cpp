//===- CompileObjects.cpp - The step functions compiled side by side ------===//
//
// Most of a trainer's compile time is spent lowering and optimizing its
// three step functions (train, grad, eval), which share no code: each is
// compiled into an object of its own, on as many threads as there are
// cores. A part is a copy of the training module that keeps one public
// function, read from bytecode into an MLIRContext and an LLVMContext of its
// own (neither is safe to share between threads that load dialects or build
// IR); the model description and the CPU feature list go into the first
// part only, so that the linked trainer defines each once. The optimizer
// never looked across the step functions (nothing is inlined between them),
// so their code is the same as when they were compiled in one module.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Pipelines/Driver.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQAttributes.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Threading.h"

#include <atomic>
#include <thread>

using namespace mlir;
using namespace mlir::logbtq;

namespace {

/// A diagnostic of a part, kept until it can be reported in the caller's
/// context (diagnostics of other contexts cannot cross threads).
struct PartDiagnostic {
  DiagnosticSeverity severity;
  std::string file;
  unsigned line = 0, column = 0;
  std::string message;
};

/// One part: the public function it keeps and what compiling it left.
struct Part {
  std::string function;
  std::string object;
  bool succeeded = false;
  std::vector<PartDiagnostic> diagnostics;
};

/// Compiles the part of `bytecode` that keeps `part.function` into a
/// temporary object file.
void compilePart(const DialectRegistry &registry, StringRef bytecode,
                 bool first, const CompileOptions &options, Part &part,
                 TimingScope &timing) {
  MLIRContext context(registry, MLIRContext::Threading::DISABLED);
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diagnostic) {
    PartDiagnostic &d = part.diagnostics.emplace_back();
    d.severity = diagnostic.getSeverity();
    d.message = diagnostic.str();
    if (auto loc = dyn_cast<FileLineColLoc>(diagnostic.getLocation())) {
      d.file = loc.getFilename().str();
      d.line = loc.getLine();
      d.column = loc.getColumn();
    }
    return success();
  });
  TimingScope scope =
      timing.nest(part.function.empty() ? "compile" : part.function);
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(bytecode, ParserConfig(&context));
  if (!module)
    return;
  for (auto function :
       llvm::make_early_inc_range(module->getOps<func::FuncOp>()))
    if (function.isPublic() && function.getSymName() != part.function)
      function.erase();
  if (!first) {
    // The model description's globals (-convert-logbtq-model-to-llvm).
    (*module)->removeAttr(logbtq::attrs::kModelInfo);
    (*module)->removeAttr(logbtq::attrs::kInitialParams);
    (*module)->removeAttr(logbtq::attrs::kOnnxExport);
  }
  // Private helpers only the other parts used.
  PassManager dce(&context);
  dce.addPass(createSymbolDCEPass());
  if (failed(dce.run(*module)) ||
      failed(lowerToLLVMDialect(*module, options.targetCPU,
                                options.verifyEach, scope)))
    return;
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateToLLVMIR(*module, llvmContext, options.optLevel,
                        options.targetCPU, /*recordFeatures=*/first, scope);
  if (!llvmModule)
    return;
  SmallString<256> object;
  if (llvm::sys::fs::createTemporaryFile("logbtq-model", "o", object)) {
    emitError(module->getLoc()) << "cannot create a temporary object file";
    return;
  }
  part.object = object.str().str();
  part.succeeded = succeeded(emitObjectFile(context, *llvmModule, object,
                                            options.targetCPU, scope));
}

} // namespace

LogicalResult mlir::logbtq::compileObjects(ModuleOp module,
                                           const CompileOptions &options,
                                           SmallVectorImpl<std::string> &objects,
                                           TimingScope &timing) {
  std::string bytecode;
  {
    TimingScope scope = timing.nest("split into step functions");
    llvm::raw_string_ostream os(bytecode);
    if (failed(writeBytecodeToFile(module, os)))
      return module.emitError("cannot write the training program's bytecode");
  }
  std::vector<Part> parts;
  for (auto function : module.getOps<func::FuncOp>())
    if (function.isPublic() && !function.isExternal())
      parts.emplace_back().function = function.getSymName().str();
  if (parts.empty())
    parts.emplace_back();

  unsigned threads = options.jobs;
  if (threads == 0)
    threads = llvm::heavyweight_hardware_concurrency().compute_thread_count();
  threads = std::clamp<unsigned>(threads, 1, parts.size());
  const DialectRegistry &registry = module.getContext()->getDialectRegistry();
  TimingScope scope = timing.nest("compile the step functions");
  std::atomic<size_t> next = 0;
  auto work = [&] {
    for (size_t i = next++; i < parts.size(); i = next++)
      compilePart(registry, bytecode, i == 0, options, parts[i], scope);
  };
  std::vector<std::thread> workers;
  for (unsigned t = 1; t < threads; ++t)
    workers.emplace_back(work);
  work();
  for (std::thread &worker : workers)
    worker.join();
  scope.stop();

  // Reported in the parts' order, whatever order they finished in.
  MLIRContext *context = module.getContext();
  bool allSucceeded = true;
  for (Part &part : parts) {
    if (!part.object.empty())
      objects.push_back(part.object);
    allSucceeded &= part.succeeded;
    for (const PartDiagnostic &d : part.diagnostics) {
      Location loc = d.file.empty() ? module.getLoc()
                                    : Location(FileLineColLoc::get(
                                          context, d.file, d.line, d.column));
      switch (d.severity) {
      case DiagnosticSeverity::Error:
        emitError(loc, d.message);
        break;
      case DiagnosticSeverity::Warning:
        emitWarning(loc, d.message);
        break;
      default:
        emitRemark(loc, d.message);
        break;
      }
    }
  }
  return success(allSucceeded);
}
