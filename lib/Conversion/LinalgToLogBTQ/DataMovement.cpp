//===- DataMovement.cpp - Raise reshapes, transposes, softmax, fills ------===//
//
// tensor.collapse_shape / expand_shape / reshape become logbtq.reshape,
// tensor.concat logbtq.concat, transposes logbtq.transpose, linalg.softmax
// logbtq.softmax. A linalg.fill
// that still has users once every linalg consumer is raised (a constant
// operand of a logbtq op) becomes a splat arith.constant. linalg.broadcast,
// tensor.pad and tensor.empty have no pattern: the ops that read them absorb
// them, and the legality walk explains any that survive.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::raise;

static std::string printType(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

//===----------------------------------------------------------------------===//
// Reshapes and concatenation
//===----------------------------------------------------------------------===//

/// The source (operand 0) and the result of a reshape; tensor.reshape's shape
/// operand is not data.
static LogicalResult analyzeReshape(Operation *op, Reason &why) {
  for (Type type : {op->getOperand(0).getType(), op->getResult(0).getType()}) {
    auto ranked = dyn_cast<RankedTensorType>(type);
    if (!ranked || !ranked.getElementType().isF32())
      return fail(why, "it reshapes '" + printType(type) +
                           "'; only ranked f32 tensors are raised");
    if (!ranked.hasStaticShape())
      return fail(why, "'" + printType(type) +
                           "' is dynamic; logbtq.reshape needs static shapes");
  }
  return success();
}

namespace {
/// tensor.collapse_shape / expand_shape / reshape of static shapes ->
/// logbtq.reshape (row-major order is what all of them keep). The source is
/// operand 0 of each; tensor.reshape's shape operand dies with it.
template <typename ReshapeOp>
struct RaiseReshape : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern<ReshapeOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    Reason why;
    if (failed(analyzeReshape(op, why)))
      return rewriter.notifyMatchFailure(op, why);
    rewriter.replaceOpWithNewOp<logbtq::ReshapeOp>(op, op.getType(),
                                                   op->getOperand(0));
    return success();
  }
};
} // namespace

namespace {
/// tensor.concat (torch-mlir's aten.cat) -> logbtq.concat on the same axis.
struct RaiseConcat : OpRewritePattern<tensor::ConcatOp> {
  using Base::Base;

