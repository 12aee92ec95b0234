//===- Im2Col.h - Convolutions as matrix products ---------------*- C++ -*-===//
//
// Every convolution of the lowering (conv2d, its input gradient, its filter
// gradient; f32 and integer) goes through these helpers: the input's windows
// are copied once into a `[N, C*KH*KW, OH*OW]` column tensor, and the
// convolution becomes a product whose innermost loop runs over the OH*OW
// output pixels, contiguous in memory. A direct NCHW convolution's inner loop
// is the output row (7 to 28 pixels here) or a 5-tap window: too short to
// vectorize well, which is what made the cnn train at 14 samples/s.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_IM2COL_H
#define LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_IM2COL_H

#include "LoweringUtils.h"

namespace mlir::logbtq::lowering {

/// The geometry of one convolution: the window, the output's spatial size,
/// strides and dilations ([H, W] each).
struct ConvGeometry {
  SmallVector<int64_t, 2> window, output, strides, dilations;
};

/// `col[n, (c, kh, kw), (oh, ow)] = input[n, c, oh*s + kh*d, ow*s + kw*d]`
/// of an already padded NCHW `input`.
Value createIm2Col(OpBuilder &b, Location loc, Value input,
                   const ConvGeometry &geometry);

/// How a product accumulates: `mac(b, loc, lhs, rhs, acc)` returns the new
/// accumulator (a multiply-add of f32). A null `mac` selects the integer
/// kernels' packed product (PackedProduct.h): the operands are int16 grid
/// values, the windows are read straight into its panels (no column
/// tensor), and the result holds the exact int64 sums.
using MacFn = function_ref<Value(OpBuilder &, Location, Value, Value, Value)>;

/// `out[n, f, oh, ow] = sum_k filter[f, k] * col[n, k, (oh, ow)]`, the
/// convolution of the padded `input` with `filter` [F, C, KH, KW],
/// accumulated into a tensor filled with `zero` (its type is the result's
/// element type).
Value createIm2ColConv(OpBuilder &b, Location loc, Value input, Value filter,
                       const ConvGeometry &geometry, Value zero, MacFn mac);

/// `dW[f, c, kh, kw] = sum_{n, p} grad[n, f, p] * col[n, (c, kh, kw), p]`:
/// the filter gradient, from the output gradient [N, F, OH, OW] and the
/// padded input.
Value createIm2ColFilterGrad(OpBuilder &b, Location loc, Value grad,
                             Value input, const ConvGeometry &geometry,
                             Value zero, MacFn mac);

/// The input gradient of a convolution (a transposed convolution) into a
/// tensor of `x`'s shape: the output gradient is spread by the stride into a
/// buffer filled with `zero` (the element type of the operands), then
/// convolved with the flipped filter, accumulating from `accZero`.
Value createConvGradInput(OpBuilder &b, Location loc, Value grad, Value filter,
                          ArrayRef<int64_t> x, ArrayRef<int64_t> strides,
                          ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
                          Value zero, Value accZero, MacFn mac);

/// The filter gradient (of shape `w`): the input is padded with `zero` as
/// far as the windows read, then createIm2ColFilterGrad.
Value createConvGradFilter(OpBuilder &b, Location loc, Value grad, Value input,
                           ArrayRef<int64_t> w, ArrayRef<int64_t> strides,
                           ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
                           Value zero, Value accZero, MacFn mac);

/// The f32 multiply-add.
Value floatMac(OpBuilder &b, Location loc, Value lhs, Value rhs, Value acc);

} // namespace mlir::logbtq::lowering

#endif // LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_IM2COL_H
