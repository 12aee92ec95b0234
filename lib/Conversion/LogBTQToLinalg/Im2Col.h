//===- Im2Col.h - Convolutions as matrix products ---------------*- C++ -*-===//
//
// Every convolution of the lowering (conv2d, its input gradient, its filter
// gradient; f32 and integer) goes through these helpers: the convolution is
// a matrix product over the im2col view of the input (taps (c, kh, kw) by
// output pixels (oh, ow)), run by the packed kernels of PackedProduct.h,
// which read each window element straight into their panels. A direct NCHW
// convolution's inner loop is the output row (7 to 28 pixels here) or a
// 5-tap window: too short to vectorize well, which is what made the cnn
// train at 14 samples/s.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_IM2COL_H
#define LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_IM2COL_H

#include "LoweringUtils.h"
#include "PackedProduct.h"

namespace mlir::logbtq::lowering {

/// The geometry of one convolution: the window, the output's spatial size,
/// strides and dilations ([H, W] each).
struct ConvGeometry {
  SmallVector<int64_t, 2> window, output, strides, dilations;
};

/// `out[n, f, oh, ow] = sum_k filter[f, k] * window(n, k, (oh, ow))`, the
/// convolution of the padded NCHW `input` with `filter` [F, C, KH, KW]: i64
/// for ExactInteger, f32 for Float. The windows are read straight into the
/// product's panels (no column tensor).
Value createIm2ColConv(OpBuilder &b, Location loc, Value input, Value filter,
                       const ConvGeometry &geometry, ProductKind kind);

/// `dW[f, c, kh, kw] = sum_{n, p} grad[n, f, p] * window(n, (c, kh, kw), p)`:
/// the filter gradient, from the output gradient [N, F, OH, OW] and the
/// padded input.
Value createIm2ColFilterGrad(OpBuilder &b, Location loc, Value grad,
                             Value input, const ConvGeometry &geometry,
                             ProductKind kind);

/// The input gradient of a convolution (a transposed convolution) into a
/// tensor of `x`'s shape: the output gradient is spread by the stride into a
/// buffer filled with `zero` (the element type of the operands), then
/// convolved with the flipped filter; `accZero` (the result's element
/// type) fills the result where every window saw padding only.
Value createConvGradInput(OpBuilder &b, Location loc, Value grad, Value filter,
                          ArrayRef<int64_t> x, ArrayRef<int64_t> strides,
                          ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
                          Value zero, Value accZero, ProductKind kind);

/// The filter gradient (of shape `w`): the input is padded with `zero` as
/// far as the windows read, then createIm2ColFilterGrad.
Value createConvGradFilter(OpBuilder &b, Location loc, Value grad, Value input,
                           ArrayRef<int64_t> w, ArrayRef<int64_t> strides,
                           ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
                           Value zero, Value accZero, ProductKind kind);

} // namespace mlir::logbtq::lowering

#endif // LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_IM2COL_H
