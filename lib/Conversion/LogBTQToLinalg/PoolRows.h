//===- PoolRows.h - Pooling windows that tile the input ---------*- C++ -*-===//
//
// When a pooling's windows tile its input (stride = kernel, no padding,
// every window inside the input), 16 neighbouring windows of an output row
// are one vector: their elements at a window offset (kh, kw) are every
// KW-th of 16 KW neighbours in one input row, one load and a shuffle. The
// pooling and max_pool2d_grad lowerings build their kernels on this
// instead of elementwise generics that read every element with a gather
// (and ran scalar for rows narrower than 16).
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_POOLROWS_H
#define LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_POOLROWS_H

#include "mlir/IR/Builders.h"

namespace mlir::logbtq::lowering {

/// Windows per vector.
constexpr int64_t kPoolLanes = 16;

/// The windows of a 2-D pooling along one spatial dim, as the forward op and
/// PyTorch place them: window `o` starts at `o * stride - padBegin` in input
/// coordinates and, clipped to the padded input, ends before
/// `min(start + kernel, size + padEnd)`.
struct PoolAxis {
  int64_t size, outSize, kernel, stride, padBegin, padEnd;
};

/// Whether the windows tile the input along both axes without overlap or
/// padding (each input position in at most one window), with at most
/// `maxWindow` offsets.
bool tilesWithoutOverlap(const PoolAxis &h, const PoolAxis &w,
                         int64_t maxWindow);

/// Builds, for each (image, channel, output row `oh`), a slice of `out`
/// (NCHW): `rowsPerTile` rows from row `oh * rowsPerTile` and its first
/// `width` columns, then a loop over blocks of kPoolLanes windows of that
/// output row; `block` gets the window block's first window `ow0` and the
/// slice, and returns the slice with the block written. The tiles are an
/// scf.forall (both cores). Returns the new `out`.
using WindowBlockFn = function_ref<Value(OpBuilder &, Location, Value n,
                                         Value c, Value oh, Value ow0,
                                         Value tile)>;
Value forEachWindowBlock(OpBuilder &b, Location loc, Value out,
                         int64_t outH, int64_t outW, int64_t rowsPerTile,
                         int64_t width, WindowBlockFn block);

/// Offset `(kh, kw)` of the kPoolLanes windows from `ow0` of output row `oh`
/// of `input[n, c]` (windows of kh x kw, stride = kernel, no padding), as a
/// vector: every `kernelW`-th element of a read of kPoolLanes * kernelW
/// from column `ow0 * kernelW + kw` of input row `oh * kernelH + kh`. Lanes
/// past the input's end read `padding`.
Value readWindowOffset(OpBuilder &b, Location loc, Value input, Value n,
                       Value c, Value oh, Value ow0, int64_t kernelH,
                       int64_t kernelW, int64_t kh, int64_t kw,
                       Value padding);

} // namespace mlir::logbtq::lowering

#endif // LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_POOLROWS_H
