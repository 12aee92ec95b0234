//===- LowerGradPool.cpp - Pooling gradients to Linalg --------------------===//
//
// max_pool2d_grad and avg_pool2d_grad. Linalg on tensors has no scatter, so
// both gather: every input position sums, over the window offsets (kh, kw),
// what the window that holds it at that offset sends back. A window exists
// for (h, kh) when `h + pad_top - kh` is a multiple of the stride below the
// output size. Offsets are visited from the last to the first, so the windows
// of a position arrive in ascending (oh, ow) order, the order in which
// PyTorch's CPU backward kernels accumulate them.
//
// max_pool2d_grad first finds each window's argmax with a two-output
// linalg.generic reduction (value, offset), with PyTorch's rule: the first
// maximum in row-major order, padding never wins, a NaN wins (the last one),
// and a window of -inf keeps its first real position.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "Patterns.h"
#include "PoolRows.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <algorithm>
#include <limits>

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::lowering;
using arith::CmpFPredicate;
using arith::CmpIPredicate;

namespace {

/// The window index `o` whose offset `k` covers input position `i`, when it
/// exists: `o = (i + padBegin - k) / stride` if that divides exactly and
/// `0 <= o < outSize`. Emits index arithmetic; returns (valid, clamped `o`),
/// the clamped index being safe to read even where `valid` is false.

std::pair<Value, Value> windowCovering(OpBuilder &b, Location loc,
                                       const PoolAxis &axis, Value i, Value k) {
  using arith::CmpIPredicate;
  // p = i + padBegin - k: the position of `i` within the padded input,
  // relative to the start of the window that has `i` at offset `k`.
  Value shifted = i;
  if (axis.padBegin != 0)
    shifted = arith::AddIOp::create(b, loc, i,
                                    createIndexConstant(b, loc, axis.padBegin));
  Value p = arith::SubIOp::create(b, loc, shifted, k);
  Value zero = createIndexConstant(b, loc, 0);
  Value valid = arith::CmpIOp::create(b, loc, CmpIPredicate::sge, p, zero);
  Value o = p;
  if (axis.stride != 1) {
    Value stride = createIndexConstant(b, loc, axis.stride);
    Value rem = arith::RemSIOp::create(b, loc, p, stride);
    valid = arith::AndIOp::create(
        b, loc, valid,
        arith::CmpIOp::create(b, loc, CmpIPredicate::eq, rem, zero));
    o = arith::DivSIOp::create(b, loc, p, stride);
  }
  valid = arith::AndIOp::create(
      b, loc, valid,
      arith::CmpIOp::create(b, loc, CmpIPredicate::slt, o,
                            createIndexConstant(b, loc, axis.outSize)));
  Value clamped = arith::SelectOp::create(b, loc, valid, o, zero);
  return {valid, clamped};
}

/// The two spatial axes of a pooling of `input` (NCHW) into `output`.
std::array<PoolAxis, 2> poolAxes(ArrayRef<int64_t> input,
                                 ArrayRef<int64_t> output,
                                 ArrayRef<int64_t> kernel,
                                 ArrayRef<int64_t> strides,
                                 ArrayRef<int64_t> pads) {
  std::array<PoolAxis, 2> axes;
  for (int i = 0; i < 2; ++i)
    axes[i] = {input[2 + i], output[2 + i], kernel[i],
               strides[i],   pads[i],       pads[i + 2]};
  return axes;
}

bool isSmallWindow(const std::array<PoolAxis, 2> &axes) {
  return axes[0].kernel * axes[1].kernel <= kMaxUnrolledWindow;
}

/// Calls `fn(kh, kw)` for every window offset in row-major order, or from
/// the last offset to the first when `reversed`.
void forEachOffset(const std::array<PoolAxis, 2> &axes, bool reversed,
                   function_ref<void(int64_t, int64_t)> fn) {
  for (int64_t i = 0; i < axes[0].kernel; ++i)
    for (int64_t j = 0; j < axes[1].kernel; ++j)
      reversed ? fn(axes[0].kernel - 1 - i, axes[1].kernel - 1 - j) : fn(i, j);
}

/// What window (oh, ow) sends to the position it holds at offset (kh, kw):
/// (whether it sends anything, or null for always; the value). The window
/// indices are clamped into range, so they can be read even where nothing is
/// sent.
using ContributionFn = function_ref<std::pair<Value, Value>(
    OpBuilder &, Location, Value n, Value c, Value oh, Value ow, Value kh,
    Value kw)>;

/// `dx[n, c, h, w] = sum of the contributions of the windows covering
/// (h, w)`, a linalg.generic over (n, c, h, w, jh, jw) that reduces the window
/// offsets `kh = KH - 1 - jh`, `kw = KW - 1 - jw`.
Value gatherWindows(OpBuilder &b, Location loc, RankedTensorType resultType,
                    const std::array<PoolAxis, 2> &axes,
                    ContributionFn contribution) {
  MLIRContext *ctx = b.getContext();
  if (isSmallWindow(axes)) {
    // The same sum with the offsets unrolled in the body, in the same order:
    // an elementwise generic, which -logbtq-vectorize runs 16 lanes wide.
    return createIndexed(
        b, loc, resultType, [&](OpBuilder &nb, Location l, ValueRange iv) {
          Value acc = createF32Constant(nb, l, 0.0);
          forEachOffset(axes, /*reversed=*/true, [&](int64_t h, int64_t w) {
            Value kh = createIndexConstant(nb, l, h);
            Value kw = createIndexConstant(nb, l, w);
            auto [validH, oh] = windowCovering(nb, l, axes[0], iv[2], kh);
            auto [validW, ow] = windowCovering(nb, l, axes[1], iv[3], kw);
            auto [hit, value] =
                contribution(nb, l, iv[0], iv[1], oh, ow, kh, kw);
            Value take = arith::AndIOp::create(nb, l, validH, validW);
            if (hit)
              take = arith::AndIOp::create(nb, l, take, hit);
            Value sum = arith::AddFOp::create(nb, l, acc, value);
            acc = arith::SelectOp::create(nb, l, take, sum, acc);
          });
          return acc;
        });
  }
  Value zero = createF32Constant(b, loc, 0.0);
  Value init = lowering::createFilled(b, loc, resultType.getShape(), zero);
  // A shape-only operand that gives the window loops their extent.
  Value window = lowering::createEmpty(b, loc, {axes[0].kernel, axes[1].kernel},
                                       b.getF32Type());
  SmallVector<AffineMap> maps = {getProjectionMap(ctx, 6, {4, 5}),
                                 getProjectionMap(ctx, 6, {0, 1, 2, 3})};
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, ValueRange{window}, ValueRange{init}, maps,
      getIteratorTypes(6, {4, 5}),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        SmallVector<Value> iv;
        for (unsigned d = 0; d < 6; ++d)
          iv.push_back(linalg::IndexOp::create(nb, l, d));
        Value kh = arith::SubIOp::create(
            nb, l, createIndexConstant(nb, l, axes[0].kernel - 1), iv[4]);
        Value kw = arith::SubIOp::create(
            nb, l, createIndexConstant(nb, l, axes[1].kernel - 1), iv[5]);
        auto [validH, oh] = windowCovering(nb, l, axes[0], iv[2], kh);
        auto [validW, ow] = windowCovering(nb, l, axes[1], iv[3], kw);
        auto [hit, value] = contribution(nb, l, iv[0], iv[1], oh, ow, kh, kw);
        Value take = arith::AndIOp::create(nb, l, validH, validW);
        if (hit)
          take = arith::AndIOp::create(nb, l, take, hit);
        Value acc = args.back();
        Value sum = arith::AddFOp::create(nb, l, acc, value);
        linalg::YieldOp::create(
            nb, l, ValueRange{arith::SelectOp::create(nb, l, take, sum, acc)});
      });
  return generic.getResult(0);
}

