//===- Patterns.h - The pattern families of the logbtq lowering -*- C++ -*-===//
//
// One populate function per file of lib/Conversion/LogBTQToLinalg. The public
// entry points (LogBTQToLinalg.h) collect them: the graph ops in
// LowerGraphOps.cpp, the gradients and the optimizer in LowerTrainingOps.cpp,
// MU8 in LowerMU8.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_PATTERNS_H
#define LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_PATTERNS_H

#include "mlir/Transforms/DialectConversion.h"

namespace mlir::logbtq::lowering {

// Graph ops, the loss and the metrics (f32).
void populateLinearPatterns(TypeConverter &converter,
                            RewritePatternSet &patterns);
void populateElementwisePatterns(TypeConverter &converter,
                                 RewritePatternSet &patterns);
void populatePoolingPatterns(TypeConverter &converter,
                             RewritePatternSet &patterns);
void populateDataMovementPatterns(TypeConverter &converter,
                                  RewritePatternSet &patterns);
void populateNormalizationPatterns(TypeConverter &converter,
                                   RewritePatternSet &patterns);
void populateReductionPatterns(TypeConverter &converter,
                               RewritePatternSet &patterns);
void populateLossPatterns(TypeConverter &converter,
                          RewritePatternSet &patterns);

// Gradients and the optimizer (f32).
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
/// target_loss and its gradient (LowerTargetLoss.cpp).
void populateTargetLossPatterns(TypeConverter &converter,
                                RewritePatternSet &patterns);
void populateOptimizerPatterns(TypeConverter &converter,
                               RewritePatternSet &patterns);

// MU8 tensors, encode/decode/quantize/range_exponent, and the retyping of
// other ops that carry MU8 tensors; the integer kernels.
void populateMU8Patterns(TypeConverter &converter, RewritePatternSet &patterns);
void populateIntegerKernelPatterns(TypeConverter &converter,
                                   RewritePatternSet &patterns);

} // namespace mlir::logbtq::lowering

#endif // LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_PATTERNS_H
