//===- ImportOps.cpp - ONNX nodes to logbtq graph ops ---------------------===//
//
// One function per ONNX op type. Each checks its attributes (an attribute it
// does not know is an error, never silently dropped), computes result shapes
// with ShapeInference.h and builds logbtq ops. Integer "shape" subgraphs
// (Shape, Gather, Unsqueeze, Concat, Cast, ...) are evaluated at import time.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "logbtq/Dialect/LogBTQ/IR/ShapeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <limits>
#include <numeric>

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::onnx_import;

namespace {

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

int64_t product(ArrayRef<int64_t> dims) {
  return std::accumulate(dims.begin(), dims.end(), int64_t(1),
                         std::multiplies<int64_t>());
}

/// Shape-rule errors, reported at the node.
auto errorAt(NodeContext &ctx) {
  return [&ctx] { return ctx.emitError(); };
}

/// A rank-0 f32 constant, for Gemm's alpha and beta.
Value scalarConstant(NodeContext &ctx, float value) {
  auto type = ctx.tensorType({});
  return arith::ConstantOp::create(ctx.builder(), ctx.loc, type,
                                   DenseElementsAttr::get(type, value));
}

Value reshape(NodeContext &ctx, Value input, ArrayRef<int64_t> shape) {
  if (shapeOf(input) == shape)
    return input;
  return ReshapeOp::create(ctx.builder(), ctx.loc, ctx.tensorType(shape),
                           input);
}

template <typename OpTy>
FailureOr<Value> broadcastBinary(NodeContext &ctx, Value lhs, Value rhs) {
  FailureOr<shape::Shape> result =
      shape::inferBroadcast(shapeOf(lhs), shapeOf(rhs), errorAt(ctx));
  if (failed(result))
    return failure();
  return OpTy::create(ctx.builder(), ctx.loc, ctx.tensorType(*result), lhs,
                      rhs)
      .getResult();
}

//===----------------------------------------------------------------------===//
// Linear layers
//===----------------------------------------------------------------------===//

LogicalResult importGemm(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"alpha", "beta", "transA", "transB"})))
    return failure();
  auto alpha = ctx.floatAttr("alpha", 1.0f);
  auto beta = ctx.floatAttr("beta", 1.0f);
  auto transA = ctx.intAttr("transA", 0);
  auto transB = ctx.intAttr("transB", 0);
  auto a = ctx.input(0);
  auto b = ctx.input(1);
  if (failed(alpha) || failed(beta) || failed(transA) || failed(transB) ||
      failed(a) || failed(b))
    return failure();
  FailureOr<shape::Shape> mn = shape::inferMatmul(
      shapeOf(*a), shapeOf(*b), *transA, *transB, errorAt(ctx));
  if (failed(mn))
    return failure();
  OpBuilder &builder = ctx.builder();
  Value y = MatmulOp::create(builder, ctx.loc, ctx.tensorType(*mn), *a, *b,
                             *transA ? builder.getUnitAttr() : nullptr,
                             *transB ? builder.getUnitAttr() : nullptr);
  if (*alpha != 1.0f) {
    auto scaled =
        broadcastBinary<MulOp>(ctx, y, scalarConstant(ctx, *alpha));
    if (failed(scaled))
      return failure();
    y = *scaled;
  }
  if (ctx.hasInput(2) && *beta != 0.0f) {
    auto c = ctx.input(2);
    if (failed(c))
      return failure();
    Value bias = *c;
    if (*beta != 1.0f) {
      auto scaled = broadcastBinary<MulOp>(ctx, bias, scalarConstant(ctx, *beta));
      if (failed(scaled))
        return failure();
      bias = *scaled;
    }
    auto sum = broadcastBinary<AddOp>(ctx, y, bias);
    if (failed(sum))
      return failure();
    if (shapeOf(*sum) != shapeOf(y))
      return ctx.emitError() << "bias C of shape "
                             << shape::format(shapeOf(bias))
                             << " does not broadcast to the product's shape "
                             << shape::format(shapeOf(y));
    y = *sum;
  }
  return ctx.setOutput(0, y);
}

