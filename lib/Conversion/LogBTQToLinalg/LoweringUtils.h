//===- LoweringUtils.h - Shared pieces of the graph-op lowering -*- C++ -*-===//
//
// What the patterns of LowerLinear.cpp, LowerElementwise.cpp,
// LowerPooling.cpp, LowerDataMovement.cpp, LowerNormalization.cpp and
// LowerLoss.cpp have in common: the f32 contract check, destination tensors
// (tensor.empty + linalg.fill), indexing maps for broadcasting and
// reductions, elementwise and reduction `linalg.generic` builders, and the
// NCHW padding of the window ops.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_LOWERINGUTILS_H
#define LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_LOWERINGUTILS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::logbtq::lowering {

/// The body of a `linalg.generic`: gets the block arguments (inputs, then
/// outputs) and returns the values to yield.
using BodyFn =
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)>;

/// Succeeds if every tensor operand and result of `op` is a ranked tensor
/// with a static shape, of f32 (or of i32 for the `i32Operands` named by
/// index, the labels of the loss ops). Otherwise tells the rewriter why.
/// MU8 values reach these patterns decoded (LowerMU8.cpp, LowerIntegerKernel.cpp).
LogicalResult checkStaticF32(Operation *op, PatternRewriter &rewriter,
                             ArrayRef<unsigned> i32Operands = {});

/// The shape of `value`, a ranked tensor.
ArrayRef<int64_t> shapeOf(Value value);

/// An `arith.constant` of a float type.
Value createFloatConstant(OpBuilder &b, Location loc, Type type, double value);
/// -inf of a float type: the neutral element of a max.
Value createNegInf(OpBuilder &b, Location loc, Type type);

/// A `tensor.empty` of a static shape.
Value createEmpty(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  Type elementType);
/// A `tensor.empty` filled with `value` by `linalg.fill`: the init of a
/// reduction or a named op (`value` gives the element type).
Value createFilled(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                   Value value);

/// `n` parallel iterators.
SmallVector<utils::IteratorType> getParallelIterators(unsigned n);

/// The map that reads an operand of `operandShape` broadcast numpy-style to
/// `resultShape`: missing leading dims are dropped, size-1 dims that the
/// result stretches read index 0.
AffineMap getBroadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape,
                          ArrayRef<int64_t> resultShape);

/// `(d0, ..., d{rank-1}) -> (d0, ..., d{rank-1} without d{dim})`: how a
/// reduction along `dim` writes its output, or how its result is read back.
AffineMap getDropDimMap(MLIRContext *ctx, unsigned rank, unsigned dim);

/// `(d0, ..., d{rank-1}) -> (d{dim})`: a per-channel parameter.
AffineMap getSingleDimMap(MLIRContext *ctx, unsigned rank, unsigned dim);

/// A parallel `linalg.generic` producing a tensor of `resultType` (into a
/// fresh `tensor.empty`), reading `inputs` through `inputMaps`.
Value createElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                        ValueRange inputs, ArrayRef<AffineMap> inputMaps,
                        BodyFn body);

/// A `linalg.generic` over `iterators` that reads `inputs` and writes (or
/// accumulates into) `inits` through `maps` (inputs first); its results.
SmallVector<Value> createGeneric(OpBuilder &b, Location loc, ValueRange inputs,
                                 ValueRange inits, ArrayRef<AffineMap> maps,
                                 ArrayRef<utils::IteratorType> iterators,
                                 BodyFn body);

/// A `linalg.generic` that reduces along `dim` of `inputs[0]` into a tensor of
/// its other dims, starting from `initValue`. Later inputs have either the
/// rank of the first (read elementwise) or one less (read per reduced row,
/// like the result). `combine` gets (inputs..., accumulator) and returns the
/// new accumulator.
Value createAxisReduction(OpBuilder &b, Location loc, ValueRange inputs,
                          unsigned dim, Value initValue, BodyFn combine);

/// Pads the H and W dims of an NCHW tensor with `padValue`: `low` is
/// [top, left], `high` [bottom, right]. Returns `input` when nothing pads.
Value padSpatial(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> low,
                 ArrayRef<int64_t> high, Value padValue);

/// The single element of a 0-d tensor.
Value extractScalar(OpBuilder &b, Location loc, Value tensor);

/// `[v0, v1]` as the `tensor<2xi64>` attribute of the named conv and
/// pooling ops (strides, dilations).
DenseIntElementsAttr getI64VectorAttr(OpBuilder &b, ArrayRef<int64_t> values);

// The pattern families; populateLogBTQGraphToLinalgPatterns adds them all.
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
void populateLossPatterns(TypeConverter &converter,
                          RewritePatternSet &patterns);
/// MU8 tensors, encode/decode/quantize/range_exponent, integer kernels, and
/// the retyping of other ops that carry MU8 tensors.
void populateMU8Patterns(TypeConverter &converter, RewritePatternSet &patterns);
void populateIntegerKernelPatterns(TypeConverter &converter,
                                   RewritePatternSet &patterns);

/// `tensor<... x !logbtq.mu8<e>>` -> `tensor<... x i8>`; other types as is.
Type convertMU8Type(Type type);

} // namespace mlir::logbtq::lowering

#endif // LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_LOWERINGUTILS_H
