//===- OutlineLoops.cpp - Serial loop nests as functions of their own -----===//
//
// See the pass description in Passes.td: LLVM's loop passes take time that
// grows faster than the size of the function they run on, so the step
// functions' serial loop nests are moved into small functions that LLVM
// optimizes one at a time.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Dialect/Linalg/Transforms/Passes.h"

#include "Outlining.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::logbtq {
#define GEN_PASS_DEF_LOGBTQOUTLINELOOPS
#include "logbtq/Dialect/Linalg/Transforms/Passes.h.inc"
} // namespace mlir::logbtq

using namespace mlir;
using namespace mlir::logbtq;

namespace {

/// A loop nest: an `scf.for`, or a Linalg op (on buffers) that will become
/// one.
bool isLoopNest(Operation *op) {
  return isa<scf::ForOp, linalg::LinalgOp>(op);
}

/// Moves `loop` into a new private function `name` (inserted before
/// `parent`) and replaces it with a call. The values the loop uses from
/// above become arguments, except constants, which are cloned into the
/// function so that LLVM still sees the trip counts and strides.
func::FuncOp outlineLoop(RewriterBase &rewriter, Operation *loop,
                         func::FuncOp parent, StringRef name) {
  SetVector<Value> used(llvm::from_range, loop->getOperands());
  for (Region &region : loop->getRegions())
    getUsedValuesDefinedAbove(region, used);
  SmallVector<Value> arguments;
  SmallVector<Operation *> constants;
  for (Value value : used) {
    Operation *def = value.getDefiningOp();
    if (def && def->hasTrait<OpTrait::ConstantLike>())
      constants.push_back(def);
    else
      arguments.push_back(value);
  }

  rewriter.setInsertionPoint(parent);
  auto type = rewriter.getFunctionType(ValueRange(arguments).getTypes(),
                                       loop->getResultTypes());
  auto function = func::FuncOp::create(rewriter, loop->getLoc(), name, type);
  Block *entry = function.addEntryBlock();
  IRMapping mapping;
  mapping.map(arguments, entry->getArguments());
  rewriter.setInsertionPointToStart(entry);
  for (Operation *constant : constants)
    rewriter.clone(*constant, mapping);
  Operation *copy = rewriter.clone(*loop, mapping);
  func::ReturnOp::create(rewriter, loop->getLoc(), copy->getResults());

  rewriter.setInsertionPoint(loop);
  auto call = func::CallOp::create(rewriter, loop->getLoc(), function,
                                   arguments);
  rewriter.replaceOp(loop, call.getResults());
  return function;
}

struct OutlineLoopsPass
    : logbtq::impl::LogBTQOutlineLoopsBase<OutlineLoopsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    IRRewriter rewriter(&getContext());
    for (auto parent :
         llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (parent.isPrivate() || parent.isExternal())
        continue;
      SmallVector<Operation *> loops;
      for (Block &block : parent.getBody())
        for (Operation &op : block)
          if (isLoopNest(&op))
            loops.push_back(&op);
      unsigned count = 0;
      for (Operation *loop : loops) {
        func::FuncOp function = outlineLoop(
            rewriter, loop, parent, freshName(symbols, parent, "loop", count));
        // Kept out of line: inlined back, the loops would make one function
        // as big as before.
        makeInternal(function);
        keepOutOfLine(function);
        symbols.insert(function);
      }
    }
  }
};
} // namespace
