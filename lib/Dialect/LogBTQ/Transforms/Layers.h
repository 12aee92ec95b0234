//===- Layers.h - Which graph values are layer outputs ----------*- C++ -*-===//
//
// ONNX Gemm and biased Conv import as a product followed by `logbtq.add` of
// a bias parameter. The product alone is not a layer output: it is neither
// stored in MU8 (-logbtq-quantize) nor given a barrier term
// (-logbtq-insert-barriers), since its range is the layer's after the bias.
//
// A batch norm that trains with the batch's statistics does not depend on
// the scale of its input: a barrier there would shrink the layer before it
// without end (nothing in the loss resists), so the input gets none, and its
// MU8 storage has a range of its own each step instead of a fixed one. A
// layer norm does not depend on its input's scale either (whatever its
// parameters), and its input is treated the same way.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_LIB_DIALECT_LOGBTQ_TRANSFORMS_LAYERS_H
#define LOGBTQ_LIB_DIALECT_LOGBTQ_TRANSFORMS_LAYERS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir::logbtq {

/// Whether `v` is a matmul or conv2d result whose only user (barrier terms
/// aside) is an add of a value for which `isBias` holds.
bool feedsBiasAdd(Value v, llvm::function_ref<bool(Value)> isBias);

/// Whether the batch norm `norm` of `forward` can train with the batch's
/// statistics: its scale and bias are trained parameters, its mean and
/// variance two frozen parameters that nothing else reads.
bool canTrainWithBatchStatistics(func::FuncOp forward, Operation *norm);

/// Whether `v` is the input of a batch norm (either form) or a layer norm.
bool isNormalizationInput(Value v);

/// Whether `user` normalizes `v` without depending on its scale: a batch
/// norm of `forward` that trains with the batch's statistics, or a layer
/// norm, `v` being its input.
bool normalizesScaleAway(func::FuncOp forward, Operation *user, Value v);

} // namespace mlir::logbtq

#endif // LOGBTQ_LIB_DIALECT_LOGBTQ_TRANSFORMS_LAYERS_H
