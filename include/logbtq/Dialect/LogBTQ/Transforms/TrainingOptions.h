//===- TrainingOptions.h - Training settings carried in the IR --*- C++ -*-===//
//
// The passes that build a training program record the settings they used
// (barrier lambda and bound, momentum, weight decay) in the module's
// `logbtq.training` dictionary, so that later passes and the trainer's model
// description report what the program really does.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_DIALECT_LOGBTQ_TRANSFORMS_TRAININGOPTIONS_H
#define LOGBTQ_DIALECT_LOGBTQ_TRANSFORMS_TRAININGOPTIONS_H

#include "mlir/IR/BuiltinOps.h"

#include <optional>

namespace mlir::logbtq {

/// Sets `key` of the module's `logbtq.training` dictionary to `value`.
void recordTrainingOption(ModuleOp module, StringRef key, double value);

/// Reads `key` of the module's `logbtq.training` dictionary.
std::optional<double> getTrainingOption(ModuleOp module, StringRef key);

} // namespace mlir::logbtq

#endif // LOGBTQ_DIALECT_LOGBTQ_TRANSFORMS_TRAININGOPTIONS_H