/// Whether the element `v` at window offset `offset` beats the best so far
/// (`best` at `bestOffset`), by PyTorch's order: a NaN beats every number,
/// and a later NaN an earlier one; among numbers the larger wins, and the
/// earlier on a tie. Scalars or vectors alike.
Value beatsBest(OpBuilder &b, Location loc, Value v, Value offset, Value best,
                Value bestOffset) {
  Value vNaN = arith::CmpFOp::create(b, loc, CmpFPredicate::UNO, v, v);
  Value bestNotNaN =
      arith::CmpFOp::create(b, loc, CmpFPredicate::ORD, best, best);
  Value earlier =
      arith::CmpIOp::create(b, loc, CmpIPredicate::ult, offset, bestOffset);
  Value later =
      arith::CmpIOp::create(b, loc, CmpIPredicate::ugt, offset, bestOffset);
  Value larger = arith::CmpFOp::create(b, loc, CmpFPredicate::OGT, v, best);
  Value tie = arith::AndIOp::create(
      b, loc, arith::CmpFOp::create(b, loc, CmpFPredicate::OEQ, v, best),
      earlier);
  Value numberWins = arith::AndIOp::create(
      b, loc, bestNotNaN, arith::OrIOp::create(b, loc, larger, tie));
  Value nanWins = arith::OrIOp::create(b, loc, bestNotNaN, later);
  return arith::SelectOp::create(b, loc, vNaN, nanWins, numberWins);
}

