//===- LoweringUtils.h - The toolkit of the logbtq lowering -----*- C++ -*-===//
//
// The one shared helper layer of lib/Conversion/LogBTQToLinalg: what the
// patterns of every family (graph ops, gradients, optimizer, MU8) have in
// common. The f32 contract check, constants, destination tensors
// (tensor.empty + linalg.fill), iterator types and indexing maps,
// elementwise and reduction `linalg.generic` builders, and the NCHW padding
// of the window ops. The builders of one concept live beside it, in the same
// namespace: Im2Col.h (convolutions as products), MU8Kernels.h (MU8 scalar
// arithmetic); Patterns.h lists the pattern families.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_LOWERINGUTILS_H
#define LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_LOWERINGUTILS_H

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"
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
/// with a static shape, of f32 (or of i1, i32 or i64 for the `integerOperands`
/// named by index: the labels of the loss ops, a gather's indices, a mask).
/// Otherwise tells the rewriter why. MU8 values reach these patterns decoded
/// (LowerMU8.cpp, LowerIntegerKernel.cpp).
LogicalResult checkStaticF32(Operation *op, PatternRewriter &rewriter,
                             ArrayRef<unsigned> integerOperands = {});

/// The skeleton of every pattern that lowers an op on f32 tensors: it
/// declines what checkStaticF32 refuses (saying why), then replaces the op
/// with the values `lower` builds.
template <typename OpTy>
class F32OpLowering : public OpConversionPattern<OpTy> {
public:
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const final {
    if (failed(checkStaticF32(op, rewriter, integerOperands())))
      return failure();
    FailureOr<SmallVector<Value>> results = lower(op, adaptor, rewriter);
    if (failed(results))
      return failure();
    rewriter.replaceOp(op, *results);
    return success();
  }

protected:
  /// The operands (by index) that may be i1, i32 or i64 tensors (masks,
  /// indices).
  virtual SmallVector<unsigned> integerOperands() const { return {}; }
  /// The values that replace `op`'s results; or failure, after telling the
  /// rewriter why.
  virtual FailureOr<SmallVector<Value>>
  lower(OpTy op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const = 0;
};

/// An `arith.constant` of a float type.
Value createFloatConstant(OpBuilder &b, Location loc, Type type, double value);
/// An f32 `arith.constant`.
inline Value createF32Constant(OpBuilder &b, Location loc, double value) {
  return createFloatConstant(b, loc, b.getF32Type(), value);
}
/// An index `arith.constant`.
Value createIndexConstant(OpBuilder &b, Location loc, int64_t value);
/// -inf of a float type: the neutral element of a max.
Value createNegInf(OpBuilder &b, Location loc, Type type);

/// A `tensor.empty` of a static shape.
Value createEmpty(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  Type elementType);
/// A `tensor.empty` filled with `value` by `linalg.fill`: the init of a
/// reduction or a named op (`value` gives the element type).
Value createFilled(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                   Value value);

/// `input` reduced over `axes` (a linalg.reduce) into `resultType`, which
/// drops them; `kind` is sum, mean, max or min (max and min propagate NaN,
/// the mean divides the sum by the count). No axes: the input itself.
Value createReduction(OpBuilder &b, Location loc, Value input,
                      ArrayRef<int64_t> axes, RankedTensorType resultType,
                      StringRef kind);

/// Iterator types: `rank` parallel ones, with the `reduced` dims marked as
/// reductions.
SmallVector<utils::IteratorType>
getIteratorTypes(unsigned rank, ArrayRef<unsigned> reduced = {});

/// The map from `rank` loops to the loop dims in `dims`.
AffineMap getProjectionMap(MLIRContext *ctx, unsigned rank,
                           ArrayRef<unsigned> dims);

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

/// The common case of createElementwise: inputs of the result's shape, read
/// with identity maps; `body` computes one result element from the input
/// elements (the output argument is not passed).
Value createElementwise(
    OpBuilder &b, Location loc, RankedTensorType resultType, ValueRange inputs,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body);

/// Pooling windows of at most this many offsets (the usual 2x2 and 3x3)
/// are unrolled into elementwise bodies, which vectorize; bigger ones keep
/// their window loops.
constexpr int64_t kMaxUnrolledWindow = 16;

/// A tensor of `resultType` whose every element is `body(indices)` (the
/// element's indices, `linalg.index` values): a parallel generic with no
/// inputs, for elements read at computed positions (`tensor.extract`), which
/// -logbtq-vectorize turns into gathers.
Value createIndexed(
    OpBuilder &b, Location loc, RankedTensorType resultType,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body);

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

/// Reduces every dim of the tensors `inputs` (all of one shape) into a 0-d
/// tensor starting from `initValue`, and returns its element. `combine` gets
/// (inputs..., accumulator).
Value reduceToScalar(OpBuilder &b, Location loc, ValueRange inputs,
                     Value initValue, BodyFn combine);

/// Pads the H and W dims of an NCHW tensor with `padValue`: `low` is
/// [top, left], `high` [bottom, right]. Returns `input` when nothing pads.
Value padSpatial(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> low,
                 ArrayRef<int64_t> high, Value padValue);

/// The single element of a 0-d tensor.
Value extractScalar(OpBuilder &b, Location loc, Value tensor);

/// `[v0, v1]` as the `tensor<2xi64>` attribute of the named conv and
/// pooling ops (strides, dilations).
DenseIntElementsAttr getI64VectorAttr(OpBuilder &b, ArrayRef<int64_t> values);

/// `tensor<... x !logbtq.mu8<e>>` -> `tensor<... x i8>`; other types as is.
Type convertMU8Type(Type type);

} // namespace mlir::logbtq::lowering

#endif // LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_LOWERINGUTILS_H
