//===- LowerGradConv.cpp - Convolution gradients to Linalg ----------------===//
//
// conv2d_grad_input is the transposed convolution: the output gradient is
// spread out by the stride and framed by the padding in one strided
// tensor.insert_slice into a zero buffer, then convolved (stride 1, the same
// dilation) with the filter flipped in space and with its channel dims
// swapped, by linalg.conv_2d_nchw_fchw. The buffer's size comes from the
// result type, which also covers the rows the forward convolution never read
// when `H + pads - window` is not a multiple of the stride. Both that
// convolution and conv2d_grad_filter,
// `dW[f, c, kh, kw] = sum_{n, oh, ow} dy[n, f, oh, ow] *
//                     xpad[n, c, oh * s + kh * d, ow * s + kw * d]`,
// are matrix products over im2col columns (Im2Col.h).
//
//===----------------------------------------------------------------------===//

#include "Im2Col.h"
#include "LowerGradUtils.h"
#include "LoweringUtils.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::gradlowering;

namespace {

/// `filter[F, C, KH, KW]` as `[C, F, KH, KW]`, flipped in both spatial dims.
Value flipAndSwapChannels(OpBuilder &b, Location loc, Value filter) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> shape = shapeOf(filter);
  SmallVector<int64_t> swapped = {shape[1], shape[0], shape[2], shape[3]};
  AffineExpr c, f, kh, kw;
  bindDims(ctx, c, f, kh, kw);
  AffineMap read = AffineMap::get(
      4, 0, {f, c, shape[2] - 1 - kh, shape[3] - 1 - kw}, ctx);
  Value init = lowering::createEmpty(b, loc, swapped, b.getF32Type());
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{filter},
             ValueRange{init},
             ArrayRef<AffineMap>{read, b.getMultiDimIdentityMap(4)},
             iteratorTypes(4),
             [](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, ValueRange{args[0]});
             })
      .getResult(0);
}

/// The gradient with respect to the NCHW input.
struct Conv2DGradInputLowering : OpConversionPattern<Conv2DGradInputOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(Conv2DGradInputOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(checkStaticF32(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Value grad = adaptor.getGrad(), filter = adaptor.getFilter();
    ArrayRef<int64_t> dy = shapeOf(grad), w = shapeOf(filter);
    auto resultType = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> x = resultType.getShape();
    ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                      dilations = op.getDilations();
    Value zero = constantF32(rewriter, loc, 0.0);

    // Per spatial axis: the buffer holds x's size plus the dilated window's
    // extent; dy row o lands at `lo + o * stride`. Rows that would land
    // outside (pads beyond the window's extent) only ever met padding.
    SmallVector<int64_t> bufferShape = {dy[0], dy[1], 0, 0};
    SmallVector<int64_t> first(4, 0), count(dy), at(4, 0), step(4, 1);
    for (int i = 0; i < 2; ++i) {
      int64_t extent = dilations[i] * (w[2 + i] - 1);
      int64_t size = x[2 + i] + extent, s = strides[i];
      int64_t lo = extent - pads[i];
      int64_t begin = lo >= 0 ? 0 : (-lo + s - 1) / s;
      int64_t end = std::min(dy[2 + i] - 1, (size - 1 - lo) / s);
      bufferShape[2 + i] = size;
      first[2 + i] = begin;
      count[2 + i] = end - begin + 1;
      at[2 + i] = lo + begin * s;
      step[2 + i] = s;
    }
    if (count[2] <= 0 || count[3] <= 0) {
      // Every window of the forward convolution saw padding only.
      rewriter.replaceOp(op, lowering::createFilled(rewriter, loc, x, zero));
      return success();
    }
    Value rows = grad;
    if (ArrayRef<int64_t>(count) != dy)
      rows = tensor::ExtractSliceOp::create(
          rewriter, loc, grad, getAsIndexOpFoldResult(getContext(), first),
          getAsIndexOpFoldResult(getContext(), count),
          getAsIndexOpFoldResult(getContext(), SmallVector<int64_t>(4, 1)));
    Value buffer = tensor::InsertSliceOp::create(
        rewriter, loc, rows, lowering::createFilled(rewriter, loc, bufferShape, zero),
        getAsIndexOpFoldResult(getContext(), at),
        getAsIndexOpFoldResult(getContext(), count),
        getAsIndexOpFoldResult(getContext(), step));

    Value flipped = flipAndSwapChannels(rewriter, loc, filter);
    lowering::ConvGeometry geometry{{w[2], w[3]},
                                    {x[2], x[3]},
                                    {1, 1},
                                    {dilations.begin(), dilations.end()}};
    Value conv = lowering::createIm2ColConv(rewriter, loc, buffer, flipped,
                                            geometry, zero, lowering::floatMac);
    rewriter.replaceOp(op, conv);
    return success();
  }
};

/// The gradient with respect to the FCHW filter.
struct Conv2DGradFilterLowering : OpConversionPattern<Conv2DGradFilterOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(Conv2DGradFilterOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(checkStaticF32(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    Value grad = adaptor.getGrad(), input = adaptor.getInput();
    ArrayRef<int64_t> dy = shapeOf(grad), x = shapeOf(input);
    auto resultType = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> w = resultType.getShape();
    ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                      dilations = op.getDilations();
    Value zero = constantF32(rewriter, loc, 0.0);

    // Pad the input as far as the windows read: the top/left pads, and at
    // the bottom/right what the last window needs (at most the pads).
    SmallVector<int64_t> low(4, 0), high(4, 0), padded(x);
    for (int i = 0; i < 2; ++i) {
      int64_t reach = (dy[2 + i] - 1) * strides[i] +
                      dilations[i] * (w[2 + i] - 1) + 1;
      low[2 + i] = pads[i];
      high[2 + i] = std::max<int64_t>(0, reach - x[2 + i] - pads[i]);
      padded[2 + i] += low[2 + i] + high[2 + i];
    }
    Value source = input;
    if (padded != SmallVector<int64_t>(x))
      source = tensor::PadOp::create(
          rewriter, loc, RankedTensorType::get(padded, rewriter.getF32Type()),
          input, getAsIndexOpFoldResult(ctx, low),
          getAsIndexOpFoldResult(ctx, high), zero);

    lowering::ConvGeometry geometry{{w[2], w[3]},
                                    {dy[2], dy[3]},
                                    {strides.begin(), strides.end()},
                                    {dilations.begin(), dilations.end()}};
    Value result = lowering::createIm2ColFilterGrad(
        rewriter, loc, grad, source, geometry, zero, lowering::floatMac);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void gradlowering::populateConvGradPatterns(TypeConverter &converter,
                                            RewritePatternSet &patterns) {
  patterns.add<Conv2DGradInputLowering, Conv2DGradFilterLowering>(
      converter, patterns.getContext());
}
