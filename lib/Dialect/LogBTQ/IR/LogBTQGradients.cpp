//===- LogBTQGradients.cpp - Vector-Jacobian products of logbtq ops -------===//
//
// DifferentiableOpInterface::emitVJP for every op that can sit in a forward
// graph. Each gradient is built from logbtq ops, so it is lowered, quantized
// and checked like the forward pass.
//
//===----------------------------------------------------------------------===//

#include "VerifyUtils.h"
#include "logbtq/Dialect/LogBTQ/IR/LogBTQ.h"

#include "mlir/IR/Builders.h"

#include <cmath>

using namespace mlir;
using namespace mlir::logbtq;

namespace {

/// No gradient flows into the result: none flows out to the operands.
LogicalResult noGradient(Operation *op, SmallVectorImpl<Value> &operandGrads) {
  operandGrads.append(op->getNumOperands(), Value());
  return success();
}

/// A tensor of `shape` with the element type of `like`.
RankedTensorType withShape(Value like, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(
      shape, cast<ShapedType>(like.getType()).getElementType());
}

/// Undoes numpy broadcasting: sums `grad` down to `target`'s shape.
Value sumToShape(OpBuilder &b, Location loc, Value grad, Value target) {
  ArrayRef<int64_t> g = shapeOf(grad), t = shapeOf(target);
  if (g == t)
    return grad;
  size_t lead = g.size() - t.size();
  SmallVector<int64_t> axes, kept;
  for (size_t d = 0; d < g.size(); ++d) {
    if (d < lead || (t[d - lead] == 1 && g[d] != 1))
      axes.push_back(d);
    else
      kept.push_back(g[d]);
  }
  Value summed = grad;
  if (!axes.empty())
    summed = ReduceSumOp::create(b, loc, withShape(grad, kept), grad,
                                 b.getDenseI64ArrayAttr(axes));
  if (shapeOf(summed) != t)
    summed = ReshapeOp::create(b, loc, target.getType(), summed);
  return summed;
}

Value scalarTensor(OpBuilder &b, Location loc, float value) {
  auto type = RankedTensorType::get({}, b.getF32Type());
  return arith::ConstantOp::create(b, loc, type,
                                   DenseElementsAttr::get(type, value));
}

/// `value` in every element of `like`'s shape.
Value splatLike(OpBuilder &b, Location loc, Value like, float value) {
  auto type = RankedTensorType::get(shapeOf(like), b.getF32Type());
  return arith::ConstantOp::create(b, loc, type,
                                   DenseElementsAttr::get(type, value));
}

/// `OpTy(lhs, rhs)` (broadcasting) with the type of the broadcast result.
/// The operands come from a verified forward op, so their shapes broadcast.
template <typename OpTy>
Value binary(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  FailureOr<shape::Shape> shape = shape::inferBroadcast(
      shapeOf(lhs), shapeOf(rhs), [&] { return emitError(loc); });
  assert(succeeded(shape) && "gradient operands that do not broadcast");
  return OpTy::create(b, loc, withShape(lhs, *shape), lhs, rhs);
}

template <typename OpTy>
Value unary(OpBuilder &b, Location loc, Value x) {
  return OpTy::create(b, loc, x.getType(), x);
}

} // namespace

//===----------------------------------------------------------------------===//
// Linear layers
//===----------------------------------------------------------------------===//