LogicalResult importMatMul(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  auto a = ctx.input(0);
  auto b = ctx.input(1);
  if (failed(a) || failed(b))
    return failure();
  ArrayRef<int64_t> as = shapeOf(*a), bs = shapeOf(*b);
  if (as.size() < 2 || bs.size() != 2)
    return ctx.emitError() << "MatMul of shapes " << shape::format(as)
                           << " and " << shape::format(bs)
                           << " is not supported (only N-D x 2-D, N >= 2)";
  // N-D x 2-D is a 2-D product over the flattened leading dimensions.
  SmallVector<int64_t> lead(as.drop_back());
  Value lhs = reshape(ctx, *a, {product(lead), as.back()});
  FailureOr<shape::Shape> mn =
      shape::inferMatmul(shapeOf(lhs), bs, false, false, errorAt(ctx));
  if (failed(mn))
    return failure();
  Value y = MatmulOp::create(ctx.builder(), ctx.loc, ctx.tensorType(*mn), lhs,
                             *b, nullptr, nullptr);
  lead.push_back(bs[1]);
  return ctx.setOutput(0, reshape(ctx, y, lead));
}

/// Explicit pads [begin..., end...] for `auto_pad`, as ONNX defines it.
FailureOr<SmallVector<int64_t>>
resolvePads(NodeContext &ctx, ArrayRef<int64_t> spatial,
            ArrayRef<int64_t> window, ArrayRef<int64_t> strides) {
  auto autoPad = ctx.stringAttr("auto_pad", "NOTSET");
  auto pads = ctx.intsAttr("pads", {0, 0, 0, 0});
  if (failed(autoPad) || failed(pads))
    return failure();
  if (*autoPad == "NOTSET")
    return *pads;
  if (ctx.attr("pads"))
    return ctx.emitError() << "auto_pad " << *autoPad
                           << " and explicit pads are exclusive";
  SmallVector<int64_t> result(4, 0);
  if (*autoPad == "VALID")
    return result;
  if (*autoPad != "SAME_UPPER" && *autoPad != "SAME_LOWER")
    return ctx.emitError() << "auto_pad '" << *autoPad << "' is not valid";
  for (int i = 0; i < 2; ++i) {
    int64_t out = (spatial[i] + strides[i] - 1) / strides[i];
    int64_t total =
        std::max<int64_t>(0, (out - 1) * strides[i] + window[i] - spatial[i]);
    int64_t small = total / 2, large = total - small;
    bool upper = *autoPad == "SAME_UPPER";
    result[i] = upper ? small : large;
    result[i + 2] = upper ? large : small;
  }
  return result;
}

LogicalResult importConv(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"auto_pad", "dilations", "group",
                                  "kernel_shape", "pads", "strides"})))
    return failure();
  auto x = ctx.input(0);
  auto w = ctx.input(1);
  auto group = ctx.intAttr("group", 1);
  auto strides = ctx.intsAttr("strides", {1, 1});
  auto dilations = ctx.intsAttr("dilations", {1, 1});
  if (failed(x) || failed(w) || failed(group) || failed(strides) ||
      failed(dilations))
    return failure();
  if (*group != 1)
    return ctx.emitError() << "group = " << *group
                           << " is not supported (only group = 1)";
  ArrayRef<int64_t> xs = shapeOf(*x), ws = shapeOf(*w);
  if (xs.size() != 4 || ws.size() != 4)
    return ctx.emitError() << "only 2-D convolution (4-D input and filter) is "
                              "supported, got input "
                           << shape::format(xs) << " and filter "
                           << shape::format(ws);
  if (auto kernel = ctx.intsAttr("kernel_shape", {ws[2], ws[3]});
      failed(kernel) || *kernel != SmallVector<int64_t>{ws[2], ws[3]})
    return failed(kernel) ? failure()
                          : (ctx.emitError() << "kernel_shape does not match "
                                                "the filter shape "
                                             << shape::format(ws));
  if (strides->size() != 2 || dilations->size() != 2)
    return ctx.emitError() << "strides and dilations need 2 entries";
  SmallVector<int64_t> window{(*dilations)[0] * (ws[2] - 1) + 1,
                              (*dilations)[1] * (ws[3] - 1) + 1};
  auto pads = resolvePads(ctx, xs.drop_front(2), window, *strides);
  if (failed(pads))
    return failure();
  Value bias;
  std::optional<ArrayRef<int64_t>> biasShape;
  if (ctx.hasInput(2)) {
    auto b = ctx.input(2);
    if (failed(b))
      return failure();
    bias = *b;
    biasShape = shapeOf(bias);
  }
  FailureOr<shape::Shape> result = shape::inferConv2D(
      xs, ws, biasShape, *strides, *pads, *dilations, errorAt(ctx));
  if (failed(result))
    return failure();
  OpBuilder &b = ctx.builder();
  Value y = Conv2DOp::create(b, ctx.loc, ctx.tensorType(*result), *x, *w, bias,
                             b.getDenseI64ArrayAttr(*strides),
                             b.getDenseI64ArrayAttr(*pads),
                             b.getDenseI64ArrayAttr(*dilations));
  return ctx.setOutput(0, y);
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

