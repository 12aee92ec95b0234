//===- Passes.h - logbtq dialect passes -------------------------*- C++ -*-===//

#ifndef LOGBTQ_DIALECT_LOGBTQ_TRANSFORMS_PASSES_H
#define LOGBTQ_DIALECT_LOGBTQ_TRANSFORMS_PASSES_H

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"
#include "logbtq/Dialect/LogBTQ/Transforms/OptionEnums.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlir::logbtq {

#define GEN_PASS_DECL
#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "logbtq/Dialect/LogBTQ/Transforms/Passes.h.inc"

} // namespace mlir::logbtq

#endif // LOGBTQ_DIALECT_LOGBTQ_TRANSFORMS_PASSES_H
