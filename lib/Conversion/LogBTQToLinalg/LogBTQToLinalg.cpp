//===- LogBTQToLinalg.cpp - The -convert-logbtq-to-linalg pass ------------===//

#include "logbtq/Conversion/LogBTQToLinalg/LogBTQToLinalg.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

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
}

namespace {
struct ConvertLogBTQToLinalgPass
    : logbtq::impl::ConvertLogBTQToLinalgBase<ConvertLogBTQToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // f32 tensors stay as they are; MU8 types get their own lowering later.
    TypeConverter converter;
    converter.addConversion([](Type type) { return type; });

    ConversionTarget target(*ctx);
    target.addIllegalDialect<LogBTQDialect>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect,
                           func::FuncDialect>();
    RewritePatternSet patterns(ctx);
    populateLogBTQToLinalgConversionPatterns(converter, patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
