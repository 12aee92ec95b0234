//===- TrainingPipeline.cpp - Fuzz target: MLIR in, training program out --===//
//
// What `logbtq-opt --logbtq-training-pipeline` does with a file: parse it,
// verify it, run the pipeline. It must succeed or stop with a diagnostic;
// a crash, a sanitizer report, or a pipeline that "succeeds" with IR the
// verifier rejects is a finding.

#include "logbtq/InitAll.h"
#include "logbtq/Pipelines/Pipelines.h"
#include "logbtq/Pipelines/ResourceBlobs.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static DialectRegistry *registry = [] {
    auto *r = new DialectRegistry();
    logbtq::registerAllDialects(*r);
    return r;
  }();
  MLIRContext context(*registry, MLIRContext::Threading::DISABLED);
  ScopedDiagnosticHandler quiet(&context,
                                [](Diagnostic &) { return success(); });
  std::string text(reinterpret_cast<const char *>(data), size);
  // logbtq's tools refuse these with a message before parsing: MLIR 22's
  // parser would abort on them (ResourceBlobs.h).
  if (logbtq::findBadResourceBlob(text))
    return 0;
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(text, ParserConfig(&context));
  if (!module || failed(verify(*module)))
    return 0;
  PassManager pm(&context);
  logbtq::TrainingPipelineOptions options;
  logbtq::buildTrainingPipeline(pm, options);
  if (succeeded(pm.run(*module)) && failed(verify(*module)))
    __builtin_trap();
  return 0;
}