template <typename OpTy> LogicalResult importUnary(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  auto x = ctx.input(0);
  if (failed(x))
    return failure();
  return ctx.setOutput(
      0, OpTy::create(ctx.builder(), ctx.loc, x->getType(), *x).getResult());
}

template <typename OpTy> LogicalResult importBinary(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  auto a = ctx.input(0);
  auto b = ctx.input(1);
  if (failed(a) || failed(b))
    return failure();
  auto y = broadcastBinary<OpTy>(ctx, *a, *b);
  if (failed(y))
    return failure();
  return ctx.setOutput(0, *y);
}

/// Division by a constant known at import time is multiplication by its
/// reciprocal (one rounding more than a true division, see docs/ONNX.md);
/// logbtq has no division op.
LogicalResult importDiv(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  if (!ctx.isKnown(1))
    return ctx.emitError() << "division by a graph tensor is not supported "
                              "(only by a constant)";
  auto divisor = ctx.knownInput(1, "the divisor");
  auto x = ctx.input(0);
  if (failed(divisor) || failed(x))
    return failure();
  if (!divisor->isFloat)
    return ctx.emitError() << "the divisor must be a float constant";
  if (llvm::is_contained(divisor->floats, 0.0f))
    return ctx.emitError() << "the divisor contains zero";
  SmallVector<float> reciprocal;
  for (float v : divisor->floats)
    reciprocal.push_back(1.0f / v);
  auto type = ctx.tensorType(divisor->shape);
  Value scale = arith::ConstantOp::create(
      ctx.builder(), ctx.loc, type,
      DenseElementsAttr::get(type, ArrayRef<float>(reciprocal)));
  auto y = broadcastBinary<MulOp>(ctx, *x, scale);
  if (failed(y))
    return failure();
  return ctx.setOutput(0, *y);
}

/// A scalar bound given as a constant input (opset >= 11).
FailureOr<float> scalarBound(NodeContext &ctx, size_t i, StringRef what,
                             float fallback) {
  if (!ctx.hasInput(i))
    return fallback;
  auto bound = ctx.knownInput(i, what);
  if (failed(bound))
    return failure();
  if (bound->size() != 1)
    return ctx.emitError() << what << " must be a scalar";
  return bound->isFloat ? bound->floats[0] : float(bound->ints[0]);
}

LogicalResult importClip(NodeContext &ctx) {
  float inf = std::numeric_limits<float>::infinity();
  FailureOr<float> lo = -inf, hi = inf;
  if (ctx.opset() < 11) {
    if (failed(ctx.checkAttributes({"min", "max"})))
      return failure();
    lo = ctx.floatAttr("min", -inf);
    hi = ctx.floatAttr("max", inf);
  } else {
    if (failed(ctx.checkAttributes({})))
      return failure();
    lo = scalarBound(ctx, 1, "the minimum", -inf);
    hi = scalarBound(ctx, 2, "the maximum", inf);
  }
  auto x = ctx.input(0);
  if (failed(lo) || failed(hi) || failed(x))
    return failure();
  if (*lo > *hi)
    return ctx.emitError() << "minimum " << *lo << " is above maximum " << *hi;
  OpBuilder &b = ctx.builder();
  Value y = ClipOp::create(b, ctx.loc, x->getType(), *x, b.getF32FloatAttr(*lo),
                           b.getF32FloatAttr(*hi));
  return ctx.setOutput(0, y);
}

