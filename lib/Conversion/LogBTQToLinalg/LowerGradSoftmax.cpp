//===- LowerGradSoftmax.cpp - Softmax-family gradients to Linalg ----------===//
//
// softmax_grad, log_softmax_grad and softmax_cross_entropy_grad: a reduction
// along the axis (a linalg.reduce, or a linalg.generic when it sums a
// product), then one elementwise linalg.generic that reads the reduced value
// through a broadcasting map. The formulas follow ATen's CPU kernels
// (_softmax_backward_data, _log_softmax_backward_data, and log_softmax
// followed by nll_loss for the cross-entropy) in operation order.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "Patterns.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

using namespace mlir;
using namespace mlir::logbtq;
using namespace mlir::logbtq::lowering;

namespace {

/// Every dim of a rank-`rank` iteration space but `axis`.
SmallVector<unsigned> allBut(unsigned rank, unsigned axis) {
  SmallVector<unsigned> dims;
  for (unsigned d = 0; d < rank; ++d)
    if (d != axis)
      dims.push_back(d);
  return dims;
}

/// The shape of `shape` without dim `axis`.
SmallVector<int64_t> dropDim(ArrayRef<int64_t> shape, unsigned axis) {
  SmallVector<int64_t> result(shape);
  result.erase(result.begin() + axis);
  return result;
}

/// `sum_axis(term(...))`, starting from 0: a linalg.generic that reduces
/// `axis` of the `full` inputs (of one shape) and also reads the `reduced`
/// inputs (that shape without `axis`) broadcast along it; `term` maps the
/// elements (full ones first) to the summand.
Value sumAlong(OpBuilder &b, Location loc, ValueRange full, ValueRange reduced,
               unsigned axis,
               function_ref<Value(OpBuilder &, Location, ValueRange)> term) {
  ArrayRef<int64_t> shape = shapeOf(full[0]);
  unsigned rank = shape.size();
  AffineMap dropped =
      getProjectionMap(b.getContext(), rank, allBut(rank, axis));
  Value init = lowering::createFilled(b, loc, dropDim(shape, axis),
                                      createF32Constant(b, loc, 0.0));
  SmallVector<Value> inputs(full);
  llvm::append_range(inputs, reduced);
  SmallVector<AffineMap> maps(full.size(), b.getMultiDimIdentityMap(rank));
  maps.append(reduced.size() + 1, dropped);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      getIteratorTypes(rank, {axis}),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value t = term(nb, nloc, args.drop_back());
        linalg::YieldOp::create(
            nb, nloc,
            ValueRange{arith::AddFOp::create(nb, nloc, args.back(), t)});
      });
  return generic.getResult(0);
}

/// A linalg.reduce of `input` along `axis` with the combiner `Combine`.
template <typename Combine>
Value reduceAlong(OpBuilder &b, Location loc, Value input, unsigned axis,
                  double initValue) {
  Value init = lowering::createFilled(b, loc, dropDim(shapeOf(input), axis),
                                      createF32Constant(b, loc, initValue));
  auto reduce = linalg::ReduceOp::create(
      b, loc, ValueRange{input}, ValueRange{init},
      ArrayRef<int64_t>{static_cast<int64_t>(axis)},
      [](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(
            nb, nloc, ValueRange{Combine::create(nb, nloc, args[0], args[1])});
      });
  return reduce.getResult(0);
}

/// An elementwise linalg.generic over the shape of `full` inputs that also
/// reads `reduced` inputs (the shape without `axis`) broadcast along `axis`.
Value broadcastElementwise(
    OpBuilder &b, Location loc, RankedTensorType resultType, ValueRange full,
    ValueRange reduced, unsigned axis,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  unsigned rank = resultType.getRank();
  SmallVector<Value> inputs(full);
  llvm::append_range(inputs, reduced);
  SmallVector<AffineMap> maps(full.size(), b.getMultiDimIdentityMap(rank));
  maps.append(reduced.size(),
              getProjectionMap(b.getContext(), rank, allBut(rank, axis)));
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init = lowering::createEmpty(b, loc, resultType.getShape(),
                                     resultType.getElementType());
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps,
      getIteratorTypes(rank),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc,
                                ValueRange{body(nb, nloc, args.drop_back())});
      });
  return generic.getResult(0);
}

