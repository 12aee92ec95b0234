//===- Passes.h - Linalg-level passes of logbtq -----------------*- C++ -*-===//

#ifndef LOGBTQ_DIALECT_LINALG_TRANSFORMS_PASSES_H
#define LOGBTQ_DIALECT_LINALG_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Pass/Pass.h"

namespace mlir::logbtq {

#define GEN_PASS_DECL
#include "logbtq/Dialect/Linalg/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "logbtq/Dialect/Linalg/Transforms/Passes.h.inc"

} // namespace mlir::logbtq

#endif // LOGBTQ_DIALECT_LINALG_TRANSFORMS_PASSES_H
