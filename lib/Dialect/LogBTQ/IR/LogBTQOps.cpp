//===- LogBTQOps.cpp - logbtq operations ----------------------------------===//

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"
#include "logbtq/Numerics/Barrier.h"
#include "logbtq/Numerics/MU8.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

#include <optional>

using namespace mlir;
using namespace mlir::logbtq;
namespace mu8 = ::logbtq::mu8;
namespace barrier = ::logbtq::barrier;

#define GET_OP_CLASSES
#include "logbtq/Dialect/LogBTQ/IR/LogBTQOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// A dynamic range needs its exponent as an operand; a static one must not
/// have one, so that the IR never carries two ranges that could disagree.
static LogicalResult verifyRangeOperand(Operation *op, MU8Type type,
                                        Value exponent) {
  if (type.isDynamic() && !exponent)
    return op->emitOpError(
        "needs an `exponent` operand for the dynamic range of ")
           << type;
  if (!type.isDynamic() && exponent)
    return op->emitOpError("has an `exponent` operand, but the range of ")
           << type << " is static";
  return success();
}

static LogicalResult verifySameShape(Operation *op, Type input, Type result) {
  if (failed(verifyCompatibleShape(input, result)))
    return op->emitOpError("input shape of ")
           << input << " does not match result shape of " << result;
  return success();
}

/// The range exponent known at fold time, if any.
static std::optional<int> foldExponent(MU8Type type, Attribute operand) {
  if (!type.isDynamic())
    return type.getExponent();
  auto attr = dyn_cast_or_null<IntegerAttr>(operand);
  if (!attr)
    return std::nullopt;
  int64_t e = attr.getValue().getSExtValue();
  if (!mu8::isValidExponent(e))
    return std::nullopt;
  return static_cast<int>(e);
}

/// The f32 values of a constant f32 tensor or of constant MU8 codes.
static std::optional<SmallVector<float>> foldValues(Attribute attr,
                                                    Type type) {
  auto elements = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!elements)
    return std::nullopt;
  SmallVector<float> values;
  values.reserve(elements.getNumElements());
  if (MU8Type mu8Type = getMU8ElementType(type)) {
    if (mu8Type.isDynamic() || !isa<IntegerType>(elements.getElementType()))
      return std::nullopt;
    for (const APInt &code : elements.getValues<APInt>())
      values.push_back(mu8::decode(static_cast<int8_t>(code.getSExtValue()),
                                   mu8Type.getExponent()));
    return values;
  }
  if (!elements.getElementType().isF32())
    return std::nullopt;
  for (const APFloat &v : elements.getValues<APFloat>())
    values.push_back(v.convertToFloat());
  return values;
}

/// The shape of `type` with i8 elements: how folded MU8 codes are stored.
static RankedTensorType getCodesType(TensorType type) {
  return RankedTensorType::get(type.getShape(),
                               IntegerType::get(type.getContext(), 8));
}

//===----------------------------------------------------------------------===//
// EncodeOp
//===----------------------------------------------------------------------===//

LogicalResult EncodeOp::verify() {
  if (failed(verifySameShape(*this, getInput().getType(), getType())))
    return failure();
  return verifyRangeOperand(*this, getMU8ElementType(getType()),
                            getExponent());
}

OpFoldResult EncodeOp::fold(FoldAdaptor adaptor) {
  // Every code survives a decode and re-encode at the same range unchanged.
  if (auto decode = getInput().getDefiningOp<DecodeOp>())
    if (decode.getInput().getType() == getType() &&
        decode.getExponent() == getExponent())
      return decode.getInput();

  auto type = cast<TensorType>(getType());
  std::optional<int> exponent =
      foldExponent(getMU8ElementType(type), adaptor.getExponent());
  auto input = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput());
  if (!exponent || !input || !type.hasStaticShape())
    return {};
  SmallVector<int8_t> codes;
  codes.reserve(input.getNumElements());
  for (const APFloat &v : input.getValues<APFloat>())
    codes.push_back(mu8::encodeNearest(v.convertToFloat(), *exponent));
  return DenseElementsAttr::get(getCodesType(type), ArrayRef(codes));
}

//===----------------------------------------------------------------------===//
// DecodeOp
//===----------------------------------------------------------------------===//

LogicalResult DecodeOp::verify() {
  if (failed(verifySameShape(*this, getInput().getType(), getType())))
    return failure();
  return verifyRangeOperand(*this, getMU8ElementType(getInput().getType()),
                            getExponent());
}

