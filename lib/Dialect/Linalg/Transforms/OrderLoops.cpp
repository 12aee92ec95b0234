//===- OrderLoops.cpp - Vectorizable loop order for Linalg reductions -----===//
//
// See the pass description in Passes.td: generalize, put a contiguous
// parallel dim innermost, let float reductions reassociate.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Dialect/Linalg/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::logbtq {
#define GEN_PASS_DEF_LOGBTQORDERLOOPS
#include "logbtq/Dialect/Linalg/Transforms/Passes.h.inc"
} // namespace mlir::logbtq

using namespace mlir;

namespace {

/// The dim `map` reads with its last (contiguous) index, if that is a dim.
std::optional<unsigned> lastDim(AffineMap map) {
  if (map.getNumResults() == 0)
    return std::nullopt;
  if (auto dim = dyn_cast<AffineDimExpr>(map.getResults().back()))
    return dim.getPosition();
  return std::nullopt;
}

/// Whether `expr` moves by one element per step of loop `dim`: `dim`, or
/// `dim` plus terms of other loops (a window offset).
bool isUnitStrideIn(AffineExpr expr, unsigned dim) {
  if (auto d = dyn_cast<AffineDimExpr>(expr))
    return d.getPosition() == dim;
  auto add = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!add || add.getKind() != AffineExprKind::Add)
    return false;
  return (isUnitStrideIn(add.getLHS(), dim) &&
          !add.getRHS().isFunctionOfDim(dim)) ||
         (isUnitStrideIn(add.getRHS(), dim) &&
          !add.getLHS().isFunctionOfDim(dim));
}

/// The loop order that puts the output's contiguous dim innermost when an
/// input also reads it contiguously; empty to keep the order.
SmallVector<unsigned> chooseOrder(linalg::GenericOp op) {
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  unsigned numInputs = op.getNumDpsInputs();
  std::optional<unsigned> inner = lastDim(maps[numInputs]);
  unsigned rank = op.getNumLoops();
  if (!inner || *inner == rank - 1 ||
      !linalg::isParallelIterator(op.getIteratorTypesArray()[*inner]))
    return {};
  bool contiguousInput =
      llvm::any_of(ArrayRef(maps).take_front(numInputs), [&](AffineMap m) {
        return m.getNumResults() > 0 &&
               isUnitStrideIn(m.getResults().back(), *inner);
      });
  if (!contiguousInput)
    return {};
  SmallVector<unsigned> order;
  for (unsigned d = 0; d < rank; ++d)
    if (d != *inner)
      order.push_back(d);
  order.push_back(*inner);
  return order;
}

void relaxFloatArithmetic(linalg::GenericOp op) {
  auto flags = arith::FastMathFlagsAttr::get(
      op.getContext(),
      arith::FastMathFlags::reassoc | arith::FastMathFlags::contract);
  // Only the sums and products: the patterns lowering casts and math ops
  // copy an arith attribute verbatim onto LLVM ops.
  op.getRegion().walk([&](Operation *inner) {
    if (isa<arith::AddFOp, arith::SubFOp, arith::MulFOp>(inner))
      inner->setAttr(cast<arith::ArithFastMathInterface>(inner)
                         .getFastMathAttrName(),
                     flags);
  });
}

struct OrderLoopsPass : logbtq::impl::LogBTQOrderLoopsBase<OrderLoopsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> reductions;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (op.getNumReductionLoops() > 0)
        reductions.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : reductions) {
      rewriter.setInsertionPoint(op);
      linalg::GenericOp generic = dyn_cast<linalg::GenericOp>(*op);
      if (!generic) {
        FailureOr<linalg::GenericOp> generalized =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(generalized))
          continue; // Not every named op has a region builder; keep it.
        generic = *generalized;
      }
      SmallVector<unsigned> order = chooseOrder(generic);
      if (!order.empty()) {
        FailureOr<linalg::GenericOp> interchanged =
            linalg::interchangeGenericOp(rewriter, generic, order);
        if (succeeded(interchanged))
          generic = *interchanged;
      }
      relaxFloatArithmetic(generic);
    }
  }
};

} // namespace
