//===- LogBTQToLinalg.h - Lower logbtq ops to Linalg ------------*- C++ -*-===//

#ifndef LOGBTQ_CONVERSION_LOGBTQTOLINALG_LOGBTQTOLINALG_H
#define LOGBTQ_CONVERSION_LOGBTQTOLINALG_LOGBTQTOLINALG_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
class TypeConverter;

namespace logbtq {

#define GEN_PASS_DECL_CONVERTLOGBTQTOLINALG
#include "logbtq/Conversion/Passes.h.inc"

/// Patterns for the forward graph ops, the barrier, the loss and the
/// metrics on f32.
void populateLogBTQGraphToLinalgPatterns(TypeConverter &converter,
                                         RewritePatternSet &patterns);

/// Patterns for the gradient ops (barrier_grad included) and the optimizer
/// on f32.
void populateLogBTQTrainingToLinalgPatterns(TypeConverter &converter,
                                            RewritePatternSet &patterns);

/// Both of the above.
void populateLogBTQToLinalgConversionPatterns(TypeConverter &converter,
                                              RewritePatternSet &patterns);

} // namespace logbtq
} // namespace mlir

#endif // LOGBTQ_CONVERSION_LOGBTQTOLINALG_LOGBTQTOLINALG_H