/// `y * (grad - sum_axis(grad * y))`, y being the softmax.
struct SoftmaxGradLowering : F32OpLowering<SoftmaxGradOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(SoftmaxGradOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    unsigned axis = op.getAxis();
    Value grad = adaptor.getGrad(), y = adaptor.getValue();
    Value dot =
        sumAlong(rewriter, loc, {grad, y}, {}, axis,
                 [](OpBuilder &b, Location l, ValueRange args) -> Value {
                   return arith::MulFOp::create(b, l, args[0], args[1]);
                 });
    Value result = broadcastElementwise(
        rewriter, loc, cast<RankedTensorType>(op.getType()), {grad, y}, {dot},
        axis, [](OpBuilder &b, Location l, ValueRange args) -> Value {
          return arith::MulFOp::create(
              b, l, args[1], arith::SubFOp::create(b, l, args[0], args[2]));
        });
    return SmallVector<Value>{result};
  }
};

/// `grad - exp(y) * sum_axis(grad)`, y being the log-softmax.
struct LogSoftmaxGradLowering : F32OpLowering<LogSoftmaxGradOp> {
  using F32OpLowering::F32OpLowering;

  FailureOr<SmallVector<Value>>
  lower(LogSoftmaxGradOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    unsigned axis = op.getAxis();
    Value grad = adaptor.getGrad(), y = adaptor.getValue();
    Value sum = reduceAlong<arith::AddFOp>(rewriter, loc, grad, axis, 0.0);
    Value result = broadcastElementwise(
        rewriter, loc, cast<RankedTensorType>(op.getType()), {grad, y}, {sum},
        axis, [](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value p = math::ExpOp::create(b, l, args[1]);
          return arith::SubFOp::create(b, l, args[0],
                                       arith::MulFOp::create(b, l, p, args[2]));
        });
    return SmallVector<Value>{result};
  }
};

/// `(softmax(logits) - onehot(labels)) * (scale / N)`, computed as PyTorch's
/// log_softmax + nll_loss backward does: `p = exp(x - max - log(sum))`, then
/// `p * k`, minus `k` at the label, with `k = scale / N`.
struct SoftmaxCrossEntropyGradLowering
    : F32OpLowering<SoftmaxCrossEntropyGradOp> {
  using F32OpLowering::F32OpLowering;

  /// The labels.
  SmallVector<unsigned> integerOperands() const override { return {1}; }

  FailureOr<SmallVector<Value>>
  lower(SoftmaxCrossEntropyGradOp op, OpAdaptor adaptor,
        ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value logits = adaptor.getLogits();
    int64_t rows = shapeOf(logits)[0];
    Value max = reduceAlong<arith::MaximumFOp>(
        rewriter, loc, logits, 1, -std::numeric_limits<double>::infinity());
    Value sum =
        sumAlong(rewriter, loc, {logits}, {max}, 1,
                 [](OpBuilder &b, Location l, ValueRange args) -> Value {
                   return math::ExpOp::create(
                       b, l, arith::SubFOp::create(b, l, args[0], args[1]));
                 });
    Value logSum = createElementwise(
        rewriter, loc, cast<RankedTensorType>(sum.getType()), {sum},
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          return math::LogOp::create(b, l, args[0]);
        });
    Value k = arith::DivFOp::create(
        rewriter, loc, adaptor.getScale(),
        createF32Constant(rewriter, loc, static_cast<double>(rows)));
    Value result = broadcastElementwise(
        rewriter, loc, cast<RankedTensorType>(op.getType()), {logits},
        {max, logSum, adaptor.getLabels()}, 1,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value x = args[0], m = args[1], logS = args[2], label = args[3];
          Value logp = arith::SubFOp::create(
              b, l, arith::SubFOp::create(b, l, x, m), logS);
          Value scaled =
              arith::MulFOp::create(b, l, math::ExpOp::create(b, l, logp), k);
          Value column = arith::IndexCastOp::create(
              b, l, b.getI32Type(), linalg::IndexOp::create(b, l, 1));
          Value isLabel = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                                column, label);
          return arith::SelectOp::create(
              b, l, isLabel, arith::SubFOp::create(b, l, scaled, k), scaled);
        });
    return SmallVector<Value>{result};
  }
};

} // namespace

void lowering::populateSoftmaxGradPatterns(TypeConverter &converter,
                                           RewritePatternSet &patterns) {
  patterns.add<SoftmaxGradLowering, LogSoftmaxGradLowering,
               SoftmaxCrossEntropyGradLowering>(converter,
                                                patterns.getContext());
}
