//===- LogBTQTrainingOps.cpp - loss, gradient and optimizer ops -----------===//

#include "VerifyUtils.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"
#include "logbtq/Dialect/LogBTQ/IR/ShapeInference.h"

#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;
using namespace mlir::logbtq;

/// Logits are [N, C] and labels [N].
static LogicalResult verifyLogitsAndLabels(Operation *op, Value logits,
                                           Value labels) {
  ArrayRef<int64_t> l = shapeOf(logits), y = shapeOf(labels);
  if (l.size() != 2 || y.size() != 1)
    return op->emitOpError("expects logits of rank 2 and labels of rank 1, got ")
           << logits.getType() << " and " << labels.getType();
  if (failed(verifyCompatibleShape(l.take_front(), y)))
    return op->emitOpError("has ")
           << l[0] << " rows of logits but " << y[0] << " labels";
  return success();
}

/// Every value of `values` is a vector of `channels` elements.
static LogicalResult verifyPerChannel(Operation *op, ValueRange values,
                                      int64_t channels) {
  for (Value v : values)
    if (failed(verifyCompatibleShape(shapeOf(v), ArrayRef<int64_t>{channels})))
      return op->emitOpError("per-channel values must have shape ")
             << shape::format(channels) << ", got " << v.getType();
  return success();
}

LogicalResult SoftmaxCrossEntropyOp::verify() {
  return verifyLogitsAndLabels(*this, getLogits(), getLabels());
}

static LogicalResult verifyTargetLossKind(Operation *op, StringRef kind) {
  if (kind != "mse" && kind != "l1" && kind != "bce_with_logits")
    return op->emitOpError("kind must be mse, l1 or bce_with_logits, got '")
           << kind << "'";
  return success();
}

LogicalResult TargetLossOp::verify() {
  if (failed(verifyTargetLossKind(*this, getKind())))
    return failure();
  return verifyLogitsAndLabels(*this, getLogits(), getLabels());
}

LogicalResult TargetLossGradOp::verify() {
  if (failed(verifyTargetLossKind(*this, getKind())) ||
      failed(verifyLogitsAndLabels(*this, getLogits(), getLabels())))
    return failure();
  return checks::verifyShapeOf(*this, getResult(),
                               shape::Shape(shapeOf(getLogits())));
}

LogicalResult CountCorrectOp::verify() {
  return verifyLogitsAndLabels(*this, getLogits(), getLabels());
}

LogicalResult SoftmaxCrossEntropyGradOp::verify() {
  if (failed(verifyLogitsAndLabels(*this, getLogits(), getLabels())))
    return failure();
  return checks::verifyShapeOf(*this, getResult(),
                               shape::Shape(shapeOf(getLogits())));
}

LogicalResult ClipGradOp::verify() {
  if (getMin().convertToDouble() > getMax().convertToDouble())
    return emitOpError("min is greater than max");
  return success();
}

LogicalResult SoftmaxGradOp::verify() {
  return checks::verifyAxisInRange(*this, getAxis(),
                                   shapeOf(getValue()).size());
}

LogicalResult LogSoftmaxGradOp::verify() {
  return checks::verifyAxisInRange(*this, getAxis(),
                                   shapeOf(getValue()).size());
}

#define LOGBTQ_EMIT_ERROR [&] { return emitOpError(); }

LogicalResult MaxPool2DGradOp::verify() {
  if (failed(verifyCompatibleShape(getInput().getType(), getType())))
    return emitOpError("result type ")
           << getType() << " must match the pooled input "
           << getInput().getType();
  // The gradient has the shape the forward pooling produced.
  return checks::verifyShapeOf(
      *this, getGrad(),
      shape::inferPool2D(shapeOf(getInput()), getKernel(), getStrides(),
                         getPads(), getCeilMode(), LOGBTQ_EMIT_ERROR));
}

LogicalResult AvgPool2DGradOp::verify() {
  return checks::verifyShapeOf(
      *this, getGrad(),
      shape::inferPool2D(shapeOf(getResult()), getKernel(), getStrides(),
                         getPads(), getCeilMode(), LOGBTQ_EMIT_ERROR));
}

LogicalResult Conv2DGradInputOp::verify() {
  return checks::verifyShapeOf(
      *this, getGrad(),
      shape::inferConv2D(shapeOf(getResult()), shapeOf(getFilter()),
                         std::nullopt, getStrides(), getPads(), getDilations(),
                         LOGBTQ_EMIT_ERROR));
}

LogicalResult Conv2DGradFilterOp::verify() {
  return checks::verifyShapeOf(
      *this, getGrad(),
      shape::inferConv2D(shapeOf(getInput()), shapeOf(getResult()),
                         std::nullopt, getStrides(), getPads(), getDilations(),
                         LOGBTQ_EMIT_ERROR));
}

