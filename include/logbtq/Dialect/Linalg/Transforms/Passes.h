//===- Passes.h - Linalg-level passes of logbtq -----------------*- C++ -*-===//

#ifndef LOGBTQ_DIALECT_LINALG_TRANSFORMS_PASSES_H
#define LOGBTQ_DIALECT_LINALG_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::logbtq {

#define GEN_PASS_DECL
#include "logbtq/Dialect/Linalg/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "logbtq/Dialect/Linalg/Transforms/Passes.h.inc"

} // namespace mlir::logbtq

#endif // LOGBTQ_DIALECT_LINALG_TRANSFORMS_PASSES_H
