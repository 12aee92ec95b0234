//===- Layers.h - Which graph values are layer outputs ----------*- C++ -*-===//
//
// ONNX Gemm and biased Conv import as a product followed by `logbtq.add` of
// a bias parameter. The product alone is not a layer output: it is neither
// stored in MU8 (-logbtq-quantize) nor given a barrier term
// (-logbtq-insert-barriers), since its range is the layer's after the bias.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_LIB_DIALECT_LOGBTQ_TRANSFORMS_LAYERS_H
#define LOGBTQ_LIB_DIALECT_LOGBTQ_TRANSFORMS_LAYERS_H

#include "mlir/IR/Value.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir::logbtq {

/// Whether `v` is a matmul or conv2d result whose only user (barrier terms
/// aside) is an add of a value for which `isBias` holds.
bool feedsBiasAdd(Value v, llvm::function_ref<bool(Value)> isBias);

} // namespace mlir::logbtq

#endif // LOGBTQ_LIB_DIALECT_LOGBTQ_TRANSFORMS_LAYERS_H
