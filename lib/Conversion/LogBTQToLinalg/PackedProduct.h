//===- PackedProduct.h - Exact int16 products on packed panels --*- C++ -*-===//
//
// The integer kernels' matrix products (dense layers and the im2col form of
// convolutions) as explicit vector code:
//
//   out[b, i, j] = sum_r A(b, i, r) * B(b, r, j)     (int16 x int16, exact)
//
// A is packed into pairs of int16 along r (one i32 per pair, broadcast to
// every lane), B into K-pair interleaved panels `[J/16][R/2][16][2]` (the
// layout of a `vpdpwssd` operand): one step multiplies a pair of A with 16
// columns of B and adds both products to 16 int32 lanes. `extsi`, `muli`,
// an even/odd `vector.shuffle` and `addi` on `vector<32xi32>` are the
// pattern LLVM selects `vpdpwssd` for (with AVX-512 VNNI; plain multiplies
// and adds elsewhere), so the same IR is the portable kernel.
//
// Exactness: a step adds at most 2 * 2^26 to a lane, so 15 steps cannot
// leave int32 (16 could reach 2^31). Every 15 steps the int32 lanes are
// widened into int64 accumulators: the int64 result is the exact sum, and
// the caller counts and saturates the outputs beyond int32 as before.
//
//===----------------------------------------------------------------------===//

#ifndef LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_PACKEDPRODUCT_H
#define LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_PACKEDPRODUCT_H

#include "mlir/IR/Builders.h"

namespace mlir::logbtq::lowering {

/// The sizes of a batched product: `batch` independent products of
/// `rows x depth` by `depth x cols`.
struct ProductShape {
  int64_t batch, rows, cols, depth;
  /// 0: B's panels hold 16 consecutive columns each. Otherwise the columns
  /// are rows of this many (an image's output rows): each row starts a new
  /// panel, so there are ceil(rowWidth / 16) panels per row, and the result
  /// still has `cols` dense columns (a panel's lanes past its row's end are
  /// not written).
  int64_t rowWidth = 0;
};

/// Reads one value of an operand (an int16 grid value, or an f32 for the
/// float product): `(batch, outer, r)` are index values inside the
/// operand's bounds (`outer` is the row i of A, or the column j of B).
using GridElementFn =
    function_ref<Value(OpBuilder &, Location, Value, Value, Value)>;

/// The exact products as a `tensor<batch x rows x cols x i64>`. `lhs` does
/// not depend on the batch when `lhsBatched` is false (a convolution's
/// filter): it is packed once.
Value createPackedProduct(OpBuilder &b, Location loc, ProductShape shape,
                          bool lhsBatched, GridElementFn lhs,
                          GridElementFn rhs);

/// The same product of f32 operands (`lhs` and `rhs` read f32 values): A
/// packed as rows, B as 16-column panels of f32, one multiply-add (`FMA`
/// where the CPU has it) per step and lane; each output sums its products
/// in the order of r. The float32 programs' matrix products and
/// convolutions.
Value createPackedFloatProduct(OpBuilder &b, Location loc, ProductShape shape,
                               bool lhsBatched, GridElementFn lhs,
                               GridElementFn rhs);

/// Which packed product: exact int64 sums of int16 grid values (the integer
/// kernels), or f32 multiply-adds.
enum class ProductKind { ExactInteger, Float };

/// createPackedProduct or createPackedFloatProduct, by `kind`.
Value createProduct(OpBuilder &b, Location loc, ProductKind kind,
                    ProductShape shape, bool lhsBatched, GridElementFn lhs,
                    GridElementFn rhs);

/// The products of createPackedProduct / createPackedFloatProduct (by
/// `kind`) with B already in panels, packed by the caller: for ExactInteger
/// `tensor<batch x ceil(cols/16) x ceil(depth/2) x 16 x i32>`, lane jj of
/// (block, pair) holding the int16 grid values of B(2 pair, 16 block + jj)
/// (low half) and B(2 pair + 1, ..) (high half); for Float
/// `tensor<batch x ceil(cols/16) x depth x 16 x f32>`. Padding (an odd
/// depth, columns past the last) must read as 0.
Value createProductOfPanels(OpBuilder &b, Location loc, ProductKind kind,
                            ProductShape shape, bool lhsBatched,
                            GridElementFn lhs, Value rhsPanels);

/// Packs the B panel of one (batch, block) tile of a product: a
/// `tensor<1 x 1 x steps x 16>` laid out as one panel of
/// createProductOfPanels' operand.
using TilePanelFn =
    function_ref<Value(OpBuilder &, Location, Value batch, Value block)>;

/// The products of createProductOfPanels (by `kind`) with each tile's panel
/// packed at the start of the tile, by `tilePanel`, instead of all of them
/// up front: the panel is still in L1 while every row of A passes over it,
/// and the panels of a whole batch (as big as an im2col matrix) never reach
/// memory.
Value createProductOfTilePanels(OpBuilder &b, Location loc, ProductKind kind,
                                ProductShape shape, bool lhsBatched,
                                GridElementFn lhs, TilePanelFn tilePanel);

/// `lhs · rhs` of two 2-D tensors (either one read transposed) as the packed
/// product of `kind`: a `[rows, cols]` tensor of i64 or f32.
Value createMatmulProduct(OpBuilder &b, Location loc, Value lhs, Value rhs,
                          bool transposeLhs, bool transposeRhs,
                          ProductKind kind);

/// The batched form: `lhs [..., rows, depth] · rhs [..., depth, cols]`
/// (rank >= 3, the same leading dims; the last two dims of either read
/// transposed), one packed product per index of the leading dims: a
/// `[..., rows, cols]` tensor of i64 or f32.
Value createBatchMatmulProduct(OpBuilder &b, Location loc, Value lhs, Value rhs,
                               bool transposeLhs, bool transposeRhs,
                               ProductKind kind);

/// The words `low | high << 16` of two vectors of int16 (zero-extended):
/// pairs of int16 as one `vpdpwssd` operand lane each, the first in the low
/// half.
Value mergeInt16Pairs(OpBuilder &b, Location loc, Value low, Value high);

/// Lanes of the product's accumulators (int32 lanes of a 512-bit vector).
constexpr int64_t kPanelWidth = 16;
/// `vpdpwssd` steps an int32 lane takes before it is widened to int64.
constexpr int64_t kStepsPerWidening = 15;

} // namespace mlir::logbtq::lowering

#endif // LOGBTQ_LIB_CONVERSION_LOGBTQTOLINALG_PACKEDPRODUCT_H