/// matmul and batch_matmul: Y = op_a(A) op_b(B) gives d op_a(A) = dY op_b(B)^T
/// and d op_b(B) = op_a(A)^T dY, each written as one product with
/// transpose flags.
template <typename OpTy>
LogicalResult productVJP(OpTy op, OpBuilder &b, ValueRange resultGrads,
                         SmallVectorImpl<Value> &operandGrads) {
  Value dy = resultGrads[0];
  if (!dy)
    return noGradient(op, operandGrads);
  Location loc = op.getLoc();
  Value a = op.getLhs(), bm = op.getRhs();
  bool ta = op.getTransposeLhs(), tb = op.getTransposeRhs();
  UnitAttr unit = b.getUnitAttr();
  auto flag = [&](bool set) { return set ? unit : nullptr; };
  Value da =
      ta ? OpTy::create(b, loc, a.getType(), bm, dy, flag(tb), unit).getResult()
         : OpTy::create(b, loc, a.getType(), dy, bm, nullptr, flag(!tb))
               .getResult();
  Value db =
      tb ? OpTy::create(b, loc, bm.getType(), dy, a, unit, flag(ta)).getResult()
         : OpTy::create(b, loc, bm.getType(), a, dy, flag(!ta), nullptr)
               .getResult();
  operandGrads.append({da, db});
  return success();
}

LogicalResult MatmulOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                SmallVectorImpl<Value> &operandGrads) {
  return productVJP(*this, b, resultGrads, operandGrads);
}

LogicalResult BatchMatmulOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                     SmallVectorImpl<Value> &operandGrads) {
  return productVJP(*this, b, resultGrads, operandGrads);
}

LogicalResult Conv2DOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                SmallVectorImpl<Value> &operandGrads) {
  Value dy = resultGrads[0];
  if (!dy)
    return noGradient(*this, operandGrads);
  Location loc = getLoc();
  operandGrads.push_back(Conv2DGradInputOp::create(
      b, loc, getInput().getType(), dy, getFilter(), getStridesAttr(),
      getPadsAttr(), getDilationsAttr()));
  operandGrads.push_back(Conv2DGradFilterOp::create(
      b, loc, getFilter().getType(), dy, getInput(), getStridesAttr(),
      getPadsAttr(), getDilationsAttr()));
  if (getBias())
    operandGrads.push_back(ReduceSumOp::create(
        b, loc, getBias().getType(), dy, b.getDenseI64ArrayAttr({0, 2, 3})));
  return success();
}

/// The adjoint of conv2d: its input gradient is the convolution of the
/// output gradient with the filter, its filter gradient conv2d's filter
/// gradient with the roles of input and output gradient swapped.
LogicalResult ConvTranspose2DOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                         SmallVectorImpl<Value> &operandGrads) {
  Value dy = resultGrads[0];
  if (!dy)
    return noGradient(*this, operandGrads);
  Location loc = getLoc();
  operandGrads.push_back(
      Conv2DOp::create(b, loc, getInput().getType(), dy, getFilter(), Value(),
                       getStridesAttr(), getPadsAttr(), getDilationsAttr()));
  operandGrads.push_back(Conv2DGradFilterOp::create(
      b, loc, getFilter().getType(), getInput(), dy, getStridesAttr(),
      getPadsAttr(), getDilationsAttr()));
  if (getBias())
    operandGrads.push_back(ReduceSumOp::create(
        b, loc, getBias().getType(), dy, b.getDenseI64ArrayAttr({0, 2, 3})));
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

LogicalResult ReluOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  operandGrads.push_back(ReluGradOp::create(
      b, getLoc(), getInput().getType(), resultGrads[0], getInput()));
  return success();
}

LogicalResult SigmoidOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                 SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  operandGrads.push_back(SigmoidGradOp::create(
      b, getLoc(), getInput().getType(), resultGrads[0], getResult()));
  return success();
}

LogicalResult TanhOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  operandGrads.push_back(TanhGradOp::create(
      b, getLoc(), getInput().getType(), resultGrads[0], getResult()));
  return success();
}

LogicalResult ClipOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  operandGrads.push_back(
      ClipGradOp::create(b, getLoc(), getInput().getType(), resultGrads[0],
                         getInput(), getMinAttr(), getMaxAttr()));
  return success();
}

LogicalResult DropoutOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                 SmallVectorImpl<Value> &operandGrads) {
  // Dropout is the identity in logbtq's training graphs (docs/ONNX.md).
  operandGrads.push_back(resultGrads[0]);
  return success();
}