  LogicalResult matchAndRewrite(tensor::ConcatOp op,
                                PatternRewriter &rewriter) const override {
    Reason why;
    if (failed(checkF32Tensors(op, why)))
      return rewriter.notifyMatchFailure(op, why);
    rewriter.replaceOpWithNewOp<logbtq::ConcatOp>(
        op, op.getType(), op.getInputs(), static_cast<int64_t>(op.getDim()));
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Transposes
//===----------------------------------------------------------------------===//

/// The logbtq permutation of a copy generic: its input dim j is read at
/// result dim map(j), so result dim map(j) is input dim j.
static SmallVector<int64_t> getPermutation(AffineMap inputMap) {
  SmallVector<int64_t> perm(inputMap.getNumResults());
  for (unsigned j = 0; j < inputMap.getNumResults(); ++j)
    perm[inputMap.getDimPosition(j)] = j;
  return perm;
}

namespace {
/// linalg.transpose, or a linalg.generic that copies its input through a
/// permutation map -> logbtq.transpose (an identity copy just forwards its
/// input). A 2-D transpose feeding a matmul is folded by the matmul pattern
/// instead, whichever runs first.
struct RaiseTranspose : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using Base::Base;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    Value input;
    SmallVector<int64_t> perm;
    if (auto transpose = dyn_cast<linalg::TransposeOp>(op.getOperation())) {
      input = transpose.getInput();
      perm = llvm::to_vector(transpose.getPermutation());
    } else if (auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
               generic && isCopyGeneric(generic)) {
      AffineMap map = generic.getIndexingMapsArray()[0];
      if (!map.isPermutation())
        return rewriter.notifyMatchFailure(op, "a broadcast, not a transpose");
      input = generic.getDpsInputs()[0];
      perm = getPermutation(map);
    } else {
      return failure();
    }
    Reason why;
    if (!op.hasPureTensorSemantics() || failed(checkF32Tensors(op, why)))
      return rewriter.notifyMatchFailure(op, why);
    if (input.getType() == op->getResult(0).getType() &&
        llvm::equal(perm, llvm::seq<int64_t>(0, perm.size()))) {
      rewriter.replaceOp(op, input);
      return success();
    }
    rewriter.replaceOpWithNewOp<logbtq::TransposeOp>(
        op, op->getResult(0).getType(), input, perm);
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

namespace {
/// linalg.softmax (IREE's spelling) -> logbtq.softmax on the same axis.
struct RaiseSoftmax : OpRewritePattern<linalg::SoftmaxOp> {
  using Base::Base;

  LogicalResult matchAndRewrite(linalg::SoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    Reason why;
    if (failed(checkF32Tensors(op, why)))
      return rewriter.notifyMatchFailure(op, why);
    rewriter.replaceOpWithNewOp<logbtq::SoftmaxOp>(
        op, op->getResult(0).getType(), op.getInput(),
        static_cast<int64_t>(op.getDimension()));
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Fills
//===----------------------------------------------------------------------===//

static FailureOr<DenseElementsAttr> analyzeFill(linalg::FillOp op,
                                                Reason &why) {
  if (failed(checkF32Tensors(op, why)))
    return failure();
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  if (!type.hasStaticShape())
    return fail(why, "it fills '" + printType(type) +
                         "', whose dynamic shape cannot become a constant");
  APFloat value(0.0f);
  if (!matchPattern(op.getInputs()[0], m_ConstantFloat(&value)))
    return fail(why, "it fills with a value that is not a constant");
  for (Operation *user : op->getUsers())
    if (isa<linalg::LinalgDialect>(user->getDialect()))
      return fail(why, "it is read by '" +
                           user->getName().getStringRef().str() +
                           "', which was not raised");
  return DenseElementsAttr::get(type, value);
}

namespace {
/// A linalg.fill of a constant whose readers are all raised (it is, say, the
/// zero operand of a logbtq.add) -> a splat arith.constant. While a linalg op
/// still reads it, the fill stays: that op may absorb it as its init.
struct RaiseFill : OpRewritePattern<linalg::FillOp> {
  using Base::Base;

  LogicalResult matchAndRewrite(linalg::FillOp op,
                                PatternRewriter &rewriter) const override {
    Reason why;
    FailureOr<DenseElementsAttr> splat = analyzeFill(op, why);
    if (failed(splat))
      return rewriter.notifyMatchFailure(op, why);
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, *splat);
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

void raise::populateDataMovementPatterns(RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  patterns.add<RaiseReshape<tensor::CollapseShapeOp>,
               RaiseReshape<tensor::ExpandShapeOp>,
               RaiseReshape<tensor::ReshapeOp>>(context);
  patterns.add<RaiseConcat, RaiseTranspose, RaiseSoftmax, RaiseFill>(context);
}

/// The ops reading `op`, for messages ("'linalg.generic', 'func.return'").
static std::string describeUsers(Operation *op) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleaveComma(op->getUsers(), os, [&](Operation *user) {
    os << "'" << user->getName() << "'";
  });
  return text;
}

std::optional<Reason> raise::explainDataMovement(Operation *op) {
  Reason why;
  if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp, tensor::ReshapeOp>(
          op)) {
    if (failed(analyzeReshape(op, why)))
      return why;
    return Reason(kNotConverged);
  }
  if (isa<tensor::ConcatOp>(op)) {
    if (failed(checkF32Tensors(op, why)))
      return why;
    return Reason(kNotConverged);
  }
  if (isa<linalg::TransposeOp, linalg::SoftmaxOp>(op)) {
    if (!cast<DestinationStyleOpInterface>(op).hasPureTensorSemantics())
      return Reason("it works on buffers; raising runs before bufferization");
    if (failed(checkF32Tensors(op, why)))
      return why;
    return Reason(kNotConverged);
  }
  if (auto fill = dyn_cast<linalg::FillOp>(op)) {
    if (failed(analyzeFill(fill, why)))
      return why;
    return Reason(kNotConverged);
  }
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (generic && isCopyGeneric(generic) &&
      generic.getIndexingMapsArray()[0].isPermutation()) {
    if (failed(checkF32Tensors(op, why)))
      return why;
    return Reason(kNotConverged);
  }
  if (isa<linalg::BroadcastOp>(op) || (generic && isCopyGeneric(generic)))
    return "a broadcast is only absorbed by the elementwise op, matmul or "
           "conv that reads it, and it is read by " +
           describeUsers(op);
  if (isa<tensor::PadOp>(op))
    return "logbtq has no pad op; only the padding of the input of a "
           "linalg.conv_2d_nchw_fchw (zeros) or an NCHW pooling (-inf for "
           "max, zeros for sum) is absorbed, and it is read by " +
           describeUsers(op);
  if (isa<tensor::EmptyOp>(op))
    return "its contents are undefined, and it is read as a value by " +
           describeUsers(op);
  return std::nullopt;
}
