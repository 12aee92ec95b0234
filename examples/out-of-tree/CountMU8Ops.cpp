//===- CountMU8Ops.cpp - A pass of the tool's own on logbtq's IR ----------===//
//
// Counts, per function, the operations of the logbtq dialect and those that
// produce an MU8 tensor, and reports them as remarks: a pass that reads our
// dialect's types through its C++ API, next to logbtq's own passes.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;

namespace {

struct CountMU8OpsPass
    : PassWrapper<CountMU8OpsPass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(CountMU8OpsPass)

  StringRef getArgument() const override { return "count-mu8-ops"; }
  StringRef getDescription() const override {
    return "Report the logbtq ops of each function and how many produce MU8 "
           "tensors";
  }

  void runOnOperation() override {
    int64_t ops = 0, mu8 = 0;
    getOperation().walk([&](Operation *op) {
      if (!isa<logbtq::LogBTQDialect>(op->getDialect()))
        return;
      ++ops;
      for (Type type : op->getResultTypes())
        if (auto tensor = dyn_cast<RankedTensorType>(type);
            tensor && isa<logbtq::MU8Type>(tensor.getElementType())) {
          ++mu8;
          break;
        }
    });
    getOperation().emitRemark()
        << ops << " logbtq ops, " << mu8 << " with MU8 results";
  }
};

} // namespace

void registerCountMU8OpsPass() { PassRegistration<CountMU8OpsPass>(); }
