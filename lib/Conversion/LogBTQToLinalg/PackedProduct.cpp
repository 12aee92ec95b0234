//===- PackedProduct.cpp - Exact int16 products on packed panels ----------===//

#include "PackedProduct.h"
#include "LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::lowering;

namespace {

/// Products of fewer multiply-adds run on one thread: starting the others
/// would cost more than they save.
constexpr int64_t kParallelMacs = 1 << 20;

/// Rows of A that share each panel load (independent accumulator chains):
/// one `vpdpwssd` chain runs at an eighth of the peak of many
/// (scripts/kernel-bench.sh, `peak/vpdpwssd_zmm_one_chain`), so 8 chains
/// keep the multiply-adds busy; 4 left half of them idle.
constexpr int64_t kRowsPerGroup = 8;

Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value i32Constant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
}

Value toIndex(OpBuilder &b, Location loc, Value i32) {
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), i32);
}

/// The value of an operand at (batch, outer, r), or 0 where `outer` or `r`
/// is padding (beyond `outerSize` or `depth`). The packers' index
/// arithmetic is in i32 (sizes are far below 2^31): 16 lanes to a vector
/// where index (i64) would give 8 and 64-bit multiplies.
Value readOrZero(OpBuilder &b, Location loc, GridElementFn read, Value batch,
                 Value outer, int64_t outerSize, Value r, int64_t depth) {
  auto clamp = [&](Value v, int64_t size) {
    Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, v,
                                         i32Constant(b, loc, size));
    return std::pair<Value, Value>(
        arith::MinUIOp::create(b, loc, v, i32Constant(b, loc, size - 1)),
        inside);
  };
  auto [o, oInside] = clamp(outer, outerSize);
  auto [k, kInside] = clamp(r, depth);
  Value value = read(b, loc, toIndex(b, loc, batch), toIndex(b, loc, o),
                     toIndex(b, loc, k));
  Value inside = arith::AndIOp::create(b, loc, oInside, kInside);
  Value zero = arith::ConstantOp::create(
      b, loc, b.getZeroAttr(value.getType()));
  return arith::SelectOp::create(b, loc, inside, value, zero);
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// The int16 grid values of an operand at r = 2 pair and 2 pair + 1, as one
/// i32: the first in the low half, so that the pair reads as two int16
/// lanes (little-endian) of a `vpdpwssd` operand.
Value readPair(OpBuilder &b, Location loc, GridElementFn read, Value batch,
               Value outer, int64_t outerSize, Value pair, int64_t depth) {
  Type i32 = b.getI32Type();
  auto half = [&](int64_t t) {
    Value r = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, pair, i32Constant(b, loc, 2)),
        i32Constant(b, loc, t));
    Value v = readOrZero(b, loc, read, batch, outer, outerSize, r, depth);
    return arith::ExtUIOp::create(b, loc, i32, v).getResult();
  };
  Value high = arith::ShLIOp::create(
      b, loc, half(1), arith::ConstantIntOp::create(b, loc, i32, 16));
  return arith::OrIOp::create(b, loc, half(0), high);
}

/// A generic with no inputs that fills a tensor of `dims` with
/// `element(indices)` (the indices as i32): the packing loops, which -logbtq-vectorize runs 16
/// lanes wide along the last dim.
Value createPacked(OpBuilder &b, Location loc, ArrayRef<int64_t> dims,
                   Type elementType,
                   function_ref<Value(OpBuilder &, Location, ValueRange)>
                       element) {
  return createIndexed(
      b, loc, RankedTensorType::get(dims, elementType),
      [&](OpBuilder &nb, Location l, ValueRange at) {
        SmallVector<Value> indices;
        for (Value index : at)
          indices.push_back(
              arith::IndexCastOp::create(nb, l, nb.getI32Type(), index));
        return element(nb, l, indices);
      });
}

/// A as `tensor<batches x rows x pairs x i32>`: a pair of A, broadcast to
/// every lane, is the other operand of a step.
Value packPairs(OpBuilder &b, Location loc, int64_t batches,
                const ProductShape &shape, int64_t pairs, GridElementFn read) {
  return createPacked(
      b, loc, {batches, shape.rows, pairs}, b.getI32Type(),
      [&](OpBuilder &nb, Location l, ValueRange at) {
        return readPair(nb, l, read, at[0], at[1], shape.rows, at[2],
                        shape.depth);
      });
}

/// The column of B that lane `lane` of panel `block` holds (i32).
Value panelColumn(OpBuilder &b, Location loc, Value block, Value lane) {
  return arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, block, i32Constant(b, loc, kPanelWidth)),
      lane);
}

/// B as K-pair interleaved panels `tensor<batch x blocks x pairs x 16 x
/// i32>`: lane jj of (block, pair) holds B(.., 2 pair + {0, 1}, 16 block +
/// jj), so one 64-byte load is a step's 16 columns.
Value packPanels(OpBuilder &b, Location loc, const ProductShape &shape,
                 int64_t blocks, int64_t pairs, GridElementFn read) {
  return createPacked(
      b, loc, {shape.batch, blocks, pairs, kPanelWidth}, b.getI32Type(),
      [&](OpBuilder &nb, Location l, ValueRange at) {
        Value col = panelColumn(nb, l, at[1], at[3]);
        return readPair(nb, l, read, at[0], col, shape.cols, at[2],
                        shape.depth);
      });
}

