//===- LowerDataMovement.cpp - reshape, slices, gathers to Linalg ---------===//
//
// - reshape: one `tensor.collapse_shape` or `tensor.expand_shape` when the
//   dims group (4x6 -> 24, 2x3 -> 2x3x1), otherwise a collapse to 1-D and an
//   expand from it; rank 0 collapses or expands with no reassociation.
// - transpose: `linalg.transpose` (result dim i is input dim perm[i], as in
//   logbtq).
// - concat: `tensor.insert_slice` of each input into a `tensor.empty`.
// - strided_slice: `tensor.extract_slice`; its gradient a strided
//   `tensor.insert_slice` into zeros.
// - broadcast: a parallel generic reading the input through a broadcast map.
// - gather: an indexed generic (`tensor.extract` of the index, then of the
//   input), which -logbtq-vectorize turns into gathers; its gradient a
//   generic over the input's positions that sums, over every index, the
//   gradient of the entries that took that position (compare and select):
//   no scatter, so the loops stay parallel in the input's dims.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "Patterns.h"

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::lowering;

/// Collapses `input` to `type` or expands it to `type`, whichever fits the
/// ranks; `reassociation` groups the dims of the larger rank.
static Value reshapeWith(OpBuilder &b, Location loc, Value input,
                         RankedTensorType type,
                         ArrayRef<ReassociationIndices> reassociation) {
  auto inputType = cast<RankedTensorType>(input.getType());
  if (inputType.getRank() >= type.getRank())
    return tensor::CollapseShapeOp::create(b, loc, type, input, reassociation);
  return tensor::ExpandShapeOp::create(b, loc, type, input, reassociation);
}

/// The reassociation between a shape and one of fewer (or equal) dims, or
/// none. A rank-0 side has the empty reassociation (all other dims are 1).
static std::optional<SmallVector<ReassociationIndices>>
getReassociation(RankedTensorType large, RankedTensorType small) {
  if (small.getRank() == 0) {
    if (llvm::all_of(large.getShape(), [](int64_t d) { return d == 1; }))
      return SmallVector<ReassociationIndices>{};
    return std::nullopt;
  }
  if (large.getRank() == small.getRank())
    return std::nullopt;
  return getReassociationIndicesForReshape(large, small);
}

namespace {

struct ReshapeLowering : F32OpLowering<ReshapeOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(ReshapeOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto from = cast<RankedTensorType>(input.getType());
    auto to = cast<RankedTensorType>(op.getType());
    if (from == to) {
      return SmallVector<Value>{input};
    }
    bool collapse = from.getRank() >= to.getRank();
    if (auto direct = collapse ? getReassociation(from, to)
                               : getReassociation(to, from)) {
      return SmallVector<Value>{reshapeWith(rewriter, loc, input, to, *direct)};
    }
    // Through 1-D: every dim of each side folds into the single one.
    auto flat =
        RankedTensorType::get({from.getNumElements()}, from.getElementType());
    auto allDims = [](int64_t rank) {
      ReassociationIndices dims;
      for (int64_t d = 0; d < rank; ++d)
        dims.push_back(d);
      return SmallVector<ReassociationIndices>{dims};
    };
    if (from.getRank() != 1)
      input = reshapeWith(rewriter, loc, input, flat, allDims(from.getRank()));
    if (to.getRank() != 1)
      input = reshapeWith(rewriter, loc, input, to, allDims(to.getRank()));
    return SmallVector<Value>{input};
  }
};

struct TransposeLowering : F32OpLowering<TransposeOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(TransposeOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Value init =
        createEmpty(rewriter, loc, type.getShape(), type.getElementType());
    auto transpose = linalg::TransposeOp::create(
        rewriter, loc, adaptor.getInput(), init, op.getPerm());
    return SmallVector<Value>{transpose.getResult()};
  }
};

struct ConcatLowering : F32OpLowering<ConcatOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(ConcatOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    ValueRange inputs = adaptor.getInputs();
    if (inputs.size() == 1) {
      return SmallVector<Value>{inputs.front()};
    }
    int64_t axis = op.getAxis();
    Value result =
        createEmpty(rewriter, loc, type.getShape(), type.getElementType());
    int64_t offset = 0;
    for (Value input : inputs) {
      auto inputType = cast<RankedTensorType>(input.getType());
      SmallVector<OpFoldResult> offsets(type.getRank(),
                                        rewriter.getIndexAttr(0));
      offsets[axis] = rewriter.getIndexAttr(offset);
      SmallVector<OpFoldResult> sizes,
          strides(type.getRank(), rewriter.getIndexAttr(1));
      for (int64_t d : inputType.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      result = tensor::InsertSliceOp::create(rewriter, loc, input, result,
                                             offsets, sizes, strides);
      offset += inputType.getDimSize(axis);
    }
    return SmallVector<Value>{result};
  }
};

SmallVector<OpFoldResult> indexAttrs(OpBuilder &b, ArrayRef<int64_t> values) {
  return llvm::map_to_vector(
      values, [&](int64_t v) -> OpFoldResult { return b.getIndexAttr(v); });
}

struct StridedSliceLowering : F32OpLowering<StridedSliceOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(StridedSliceOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value slice = tensor::ExtractSliceOp::create(
        rewriter, op.getLoc(), type, adaptor.getInput(),
        indexAttrs(rewriter, op.getOffsets()),
        indexAttrs(rewriter, type.getShape()),
        indexAttrs(rewriter, op.getStrides()));
    return SmallVector<Value>{slice};
  }
};