LogicalResult importDropout(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"ratio", "seed"})) ||
      failed(ctx.checkOutputUnused(1, "dropout mask")))
    return failure();
  FailureOr<float> ratio = 0.5f;
  if (ctx.opset() < 12)
    ratio = ctx.floatAttr("ratio", 0.5f);
  else
    ratio = scalarBound(ctx, 1, "the ratio", 0.5f);
  auto x = ctx.input(0);
  if (failed(ratio) || failed(x))
    return failure();
  if (!(*ratio >= 0 && *ratio < 1))
    return ctx.emitError() << "ratio must be in [0, 1), got " << *ratio;
  OpBuilder &b = ctx.builder();
  Value y = DropoutOp::create(b, ctx.loc, x->getType(), *x,
                              b.getF32FloatAttr(*ratio));
  return ctx.setOutput(0, y);
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

template <typename OpTy> LogicalResult importPool(NodeContext &ctx) {
  bool isMax = std::is_same_v<OpTy, MaxPool2DOp>;
  SmallVector<StringRef> allowed{"auto_pad", "ceil_mode", "kernel_shape",
                                 "pads", "strides"};
  allowed.push_back(isMax ? "dilations" : "count_include_pad");
  if (isMax)
    allowed.push_back("storage_order");
  if (failed(ctx.checkAttributes(allowed)) ||
      failed(ctx.checkOutputUnused(1, "indices of the maxima")))
    return failure();
  auto x = ctx.input(0);
  auto kernel = ctx.intsAttr("kernel_shape", {});
  auto strides = ctx.intsAttr("strides", {1, 1});
  auto ceil = ctx.intAttr("ceil_mode", 0);
  auto dilations = ctx.intsAttr("dilations", {1, 1});
  auto countPad = ctx.intAttr("count_include_pad", 0);
  auto storage = ctx.intAttr("storage_order", 0);
  if (failed(x) || failed(kernel) || failed(strides) || failed(ceil) ||
      failed(dilations) || failed(countPad) || failed(storage))
    return failure();
  ArrayRef<int64_t> xs = shapeOf(*x);
  if (xs.size() != 4 || kernel->size() != 2 || strides->size() != 2)
    return ctx.emitError() << "only 2-D pooling of a 4-D input with a 2-entry "
                              "kernel_shape is supported";
  if (*dilations != SmallVector<int64_t>{1, 1})
    return ctx.emitError() << "dilated pooling is not supported";
  if (*storage != 0)
    return ctx.emitError() << "storage_order = 1 is not supported";
  auto pads = resolvePads(ctx, xs.drop_front(2), *kernel, *strides);
  if (failed(pads))
    return failure();
  FailureOr<shape::Shape> result = shape::inferPool2D(
      xs, *kernel, *strides, *pads, *ceil != 0, errorAt(ctx));
  if (failed(result))
    return failure();
  OpBuilder &b = ctx.builder();
  auto unit = [&](bool set) { return set ? b.getUnitAttr() : nullptr; };
  Value y;
  if constexpr (std::is_same_v<OpTy, MaxPool2DOp>)
    y = MaxPool2DOp::create(b, ctx.loc, ctx.tensorType(*result), *x,
                            b.getDenseI64ArrayAttr(*kernel),
                            b.getDenseI64ArrayAttr(*strides),
                            b.getDenseI64ArrayAttr(*pads), unit(*ceil));
  else
    y = AvgPool2DOp::create(b, ctx.loc, ctx.tensorType(*result), *x,
                            b.getDenseI64ArrayAttr(*kernel),
                            b.getDenseI64ArrayAttr(*strides),
                            b.getDenseI64ArrayAttr(*pads), unit(*ceil),
                            unit(*countPad));
  return ctx.setOutput(0, y);
}

