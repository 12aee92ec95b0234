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

inline ArrayRef<int64_t> shapeOf(Value v) {
  return cast<ShapedType>(v.getType()).getShape();
}

/// f32 graphs stay f32 and MU8 graphs stay MU8: a mix would hide a missing
/// encode or decode. Only tensors of f32 or MU8 take part (labels do not).
LogicalResult verifyElementKinds(Operation *op);

/// Checks that the type of `value` (a result) has the `expected` shape, then
/// the element kinds of `op`.
LogicalResult verifyShapeOf(Operation *op, Value value,
                            FailureOr<shape::Shape> expected);

/// Checks that `axis` indexes a dimension of a tensor of rank `rank`.
LogicalResult verifyAxisInRange(Operation *op, int64_t axis, int64_t rank);

} // namespace mlir::logbtq::checks

#endif // LOGBTQ_LIB_DIALECT_LOGBTQ_IR_VERIFYUTILS_H