LogicalResult AddOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                             SmallVectorImpl<Value> &operandGrads) {
  Value dy = resultGrads[0];
  if (!dy)
    return noGradient(*this, operandGrads);
  operandGrads.push_back(sumToShape(b, getLoc(), dy, getLhs()));
  operandGrads.push_back(sumToShape(b, getLoc(), dy, getRhs()));
  return success();
}

LogicalResult SubOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                             SmallVectorImpl<Value> &operandGrads) {
  Value dy = resultGrads[0];
  if (!dy)
    return noGradient(*this, operandGrads);
  Location loc = getLoc();
  Value negated =
      MulOp::create(b, loc, dy.getType(), dy, scalarTensor(b, loc, -1.0f));
  operandGrads.push_back(sumToShape(b, loc, dy, getLhs()));
  operandGrads.push_back(sumToShape(b, loc, negated, getRhs()));
  return success();
}

LogicalResult MulOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                             SmallVectorImpl<Value> &operandGrads) {
  Value dy = resultGrads[0];
  if (!dy)
    return noGradient(*this, operandGrads);
  Location loc = getLoc();
  Value da = MulOp::create(b, loc, dy.getType(), dy, getRhs());
  Value db = MulOp::create(b, loc, dy.getType(), dy, getLhs());
  operandGrads.push_back(sumToShape(b, loc, da, getLhs()));
  operandGrads.push_back(sumToShape(b, loc, db, getRhs()));
  return success();
}

/// The gradient of each unary op below as `dy * factor(x, y)`.
template <typename OpTy, typename Factor>
LogicalResult scaledGradient(OpTy op, OpBuilder &b, ValueRange resultGrads,
                             SmallVectorImpl<Value> &operandGrads,
                             Factor factor) {
  Value dy = resultGrads[0];
  if (!dy)
    return noGradient(op, operandGrads);
  Location loc = op.getLoc();
  operandGrads.push_back(
      binary<MulOp>(b, loc, dy, factor(op.getInput(), op.getResult(), loc)));
  return success();
}

LogicalResult ExpOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                             SmallVectorImpl<Value> &operandGrads) {
  return scaledGradient(*this, b, resultGrads, operandGrads,
                        [](Value, Value y, Location) { return y; });
}

LogicalResult LogOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                             SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  operandGrads.push_back(
      binary<DivOp>(b, getLoc(), resultGrads[0], getInput()));
  return success();
}

LogicalResult SqrtOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  Location loc = getLoc();
  Value half =
      binary<MulOp>(b, loc, resultGrads[0], scalarTensor(b, loc, 0.5f));
  operandGrads.push_back(binary<DivOp>(b, loc, half, getResult()));
  return success();
}

LogicalResult ErfOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                             SmallVectorImpl<Value> &operandGrads) {
  // erf'(x) = 2 / sqrt(pi) * exp(-x^2).
  return scaledGradient(
      *this, b, resultGrads, operandGrads, [&](Value x, Value, Location loc) {
        Value square = binary<MulOp>(b, loc, x, x);
        Value e = unary<ExpOp>(b, loc, unary<NegOp>(b, loc, square));
        return binary<MulOp>(b, loc, e,
                             scalarTensor(b, loc, float(M_2_SQRTPI)));
      });
}

LogicalResult NegOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                             SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  operandGrads.push_back(unary<NegOp>(b, getLoc(), resultGrads[0]));
  return success();
}

LogicalResult AbsOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                             SmallVectorImpl<Value> &operandGrads) {
  return scaledGradient(
      *this, b, resultGrads, operandGrads,
      [&](Value x, Value, Location loc) { return unary<SignOp>(b, loc, x); });
}

LogicalResult SoftplusOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  return scaledGradient(*this, b, resultGrads, operandGrads,
                        [&](Value x, Value, Location loc) {
                          return unary<SigmoidOp>(b, loc, x);
                        });
}

