//===- Im2Col.cpp - Convolutions as matrix products -----------------------===//

#include "Im2Col.h"
#include "PackedProduct.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::lowering;

static Value collapse(OpBuilder &b, Location loc, Value v,
                      ArrayRef<ReassociationIndices> groups) {
  return tensor::CollapseShapeOp::create(b, loc, v, groups);
}

static Value zeroOf(OpBuilder &b, Location loc, Type type) {
  return arith::ConstantOp::create(b, loc, b.getZeroAttr(type));
}


namespace {

/// `r = (n, p)` of a depth over images of `pixels` pixels each, split in
/// i32 (divisions by constants of 32-bit lanes vectorize, 64-bit ones do
/// not).
std::pair<Value, Value> splitImage(OpBuilder &b, Location loc, Value r,
                                   int64_t pixels) {
  Value r32 = arith::IndexCastOp::create(b, loc, b.getI32Type(), r);
  Value size = arith::ConstantIntOp::create(b, loc, b.getI32Type(), pixels);
  auto toIndex = [&](Value v) -> Value {
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
  };
  return {toIndex(arith::DivUIOp::create(b, loc, r32, size)),
          toIndex(arith::RemUIOp::create(b, loc, r32, size))};
}

/// Tap `r` of a `kh x kw` window over `taps` = C kh kw taps as (c,
/// kh * dilation, kw * dilation), clamped to the last tap: the packers
/// read these from constant tables instead of dividing their counters
/// (two divisions and remainders by constants per tap cost more than the
/// vector load they address).
struct TapOffsets {
  int64_t channel, row, col;
};
TapOffsets tapAt(const ConvGeometry &g, int64_t taps, int64_t r) {
  int64_t kh = g.window[0], kw = g.window[1];
  int64_t tap = std::min(r, taps - 1);
  return {tap / (kh * kw), tap / kw % kh * g.dilations[0],
          tap % kw * g.dilations[1]};
}

/// The taps `r < count` (tapAt) as a constant [count, 3] i32 table.
Value tapTable(OpBuilder &b, Location loc, const ConvGeometry &g,
               int64_t taps, int64_t count) {
  SmallVector<int32_t> entries;
  for (int64_t r = 0; r < count; ++r) {
    TapOffsets t = tapAt(g, taps, r);
    entries.append({int32_t(t.channel), int32_t(t.row), int32_t(t.col)});
  }
  auto type = RankedTensorType::get({count, 3}, b.getI32Type());
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, ArrayRef(entries)));
}

/// `input[n, c, oh*s + kh*d, ow*s + kw*d]` of the padded NCHW `input`, for
/// the tap `k = (c, kh, kw)` and the output pixel `p = (oh, ow)`: the
/// element im2col would have copied, read in place. The index arithmetic
/// is in i32 (the sizes are far below 2^31): divisions by constants of
/// 32-bit lanes vectorize, 64-bit ones do not.
Value readWindow(OpBuilder &b, Location loc, Value input, const ConvGeometry &g,
                 Value n, Value k, Value p) {
  Type i32 = b.getI32Type();
  auto c32 = [&](int64_t v) {
    return arith::ConstantIntOp::create(b, loc, i32, v).getResult();
  };
  auto to32 = [&](Value v) {
    return arith::IndexCastOp::create(b, loc, i32, v).getResult();
  };
  auto toIndex = [&](Value v) {
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), v).getResult();
  };
  auto div = [&](Value v, int64_t d) {
    return arith::DivUIOp::create(b, loc, v, c32(d)).getResult();
  };
  auto rem = [&](Value v, int64_t d) {
    return arith::RemUIOp::create(b, loc, v, c32(d)).getResult();
  };
  auto at = [&](Value out, int64_t stride, Value tap, int64_t dilation) {
    return toIndex(arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, out, c32(stride)),
        arith::MulIOp::create(b, loc, tap, c32(dilation))));
  };
  Value k32 = to32(k), p32 = to32(p);
  int64_t taps = g.window[0] * g.window[1];
  Value c = div(k32, taps);
  Value kh = div(rem(k32, taps), g.window[1]);
  Value kw = rem(k32, g.window[1]);
  Value oh = div(p32, g.output[1]);
  Value ow = rem(p32, g.output[1]);
  return tensor::ExtractOp::create(
      b, loc, input,
      ValueRange{n, toIndex(c), at(oh, g.strides[0], kh, g.dilations[0]),
                 at(ow, g.strides[1], kw, g.dilations[1])});
}

