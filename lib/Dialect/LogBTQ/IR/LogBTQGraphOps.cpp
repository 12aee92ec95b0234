//===- LogBTQGraphOps.cpp - logbtq graph operations -----------------------===//
//
// Verifiers check each result against the shape rules of ShapeInference.h
// and that an op does not mix f32 and MU8 tensors.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"
#include "logbtq/Dialect/LogBTQ/IR/ShapeInference.h"
#include "VerifyUtils.h"

#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;
using namespace mlir::logbtq;


LogicalResult mlir::logbtq::verifySameElementKind(Operation *op) {
  Type resultType = op->getResult(0).getType();
  bool resultMU8 = static_cast<bool>(getMU8ElementType(resultType));
  for (Value operand : op->getOperands()) {
    auto shaped = dyn_cast<ShapedType>(operand.getType());
    if (!shaped || shaped.getElementType().isInteger())
      continue;
    if (static_cast<bool>(getMU8ElementType(shaped)) != resultMU8)
      return op->emitOpError("mixes f32 and MU8 tensors: operand ")
             << operand.getType() << " with result " << resultType;
  }
  return success();
}

LogicalResult checks::verifyShapeOf(Operation *op, Value value,
                                    FailureOr<shape::Shape> expected) {
  if (failed(expected))
    return failure();
  if (failed(verifyCompatibleShape(*expected, shapeOf(value))))
    return op->emitOpError("result type ")
           << value.getType() << " does not match the inferred shape "
           << shape::format(*expected);
  return success();
}

LogicalResult checks::verifyAxisInRange(Operation *op, int64_t axis,
                                        int64_t rank) {
  if (axis < 0 || axis >= rank)
    return op->emitOpError("axis ")
           << axis << " is out of range for rank " << rank;
  return success();
}

LogicalResult checks::verifyLayerNorm(Operation *op, Value input, int64_t axis,
                                      APFloat epsilon, ValueRange params,
                                      ValueRange sameAsInput) {
  ArrayRef<int64_t> in = shapeOf(input);
  if (failed(verifyAxisInRange(op, axis, in.size())))
    return failure();
  if (!(epsilon.convertToDouble() >= 0))
    return op->emitOpError("epsilon must be non-negative");
  ArrayRef<int64_t> normalized = in.drop_front(axis);
  for (Value param : params)
    if (failed(verifyCompatibleShape(shapeOf(param), normalized)))
      return op->emitOpError("scale, bias and their gradients must have the "
                             "normalized shape ")
             << shape::format(normalized) << ", got " << param.getType();
  for (Value v : sameAsInput)
    if (failed(verifyCompatibleShape(shapeOf(v), in)))
      return op->emitOpError("must have the input's shape ")
             << shape::format(in) << ", got " << v.getType();
  return success();
}

LogicalResult checks::verifyReduction(Operation *op, Value input,
                                      ArrayRef<int64_t> axes, Value result) {
  ArrayRef<int64_t> in = shapeOf(input);
  SmallVector<bool> reduced(in.size(), false);
  for (int64_t axis : axes) {
    if (failed(verifyAxisInRange(op, axis, in.size())))
      return failure();
    if (reduced[axis])
      return op->emitOpError("axis ") << axis << " is repeated";
    reduced[axis] = true;
  }
  shape::Shape expected;
  for (auto [d, size] : llvm::enumerate(in))
    if (!reduced[d])
      expected.push_back(size);
  return verifyShapeOf(op, result, expected);
}

/// The shared tail of every graph op verifier.
static LogicalResult verifyResultShape(Operation *op,
                                       FailureOr<shape::Shape> expected) {
  return checks::verifyShapeOf(op, op->getResult(0), expected);
}

#define LOGBTQ_EMIT_ERROR [&] { return emitOpError(); }

