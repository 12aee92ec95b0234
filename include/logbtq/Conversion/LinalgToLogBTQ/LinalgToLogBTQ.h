//===- LinalgToLogBTQ.h - Raise Linalg to logbtq graph ops ------*- C++ -*-===//

#ifndef LOGBTQ_CONVERSION_LINALGTOLOGBTQ_LINALGTOLOGBTQ_H
#define LOGBTQ_CONVERSION_LINALGTOLOGBTQ_LINALGTOLOGBTQ_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;

namespace logbtq {

#define GEN_PASS_DECL_LOGBTQRAISELINALG
#include "logbtq/Conversion/Passes.h.inc"

/// Adds the patterns that raise Linalg named ops and tensor reshapes to
/// logbtq graph ops. They are written for a greedy driver: each is rooted at
/// a consumer and leaves the producers it absorbs (fills, pads, broadcasts,
/// transposes) to dead-code elimination. A pattern that does not match leaves
/// its op alone; -logbtq-raise-linalg then reports what is left, so a caller
/// using the patterns directly must check for remaining Linalg ops itself.
void populateLinalgToLogBTQPatterns(RewritePatternSet &patterns);

} // namespace logbtq
} // namespace mlir

#endif // LOGBTQ_CONVERSION_LINALGTOLOGBTQ_LINALGTOLOGBTQ_H