LogicalResult importGlobalAveragePool(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  auto x = ctx.input(0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> xs = shapeOf(*x);
  if (xs.size() != 4)
    return ctx.emitError() << "only 4-D (NCHW) input is supported, got "
                           << shape::format(xs);
  OpBuilder &b = ctx.builder();
  Value y = AvgPool2DOp::create(
      b, ctx.loc, ctx.tensorType({xs[0], xs[1], 1, 1}), *x,
      b.getDenseI64ArrayAttr({xs[2], xs[3]}), b.getDenseI64ArrayAttr({1, 1}),
      b.getDenseI64ArrayAttr({0, 0, 0, 0}), nullptr, nullptr);
  return ctx.setOutput(0, y);
}

//===----------------------------------------------------------------------===//
// Shapes and data movement
//===----------------------------------------------------------------------===//

/// Reshapes a graph tensor, or a tensor known at import time (shape
/// arithmetic stays known).
LogicalResult setReshaped(NodeContext &ctx, size_t input,
                          ArrayRef<int64_t> shape) {
  if (ctx.isKnown(input)) {
    auto tensor = ctx.knownInput(input, "the data");
    if (failed(tensor))
      return failure();
    tensor->shape.assign(shape.begin(), shape.end());
    return ctx.setOutput(0, *tensor);
  }
  auto x = ctx.input(input);
  if (failed(x))
    return failure();
  return ctx.setOutput(0, reshape(ctx, *x, shape));
}

/// The shape of input `i`, whether a graph tensor or a known one.
FailureOr<SmallVector<int64_t>> inputShape(NodeContext &ctx, size_t i) {
  if (ctx.isKnown(i)) {
    auto tensor = ctx.knownInput(i, "the data");
    if (failed(tensor))
      return failure();
    return tensor->shape;
  }
  auto x = ctx.input(i);
  if (failed(x))
    return failure();
  return SmallVector<int64_t>(shapeOf(*x));
}

LogicalResult importReshape(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"allowzero"})))
    return failure();
  auto allowZero = ctx.intAttr("allowzero", 0);
  auto target = ctx.knownInput(1, "the target shape");
  auto in = inputShape(ctx, 0);
  if (failed(allowZero) || failed(target) || failed(in))
    return failure();
  if (target->isFloat || target->shape.size() != 1)
    return ctx.emitError() << "the target shape must be a 1-D integer tensor";
  FailureOr<shape::Shape> result =
      shape::inferReshape(*in, target->ints, *allowZero != 0, errorAt(ctx));
  if (failed(result))
    return failure();
  return setReshaped(ctx, 0, *result);
}

LogicalResult importFlatten(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"axis"})))
    return failure();
  auto in = inputShape(ctx, 0);
  auto axis = ctx.intAttr("axis", 1);
  if (failed(in) || failed(axis))
    return failure();
  int64_t rank = in->size();
  // Flatten's axis may equal the rank (everything in the first dim).
  if (*axis < -rank || *axis > rank)
    return ctx.emitError() << "axis " << *axis << " is out of range for rank "
                           << rank;
  int64_t a = *axis < 0 ? *axis + rank : *axis;
  ArrayRef<int64_t> dims(*in);
  return setReshaped(ctx, 0,
                     {product(dims.take_front(a)), product(dims.drop_front(a))});
}

/// Squeeze/Unsqueeze axes: an attribute before opset 13, an input after.
FailureOr<SmallVector<int64_t>> axesOperand(NodeContext &ctx, bool required) {
  if (ctx.opset() < 13) {
    if (failed(ctx.checkAttributes({"axes"})))
      return failure();
    if (required && !ctx.attr("axes"))
      return ctx.emitError() << "attribute 'axes' is required";
    return ctx.intsAttr("axes", {});
  }
  if (failed(ctx.checkAttributes({})))
    return failure();
  if (!ctx.hasInput(1)) {
    if (required)
      return ctx.emitError() << "the axes (input 1) are required";
    return SmallVector<int64_t>{};
  }
  auto axes = ctx.knownInput(1, "the axes");
  if (failed(axes))
    return failure();
  return axes->ints;
}

LogicalResult importSqueeze(NodeContext &ctx) {
  auto axes = axesOperand(ctx, /*required=*/false);
  auto in = inputShape(ctx, 0);
  if (failed(axes) || failed(in))
    return failure();
  int64_t rank = in->size();
  SmallVector<bool> drop(rank, axes->empty());
  if (axes->empty())
    for (int64_t d = 0; d < rank; ++d)
      drop[d] = (*in)[d] == 1;
  for (int64_t axis : *axes) {
    auto a = shape::normalizeAxis(axis, rank, errorAt(ctx));
    if (failed(a))
      return failure();
    if ((*in)[*a] != 1)
      return ctx.emitError() << "cannot squeeze dimension " << *a
                             << " of size " << (*in)[*a];
    drop[*a] = true;
  }
  SmallVector<int64_t> result;
  for (int64_t d = 0; d < rank; ++d)
    if (!drop[d])
      result.push_back((*in)[d]);
  return setReshaped(ctx, 0, result);
}

