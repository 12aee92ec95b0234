//===- ImportIndexing.cpp - Gather, Slice, Split, Expand and Where --------===//
//
// The forms of these ops that read a tensor of the graph (a computed value
// or a parameter); their forms on known shape vectors are evaluated at import
// time in ImportConstants.cpp. Indices, starts, ends, steps, split sizes and
// target shapes must be known at import time: logbtq compiles static shapes.
//
// - Slice with positive steps and Split: `logbtq.strided_slice`.
// - Gather: a `strided_slice` (and a reshape) when the indices are evenly
//   spaced and increasing, a single index included (PyTorch's `qkv[0]`);
//   otherwise `logbtq.gather` with the indices as an i64 constant.
// - Expand: `logbtq.broadcast` (ONNX broadcasts both ways: the result is
//   the broadcast of the input's shape and the given one).
// - Where with a known condition (a mask): `logbtq.select` of an i1
//   constant and the two sides. Conditions computed in the graph are
//   refused.
//
//===----------------------------------------------------------------------===//

#include "BuildOps.h"
#include "Importer.h"

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::onnx_import;

/// `input` cut to `sizes` elements from `offsets` by `strides`; the input
/// itself when that is all of it.
static Value stridedSlice(NodeContext &ctx, Value input,
                          ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes,
                          ArrayRef<int64_t> strides) {
  if (shapeOf(input) == sizes)
    return input;
  OpBuilder &b = ctx.builder();
  return StridedSliceOp::create(b, ctx.loc, ctx.tensorType(sizes), input,
                                b.getDenseI64ArrayAttr(offsets),
                                b.getDenseI64ArrayAttr(strides));
}

/// `input` repeated to `shape` (itself when it has that shape already).
static Value broadcastTo(NodeContext &ctx, Value input,
                         ArrayRef<int64_t> shape) {
  if (shapeOf(input) == shape)
    return input;
  return BroadcastOp::create(ctx.builder(), ctx.loc, ctx.tensorType(shape),
                             input);
}

/// The known indices as increasing, evenly spaced positions: the first one
/// and the spacing (1 for a single index).
static std::optional<std::pair<int64_t, int64_t>>
evenlySpaced(ArrayRef<int64_t> positions) {
  if (positions.empty())
    return std::nullopt;
  int64_t step = positions.size() > 1 ? positions[1] - positions[0] : 1;
  if (step <= 0)
    return std::nullopt;
  for (size_t i = 1; i < positions.size(); ++i)
    if (positions[i] - positions[i - 1] != step)
      return std::nullopt;
  return std::make_pair(positions.front(), step);
}

LogicalResult
mlir::logbtq::onnx_import::importGatherOfTensor(NodeContext &ctx) {
  auto data = ctx.input(0);
  auto axisAttr = ctx.intAttr("axis", 0);
  if (failed(data) || failed(axisAttr))
    return failure();
  if (!ctx.isKnown(1))
    return ctx.emitError()
           << "the indices of a Gather of a tensor must be known at import "
              "time (a constant, or an integer input bound with logbtq-run); "
              "trainers take no integer inputs";
  auto indices = ctx.knownInput(1, "the indices");
  if (failed(indices))
    return failure();
  if (indices->isFloat)
    return ctx.emitError() << "Gather indices must be integers";
  ArrayRef<int64_t> xs = shapeOf(*data);
  auto axis = shape::normalizeAxis(*axisAttr, xs.size(), errorAt(ctx));
  if (failed(axis))
    return failure();
  int64_t n = xs[*axis];
  SmallVector<int64_t> positions;
  for (int64_t index : indices->ints) {
    if (index < -n || index >= n)
      return ctx.emitError()
             << "index " << index << " is out of range for dimension " << *axis
             << " of size " << n;
    positions.push_back(index < 0 ? index + n : index);
  }
  FailureOr<shape::Shape> result =
      shape::inferGather(xs, indices->shape, *axis, errorAt(ctx));
  if (failed(result))
    return failure();
  if (auto run = evenlySpaced(positions)) {
    SmallVector<int64_t> offsets(xs.size(), 0), strides(xs.size(), 1);
    SmallVector<int64_t> sizes(xs);
    offsets[*axis] = run->first;
    strides[*axis] = run->second;
    sizes[*axis] = positions.size();
    Value slice = stridedSlice(ctx, *data, offsets, sizes, strides);
    return ctx.setOutput(0, reshape(ctx, slice, *result));
  }
  OpBuilder &b = ctx.builder();
  auto indexType = RankedTensorType::get(indices->shape, b.getI64Type());
  Value table = arith::ConstantOp::create(
      b, ctx.loc, indexType,
      DenseIntElementsAttr::get(indexType, ArrayRef<int64_t>(positions)));
  Value y = GatherOp::create(b, ctx.loc, ctx.tensorType(*result), *data, table,
                             b.getI64IntegerAttr(*axis));
  return ctx.setOutput(0, y);
}

