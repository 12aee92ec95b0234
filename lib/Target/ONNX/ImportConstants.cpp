//===- ImportConstants.cpp - ONNX ops evaluated at import time ------------===//
//
// Constants and the integer "shape" subgraphs exporters write around them
// (PyTorch's Shape -> Gather -> Unsqueeze -> Concat -> Reshape for a dynamic
// batch, and ConstantOfShape -> Concat -> Reshape -> Slice -> Transpose ->
// Cast for the pads of F.pad) are evaluated while importing: they become
// KnownTensors, never ops. Each importer here fails on a graph tensor.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "logbtq/Dialect/LogBTQ/IR/ShapeInference.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::onnx_import;

/// Known tensors are small (shapes, pads, scalars, Constant nodes); a
/// ConstantOfShape larger than this is surely not one.
static constexpr int64_t kMaxKnownElements = int64_t(1) << 24;

/// Row-major strides of `shape`.
static SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// A tensor of `shape` whose element at each position comes from `source`'s
/// flat index `at(multi-index)`.
template <typename IndexFn>
static KnownTensor buildKnown(const KnownTensor &source,
                              ArrayRef<int64_t> shape, IndexFn at) {
  KnownTensor result;
  result.isFloat = source.isFloat;
  result.shape.assign(shape.begin(), shape.end());
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  SmallVector<int64_t> index(shape.size(), 0);
  for (int64_t n = 0; n < count; ++n) {
    int64_t from = at(ArrayRef<int64_t>(index));
    if (source.isFloat)
      result.floats.push_back(source.floats[from]);
    else
      result.ints.push_back(source.ints[from]);
    // Next multi-index, last dimension fastest.
    for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return result;
}

KnownTensor mlir::logbtq::onnx_import::transposeKnown(const KnownTensor &tensor,
                                                      ArrayRef<int64_t> perm) {
  SmallVector<int64_t> strides = stridesOf(tensor.shape);
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(tensor.shape[p]);
  return buildKnown(tensor, shape, [&](ArrayRef<int64_t> index) {
    int64_t from = 0;
    for (auto [i, p] : llvm::enumerate(perm))
      from += index[i] * strides[p];
    return from;
  });
}

KnownTensor mlir::logbtq::onnx_import::broadcastKnown(const KnownTensor &tensor,
                                                      ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides = stridesOf(tensor.shape);
  int64_t lead = shape.size() - tensor.shape.size();
  return buildKnown(tensor, shape, [&](ArrayRef<int64_t> index) {
    int64_t from = 0;
    for (auto [d, dim] : llvm::enumerate(tensor.shape))
      if (dim != 1)
        from += index[lead + d] * strides[d];
    return from;
  });
}

FailureOr<KnownTensor>
mlir::logbtq::onnx_import::evaluateIntegerBinary(NodeContext &ctx,
                                                 StringRef opType) {
  auto a = ctx.knownInput(0, "the first operand");
  auto b = ctx.knownInput(1, "the second operand");
  if (failed(a) || failed(b))
    return failure();
  if (a->isFloat || b->isFloat)
    return ctx.emitError() << "constant " << opType
                           << " supports integer tensors only";
  // Shape arithmetic needs equal shapes or a one-element operand.
  bool aOne = a->size() == 1, bOne = b->size() == 1;
  if (a->shape != b->shape && !aOne && !bOne)
    return ctx.emitError() << "constant " << opType << " of shapes "
                           << shape::format(a->shape) << " and "
                           << shape::format(b->shape)
                           << " is not supported (equal shapes or a "
                              "one-element operand only)";
  const KnownTensor &big =
      aOne && !bOne
          ? *b
          : (bOne && !aOne ? *a
                           : (a->shape.size() >= b->shape.size() ? *a : *b));
  KnownTensor result;
  result.shape = big.shape;
  for (int64_t i = 0, e = big.size(); i < e; ++i) {
    int64_t x = a->ints[aOne ? 0 : i], y = b->ints[bOne ? 0 : i], z = 0;
    bool overflow = false;
    if (opType == "Add")
      overflow = llvm::AddOverflow(x, y, z);
    else if (opType == "Sub")
      overflow = llvm::SubOverflow(x, y, z);
    else if (opType == "Mul")
      overflow = llvm::MulOverflow(x, y, z);
    else if (y == 0)
      return ctx.emitError() << "integer division by zero";
    else if (x == std::numeric_limits<int64_t>::min() && y == -1)
      overflow = true;
    else
      z = x / y; // Truncating, as ONNX divides integers.
    if (overflow)
      return ctx.emitError() << "constant " << opType << " of " << x << " and "
                             << y << " overflows int64";
    result.ints.push_back(z);
  }
  return result;
}

LogicalResult mlir::logbtq::onnx_import::importConstant(NodeContext &ctx) {
  if (ctx.node.attribute_size() != 1)
    return ctx.emitError() << "needs exactly one value attribute, got "
                           << ctx.node.attribute_size();
  const onnx::AttributeProto &a = ctx.node.attribute(0);
  KnownTensor tensor;
  if (a.name() == "value") {
    if (a.type() != onnx::AttributeProto::TENSOR)
      return ctx.emitError() << "attribute 'value' must be a TENSOR";
    auto decoded = decodeTensor(a.t(), [&] { return ctx.emitError(); });
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

LogicalResult
mlir::logbtq::onnx_import::importConstantOfShape(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"value"})))
    return failure();
  auto shapeIn = ctx.knownInput(0, "the shape");
  if (failed(shapeIn))
    return failure();
  if (shapeIn->isFloat || shapeIn->shape.size() != 1)
    return ctx.emitError() << "the shape must be a 1-D integer tensor";
  KnownTensor fill;
  fill.isFloat = true;
  fill.floats = {0.0f};
  if (const onnx::AttributeProto *a = ctx.attr("value")) {
    if (a->type() != onnx::AttributeProto::TENSOR)
      return ctx.emitError() << "attribute 'value' must be a TENSOR";
    auto decoded = decodeTensor(a->t(), [&] { return ctx.emitError(); });
    if (failed(decoded))
      return failure();
    if (decoded->size() != 1)
      return ctx.emitError() << "attribute 'value' must hold one element";
    fill = std::move(*decoded);
  }
  int64_t count = 1;
  for (int64_t d : shapeIn->ints) {
    if (d < 0)
      return ctx.emitError() << "the shape has a negative dimension " << d;
    if (d != 0 && count > kMaxKnownElements / d)
      return ctx.emitError()
             << "the result has more than " << kMaxKnownElements << " elements";
    count *= d;
  }
  KnownTensor result;
  result.isFloat = fill.isFloat;
  result.shape = shapeIn->ints;
  if (fill.isFloat)
    result.floats.assign(count, fill.floats[0]);
  else
    result.ints.assign(count, fill.ints[0]);
  return ctx.setOutput(0, std::move(result));
}

