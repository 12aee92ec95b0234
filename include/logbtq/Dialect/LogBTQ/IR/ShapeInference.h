//===- ShapeInference.h - Result shapes of logbtq graph ops -----*- C++ -*-===//
//
// The shape rules of the graph ops, in one place: the op verifiers check
// results against them, and the front ends (ONNX importer, Linalg raising)
// use them to build result types. Dynamic dimensions (ShapedType::kDynamic)
// propagate; a rule only fails on what is certainly wrong. Errors go through
// `emitError`, so each caller reports them at its own location.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_DIALECT_LOGBTQ_IR_SHAPEINFERENCE_H
#define LOGBTQ_DIALECT_LOGBTQ_IR_SHAPEINFERENCE_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace mlir::logbtq::shape {

using Shape = SmallVector<int64_t, 4>;
using EmitErrorFn = function_ref<InFlightDiagnostic()>;

/// `op(lhs) x op(rhs)` of two 2-D shapes, `op` transposing when asked.
FailureOr<Shape> inferMatmul(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs,
                             bool transposeLhs, bool transposeRhs,
                             EmitErrorFn emitError);

/// [..., M, K] x [..., K, N] (each optionally transposed in its last two
/// dims), the same leading (batch) dims on both sides, rank >= 3.
FailureOr<Shape> inferBatchMatmul(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs,
                                  bool transposeLhs, bool transposeRhs,
                                  EmitErrorFn emitError);

/// NCHW input, FCHW filter, optional bias of F; pads are [t, l, b, r].
FailureOr<Shape> inferConv2D(ArrayRef<int64_t> input, ArrayRef<int64_t> filter,
                             std::optional<ArrayRef<int64_t>> bias,
                             ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                             ArrayRef<int64_t> dilations,
                             EmitErrorFn emitError);

/// 2-D pooling over NCHW; pads are [t, l, b, r].
FailureOr<Shape> inferPool2D(ArrayRef<int64_t> input, ArrayRef<int64_t> kernel,
                             ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                             bool ceilMode, EmitErrorFn emitError);

/// numpy (multidirectional) broadcasting of two shapes.
FailureOr<Shape> inferBroadcast(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs,
                                EmitErrorFn emitError);

/// Result dim i is input dim perm[i]; perm must be a permutation.
FailureOr<Shape> inferTranspose(ArrayRef<int64_t> input, ArrayRef<int64_t> perm,
                                EmitErrorFn emitError);

/// Concatenation along `axis` (already normalized to [0, rank)).
FailureOr<Shape> inferConcat(ArrayRef<ArrayRef<int64_t>> inputs, int64_t axis,
                             EmitErrorFn emitError);

/// ONNX Reshape semantics: a -1 entry is inferred, a 0 entry copies the input
/// dim (unless `allowZero`). The input must be static.
FailureOr<Shape> inferReshape(ArrayRef<int64_t> input, ArrayRef<int64_t> target,
                              bool allowZero, EmitErrorFn emitError);

/// Checks a box of `box` elements taken from `input` at `offsets` with
/// `strides` (both one per dim, offsets >= 0, strides > 0): it must fit.
LogicalResult checkStridedBox(ArrayRef<int64_t> input, ArrayRef<int64_t> box,
                              ArrayRef<int64_t> offsets,
                              ArrayRef<int64_t> strides, EmitErrorFn emitError);

/// Gather along `axis` (in [0, rank)): input[:axis] + indices +
/// input[axis+1:].
FailureOr<Shape> inferGather(ArrayRef<int64_t> input, ArrayRef<int64_t> indices,
                             int64_t axis, EmitErrorFn emitError);

/// Checks that `input` broadcasts to `result` (numpy style, one way).
LogicalResult checkBroadcastTo(ArrayRef<int64_t> input,
                               ArrayRef<int64_t> result, EmitErrorFn emitError);

/// Checks that `axis` is in [-rank, rank) and returns it in [0, rank).
FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                 EmitErrorFn emitError);

/// `4x?x7`, for messages.
std::string format(ArrayRef<int64_t> shape);

} // namespace mlir::logbtq::shape

#endif // LOGBTQ_DIALECT_LOGBTQ_IR_SHAPEINFERENCE_H
