//===- LogBTQDialect.cpp - The logbtq dialect -----------------------------===//

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Transforms/InliningUtils.h"

using namespace mlir;
using namespace mlir::logbtq;

#include "logbtq/Dialect/LogBTQ/IR/LogBTQDialect.cpp.inc"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQInterfaces.cpp.inc"

namespace {
/// Every logbtq op is pure and region-free, so inlining a call that holds
/// them (the flat-ABI wrappers around the step functions) is always legal.
struct LogBTQInlinerInterface : public DialectInlinerInterface {
  using DialectInlinerInterface::DialectInlinerInterface;
  bool isLegalToInline(Operation *, Region *, bool, IRMapping &) const final {
    return true;
  }
};
} // namespace

void LogBTQDialect::initialize() {
  registerTypes();
  addInterfaces<LogBTQInlinerInterface>();
  addOperations<
#define GET_OP_LIST
#include "logbtq/Dialect/LogBTQ/IR/LogBTQOps.cpp.inc"
      >();
}

Operation *LogBTQDialect::materializeConstant(OpBuilder &builder,
                                              Attribute value, Type type,
                                              Location loc) {
  // Folded MU8 tensors are i8 code attributes typed by the MU8 tensor.
  if (getMU8ElementType(type)) {
    auto codes = dyn_cast<ElementsAttr>(value);
    if (!codes)
      return nullptr;
    return ConstantOp::create(builder, loc, type, codes);
  }
  if (auto typed = dyn_cast<TypedAttr>(value);
      typed && typed.getType() == type)
    return arith::ConstantOp::create(builder, loc, type, typed);
  return nullptr;
}
