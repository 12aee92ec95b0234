//===- Vectorize.cpp - Order-independent Linalg ops to vectors ------------===//
//
// See the pass description in Passes.td: collapse, split off the remainder,
// tile the innermost dim by the vector width and vectorize each tile with
// upstream linalg::vectorize, for the ops whose results cannot depend on the
// order in which their elements are computed.
//
//===----------------------------------------------------------------------===//

#include "logbtq/Dialect/Linalg/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "mlir/Interfaces/TilingInterface.h"
#include <algorithm>
#include <functional>

namespace mlir::logbtq {
#define GEN_PASS_DEF_LOGBTQVECTORIZE
#include "logbtq/Dialect/Linalg/Transforms/Passes.h.inc"
} // namespace mlir::logbtq

using namespace mlir;

namespace {

/// Whether `op` combines the accumulator `acc` with a value so that the
/// result of a whole reduction may be computed in any order: exact integer
/// operations, the float min/max (which pick one of their operands), and
/// float sums and products whose producer allowed reassociation.
bool isOrderIndependentCombiner(Operation *op, Value acc) {
  if (!op || op->getNumOperands() != 2 ||
      !llvm::is_contained(op->getOperands(), acc))
    return false;
  if (isa<arith::AddFOp, arith::MulFOp>(op))
    return arith::bitEnumContainsAll(
        cast<arith::ArithFastMathInterface>(op).getFastMathFlagsAttr()
            .getValue(),
        arith::FastMathFlags::reassoc);
  return isa<arith::AddIOp, arith::OrIOp, arith::AndIOp, arith::XOrIOp,
             arith::MaxSIOp, arith::MinSIOp, arith::MaxUIOp, arith::MinUIOp,
             arith::MaxNumFOp, arith::MinNumFOp, arith::MaximumFOp,
             arith::MinimumFOp>(op);
}

/// Whether the result of `op` does not depend on the evaluation order: all
/// loops are parallel, or every reduced output is combined exactly.
bool isOrderIndependent(linalg::GenericOp op) {
  if (op.getNumReductionLoops() == 0)
    return true;
  auto yield = cast<linalg::YieldOp>(op.getBody()->getTerminator());
  for (OpOperand &init : op.getDpsInitsMutable()) {
    Value acc = op.getMatchingBlockArgument(&init);
    Value yielded = yield.getOperand(init.getOperandNumber() -
                                     op.getNumDpsInputs());
    if (!isOrderIndependentCombiner(yielded.getDefiningOp(), acc))
      return false;
    // The accumulator must feed only its combiner.
    if (!acc.hasOneUse())
      return false;
  }
  return true;
}

/// Whether every operand reads the innermost loop `inner` with unit stride
/// (as its last index) or not at all (a broadcast along it).
bool isContiguousIn(linalg::GenericOp op, unsigned inner) {
  for (AffineMap map : op.getIndexingMapsArray()) {
    for (auto [i, expr] : llvm::enumerate(map.getResults())) {
      if (!expr.isFunctionOfDim(inner))
        continue;
      auto dim = dyn_cast<AffineDimExpr>(expr);
      if (!dim || i + 1 != map.getNumResults())
        return false;
    }
  }
  return true;
}

/// Upstream's analysis of a tensor.extract's indices (gather or contiguous
/// load?) visits the operands of each index recursively without memoizing:
/// its work is the number of paths from an index back to the body's
/// arguments. A fused body that reuses its values many times (decode, erf's
/// rational approximation and encode in one generic) makes that number
/// exponential, and the analysis runs for hours. Such ops stay scalar. The
/// bound: the zoo's MU8 models have at most 2.7 million paths (ResNet-8,
/// analysed in milliseconds), the ViT's fused GELU 10^12 to 10^13.
bool hasCheapExtractIndices(linalg::GenericOp op) {
  constexpr uint64_t kMaxPaths = uint64_t(1) << 28; // 268 million
  Block *body = op.getBlock();
  llvm::DenseMap<Value, uint64_t> paths;
  std::function<uint64_t(Value)> count = [&](Value v) -> uint64_t {
    if (auto it = paths.find(v); it != paths.end())
      return it->second;
    Operation *def = v.getDefiningOp();
    uint64_t n = 1;
    if (def && def->getBlock() == body && def->getNumOperands() > 0) {
      n = 0;
      for (Value operand : def->getOperands())
        n = std::min(n + count(operand), kMaxPaths);
    }
    paths[v] = n;
    return n;
  };
  WalkResult walk = body->walk([&](tensor::ExtractOp extract) {
    for (Value index : extract.getIndices()) {
      if (count(index) >= kMaxPaths)
        return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return !walk.wasInterrupted();
}

bool isCandidate(linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumLoops() == 0 ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isProjectedPermutation(); }))
    return false;
  if (llvm::any_of(op.getStaticLoopRanges(), ShapedType::isDynamic))
    return false;
  // Tiling a reduction into partial results (tileAndVectorize) cannot also
  // tile parallel dims, so an op must be all parallel or all reductions.
  unsigned reductions = op.getNumReductionLoops();
  if (reductions != 0 && reductions != op.getNumLoops())
    return false;
  return isOrderIndependent(op) && hasCheapExtractIndices(op);
}

/// Whether the buffer of `tensor` may be a strided view (a slice of a
/// bigger buffer, possibly reshaped) rather than a dense row-major one.
bool mayBeStridedView(Value tensor) {
  while (Operation *def = tensor.getDefiningOp()) {
    if (auto slice = dyn_cast<tensor::ExtractSliceOp>(def))
      return !slice.getSourceType().hasStaticShape() ||
             slice.getSourceType().getShape() != slice.getType().getShape();
    if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp, tensor::CastOp>(
            def)) {
      tensor = def->getOperand(0);
      continue;
    }
    return false;
  }
  return false;
}