/// `[N, F, OH, OW]`: the convolution of the padded NCHW `input` with
/// `filter`, stride s along W. Each output row starts a new panel
/// (ProductShape::rowWidth), so the 16 lanes of a panel are 16 neighbours
/// in one output row, and for a tap (c, kh, kw) they read every s-th of
/// 16 s neighbours in one input row: one vector load (and for s > 1 a
/// shuffle) per tap and panel instead of 16 computed reads (x86 has no
/// 16-bit gather). The input is padded with zeros on the right as far as
/// the loads reach. Lanes past the row's end hold whatever the loads read:
/// their sums are never stored.
Value packedConvRows(OpBuilder &b, Location loc, Value input, Value filter,
                     const ConvGeometry &g, ProductKind kind) {
  ArrayRef<int64_t> w = shapeOf(filter);
  int64_t batch = shapeOf(input)[0], width = shapeOf(input)[3];
  int64_t outH = g.output[0], outW = g.output[1];
  int64_t rowBlocks = (outW + kPanelWidth - 1) / kPanelWidth;
  int64_t paddedW = rowBlocks * kPanelWidth;
  int64_t kh = g.window[0], kw = g.window[1];
  int64_t taps = w[1] * kh * kw;
  bool integer = kind == ProductKind::ExactInteger;
  Type element = cast<RankedTensorType>(input.getType()).getElementType();
  int64_t stride = g.strides[1];
  int64_t reach = paddedW * stride + g.dilations[1] * (kw - 1);
  if (width < reach)
    input = padSpatial(b, loc, input, {0, 0}, {0, reach - width},
                       zeroOf(b, loc, element));

  // A tile's panel [1, 1, steps, 16]: a step is a pair of taps (two int16
  // in an i32 lane) for the integer product, one tap for the float one.
  // Packed at the start of the tile (createProductOfTilePanels): the
  // panels of all tiles would be an im2col matrix, written to memory and
  // read back.
  int64_t steps = integer ? (taps + 1) / 2 : taps;
  Type laneType = integer ? Type(b.getI32Type()) : Type(b.getF32Type());
  auto loaded = VectorType::get({kPanelWidth}, element);
  auto wideLoad = VectorType::get({kPanelWidth * stride}, element);
  SmallVector<int64_t> everyStride;
  for (int64_t lane = 0; lane < kPanelWidth; ++lane)
    everyStride.push_back(lane * stride);
  Value tapOffsets = tapTable(b, loc, g, taps, integer ? 2 * steps : steps);
  auto packTile = [&](OpBuilder &tb, Location tl, Value n,
                      Value block) -> Value {
    auto c = [&](int64_t v) {
      return arith::ConstantIndexOp::create(tb, tl, v);
    };
    Value panel = createEmpty(tb, tl, {1, 1, steps, kPanelWidth}, laneType);
    Value oh = arith::DivUIOp::create(tb, tl, block, c(rowBlocks));
    Value ow0 = arith::MulIOp::create(
        tb, tl, arith::RemUIOp::create(tb, tl, block, c(rowBlocks)),
        c(kPanelWidth));
    Value zeroLanes = vector::BroadcastOp::create(tb, tl, loaded,
                                                  zeroOf(tb, tl, element));
    Value rowBase = arith::MulIOp::create(tb, tl, oh, c(g.strides[0]));
    Value colBase = arith::MulIOp::create(tb, tl, ow0, c(stride));
    // The 16 window elements of tap r (0 for r = taps, an odd depth's pad).
    auto readTap = [&](OpBuilder &nb, Location l, Value r) {
      auto ci = [&](int64_t v) {
        return arith::ConstantIndexOp::create(nb, l, v);
      };
      auto entry = [&](int64_t j) {
        return arith::IndexCastOp::create(
            nb, l, nb.getIndexType(),
            tensor::ExtractOp::create(nb, l, tapOffsets,
                                      ValueRange{r, ci(j)}));
      };
      Value valid = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult,
                                          r, ci(taps));
      Value channel = entry(0);
      Value row = arith::AddIOp::create(nb, l, rowBase, entry(1));
      Value col = arith::AddIOp::create(nb, l, colBase, entry(2));
      Value v = vector::TransferReadOp::create(
          nb, l, wideLoad, input, ValueRange{n, channel, row, col},
          zeroOf(nb, l, element), ArrayRef<bool>{true});
      if (stride > 1)
        v = vector::ShuffleOp::create(nb, l, v, v, everyStride);
      return arith::SelectOp::create(nb, l, valid, v, zeroLanes).getResult();
    };
    return scf::ForOp::create(
               tb, tl, c(0), c(steps), c(1), ValueRange{panel},
               [&](OpBuilder &nb, Location l, Value step, ValueRange iter) {
                 Value word;
                 if (integer) {
                   Value first = arith::MulIOp::create(
                       nb, l, step, arith::ConstantIndexOp::create(nb, l, 2));
                   Value second = arith::AddIOp::create(
                       nb, l, first, arith::ConstantIndexOp::create(nb, l, 1));
                   word = mergeInt16Pairs(nb, l, readTap(nb, l, first),
                                          readTap(nb, l, second));
                 } else {
                   word = readTap(nb, l, step);
                 }
                 Value c0 = arith::ConstantIndexOp::create(nb, l, 0);
                 Value next = vector::TransferWriteOp::create(
                                  nb, l, word, iter[0],
                                  ValueRange{c0, c0, step, c0},
                                  ArrayRef<bool>{true})
                                  .getResult();
                 scf::YieldOp::create(nb, l, next);
               })
        .getResult(0);
  };
  Value weights = collapse(b, loc, filter, {{0}, {1, 2, 3}});
  auto readFilter = [&](OpBuilder &nb, Location l, Value, Value f, Value k) {
    return tensor::ExtractOp::create(nb, l, weights, ValueRange{f, k})
        .getResult();
  };
  ProductShape shape{batch, w[0], outH * outW, taps, /*rowWidth=*/outW};
  Value product = createProductOfTilePanels(
      b, loc, kind, shape, /*lhsBatched=*/false, readFilter, packTile);
  Type resultElement =
      cast<RankedTensorType>(product.getType()).getElementType();
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({batch, w[0], outH, outW}, resultElement),
      product, ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
}