LogicalResult importUnsqueeze(NodeContext &ctx) {
  auto axes = axesOperand(ctx, /*required=*/true);
  auto in = inputShape(ctx, 0);
  if (failed(axes) || failed(in))
    return failure();
  int64_t rank = in->size() + axes->size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t axis : *axes) {
    auto a = shape::normalizeAxis(axis, rank, errorAt(ctx));
    if (failed(a))
      return failure();
    if (inserted[*a])
      return ctx.emitError() << "axis " << axis << " is repeated";
    inserted[*a] = true;
  }
  SmallVector<int64_t> result;
  auto next = in->begin();
  for (int64_t d = 0; d < rank; ++d)
    result.push_back(inserted[d] ? 1 : *next++);
  return setReshaped(ctx, 0, result);
}

LogicalResult importTranspose(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"perm"})))
    return failure();
  auto x = ctx.input(0);
  if (failed(x))
    return failure();
  int64_t rank = shapeOf(*x).size();
  SmallVector<int64_t> reversed;
  for (int64_t d = rank - 1; d >= 0; --d)
    reversed.push_back(d);
  auto perm = ctx.intsAttr("perm", reversed);
  if (failed(perm))
    return failure();
  FailureOr<shape::Shape> result =
      shape::inferTranspose(shapeOf(*x), *perm, errorAt(ctx));
  if (failed(result))
    return failure();
  OpBuilder &b = ctx.builder();
  Value y = TransposeOp::create(b, ctx.loc, ctx.tensorType(*result), *x,
                                b.getDenseI64ArrayAttr(*perm));
  return ctx.setOutput(0, y);
}

LogicalResult importConcat(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"axis"})))
    return failure();
  if (!ctx.attr("axis"))
    return ctx.emitError() << "attribute 'axis' is required";
  auto axisAttr = ctx.intAttr("axis", 0);
  if (failed(axisAttr))
    return failure();
  bool allKnown = true;
  for (size_t i = 0; i < ctx.numInputs(); ++i)
    allKnown &= ctx.isKnown(i);
  if (allKnown && ctx.numInputs() > 0) {
    // Shape arithmetic: 1-D integer vectors joined at import time.
    KnownTensor result;
    for (size_t i = 0; i < ctx.numInputs(); ++i) {
      auto part = ctx.knownInput(i, "a part");
      if (failed(part))
        return failure();
      if (part->isFloat || part->shape.size() != 1)
        return ctx.emitError() << "constant Concat supports 1-D integer "
                                  "tensors only";
      result.ints.append(part->ints);
    }
    result.shape = {static_cast<int64_t>(result.ints.size())};
    return ctx.setOutput(0, std::move(result));
  }
  SmallVector<Value> inputs;
  SmallVector<ArrayRef<int64_t>> shapes;
  for (size_t i = 0; i < ctx.numInputs(); ++i) {
    auto x = ctx.input(i);
    if (failed(x))
      return failure();
    inputs.push_back(*x);
    shapes.push_back(shapeOf(*x));
  }
  auto axis = shape::normalizeAxis(*axisAttr, shapes.front().size(),
                                   errorAt(ctx));
  if (failed(axis))
    return failure();
  FailureOr<shape::Shape> result =
      shape::inferConcat(shapes, *axis, errorAt(ctx));
  if (failed(result))
    return failure();
  Value y = ConcatOp::create(ctx.builder(), ctx.loc, ctx.tensorType(*result),
                             inputs, *axis);
  return ctx.setOutput(0, y);
}

template <typename OpTy> LogicalResult importSoftmax(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"axis"})))
    return failure();
  bool coerced = ctx.opset() < 13;
  auto axisAttr = ctx.intAttr("axis", coerced ? 1 : -1);
  auto x = ctx.input(0);
  if (failed(axisAttr) || failed(x))
    return failure();
  ArrayRef<int64_t> xs = shapeOf(*x);
  auto axis = shape::normalizeAxis(*axisAttr, xs.size(), errorAt(ctx));
  if (failed(axis))
    return failure();
  OpBuilder &b = ctx.builder();
  if (!coerced || *axis == static_cast<int64_t>(xs.size()) - 1) {
    Value y = OpTy::create(b, ctx.loc, x->getType(), *x, *axis);
    return ctx.setOutput(0, y);
  }
  // Before opset 13 the input is read as 2-D, [dims before axis, the rest].
  Value flat = reshape(ctx, *x, {product(xs.take_front(*axis)),
                                 product(xs.drop_front(*axis))});
  Value y = OpTy::create(b, ctx.loc, flat.getType(), flat, 1);
  return ctx.setOutput(0, reshape(ctx, y, xs));
}