LogicalResult SignOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  return noGradient(*this, operandGrads);
}

LogicalResult StepOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  return noGradient(*this, operandGrads);
}

LogicalResult LeakyReluOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                   SmallVectorImpl<Value> &operandGrads) {
  // The slope, alpha + (1 - alpha) * step(x): alpha at 0, as PyTorch's.
  float alpha = getAlpha().convertToFloat();
  return scaledGradient(
      *this, b, resultGrads, operandGrads, [&](Value x, Value, Location loc) {
        Value mask = unary<StepOp>(b, loc, x);
        Value scaled =
            binary<MulOp>(b, loc, mask, scalarTensor(b, loc, 1.0f - alpha));
        return binary<AddOp>(b, loc, scaled, scalarTensor(b, loc, alpha));
      });
}

LogicalResult DivOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                             SmallVectorImpl<Value> &operandGrads) {
  Value dy = resultGrads[0];
  if (!dy)
    return noGradient(*this, operandGrads);
  Location loc = getLoc();
  // d lhs = dy / rhs, d rhs = -dy * y / rhs.
  Value da = binary<DivOp>(b, loc, dy, getRhs());
  Value db = unary<NegOp>(
      b, loc,
      binary<DivOp>(b, loc, binary<MulOp>(b, loc, dy, getResult()), getRhs()));
  operandGrads.push_back(sumToShape(b, loc, da, getLhs()));
  operandGrads.push_back(sumToShape(b, loc, db, getRhs()));
  return success();
}

LogicalResult PowOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                             SmallVectorImpl<Value> &operandGrads) {
  Value dy = resultGrads[0];
  if (!dy)
    return noGradient(*this, operandGrads);
  Location loc = getLoc();
  Value x = getLhs(), p = getRhs();
  // d x = dy * p * x^(p - 1); d p = dy * y * ln(x). A constant exponent's
  // gradient is not needed, and the canonicalizer removes it.
  Value lower = binary<SubOp>(b, loc, p, scalarTensor(b, loc, 1.0f));
  Value slope = binary<MulOp>(b, loc, p, binary<PowOp>(b, loc, x, lower));
  Value dx = binary<MulOp>(b, loc, dy, slope);
  Value dp = binary<MulOp>(b, loc, binary<MulOp>(b, loc, dy, getResult()),
                           unary<LogOp>(b, loc, x));
  operandGrads.push_back(sumToShape(b, loc, dx, x));
  operandGrads.push_back(sumToShape(b, loc, dp, p));
  return success();
}

/// max and min: the gradient goes to `lhs` where `first - second > 0`, the
/// rest to `rhs`.
template <typename OpTy>
LogicalResult selectGradient(OpTy op, OpBuilder &b, ValueRange resultGrads,
                             SmallVectorImpl<Value> &operandGrads, Value first,
                             Value second) {
  Value dy = resultGrads[0];
  if (!dy)
    return noGradient(op, operandGrads);
  Location loc = op.getLoc();
  Value mask = unary<StepOp>(b, loc, binary<SubOp>(b, loc, first, second));
  Value da = binary<MulOp>(b, loc, dy, mask);
  Value db = binary<SubOp>(b, loc, dy, da);
  operandGrads.push_back(sumToShape(b, loc, da, op.getLhs()));
  operandGrads.push_back(sumToShape(b, loc, db, op.getRhs()));
  return success();
}

LogicalResult MaxOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                             SmallVectorImpl<Value> &operandGrads) {
  return selectGradient(*this, b, resultGrads, operandGrads, getLhs(),
                        getRhs());
}