/// Collapses dims of `op` into one, for one long vector loop instead of a
/// short one per row:
/// - a reduction over all its loops (identity inputs, 0-d outputs): all
///   dims;
/// - an elementwise op: the last dims that every operand reads together,
///   in order and as its own last dims, or not at all (a bias add over NCHW
///   reads the bias as `(d1)`): a 14 x 14 image is then one loop of 196
///   elements, 12 vectors and a remainder of 4, instead of rows of 14 that
///   are all remainder and stay scalar. Not when an operand may be a
///   strided view, which a collapse would copy.
/// An op that reads `linalg.index` only when its rows are not whole
/// vectors (a 5 x 5 filter's): the collapsed index is split back with a
/// division and a remainder per dim, which costs more than it saves on
/// rows of whole vectors.
linalg::GenericOp collapseDims(RewriterBase &rewriter, linalg::GenericOp op,
                               int64_t width) {
  unsigned rank = op.getNumLoops();
  if (rank < 2)
    return op;
  if (op.hasIndexSemantics() && op.getStaticLoopRanges().back() % width == 0)
    return op;
  unsigned collapsed = 1;
  if (op.getNumReductionLoops() == rank) {
    for (OpOperand &operand : op->getOpOperands()) {
      AffineMap map = op.getMatchingIndexingMap(&operand);
      bool scalarOutput = op.isDpsInit(&operand) && map.getNumResults() == 0;
      if (!map.isIdentity() && !scalarOutput)
        return op;
    }
    collapsed = rank;
  } else {
    auto readsTogether = [&](AffineMap map, unsigned k) {
      unsigned first = rank - k, n = map.getNumResults();
      unsigned reads = llvm::count_if(map.getResults(), [&](AffineExpr e) {
        return cast<AffineDimExpr>(e).getPosition() >= first;
      });
      if (reads == 0)
        return true;
      if (reads != k)
        return false;
      for (unsigned i = 0; i < k; ++i)
        if (cast<AffineDimExpr>(map.getResult(n - k + i)).getPosition() !=
            first + i)
          return false;
      return true;
    };
    for (unsigned k = 2; k <= rank; ++k) {
      if (!llvm::all_of(op.getIndexingMapsArray(),
                        [&](AffineMap map) { return readsTogether(map, k); }))
        break;
      collapsed = k;
    }
    if (llvm::any_of(op->getOperands(), mayBeStridedView))
      return op;
  }
  if (collapsed < 2)
    return op;
  SmallVector<ReassociationIndices> groups;
  for (unsigned d = 0; d < rank - collapsed; ++d)
    groups.push_back({static_cast<int64_t>(d)});
  groups.push_back(
      llvm::to_vector<2>(llvm::seq<int64_t>(rank - collapsed, rank)));
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::CollapseResult> result =
      linalg::collapseOpIterationDims(op, groups, rewriter);
  if (failed(result))
    return op;
  rewriter.replaceOp(op, result->results);
  return cast<linalg::GenericOp>(result->collapsedOp.getOperation());
}