LogicalResult importBatchNorm(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"epsilon", "momentum", "training_mode"})))
    return failure();
  for (size_t i = 1; i < 5; ++i)
    if (failed(ctx.checkOutputUnused(i, "training statistics")))
      return failure();
  auto epsilon = ctx.floatAttr("epsilon", 1e-5f);
  auto training = ctx.intAttr("training_mode", 0);
  if (failed(epsilon) || failed(training))
    return failure();
  if (*training != 0)
    return ctx.emitError() << "training_mode = 1 is not supported; export the "
                              "model in eval mode (docs/ONNX.md)";
  SmallVector<Value> operands;
  for (size_t i = 0; i < 5; ++i) {
    auto v = ctx.input(i);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }
  ArrayRef<int64_t> xs = shapeOf(operands[0]);
  if (xs.size() < 2)
    return ctx.emitError() << "input must have a channel dimension";
  for (size_t i = 1; i < 5; ++i)
    if (shapeOf(operands[i]) != ArrayRef<int64_t>{xs[1]})
      return ctx.emitError() << "input " << i << " must have shape " << xs[1]
                             << ", got " << shape::format(shapeOf(operands[i]));
  OpBuilder &b = ctx.builder();
  Value y = BatchNormOp::create(b, ctx.loc, operands[0].getType(), operands[0],
                                operands[1], operands[2], operands[3],
                                operands[4], b.getF32FloatAttr(*epsilon));
  return ctx.setOutput(0, y);
}

LogicalResult importIdentity(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  if (ctx.isKnown(0)) {
    auto tensor = ctx.knownInput(0, "the input");
    if (failed(tensor))
      return failure();
    return ctx.setOutput(0, *tensor);
  }
  auto x = ctx.input(0);
  if (failed(x))
    return failure();
  return ctx.setOutput(0, *x);
}

//===----------------------------------------------------------------------===//
// Constants and shape arithmetic, evaluated at import time
//===----------------------------------------------------------------------===//

LogicalResult importConstant(NodeContext &ctx) {
  if (ctx.node.attribute_size() != 1)
    return ctx.emitError() << "needs exactly one value attribute";
  const onnx::AttributeProto &a = ctx.node.attribute(0);
  KnownTensor tensor;
  if (a.name() == "value") {
    auto decoded = decodeTensor(a.t(), ctx.loc);
    if (failed(decoded))
      return failure();
    tensor = std::move(*decoded);
  } else if (a.name() == "value_float") {
    tensor.isFloat = true;
    tensor.floats = {a.f()};
  } else if (a.name() == "value_floats") {
    tensor.isFloat = true;
    tensor.floats.assign(a.floats().begin(), a.floats().end());
    tensor.shape = {static_cast<int64_t>(tensor.floats.size())};
  } else if (a.name() == "value_int") {
    tensor.ints = {a.i()};
  } else if (a.name() == "value_ints") {
    tensor.ints.assign(a.ints().begin(), a.ints().end());
    tensor.shape = {static_cast<int64_t>(tensor.ints.size())};
  } else {
    return ctx.emitError() << "attribute '" << a.name()
                           << "' is not supported (only numeric constants)";
  }
  return ctx.setOutput(0, std::move(tensor));
}

LogicalResult importShape(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"start", "end"})))
    return failure();
  auto in = inputShape(ctx, 0);
  auto start = ctx.intAttr("start", 0);
  if (failed(in) || failed(start))
    return failure();
  int64_t rank = in->size();
  auto end = ctx.intAttr("end", rank);
  if (failed(end))
    return failure();
  auto clamp = [&](int64_t v) {
    return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank);
  };
  KnownTensor tensor;
  for (int64_t d = clamp(*start); d < clamp(*end); ++d)
    tensor.ints.push_back((*in)[d]);
  tensor.shape = {static_cast<int64_t>(tensor.ints.size())};
  return ctx.setOutput(0, std::move(tensor));
}