/// `acc + a[0::2] * b[0::2] + a[1::2] * b[1::2]` on int32 lanes: the
/// `vpdpwssd` pattern (no lane can wrap within kStepsPerWidening steps).
Value dotPairs(OpBuilder &b, Location loc, Value acc, Value a, Value bv) {
  auto wide = VectorType::get({2 * kPanelWidth}, b.getI32Type());
  Value product =
      arith::MulIOp::create(b, loc, arith::ExtSIOp::create(b, loc, wide, a),
                            arith::ExtSIOp::create(b, loc, wide, bv));
  SmallVector<int64_t> even, odd;
  for (int64_t lane = 0; lane < kPanelWidth; ++lane) {
    even.push_back(2 * lane);
    odd.push_back(2 * lane + 1);
  }
  Value evens = vector::ShuffleOp::create(b, loc, product, product, even);
  Value odds = vector::ShuffleOp::create(b, loc, product, product, odd);
  return arith::AddIOp::create(b, loc, acc,
                               arith::AddIOp::create(b, loc, evens, odds));
}

/// Builds `count` rows of one (batch, block) tile from row `first` into
/// `tile` (its [1, rows, 16] slice) from the tile's B panel `panel`
/// ([1, 1, steps, 16]) and returns the new tile.
using RowGroupFn = function_ref<Value(OpBuilder &, Location, Value batch,
                                      Value panel, Value first,
                                      int64_t count, Value tile)>;

/// The panel of (batch, block) in `panels` (all of them, packed up front).
Value panelOf(OpBuilder &b, Location loc, Value panels, Value batch,
              Value block) {
  ArrayRef<int64_t> dims = cast<RankedTensorType>(panels.getType()).getShape();
  MLIRContext *ctx = b.getContext();
  return tensor::ExtractSliceOp::create(
      b, loc, panels,
      SmallVector<OpFoldResult>{batch, block, b.getIndexAttr(0),
                                b.getIndexAttr(0)},
      getAsIndexOpFoldResult(ctx, {1, 1, dims[2], dims[3]}),
      getAsIndexOpFoldResult(ctx, SmallVector<int64_t>(4, 1)));
}

