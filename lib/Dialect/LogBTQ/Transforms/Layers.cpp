//===- Layers.cpp - Which graph values are layer outputs ------------------===//

#include "Layers.h"

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

using namespace mlir;
using namespace mlir::logbtq;

bool mlir::logbtq::feedsBiasAdd(Value v,
                                llvm::function_ref<bool(Value)> isBias) {
  if (!isa_and_nonnull<MatmulOp, Conv2DOp>(v.getDefiningOp()))
    return false;
  AddOp add;
  for (Operation *user : v.getUsers()) {
    if (isa<BarrierOp, BarrierGradOp>(user))
      continue;
    auto candidate = dyn_cast<AddOp>(user);
    if (!candidate || (add && add != candidate))
      return false;
    add = candidate;
  }
  if (!add || add.getLhs() == add.getRhs())
    return false;
  return isBias(add.getLhs() == v ? add.getRhs() : add.getLhs());
}
