//===- Utils.h - Shared matchers of the Linalg raising ----------*- C++ -*-===//
//
// What the raising patterns of -logbtq-raise-linalg have in common: reading
// constants and splats, looking through the producers that a raised op
// absorbs (tensor.pad, linalg.fill, linalg.broadcast, transposes), and the
// elementwise form shared by every linalg spelling of add/sub/mul/div/max.
//
// Every matcher reports why it fails as a `Reason`: the same text completes
// the pass's diagnostic "cannot raise 'op' to logbtq: <reason>", so a pattern
// and the final legality walk can never disagree about an op.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_LIB_CONVERSION_LINALGTOLOGBTQ_UTILS_H
#define LOGBTQ_LIB_CONVERSION_LINALGTOLOGBTQ_UTILS_H

#include "logbtq/Dialect/LogBTQ/IR/ShapeInference.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/APFloat.h"

#include <optional>
#include <string>

namespace mlir::logbtq::raise {

/// Why an op cannot be raised; completes "cannot raise 'op' to logbtq: ".
using Reason = std::string;

/// What the final walk says of an op whose matcher succeeds: only possible
/// when the greedy driver stopped before it converged.
inline constexpr const char *kNotConverged =
    "it matches a raising pattern, but the rewriting stopped before reaching "
    "it";

/// Sets `why` and fails, for one-line early exits of the matchers.
inline LogicalResult fail(Reason &why, const Twine &message) {
  why = message.str();
  return failure();
}

/// `value` as it reads in a message (`0.0`, `-inf`, `4.0`).
std::string formatFloat(const APFloat &value);

/// Checks that every shaped operand and result of `op` is a ranked tensor of
/// f32: logbtq graphs start in f32, and raising runs before bufferization.
LogicalResult checkF32Tensors(Operation *op, Reason &why);

/// The value of a float scalar constant, of a splat dense constant, or of a
/// `linalg.fill` of a constant: what an init or an operand holds everywhere.
std::optional<APFloat> getSplatValue(Value value);
bool isZeroSplat(Value value);
/// -inf or the lowest finite float: the neutral element of a max.
bool isMaxNeutral(const APFloat &value);
bool isMaxNeutralSplat(Value value);

/// A constant padding of the spatial (H, W) dims of an NCHW tensor, as
/// `tensor.pad` spells it. `pads` is [top, left, bottom, right]; `value` is
/// unset when there is no pad at all.
struct SpatialPad {
  Value source;
  SmallVector<int64_t, 4> pads{0, 0, 0, 0};
  std::optional<APFloat> value;
};
/// Looks through a `tensor.pad` producing `input`; fails when the pad is not
/// static, not constant, or touches the N or C dims.
FailureOr<SpatialPad> getSpatialPad(Value input, Reason &why);

/// A value that only broadcasts another one through an indexing map: the
/// result of a `linalg.broadcast`, or of a `linalg.generic` whose body yields
/// its one input through a map that is not a permutation (that one is a
/// transpose). `map` goes from the dims of the copy to the dims of `source`.
struct CopySource {
  Value source;
  AffineMap map;
};
std::optional<CopySource> getCopySource(Value value);

/// The source of a 2-D transpose (linalg.transpose, logbtq.transpose or a copy
/// generic with map (d0, d1) -> (d1, d0)), which a matmul absorbs.
std::optional<Value> getTransposeSource2D(Value value);

/// One operand of a raised binary op, ready for numpy broadcasting: either a
/// tensor (after looking through a broadcast, maybe reshaped to insert unit
/// dims) or a constant fed as a rank-0 tensor.
struct BroadcastOperand {
  Value value;
  std::optional<APFloat> scalar;
  std::optional<shape::Shape> reshapeTo;

  shape::Shape getShape() const;
};

/// Plans how `value`, read through `map` by an op whose result has shape
/// `resultShape`, becomes a numpy-broadcasting operand. A map that drops dims
/// or reads size-1 dims at index 0 is a broadcast; one that permutes dims is
/// not raised.
FailureOr<BroadcastOperand> planBroadcastOperand(Value value, AffineMap map,
                                                 ArrayRef<int64_t> resultShape,
                                                 Reason &why);
BroadcastOperand scalarOperand(const APFloat &value);

/// Checks that the two operands broadcast to exactly `resultShape`.
LogicalResult checkBroadcastResult(MLIRContext *context,
                                   const BroadcastOperand &lhs,
                                   const BroadcastOperand &rhs,
                                   ArrayRef<int64_t> resultShape, Reason &why);

/// Creates the IR an operand needs: a rank-0 constant, a logbtq.reshape, or
/// nothing.
Value materialize(OpBuilder &builder, Location loc,
                  const BroadcastOperand &operand);

/// The init a reduction (matmul, conv, sum pool) accumulates into, as the
/// operand of a logbtq.add after the raised op: nothing when it is zero; a
/// broadcast bias becomes its un-broadcast source.
FailureOr<std::optional<BroadcastOperand>> getInitAddend(Value init,
                                                         Reason &why);

/// The arithmetic of an elementwise linalg op with two operands.
enum class BinaryKind { Add, Sub, Mul, Div, Max };

/// One operand of an elementwise op: an input tensor read through `map`, or
/// a float constant.
struct ElementwiseOperand {
  Value tensor;
  AffineMap map;
  std::optional<APFloat> scalar;
};

/// Checks what every elementwise form needs: f32 tensors, one result, only
/// parallel loops, the result written through the identity map.
LogicalResult checkElementwiseShape(linalg::LinalgOp op, Reason &why);

/// `result = lhs <kind> rhs` of linalg.add/sub/mul/div/max,
/// linalg.elementwise, or a linalg.generic whose body is one arithmetic op
/// (the `cmpf` + `select` spelling of a max with zero included).
struct ElementwiseForm {
  BinaryKind kind;
  ElementwiseOperand lhs, rhs;
  RankedTensorType resultType;
};
FailureOr<ElementwiseForm> getElementwiseForm(linalg::LinalgOp op, Reason &why);

/// Whether `op` is a linalg.generic whose body only yields its one input.
bool isCopyGeneric(linalg::GenericOp op);

/// Runs a shape rule of ShapeInference.h and turns its diagnostic into `why`
/// instead of emitting it: the raising checks that the op it will build
/// verifies before it touches the IR.
FailureOr<shape::Shape>
inferShape(MLIRContext *context, Reason &why,
           function_ref<FailureOr<shape::Shape>(shape::EmitErrorFn)> rule);

/// Checks an inferred shape against the type the linalg op already has.
LogicalResult checkResultShape(const shape::Shape &inferred,
                               RankedTensorType resultType, Reason &why);

} // namespace mlir::logbtq::raise

#endif // LOGBTQ_LIB_CONVERSION_LINALGTOLOGBTQ_UTILS_H