/// The tile loops shared by both kinds of product: (batch, 16-column
/// block) tiles, an scf.forall when the product is worth starting threads
/// for, rows in groups of kRowsPerGroup and one group of the rest.
/// Returns the `[batch, rows, cols]` result of `elementType`.
Value tiledProduct(OpBuilder &b, Location loc, const ProductShape &shape,
                   Type elementType, TilePanelFn tilePanel,
                   RowGroupFn rowGroup) {
  MLIRContext *ctx = b.getContext();
  bool byRows = shape.rowWidth > 0;
  int64_t rowBlocks = byRows ? ceilDiv(shape.rowWidth, kPanelWidth) : 0;
  int64_t blocks = byRows ? shape.cols / shape.rowWidth * rowBlocks
                          : ceilDiv(shape.cols, kPanelWidth);
  auto upTo = [&](int64_t n) { return indexConstant(b, loc, n); };
  Value c0 = upTo(0), c1 = upTo(1);
  Value out = createEmpty(
      b, loc,
      {shape.batch, shape.rows, byRows ? shape.cols : blocks * kPanelWidth},
      elementType);

  // One (batch, block) tile: every row of A against the block's panel,
  // which stays in cache meanwhile.
  auto computeTile = [&](OpBuilder &b2, Location l2, Value batch, Value block,
                         Value tile) -> Value {
    Value panel = tilePanel(b2, l2, batch, block);
    int64_t grouped = shape.rows / kRowsPerGroup * kRowsPerGroup;
    auto loop = [&](int64_t from, int64_t to, int64_t count, Value init) {
      return scf::ForOp::create(
                 b2, l2, indexConstant(b2, l2, from), indexConstant(b2, l2, to),
                 indexConstant(b2, l2, count), ValueRange{init},
                 [&](OpBuilder &b3, Location l3, Value row, ValueRange iter) {
                   scf::YieldOp::create(
                       b3, l3,
                       ValueRange{rowGroup(b3, l3, batch, panel, row, count,
                                           iter[0])});
                 })
          .getResult(0);
    };
    if (grouped > 0)
      tile = loop(0, grouped, kRowsPerGroup, tile);
    // The rows left over: one group of fewer chains.
    if (grouped < shape.rows)
      tile = loop(grouped, shape.rows, shape.rows - grouped, tile);
    return tile;
  };
  // A block's first column and, by rows, its width (the rest of its row,
  // at most 16).
  auto tileOffsets = [&](OpBuilder &nb, Location l, Value batch,
                         Value block) {
    auto c = [&](int64_t v) { return indexConstant(nb, l, v); };
    Value col = arith::MulIOp::create(nb, l, block, c(kPanelWidth));
    if (byRows) {
      Value row = arith::DivUIOp::create(nb, l, block, c(rowBlocks));
      Value start = arith::MulIOp::create(
          nb, l, arith::RemUIOp::create(nb, l, block, c(rowBlocks)),
          c(kPanelWidth));
      col = arith::AddIOp::create(
          nb, l, arith::MulIOp::create(nb, l, row, c(shape.rowWidth)), start);
    }
    return SmallVector<OpFoldResult>{batch, nb.getIndexAttr(0), col};
  };
  auto tileSizes = [&](OpBuilder &nb, Location l,
                       Value block) -> SmallVector<OpFoldResult> {
    SmallVector<OpFoldResult> sizes = getAsIndexOpFoldResult(
        ctx, SmallVector<int64_t>{1, shape.rows, kPanelWidth});
    if (byRows && shape.rowWidth % kPanelWidth != 0) {
      auto c = [&](int64_t v) { return indexConstant(nb, l, v); };
      Value start = arith::MulIOp::create(
          nb, l, arith::RemUIOp::create(nb, l, block, c(rowBlocks)),
          c(kPanelWidth));
      sizes[2] = arith::MinUIOp::create(
                     nb, l, c(kPanelWidth),
                     arith::SubIOp::create(nb, l, c(shape.rowWidth), start))
                     .getResult();
    }
    return sizes;
  };
  SmallVector<OpFoldResult> unitStrides =
      getAsIndexOpFoldResult(ctx, SmallVector<int64_t>{1, 1, 1});

  // The tiles are independent: an scf.forall over them, which the pipeline
  // runs on all cores, when the product is worth starting threads for.
  Value full;
  int64_t macs = shape.batch * shape.rows * shape.cols * shape.depth;
  if (macs >= kParallelMacs && shape.batch * blocks > 1) {
    auto forall = scf::ForallOp::create(
        b, loc,
        getAsIndexOpFoldResult(ctx, SmallVector<int64_t>{shape.batch, blocks}),
        ValueRange{out}, std::nullopt);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(forall.getBody());
    Value batch = forall.getInductionVars()[0];
    Value block = forall.getInductionVars()[1];
    Value shared = forall.getRegionIterArgs()[0];
    SmallVector<OpFoldResult> offsets = tileOffsets(b, loc, batch, block);
    SmallVector<OpFoldResult> sizes = tileSizes(b, loc, block);
    Value tile = tensor::ExtractSliceOp::create(b, loc, shared, offsets,
                                                sizes, unitStrides);
    Value done = computeTile(b, loc, batch, block, tile);
    b.setInsertionPointToEnd(forall.getTerminator().getBody());
    tensor::ParallelInsertSliceOp::create(b, loc, done, shared, offsets,
                                          sizes, unitStrides);
    full = forall.getResult(0);
  } else {
    auto batchLoop = scf::ForOp::create(
        b, loc, c0, upTo(shape.batch), c1, ValueRange{out},
        [&](OpBuilder &b1, Location l1, Value batch, ValueRange iter1) {
          auto blockLoop = scf::ForOp::create(
              b1, l1, c0, upTo(blocks), c1, iter1,
              [&](OpBuilder &b2, Location l2, Value block, ValueRange iter2) {
                SmallVector<OpFoldResult> offsets =
                    tileOffsets(b2, l2, batch, block);
                SmallVector<OpFoldResult> sizes = tileSizes(b2, l2, block);
                Value tile = tensor::ExtractSliceOp::create(
                    b2, l2, iter2[0], offsets, sizes, unitStrides);
                Value done = computeTile(b2, l2, batch, block, tile);
                scf::YieldOp::create(
                    b2, l2,
                    ValueRange{tensor::InsertSliceOp::create(
                        b2, l2, done, iter2[0], offsets, sizes,
                        unitStrides)});
              });
          scf::YieldOp::create(b1, l1, blockLoop.getResults());
        });
    full = batchLoop.getResult(0);
  }
  if (byRows || blocks * kPanelWidth == shape.cols)
    return full;
  return tensor::ExtractSliceOp::create(
      b, loc, full,
      getAsIndexOpFoldResult(ctx, SmallVector<int64_t>{0, 0, 0}),
      getAsIndexOpFoldResult(
          ctx, SmallVector<int64_t>{shape.batch, shape.rows, shape.cols}),
      getAsIndexOpFoldResult(ctx, SmallVector<int64_t>{1, 1, 1}));
}

/// Writes the accumulators `sums` (one vector per row) into rows `rows` of
/// a [1, rows, 16] tile.
Value writeRows(OpBuilder &b, Location loc, ValueRange sums,
                ArrayRef<Value> rows, Value tile) {
  Value c0 = indexConstant(b, loc, 0);
  // A tile narrower than 16 columns (the end of a row, ProductShape::
  // rowWidth) takes the lanes that fit: a masked store.
  bool narrow = cast<RankedTensorType>(tile.getType()).isDynamicDim(2);
  for (auto [sum, row] : llvm::zip(sums, rows))
    tile = vector::TransferWriteOp::create(b, loc, sum, tile,
                                           ValueRange{c0, row, c0},
                                           ArrayRef<bool>{!narrow})
               .getResult();
  return tile;
}