LogicalResult MinOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                             SmallVectorImpl<Value> &operandGrads) {
  return selectGradient(*this, b, resultGrads, operandGrads, getRhs(),
                        getLhs());
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                SmallVectorImpl<Value> &operandGrads) {
  Value dy = resultGrads[0];
  if (!dy)
    return noGradient(*this, operandGrads);
  Location loc = getLoc();
  Value x = getInput();
  // The result's shape with the reduced axes kept as 1, which broadcasts
  // against the input.
  SmallVector<int64_t> kept(shapeOf(x));
  int64_t count = 1;
  for (int64_t axis : getAxes()) {
    count *= kept[axis];
    kept[axis] = 1;
  }
  auto keep = [&](Value v) -> Value {
    if (shapeOf(v) == ArrayRef<int64_t>(kept))
      return v;
    return ReshapeOp::create(b, loc, withShape(v, kept), v);
  };
  Value spread = keep(dy);
  StringRef kind = getKind();
  if (kind == "sum" || kind == "mean") {
    float scale = kind == "sum" ? 1.0f : 1.0f / float(count);
    operandGrads.push_back(
        binary<MulOp>(b, loc, splatLike(b, loc, x, scale), spread));
    return success();
  }
  // max and min: the elements equal to the result, where
  // step(|y - x|) is 0.
  Value gap = binary<SubOp>(b, loc, keep(getResult()), x);
  Value apart = unary<StepOp>(b, loc, unary<AbsOp>(b, loc, gap));
  Value mask = binary<SubOp>(b, loc, splatLike(b, loc, x, 1.0f), apart);
  operandGrads.push_back(binary<MulOp>(b, loc, mask, spread));
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

LogicalResult MaxPool2DOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                   SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  operandGrads.push_back(MaxPool2DGradOp::create(
      b, getLoc(), getInput().getType(), resultGrads[0], getInput(),
      getKernelAttr(), getStridesAttr(), getPadsAttr(), getCeilModeAttr()));
  return success();
}

LogicalResult AvgPool2DOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                   SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  operandGrads.push_back(AvgPool2DGradOp::create(
      b, getLoc(), getInput().getType(), resultGrads[0], getKernelAttr(),
      getStridesAttr(), getPadsAttr(), getCeilModeAttr(),
      getCountIncludePadAttr()));
  return success();
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                 SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  operandGrads.push_back(ReshapeOp::create(b, getLoc(), getInput().getType(),
                                           resultGrads[0]));
  return success();
}

LogicalResult TransposeOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                   SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  ArrayRef<int64_t> perm = getPerm();
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = i;
  operandGrads.push_back(TransposeOp::create(b, getLoc(),
                                             getInput().getType(),
                                             resultGrads[0],
                                             b.getDenseI64ArrayAttr(inverse)));
  return success();
}

LogicalResult ConcatOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  int64_t axis = getAxis(), offset = 0;
  for (Value input : getInputs()) {
    SmallVector<int64_t> offsets(shapeOf(input).size(), 0);
    offsets[axis] = offset;
    offset += shapeOf(input)[axis];
    operandGrads.push_back(SliceOp::create(b, getLoc(), input.getType(),
                                           resultGrads[0],
                                           b.getDenseI64ArrayAttr(offsets)));
  }
  return success();
}

LogicalResult StridedSliceOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                      SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  operandGrads.push_back(StridedSliceGradOp::create(
      b, getLoc(), withShape(resultGrads[0], shapeOf(getInput())),
      resultGrads[0], getOffsetsAttr(), getStridesAttr()));
  return success();
}

LogicalResult GatherOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  operandGrads.push_back(GatherGradOp::create(
      b, getLoc(), withShape(resultGrads[0], shapeOf(getInput())),
      resultGrads[0], getIndices(), getAxisAttr()));
  // Integer indices: no gradient.
  operandGrads.push_back(Value());
  return success();
}