/// The window offset (kh * KW + kw) of each window's maximum, as an index
/// tensor of the output shape.
Value windowArgmax(OpBuilder &b, Location loc, Value input,
                   ArrayRef<int64_t> outShape,
                   const std::array<PoolAxis, 2> &axes) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> inShape = shapeOf(input);
  // Pad so that every window reads in bounds; the padding never wins (each
  // element's position is checked), -inf only makes that visible in the IR.
  SmallVector<int64_t> low(4, 0), high(4, 0), padded(inShape);
  for (int i = 0; i < 2; ++i) {
    const PoolAxis &a = axes[i];
    low[2 + i] = a.padBegin;
    high[2 + i] = std::max<int64_t>(0, (a.outSize - 1) * a.stride + a.kernel -
                                           a.size - a.padBegin);
    padded[2 + i] += low[2 + i] + high[2 + i];
  }
  Value negInf =
      createF32Constant(b, loc, -std::numeric_limits<double>::infinity());
  Value source = input;
  if (llvm::any_of(low, [](int64_t p) { return p; }) ||
      llvm::any_of(high, [](int64_t p) { return p; }))
    source = tensor::PadOp::create(
        b, loc, RankedTensorType::get(padded, b.getF32Type()), input,
        getAsIndexOpFoldResult(ctx, low), getAsIndexOpFoldResult(ctx, high),
        negInf);

  int64_t kernelW = axes[1].kernel;
  int64_t none = axes[0].kernel * kernelW; // after every real offset
  // One step of the search: the element `v` at window offset (kh, kw) of
  // window (oh, ow) against the best so far; returns the new best.
  auto step = [&](OpBuilder &nb, Location l, Value v, Value oh, Value ow,
                  Value kh, Value kw, Value best,
                  Value bestOffset) -> std::pair<Value, Value> {
    Value offset = arith::AddIOp::create(
        nb, l,
        arith::MulIOp::create(nb, l, kh, createIndexConstant(nb, l, kernelW)),
        kw);
    // Is the element a real input position (not padding)? Only the
    // bounds that padding can cross are checked.
    SmallVector<Value> inBounds;
    for (auto [i, o, k] : {std::tuple{0, oh, kh}, std::tuple{1, ow, kw}}) {
      const PoolAxis &a = axes[i];
      Value p = arith::AddIOp::create(
          nb, l,
          arith::MulIOp::create(nb, l, o, createIndexConstant(nb, l, a.stride)),
          k);
      if (a.padBegin > 0)
        inBounds.push_back(
            arith::CmpIOp::create(nb, l, CmpIPredicate::sge, p,
                                  createIndexConstant(nb, l, a.padBegin)));
      if (padded[2 + i] > a.padBegin + a.size)
        inBounds.push_back(arith::CmpIOp::create(
            nb, l, CmpIPredicate::slt, p,
            createIndexConstant(nb, l, a.padBegin + a.size)));
    }
    Value take = beatsBest(nb, l, v, offset, best, bestOffset);
    for (Value inBound : inBounds)
      take = arith::AndIOp::create(nb, l, take, inBound);
    return {arith::SelectOp::create(nb, l, take, v, best),
            arith::SelectOp::create(nb, l, take, offset, bestOffset)};
  };

  if (isSmallWindow(axes)) {
    // The same search with the offsets unrolled in the body, in the same
    // order, each element read at its position: an elementwise generic,
    // which -logbtq-vectorize runs 16 lanes wide (the reads as gathers).
    auto type = RankedTensorType::get(outShape, b.getIndexType());
    return createIndexed(
        b, loc, type, [&](OpBuilder &nb, Location l, ValueRange iv) {
          Value best = negInf;
          Value bestOffset = createIndexConstant(nb, l, none);
          forEachOffset(axes, /*reversed=*/false, [&](int64_t h, int64_t w) {
            Value kh = createIndexConstant(nb, l, h);
            Value kw = createIndexConstant(nb, l, w);
            auto at = [&](Value o, int axis, Value k) -> Value {
              return arith::AddIOp::create(
                  nb, l,
                  arith::MulIOp::create(
                      nb, l, o, createIndexConstant(nb, l, axes[axis].stride)),
                  k);
            };
            Value v = tensor::ExtractOp::create(
                nb, l, source,
                ValueRange{iv[0], iv[1], at(iv[2], 0, kh), at(iv[3], 1, kw)});
            std::tie(best, bestOffset) =
                step(nb, l, v, iv[2], iv[3], kh, kw, best, bestOffset);
          });
          return bestOffset;
        });
  }

  Value values = lowering::createFilled(b, loc, outShape, negInf);
  Value offsets = lowering::createFilled(b, loc, outShape,
                                         createIndexConstant(b, loc, none));
  Value window =
      lowering::createEmpty(b, loc, {axes[0].kernel, kernelW}, b.getF32Type());
  // Loops (n, c, oh, ow, kh, kw); the input is read at oh * s + kh.
  AffineExpr d[6];
  bindDims(ctx, d[0], d[1], d[2], d[3], d[4], d[5]);
  AffineMap read = AffineMap::get(
      6, 0,
      {d[0], d[1], d[2] * axes[0].stride + d[4], d[3] * axes[1].stride + d[5]},
      ctx);
  SmallVector<AffineMap> maps = {read, getProjectionMap(ctx, 6, {4, 5}),
                                 getProjectionMap(ctx, 6, {0, 1, 2, 3}),
                                 getProjectionMap(ctx, 6, {0, 1, 2, 3})};
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{values.getType(), offsets.getType()},
      ValueRange{source, window}, ValueRange{values, offsets}, maps,
      getIteratorTypes(6, {4, 5}),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        auto [best, bestOffset] = step(
            nb, l, args[0], linalg::IndexOp::create(nb, l, 2),
            linalg::IndexOp::create(nb, l, 3),
            linalg::IndexOp::create(nb, l, 4),
            linalg::IndexOp::create(nb, l, 5), args[2], args[3]);
        linalg::YieldOp::create(nb, l, ValueRange{best, bestOffset});
      });
  return generic.getResult(1);
}