/// `count` values of `rows[r] = first + r`.
SmallVector<Value> groupRows(OpBuilder &b, Location loc, Value first,
                             int64_t count) {
  SmallVector<Value> rows;
  for (int64_t r = 0; r < count; ++r)
    rows.push_back(
        arith::AddIOp::create(b, loc, first, indexConstant(b, loc, r)));
  return rows;
}

} // namespace

namespace {
/// The integer micro-kernel over packed operands (packPairs, packPanels).
Value integerProduct(OpBuilder &b, Location loc, const ProductShape &shape,
                     bool lhsBatched, Value lhsPairs, TilePanelFn tilePanel,
                     bool pairsMajor = false) {
  Type i16 = b.getI16Type(), i32 = b.getI32Type(), i64 = b.getI64Type();
  int64_t pairs = ceilDiv(shape.depth, 2);
  int64_t chunks = ceilDiv(pairs, kStepsPerWidening);

  auto lanes32 = VectorType::get({kPanelWidth}, i32);
  auto lanes64 = VectorType::get({kPanelWidth}, i64);
  auto halves = VectorType::get({2 * kPanelWidth}, i16);
  Value zero32 = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(lanes32, b.getI32IntegerAttr(0)));
  Value zero64 = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(lanes64, b.getI64IntegerAttr(0)));
  Value padding32 = arith::ConstantIntOp::create(b, loc, i32, 0);
  Value c0 = indexConstant(b, loc, 0), c1 = indexConstant(b, loc, 1);

  // `count` rows of A from `first` against the block's panel: one panel
  // load feeds `count` independent accumulator chains (a single chain
  // would wait on the latency of each vpdpwssd).
  auto rowGroup = [&](OpBuilder &b3, Location l3, Value batch, Value panel,
                      Value first, int64_t count, Value tile) -> Value {
    Value lhsBatch = lhsBatched ? batch : c0;
    SmallVector<Value> rows = groupRows(b3, l3, first, count);
    auto chunkLoop = scf::ForOp::create(
        b3, l3, c0, indexConstant(b3, l3, chunks), c1,
        SmallVector<Value>(count, zero64),
        [&](OpBuilder &b4, Location l4, Value chunk, ValueRange acc64) {
          Value begin = arith::MulIOp::create(
              b4, l4, chunk, indexConstant(b4, l4, kStepsPerWidening));
          Value end = arith::MinUIOp::create(
              b4, l4,
              arith::AddIOp::create(b4, l4, begin,
                                    indexConstant(b4, l4, kStepsPerWidening)),
              indexConstant(b4, l4, pairs));
          auto pairLoop = scf::ForOp::create(
              b4, l4, begin, end, c1, SmallVector<Value>(count, zero32),
              [&](OpBuilder &b5, Location l5, Value pair, ValueRange acc32) {
                Value bv = vector::BitCastOp::create(
                    b5, l5, halves,
                    vector::TransferReadOp::create(
                        b5, l5, lanes32, panel,
                        ValueRange{c0, c0, pair, c0}, padding32,
                        ArrayRef<bool>{true}));
                SmallVector<Value> next;
                for (int64_t r = 0; r < count; ++r) {
                  SmallVector<Value> at =
                      pairsMajor ? SmallVector<Value>{lhsBatch, pair, rows[r]}
                                 : SmallVector<Value>{lhsBatch, rows[r], pair};
                  Value a = tensor::ExtractOp::create(b5, l5, lhsPairs, at);
                  Value av = vector::BitCastOp::create(
                      b5, l5, halves,
                      vector::BroadcastOp::create(b5, l5, lanes32, a));
                  next.push_back(dotPairs(b5, l5, acc32[r], av, bv));
                }
                scf::YieldOp::create(b5, l5, next);
              });
          SmallVector<Value> widened;
          for (int64_t r = 0; r < count; ++r)
            widened.push_back(arith::AddIOp::create(
                b4, l4, acc64[r],
                arith::ExtSIOp::create(b4, l4, lanes64,
                                       pairLoop.getResult(r))));
          scf::YieldOp::create(b4, l4, widened);
        });
    return writeRows(b3, l3, chunkLoop.getResults(), rows, tile);
  };
  return tiledProduct(b, loc, shape, i64, tilePanel, rowGroup);
}
} // namespace

Value lowering::mergeInt16Pairs(OpBuilder &b, Location loc, Value low,
                                Value high) {
  auto words = VectorType::get(cast<VectorType>(low.getType()).getShape(),
                               b.getI32Type());
  Value shift = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(words, b.getI32IntegerAttr(16)));
  return arith::OrIOp::create(
      b, loc, arith::ExtUIOp::create(b, loc, words, low),
      arith::ShLIOp::create(b, loc,
                            arith::ExtUIOp::create(b, loc, words, high),
                            shift));
}

Value lowering::createPackedProduct(OpBuilder &b, Location loc,
                                    ProductShape shape, bool lhsBatched,
                                    GridElementFn lhs, GridElementFn rhs) {
  int64_t pairs = ceilDiv(shape.depth, 2);
  Value lhsPairs =
      packPairs(b, loc, lhsBatched ? shape.batch : 1, shape, pairs, lhs);
  Value rhsPanels = packPanels(b, loc, shape, ceilDiv(shape.cols, kPanelWidth),
                               pairs, rhs);
  return integerProduct(b, loc, shape, lhsBatched, lhsPairs,
                        [&](OpBuilder &nb, Location l, Value n, Value block) {
                          return panelOf(nb, l, rhsPanels, n, block);
                        });
}