LogicalResult mlir::logbtq::onnx_import::importShape(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"start", "end"})))
    return failure();
  auto in = ctx.inputShape(0);
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

LogicalResult mlir::logbtq::onnx_import::importGather(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"axis"})))
    return failure();
  if (!ctx.isKnown(0))
    return importGatherOfTensor(ctx);
  auto data = ctx.knownInput(0, "the data");
  if (succeeded(data) && data->isFloat)
    return importGatherOfTensor(ctx);
  auto indices = ctx.knownInput(1, "the indices");
  auto axis = ctx.intAttr("axis", 0);
  if (failed(data) || failed(indices) || failed(axis))
    return failure();
  if (data->shape.size() != 1 || (*axis != 0 && *axis != -1) || data->isFloat ||
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

SmallVector<int64_t> mlir::logbtq::onnx_import::sliceIndices(int64_t dim,
                                                             int64_t start,
                                                             int64_t end,
                                                             int64_t step) {
  if (dim == 0)
    return {};
  // A step longer than the dimension takes the start only.
  step = std::clamp<int64_t>(step, -(dim + 1), dim + 1);
  auto wrap = [&](int64_t v) { return v < 0 ? v + dim : v; };
  start = wrap(start);
  end = wrap(end);
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
  } else {
    start = std::clamp<int64_t>(start, 0, dim - 1);
    end = std::clamp<int64_t>(end, -1, dim - 1);
  }
  SmallVector<int64_t> indices;
  for (int64_t i = start; step > 0 ? i < end : i > end; i += step)
    indices.push_back(i);
  return indices;
}

