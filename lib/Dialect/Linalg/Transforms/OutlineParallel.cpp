//===- OutlineParallel.cpp - omp.parallel bodies as functions -------------===//
//
// See the pass description in Passes.td: the translation's outliner scans
// the enclosing function once per parallel region, so each region's body
// gets a small function of its own first.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Dialect/Linalg/Transforms/Passes.h"

#include "Outlining.h"

#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::logbtq {
#define GEN_PASS_DEF_LOGBTQOUTLINEPARALLEL
#include "logbtq/Dialect/Linalg/Transforms/Passes.h.inc"
} // namespace mlir::logbtq

using namespace mlir;
using namespace mlir::logbtq;

namespace {

/// Clones the constants `region` uses from above into it, so that they do
/// not become arguments of the outlined function.
void sinkConstants(RewriterBase &rewriter, Region &region) {
  SetVector<Value> used;
  getUsedValuesDefinedAbove(region, used);
  rewriter.setInsertionPointToStart(&region.front());
  for (Value value : used) {
    Operation *def = value.getDefiningOp();
    if (!def || !def->hasTrait<OpTrait::ConstantLike>())
      continue;
    Operation *copy = rewriter.clone(*def);
    rewriter.replaceUsesWithIf(value, copy->getResult(0), [&](OpOperand &use) {
      return region.isAncestor(use.getOwner()->getParentRegion());
    });
  }
}

struct OutlineParallelPass
    : logbtq::impl::LogBTQOutlineParallelBase<OutlineParallelPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<omp::ParallelOp> regions;
    module.walk([&](omp::ParallelOp op) {
      if (!op->getParentOfType<omp::ParallelOp>() &&
          op.getRegion().hasOneBlock())
        regions.push_back(op);
    });
    SymbolTable symbols(module);
    IRRewriter rewriter(&getContext());
    unsigned count = 0;
    for (omp::ParallelOp op : regions) {
      auto parent = op->getParentOfType<func::FuncOp>();
      if (!parent)
        continue;
      std::string name = freshName(symbols, parent, "parallel", count);
      sinkConstants(rewriter, op.getRegion());
      FailureOr<func::FuncOp> outlined = outlineSingleBlockRegion(
          rewriter, op.getLoc(), op.getRegion(), name);
      if (failed(outlined)) {
        op.emitError("logbtq-outline-parallel: cannot outline the body");
        return signalPassFailure();
      }
      // Internal, so LLVM may inline it into its one caller.
      makeInternal(*outlined);
      symbols.insert(*outlined);
    }
  }
};
} // namespace