/// The integer product, each tile packing its panel (TilePanelFn).
static Value createPackedProductOfTilePanels(OpBuilder &b, Location loc,
                                             ProductShape shape,
                                             bool lhsBatched,
                                             GridElementFn lhs,
                                             TilePanelFn tilePanel) {
  Value lhsPairs = packPairs(b, loc, lhsBatched ? shape.batch : 1, shape,
                             ceilDiv(shape.depth, 2), lhs);
  return integerProduct(b, loc, shape, lhsBatched, lhsPairs, tilePanel);
}

namespace {
/// A as rows `[batches, rows, depth]` of f32, for the float micro-kernel.
Value packRows(OpBuilder &b, Location loc, const ProductShape &shape,
               bool lhsBatched, GridElementFn lhs) {
  return createPacked(
      b, loc, {lhsBatched ? shape.batch : 1, shape.rows, shape.depth},
      b.getF32Type(), [&](OpBuilder &nb, Location l, ValueRange at) {
        return readOrZero(nb, l, lhs, at[0], at[1], shape.rows, at[2],
                          shape.depth);
      });
}

/// The float micro-kernel over packed operands (packRows, B as panels
/// [batch, blocks, depth, 16]).
Value floatProduct(OpBuilder &b, Location loc, const ProductShape &shape,
                   bool lhsBatched, Value lhsRows, TilePanelFn tilePanel,
                   bool depthMajor = false) {
  Type f32 = b.getF32Type();
  auto lanes = VectorType::get({kPanelWidth}, f32);
  Value zero = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(lanes, b.getF32FloatAttr(0.0f)));
  Value padding = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  Value c0 = indexConstant(b, loc, 0), c1 = indexConstant(b, loc, 1);
  // Each lane sums its products in the order of r; `contract` lets LLVM
  // fuse each multiply-add (FMA where the CPU has it).
  auto contract = arith::FastMathFlags::contract;
  auto rowGroup = [&](OpBuilder &b3, Location l3, Value batch, Value panel,
                      Value first, int64_t count, Value tile) -> Value {
    Value lhsBatch = lhsBatched ? batch : c0;
    SmallVector<Value> rows = groupRows(b3, l3, first, count);
    auto depthLoop = scf::ForOp::create(
        b3, l3, c0, indexConstant(b3, l3, shape.depth), c1,
        SmallVector<Value>(count, zero),
        [&](OpBuilder &b4, Location l4, Value r, ValueRange acc) {
          Value bv = vector::TransferReadOp::create(
              b4, l4, lanes, panel, ValueRange{c0, c0, r, c0},
              padding, ArrayRef<bool>{true});
          SmallVector<Value> next;
          for (int64_t row = 0; row < count; ++row) {
            SmallVector<Value> at =
                depthMajor ? SmallVector<Value>{lhsBatch, r, rows[row]}
                           : SmallVector<Value>{lhsBatch, rows[row], r};
            Value a = tensor::ExtractOp::create(b4, l4, lhsRows, at);
            Value av = vector::BroadcastOp::create(b4, l4, lanes, a);
            next.push_back(arith::AddFOp::create(
                b4, l4, acc[row],
                arith::MulFOp::create(b4, l4, av, bv, contract), contract));
          }
          scf::YieldOp::create(b4, l4, next);
        });
    return writeRows(b3, l3, depthLoop.getResults(), rows, tile);
  };
  return tiledProduct(b, loc, shape, f32, tilePanel, rowGroup);
}
} // namespace

Value lowering::createPackedFloatProduct(OpBuilder &b, Location loc,
                                         ProductShape shape, bool lhsBatched,
                                         GridElementFn lhs, GridElementFn rhs) {
  Value lhsRows = packRows(b, loc, shape, lhsBatched, lhs);
  Value rhsPanels = createPacked(
      b, loc,
      {shape.batch, ceilDiv(shape.cols, kPanelWidth), shape.depth,
       kPanelWidth},
      b.getF32Type(), [&](OpBuilder &nb, Location l, ValueRange at) {
        Value col = panelColumn(nb, l, at[1], at[3]);
        return readOrZero(nb, l, rhs, at[0], col, shape.cols, at[2],
                          shape.depth);
      });
  return floatProduct(b, loc, shape, lhsBatched, lhsRows,
                      [&](OpBuilder &nb, Location l, Value n, Value block) {
                        return panelOf(nb, l, rhsPanels, n, block);
                      });
}

/// The float product, each tile packing its panel (TilePanelFn).
static Value createPackedFloatProductOfTilePanels(OpBuilder &b, Location loc,
                                                  ProductShape shape,
                                                  bool lhsBatched,
                                                  GridElementFn lhs,
                                                  TilePanelFn tilePanel) {
  Value lhsRows = packRows(b, loc, shape, lhsBatched, lhs);
  return floatProduct(b, loc, shape, lhsBatched, lhsRows, tilePanel);
}