/// `result[i] = parts[i % k][i / k]` of the k = parts.size() vectors of
/// kPoolLanes lanes: the values of k neighbouring columns, side by side.
Value interleaveColumns(OpBuilder &b, Location loc, ArrayRef<Value> parts) {
  if (parts.size() == 1)
    return parts.front();
  int64_t k = parts.size(), lanes = kPoolLanes;
  Value all = parts.front();
  for (Value part : parts.drop_front()) {
    int64_t width = cast<VectorType>(all.getType()).getNumElements();
    all = vector::ShuffleOp::create(
        b, loc, all, part,
        llvm::to_vector(llvm::seq<int64_t>(0, width + lanes)));
  }
  SmallVector<int64_t> mask;
  for (int64_t i = 0; i < k * lanes; ++i)
    mask.push_back(i % k * lanes + i / k);
  return vector::ShuffleOp::create(b, loc, all, all, mask);
}

/// max_pool2d_grad when the windows tile the input (tilesWithoutOverlap), as
/// explicit vector code over blocks of 16 neighbouring windows of an output
/// row (PoolRows.h): the search for each window's maximum runs 16 lanes
/// wide over the window's offsets in row-major order, by windowArgmax's
/// rule (beatsBest); then each of the KH input rows of those windows gets
/// `0 + dy` at the maximum and 0 elsewhere, its KW columns interleaved
/// back into 16 KW neighbours: one store. No argmax tensor, no gathers.
/// The values are those of the general lowering (each position sums the
/// one window that covers it, from 0); positions no window covers are 0.
Value nonOverlappingMaxPoolGrad(OpBuilder &b, Location loc, Value input,
                                Value grad, RankedTensorType resultType,
                                const std::array<PoolAxis, 2> &axes) {
  ArrayRef<int64_t> x = resultType.getShape();
  int64_t kh = axes[0].kernel, kw = axes[1].kernel;
  int64_t outH = axes[0].outSize, outW = axes[1].outSize;
  Type f32 = b.getF32Type(), i32 = b.getI32Type();
  auto values = VectorType::get({kPoolLanes}, f32);
  auto offsets = VectorType::get({kPoolLanes}, i32);

  Value zero = createF32Constant(b, loc, 0.0);
  Value negInf =
      createF32Constant(b, loc, -std::numeric_limits<double>::infinity());
  Value dx = outH * kh == x[2] && outW * kw == x[3]
                 ? createEmpty(b, loc, x, f32)
                 : lowering::createFilled(b, loc, x, zero);
  auto offsetOf = [&](OpBuilder &nb, Location l, int64_t v) -> Value {
    return vector::BroadcastOp::create(
        nb, l, offsets, arith::ConstantIntOp::create(nb, l, i32, v));
  };
  return forEachWindowBlock(
      b, loc, dx, outH, outW, kh, outW * kw,
      [&](OpBuilder &nb, Location l, Value n, Value c, Value oh, Value ow0,
          Value tile) -> Value {
        Value best = vector::BroadcastOp::create(nb, l, values, negInf);
        Value bestOffset = offsetOf(nb, l, kh * kw);
        for (int64_t i = 0; i < kh; ++i)
          for (int64_t j = 0; j < kw; ++j) {
            // Lanes past the last window read -inf; they are not stored.
            Value v = readWindowOffset(nb, l, input, n, c, oh, ow0, kh, kw,
                                       i, j, negInf);
            Value offset = offsetOf(nb, l, i * kw + j);
            Value take = beatsBest(nb, l, v, offset, best, bestOffset);
            best = arith::SelectOp::create(nb, l, take, v, best);
            bestOffset =
                arith::SelectOp::create(nb, l, take, offset, bestOffset);
          }
        Value c0 = createIndexConstant(nb, l, 0);
        Value dy = vector::TransferReadOp::create(
            nb, l, values, grad, ValueRange{n, c, oh, ow0}, zero,
            ArrayRef<bool>{false});
        Value zeros = vector::BroadcastOp::create(nb, l, values, zero);
        Value sent = arith::AddFOp::create(nb, l, zeros, dy);
        Value col0 =
            arith::MulIOp::create(nb, l, ow0, createIndexConstant(nb, l, kw));
        for (int64_t i = 0; i < kh; ++i) {
          SmallVector<Value> parts;
          for (int64_t j = 0; j < kw; ++j)
            parts.push_back(arith::SelectOp::create(
                nb, l,
                arith::CmpIOp::create(nb, l, CmpIPredicate::eq, bestOffset,
                                      offsetOf(nb, l, i * kw + j)),
                sent, zeros));
          // The tile is the windows' KW * OW columns: the store stops there.
          tile = vector::TransferWriteOp::create(
                     nb, l, interleaveColumns(nb, l, parts), tile,
                     ValueRange{c0, c0, createIndexConstant(nb, l, i), col0},
                     ArrayRef<bool>{false})
                     .getResult();
        }
        return tile;
      });
}

