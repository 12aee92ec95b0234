//===- LogBTQ.h - The logbtq dialect, types and ops -------------*- C++ -*-===//

#ifndef LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQ_H
#define LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQ_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <limits>

#include "logbtq/Dialect/LogBTQ/IR/LogBTQTraits.h"

#include "logbtq/Dialect/LogBTQ/IR/LogBTQDialect.h.inc"

#include "logbtq/Dialect/LogBTQ/IR/LogBTQInterfaces.h.inc"

#define GET_TYPEDEF_CLASSES
#include "logbtq/Dialect/LogBTQ/IR/LogBTQTypes.h.inc"

#define GET_OP_CLASSES
#include "logbtq/Dialect/LogBTQ/IR/LogBTQOps.h.inc"

namespace mlir::logbtq {

/// The MU8 element type of `type` (a shaped type), or null.
MU8Type getMU8ElementType(Type type);

/// The shape of `value`, which must have a shaped type.
inline ArrayRef<int64_t> shapeOf(Value value) {
  return cast<ShapedType>(value.getType()).getShape();
}

} // namespace mlir::logbtq

#endif // LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQ_H
