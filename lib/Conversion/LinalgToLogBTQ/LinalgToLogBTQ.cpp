//===- LinalgToLogBTQ.cpp - Raise Linalg to logbtq graph ops --------------===//
//
// The pass runs the raising patterns with the greedy driver on every function
// that holds Linalg or tensor ops, then walks those functions: whatever Linalg
// or tensor op is left gets a diagnostic with the reason its matcher gives,
// and the pass fails.
//
// Why a greedy driver and not a dialect conversion: raising matches DAGs
// rooted at the consumer (pad -> conv, fill -> matmul init, broadcast -> add,
// sum pool -> division) and leaves the producers it absorbed to die. A
// conversion would have to declare those producers legal until their last
// consumer is gone, and a failed legalization only says "failed to legalize
// operation". The greedy driver also folds and erases what becomes dead
// (tensor.empty, linalg.fill, tensor.pad, arith constants) as it goes, so the
// cleanup the raised functions need is part of the same rewrite.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Conversion/LinalgToLogBTQ/LinalgToLogBTQ.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Rewrite/FrozenRewritePatternSet.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::logbtq {
#define GEN_PASS_DEF_LOGBTQRAISELINALG
#include "logbtq/Conversion/Passes.h.inc"
} // namespace mlir::logbtq

using namespace mlir;
using namespace mlir::logbtq;

void mlir::logbtq::populateLinalgToLogBTQPatterns(RewritePatternSet &patterns) {
  raise::populateLinearPatterns(patterns);
  raise::populatePoolingPatterns(patterns);
  raise::populateElementwisePatterns(patterns);
  raise::populateDataMovementPatterns(patterns);
  raise::populateFusedElementwisePatterns(patterns);
}

/// The ops raising replaces or absorbs; none may remain in a raised function.
/// tensor.dim is a shape query, as valid on a logbtq result as on a Linalg
/// one: it may stay.
static bool isRaisedDialect(Operation *op) {
  Dialect *dialect = op->getDialect();
  return dialect &&
         isa<linalg::LinalgDialect, tensor::TensorDialect>(dialect) &&
         !isa<tensor::DimOp>(op);
}

/// Why `op` is still there, from the matcher of its family. The order
/// matters for linalg.generic, which several families read: linear owns
/// reductions, data movement owns copies, elementwise takes the rest.
static raise::Reason explainUnraised(Operation *op) {
  for (auto explain :
       {raise::explainPooling, raise::explainLinear, raise::explainDataMovement,
        raise::explainFusedElementwise, raise::explainElementwise})
    if (std::optional<raise::Reason> why = explain(op))
      return *why;
  return "logbtq has no equivalent op";
}

/// Reports the Linalg and tensor ops left in `func`. An op whose every user
/// is itself left over is not reported: the diagnostic on its consumer
/// covers it (the zero fill of a matmul on integers, the pad of a conv with a
/// non-zero padding value).
static LogicalResult reportUnraised(FunctionOpInterface func) {
  SmallVector<Operation *> leftovers;
  func->walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (op == func.getOperation() || !isRaisedDialect(op))
      return WalkResult::advance();
    leftovers.push_back(op);
    return WalkResult::skip(); // its body is part of it
  });
  llvm::DenseSet<Operation *> left(leftovers.begin(), leftovers.end());
  auto isLeftOver = [&](Operation *user) {
    for (Operation *op = user; op && op != func.getOperation();
         op = op->getParentOp())
      if (left.contains(op))
        return true;
    return false;
  };

  bool reported = false;
  for (Operation *op : leftovers) {
    if (!op->use_empty() && llvm::all_of(op->getUsers(), isLeftOver))
      continue;
    op->emitError() << "cannot raise '" << op->getName()
                    << "' to logbtq: " << explainUnraised(op);
    reported = true;
  }
  return failure(reported);
}

namespace {
struct LogBTQRaiseLinalgPass
    : logbtq::impl::LogBTQRaiseLinalgBase<LogBTQRaiseLinalgPass> {
  LogicalResult initialize(MLIRContext *context) override {
    RewritePatternSet set(context);
    populateLinalgToLogBTQPatterns(set);
    patterns = FrozenRewritePatternSet(std::move(set));
    return success();
  }

  void runOnOperation() override {
    // Functions without Linalg or tensor ops (already logbtq, or helpers)
    // are not touched at all.
    SmallVector<FunctionOpInterface> touched;
    getOperation()->walk([&](FunctionOpInterface func) {
      if (func->walk([](Operation *op) {
                return isRaisedDialect(op) ? WalkResult::interrupt()
                                           : WalkResult::advance();
              })
              .wasInterrupted())
        touched.push_back(func);
    });

    // Raising rewrites ops, not control flow: leave blocks as they are.
    GreedyRewriteConfig config;
    config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
    bool failedAny = false;
    for (FunctionOpInterface func : touched) {
      if (failed(applyPatternsGreedily(func, patterns, config))) {
        func->emitError("raising to logbtq did not converge");
        failedAny = true;
        continue;
      }
      failedAny |= failed(reportUnraised(func));
    }
    if (failedAny)
      signalPassFailure();
  }

  FrozenRewritePatternSet patterns;
};
} // namespace
