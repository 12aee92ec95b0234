//===- PoolRows.cpp - Non-overlapping pooling windows as vector code ------===//

#include "PoolRows.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::lowering;

bool lowering::tilesWithoutOverlap(const PoolAxis &h, const PoolAxis &w,
                                   int64_t maxWindow) {
  for (const PoolAxis &a : {h, w})
    if (a.stride != a.kernel || a.padBegin != 0 ||
        a.outSize * a.kernel > a.size)
      return false;
  return h.kernel * w.kernel <= maxWindow;
}

Value lowering::forEachWindowBlock(OpBuilder &b, Location loc, Value out,
                                   int64_t outH, int64_t outW,
                                   int64_t rowsPerTile, int64_t width,
                                   WindowBlockFn block) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> shape = cast<RankedTensorType>(out.getType()).getShape();
  auto index = [&](int64_t v) -> OpFoldResult { return b.getIndexAttr(v); };
  auto c = [&](OpBuilder &nb, Location l, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(nb, l, v);
  };
  auto forall = scf::ForallOp::create(
      b, loc,
      getAsIndexOpFoldResult(ctx,
                             SmallVector<int64_t>{shape[0], shape[1], outH}),
      ValueRange{out}, std::nullopt);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(forall.getBody());
  Value n = forall.getInductionVars()[0], ch = forall.getInductionVars()[1];
  Value oh = forall.getInductionVars()[2];
  Value top = arith::MulIOp::create(b, loc, oh, c(b, loc, rowsPerTile));
  SmallVector<OpFoldResult> at = {n, ch, top, index(0)};
  SmallVector<OpFoldResult> sizes = {index(1), index(1), index(rowsPerTile),
                                     index(width)};
  SmallVector<OpFoldResult> ones(4, index(1));
  Value shared = forall.getRegionIterArgs()[0];
  Value tile = tensor::ExtractSliceOp::create(b, loc, shared, at, sizes, ones);
  int64_t blocks = (outW + kPoolLanes - 1) / kPoolLanes;
  auto loop = scf::ForOp::create(
      b, loc, c(b, loc, 0), c(b, loc, blocks), c(b, loc, 1), ValueRange{tile},
      [&](OpBuilder &nb, Location l, Value i, ValueRange iter) {
        Value ow0 = arith::MulIOp::create(nb, l, i, c(nb, l, kPoolLanes));
        scf::YieldOp::create(nb, l,
                             ValueRange{block(nb, l, n, ch, oh, ow0, iter[0])});
      });
  b.setInsertionPointToEnd(forall.getTerminator().getBody());
  tensor::ParallelInsertSliceOp::create(b, loc, loop.getResult(0), shared, at,
                                        sizes, ones);
  return forall.getResult(0);
}

Value lowering::readWindowOffset(OpBuilder &b, Location loc, Value input,
                                 Value n, Value c, Value oh, Value ow0,
                                 int64_t kernelH, int64_t kernelW, int64_t kh,
                                 int64_t kw, Value padding) {
  auto ci = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value row = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, oh, ci(kernelH)), ci(kh));
  Value col = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, ow0, ci(kernelW)), ci(kw));
  auto wide = VectorType::get({kPoolLanes * kernelW}, padding.getType());
  Value v = vector::TransferReadOp::create(b, loc, wide, input,
                                           ValueRange{n, c, row, col}, padding,
                                           ArrayRef<bool>{false});
  if (kernelW == 1)
    return v;
  SmallVector<int64_t> every;
  for (int64_t lane = 0; lane < kPoolLanes; ++lane)
    every.push_back(lane * kernelW);
  return vector::ShuffleOp::create(b, loc, v, v, every);
}