/// The filter gradient for stride 1 along W: `[F, C*KH*KW]`, sums over
/// the depth r = (n, oh, ow). A panel's 16 lanes are 16 taps, whose window
/// elements lie at constant offsets from the pixel's: one 16-lane hardware
/// gather per panel step, where the generic packer split every lane's tap
/// and pixel by division (and read int16 element by element on x86).
/// For the integer product a step is a pair of r: each output row is padded
/// to an even width (the output gradient padded with zeros, whose products
/// are exact zeros), so that a pair is two neighbouring pixels of one row,
/// whose window elements for a tap are neighbours in one input row: one
/// 32-bit word of `words[n, c, h, w] = input[.., w] | input[.., w + 1] << 16`.
/// The float product reads f32 elements, one r per step, in the order of r.
Value packedFilterGradRows(OpBuilder &b, Location loc, Value grad,
                           Value input, const ConvGeometry &g,
                           ProductKind kind) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> x = shapeOf(input);
  int64_t batch = x[0], channels = x[1], height = x[2], width = x[3];
  int64_t filters = shapeOf(grad)[1];
  int64_t outH = g.output[0], outW = g.output[1];
  bool integer = kind == ProductKind::ExactInteger;
  int64_t evenW = integer ? outW + outW % 2 : outW;
  int64_t kh = g.window[0], kw = g.window[1];
  int64_t taps = channels * kh * kw;
  int64_t pixels = outH * evenW;
  // Panel steps: pairs of r (integer) or r (float).
  int64_t perStep = integer ? 2 : 1;
  int64_t pairs = batch * pixels / perStep;
  int64_t blocks = (taps + kPanelWidth - 1) / kPanelWidth;
  Type element = cast<RankedTensorType>(input.getType()).getElementType();
  Type laneType = integer ? Type(b.getI32Type()) : element;

  Value flat;
  if (integer) {
    // The words of neighbouring pairs: input and input shifted left by one.
    Type i32 = b.getI32Type();
    Value shifted = tensor::ExtractSliceOp::create(
        b, loc, input, getAsIndexOpFoldResult(ctx, {0, 0, 0, 1}),
        getAsIndexOpFoldResult(ctx, {batch, channels, height, width - 1}),
        getAsIndexOpFoldResult(ctx, SmallVector<int64_t>(4, 1)));
    shifted = padSpatial(b, loc, shifted, {0, 0}, {0, 1},
                         zeroOf(b, loc, element));
    Value words = createElementwise(
        b, loc, RankedTensorType::get(x, i32), ValueRange{input, shifted},
        [&](OpBuilder &nb, Location l, ValueRange in) -> Value {
          Value low = arith::ExtUIOp::create(nb, l, nb.getI32Type(), in[0]);
          Value high = arith::ShLIOp::create(
              nb, l, arith::ExtUIOp::create(nb, l, nb.getI32Type(), in[1]),
              arith::ConstantIntOp::create(nb, l, nb.getI32Type(), 16));
          return arith::OrIOp::create(nb, l, low, high);
        });
    flat = collapse(b, loc, words, {{0, 1, 2, 3}});
  } else {
    flat = collapse(b, loc, input, {{0, 1, 2, 3}});
  }

  // Panels [1, blocks, pairs, 16]: for each block its taps' offsets from
  // the pixel's word (c, kh, kw -> c H W + kh d W + kw d), padding taps
  // masked to 0.
  auto lanes = VectorType::get({kPanelWidth}, laneType);
  auto indexLanes = VectorType::get({kPanelWidth}, b.getIndexType());
  SmallVector<int64_t> offsetsOfTaps;
  for (int64_t r = 0; r < blocks * kPanelWidth; ++r) {
    TapOffsets t = tapAt(g, taps, r);
    offsetsOfTaps.push_back(t.channel * height * width + t.row * width +
                            t.col);
  }
  Value offsetTable = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(
          RankedTensorType::get({blocks, kPanelWidth}, b.getI64Type()),
          ArrayRef(offsetsOfTaps)));
  Value panels =
      createEmpty(b, loc, {1, blocks, pairs, kPanelWidth}, laneType);
  auto forall = scf::ForallOp::create(
      b, loc, getAsIndexOpFoldResult(ctx, SmallVector<int64_t>{blocks}),
      ValueRange{panels}, std::nullopt);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(forall.getBody());
    auto c = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    Value block = forall.getInductionVars()[0];
    Value shared = forall.getRegionIterArgs()[0];
    SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), block,
                                         b.getIndexAttr(0), b.getIndexAttr(0)};
    SmallVector<OpFoldResult> sizes = getAsIndexOpFoldResult(
        ctx, SmallVector<int64_t>{1, 1, pairs, kPanelWidth});
    SmallVector<OpFoldResult> ones =
        getAsIndexOpFoldResult(ctx, SmallVector<int64_t>(4, 1));
    Value slice = tensor::ExtractSliceOp::create(b, loc, shared, offsets,
                                                 sizes, ones);
    // This block's taps, their offsets (from the table) and which are
    // real.
    Value tap = arith::AddIOp::create(
        b, loc, vector::StepOp::create(b, loc, indexLanes),
        vector::BroadcastOp::create(
            b, loc, indexLanes,
            arith::MulIOp::create(b, loc, block, c(kPanelWidth))));
    Value real = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::ult, tap,
        vector::BroadcastOp::create(b, loc, indexLanes, c(taps)));
    Value tapOffset = arith::IndexCastOp::create(
        b, loc, indexLanes,
        vector::TransferReadOp::create(
            b, loc, VectorType::get({kPanelWidth}, b.getI64Type()),
            offsetTable, ValueRange{block, c(0)},
            zeroOf(b, loc, b.getI64Type()), ArrayRef<bool>{true}));
    Value zeroLanes =
        vector::BroadcastOp::create(b, loc, lanes, zeroOf(b, loc, laneType));
    auto loop = scf::ForOp::create(
        b, loc, c(0), c(pairs), c(1), ValueRange{slice},
        [&](OpBuilder &nb, Location l, Value pair, ValueRange iter) {
          auto ci = [&](int64_t v) {
            return arith::ConstantIndexOp::create(nb, l, v);
          };
          // The step's (first) pixel: r = (n, oh, ow).
          Value r = arith::MulIOp::create(nb, l, pair, ci(perStep));
          Value n = arith::DivUIOp::create(nb, l, r, ci(pixels));
          Value p = arith::RemUIOp::create(nb, l, r, ci(pixels));
          Value oh = arith::DivUIOp::create(nb, l, p, ci(evenW));
          Value ow = arith::RemUIOp::create(nb, l, p, ci(evenW));
          Value base = arith::AddIOp::create(
              nb, l,
              arith::MulIOp::create(nb, l, n, ci(channels * height * width)),
              arith::AddIOp::create(
                  nb, l,
                  arith::MulIOp::create(nb, l, oh,
                                        ci(g.strides[0] * width)),
                  ow));
          Value at = arith::AddIOp::create(
              nb, l, tapOffset,
              vector::BroadcastOp::create(nb, l, indexLanes, base));
          Value word = vector::GatherOp::create(
              nb, l, lanes, flat, ValueRange{ci(0)}, at, real, zeroLanes);
          Value c0 = ci(0);
          scf::YieldOp::create(
              nb, l,
              ValueRange{vector::TransferWriteOp::create(
                             nb, l, word, iter[0],
                             ValueRange{c0, c0, pair, c0},
                             ArrayRef<bool>{true})
                             .getResult()});
        });
    b.setInsertionPointToEnd(forall.getTerminator().getBody());
    tensor::ParallelInsertSliceOp::create(b, loc, loop.getResult(0), shared,
                                          offsets, sizes, ones);
  }

  // The output gradient with rows of even width, as [F, r] reads.
  Value dy = grad;
  if (evenW != outW)
    dy = padSpatial(b, loc, dy, {0, 0}, {0, 1}, zeroOf(b, loc, element));
  dy = collapse(b, loc, dy, {{0}, {1}, {2, 3}});
  auto readGrad = [&](OpBuilder &nb, Location l, Value, Value f, Value r) {
    auto [n, pixel] = splitImage(nb, l, r, pixels);
    return tensor::ExtractOp::create(nb, l, dy, ValueRange{n, f, pixel})
        .getResult();
  };
  ProductShape shape{1, filters, taps, batch * pixels};
  Value product =
      createProductOfPanels(b, loc, kind, shape, /*lhsBatched=*/false,
                            readGrad, forall.getResult(0));
  return collapse(b, loc, product, {{0, 1}, {2}});
}

