//===- Autodiff.h - Reverse-mode differentiation of a block -----*- C++ -*-===//

#ifndef LOGBTQ_DIALECT_LOGBTQ_TRANSFORMS_AUTODIFF_H
#define LOGBTQ_DIALECT_LOGBTQ_TRANSFORMS_AUTODIFF_H

#include "mlir/IR/Builders.h"

namespace mlir::logbtq {

/// Emits, at the end of the block that defines `loss` (an f32 scalar), the
/// gradient of `loss` with respect to each value of `wrt` (block arguments or
/// values of the same block), walking the block's ops backwards and asking
/// each for its vector-Jacobian product (DifferentiableOpInterface; f32
/// scalar arith.addf/subf/mulf are handled here). A value the loss does not
/// depend on gets a zero gradient. Fails, with a diagnostic on the op, when
/// an op on the path has no VJP.
FailureOr<SmallVector<Value>> buildGradients(OpBuilder &builder, Value loss,
                                             ArrayRef<Value> wrt);

} // namespace mlir::logbtq

#endif // LOGBTQ_DIALECT_LOGBTQ_TRANSFORMS_AUTODIFF_H
