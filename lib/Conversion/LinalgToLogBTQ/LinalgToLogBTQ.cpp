//===- LinalgToLogBTQ.cpp - Raise Linalg to logbtq graph ops --------------===//

#include "logbtq/Conversion/LinalgToLogBTQ/LinalgToLogBTQ.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::logbtq {
#define GEN_PASS_DEF_LOGBTQRAISELINALG
#include "logbtq/Conversion/Passes.h.inc"
} // namespace mlir::logbtq

using namespace mlir;
using namespace mlir::logbtq;

void mlir::logbtq::populateLinalgToLogBTQPatterns(RewritePatternSet &patterns) {
}

namespace {
struct LogBTQRaiseLinalgPass
    : logbtq::impl::LogBTQRaiseLinalgBase<LogBTQRaiseLinalgPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateLinalgToLogBTQPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
