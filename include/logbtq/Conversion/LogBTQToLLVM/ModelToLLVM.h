//===- ModelToLLVM.h - The model description as LLVM globals ----*- C++ -*-===//

#ifndef LOGBTQ_CONVERSION_LOGBTQTOLLVM_MODELTOLLVM_H
#define LOGBTQ_CONVERSION_LOGBTQTOLLVM_MODELTOLLVM_H

#include "mlir/Pass/Pass.h"

namespace mlir::logbtq {

#define GEN_PASS_DECL_CONVERTLOGBTQMODELTOLLVM
#include "logbtq/Conversion/Passes.h.inc"

} // namespace mlir::logbtq

#endif // LOGBTQ_CONVERSION_LOGBTQTOLLVM_MODELTOLLVM_H