/// Tiles `op` by 1 x ... x 1 x width and vectorizes the tile. Reductions
/// are tiled into a partial result of one tile's shape, combined lane by
/// lane in the loop (a vector accumulator) and reduced once after it.
LogicalResult tileAndVectorize(RewriterBase &rewriter, linalg::GenericOp op,
                               int64_t width, int64_t parallelThreshold) {
  unsigned rank = op.getNumLoops();
  SmallVector<OpFoldResult> sizes(rank, rewriter.getIndexAttr(1));
  sizes.back() = rewriter.getIndexAttr(width);
  scf::SCFTilingOptions options;
  options.setTileSizes(sizes);
  SmallVector<unsigned> reductionDims;
  op.getReductionDims(reductionDims);
  int64_t elements = 1;
  for (int64_t size : op.getStaticLoopRanges())
    elements *= size;
  // Tiles of a big elementwise op are independent: an scf.forall, which
  // the pipeline runs on all cores (or as a plain loop).
  if (reductionDims.empty() && elements >= parallelThreshold)
    options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  if (!reductionDims.empty()) {
    options.setReductionTilingStrategy(
        ReductionTilingStrategy::PartialReductionOuterReduction);
    options.setReductionDims(reductionDims);
  }
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(tiled))
    return failure();
  rewriter.replaceOp(op, tiled->replacements);
  Operation *tile = tiled->tiledOps.back();
  rewriter.setInsertionPoint(tile);
  FailureOr<linalg::VectorizationResult> vectorized =
      linalg::vectorize(rewriter, tile, /*inputVectorSizes=*/{},
                        /*inputScalableVecDims=*/{},
                        /*vectorizeNDExtract=*/true);
  if (failed(vectorized))
    return failure();
  rewriter.replaceOp(tile, vectorized->replacements);
  return success();
}

/// Elements of one chunk of a big reduction (at most; a divisor of the
/// op's size is taken, so that every chunk has the same static size).
constexpr int64_t kReductionChunk = 16384;

/// A 1-D reduction of at least `2 * threshold` elements, split into equal
/// chunks that an scf.forall reduces independently (each into its own
/// partial result, merged in chunk order afterwards): both cores share the
/// counters, maxima and barrier sums of the big tensors. The chunks depend
/// on the size only, never on the number of threads, so neither does the
/// result. Returns the op that reduces one chunk, or `op` unchanged.
linalg::GenericOp chunkReduction(RewriterBase &rewriter, linalg::GenericOp op,
                                 int64_t width, int64_t threshold) {
  if (op.getNumLoops() != 1 || op.getNumReductionLoops() != 1)
    return op;
  int64_t size = op.getStaticLoopRanges()[0];
  if (size < 2 * threshold || size % width != 0)
    return op;
  int64_t units = size / width, per = 0;
  for (int64_t d = std::min(units, kReductionChunk / width); d >= 1; --d)
    if (units % d == 0) {
      per = d;
      break;
    }
  int64_t chunk = per * width;
  if (chunk == 0 || size / chunk < 2)
    return op;
  scf::SCFTilingOptions options;
  options.setTileSizes({rewriter.getIndexAttr(chunk)});
  options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  options.setReductionTilingStrategy(
      ReductionTilingStrategy::PartialReductionOuterParallel);
  options.setReductionDims({0});
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(tiled))
    return op;
  rewriter.replaceOp(op, tiled->replacements);
  return cast<linalg::GenericOp>(tiled->tiledOps.back());
}

