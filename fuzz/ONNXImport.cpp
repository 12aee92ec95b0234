//===- ONNXImport.cpp - Fuzz target: the ONNX importer --------------------===//
//
// importONNX on the bytes, with --batch 2 as logbtq-compile would give, and
// the export template of what imports. Every failure must be a diagnostic:
// they are swallowed here, and anything else (a crash, a sanitizer report,
// a verifier failure the importer let through) is a finding.

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"
#include "logbtq/Target/ONNX/ImportONNX.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A context per input: MLIR's uniquing would otherwise keep every type
  // and attribute any input created.
  MLIRContext context(MLIRContext::Threading::DISABLED);
  ScopedDiagnosticHandler quiet(&context, [](Diagnostic &) { return success(); });
  logbtq::ONNXImportOptions options;
  options.batch = 2;
  StringRef bytes(reinterpret_cast<const char *>(data), size);
  OwningOpRef<ModuleOp> module =
      logbtq::importONNX(bytes, "fuzz.onnx", &context, options);
  if (!module)
    return 0;
  if (failed(verify(*module)))
    __builtin_trap(); // the importer returned invalid IR
  (void)logbtq::buildONNXExportTemplate(bytes, UnknownLoc::get(&context),
                                        options, {});
  return 0;
}