LogicalResult MatmulOp::verify() {
  return verifyResultShape(
      *this, shape::inferMatmul(shapeOf(getLhs()), shapeOf(getRhs()),
                                getTransposeLhs(), getTransposeRhs(),
                                LOGBTQ_EMIT_ERROR));
}

LogicalResult BatchMatmulOp::verify() {
  return verifyResultShape(
      *this, shape::inferBatchMatmul(shapeOf(getLhs()), shapeOf(getRhs()),
                                     getTransposeLhs(), getTransposeRhs(),
                                     LOGBTQ_EMIT_ERROR));
}

LogicalResult Conv2DOp::verify() {
  std::optional<ArrayRef<int64_t>> bias;
  if (getBias())
    bias = shapeOf(getBias());
  return verifyResultShape(
      *this, shape::inferConv2D(shapeOf(getInput()), shapeOf(getFilter()), bias,
                                getStrides(), getPads(), getDilations(),
                                LOGBTQ_EMIT_ERROR));
}

/// The input must be what conv2d of the result with the filter gives: that
/// leaves the result one size per stride (ONNX's output_padding picks it).
LogicalResult ConvTranspose2DOp::verify() {
  ArrayRef<int64_t> y = shapeOf(getResult()), w = shapeOf(getFilter());
  FailureOr<shape::Shape> input =
      shape::inferConv2D(y, w, std::nullopt, getStrides(), getPads(),
                         getDilations(), LOGBTQ_EMIT_ERROR);
  if (failed(input))
    return failure();
  if (failed(verifyCompatibleShape(*input, shapeOf(getInput()))))
    return emitOpError("result type ")
           << getResult().getType()
           << " is not a transposed convolution of the input "
           << getInput().getType() << ": conv2d of it gives "
           << shape::format(*input);
  if (getBias() &&
      (shapeOf(getBias()).size() != 1 || shapeOf(getBias())[0] != y[1]))
    return emitOpError("bias must have ")
           << y[1] << " entries, got " << getBias().getType();
  return success();
}

// Unary ops: the shape is checked by SameOperandsAndResultShape.
LogicalResult DropoutOp::verify() {
  double ratio = getRatio().convertToDouble();
  if (!(ratio >= 0 && ratio < 1))
    return emitOpError("ratio must be in [0, 1), got ") << ratio;
  return success();
}
LogicalResult ClipOp::verify() {
  if (getMin().convertToDouble() > getMax().convertToDouble())
    return emitOpError("min ") << getMin().convertToDouble()
                               << " is greater than max "
                               << getMax().convertToDouble();
  return success();
}

template <typename BinaryOp> static LogicalResult verifyBinary(BinaryOp op) {
  return verifyResultShape(
      op, shape::inferBroadcast(shapeOf(op.getLhs()), shapeOf(op.getRhs()),
                                [&] { return op.emitOpError(); }));
}
LogicalResult AddOp::verify() { return verifyBinary(*this); }
LogicalResult SubOp::verify() { return verifyBinary(*this); }
LogicalResult MulOp::verify() { return verifyBinary(*this); }
LogicalResult DivOp::verify() { return verifyBinary(*this); }
LogicalResult PowOp::verify() { return verifyBinary(*this); }
LogicalResult MaxOp::verify() { return verifyBinary(*this); }
LogicalResult MinOp::verify() { return verifyBinary(*this); }

LogicalResult LeakyReluOp::verify() {
  if (!std::isfinite(getAlpha().convertToDouble()))
    return emitOpError("alpha must be finite, got ")
           << getAlpha().convertToDouble();
  return success();
}

LogicalResult ReduceOp::verify() {
  StringRef kind = getKind();
  if (kind != "sum" && kind != "mean" && kind != "max" && kind != "min")
    return emitOpError("kind must be sum, mean, max or min, got '")
           << kind << "'";
  return checks::verifyReduction(*this, getInput(), getAxes(), getResult());
}