LogicalResult mlir::logbtq::onnx_import::importSliceOfTensor(NodeContext &ctx) {
  auto data = ctx.input(0);
  if (failed(data))
    return failure();
  ArrayRef<int64_t> xs = shapeOf(*data);
  auto ranges = readSliceRanges(ctx, xs);
  if (failed(ranges))
    return failure();
  int64_t rank = xs.size();
  SmallVector<int64_t> offsets(rank, 0), sizes(xs), strides(rank, 1);
  for (const SliceRange &range : *ranges) {
    int64_t axis = range.axis;
    ArrayRef<int64_t> taken = range.indices;
    if (range.step < 0)
      return ctx.emitError()
             << "step " << range.step << " on axis " << axis
             << ": a Slice of a tensor takes positive steps only";
    if (taken.empty())
      return ctx.emitError() << "the slice is empty along axis " << axis
                             << " (logbtq has no empty tensors)";
    offsets[axis] = taken.front();
    sizes[axis] = taken.size();
    strides[axis] = taken.size() > 1 ? taken[1] - taken[0] : 1;
  }
  return ctx.setOutput(0, stridedSlice(ctx, *data, offsets, sizes, strides));
}

namespace {

/// Split (opset 11-17): the sizes from the `split` attribute (before 13) or
/// input (13 on), or equal parts, one per output.
LogicalResult importSplit(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({"axis", "split"})))
    return failure();
  auto x = ctx.input(0);
  auto axisAttr = ctx.intAttr("axis", 0);
  if (failed(x) || failed(axisAttr))
    return failure();
  ArrayRef<int64_t> xs = shapeOf(*x);
  auto axis = shape::normalizeAxis(*axisAttr, xs.size(), errorAt(ctx));
  if (failed(axis))
    return failure();
  int64_t parts = ctx.node.output_size(), dim = xs[*axis];
  SmallVector<int64_t> sizes;
  if (ctx.hasInput(1)) {
    auto given = ctx.knownInput(1, "the split sizes");
    if (failed(given))
      return failure();
    if (given->isFloat || given->shape.size() != 1)
      return ctx.emitError() << "the split sizes must be a 1-D integer tensor";
    sizes.assign(given->ints.begin(), given->ints.end());
  } else if (ctx.attr("split")) {
    auto given = ctx.intsAttr("split", {});
    if (failed(given))
      return failure();
    sizes = *given;
  } else {
    if (parts == 0 || dim % parts != 0)
      return ctx.emitError()
             << "dimension " << *axis << " of size " << dim
             << " does not split into " << parts << " equal parts";
    sizes.assign(parts, dim / parts);
  }
  if (static_cast<int64_t>(sizes.size()) != parts)
    return ctx.emitError() << sizes.size() << " split sizes for " << parts
                           << " outputs";
  int64_t total = 0;
  for (int64_t size : sizes) {
    if (size <= 0)
      return ctx.emitError()
             << "split size " << size << " (logbtq has no empty tensors)";
    total += size;
  }
  if (total != dim)
    return ctx.emitError() << "split sizes sum to " << total
                           << ", but dimension " << *axis << " has " << dim;
  SmallVector<int64_t> offsets(xs.size(), 0), strides(xs.size(), 1);
  SmallVector<int64_t> box(xs);
  for (int64_t i = 0; i < parts; ++i) {
    box[*axis] = sizes[i];
    if (ctx.hasOutput(i) &&
        failed(ctx.setOutput(i, stridedSlice(ctx, *x, offsets, box, strides))))
      return failure();
    offsets[*axis] += sizes[i];
  }
  return success();
}