/// The vectorizer reads a tensor at computed indices (`tensor.extract` in
/// the body) with a `vector.gather` whose offsets are linearized over the
/// tensor's shape, which is only right if its buffer is dense. A tensor that
/// may become a strided view is read from a dense copy instead.
void readDenseCopies(RewriterBase &rewriter, linalg::GenericOp op) {
  DenseMap<Value, Value> copies;
  op.getRegion().walk([&](tensor::ExtractOp extract) {
    Value source = extract.getTensor();
    if (op.getRegion().isAncestor(source.getParentRegion()) ||
        !mayBeStridedView(source))
      return;
    Value &copy = copies[source];
    if (!copy) {
      rewriter.setInsertionPoint(op);
      copy = bufferization::AllocTensorOp::create(
          rewriter, op.getLoc(), cast<RankedTensorType>(source.getType()),
          ValueRange{}, source);
    }
    rewriter.modifyOpInPlace(
        extract, [&] { extract.getTensorMutable().assign(copy); });
  });
}

struct VectorizePass : logbtq::impl::LogBTQVectorizeBase<VectorizePass> {
  using LogBTQVectorizeBase::LogBTQVectorizeBase;

  void runOnOperation() override {
    if (vectorWidth < 1) {
      emitError(getOperation()->getLoc())
          << "vector-width must be positive, not " << int64_t(vectorWidth);
      return signalPassFailure();
    }
    SmallVector<linalg::GenericOp> candidates;
    getOperation()->walk([&](linalg::GenericOp op) {
      // Check before touching anything: a tile the vectorizer rejects
      // would only leave an extra loop nest behind.
      if (isCandidate(op) && succeeded(linalg::vectorizeOpPrecondition(
                                 op, {}, {}, /*vectorizeNDExtract=*/true)))
        candidates.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp op : candidates) {
      readDenseCopies(rewriter, op);
      op = collapseDims(rewriter, op, vectorWidth);
      unsigned inner = op.getNumLoops() - 1;
      if (!isContiguousIn(op, inner))
        continue;
      int64_t size = op.getStaticLoopRanges()[inner];
      int64_t full = size / vectorWidth * vectorWidth;
      if (full == 0)
        continue;
      if (full != size) {
        // The remainder (fewer than vector-width elements) stays scalar.
        rewriter.setInsertionPoint(op);
        auto [head, tail] = linalg::splitOp(
            rewriter, cast<TilingInterface>(op.getOperation()), inner,
            rewriter.getIndexAttr(full));
        if (!head)
          continue;
        op = cast<linalg::GenericOp>(head.getOperation());
      }
      op = chunkReduction(rewriter, op, vectorWidth, parallelThreshold);
      Location loc = op.getLoc();
      if (failed(tileAndVectorize(rewriter, op, vectorWidth,
                                   parallelThreshold))) {
        emitError(loc) << "logbtq-vectorize: could not vectorize a "
                                  "tile of an op that passed the checks";
        return signalPassFailure();
      }
    }
    // A tile of a rank-n op is 1 x ... x 1 x width: its vectors become 1-D,
    // the form the vector lowering turns into plain loads and stores.
    RewritePatternSet patterns(&getContext());
    vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
    vector::populateVectorTransferDropUnitDimsPatterns(patterns);
    vector::populateDropUnitDimWithShapeCastPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    // A reduction's partial result is read and written at the same place
    // in every iteration: it becomes a vector carried by the loop, which
    // stays in a register instead of going through memory each step.
    SmallVector<LoopLikeOpInterface> loops;
    getOperation()->walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (LoopLikeOpInterface loop : loops)
      hoistLoopInvariantSubsets(rewriter, loop);
  }
};

} // namespace
