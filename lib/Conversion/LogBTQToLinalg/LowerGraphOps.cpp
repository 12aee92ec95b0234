//===- LowerGraphOps.cpp - Graph, loss and metric ops to Linalg -----------===//
//
// The lowering of the forward graph ops, the loss, the barrier and the
// metrics on f32 tensors of static shape. Each family lives in its own file:
//   LowerLinear.cpp         matmul, conv2d
//   LowerElementwise.cpp    relu, sigmoid, exp, erf, ..., add, sub, div, max,
//   ... LowerPooling.cpp        max_pool2d, avg_pool2d LowerDataMovement.cpp
//   reshape, transpose, concat LowerNormalization.cpp  softmax, log_softmax,
//   batch_norm LowerReduction.cpp      reduce LowerLoss.cpp           barrier,
//   softmax_cross_entropy, count_correct
// with the shared builders in LoweringUtils.h. A pattern that meets anything
// else (MU8 elements, dynamic shapes) fails to match, so the op stays and
// the pass reports it.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "logbtq/Conversion/LogBTQToLinalg/LogBTQToLinalg.h"

using namespace mlir;
using namespace mlir::logbtq;

void mlir::logbtq::populateLogBTQGraphToLinalgPatterns(
    TypeConverter &converter, RewritePatternSet &patterns) {
  lowering::populateLinearPatterns(converter, patterns);
  lowering::populateElementwisePatterns(converter, patterns);
  lowering::populatePoolingPatterns(converter, patterns);
  lowering::populateDataMovementPatterns(converter, patterns);
  lowering::populateNormalizationPatterns(converter, patterns);
  lowering::populateReductionPatterns(converter, patterns);
  lowering::populateLossPatterns(converter, patterns);
}
