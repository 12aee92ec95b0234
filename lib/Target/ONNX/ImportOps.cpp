//===- ImportOps.cpp - ONNX nodes to logbtq graph ops ---------------------===//
//
// One function per ONNX op type. Each checks its attributes (an attribute it
// does not know is an error, never silently dropped), computes result shapes
// with ShapeInference.h and builds logbtq ops. Reshapes, Transpose, Concat and
// integer arithmetic of known tensors are evaluated at import time, like the
// ops of ImportConstants.cpp; a Pad becomes part of the op that reads it.
//
//===----------------------------------------------------------------------===//

#include "BuildOps.h"
#include "Importer.h"

#include "logbtq/Dialect/LogBTQ/IR/ShapeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/Support/InterleavedRange.h"
#include "llvm/Support/MathExtras.h"

#include <limits>
#include <numeric>

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::onnx_import;

namespace {

int64_t product(ArrayRef<int64_t> dims) {
  return std::accumulate(dims.begin(), dims.end(), int64_t(1),
                         std::multiplies<int64_t>());
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
      auto scaled =
          broadcastBinary<MulOp>(ctx, bias, scalarConstant(ctx, *beta));
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
  // Products over batch dimensions that both operands have (attention).
  if (as.size() >= 3 && as.size() == bs.size()) {
    FailureOr<shape::Shape> result =
        shape::inferBatchMatmul(as, bs, false, false, errorAt(ctx));
    if (failed(result))
      return failure();
    return ctx.setOutput(0, BatchMatmulOp::create(ctx.builder(), ctx.loc,
                                                  ctx.tensorType(*result), *a,
                                                  *b, nullptr, nullptr)
                                .getResult());
  }
  if (as.size() < 2 || bs.size() != 2)
    return ctx.emitError() << "MatMul of shapes " << shape::format(as)
                           << " and " << shape::format(bs)
                           << " is not supported (only N-D x 2-D, N >= 2, "
                              "and N-D x N-D with the same batch dimensions)";
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

//===----------------------------------------------------------------------===//
// Convolution and padding
//===----------------------------------------------------------------------===//

/// Window attributes far beyond any real model would overflow the shape
/// arithmetic (a fuzzer found dilations of 2^62): they are errors.
constexpr int64_t kMaxWindowValue = int64_t(1) << 20;

/// Checks that every entry of attribute `name` is in [lo, kMaxWindowValue].
LogicalResult checkWindowValues(NodeContext &ctx, StringRef name,
                                ArrayRef<int64_t> values, int64_t lo) {
  for (int64_t v : values) {
    if (v < lo)
      return ctx.emitError() << name << " must be "
                             << (lo > 0 ? "positive" : "non-negative")
                             << ", got " << v;
    if (v > kMaxWindowValue)
      return ctx.emitError() << name << " entry " << v << " is above "
                             << kMaxWindowValue;
  }
  return success();
}

/// The node's own pads [top, left, bottom, right]: the `pads` attribute, or
/// what `auto_pad` gives for an input of spatial size `spatial` (padding
/// from a Pad node included), as ONNX defines it.
FailureOr<SmallVector<int64_t>>
resolvePads(NodeContext &ctx, ArrayRef<int64_t> spatial,
            ArrayRef<int64_t> window, ArrayRef<int64_t> strides) {
  auto autoPad = ctx.stringAttr("auto_pad", "NOTSET");
  auto pads = ctx.intsAttr("pads", {0, 0, 0, 0});
  if (failed(autoPad) || failed(pads))
    return failure();
  if (*autoPad == "NOTSET") {
    if (pads->size() != 4)
      return ctx.emitError() << "pads must have 4 entries [top, left, bottom, "
                                "right], got "
                             << pads->size();
    if (failed(checkWindowValues(ctx, "pads", *pads, 0)))
      return failure();
    return *pads;
  }
  if (ctx.attr("pads"))
    return ctx.emitError() << "auto_pad " << *autoPad
                           << " and explicit pads are exclusive";
  SmallVector<int64_t> result(4, 0);
  if (*autoPad == "VALID")
    return result;
  if (*autoPad != "SAME_UPPER" && *autoPad != "SAME_LOWER")
    return ctx.emitError() << "auto_pad '" << *autoPad << "' is not valid";
  if (llvm::any_of(strides, [](int64_t s) { return s < 1; }))
    return ctx.emitError() << "strides must be positive";
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

/// Spatial sizes [H, W] of `input` once a Pad node's padding is applied.
SmallVector<int64_t> paddedSpatial(ArrayRef<int64_t> input,
                                   const std::optional<PendingPad> &pad) {
  SmallVector<int64_t> spatial(input.drop_front(2));
  if (pad)
    for (int i = 0; i < 2; ++i)
      spatial[i] += pad->pads[i] + pad->pads[i + 2];
  return spatial;
}

/// Adds a Pad node's padding to a Conv's or pooling's own.
void addPads(SmallVectorImpl<int64_t> &pads,
             const std::optional<PendingPad> &pad) {
  if (pad)
    for (int i = 0; i < 4; ++i)
      pads[i] += pad->pads[i];
}

bool allZero(ArrayRef<int64_t> values) {
  return llvm::all_of(values, [](int64_t v) { return v == 0; });
}

/// A 4-D input and filter (2-D convolutions only), and a `kernel_shape`, if
/// given, that is the filter's.
LogicalResult checkFilter2D(NodeContext &ctx, StringRef what,
                            ArrayRef<int64_t> xs, ArrayRef<int64_t> ws) {
  if (xs.size() != 4 || ws.size() != 4)
    return ctx.emitError() << "only 2-D " << what
                           << " (4-D input and filter) is supported, got input "
                           << shape::format(xs) << " and filter "
                           << shape::format(ws);
  auto kernel = ctx.intsAttr("kernel_shape", {ws[2], ws[3]});
  if (failed(kernel))
    return failure();
  if (*kernel != SmallVector<int64_t>{ws[2], ws[3]})
    return ctx.emitError() << "kernel_shape does not match the filter shape "
                           << shape::format(ws);
  return success();
}

Value conv2d(NodeContext &ctx, Value x, Value w, Value bias,
             ArrayRef<int64_t> shape, ArrayRef<int64_t> strides,
             ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations) {
  OpBuilder &b = ctx.builder();
  return Conv2DOp::create(b, ctx.loc, ctx.tensorType(shape), x, w, bias,
                          b.getDenseI64ArrayAttr(strides),
                          b.getDenseI64ArrayAttr(pads),
                          b.getDenseI64ArrayAttr(dilations));
}

/// `size` entries of `x` along `dim` from `offset`.
Value channelSlice(NodeContext &ctx, Value x, int64_t dim, int64_t offset,
                   int64_t size) {
  ArrayRef<int64_t> xs = shapeOf(x);
  SmallVector<int64_t> offsets(xs.size(), 0), strides(xs.size(), 1);
  SmallVector<int64_t> box(xs);
  offsets[dim] = offset;
  box[dim] = size;
  OpBuilder &b = ctx.builder();
  return StridedSliceOp::create(b, ctx.loc, ctx.tensorType(box), x,
                                b.getDenseI64ArrayAttr(offsets),
                                b.getDenseI64ArrayAttr(strides));
}

LogicalResult importConv(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"auto_pad", "dilations", "group",
                                  "kernel_shape", "pads", "strides"})))
    return failure();
  std::optional<PendingPad> pad;
  auto x = ctx.paddedInput(0, pad);
  auto w = ctx.input(1);
  auto group = ctx.intAttr("group", 1);
  auto strides = ctx.intsAttr("strides", {1, 1});
  auto dilations = ctx.intsAttr("dilations", {1, 1});
  if (failed(x) || failed(w) || failed(group) || failed(strides) ||
      failed(dilations))
    return failure();
  ArrayRef<int64_t> xs = shapeOf(*x), ws = shapeOf(*w);
  if (failed(checkFilter2D(ctx, "convolution", xs, ws)))
    return failure();
  if (*group < 1 || xs[1] % *group != 0 || ws[0] % *group != 0 ||
      ws[1] * *group != xs[1])
    return ctx.emitError() << "group = " << *group << " does not divide input "
                           << shape::format(xs) << " and filter "
                           << shape::format(ws)
                           << " (the filter has input channels / group)";
  if (strides->size() != 2 || dilations->size() != 2)
    return ctx.emitError() << "strides and dilations need 2 entries";
  if (failed(checkWindowValues(ctx, "strides", *strides, 1)) ||
      failed(checkWindowValues(ctx, "dilations", *dilations, 1)))
    return failure();
  if (pad && pad->value != 0.0f)
    return ctx.emitError() << "reads the output of Pad '" << pad->node
                           << "' with value " << pad->value
                           << "; a Conv absorbs only zero padding";
  SmallVector<int64_t> window{(*dilations)[0] * (ws[2] - 1) + 1,
                              (*dilations)[1] * (ws[3] - 1) + 1};
  auto pads = resolvePads(ctx, paddedSpatial(xs, pad), window, *strides);
  if (failed(pads))
    return failure();
  addPads(*pads, pad);
  Value bias;
  std::optional<ArrayRef<int64_t>> biasShape;
  if (ctx.hasInput(2)) {
    auto b = ctx.input(2);
    if (failed(b))
      return failure();
    bias = *b;
    biasShape = shapeOf(bias);
  }
  if (*group == 1) {
    FailureOr<shape::Shape> result = shape::inferConv2D(
        xs, ws, biasShape, *strides, *pads, *dilations, errorAt(ctx));
    if (failed(result))
      return failure();
    return ctx.setOutput(
        0, conv2d(ctx, *x, *w, bias, *result, *strides, *pads, *dilations));
  }
  if (bias && (biasShape->size() != 1 || (*biasShape)[0] != ws[0]))
    return ctx.emitError() << "the bias must have " << ws[0] << " entries, got "
                           << shape::format(*biasShape);
  // Grouped (depthwise when group = channels): one convolution per group on
  // its slice of the channels and of the filters, joined along the
  // channels. No grouped kernel yet; each group has its own.
  int64_t groups = *group, in = xs[1] / groups, out = ws[0] / groups;
  SmallVector<Value> parts;
  for (int64_t g = 0; g < groups; ++g) {
    Value xg = channelSlice(ctx, *x, 1, g * in, in);
    Value wg = channelSlice(ctx, *w, 0, g * out, out);
    Value bg = bias ? channelSlice(ctx, bias, 0, g * out, out) : Value();
    std::optional<ArrayRef<int64_t>> bgShape;
    if (bg)
      bgShape = shapeOf(bg);
    FailureOr<shape::Shape> result =
        shape::inferConv2D(shapeOf(xg), shapeOf(wg), bgShape, *strides, *pads,
                           *dilations, errorAt(ctx));
    if (failed(result))
      return failure();
    parts.push_back(
        conv2d(ctx, xg, wg, bg, *result, *strides, *pads, *dilations));
  }
  SmallVector<int64_t> joined(shapeOf(parts.front()));
  joined[1] = ws[0];
  Value y = ConcatOp::create(ctx.builder(), ctx.loc, ctx.tensorType(joined),
                             parts, 1);
  return ctx.setOutput(0, y);
}