/// Each value operand gets the gradient where it is chosen, 0 elsewhere;
/// the condition gets none.
LogicalResult SelectOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                SmallVectorImpl<Value> &operandGrads) {
  Value dy = resultGrads[0];
  if (!dy)
    return noGradient(*this, operandGrads);
  Location loc = getLoc();
  Value zeros = splatLike(b, loc, dy, 0.0f);
  Value chosen =
      SelectOp::create(b, loc, dy.getType(), getCondition(), dy, zeros);
  Value other =
      SelectOp::create(b, loc, dy.getType(), getCondition(), zeros, dy);
  operandGrads.push_back(Value());
  operandGrads.push_back(sumToShape(b, loc, chosen, getTrueValue()));
  operandGrads.push_back(sumToShape(b, loc, other, getFalseValue()));
  return success();
}

LogicalResult BroadcastOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                   SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  operandGrads.push_back(sumToShape(b, getLoc(), resultGrads[0], getInput()));
  return success();
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                 SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  operandGrads.push_back(
      SoftmaxGradOp::create(b, getLoc(), getInput().getType(), resultGrads[0],
                            getResult(), getAxisAttr()));
  return success();
}

LogicalResult LogSoftmaxOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  operandGrads.push_back(
      LogSoftmaxGradOp::create(b, getLoc(), getInput().getType(),
                               resultGrads[0], getResult(), getAxisAttr()));
  return success();
}

LogicalResult LayerNormOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                   SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  auto grads = LayerNormGradOp::create(
      b, getLoc(), getInput().getType(), getScale().getType(),
      getBias().getType(), resultGrads[0], getInput(), getScale(),
      getAxisAttr(), getEpsilonAttr());
  operandGrads.append(
      {grads.getInputGrad(), grads.getScaleGrad(), grads.getBiasGrad()});
  return success();
}

LogicalResult BatchNormOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                   SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  auto grads = BatchNormGradOp::create(
      b, getLoc(), getInput().getType(), getScale().getType(),
      getBias().getType(), resultGrads[0], getInput(), getScale(), getMean(),
      getVariance(), getEpsilonAttr(), UnitAttr());
  // The running statistics are frozen: no gradient.
  operandGrads.append({grads.getInputGrad(), grads.getScaleGrad(),
                       grads.getBiasGrad(), Value(), Value()});
  return success();
}

LogicalResult BatchNormTrainOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                        SmallVectorImpl<Value> &operandGrads) {
  // The statistics feed only the running estimates, which the loss does
  // not read: their results have no gradient of their own.
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  auto grads = BatchNormGradOp::create(
      b, getLoc(), getInput().getType(), getScale().getType(),
      getBias().getType(), resultGrads[0], getInput(), getScale(),
      getBatchMean(), getBatchVariance(), getEpsilonAttr(), b.getUnitAttr());
  operandGrads.append(
      {grads.getInputGrad(), grads.getScaleGrad(), grads.getBiasGrad()});
  return success();
}

//===----------------------------------------------------------------------===//
// Training terms
//===----------------------------------------------------------------------===//

LogicalResult BarrierOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                 SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  operandGrads.push_back(BarrierGradOp::create(
      b, getLoc(), getInput().getType(), getInput(), getT(), resultGrads[0],
      getBoundAttr()));
  operandGrads.push_back(Value()); // t is a schedule, not a variable
  return success();
}

LogicalResult TargetLossOp::emitVJP(OpBuilder &b, ValueRange resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  operandGrads.push_back(TargetLossGradOp::create(
      b, getLoc(), getLogits().getType(), getLogits(), getLabels(),
      resultGrads[0], getKindAttr()));
  operandGrads.push_back(Value()); // labels are data
  return success();
}

LogicalResult SoftmaxCrossEntropyOp::emitVJP(
    OpBuilder &b, ValueRange resultGrads, SmallVectorImpl<Value> &operandGrads) {
  if (!resultGrads[0])
    return noGradient(*this, operandGrads);
  operandGrads.push_back(SoftmaxCrossEntropyGradOp::create(
      b, getLoc(), getLogits().getType(), getLogits(), getLabels(),
      resultGrads[0]));
  operandGrads.push_back(Value()); // labels are data
  return success();
}
