//===- LowerTrainingOps.cpp - Gradient and optimizer ops to Linalg --------===//
//
// The gradient ops, the barrier gradient and the optimizer step on f32
// tensors, lowered to Linalg on tensors. The patterns live in one file per
// family (LowerGrad*.cpp, LowerOptimizer.cpp); this file collects them.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "logbtq/Conversion/LogBTQToLinalg/LogBTQToLinalg.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

void mlir::logbtq::populateLogBTQTrainingToLinalgPatterns(
    TypeConverter &converter, RewritePatternSet &patterns) {
  using namespace lowering;
  populateElementwiseGradPatterns(converter, patterns);
  populateSoftmaxGradPatterns(converter, patterns);
  populatePoolGradPatterns(converter, patterns);
  populateConvGradPatterns(converter, patterns);
  populateReductionGradPatterns(converter, patterns);
  populateOptimizerPatterns(converter, patterns);
  populateTargetLossPatterns(converter, patterns);
}