Value lowering::createProduct(OpBuilder &b, Location loc, ProductKind kind,
                              ProductShape shape, bool lhsBatched,
                              GridElementFn lhs, GridElementFn rhs) {
  if (kind == ProductKind::ExactInteger)
    return createPackedProduct(b, loc, shape, lhsBatched, lhs, rhs);
  return createPackedFloatProduct(b, loc, shape, lhsBatched, lhs, rhs);
}

Value lowering::createProductOfPanels(OpBuilder &b, Location loc,
                                      ProductKind kind, ProductShape shape,
                                      bool lhsBatched, GridElementFn lhs,
                                      Value rhsPanels) {
  return createProductOfTilePanels(
      b, loc, kind, shape, lhsBatched, lhs,
      [&](OpBuilder &nb, Location l, Value n, Value block) {
        return panelOf(nb, l, rhsPanels, n, block);
      });
}

Value lowering::createProductOfTilePanels(OpBuilder &b, Location loc,
                                          ProductKind kind, ProductShape shape,
                                          bool lhsBatched, GridElementFn lhs,
                                          TilePanelFn tilePanel) {
  if (kind == ProductKind::ExactInteger)
    return createPackedProductOfTilePanels(b, loc, shape, lhsBatched, lhs,
                                           tilePanel);
  return createPackedFloatProductOfTilePanels(b, loc, shape, lhsBatched, lhs,
                                              tilePanel);
}


namespace {
/// The dense products' packers, as vector loads of the int16 grid values
/// (the generic packers compute every lane's element and read it alone,
/// which x86 does element by element for int16). Pairs along r are two
/// neighbouring int16 of a row (one 32-bit word, little-endian) or the same
/// column of two neighbouring rows (two loads, widened and merged).

int64_t roundUp(int64_t a, int64_t b) { return ceilDiv(a, b) * b; }

/// `n` elements of row `row` of the 2-D `tensor` from column `col`: 0 past
/// the row's end, and all 0 when `row` is past the last row (an odd depth's
/// pad, columns beyond B's last; the read itself is clamped into the
/// tensor).
Value readRow(OpBuilder &b, Location loc, Value tensor, Value row, Value col,
              int64_t n) {
  auto type = cast<RankedTensorType>(tensor.getType());
  auto lanes = VectorType::get({n}, type.getElementType());
  Value zero = arith::ConstantOp::create(
      b, loc, b.getZeroAttr(type.getElementType()));
  Value last = indexConstant(b, loc, type.getDimSize(0) - 1);
  Value v = vector::TransferReadOp::create(
      b, loc, lanes, tensor,
      ValueRange{arith::MinUIOp::create(b, loc, row, last), col}, zero,
      ArrayRef<bool>{false});
  Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, row,
                                       last);
  return arith::SelectOp::create(b, loc, inside, v,
                                 vector::BroadcastOp::create(b, loc, lanes,
                                                             zero));
}

/// 16 pairs of row `row` of `grid` from pair `pair`: one load of 32 int16.
Value rowPairs(OpBuilder &b, Location loc, Value grid, Value row, Value pair) {
  Value col = arith::MulIOp::create(b, loc, pair, indexConstant(b, loc, 2));
  return vector::BitCastOp::create(
      b, loc, VectorType::get({kPanelWidth}, b.getI32Type()),
      readRow(b, loc, grid, row, col, 2 * kPanelWidth));
}

/// 16 pairs (rows 2 pair, 2 pair + 1) of the columns from `col`.
Value columnPairs(OpBuilder &b, Location loc, Value grid, Value pair,
                  Value col) {
  Value first = arith::MulIOp::create(b, loc, pair, indexConstant(b, loc, 2));
  Value second = arith::AddIOp::create(b, loc, first, indexConstant(b, loc, 1));
  return mergeInt16Pairs(b, loc, readRow(b, loc, grid, first, col, kPanelWidth),
                    readRow(b, loc, grid, second, col, kPanelWidth));
}

/// An scf.for from 0 to `count` (step `step`) threading one tensor.
Value forEach(OpBuilder &b, Location loc, int64_t count, int64_t step,
              Value init,
              function_ref<Value(OpBuilder &, Location, Value, Value)> body) {
  return scf::ForOp::create(
             b, loc, indexConstant(b, loc, 0), indexConstant(b, loc, count),
             indexConstant(b, loc, step), ValueRange{init},
             [&](OpBuilder &nb, Location l, Value i, ValueRange iter) {
               scf::YieldOp::create(nb, l, body(nb, l, i, iter[0]));
             })
      .getResult(0);
}

Value writeLanes(OpBuilder &b, Location loc, Value v, Value dest,
                 ValueRange at) {
  return vector::TransferWriteOp::create(b, loc, v, dest, at,
                                         ArrayRef<bool>{true})
      .getResult();
}