LogicalResult BatchNormGradOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  if (x.size() < 2)
    return emitOpError("input must have a channel dimension");
  if (failed(verifyCompatibleShape(getGrad().getType(), getInput().getType())) ||
      failed(verifyCompatibleShape(getInputGrad().getType(),
                                   getInput().getType())))
    return emitOpError("gradient and input gradient must have the input's "
                       "shape ")
           << getInput().getType();
  return verifyPerChannel(*this,
                          {getScale(), getMean(), getVariance(),
                           getScaleGrad(), getBiasGrad()},
                          x[1]);
}

LogicalResult StridedSliceGradOp::verify() {
  return shape::checkStridedBox(shapeOf(getResult()), shapeOf(getGrad()),
                                getOffsets(), getStrides(), LOGBTQ_EMIT_ERROR);
}

LogicalResult GatherGradOp::verify() {
  return checks::verifyShapeOf(
      *this, getGrad(),
      shape::inferGather(shapeOf(getResult()), shapeOf(getIndices()), getAxis(),
                         LOGBTQ_EMIT_ERROR));
}

LogicalResult LayerNormGradOp::verify() {
  return checks::verifyLayerNorm(*this, getInput(), getAxis(), getEpsilon(),
                                 {getScale(), getScaleGrad(), getBiasGrad()},
                                 {getGrad(), getInputGrad()});
}

LogicalResult ReduceSumOp::verify() {
  return checks::verifyReduction(*this, getInput(), getAxes(), getResult());
}

LogicalResult SliceOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput()), out = shapeOf(getResult());
  ArrayRef<int64_t> offsets = getOffsets();
  if (in.size() != out.size() || offsets.size() != in.size())
    return emitOpError("input, result and offsets must have the same rank");
  for (size_t d = 0; d < in.size(); ++d) {
    if (ShapedType::isDynamic(in[d]) || ShapedType::isDynamic(out[d]))
      return emitOpError("needs static shapes");
    if (offsets[d] < 0 || offsets[d] + out[d] > in[d])
      return emitOpError("slice of ")
             << out[d] << " at offset " << offsets[d]
             << " does not fit dimension " << d << " of size " << in[d];
  }
  return success();
}

LogicalResult BarrierGradOp::verify() {
  double bound = getBound().convertToDouble();
  if (!std::isfinite(bound) || bound <= 0)
    return emitOpError("bound must be a positive finite number, got ")
           << bound;
  return checks::verifyShapeOf(*this, getResult(),
                               shape::Shape(shapeOf(getInput())));
}

LogicalResult AdamUpdateOp::verify() {
  for (Value v : {getGrad(), getFirstMoment(), getSecondMomentSqrt()})
    if (failed(verifyCompatibleShape(v.getType(), getParam().getType())))
      return emitOpError("parameter, gradient and moments must have one "
                         "shape, got ")
             << getParam().getType() << " and " << v.getType();
  auto inUnit = [](APFloat v) {
    double d = v.convertToDouble();
    return d >= 0 && d < 1;
  };
  if (!inUnit(getBeta1()) || !inUnit(getBeta2()))
    return emitOpError("beta1 and beta2 must be in [0, 1)");
  if (!(getEps().convertToDouble() > 0) ||
      getWeightDecay().convertToDouble() < 0)
    return emitOpError("eps must be > 0 and weight_decay >= 0");
  return success();
}

LogicalResult BatchNormTrainOp::verify() {
  ArrayRef<int64_t> x = shapeOf(getInput());
  if (x.size() < 2)
    return emitOpError("input must have a channel dimension (rank >= 2), got ")
           << getInput().getType();
  if (failed(verifyCompatibleShape(getResult().getType(), getInput().getType())))
    return emitOpError("result must have the input's shape ")
           << getInput().getType();
  if (getEpsilon().convertToDouble() < 0)
    return emitOpError("epsilon must be non-negative");
  return verifyPerChannel(*this,
                          {getScale(), getBias(), getBatchMean(),
                           getBatchVariance()},
                          x[1]);
}

LogicalResult RunningStatsUpdateOp::verify() {
  ArrayRef<int64_t> m = shapeOf(getRunningMean());
  if (m.size() != 1)
    return emitOpError("statistics must be vectors, got ")
           << getRunningMean().getType();
  double momentum = getMomentum().convertToDouble();
  if (!(momentum >= 0 && momentum <= 1))
    return emitOpError("momentum must be in [0, 1], got ") << momentum;
  if (getCount() < 2)
    return emitOpError("count must be at least 2 (the unbiased variance "
                       "divides by count - 1), got ")
           << getCount();
  return verifyPerChannel(*this,
                          {getRunningVariance(), getBatchMean(),
                           getBatchVariance()},
                          m[0]);
}

LogicalResult GlobalNormOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one tensor");
  return success();
}

LogicalResult SGDUpdateOp::verify() {
  for (Value v : {getGrad(), getMomentumBuffer(), getNewParam(),
                  getNewMomentum()})
    if (failed(verifyCompatibleShape(v.getType(), getParam().getType())))
      return emitOpError("parameter, gradient and momentum must have one "
                         "shape, got ")
             << getParam().getType() << " and " << v.getType();
  return success();
}
