//===- VerifyUtils.h - Shared pieces of logbtq op verifiers -----*- C++ -*-===//
//
// Internal to lib/Dialect/LogBTQ/IR.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_LIB_DIALECT_LOGBTQ_IR_VERIFYUTILS_H
#define LOGBTQ_LIB_DIALECT_LOGBTQ_IR_VERIFYUTILS_H

#include "logbtq/Dialect/LogBTQ/IR/ShapeInference.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"

namespace mlir::logbtq::checks {

/// Checks that the type of `value` (a result) has the `expected` shape.
LogicalResult verifyShapeOf(Operation *op, Value value,
                            FailureOr<shape::Shape> expected);

/// Checks that `axis` indexes a dimension of a tensor of rank `rank`.
LogicalResult verifyAxisInRange(Operation *op, int64_t axis, int64_t rank);

/// Checks a reduction over `axes` (distinct, in range) of `input` whose
/// `result` drops them.
LogicalResult verifyReduction(Operation *op, Value input,
                              ArrayRef<int64_t> axes, Value result);

/// Checks a layer normalization of `input` over the dims from `axis` on:
/// the axis in range, `epsilon` non-negative, each of `params` of the
/// normalized shape, and each of `sameAsInput` of the input's shape.
LogicalResult verifyLayerNorm(Operation *op, Value input, int64_t axis,
                              APFloat epsilon, ValueRange params,
                              ValueRange sameAsInput);

} // namespace mlir::logbtq::checks

#endif // LOGBTQ_LIB_DIALECT_LOGBTQ_IR_VERIFYUTILS_H