/// Each output gradient goes to its window's (first) maximum.
struct MaxPool2DGradLowering : F32OpLowering<MaxPool2DGradOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(MaxPool2DGradOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value grad = adaptor.getGrad();
    auto resultType = cast<RankedTensorType>(op.getType());
    std::array<PoolAxis, 2> axes =
        poolAxes(resultType.getShape(), shapeOf(grad), op.getKernel(),
                 op.getStrides(), op.getPads());
    if (tilesWithoutOverlap(axes[0], axes[1], kMaxUnrolledWindow))
      return SmallVector<Value>{nonOverlappingMaxPoolGrad(
          rewriter, loc, adaptor.getInput(), grad, resultType, axes)};
    Value argmax =
        windowArgmax(rewriter, loc, adaptor.getInput(), shapeOf(grad), axes);
    int64_t kernelW = axes[1].kernel;
    Value result = gatherWindows(
        rewriter, loc, resultType, axes,
        [&](OpBuilder &b, Location l, Value n, Value c, Value oh, Value ow,
            Value kh, Value kw) -> std::pair<Value, Value> {
          SmallVector<Value> at = {n, c, oh, ow};
          Value offset = arith::AddIOp::create(
              b, l,
              arith::MulIOp::create(b, l, kh,
                                    createIndexConstant(b, l, kernelW)),
              kw);
          Value best = tensor::ExtractOp::create(b, l, argmax, at);
          Value isMax =
              arith::CmpIOp::create(b, l, CmpIPredicate::eq, best, offset);
          return {isMax, tensor::ExtractOp::create(b, l, grad, at)};
        });
    return SmallVector<Value>{result};
  }
};