/// ConvTranspose (group 1, 2-D): `conv_transpose2d`, the result size from
/// the pads and `output_padding`. `output_shape` and `auto_pad` other than
/// NOTSET are not read (PyTorch exports explicit pads).
LogicalResult importConvTranspose(NodeContext &ctx) {
  if (failed(
          ctx.checkAttributes({"auto_pad", "dilations", "group", "kernel_shape",
                               "output_padding", "pads", "strides"})))
    return failure();
  auto x = ctx.input(0);
  auto w = ctx.input(1);
  auto group = ctx.intAttr("group", 1);
  auto autoPad = ctx.stringAttr("auto_pad", "NOTSET");
  auto strides = ctx.intsAttr("strides", {1, 1});
  auto dilations = ctx.intsAttr("dilations", {1, 1});
  auto pads = ctx.intsAttr("pads", {0, 0, 0, 0});
  auto outputPadding = ctx.intsAttr("output_padding", {0, 0});
  if (failed(x) || failed(w) || failed(group) || failed(autoPad) ||
      failed(strides) || failed(dilations) || failed(pads) ||
      failed(outputPadding))
    return failure();
  ArrayRef<int64_t> xs = shapeOf(*x), ws = shapeOf(*w);
  if (failed(checkFilter2D(ctx, "ConvTranspose", xs, ws)))
    return failure();
  if (*group != 1)
    return ctx.emitError() << "group = " << *group
                           << " is not supported (only group = 1)";
  if (*autoPad != "NOTSET")
    return ctx.emitError() << "auto_pad " << *autoPad
                           << " is not supported; give explicit pads";
  if (ws[0] != xs[1])
    return ctx.emitError() << "the filter " << shape::format(ws) << " needs "
                           << xs[1] << " input channels first";
  if (strides->size() != 2 || dilations->size() != 2 || pads->size() != 4 ||
      outputPadding->size() != 2)
    return ctx.emitError() << "strides, dilations and output_padding need 2 "
                              "entries, pads 4";
  if (failed(checkWindowValues(ctx, "strides", *strides, 1)) ||
      failed(checkWindowValues(ctx, "dilations", *dilations, 1)) ||
      failed(checkWindowValues(ctx, "pads", *pads, 0)) ||
      failed(checkWindowValues(ctx, "output_padding", *outputPadding, 0)))
    return failure();
  SmallVector<int64_t> shape{xs[0], ws[1], 0, 0};
  for (int i = 0; i < 2; ++i) {
    if ((*outputPadding)[i] >= (*strides)[i])
      return ctx.emitError() << "output_padding " << (*outputPadding)[i]
                             << " must be below the stride " << (*strides)[i];
    shape[2 + i] = (xs[2 + i] - 1) * (*strides)[i] - (*pads)[i] -
                   (*pads)[2 + i] + (*dilations)[i] * (ws[2 + i] - 1) + 1 +
                   (*outputPadding)[i];
    if (shape[2 + i] <= 0)
      return ctx.emitError() << "the pads leave no output along spatial "
                                "dimension "
                             << i;
  }
  Value bias;
  if (ctx.hasInput(2)) {
    auto b = ctx.input(2);
    if (failed(b))
      return failure();
    if (shapeOf(*b).size() != 1 || shapeOf(*b)[0] != ws[1])
      return ctx.emitError() << "the bias must have " << ws[1]
                             << " entries, got " << shape::format(shapeOf(*b));
    bias = *b;
  }
  OpBuilder &b = ctx.builder();
  Value y = ConvTranspose2DOp::create(b, ctx.loc, ctx.tensorType(shape), *x, *w,
                                      bias, b.getDenseI64ArrayAttr(*strides),
                                      b.getDenseI64ArrayAttr(*pads),
                                      b.getDenseI64ArrayAttr(*dilations));
  return ctx.setOutput(0, y);
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

/// Pad emits no op: the Conv, AveragePool or MaxPool that reads its output
/// adds the padding to its own pads (PyTorch exports nn.AvgPool2d as Pad +
/// AveragePool, nn.ZeroPad2d + nn.Conv2d as Pad + Conv). Any other reader is
/// an error, reported here.
LogicalResult importPad(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"mode"})))
    return failure();
  auto mode = ctx.stringAttr("mode", "constant");
  auto padsIn = ctx.knownInput(1, "the pads");
  auto value = scalarBound(ctx, 2, "the constant value", 0.0f);
  if (failed(mode) || failed(padsIn) || failed(value))
    return failure();
  if (ctx.isKnown(0))
    return ctx.emitError() << "padding a tensor known at import time is not "
                              "supported";
  auto x = ctx.input(0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> xs = shapeOf(*x);
  int64_t rank = xs.size();
  ArrayRef<int64_t> pads = padsIn->ints;
  if (padsIn->isFloat || padsIn->shape.size() != 1 ||
      static_cast<int64_t>(pads.size()) != 2 * rank)
    return ctx.emitError() << "the pads must be a 1-D integer tensor of 2 x "
                              "rank = "
                           << 2 * rank << " entries, got "
                           << (padsIn->isFloat ? "a float tensor of shape "
                                               : "shape ")
                           << shape::format(padsIn->shape);
  // No padding at all (PyTorch's nn.AvgPool2d(padding=0)): the identity.
  if (allZero(pads))
    return ctx.setOutput(0, *x);
  if (*mode != "constant")
    return ctx.emitError() << "mode '" << *mode
                           << "' is not supported (only 'constant')";
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return ctx.emitError() << "negative pads (cropping) are not supported";
  if (rank != 4 || pads[0] || pads[1] || pads[4] || pads[5])
    return ctx.emitError() << "only the H and W dimensions of a 4-D (NCHW) "
                              "tensor can be padded; got pads ["
                           << llvm::interleaved(pads) << "] for shape "
                           << shape::format(xs);
  bool isGraphOutput;
  for (const NodeContext::Reader &reader :
       ctx.outputReaders(0, isGraphOutput)) {
    StringRef op = reader.node->op_type();
    if (reader.index == 0 &&
        (op == "Conv" || op == "AveragePool" || op == "MaxPool"))
      continue;
    return ctx.emitError() << "the padded tensor is input " << reader.index
                           << " of node '" << reader.name << "' (" << op
                           << "); a Pad is supported only as input 0 of a "
                              "Conv, AveragePool or MaxPool, which absorbs it "
                              "into its pads";
  }
  if (isGraphOutput)
    return ctx.emitError() << "the padded tensor is a graph output; a Pad is "
                              "supported only as input 0 of a Conv, "
                              "AveragePool or MaxPool, which absorbs it into "
                              "its pads";
  return ctx.setOutput(
      0,
      PendingPad{*x, {pads[2], pads[3], pads[6], pads[7]}, *value, ctx.name});
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

/// Whether inputs 0 and 1 are known and one is an integer tensor: shape
/// arithmetic, evaluated at import time.
bool isIntegerArithmetic(NodeContext &ctx) {
  if (!ctx.isKnown(0) || !ctx.isKnown(1))
    return false;
  auto a = ctx.knownInput(0, "the first operand");
  auto b = ctx.knownInput(1, "the second operand");
  return succeeded(a) && succeeded(b) && (!a->isFloat || !b->isFloat);
}

LogicalResult evaluateBinary(NodeContext &ctx) {
  auto result = evaluateIntegerBinary(ctx, ctx.node.op_type());
  if (failed(result))
    return failure();
  return ctx.setOutput(0, std::move(*result));
}

template <typename OpTy> LogicalResult importBinary(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  if (isIntegerArithmetic(ctx))
    return evaluateBinary(ctx);
  return importBroadcastBinary<OpTy>(ctx);
}

/// Division by a constant known at import time is multiplication by its
/// reciprocal (one rounding more than a true division, see docs/ONNX.md), as
/// it was before logbtq had a division op; by a tensor, logbtq.div.
LogicalResult importDiv(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  if (isIntegerArithmetic(ctx))
    return evaluateBinary(ctx);
  if (!ctx.isKnown(1))
    return importBroadcastBinary<DivOp>(ctx);
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
  if (!ctx.attr("kernel_shape"))
    return ctx.emitError() << "attribute 'kernel_shape' is required";
  std::optional<PendingPad> pad;
  auto x = ctx.paddedInput(0, pad);
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
  if (failed(checkWindowValues(ctx, "kernel_shape", *kernel, 1)) ||
      failed(checkWindowValues(ctx, "strides", *strides, 1)))
    return failure();
  if (*storage != 0)
    return ctx.emitError() << "storage_order = 1 is not supported";
  auto pads = resolvePads(ctx, paddedSpatial(xs, pad), *kernel, *strides);
  if (failed(pads))
    return failure();
  if (pad) {
    // The padding of a Pad node is real data to the pooling: -inf never
    // wins a max, zeros count in an average.
    float inf = std::numeric_limits<float>::infinity();
    if (isMax && pad->value != -inf)
      return ctx.emitError()
             << "reads the output of Pad '" << pad->node << "' with value "
             << pad->value << "; a MaxPool absorbs only -inf padding";
    if (!isMax && pad->value != 0.0f)
      return ctx.emitError()
             << "reads the output of Pad '" << pad->node << "' with value "
             << pad->value << "; an AveragePool absorbs only zero padding";
    if (!isMax && !allZero(*pads) && !*countPad)
      return ctx.emitError()
             << "has pads with count_include_pad = 0 and reads the output of "
                "Pad '"
             << pad->node
             << "', whose zeros count in the average: the two paddings "
                "cannot be merged";
    addPads(*pads, pad);
    if (!isMax)
      *countPad = 1;
  }
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

LogicalResult importReshape(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"allowzero"})))
    return failure();
  auto allowZero = ctx.intAttr("allowzero", 0);
  auto target = ctx.knownInput(1, "the target shape");
  auto in = ctx.inputShape(0);
  if (failed(allowZero) || failed(target) || failed(in))
    return failure();
  if (target->isFloat || target->shape.size() != 1)
    return ctx.emitError() << "the target shape must be a 1-D integer tensor";
  // Entries below -1, or a product too large for any tensor, are errors
  // before the shape rule multiplies them.
  int64_t elements = 1;
  for (int64_t d : target->ints) {
    if (d < -1)
      return ctx.emitError() << "the target shape entry " << d
                             << " is invalid";
    if (d > 0 && llvm::MulOverflow(elements, d, elements))
      return ctx.emitError() << "the target shape ["
                             << llvm::interleaved(target->ints)
                             << "] has too many elements";
  }
  FailureOr<shape::Shape> result =
      shape::inferReshape(*in, target->ints, *allowZero != 0, errorAt(ctx));
  if (failed(result))
    return failure();
  return setReshaped(ctx, 0, *result);
}

