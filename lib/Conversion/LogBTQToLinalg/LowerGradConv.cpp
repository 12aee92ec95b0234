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
#include "LoweringUtils.h"
#include "Patterns.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::lowering;
using lowering::ConvGeometry;
using lowering::ProductKind;

namespace {

/// `filter[F, C, KH, KW]` as `[C, F, KH, KW]`, flipped in both spatial dims.
Value flipAndSwapChannels(OpBuilder &b, Location loc, Value filter) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> shape = shapeOf(filter);
  SmallVector<int64_t> swapped = {shape[1], shape[0], shape[2], shape[3]};
  AffineExpr c, f, kh, kw;
  bindDims(ctx, c, f, kh, kw);
  AffineMap read =
      AffineMap::get(4, 0, {f, c, shape[2] - 1 - kh, shape[3] - 1 - kw}, ctx);
  Value init = lowering::createEmpty(
      b, loc, swapped,
      cast<RankedTensorType>(filter.getType()).getElementType());
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{filter},
             ValueRange{init},
             ArrayRef<AffineMap>{read, b.getMultiDimIdentityMap(4)},
             getIteratorTypes(4),
             [](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, ValueRange{args[0]});
             })
      .getResult(0);
}

} // namespace

Value lowering::createConvGradInput(OpBuilder &b, Location loc, Value grad,
                                    Value filter, ArrayRef<int64_t> x,
                                    ArrayRef<int64_t> strides,
                                    ArrayRef<int64_t> pads,
                                    ArrayRef<int64_t> dilations, Value zero,
                                    Value accZero, ProductKind kind) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> dy = shapeOf(grad), w = shapeOf(filter);
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
  // Every window of the forward convolution saw padding only.
  if (count[2] <= 0 || count[3] <= 0)
    return createFilled(b, loc, x, accZero);
  Value rows = grad;
  if (ArrayRef<int64_t>(count) != dy)
    rows = tensor::ExtractSliceOp::create(
        b, loc, grad, getAsIndexOpFoldResult(ctx, first),
        getAsIndexOpFoldResult(ctx, count),
        getAsIndexOpFoldResult(ctx, SmallVector<int64_t>(4, 1)));
  Value buffer = tensor::InsertSliceOp::create(
      b, loc, rows, createFilled(b, loc, bufferShape, zero),
      getAsIndexOpFoldResult(ctx, at), getAsIndexOpFoldResult(ctx, count),
      getAsIndexOpFoldResult(ctx, step));
  Value flipped = flipAndSwapChannels(b, loc, filter);
  ConvGeometry geometry{
      {w[2], w[3]}, {x[2], x[3]}, {1, 1}, {dilations.begin(), dilations.end()}};
  return createIm2ColConv(b, loc, buffer, flipped, geometry, kind);
}

Value lowering::createConvGradFilter(OpBuilder &b, Location loc, Value grad,
                                     Value input, ArrayRef<int64_t> w,
                                     ArrayRef<int64_t> strides,
                                     ArrayRef<int64_t> pads,
                                     ArrayRef<int64_t> dilations, Value zero,
                                     Value accZero, ProductKind kind) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> dy = shapeOf(grad), x = shapeOf(input);
  // Pad the input as far as the windows read: the top/left pads, and at
  // the bottom/right what the last window needs (at most the pads).
  SmallVector<int64_t> low(4, 0), high(4, 0), padded(x);
  for (int i = 0; i < 2; ++i) {
    int64_t reach =
        (dy[2 + i] - 1) * strides[i] + dilations[i] * (w[2 + i] - 1) + 1;
    low[2 + i] = pads[i];
    high[2 + i] = std::max<int64_t>(0, reach - x[2 + i] - pads[i]);
    padded[2 + i] += low[2 + i] + high[2 + i];
  }
  Value source = input;
  if (padded != SmallVector<int64_t>(x))
    source = tensor::PadOp::create(
        b, loc, RankedTensorType::get(padded, zero.getType()), input,
        getAsIndexOpFoldResult(ctx, low), getAsIndexOpFoldResult(ctx, high),
        zero);
  ConvGeometry geometry{{w[2], w[3]},
                        {dy[2], dy[3]},
                        {strides.begin(), strides.end()},
                        {dilations.begin(), dilations.end()}};
  return createIm2ColFilterGrad(b, loc, grad, source, geometry, kind);
}

namespace {

/// conv2d_grad_input and conv2d_grad_filter in f32: `Build` is
/// createConvGradInput or createConvGradFilter, `Second` reads the operand
/// beside the output gradient (the filter, or the input).
template <typename OpTy, auto Build, auto Second>
struct ConvGradLowering : F32OpLowering<OpTy> {
  using F32OpLowering<OpTy>::F32OpLowering;
  using OpAdaptor = typename OpTy::Adaptor;

  FailureOr<SmallVector<Value>>
  lower(OpTy op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Value zero = createF32Constant(rewriter, op.getLoc(), 0.0);
    return SmallVector<Value>{
        Build(rewriter, op.getLoc(), adaptor.getGrad(), (adaptor.*Second)(),
              shapeOf(op.getResult()), op.getStrides(), op.getPads(),
              op.getDilations(), zero, zero, ProductKind::Float)};
  }
};

using Conv2DGradInputLowering =
    ConvGradLowering<Conv2DGradInputOp, lowering::createConvGradInput,
                     &Conv2DGradInputOp::Adaptor::getFilter>;
using Conv2DGradFilterLowering =
    ConvGradLowering<Conv2DGradFilterOp, lowering::createConvGradFilter,
                     &Conv2DGradFilterOp::Adaptor::getInput>;

} // namespace

void lowering::populateConvGradPatterns(TypeConverter &converter,
                                        RewritePatternSet &patterns) {
  patterns.add<Conv2DGradInputLowering, Conv2DGradFilterLowering>(
      converter, patterns.getContext());
}
