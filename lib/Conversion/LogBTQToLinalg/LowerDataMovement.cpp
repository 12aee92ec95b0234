//===- LowerDataMovement.cpp - reshape, transpose, concat to Linalg -------===//
//
// - reshape: one `tensor.collapse_shape` or `tensor.expand_shape` when the
//   dims group (4x6 -> 24, 2x3 -> 2x3x1), otherwise a collapse to 1-D and an
//   expand from it; rank 0 collapses or expands with no reassociation.
// - transpose: `linalg.transpose` (result dim i is input dim perm[i], as in
//   logbtq).
// - concat: `tensor.insert_slice` of each input into a `tensor.empty`.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "Patterns.h"

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

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

} // namespace

void lowering::populateDataMovementPatterns(TypeConverter &converter,
                                            RewritePatternSet &patterns) {
  patterns.add<ReshapeLowering, TransposeLowering, ConcatLowering>(
      converter, patterns.getContext());
}