struct StridedSliceGradLowering : F32OpLowering<StridedSliceGradOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(StridedSliceGradOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Value zeros = createFilled(rewriter, loc, type.getShape(),
                               createF32Constant(rewriter, loc, 0.0));
    Value grad = adaptor.getGrad();
    Value result = tensor::InsertSliceOp::create(
        rewriter, loc, grad, zeros, indexAttrs(rewriter, op.getOffsets()),
        indexAttrs(rewriter, shapeOf(grad)),
        indexAttrs(rewriter, op.getStrides()));
    return SmallVector<Value>{result};
  }
};

struct BroadcastLowering : F32OpLowering<BroadcastOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(BroadcastOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value input = adaptor.getInput();
    AffineMap map =
        getBroadcastMap(getContext(), shapeOf(input), type.getShape());
    return SmallVector<Value>{
        createElementwise(rewriter, op.getLoc(), type, ValueRange{input}, {map},
                          [](OpBuilder &, Location, ValueRange args) {
                            return SmallVector<Value>{args[0]};
                          })};
  }
};

/// The position an index reads along a dimension of `size`: negative ones
/// count from the end, and the result is clamped into [0, size).
Value wrapIndex(OpBuilder &b, Location loc, Value index, int64_t size) {
  Type type = index.getType();
  Value zero = arith::ConstantIntOp::create(b, loc, type, 0);
  Value n = arith::ConstantIntOp::create(b, loc, type, size);
  Value last = arith::ConstantIntOp::create(b, loc, type, size - 1);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, index, zero);
  Value wrapped = arith::SelectOp::create(
      b, loc, negative, arith::AddIOp::create(b, loc, index, n), index);
  Value clamped = arith::MinSIOp::create(
      b, loc, arith::MaxSIOp::create(b, loc, wrapped, zero), last);
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), clamped);
}

struct GatherLowering : F32OpLowering<GatherOp> {
  using F32OpLowering::F32OpLowering;
  SmallVector<unsigned> integerOperands() const override { return {1}; }

  FailureOr<SmallVector<Value>>
  lower(GatherOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value input = adaptor.getInput(), indices = adaptor.getIndices();
    int64_t axis = op.getAxis(), k = shapeOf(indices).size();
    int64_t size = shapeOf(input)[axis];
    return SmallVector<Value>{createIndexed(
        rewriter, op.getLoc(), type,
        [&](OpBuilder &b, Location l, ValueRange ivs) -> Value {
          Value index =
              tensor::ExtractOp::create(b, l, indices, ivs.slice(axis, k));
          SmallVector<Value> at(ivs.take_front(axis));
          at.push_back(wrapIndex(b, l, index, size));
          at.append(ivs.begin() + axis + k, ivs.end());
          return tensor::ExtractOp::create(b, l, input, at);
        })};
  }
};

/// Loops: the result's (input's) dims, then the index dims, which reduce.
struct GatherGradLowering : F32OpLowering<GatherGradOp> {
  using F32OpLowering::F32OpLowering;
  SmallVector<unsigned> integerOperands() const override { return {1}; }

  FailureOr<SmallVector<Value>>
  lower(GatherGradOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    auto type = cast<RankedTensorType>(op.getType());
    Value grad = adaptor.getGrad(), indices = adaptor.getIndices();
    unsigned rank = type.getRank(), axis = op.getAxis(),
             k = shapeOf(indices).size(), loops = rank + k;
    int64_t size = type.getDimSize(axis);
    // The gradient's dims: the input's before the axis, the index dims, the
    // input's after it.
    SmallVector<AffineExpr> gradDims, indexDims, resultDims;
    for (unsigned d = 0; d < rank; ++d)
      resultDims.push_back(getAffineDimExpr(d, ctx));
    for (unsigned d = 0; d < axis; ++d)
      gradDims.push_back(getAffineDimExpr(d, ctx));
    for (unsigned j = 0; j < k; ++j) {
      indexDims.push_back(getAffineDimExpr(rank + j, ctx));
      gradDims.push_back(getAffineDimExpr(rank + j, ctx));
    }
    for (unsigned d = axis + 1; d < rank; ++d)
      gradDims.push_back(getAffineDimExpr(d, ctx));
    SmallVector<AffineMap> maps{AffineMap::get(loops, 0, gradDims, ctx),
                                AffineMap::get(loops, 0, indexDims, ctx),
                                AffineMap::get(loops, 0, resultDims, ctx)};
    SmallVector<unsigned> reduced;
    for (unsigned j = 0; j < k; ++j)
      reduced.push_back(rank + j);
    Value zeros = createFilled(rewriter, loc, type.getShape(),
                               createF32Constant(rewriter, loc, 0.0));
    return createGeneric(
        rewriter, loc, ValueRange{grad, indices}, ValueRange{zeros}, maps,
        getIteratorTypes(loops, reduced),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value position = linalg::IndexOp::create(b, l, axis);
          Value taken = wrapIndex(b, l, args[1], size);
          Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                            taken, position);
          Value term = arith::SelectOp::create(b, l, hit, args[0],
                                               createF32Constant(b, l, 0.0));
          return SmallVector<Value>{arith::AddFOp::create(b, l, args[2], term)};
        });
  }
};

} // namespace

void lowering::populateDataMovementPatterns(TypeConverter &converter,
                                            RewritePatternSet &patterns) {
  patterns.add<ReshapeLowering, TransposeLowering, ConcatLowering,
               StridedSliceLowering, StridedSliceGradLowering,
               BroadcastLowering, GatherLowering, GatherGradLowering>(
      converter, patterns.getContext());
}