/// `[F, C*KH*KW]`: sums over r = (n, oh, ow) of the output gradient times
/// the window element.
Value packedFilterGrad(OpBuilder &b, Location loc, Value grad, Value input,
                       const ConvGeometry &g, ProductKind kind) {
  ArrayRef<int64_t> x = shapeOf(input);
  int64_t filters = shapeOf(grad)[1];
  int64_t pixels = g.output[0] * g.output[1];
  int64_t taps = x[1] * g.window[0] * g.window[1];
  Value dy = collapse(b, loc, grad, {{0}, {1}, {2, 3}});
  ProductShape shape{1, filters, taps, x[0] * pixels};
  auto readGrad = [&](OpBuilder &nb, Location l, Value, Value f, Value r) {
    auto [n, p] = splitImage(nb, l, r, pixels);
    return tensor::ExtractOp::create(nb, l, dy, ValueRange{n, f, p})
        .getResult();
  };
  auto readInput = [&](OpBuilder &nb, Location l, Value, Value k, Value r) {
    auto [n, p] = splitImage(nb, l, r, pixels);
    return readWindow(nb, l, input, g, n, k, p);
  };
  Value product = createProduct(b, loc, kind, shape, /*lhsBatched=*/false,
                                readGrad, readInput);
  return collapse(b, loc, product, {{0, 1}, {2}});
}

} // namespace

Value lowering::createIm2ColConv(OpBuilder &b, Location loc, Value input,
                                 Value filter, const ConvGeometry &g,
                                 ProductKind kind) {
  return packedConvRows(b, loc, input, filter, g, kind);
}

Value lowering::createIm2ColFilterGrad(OpBuilder &b, Location loc, Value grad,
                                       Value input, const ConvGeometry &g,
                                       ProductKind kind) {
  Value out = g.strides[1] == 1
                  ? packedFilterGradRows(b, loc, grad, input, g, kind)
                  : packedFilterGrad(b, loc, grad, input, g, kind);
  ArrayRef<int64_t> x = shapeOf(input);
  auto resultType = RankedTensorType::get(
      {shapeOf(grad)[1], x[1], g.window[0], g.window[1]},
      cast<RankedTensorType>(out.getType()).getElementType());
  return tensor::ExpandShapeOp::create(
      b, loc, resultType, out, ArrayRef<ReassociationIndices>{{0}, {1, 2, 3}});
}