/// A of `lhs` (2-D int16, `[rows, depth]`, or `[depth, rows]` when
/// transposed) as pairs: `[1, rows, pairs16]` (a row's pairs are one load
/// each 16), or pairs-major `[1, pairs, rows16]` for a transposed A (16
/// rows of a pair are two loads), with pairs16 and rows16 rounded up to 16.
Value packDensePairs(OpBuilder &b, Location loc, Value lhs, bool transposed,
                     const ProductShape &shape, int64_t pairs) {
  Value c0 = indexConstant(b, loc, 0);
  Type i32 = b.getI32Type();
  if (!transposed) {
    Value packed = createEmpty(
        b, loc, {1, shape.rows, roundUp(pairs, kPanelWidth)}, i32);
    return forEach(b, loc, shape.rows, 1, packed,
                   [&](OpBuilder &nb, Location l, Value row, Value t) {
                     return forEach(
                         nb, l, pairs, kPanelWidth, t,
                         [&](OpBuilder &pb, Location pl, Value p, Value t2) {
                           return writeLanes(pb, pl,
                                             rowPairs(pb, pl, lhs, row, p), t2,
                                             ValueRange{c0, row, p});
                         });
                   });
  }
  Value packed =
      createEmpty(b, loc, {1, pairs, roundUp(shape.rows, kPanelWidth)}, i32);
  return forEach(b, loc, pairs, 1, packed,
                 [&](OpBuilder &nb, Location l, Value p, Value t) {
                   return forEach(
                       nb, l, shape.rows, kPanelWidth, t,
                       [&](OpBuilder &rb, Location rl, Value row, Value t2) {
                         return writeLanes(rb, rl,
                                           columnPairs(rb, rl, lhs, p, row),
                                           t2, ValueRange{c0, p, row});
                       });
                 });
}

/// Steps `at .. at + 15` of the panel `t` (`[1, 1, steps, 16]`, steps a
/// multiple of 16) from the 16 columns `col .. col + 15` of a transposed
/// B, which are rows of its tensor: `rowAt(column, at)` loads 16 lanes of
/// one along the depth, and the 16 x 16 matrix they form is transposed in
/// registers.
Value writeTransposedSteps(
    OpBuilder &b, Location loc, Value t, Value col, Value at,
    function_ref<Value(OpBuilder &, Location, Value, Value)> rowAt) {
  Value c0 = indexConstant(b, loc, 0);
  Type element = cast<RankedTensorType>(t.getType()).getElementType();
  auto square = VectorType::get({kPanelWidth, kPanelWidth}, element);
  Value rows = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(square, b.getZeroAttr(element)));
  for (int64_t lane = 0; lane < kPanelWidth; ++lane) {
    Value column = arith::AddIOp::create(b, loc, col,
                                         indexConstant(b, loc, lane));
    rows = vector::InsertOp::create(b, loc, rowAt(b, loc, column, at), rows,
                                    lane);
  }
  Value bySteps =
      vector::TransposeOp::create(b, loc, rows, ArrayRef<int64_t>{1, 0});
  for (int64_t step = 0; step < kPanelWidth; ++step) {
    Value to = arith::AddIOp::create(b, loc, at, indexConstant(b, loc, step));
    t = writeLanes(b, loc, vector::ExtractOp::create(b, loc, bySteps, step),
                   t, ValueRange{c0, c0, to, c0});
  }
  return t;
}

/// The panel `[1, 1, pairs16, 16]` of 16-column block `block` of B from
/// `rhs` (2-D int16, `[depth, cols]`, or `[cols, depth]` when transposed).
/// Transposed, the block's 16 columns are rows of `rhs`: 16 loads of 16
/// pairs make a 16 x 16 matrix of words, transposed in registers.
Value packDensePanel(OpBuilder &b, Location loc, Value rhs, bool transposed,
                     int64_t pairs, Value block) {
  Value c0 = indexConstant(b, loc, 0);
  Type i32 = b.getI32Type();
  Value col = arith::MulIOp::create(b, loc, block,
                                    indexConstant(b, loc, kPanelWidth));
  int64_t steps = roundUp(pairs, kPanelWidth);
  Value panel = createEmpty(b, loc, {1, 1, steps, kPanelWidth}, i32);
  if (!transposed)
    return forEach(b, loc, pairs, 1, panel,
                   [&](OpBuilder &nb, Location l, Value p, Value t) {
                     return writeLanes(nb, l, columnPairs(nb, l, rhs, p, col),
                                       t, ValueRange{c0, c0, p, c0});
                   });
  return forEach(b, loc, pairs, kPanelWidth, panel,
                 [&](OpBuilder &nb, Location l, Value p, Value t) {
                   return writeTransposedSteps(
                       nb, l, t, col, p,
                       [&](OpBuilder &rb, Location rl, Value row, Value at) {
                         return rowPairs(rb, rl, rhs, row, at);
                       });
                 });
}

