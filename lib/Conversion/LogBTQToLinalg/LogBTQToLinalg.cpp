//===- LogBTQToLinalg.cpp - The -convert-logbtq-to-linalg pass ------------===//

#include "logbtq/Conversion/LogBTQToLinalg/LogBTQToLinalg.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "LoweringUtils.h"
#include "Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::logbtq {
#define GEN_PASS_DEF_CONVERTLOGBTQTOLINALG
#include "logbtq/Conversion/Passes.h.inc"
} // namespace mlir::logbtq

using namespace mlir;
using namespace mlir::logbtq;

void mlir::logbtq::populateLogBTQToLinalgConversionPatterns(
    TypeConverter &converter, RewritePatternSet &patterns) {
  populateLogBTQGraphToLinalgPatterns(converter, patterns);
  populateLogBTQTrainingToLinalgPatterns(converter, patterns);
  lowering::populateMU8Patterns(converter, patterns);
  lowering::populateIntegerKernelPatterns(converter, patterns);
}

namespace {
struct ConvertLogBTQToLinalgPass
    : logbtq::impl::ConvertLogBTQToLinalgBase<ConvertLogBTQToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // MU8 tensors become tensors of i8 codes; every other type stays.
    TypeConverter converter;
    converter.addConversion(
        [](Type type) { return lowering::convertMU8Type(type); });
    auto isLegal = [&](Operation *op) {
      return converter.isLegal(op->getOperandTypes()) &&
             converter.isLegal(op->getResultTypes());
    };

    ConversionTarget target(*ctx);
    target.addIllegalDialect<LogBTQDialect>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, scf::SCFDialect,
                           vector::VectorDialect>();
    target.addDynamicallyLegalDialect<tensor::TensorDialect, func::FuncDialect>(
        isLegal);
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp f) {
      return converter.isSignatureLegal(f.getFunctionType()) &&
             converter.isLegal(&f.getBody());
    });
    RewritePatternSet patterns(ctx);
    populateLogBTQToLinalgConversionPatterns(converter, patterns);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns)))) {
      signalPassFailure();
      return;
    }
    // erf has no LLVM intrinsic: MLIR's rational approximation (arith and
    // math.fma, so it vectorizes) instead of a libm call per element, which
    // the vector lowering could not split into lanes.
    // Only the erf ops change: no folding, no constant hoisting.
    SmallVector<Operation *> erfs;
    getOperation()->walk([&](math::ErfOp op) { erfs.push_back(op); });
    if (erfs.empty())
      return;
    RewritePatternSet erf(ctx);
    populatePolynomialApproximateErfPattern(erf);
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingOps)
        .enableFolding(false)
        .enableConstantCSE(false)
        .setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
    if (failed(applyOpPatternsGreedily(erfs, std::move(erf), config)))
      signalPassFailure();
  }
};
} // namespace