/// The divisor of each window along one axis: its size clipped to the padded
/// input (count_include_pad), or the number of real positions in it.
SmallVector<int64_t> windowDivisors(const PoolAxis &a, bool countIncludePad) {
  SmallVector<int64_t> divisors;
  for (int64_t o = 0; o < a.outSize; ++o) {
    int64_t start = o * a.stride - a.padBegin;
    int64_t end = std::min(start + a.kernel, a.size + a.padEnd);
    if (countIncludePad)
      divisors.push_back(end - start);
    else
      divisors.push_back(std::min(end, a.size) - std::max<int64_t>(start, 0));
  }
  return divisors;
}

/// One window over the whole unpadded axis (a global average pool).
bool isGlobal(const PoolAxis &a) {
  return a.outSize == 1 && a.kernel == a.size && a.padBegin == 0 &&
         a.padEnd == 0;
}

/// The gradient of a global pool: each input position gets its (image,
/// channel)'s one window value, a broadcast instead of a gather over the
/// window offsets (which visits kh * kw offsets per position to find the
/// one that holds it). Added to 0 like the gather's single term, so a -0
/// arrives as +0 there too.
Value broadcastWindow(OpBuilder &b, Location loc, RankedTensorType resultType,
                      Value scaled) {
  MLIRContext *ctx = b.getContext();
  // [N, C, 1, 1] read as [N, C]: a projected permutation, which
  // -logbtq-vectorize turns into vector code (a constant index would not).
  Value perChannel = tensor::CollapseShapeOp::create(
      b, loc, scaled, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
  SmallVector<AffineMap> maps = {
      AffineMap::get(4, 0, {getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)},
                     ctx),
      b.getMultiDimIdentityMap(4)};
  Value init = lowering::createEmpty(b, loc, resultType.getShape(),
                                     b.getF32Type());
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, ValueRange{perChannel},
             ValueRange{init}, maps, getIteratorTypes(4),
             [](OpBuilder &nb, Location l, ValueRange args) {
               Value zeroValue = createF32Constant(nb, l, 0.0f);
               linalg::YieldOp::create(
                   nb, l,
                   ValueRange{arith::AddFOp::create(nb, l, zeroValue, args[0])});
             })
      .getResult(0);
}