/// The float panel `[1, 1, depth16, 16]` of block `block` of B from `rhs`
/// (2-D f32, `[depth, cols]`, or `[cols, depth]` when transposed): one
/// load of 16 columns per step, or 16 x 16 transposes of 16 row loads.
Value packFloatPanel(OpBuilder &b, Location loc, Value rhs, bool transposed,
                     int64_t depth, Value block) {
  Value c0 = indexConstant(b, loc, 0);
  Type f32 = b.getF32Type();
  Value col = arith::MulIOp::create(b, loc, block,
                                    indexConstant(b, loc, kPanelWidth));
  int64_t steps = roundUp(depth, kPanelWidth);
  Value panel = createEmpty(b, loc, {1, 1, steps, kPanelWidth}, f32);
  auto read = [&](OpBuilder &nb, Location l, Value row, Value at) {
    return readRow(nb, l, rhs, row, at, kPanelWidth);
  };
  if (!transposed)
    return forEach(b, loc, depth, 1, panel,
                   [&](OpBuilder &nb, Location l, Value r, Value t) {
                     return writeLanes(nb, l, read(nb, l, r, col), t,
                                       ValueRange{c0, c0, r, c0});
                   });
  return forEach(b, loc, depth, kPanelWidth, panel,
                 [&](OpBuilder &nb, Location l, Value r, Value t) {
                   return writeTransposedSteps(nb, l, t, col, r, read);
                 });
}
} // namespace

Value lowering::createMatmulProduct(OpBuilder &b, Location loc, Value lhs,
                                    Value rhs, bool transposeLhs,
                                    bool transposeRhs, ProductKind kind) {
  auto dims = [](Value v) {
    return cast<RankedTensorType>(v.getType()).getShape();
  };
  int64_t rows = dims(lhs)[transposeLhs ? 1 : 0];
  int64_t cols = dims(rhs)[transposeRhs ? 0 : 1];
  int64_t depth = dims(lhs)[transposeLhs ? 0 : 1];
  ProductShape shape{1, rows, cols, depth};
  Value product;
  if (kind == ProductKind::ExactInteger) {
    int64_t pairs = ceilDiv(depth, 2);
    Value lhsPairs = packDensePairs(b, loc, lhs, transposeLhs, shape, pairs);
    product = integerProduct(
        b, loc, shape, /*lhsBatched=*/false, lhsPairs,
        [&](OpBuilder &nb, Location l, Value, Value block) {
          return packDensePanel(nb, l, rhs, transposeRhs, pairs, block);
        },
        /*pairsMajor=*/transposeLhs);
  } else {
    // A is read in place: rows of lhs, or its columns (depth-major).
    Value lhsRows = tensor::ExpandShapeOp::create(
        b, loc,
        RankedTensorType::get({1, dims(lhs)[0], dims(lhs)[1]}, b.getF32Type()),
        lhs, ArrayRef<ReassociationIndices>{{0, 1}, {2}});
    product = floatProduct(
        b, loc, shape, /*lhsBatched=*/false, lhsRows,
        [&](OpBuilder &nb, Location l, Value, Value block) {
          return packFloatPanel(nb, l, rhs, transposeRhs, depth, block);
        },
        /*depthMajor=*/transposeLhs);
  }
  return tensor::CollapseShapeOp::create(
      b, loc, product, ArrayRef<ReassociationIndices>{{0, 1}, {2}});
}

Value lowering::createBatchMatmulProduct(OpBuilder &b, Location loc, Value lhs,
                                         Value rhs, bool transposeLhs,
                                         bool transposeRhs, ProductKind kind) {
  auto dims = [](Value v) {
    return cast<RankedTensorType>(v.getType()).getShape();
  };
  // The leading dims as one batch dim.
  int64_t rank = dims(lhs).size();
  SmallVector<ReassociationIndices> batchAsOne = {{}, {rank - 2}, {rank - 1}};
  for (int64_t d = 0; d < rank - 2; ++d)
    batchAsOne[0].push_back(d);
  auto collapsed = [&](Value v) -> Value {
    return rank == 3 ? v
                     : tensor::CollapseShapeOp::create(b, loc, v, batchAsOne)
                           .getResult();
  };
  Value a = collapsed(lhs), c = collapsed(rhs);
  ProductShape shape{dims(a)[0], dims(a)[transposeLhs ? 2 : 1],
                     dims(c)[transposeRhs ? 1 : 2],
                     dims(a)[transposeLhs ? 1 : 2]};
  // Each operand is packed from its own matrix of the batch: A by rows,
  // B into panels, as for one matmul.
  auto reader = [](Value operand, bool outerLast) {
    return [operand, outerLast](OpBuilder &nb, Location l, Value n, Value outer,
                                Value r) {
      SmallVector<Value> at = outerLast ? SmallVector<Value>{n, r, outer}
                                        : SmallVector<Value>{n, outer, r};
      return tensor::ExtractOp::create(nb, l, operand, at).getResult();
    };
  };
  auto readLhs = reader(a, transposeLhs);
  auto readRhs = reader(c, !transposeRhs);
  Value product =
      createProduct(b, loc, kind, shape, /*lhsBatched=*/true, readLhs, readRhs);
  if (rank == 3)
    return product;
  SmallVector<int64_t> shapeOut(dims(lhs).drop_back(2));
  shapeOut.push_back(shape.rows);
  shapeOut.push_back(shape.cols);
  auto type = RankedTensorType::get(
      shapeOut, cast<RankedTensorType>(product.getType()).getElementType());
  return tensor::ExpandShapeOp::create(b, loc, type, product, batchAsOne);
}
