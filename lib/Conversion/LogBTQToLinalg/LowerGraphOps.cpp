//===- LowerGraphOps.cpp - Graph, loss and metric ops to Linalg -----------===//

#include "logbtq/Conversion/LogBTQToLinalg/LogBTQToLinalg.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

void mlir::logbtq::populateLogBTQGraphToLinalgPatterns(
    TypeConverter &converter, RewritePatternSet &patterns) {}