LogicalResult importFlatten(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"axis"})))
    return failure();
  auto in = ctx.inputShape(0);
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
  return setReshaped(
      ctx, 0, {product(dims.take_front(a)), product(dims.drop_front(a))});
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
  if (axes->isFloat || axes->shape.size() > 1)
    return ctx.emitError() << "the axes must be a 1-D integer tensor";
  return axes->ints;
}

LogicalResult importSqueeze(NodeContext &ctx) {
  auto axes = axesOperand(ctx, /*required=*/false);
  auto in = ctx.inputShape(0);
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
  auto in = ctx.inputShape(0);
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
  auto in = ctx.inputShape(0);
  if (failed(in))
    return failure();
  int64_t rank = in->size();
  SmallVector<int64_t> reversed;
  for (int64_t d = rank - 1; d >= 0; --d)
    reversed.push_back(d);
  auto perm = ctx.intsAttr("perm", reversed);
  if (failed(perm))
    return failure();
  FailureOr<shape::Shape> result =
      shape::inferTranspose(*in, *perm, errorAt(ctx));
  if (failed(result))
    return failure();
  if (ctx.isKnown(0)) {
    // Shape arithmetic (PyTorch's pads for F.pad).
    auto tensor = ctx.knownInput(0, "the data");
    if (failed(tensor))
      return failure();
    return ctx.setOutput(0, transposeKnown(*tensor, *perm));
  }
  auto x = ctx.input(0);
  if (failed(x))
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
  if (ctx.numInputs() == 0)
    return ctx.emitError() << "needs at least one input";
  auto axisAttr = ctx.intAttr("axis", 0);
  if (failed(axisAttr))
    return failure();
  bool allKnownIntegers = true;
  for (size_t i = 0; i < ctx.numInputs() && allKnownIntegers; ++i) {
    if (!ctx.isKnown(i)) {
      allKnownIntegers = false;
      break;
    }
    auto part = ctx.knownInput(i, "a part");
    if (failed(part))
      return failure();
    allKnownIntegers = !part->isFloat;
  }
  if (allKnownIntegers) {
    // Shape arithmetic: 1-D integer vectors joined at import time.
    KnownTensor result;
    for (size_t i = 0; i < ctx.numInputs(); ++i) {
      auto part = ctx.knownInput(i, "a part");
      if (failed(part))
        return failure();
      if (part->shape.size() != 1)
        return ctx.emitError() << "constant Concat supports 1-D integer "
                                  "tensors only, got shape "
                               << shape::format(part->shape);
      result.ints.append(part->ints);
    }
    if (*axisAttr != 0 && *axisAttr != -1)
      return ctx.emitError()
             << "axis " << *axisAttr << " is out of range for rank 1";
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
  // A training-mode export names the updated statistics as outputs; the
  // training step updates them in place of the parameters, so nothing may
  // read them here.
  for (size_t i = 1; i < 5; ++i)
    if (failed(ctx.checkOutputUnused(i, "training statistics")))
      return failure();
  auto epsilon = ctx.floatAttr("epsilon", 1e-5f);
  auto momentum = ctx.floatAttr("momentum", 0.9f);
  auto training = ctx.intAttr("training_mode", 0);
  if (failed(epsilon) || failed(momentum) || failed(training))
    return failure();
  if (*training != 0 && *training != 1)
    return ctx.emitError() << "training_mode must be 0 or 1, got " << *training;
  if (!(*momentum >= 0 && *momentum <= 1))
    return ctx.emitError() << "momentum must be in [0, 1], got " << *momentum;
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
  Value y = BatchNormOp::create(
      b, ctx.loc, operands[0].getType(), operands[0], operands[1], operands[2],
      operands[3], operands[4], b.getF32FloatAttr(*epsilon),
      b.getF32FloatAttr(*momentum));
  return ctx.setOutput(0, y);
}

LogicalResult importIdentity(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  // An Identity of an initializer is a parameter of its own, already bound
  // (GraphImporter::findParameters).
  if (ctx.isParameter(0))
    return success();
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

} // namespace

const llvm::StringMap<NodeImportFn> &
mlir::logbtq::onnx_import::getNodeImporters() {
  static const llvm::StringMap<NodeImportFn> importers = [] {
    llvm::StringMap<NodeImportFn> table = {
        {"AveragePool", importPool<AvgPool2DOp>},
        {"BatchNormalization", importBatchNorm},
        {"Cast", importCast},
        {"Clip", importClip},
        {"Concat", importConcat},
        {"Constant", importConstant},
        {"ConstantOfShape", importConstantOfShape},
        {"Conv", importConv},
        {"ConvTranspose", importConvTranspose},
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
        {"Pad", importPad},
        {"Relu", importUnary<ReluOp>},
        {"Reshape", importReshape},
        {"Shape", importShape},
        {"Sigmoid", importUnary<SigmoidOp>},
        {"Slice", importSlice},
        {"Softmax", importSoftmax<SoftmaxOp>},
        {"Squeeze", importSqueeze},
        {"Tanh", importUnary<TanhOp>},
        {"Transpose", importTranspose},
        {"Unsqueeze", importUnsqueeze},
    };
    addMathImporters(table);
    addIndexingImporters(table);
    return table;
  }();
  return importers;
}

ArrayRef<unsigned>
mlir::logbtq::onnx_import::getConstantInputIndices(StringRef opType,
                                                   int64_t opset) {
  static const unsigned first[] = {0};
  static const unsigned second[] = {1};
  static const unsigned bounds[] = {1, 2};
  static const unsigned slicing[] = {1, 2, 3, 4};
  if (opType == "Reshape" || opType == "Div" || opType == "Pow")
    return second;
  if ((opType == "Squeeze" || opType == "Unsqueeze" || opType == "ReduceSum") &&
      opset >= 13)
    return second;
  if (opType == "Clip" || opType == "Pad" ||
      (opType == "Dropout" && opset >= 12))
    return bounds;
  if (opType == "Shape" || opType == "ConstantOfShape")
    return first;
  // Gather's and Slice's data is known only when it is a shape; a float
  // initializer they read is a parameter (an embedding table).
  if (opType == "Gather" || opType == "Expand" ||
      (opType == "Split" && opset >= 13))
    return second;
  if (opType == "Slice")
    return slicing;
  return {};
}