OpFoldResult DecodeOp::fold(FoldAdaptor adaptor) {
  auto type = cast<TensorType>(getType());
  MU8Type mu8Type = getMU8ElementType(getInput().getType());
  std::optional<int> exponent = foldExponent(mu8Type, adaptor.getExponent());
  auto codes = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getInput());
  if (!exponent || !codes || !type.hasStaticShape())
    return {};
  SmallVector<float> values;
  values.reserve(codes.getNumElements());
  for (const APInt &code : codes.getValues<APInt>())
    values.push_back(
        mu8::decode(static_cast<int8_t>(code.getSExtValue()), *exponent));
  return DenseElementsAttr::get(cast<ShapedType>(type), ArrayRef(values));
}

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  auto type = cast<TensorType>(getType());
  auto codes = dyn_cast<DenseIntElementsAttr>(getValue());
  if (!codes || !codes.getElementType().isInteger(8))
    return emitOpError("value must be a dense i8 elements attribute of MU8 "
                       "codes, got ")
           << getValue();
  if (!type.hasStaticShape() || codes.getType().getShape() != type.getShape())
    return emitOpError("value shape ")
           << codes.getType() << " does not match result type " << type;
  if (getMU8ElementType(type).isDynamic())
    return emitOpError("result must have a static MU8 range, got ") << type;
  int64_t index = 0;
  for (const APInt &code : codes.getValues<APInt>()) {
    if (code.getSExtValue() < -mu8::kMaxCode)
      return emitOpError("code -128 at element ")
             << index << " is not an MU8 code (codes lie in [-127, 127])";
    ++index;
  }
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// BarrierOp
//===----------------------------------------------------------------------===//

LogicalResult BarrierOp::verify() {
  double bound = getBound().convertToDouble();
  if (!std::isfinite(bound) || bound <= 0)
    return emitOpError("bound must be a positive finite number, got ")
           << bound;
  if (MU8Type type = getMU8ElementType(getInput().getType());
      type && type.isDynamic())
    return emitOpError("input must have a static MU8 range, got ")
           << getInput().getType();
  return success();
}

OpFoldResult BarrierOp::fold(FoldAdaptor adaptor) {
  auto t = dyn_cast_or_null<FloatAttr>(adaptor.getT());
  if (!t)
    return {};
  double bound = getBound().convertToDouble();
  double tValue = t.getValueAsDouble();
  if (!barrier::isValidParameters(bound, tValue))
    return {};
  std::optional<SmallVector<float>> values =
      foldValues(adaptor.getInput(), getInput().getType());
  if (!values)
    return {};
  double penalty =
      barrier::penalty(values->data(), values->size(), bound, tValue);
  return FloatAttr::get(getType(), static_cast<float>(penalty));
}

//===----------------------------------------------------------------------===//
// Ops of the quantized program
//===----------------------------------------------------------------------===//

LogicalResult QuantizeOp::verify() {
  if (failed(verifySameShape(*this, getInput().getType(), getResult().getType())))
    return failure();
  if (getKeepNonzero() && !getSeed())
    return emitOpError("keep_nonzero needs stochastic rounding (a seed)");
  return verifyRangeOperand(*this, getMU8ElementType(getResult().getType()),
                            getExponent());
}

LogicalResult IntegerKernelOp::verify() {
  Block &body = getBody().front();
  if (body.getNumArguments() != getInputs().size())
    return emitOpError("has ") << getInputs().size() << " inputs but its body "
                               << body.getNumArguments() << " arguments";
  unsigned dynamicInputs = 0;
  for (auto [input, arg] : llvm::zip(getInputs(), body.getArguments())) {
    auto type = cast<RankedTensorType>(input.getType());
    if (getMU8ElementType(type).isDynamic())
      ++dynamicInputs;
    auto argType = dyn_cast<RankedTensorType>(arg.getType());
    if (!argType || !argType.getElementType().isF32() ||
        argType.getShape() != type.getShape())
      return emitOpError("body argument ")
             << arg.getArgNumber() << " must be the f32 tensor of " << type;
  }
  if (dynamicInputs != getExponents().size())
    return emitOpError("has ")
           << getExponents().size() << " exponents for " << dynamicInputs
           << " inputs of dynamic range";
  if (body.getOperations().size() != 2)
    return emitOpError("body must hold one kernel op and the yield");
  Operation *kernel = getKernel();
  if (!isa<MatmulOp, BatchMatmulOp, Conv2DOp, Conv2DGradInputOp,
           Conv2DGradFilterOp>(kernel))
    return emitOpError("kernel must be a matmul, batch_matmul, conv2d, "
                       "conv2d_grad_input or conv2d_grad_filter, not ")
           << kernel->getName();
  for (Value operand : kernel->getOperands()) {
    auto arg = dyn_cast<BlockArgument>(operand);
    if (!arg || arg.getOwner() != &body)
      return emitOpError("kernel operands must be the body's arguments");
  }
  if (kernel->getNumOperands() != body.getNumArguments())
    return emitOpError("kernel must use each body argument once");
  auto yield = cast<YieldOp>(body.getTerminator());
  if (yield.getValue() != kernel->getResult(0))
    return emitOpError("must yield the kernel's result");
  if (yield.getValue().getType() != getResult().getType())
    return emitOpError("result type ")
           << getResult().getType() << " differs from the kernel's "
           << yield.getValue().getType();
  return success();
}

LogicalResult BitcastOp::verify() {
  auto in = cast<ShapedType>(getInput().getType());
  auto out = cast<ShapedType>(getResult().getType());
  if (failed(verifySameShape(*this, in, out)))
    return failure();
  bool inCodes = in.getElementType().isInteger(8);
  bool outCodes = out.getElementType().isInteger(8);
  if (inCodes == outCodes)
    return emitOpError("converts between i8 codes and an MU8 tensor, not ")
           << in << " to " << out;
  return success();
}