/// Each window's gradient, divided by its divisor, goes to every real
/// position of the window.
struct AvgPool2DGradLowering : F32OpLowering<AvgPool2DGradOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(AvgPool2DGradOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value grad = adaptor.getGrad();
    ArrayRef<int64_t> outShape = shapeOf(grad);
    auto resultType = cast<RankedTensorType>(op.getType());
    std::array<PoolAxis, 2> axes =
        poolAxes(resultType.getShape(), outShape, op.getKernel(),
                 op.getStrides(), op.getPads());

    // grad / divisor: by one constant when every window has the same
    // divisor, else through an [OH, OW] table of them.
    SmallVector<int64_t> rows =
        windowDivisors(axes[0], op.getCountIncludePad());
    SmallVector<int64_t> cols =
        windowDivisors(axes[1], op.getCountIncludePad());
    SmallVector<float> table;
    for (int64_t r : rows)
      for (int64_t c : cols)
        table.push_back(static_cast<float>(r * c));
    auto gradType = cast<RankedTensorType>(grad.getType());
    Value scaled;
    if (llvm::all_equal(table)) {
      Value divisor = createF32Constant(rewriter, loc, table.front());
      scaled = createElementwise(
          rewriter, loc, gradType, {grad},
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            return arith::DivFOp::create(b, l, args[0], divisor);
          });
    } else {
      auto tableType = RankedTensorType::get({outShape[2], outShape[3]},
                                             rewriter.getF32Type());
      Value divisors = arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(tableType, ArrayRef(table)));
      SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(4),
                                     getProjectionMap(ctx, 4, {2, 3}),
                                     rewriter.getMultiDimIdentityMap(4)};
      Value init =
          lowering::createEmpty(rewriter, loc, outShape, rewriter.getF32Type());
      scaled =
          linalg::GenericOp::create(
              rewriter, loc, TypeRange{gradType}, ValueRange{grad, divisors},
              ValueRange{init}, maps, getIteratorTypes(4),
              [](OpBuilder &b, Location l, ValueRange args) {
                linalg::YieldOp::create(
                    b, l,
                    ValueRange{arith::DivFOp::create(b, l, args[0], args[1])});
              })
              .getResult(0);
    }

    if (isGlobal(axes[0]) && isGlobal(axes[1]))
      return SmallVector<Value>{broadcastWindow(rewriter, loc, resultType,
                                                scaled)};
    Value result = gatherWindows(
        rewriter, loc, resultType, axes,
        [&](OpBuilder &b, Location l, Value n, Value c, Value oh, Value ow,
            Value, Value) -> std::pair<Value, Value> {
          return {Value(), tensor::ExtractOp::create(
                               b, l, scaled, SmallVector<Value>{n, c, oh, ow})};
        });
    return SmallVector<Value>{result};
  }
};

} // namespace

void lowering::populatePoolGradPatterns(TypeConverter &converter,
                                        RewritePatternSet &patterns) {
  patterns.add<MaxPool2DGradLowering, AvgPool2DGradLowering>(
      converter, patterns.getContext());
}
