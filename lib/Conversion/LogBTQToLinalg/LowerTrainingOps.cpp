//===- LowerTrainingOps.cpp - Gradient and optimizer ops to Linalg --------===//

#include "logbtq/Conversion/LogBTQToLinalg/LogBTQToLinalg.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

void mlir::logbtq::populateLogBTQTrainingToLinalgPatterns(
    TypeConverter &converter, RewritePatternSet &patterns) {}
