//===- Passes.h - logbtq conversion passes ----------------------*- C++ -*-===//

#ifndef LOGBTQ_CONVERSION_PASSES_H
#define LOGBTQ_CONVERSION_PASSES_H

#include "logbtq/Conversion/LinalgToLogBTQ/LinalgToLogBTQ.h"
#include "logbtq/Conversion/LogBTQToLLVM/ModelToLLVM.h"
#include "logbtq/Conversion/LogBTQToLinalg/LogBTQToLinalg.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::logbtq {

#define GEN_PASS_REGISTRATION
#include "logbtq/Conversion/Passes.h.inc"

} // namespace mlir::logbtq

#endif // LOGBTQ_CONVERSION_PASSES_H