FailureOr<SmallVector<SliceRange>>
mlir::logbtq::onnx_import::readSliceRanges(NodeContext &ctx,
                                           ArrayRef<int64_t> shape) {
  auto starts = ctx.knownInput(1, "the starts");
  auto ends = ctx.knownInput(2, "the ends");
  if (failed(starts) || failed(ends))
    return failure();
  int64_t rank = shape.size();
  size_t n = starts->ints.size();
  auto isIndexVector = [&](const KnownTensor &t) {
    return !t.isFloat && t.shape.size() == 1 && t.ints.size() == n;
  };
  if (!isIndexVector(*starts) || !isIndexVector(*ends))
    return ctx.emitError() << "starts and ends must be 1-D integer tensors of "
                              "the same length";
  SmallVector<int64_t> axes, steps(n, 1);
  for (size_t i = 0; i < n; ++i)
    axes.push_back(i);
  for (auto [input, what, values] : {std::make_tuple(3, "axes", &axes),
                                     std::make_tuple(4, "steps", &steps)}) {
    if (!ctx.hasInput(input))
      continue;
    auto given = ctx.knownInput(input, what);
    if (failed(given))
      return failure();
    if (!isIndexVector(*given))
      return ctx.emitError() << "the " << what
                             << " must be a 1-D integer tensor as long as the "
                                "starts";
    *values = given->ints;
  }
  SmallVector<SliceRange> ranges;
  SmallVector<bool> sliced(rank, false);
  for (size_t i = 0; i < n; ++i) {
    auto axis =
        shape::normalizeAxis(axes[i], rank, [&] { return ctx.emitError(); });
    if (failed(axis))
      return failure();
    if (sliced[*axis])
      return ctx.emitError() << "axis " << axes[i] << " is repeated";
    if (steps[i] == 0)
      return ctx.emitError() << "a step is zero";
    sliced[*axis] = true;
    ranges.push_back(
        {*axis, steps[i],
         sliceIndices(shape[*axis], starts->ints[i], ends->ints[i], steps[i])});
  }
  return ranges;
}

LogicalResult mlir::logbtq::onnx_import::importSlice(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  if (!ctx.isKnown(0))
    return importSliceOfTensor(ctx);
  auto data = ctx.knownInput(0, "the data");
  if (failed(data))
    return failure();
  auto ranges = readSliceRanges(ctx, data->shape);
  if (failed(ranges))
    return failure();
  int64_t rank = data->shape.size();
  // Every dimension keeps all its indices unless an axis slices it.
  SmallVector<SmallVector<int64_t>> taken;
  for (int64_t dim : data->shape)
    taken.push_back(sliceIndices(dim, 0, dim, 1));
  for (const SliceRange &range : *ranges)
    taken[range.axis] = range.indices;
  SmallVector<int64_t> shape, strides = stridesOf(data->shape);
  for (const SmallVector<int64_t> &indices : taken)
    shape.push_back(indices.size());
  return ctx.setOutput(0,
                       buildKnown(*data, shape, [&](ArrayRef<int64_t> index) {
                         int64_t from = 0;
                         for (int64_t d = 0; d < rank; ++d)
                           from += taken[d][index[d]] * strides[d];
                         return from;
                       }));
}

LogicalResult mlir::logbtq::onnx_import::importCast(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"to", "saturate"})))
    return failure();
  if (!ctx.attr("to"))
    return ctx.emitError() << "attribute 'to' is required";
  auto to = ctx.intAttr("to", 0);
  if (failed(to))
    return failure();
  bool toFloat = *to == onnx::TensorProto::FLOAT;
  bool toInt =
      *to == onnx::TensorProto::INT64 || *to == onnx::TensorProto::INT32;
  std::string typeName = onnx::TensorProto_DataType_IsValid(*to)
                             ? onnx::TensorProto_DataType_Name(
                                   static_cast<onnx::TensorProto_DataType>(*to))
                             : std::to_string(*to);
  if (ctx.isKnown(0)) {
    auto tensor = ctx.knownInput(0, "the input");
    if (failed(tensor))
      return failure();
    if (!toFloat && !toInt)
      return ctx.emitError() << "cast to " << typeName
                             << " is not supported (only FLOAT, INT32 and "
                                "INT64)";
    if (toFloat && !tensor->isFloat) {
      tensor->floats.assign(tensor->ints.begin(), tensor->ints.end());
      tensor->ints.clear();
      tensor->isFloat = true;
    } else if (toInt && tensor->isFloat) {
      for (float v : tensor->floats) {
        if (!std::isfinite(v) || std::abs(v) >= 9.2e18f)
          return ctx.emitError() << "cannot cast " << v << " to " << typeName;
        tensor->ints.push_back(static_cast<int64_t>(v));
      }
      tensor->floats.clear();
      tensor->isFloat = false;
    }
    return ctx.setOutput(0, *tensor);
  }
  if (!toFloat)
    return ctx.emitError() << "a graph tensor can only be cast to FLOAT, not "
                           << typeName;
  auto x = ctx.input(0);
  if (failed(x))
    return failure();
  return ctx.setOutput(0, *x);
}
