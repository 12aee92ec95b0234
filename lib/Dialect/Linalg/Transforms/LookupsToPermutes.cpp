//===- LookupsToPermutes.cpp - Small-table gathers as AVX-512 permutes ----===//
//
// See the pass description in Passes.td: a vector.gather from a constant
// table of at most 256 32-bit entries becomes a tree of two-register
// permutes (vpermi2d/vpermi2ps) and selects on the index's upper bits, with
// the table held in vector constants instead of read from memory.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Dialect/Linalg/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

#include "llvm/ADT/bit.h"

#include <functional>

namespace mlir::logbtq {
#define GEN_PASS_DEF_LOGBTQLOOKUPSTOPERMUTES
#include "logbtq/Dialect/Linalg/Transforms/Passes.h.inc"
} // namespace mlir::logbtq

using namespace mlir;

namespace {

/// Lanes of a 512-bit vector of 32-bit elements, and the entries one
/// two-register permute chooses among.
constexpr int64_t kLanes = 16;
constexpr int64_t kPairEntries = 2 * kLanes;

/// The table a gather reads, if it is a constant of 32-bit scalars small
/// enough for the permute tree: an `arith.constant` tensor, or the buffer
/// of a constant `memref.global` (what bufferization makes of one).
DenseElementsAttr constantTable(vector::GatherOp gather, int64_t maxEntries) {
  DenseElementsAttr table;
  Value base = gather.getBase();
  if (auto get = base.getDefiningOp<memref::GetGlobalOp>()) {
    auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
        get, get.getNameAttr());
    if (global && global.getConstant() && global.getInitialValue())
      table = dyn_cast<DenseElementsAttr>(*global.getInitialValue());
  } else {
    matchPattern(base, m_Constant(&table));
  }
  if (!table)
    return {};
  auto type = dyn_cast<ShapedType>(table.getType());
  if (!type || type.getRank() != 1 || type.getNumElements() > maxEntries ||
      !(type.getElementType().isF32() || type.getElementType().isInteger(32)))
    return {};
  return table;
}

/// Whether every lane of `mask` is on (a constant).
bool isAllTrue(Value mask) {
  DenseElementsAttr bits;
  if (!matchPattern(mask, m_Constant(&bits)))
    return false;
  return llvm::all_of(bits.getValues<bool>(), [](bool b) { return b; });
}

/// The gather from `table` as permutes: entries in 16-lane constants, each
/// pair of them permuted by the low 5 bits of the index, then the pairs'
/// results chosen by the index's bits 5, 6 and 7.
Value buildPermuteTree(OpBuilder &b, Location loc, DenseElementsAttr table,
                       Value index) {
  Type element = table.getElementType();
  auto vectorType = VectorType::get({kLanes}, element);
  auto i32Vector = VectorType::get({kLanes}, b.getI32Type());
  auto splat = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(i32Vector, b.getI32IntegerAttr(v)));
  };
  int64_t entries = std::max<int64_t>(
      kPairEntries, int64_t(llvm::bit_ceil(uint64_t(table.getNumElements()))));
  // The table's raw 32-bit patterns, padded with zeros (an index beyond the
  // table is out of bounds for the gather as well).
  DenseElementsAttr bits32 =
      element.isF32() ? table.bitcast(b.getI32Type()) : table;
  SmallVector<APInt> raw(bits32.getValues<APInt>());
  raw.resize(entries, APInt(32, 0));
  SmallVector<Value> chunks;
  for (int64_t start = 0; start < entries; start += kLanes) {
    auto bits = DenseElementsAttr::get(
        i32Vector, ArrayRef<APInt>(raw).slice(start, kLanes));
    chunks.push_back(arith::ConstantOp::create(
        b, loc, cast<TypedAttr>(bits.bitcast(element))));
  }
  StringAttr intrinsic =
      b.getStringAttr(element.isF32() ? "llvm.x86.avx512.vpermi2var.ps.512"
                                      : "llvm.x86.avx512.vpermi2var.d.512");
  // Chunks [first, first + count): a permute for a pair, else the upper or
  // lower half by the index bit that tells them apart.
  std::function<Value(size_t, size_t)> lookup = [&](size_t first,
                                                    size_t count) -> Value {
    if (count == 2)
      return LLVM::CallIntrinsicOp::create(
                 b, loc, vectorType, intrinsic,
                 ValueRange{chunks[first], index, chunks[first + 1]})
          .getResult(0);
    int64_t bit = int64_t(count / 2) * kLanes;
    Value isUpper = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::ne,
        arith::AndIOp::create(b, loc, index, splat(bit)), splat(0));
    Value upper = lookup(first + count / 2, count / 2);
    Value lower = lookup(first, count / 2);
    return arith::SelectOp::create(b, loc, isUpper, upper, lower);
  };
  return lookup(0, chunks.size());
}

struct LookupsToPermutesPass
    : logbtq::impl::LogBTQLookupsToPermutesBase<LookupsToPermutesPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<vector::GatherOp> gathers;
    getOperation()->walk([&](vector::GatherOp gather) {
      VectorType type = gather.getVectorType();
      if (type.getNumElements() == kLanes && !type.isScalable() &&
          constantTable(gather, maxEntries) &&
          llvm::all_of(gather.getOffsets(),
                       [](Value v) { return isConstantIntValue(v, 0); }))
        gathers.push_back(gather);
    });
    IRRewriter rewriter(&getContext());
    for (vector::GatherOp gather : gathers) {
      rewriter.setInsertionPoint(gather);
      Location loc = gather.getLoc();
      auto i32Vector = VectorType::get({kLanes}, rewriter.getI32Type());
      // Every lane's index as i32 in a flat vector (indices are below 256).
      Value index = gather.getIndices();
      auto indexType = cast<VectorType>(index.getType());
      if (indexType.getRank() != 1)
        index = vector::ShapeCastOp::create(
            rewriter, loc,
            VectorType::get({kLanes}, indexType.getElementType()), index);
      if (indexType.getElementType().isIndex())
        index = arith::IndexCastOp::create(rewriter, loc, i32Vector, index);
      else if (indexType.getElementType().getIntOrFloatBitWidth() > 32)
        index = arith::TruncIOp::create(rewriter, loc, i32Vector, index);
      else if (indexType.getElementType().getIntOrFloatBitWidth() < 32)
        index = arith::ExtSIOp::create(rewriter, loc, i32Vector, index);
      Value result = buildPermuteTree(
          rewriter, loc, constantTable(gather, maxEntries), index);
      if (gather.getVectorType().getRank() != 1)
        result = vector::ShapeCastOp::create(rewriter, loc,
                                             gather.getVectorType(), result);
      if (!isAllTrue(gather.getMask()))
        result = arith::SelectOp::create(rewriter, loc, gather.getMask(),
                                         result, gather.getPassThru());
      rewriter.replaceOp(gather, result);
    }
  }
};

} // namespace
