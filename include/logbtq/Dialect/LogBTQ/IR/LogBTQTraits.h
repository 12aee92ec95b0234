//===- LogBTQTraits.h - Properties of logbtq ops ----------------*- C++ -*-===//
//
// The C++ side of LogBTQTraits.td.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQTRAITS_H
#define LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQTRAITS_H

#include "mlir/IR/OpDefinition.h"

namespace mlir::logbtq {
/// Fails, with a diagnostic on `op`, when its float tensor operands are not
/// all f32 or all MU8 like its first result.
LogicalResult verifySameElementKind(Operation *op);
} // namespace mlir::logbtq

// Beside upstream's traits, as other dialects do, so that `OpTrait::` still
// names upstream's namespace inside mlir::logbtq.
namespace mlir::OpTrait::logbtq {

template <typename ConcreteType>
class SameElementKind
    : public TraitBase<ConcreteType, SameElementKind> {
public:
  static LogicalResult verifyTrait(Operation *op) {
    return mlir::logbtq::verifySameElementKind(op);
  }
};

template <typename ConcreteType>
class ComputesGradient
    : public TraitBase<ConcreteType, ComputesGradient> {};

template <typename ConcreteType>
class RepeatsInputValues
    : public TraitBase<ConcreteType, RepeatsInputValues> {};

template <typename ConcreteType>
class SelectsInputValues
    : public TraitBase<ConcreteType, SelectsInputValues> {};

} // namespace mlir::OpTrait::logbtq

#endif // LOGBTQ_DIALECT_LOGBTQ_IR_LOGBTQTRAITS_H
