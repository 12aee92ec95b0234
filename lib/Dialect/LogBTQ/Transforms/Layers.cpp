//===- Layers.cpp - Which graph values are layer outputs ------------------===//

#include "Layers.h"

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQAttributes.h"

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

bool mlir::logbtq::canTrainWithBatchStatistics(func::FuncOp forward,
                                               Operation *op) {
  auto norm = dyn_cast<BatchNormOp>(op);
  if (!norm)
    return false;
  Block &body = forward.getBody().front();
  auto paramArg = [&](Value v) -> BlockArgument {
    auto arg = dyn_cast<BlockArgument>(v);
    return arg && arg.getOwner() == &body &&
                   forward.getArgAttr(arg.getArgNumber(), attrs::kParam)
               ? arg
               : BlockArgument();
  };
  auto trains = [&](Value v) {
    BlockArgument arg = paramArg(v);
    return arg && !forward.getArgAttr(arg.getArgNumber(), attrs::kFrozen);
  };
  auto statistic = [&](Value v) {
    BlockArgument arg = paramArg(v);
    return arg && arg.hasOneUse() &&
           forward.getArgAttr(arg.getArgNumber(), attrs::kFrozen);
  };
  return trains(norm.getScale()) && trains(norm.getBias()) &&
         norm.getMean() != norm.getVariance() && statistic(norm.getMean()) &&
         statistic(norm.getVariance());
}

bool mlir::logbtq::normalizesScaleAway(func::FuncOp forward, Operation *user,
                                       Value v) {
  return user->getOperand(0) == v &&
         (isa<LayerNormOp>(user) || canTrainWithBatchStatistics(forward, user));
}

bool mlir::logbtq::isNormalizationInput(Value v) {
  return llvm::any_of(v.getUses(), [](OpOperand &use) {
    return isa<BatchNormOp, BatchNormTrainOp, LayerNormOp>(use.getOwner()) &&
           use.getOperandNumber() == 0;
  });
}