/// Expand: `logbtq.broadcast` to the broadcast of the two shapes.
LogicalResult importExpand(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  auto x = ctx.input(0);
  auto target = ctx.knownInput(1, "the shape");
  if (failed(x) || failed(target))
    return failure();
  if (target->isFloat || target->shape.size() != 1)
    return ctx.emitError() << "the shape must be a 1-D integer tensor";
  FailureOr<shape::Shape> result =
      shape::inferBroadcast(shapeOf(*x), target->ints, errorAt(ctx));
  if (failed(result))
    return failure();
  return ctx.setOutput(0, broadcastTo(ctx, *x, *result));
}

/// Where with a condition known at import time: `logbtq.select` of the mask
/// (an i1 constant) and the two sides, or the side itself when the mask
/// chooses it everywhere, or a known tensor when both sides are known.
LogicalResult importWhere(NodeContext &ctx) {
  if (failed(ctx.checkAttributes({})))
    return failure();
  if (ctx.hasInput(0) && !ctx.isKnown(0))
    return ctx.emitError()
           << "the condition (input 0, '" << ctx.node.input(0)
           << "') must be known at import time (a mask); Where on a "
              "condition computed in the graph is not supported";
  auto cond = ctx.knownInput(0, "the condition");
  if (failed(cond))
    return failure();
  if (cond->isFloat)
    return ctx.emitError() << "the condition must be a boolean tensor";
  if (cond->size() == 0)
    return ctx.emitError() << "the condition is empty (logbtq has no empty "
                              "tensors)";
  SmallVector<int64_t> shape(cond->shape);
  for (size_t i : {1, 2}) {
    auto side = ctx.inputShape(i);
    if (failed(side))
      return failure();
    auto all = shape::inferBroadcast(shape, *side, errorAt(ctx));
    if (failed(all))
      return failure();
    shape.assign(all->begin(), all->end());
  }
  if (ctx.isKnown(1) && ctx.isKnown(2)) {
    auto x = ctx.knownInput(1, "X"), y = ctx.knownInput(2, "Y");
    if (failed(x) || failed(y))
      return failure();
    if (!x->isFloat || !y->isFloat)
      return ctx.emitError() << "Where of integer tensors is not supported";
    KnownTensor c = broadcastKnown(*cond, shape);
    KnownTensor result = broadcastKnown(*x, shape);
    KnownTensor other = broadcastKnown(*y, shape);
    for (auto [n, pick] : llvm::enumerate(c.ints))
      if (!pick)
        result.floats[n] = other.floats[n];
    return ctx.setOutput(0, result);
  }
  int64_t truths = llvm::count_if(cond->ints, [](int64_t c) { return c; });
  std::optional<size_t> only;
  if (truths == cond->size())
    only = 1;
  else if (truths == 0)
    only = 2;
  if (only) {
    auto side = ctx.input(*only);
    if (failed(side))
      return failure();
    return ctx.setOutput(0, broadcastTo(ctx, *side, shape));
  }
  auto x = ctx.input(1), y = ctx.input(2);
  if (failed(x) || failed(y))
    return failure();
  OpBuilder &b = ctx.builder();
  auto maskType = RankedTensorType::get(cond->shape, b.getI1Type());
  SmallVector<bool> bits;
  for (int64_t c : cond->ints)
    bits.push_back(c != 0);
  Value mask = arith::ConstantOp::create(
      b, ctx.loc, maskType, DenseElementsAttr::get(maskType, ArrayRef(bits)));
  Value z = SelectOp::create(b, ctx.loc, ctx.tensorType(shape), mask, *x, *y);
  return ctx.setOutput(0, z);
}

} // namespace

void mlir::logbtq::onnx_import::addIndexingImporters(
    llvm::StringMap<NodeImportFn> &importers) {
  importers.insert({{"Expand", importExpand},
                    {"Split", importSplit},
                    {"Where", importWhere}});
}
