//===- ImportONNX.h - ONNX protobuf to logbtq graph ops ---------*- C++ -*-===//
//
// Imports an ONNX model (protobuf, opsets 11-17) as `func.func @forward` of
// logbtq graph ops on f32 tensors, every parameter an explicit argument.
// docs/ONNX.md lists the supported ops and the representation.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_TARGET_ONNX_IMPORTONNX_H
#define LOGBTQ_TARGET_ONNX_IMPORTONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::logbtq {

struct ONNXImportOptions {
  /// The size bound to a symbolic (or unknown) leading input dimension.
  std::optional<int64_t> batch;
  /// Initializers that are imported as parameters but not trained.
  std::vector<std::string> frozen;
  /// Fine-tuning: the node (by name) from which on parameters train; every
  /// parameter that only nodes before it read is frozen.
  std::string trainFrom;
  /// Fine-tuning: replace the classifier head (the Gemm that writes the
  /// output) with a freshly initialized one of this many classes.
  std::optional<int64_t> numClasses;
  /// Graph inputs bound to constants (logbtq-run's integer inputs: shapes,
  /// axes, indices): entry i, when set, is a serialized TensorProto for the
  /// i-th graph input that is not an initializer, which then imports as an
  /// initializer of that name.
  std::vector<std::optional<std::string>> boundInputs;
};

/// Imports the serialized model in `bytes`; `fileName` names it in locations.
/// Emits diagnostics and returns null on any error.
OwningOpRef<ModuleOp> importONNX(StringRef bytes, StringRef fileName,
                                 MLIRContext *context,
                                 const ONNXImportOptions &options);

/// The template the trainer's --export-onnx writes the trained model from
/// (Runtime/ONNXExportTemplate.h): the model in `bytes` as the importer
/// sees it with `options`, less the initializers of `params` (the imported
/// parameters' names). Errors are at `loc`.
FailureOr<std::string> buildONNXExportTemplate(StringRef bytes, Location loc,
                                               const ONNXImportOptions &options,
                                               ArrayRef<std::string> params);

/// Registers `--import-onnx` (with `--batch` and `--frozen`) for
/// mlir-translate style tools.
void registerImportONNXTranslation();

} // namespace mlir::logbtq

#endif // LOGBTQ_TARGET_ONNX_IMPORTONNX_H