LogicalResult importGather(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"axis"})))
    return failure();
  if (!ctx.isKnown(0))
    return ctx.emitError() << "Gather is supported on tensors known at import "
                              "time (shapes) only";
  auto data = ctx.knownInput(0, "the data");
  auto indices = ctx.knownInput(1, "the indices");
  auto axis = ctx.intAttr("axis", 0);
  if (failed(data) || failed(indices) || failed(axis))
    return failure();
  if (data->shape.size() != 1 || *axis != 0 || data->isFloat ||
      indices->isFloat)
    return ctx.emitError() << "constant Gather supports integer 1-D data "
                              "along axis 0 only";
  KnownTensor result;
  result.shape = indices->shape;
  int64_t n = data->ints.size();
  for (int64_t index : indices->ints) {
    if (index < -n || index >= n)
      return ctx.emitError() << "index " << index << " is out of range for "
                             << n << " elements";
    result.ints.push_back(data->ints[index < 0 ? index + n : index]);
  }
  return ctx.setOutput(0, std::move(result));
}

LogicalResult importCast(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"to", "saturate"})))
    return failure();
  auto to = ctx.intAttr("to", 0);
  if (failed(to))
    return failure();
  bool toFloat = *to == onnx::TensorProto::FLOAT;
  bool toInt = *to == onnx::TensorProto::INT64 || *to == onnx::TensorProto::INT32;
  if (ctx.isKnown(0)) {
    auto tensor = ctx.knownInput(0, "the input");
    if (failed(tensor))
      return failure();
    if (toFloat && !tensor->isFloat) {
      tensor->floats.assign(tensor->ints.begin(), tensor->ints.end());
      tensor->ints.clear();
      tensor->isFloat = true;
    } else if (toInt && tensor->isFloat) {
      for (float v : tensor->floats)
        tensor->ints.push_back(static_cast<int64_t>(v));
      tensor->floats.clear();
      tensor->isFloat = false;
    } else if (!toFloat && !toInt) {
      return ctx.emitError() << "cast to type " << *to << " is not supported";
    }
    return ctx.setOutput(0, *tensor);
  }
  if (!toFloat)
    return ctx.emitError() << "a graph tensor can only be cast to FLOAT";
  auto x = ctx.input(0);
  if (failed(x))
    return failure();
  return ctx.setOutput(0, *x);
}

} // namespace

const llvm::StringMap<NodeImportFn> &
mlir::logbtq::onnx_import::getNodeImporters() {
  static const llvm::StringMap<NodeImportFn> importers = {
      {"AveragePool", importPool<AvgPool2DOp>},
      {"BatchNormalization", importBatchNorm},
      {"Cast", importCast},
      {"Clip", importClip},
      {"Concat", importConcat},
      {"Constant", importConstant},
      {"Conv", importConv},
      {"Div", importDiv},
      {"Dropout", importDropout},
      {"Flatten", importFlatten},
      {"Gather", importGather},
      {"Gemm", importGemm},
      {"GlobalAveragePool", importGlobalAveragePool},
      {"Identity", importIdentity},
      {"LogSoftmax", importSoftmax<LogSoftmaxOp>},
      {"MatMul", importMatMul},
      {"MaxPool", importPool<MaxPool2DOp>},
      {"Add", importBinary<AddOp>},
      {"Sub", importBinary<SubOp>},
      {"Mul", importBinary<MulOp>},
      {"Relu", importUnary<ReluOp>},
      {"Reshape", importReshape},
      {"Shape", importShape},
      {"Sigmoid", importUnary<SigmoidOp>},
      {"Softmax", importSoftmax<SoftmaxOp>},
      {"Squeeze", importSqueeze},
      {"Tanh", importUnary<TanhOp>},
      {"Transpose", importTranspose},
      {"Unsqueeze", importUnsqueeze},
  };
  return importers;
}

ArrayRef<unsigned>
mlir::logbtq::onnx_import::getConstantInputIndices(StringRef opType,
                                                   int64_t opset) {
  static const unsigned second[] = {1};
  static const unsigned bounds[] = {1, 2};
  if (opType == "Reshape")
    return second;
  if ((opType == "Squeeze" || opType == "Unsqueeze") && opset >= 13)
    return second;
  if ((opType == "Clip" && opset >= 11) || (opType == "Dropout" && opset >= 12))
    return bounds;
  return {};
}
