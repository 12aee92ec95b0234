//===- LowerGradUtils.h - Shared pieces of the training lowering -*- C++ -*-===//
//
// What the patterns of LowerGrad*.cpp and LowerOptimizer.cpp have in common:
// the f32 static-tensor check every pattern starts with, constants, filled
// destinations, elementwise linalg.generic ops and the window arithmetic of
// the pooling gradients. Internal to lib/Conversion/LogBTQToLinalg.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_LOWERGRADUTILS_H
#define LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_LOWERGRADUTILS_H

#include "LoweringUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::logbtq::gradlowering {

/// The pattern groups, one per file, that
/// populateLogBTQTrainingToLinalgPatterns collects.
void populateElementwiseGradPatterns(TypeConverter &converter,
                                     RewritePatternSet &patterns);
void populateSoftmaxGradPatterns(TypeConverter &converter,
                                 RewritePatternSet &patterns);
void populatePoolGradPatterns(TypeConverter &converter,
                              RewritePatternSet &patterns);
void populateConvGradPatterns(TypeConverter &converter,
                              RewritePatternSet &patterns);
void populateReductionGradPatterns(TypeConverter &converter,
                                   RewritePatternSet &patterns);
void populateOptimizerPatterns(TypeConverter &converter,
                               RewritePatternSet &patterns);

/// Fails the match of `op` unless every tensor among its operands and results
/// is a ranked tensor of f32 with a static shape (labels, i32, are allowed
/// where `allowI32` is set). MU8 values arrive decoded.
LogicalResult checkStaticF32(Operation *op, PatternRewriter &rewriter,
                             bool allowI32 = false);

Value constantF32(OpBuilder &b, Location loc, double value);
Value constantIndex(OpBuilder &b, Location loc, int64_t value);

/// lowering::createElementwise with identity maps, for the common case of
/// operands that all have the result's shape; `body` computes one result
/// element from the input elements (the output argument is not passed).
Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange inputs,
                       function_ref<Value(OpBuilder &, Location, ValueRange)>
                           body);

/// Iterator types: `rank` parallel ones, with `reduced` marked as reductions.
SmallVector<utils::IteratorType>
iteratorTypes(unsigned rank, ArrayRef<unsigned> reduced = {});

/// The map from `rank` loops to the loop dims in `dims`.
AffineMap projection(MLIRContext *ctx, unsigned rank, ArrayRef<unsigned> dims);

using lowering::shapeOf;

/// The windows of a 2-D pooling along one spatial dim, as the forward op and
/// PyTorch place them: window `o` starts at `o * stride - padBegin` in input
/// coordinates and, clipped to the padded input, ends before
/// `min(start + kernel, size + padEnd)`.
struct PoolAxis {
  int64_t size, outSize, kernel, stride, padBegin, padEnd;
};

/// The window index `o` whose offset `k` covers input position `i`, when it
/// exists: `o = (i + padBegin - k) / stride` if that divides exactly and
/// `0 <= o < outSize`. Emits index arithmetic; returns (valid, clamped `o`),
/// the clamped index being safe to read even where `valid` is false.
std::pair<Value, Value> windowCovering(OpBuilder &b, Location loc,
                                       const PoolAxis &axis, Value i, Value k);

} // namespace mlir::logbtq::gradlowering

#endif // LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_LOWERGRADUTILS_H