LogicalResult MaxPool2DOp::verify() {
  return verifyResultShape(
      *this, shape::inferPool2D(shapeOf(getInput()), getKernel(), getStrides(),
                                getPads(), getCeilMode(), LOGBTQ_EMIT_ERROR));
}

LogicalResult AvgPool2DOp::verify() {
  return verifyResultShape(
      *this, shape::inferPool2D(shapeOf(getInput()), getKernel(), getStrides(),
                                getPads(), getCeilMode(), LOGBTQ_EMIT_ERROR));
}

LogicalResult ReshapeOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getType());
  if (in.hasStaticShape() && out.hasStaticShape() &&
      in.getNumElements() != out.getNumElements())
    return emitOpError("cannot reshape ")
           << in.getNumElements() << " elements (" << in << ") into "
           << out.getNumElements() << " (" << out << ")";
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // A chain of reshapes is one reshape of the first input.
  if (auto producer = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(producer.getInput());
    return getResult();
  }
  return {};
}

LogicalResult TransposeOp::verify() {
  return verifyResultShape(*this, shape::inferTranspose(shapeOf(getInput()),
                                                        getPerm(),
                                                        LOGBTQ_EMIT_ERROR));
}

LogicalResult ConcatOp::verify() {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value v : getInputs())
    shapes.push_back(shapeOf(v));
  return verifyResultShape(
      *this, shape::inferConcat(shapes, getAxis(), LOGBTQ_EMIT_ERROR));
}

template <typename SoftmaxLikeOp>
static LogicalResult verifySoftmaxLike(SoftmaxLikeOp op) {
  return checks::verifyAxisInRange(op, op.getAxis(),
                                   shapeOf(op.getInput()).size());
}
LogicalResult SoftmaxOp::verify() { return verifySoftmaxLike(*this); }
LogicalResult LogSoftmaxOp::verify() { return verifySoftmaxLike(*this); }

LogicalResult StridedSliceOp::verify() {
  return shape::checkStridedBox(shapeOf(getInput()), shapeOf(getResult()),
                                getOffsets(), getStrides(), LOGBTQ_EMIT_ERROR);
}

LogicalResult GatherOp::verify() {
  return verifyResultShape(
      *this, shape::inferGather(shapeOf(getInput()), shapeOf(getIndices()),
                                getAxis(), LOGBTQ_EMIT_ERROR));
}

LogicalResult SelectOp::verify() {
  auto emitError = [&] { return emitOpError(); };
  FailureOr<shape::Shape> values = shape::inferBroadcast(
      shapeOf(getTrueValue()), shapeOf(getFalseValue()), emitError);
  if (failed(values))
    return failure();
  return verifyResultShape(*this, shape::inferBroadcast(shapeOf(getCondition()),
                                                        *values, emitError));
}

LogicalResult BroadcastOp::verify() {
  return shape::checkBroadcastTo(shapeOf(getInput()), shapeOf(getResult()),
                                 LOGBTQ_EMIT_ERROR);
}

LogicalResult LayerNormOp::verify() {
  return checks::verifyLayerNorm(*this, getInput(), getAxis(), getEpsilon(),
                                 {getScale(), getBias()}, {getResult()});
}

LogicalResult BatchNormOp::verify() {
  ArrayRef<int64_t> input = shapeOf(getInput());
  if (input.size() < 2)
    return emitOpError("input must have a channel dimension (rank >= 2), got ")
           << getInput().getType();
  for (Value param : {getScale(), getBias(), getMean(), getVariance()}) {
    ArrayRef<int64_t> s = shapeOf(param);
    if (s.size() != 1 || (!ShapedType::isDynamic(s[0]) &&
                          !ShapedType::isDynamic(input[1]) &&
                          s[0] != input[1]))
      return emitOpError("per-channel parameters must have shape ")
             << shape::format(input[1]) << ", got " << param.getType();
  }
  if (getEpsilon().convertToDouble() < 0)
    return emitOpError("epsilon must be non-negative");
  return verifyResultShape(*this, shape::Shape(input));
}
