//===- Patterns.h - The raising patterns, by family -------------*- C++ -*-===//
//
// Each family of patterns lives in its own file (as torch-mlir splits
// TorchToLinalg) and offers two entry points: one that adds its patterns, and
// one that says why an op of its kinds was left unraised. The pass calls the
// second on whatever the patterns left behind, so the diagnostic comes from
// the same matcher that declined the op.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_LIB_CONVERSION_LINALGTOLOGBTQ_PATTERNS_H
#define LOGBTQ_LIB_CONVERSION_LINALGTOLOGBTQ_PATTERNS_H

#include "Utils.h"

#include "mlir/IR/PatternMatch.h"

namespace mlir::logbtq::raise {

/// linalg.matmul (and contraction generics), linalg.conv_2d_nchw_fchw.
void populateLinearPatterns(RewritePatternSet &patterns);
/// linalg.pooling_nchw_max, linalg.pooling_nchw_sum and its division.
void populatePoolingPatterns(RewritePatternSet &patterns);
/// add/sub/mul in their linalg spellings, and relu.
void populateElementwisePatterns(RewritePatternSet &patterns);
/// Reshapes, transposes, softmax, and fills that outlive their consumers.
void populateDataMovementPatterns(RewritePatternSet &patterns);
/// Generic bodies of several elementwise ops (bias + relu, GELU, ...).
void populateFusedElementwisePatterns(RewritePatternSet &patterns);

/// Why `op` was not raised, if it is of a kind the family handles; nullopt
/// when the op belongs to another family.
std::optional<Reason> explainLinear(Operation *op);
std::optional<Reason> explainPooling(Operation *op);
std::optional<Reason> explainElementwise(Operation *op);
std::optional<Reason> explainDataMovement(Operation *op);
std::optional<Reason> explainFusedElementwise(Operation *op);

} // namespace mlir::logbtq::raise

#endif // LOGBTQ_LIB_CONVERSION_LINALGTOLOGBTQ_PATTERNS_H
